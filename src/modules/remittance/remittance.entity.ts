import { BigIntType, Entity, Enum, Index, ManyToOne, PrimaryKey, Property, Unique, type Opt, type Ref, DateTimeType } from '@mikro-orm/core';
import { Field, Float, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { BaseEntity } from '../../common/base.entity';
import { uuidv7 } from '../../common/ids';
import { LocalDateScalar } from '../../common/scalars';
import { Claim, ClaimLine } from '../claim/claim.entity';
import { ClaimStatus } from '../claim/claim-status';

/**
 * A posted X12 835 (005010X221A1) and what it said, claim by claim and line by line. Rows are
 * never deleted or rewritten: a reversal (CLP02 22) is a new ClaimPayment that marks the one it
 * reverses. Names and member ids of the 835 (NM1*QC/IL) are not stored: the claim they belong to
 * already has them, and an unmatched payment is identified by its CLP01 and CLP07.
 */

export enum StatusEffect {
  /** The claim moved to the status the payment implies. */
  MOVED = 'MOVED',
  /** The claim was already in that status. */
  NO_CHANGE = 'NO_CHANGE',
  /** The claim's status does not allow the move (CLAIM_TRANSITIONS); the payment is recorded and reported. */
  NOT_ALLOWED = 'NOT_ALLOWED',
  /** No claim here has this CLP01. */
  NO_CLAIM = 'NO_CLAIM',
}
registerEnumType(StatusEffect, {
  name: 'PaymentStatusEffect',
  description: 'What posting the payment did to the claim status: MOVED, NO_CHANGE, NOT_ALLOWED (the lifecycle does not allow it; recorded and reported), NO_CLAIM (unmatched).',
});

export enum LineMatch {
  /** REF*6R = ClaimLine.lineControlNumber. */
  LINE_CONTROL_NUMBER = 'LINE_CONTROL_NUMBER',
  /** No REF*6R match: same procedure code and date of service on the matched claim. */
  CODE_AND_DATE = 'CODE_AND_DATE',
  NONE = 'NONE',
}
registerEnumType(LineMatch, { name: 'LineMatch', description: 'How a service payment found its claim line: by REF*6R, by code and date, or not at all.' });

export enum AdjustmentLevel {
  CLAIM = 'CLAIM',
  SERVICE = 'SERVICE',
}
registerEnumType(AdjustmentLevel, { name: 'AdjustmentLevel', description: 'CLAIM: loop 2100 CAS; SERVICE: loop 2110 CAS.' });

@ObjectType({ description: 'A qualified value from the 835 (REF or AMT), e.g. F8 original reference number, B6 allowed amount.' })
export class QualifiedValue {
  @Field(() => String) qualifier!: string;
  @Field(() => String) value!: string;
}

@ObjectType({ description: 'An 835 amount with its qualifier (AMT01), in integer cents.' })
export class QualifiedAmount {
  @Field(() => String) qualifier!: string;
  @Field(() => Int) amountCents!: number;
}

@ObjectType({ description: 'Something the 835 reader accepted but the implementation guide does not allow, or a balancing difference.' })
export class RemittanceWarning {
  @Field(() => Int, { nullable: true, description: '1-based segment position in the file.' }) position!: number | null;
  @Field(() => String, { nullable: true }) segmentId!: string | null;
  @Field(() => String, { description: 'MISSING_AMOUNT, INVALID_DATE, CLAIM_UNBALANCED, SERVICE_UNBALANCED, TRANSACTION_UNBALANCED, UNMATCHED_CLAIM, STATUS_NOT_ALLOWED, …' }) code!: string;
  @Field(() => String) message!: string;
  @Field(() => ID, { nullable: true, description: 'The claim payment it is about.' }) claimPaymentId!: string | null;
}

/** One 835 transaction set (ST…SE): one payment or notice from one payer, posted at once. */
@ObjectType({ description: 'A posted 835 remittance (one transaction set): the payment and the claims it pays.' })
@Entity({ tableName: 'remittance' })
@Unique({ properties: ['fileSha256', 'transactionIndex'] })
@Unique({ properties: ['payerKey', 'traceNumber'] })
@Index({ properties: ['postedAt'] })
export class Remittance extends BaseEntity {
  @Field(() => String, { description: 'SHA-256 (hex) of the whole file: the same file is never posted twice.' })
  @Property({ type: 'string', length: 64 })
  fileSha256!: string;

  @Field(() => String, { nullable: true })
  @Property({ type: 'string', length: 255, nullable: true })
  fileName?: string | null;

  @Field(() => Int, { description: '0-based index of the transaction set in the file.' })
  @Property({ type: 'smallint' })
  transactionIndex!: number;

  @Field(() => String, { nullable: true, description: 'ISA13.' })
  @Property({ type: 'string', length: 9, nullable: true })
  interchangeControlNumber?: string | null;

  @Field(() => String, { nullable: true, description: 'GS06.' })
  @Property({ type: 'string', length: 9, nullable: true })
  groupControlNumber?: string | null;

  @Field(() => String, { description: 'ST02.' })
  @Property({ type: 'string', length: 9 })
  transactionControlNumber!: string;

  @Field(() => String, { description: 'GS08 / ST03 as sent.' })
  @Property({ type: 'string', length: 12 })
  implementationVersion!: string;

  @Field(() => String, { description: 'BPR01: C payment accompanies, D payment only, H notification only, I remittance information only, P prenotification, U split, X handling party\'s option.' })
  @Property({ type: 'string', length: 2 })
  handlingCode!: string;

  @Field(() => Float, { description: 'BPR02 total provider payment in integer cents (Float because it may exceed 32 bits).' })
  @Property({ type: new BigIntType('number') })
  paymentCents!: number;

  @Field(() => String, { description: 'BPR03: C credit, D debit.' })
  @Property({ type: 'string', length: 2 })
  creditDebit!: string;

  @Field(() => String, { description: 'BPR04: ACH, BOP, CHK, FWT, NON.' })
  @Property({ type: 'string', length: 3 })
  paymentMethod!: string;

  @Field(() => LocalDateScalar, { nullable: true, description: 'BPR16: check issue or EFT effective date.' })
  @Property({ type: 'date', nullable: true })
  paymentDate?: string | null;

  @Field(() => String, { nullable: true, description: 'TRN02: check or EFT trace number.' })
  @Property({ type: 'string', length: 50, nullable: true })
  traceNumber?: string | null;

  @Field(() => String, { nullable: true, description: "TRN03: the payer's identifier ('1' + EIN)." })
  @Property({ type: 'string', length: 10, nullable: true })
  traceOriginatorId?: string | null;

  /** Who the trace number belongs to: TRN03, else the payer id, else the payer name. With traceNumber, unique. */
  @Property({ type: 'string', length: 80 })
  payerKey!: string;

  @Field(() => LocalDateScalar, { nullable: true, description: 'DTM*405 production date.' })
  @Property({ type: 'date', nullable: true })
  productionDate?: string | null;

  @Field(() => LocalDateScalar, { description: 'The date denials count from: DTM*405, else BPR16, else the posting date.' })
  @Property({ type: 'date' })
  remittanceDate!: string;

  @Field(() => String, { nullable: true, description: 'N1*PR N102.' })
  @Property({ type: 'string', length: 60, nullable: true })
  payerName?: string | null;

  @Field(() => String, { nullable: true, description: 'N1*PR N104, else REF*2U.' })
  @Property({ type: 'string', length: 80, nullable: true })
  payerIdentifier?: string | null;

  @Field(() => String, { nullable: true, description: 'N1*PE N102.' })
  @Property({ type: 'string', length: 60, nullable: true })
  payeeName?: string | null;

  @Field(() => String, { nullable: true, description: 'N1*PE N104 (N103 XX: NPI).' })
  @Property({ type: 'string', length: 80, nullable: true })
  payeeId?: string | null;

  @Field(() => Boolean, { description: 'BPR02 = Σ CLP04 − Σ PLB (005010X221A1 1.10.2). False only when posted with acceptUnbalanced.' })
  @Property({ type: 'boolean' })
  balanced!: boolean;

  @Field(() => Int)
  @Property({ type: 'integer' })
  claimCount!: number;

  @Field(() => Int, { description: 'Claim payments whose CLP01 matched a claim here.' })
  @Property({ type: 'integer' })
  matchedCount!: number;

  @Field(() => Date)
  @Property({ type: DateTimeType })
  postedAt: Date & Opt = new Date();

  @Field(() => String, { description: 'Token subject that posted it.' })
  @Property({ type: 'string', length: 100 })
  postedBy!: string;

  @Field(() => String)
  @Property({ type: 'string', length: 20 })
  postedByRole!: string;

  @Property({ type: 'string', length: 64, nullable: true })
  requestId?: string | null;

  @Field(() => [RemittanceWarning], { description: 'What the reader and the posting reported (positions and codes; never names or member ids).' })
  @Property({ type: 'json' })
  warnings: RemittanceWarning[] = [];
}

/** Loop 2100: what the payer did with one claim. */
@ObjectType({ description: 'One claim payment (835 loop 2100, CLP).' })
@Entity({ tableName: 'claim_payment' })
@Index({ properties: ['remittance'] })
@Index({ properties: ['claim'] })
@Index({ properties: ['patientControlNumber'] })
export class ClaimPayment {
  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = uuidv7();

  @ManyToOne(() => Remittance, { ref: true })
  remittance!: Ref<Remittance>;

  /** Null when no claim here has this CLP01 (reported as unmatched). */
  @ManyToOne(() => Claim, { ref: true, nullable: true })
  claim?: Ref<Claim> | null;

  @Field(() => Int, { description: 'Segment position of the CLP in the file.' })
  @Property({ type: 'integer' })
  position!: number;

  @Field(() => String, { description: 'CLP01: the 837 CLM01 echoed back.' })
  @Property({ type: 'string', length: 38 })
  patientControlNumber!: string;

  @Field(() => String, { description: 'CLP02: 1/2/3 processed as primary/secondary/tertiary, 4 denied, 19–21 forwarded, 22 reversal of a previous payment, 23 not our claim, 25 predetermination.' })
  @Property({ type: 'string', length: 2 })
  statusCode!: string;

  @Field(() => Int, { description: 'CLP03 total claim charge, cents.' })
  @Property({ type: 'integer' })
  chargeCents!: number;

  @Field(() => Int, { description: 'CLP04 claim payment, cents.' })
  @Property({ type: 'integer' })
  paidCents!: number;

  @Field(() => Int, { nullable: true, description: 'CLP05 patient responsibility, cents.' })
  @Property({ type: 'integer', nullable: true })
  patientResponsibilityCents?: number | null;

  @Field(() => String, { nullable: true, description: 'CLP06 claim filing indicator.' })
  @Property({ type: 'string', length: 2, nullable: true })
  filingIndicator?: string | null;

  @Field(() => String, { nullable: true, description: 'CLP07 payer claim control number (stored on the claim as payerClaimNumber).' })
  @Property({ type: 'string', length: 50, nullable: true })
  payerClaimNumber?: string | null;

  @Field(() => String, { nullable: true, description: 'CLP08 facility code.' })
  @Property({ type: 'string', length: 2, nullable: true })
  facilityCode?: string | null;

  @Field(() => String, { nullable: true, description: 'CLP09 claim frequency code.' })
  @Property({ type: 'string', length: 1, nullable: true })
  frequencyCode?: string | null;

  @Field(() => [String], { description: 'Claim-level remark codes (MOA03–07, MIA05, MIA20–23).' })
  @Property({ type: 'json' })
  remarkCodes: string[] = [];

  @Field(() => [QualifiedValue], { description: 'Claim references kept from loop 2100 REF (1K, F8, 9A, 9C, BB, G1, G3; never member or medical record numbers).' })
  @Property({ type: 'json' })
  references: QualifiedValue[] = [];

  @Field(() => [QualifiedAmount], { description: 'Claim supplemental amounts (AMT).' })
  @Property({ type: 'json' })
  amounts: QualifiedAmount[] = [];

  @Field(() => LocalDateScalar, { nullable: true, description: 'DTM*232 statement from.' })
  @Property({ type: 'date', nullable: true })
  statementFrom?: string | null;

  @Field(() => LocalDateScalar, { nullable: true, description: 'DTM*233 statement to.' })
  @Property({ type: 'date', nullable: true })
  statementTo?: string | null;

  @Field(() => Boolean, { description: 'CLP03 − Σ CAS = CLP04, Σ SVC03 − claim CAS = CLP04, and every line balances (005010X221A1 1.10.2).' })
  @Property({ type: 'boolean' })
  balanced!: boolean;

  @Field(() => Boolean, { description: 'CLP02 22: this payment reverses an earlier one.' })
  @Property({ type: 'boolean' })
  reversal!: boolean;

  @Field(() => Boolean, { description: 'A later reversal (CLP02 22) took this payment back.' })
  @Property({ type: 'boolean' })
  reversed: boolean & Opt = false;

  /** For a reversal: the payment it reverses (null when none was found). */
  @ManyToOne(() => ClaimPayment, { ref: true, nullable: true })
  reverses?: Ref<ClaimPayment> | null;

  /** For a reversed payment: the reversal. */
  @ManyToOne(() => ClaimPayment, { ref: true, nullable: true })
  reversedBy?: Ref<ClaimPayment> | null;

  @Field(() => ClaimStatus, { nullable: true, description: 'The claim status when this payment was posted.' })
  @Enum({ items: () => ClaimStatus, nullable: true })
  claimStatusBefore?: ClaimStatus | null;

  @Field(() => ClaimStatus, { nullable: true, description: 'The status the payment implies (PAID, PARTIALLY_PAID, DENIED; for a reversal, the status before the reversed payment).' })
  @Enum({ items: () => ClaimStatus, nullable: true })
  claimStatusTarget?: ClaimStatus | null;

  @Field(() => StatusEffect)
  @Enum({ items: () => StatusEffect })
  statusEffect!: StatusEffect;
}

/** Loop 2110: what the payer did with one service line. */
@ObjectType({ description: 'One service payment (835 loop 2110, SVC).' })
@Entity({ tableName: 'service_payment' })
@Index({ properties: ['claimPayment'] })
@Index({ properties: ['claimLine'] })
export class ServicePayment {
  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = uuidv7();

  @ManyToOne(() => ClaimPayment, { ref: true })
  claimPayment!: Ref<ClaimPayment>;

  @ManyToOne(() => ClaimLine, { ref: true, nullable: true, deleteRule: 'set null' })
  claimLine?: Ref<ClaimLine> | null;

  @Field(() => LineMatch)
  @Enum({ items: () => LineMatch })
  lineMatch!: LineMatch;

  @Field(() => Int)
  @Property({ type: 'integer' })
  position!: number;

  @Field(() => String, { description: 'SVC01-1: HC (HCPCS/CPT), AD, ER, IV, N4, NU, WK, ZZ…' })
  @Property({ type: 'string', length: 48 })
  procedureQualifier!: string;

  @Field(() => String, { description: 'SVC01-2 (empty when the payer sent none).' })
  @Property({ type: 'string', length: 48 })
  procedureCode!: string;

  @Field(() => [String])
  @Property({ type: 'json' })
  modifiers: string[] = [];

  @Field(() => Int, { description: 'SVC02 line charge, cents.' })
  @Property({ type: 'integer' })
  chargeCents!: number;

  @Field(() => Int, { description: 'SVC03 line payment, cents.' })
  @Property({ type: 'integer' })
  paidCents!: number;

  @Field(() => String, { nullable: true, description: 'SVC04 NUBC revenue code.' })
  @Property({ type: 'string', length: 48, nullable: true })
  revenueCode?: string | null;

  @Field(() => Float, { description: 'SVC05 units paid (1 when not sent).' })
  @Property({ type: 'double' })
  unitsPaid!: number;

  @Field(() => String, { nullable: true, description: 'SVC06-2: the code as submitted, when the payer paid another.' })
  @Property({ type: 'string', length: 48, nullable: true })
  submittedProcedureCode?: string | null;

  @Field(() => Float, { nullable: true, description: 'SVC07 units as submitted.' })
  @Property({ type: 'double', nullable: true })
  submittedUnits?: number | null;

  @Field(() => LocalDateScalar, { nullable: true, description: 'DTM*472 (or DTM*150).' })
  @Property({ type: 'date', nullable: true })
  serviceDateFrom?: string | null;

  @Field(() => LocalDateScalar, { nullable: true, description: 'DTM*472 (or DTM*151).' })
  @Property({ type: 'date', nullable: true })
  serviceDateTo?: string | null;

  @Field(() => String, { nullable: true, description: 'REF*6R: the 837 line item control number.' })
  @Property({ type: 'string', length: 50, nullable: true })
  lineControlNumber?: string | null;

  @Field(() => Int, { nullable: true, description: 'AMT*B6 allowed amount, cents.' })
  @Property({ type: 'integer', nullable: true })
  allowedCents?: number | null;

  @Field(() => [QualifiedAmount])
  @Property({ type: 'json' })
  amounts: QualifiedAmount[] = [];

  @Field(() => [String], { description: 'LQ*HE remark codes (RARC).' })
  @Property({ type: 'json' })
  remarkCodes: string[] = [];

  @Field(() => Boolean, { description: 'SVC02 − Σ CAS = SVC03.' })
  @Property({ type: 'boolean' })
  balanced!: boolean;
}

/** One CAS triplet: group, reason, amount, quantity. */
@ObjectType({ description: 'One claim adjustment (a CAS reason/amount/quantity triplet).' })
@Entity({ tableName: 'payment_adjustment' })
@Index({ properties: ['claimPayment'] })
@Index({ properties: ['servicePayment'] })
export class Adjustment {
  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = uuidv7();

  @ManyToOne(() => ClaimPayment, { ref: true })
  claimPayment!: Ref<ClaimPayment>;

  /** Null for a claim-level (loop 2100) adjustment. */
  @ManyToOne(() => ServicePayment, { ref: true, nullable: true })
  servicePayment?: Ref<ServicePayment> | null;

  @Field(() => AdjustmentLevel)
  @Enum({ items: () => AdjustmentLevel })
  level!: AdjustmentLevel;

  @Field(() => Int)
  @Property({ type: 'integer' })
  position!: number;

  @Field(() => String, { description: 'CAS01: CO contractual, PR patient responsibility, OA other, PI payer initiated (CR before 5010).' })
  @Property({ type: 'string', length: 2 })
  groupCode!: string;

  @Field(() => String, { description: 'Claim Adjustment Reason Code.' })
  @Property({ type: 'string', length: 5 })
  carc!: string;

  @Field(() => Int, { description: 'Cents; positive reduces the payment.' })
  @Property({ type: 'integer' })
  amountCents!: number;

  @Field(() => Float, { nullable: true })
  @Property({ type: 'double', nullable: true })
  quantity?: number | null;
}

/** PLB: a provider-level adjustment (not about one claim): interest, recoupments, forwarding balances. */
@ObjectType({ description: 'A provider-level adjustment (835 PLB reason/amount pair).' })
@Entity({ tableName: 'provider_adjustment' })
@Index({ properties: ['remittance'] })
export class ProviderAdjustment {
  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = uuidv7();

  @ManyToOne(() => Remittance, { ref: true })
  remittance!: Ref<Remittance>;

  @Field(() => Int)
  @Property({ type: 'integer' })
  position!: number;

  @Field(() => String, { description: 'PLB01 provider identifier.' })
  @Property({ type: 'string', length: 50 })
  providerIdentifier!: string;

  @Field(() => LocalDateScalar, { nullable: true, description: 'PLB02 fiscal period date.' })
  @Property({ type: 'date', nullable: true })
  fiscalPeriodDate?: string | null;

  @Field(() => String, { description: 'PLB03-1: e.g. WO overpayment recovery, L6 interest, FB forwarding balance.' })
  @Property({ type: 'string', length: 2 })
  reasonCode!: string;

  @Field(() => String, { nullable: true, description: 'PLB03-2 reference.' })
  @Property({ type: 'string', length: 50, nullable: true })
  reference?: string | null;

  @Field(() => Int, { description: 'Cents; positive reduces the payment, negative increases it.' })
  @Property({ type: 'integer' })
  amountCents!: number;
}
