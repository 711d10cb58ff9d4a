/**
 * A neutral model of an X12 835 Health Care Claim Payment/Advice (005010X221A1), one per
 * transaction set (ST…SE). It mirrors the guide's loops and knows nothing of the database:
 *
 *   Header      BPR, TRN, CUR, REF, DTM*405
 *   1000A       N1*PR payer (N3, N4, REF*2U, PER)
 *   1000B       N1*PE payee (N3, N4, REF)
 *   2000        LX header number (TS3, TS2)
 *   2100        CLP claim payment, CAS, NM1*QC/IL/74/82/TT/PR, MIA, MOA, REF, DTM*232/233/050, PER, AMT, QTY
 *   2110        SVC service payment, DTM*472/150/151, CAS, REF*6R…, AMT, QTY, LQ*HE
 *   Summary     PLB provider-level adjustments
 *
 * Money is integer cents parsed from the element text (never through floating point).
 * Patient and insured names and ids (NM1*QC/IL) are PHI: they are kept here for the caller's
 * use in memory and are never logged or stored by the posting service.
 */

/** Something the reader accepted but the guide does not allow, or a balancing difference. */
export interface X12Warning {
  /** 1-based segment position in the file; null for the whole file. */
  position: number | null;
  segmentId: string | null;
  /** Machine-readable: MISSING_AMOUNT, INVALID_DATE, CLAIM_UNBALANCED, … */
  code: string;
  /** Human-readable; never carries names, member ids or other identifiers. */
  message: string;
}

/** CAS: one reason/amount/quantity triplet (a CAS segment carries up to six). */
export interface Adjustment835 {
  position: number;
  /** CAS01: CO, PR, OA, PI (CR before 5010). */
  group: string;
  /** CAS02/05/08/11/14/17: Claim Adjustment Reason Code (code source 139). */
  reasonCode: string;
  /** CAS03/06/09/…: amount in cents (negative increases the payment). */
  amountCents: number;
  /** CAS04/07/10/…: units adjusted, when given. */
  quantity: number | null;
}

export interface Reference835 {
  qualifier: string;
  value: string;
}

export interface Amount835 {
  qualifier: string;
  amountCents: number;
}

export interface Procedure835 {
  /** SVC01-1 / SVC06-1: HC (HCPCS/CPT), AD, ER, IV, N4, NU, WK, ZZ… */
  qualifier: string;
  code: string;
  modifiers: string[];
}

/** Loop 2110: one service line payment. */
export interface ServicePayment835 {
  position: number;
  procedure: Procedure835;
  /** SVC02 line item charge. */
  chargeCents: number;
  /** SVC03 line item provider payment. */
  paidCents: number;
  /** SVC04 NUBC revenue code (institutional). */
  revenueCode: string | null;
  /** SVC05 units of service paid (1 when not sent, per the guide). */
  unitsPaid: number;
  /** SVC06: the procedure as submitted, when the payer adjudicated a different one. */
  submittedProcedure: Procedure835 | null;
  /** SVC07 original units of service. */
  submittedUnits: number | null;
  /** DTM*472, or DTM*150 for a period. */
  serviceDateFrom: string | null;
  /** DTM*151 for a period; else the same as serviceDateFrom. */
  serviceDateTo: string | null;
  adjustments: Adjustment835[];
  /** REF*6R: the line item control number of the 837 (2400 REF*6R), echoed back. */
  lineControlNumber: string | null;
  references: Reference835[];
  /** AMT*B6 allowed amount. */
  allowedCents: number | null;
  amounts: Amount835[];
  /** LQ*HE remark codes (RARC, code source 411). */
  remarkCodes: string[];
}

export interface Party835 {
  /** NM101 entity identifier: QC patient, IL insured, 74 corrected insured, 82 rendering, … */
  entity: string;
  lastName: string;
  firstName: string;
  idQualifier: string;
  id: string;
}

