/**
 * The neutral document an 837P file reads into (and the claim content the 837P writer takes).
 * No database types here: the submission module maps it to patients, providers, payers,
 * coverages and claims. Loop names are those of the 005010X222A1 implementation guide.
 */

/** Where something came from in the file: 1-based segment position (as X12Error reports it). */
export interface At {
  position: number;
  segmentId: string;
}

/** NM1: a person (NM102 = 1) or an organization (2), with its identifier (NM108/NM109). */
export interface Name837 {
  at: At;
  entity: 'PERSON' | 'ORGANIZATION';
  /** NM103: last name or organization name. */
  last: string;
  first: string | null;
  middle: string | null;
  suffix: string | null;
  /** NM108, e.g. XX (NPI), MI (member id), PI (payer id), 46 (ETIN). */
  idQualifier: string | null;
  id: string | null;
}

/** N3 + N4. */
export interface Address837 {
  at: At;
  line1: string;
  line2: string | null;
  city: string;
  state: string;
  postalCode: string;
}

/** DMG: D8 birth date (YYYY-MM-DD) and administrative sex (F, M, U). */
export interface Demographics837 {
  at: At;
  birthDate: string | null;
  sex: string | null;
}

/** 2000A / 2010AA. */
export interface BillingProvider837 {
  at: At;
  /** HL01 as written (informational: the hierarchy is read by position). */
  hlId: string;
  /** PRV*BI taxonomy (2000A). */
  taxonomy: string | null;
  name: Name837 | null;
  address: Address837 | null;
  /** REF*EI (2010AA) as written. */
  taxId: string | null;
}

/** 2000B / 2010BA / 2010BB. */
export interface Subscriber837 {
  at: At;
  hlId: string;
  /** SBR01: P, S, T (or A–H, U). */
  payerResponsibility: string;
  /** SBR02: 18 when the subscriber is the patient, else empty. */
  relationship: string | null;
  /** SBR03. */
  groupNumber: string | null;
  /** SBR09 claim filing indicator. */
  filingIndicator: string | null;
  name: Name837 | null;
  address: Address837 | null;
  demographics: Demographics837 | null;
  /** 2010BB NM1*PR. */
  payer: Name837 | null;
}

/** 2000C / 2010CA: only when the patient is not the subscriber. */
export interface Patient837 {
  at: At;
  hlId: string;
  /** PAT01 individual relationship code (01 spouse, 19 child, …). */
  relationship: string;
  name: Name837 | null;
  address: Address837 | null;
  demographics: Demographics837 | null;
}

export interface Diagnosis837 {
  at: At;
  /** ABK/ABF (ICD-10-CM) or BK/BF (ICD-9-CM). */
  qualifier: string;
  code: string;
}

/** 2400: LX, SV1, DTP*472, REF*6R. */
export interface Line837 {
  at: At;
  /** LX01. */
  assignedNumber: number;
  /** SV101-1, HC for CPT/HCPCS. */
  procedureQualifier: string;
  procedureCode: string;
  /** SV101-3..6, empty ones removed. */
  modifiers: string[];
  /** SV101-7: free-text description (kept only to report it is not stored). */
  description: string | null;
  chargeCents: number;
  /** SV103: UN units, MJ minutes. */
  unitBasis: string;
  /** SV104 as a decimal string, exactly as written. */
  units: string;
  /** SV105, empty when the line uses CLM05-1. */
  placeOfService: string | null;
  /** SV107 components. */
  pointers: number[];
  /** DTP*472 D8, or the first date of an RD8 range. Null when the line has no DTP*472. */
  serviceDateFrom: string | null;
  serviceDateTo: string | null;
  /** REF*6R. */
  lineControlNumber: string | null;
}

/** 2300 with its context. */
export interface Claim837 {
  at: At;
  /** Which ISA/GS/ST it came from (control numbers). */
  interchange: string | null;
  transaction: string;
  billingProvider: BillingProvider837;
  subscriber: Subscriber837;
  /** Null when the patient is the subscriber (no 2000C). */
  patient: Patient837 | null;
  patientControlNumber: string;
  totalChargeCents: number;
  /** CLM05-1, -2, -3. */
  placeOfService: string;
  facilityQualifier: string;
  frequency: string;
  /** REF*F8 payer claim control number. */
  payerClaimNumber: string | null;
  /** REF*G1 prior authorization. */
  priorAuthNumber: string | null;
  diagnoses: Diagnosis837[];
  /** 2310B NM1*82. */
  rendering: Name837 | null;
  renderingTaxonomy: string | null;
  lines: Line837[];
}

/** Something read but not used as written; never fatal. Reasons carry no data values. */
export interface X12Warning {
  position: number;
  segmentId: string;
  reason: string;
}

export interface Read837Result {
  interchanges: { controlNumber: string | null; sender: string | null; receiver: string | null }[];
  transactions: number;
  claims: Claim837[];
  warnings: X12Warning[];
}