/** Loop 2100: one claim payment. */
export interface ClaimPayment835 {
  position: number;
  /** LX01 of the enclosing 2000 loop, when there is one. */
  headerNumber: string | null;
  /** CLP01: the 837 CLM01 patient control number, echoed back. */
  patientControlNumber: string;
  /** CLP02: 1/2/3 processed as primary/secondary/tertiary, 4 denied, 19–21 forwarded, 22 reversal, 23 not our claim, 25 predetermination. */
  statusCode: string;
  /** CLP03 total claim charge. */
  chargeCents: number;
  /** CLP04 claim payment amount. */
  paidCents: number;
  /** CLP05 patient responsibility. */
  patientResponsibilityCents: number | null;
  /** CLP06 claim filing indicator. */
  filingIndicator: string | null;
  /** CLP07 payer claim control number (sent back as REF*F8 on frequency 7/8). */
  payerClaimNumber: string | null;
  /** CLP08 facility code (place of service for professional claims). */
  facilityCode: string | null;
  /** CLP09 claim frequency code. */
  frequencyCode: string | null;
  /** Claim-level CAS triplets. */
  adjustments: Adjustment835[];
  /** NM1 loops of the claim (QC patient, IL insured, 74, 82, TT, PR, GB). PHI: never log. */
  parties: Party835[];
  /** MIA05, MIA20–23 and MOA03–07 remark codes. */
  remarkCodes: string[];
  references: Reference835[];
  /** DTM*232 claim statement period start. */
  statementFrom: string | null;
  /** DTM*233 claim statement period end. */
  statementTo: string | null;
  /** DTM*050 received date. */
  receivedDate: string | null;
  amounts: Amount835[];
  services: ServicePayment835[];
}

/** PLB: one reason/amount pair of a provider-level adjustment (a PLB segment carries up to six). */
export interface ProviderAdjustment835 {
  position: number;
  /** PLB01 provider identifier. */
  providerId: string;
  /** PLB02 fiscal period date. */
  fiscalPeriodDate: string | null;
  /** PLB03-1 / 05-1 / …: provider adjustment reason code (e.g. WO overpayment recovery, L6 interest). */
  reasonCode: string;
  /** PLB03-2: reference (e.g. the ICN the recovery is for). */
  reference: string | null;
  /** PLB04 / 06 / …: positive reduces the payment, negative increases it. */
  amountCents: number;
}

/** One 835 transaction set: one payment (or notice) from one payer to one payee. */
export interface Remittance835 {
  /** ISA13, null for a bare ST…SE file. */
  interchangeControlNumber: string | null;
  /** GS06. */
  groupControlNumber: string | null;
  /** ST02. */
  transactionControlNumber: string;
  /** 0-based index of this transaction in the file. */
  transactionIndex: number;
  /** ST03 or GS08 ('' when the file has neither). */
  version: string;
  /** Position of the ST segment. */
  position: number;
  /** Position of the SE segment. */
  endPosition: number;
  /** Position of the BPR segment. */
  paymentPosition: number;
  /** BPR01 transaction handling code: C payment accompanies, D payment only, H notification only, I remittance information only, P prenotification, U split, X handling party's option. */
  handlingCode: string;
  /** BPR02 total actual provider payment. */
  paymentCents: number;
  /** BPR03 C credit / D debit. */
  creditDebit: string;
  /** BPR04 ACH, BOP, CHK, FWT, NON. */
  paymentMethod: string;
  /** BPR16 check issue or EFT effective date. */
  paymentDate: string | null;
  /** TRN01 trace type code. */
  traceType: string | null;
  /** TRN02 check or EFT trace number. */
  traceNumber: string | null;
  /** TRN03 payer identifier ('1' + the payer's EIN). */
  traceOriginatorId: string | null;
  /** DTM*405 production date. */
  productionDate: string | null;
  payerName: string | null;
  /** N1*PR N104 (e.g. CMS PlanID, qualifier XV), else REF*2U. */
  payerIdentifier: string | null;
  payeeName: string | null;
  /** N1*PE N103. */
  payeeIdQualifier: string | null;
  /** N1*PE N104 (XX: NPI; FI: tax id). */
  payeeId: string | null;
  claims: ClaimPayment835[];
  providerAdjustments: ProviderAdjustment835[];
}

export interface Remittance835File {
  transactions: Remittance835[];
  warnings: X12Warning[];
}
