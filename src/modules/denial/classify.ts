/**
 * Classifies an unpaid amount from an 835 CAS adjustment: is it a denial a biller can act on, and
 * if so, which CAQH CORE business scenario (CORE-required code combinations for CORE-defined
 * business scenarios, rule 360) and which reason class (the work queue a biller picks).
 *
 * Not denials: contractual reductions to the fee schedule (CO-45 and its kin: 45, 59, 94, 104,
 * 131, 237, 253 sequestration), patient responsibility (group PR: deductible 1, coinsurance 2,
 * copay 3, …), payer-initiated reductions that are not about the claim (PI-45), CARC A2
 * ("contractual adjustment") and CARC 23 ("the impact of prior payer(s) adjudication including
 * payments and/or adjustments": the coordination-of-benefits share a secondary payer leaves to
 * the primary's decision; nothing on this claim can be corrected or appealed for it). Everything
 * else that leaves a line or claim unpaid is a denial.
 */

export enum DenialScenario {
  /** CORE scenario 1: additional information required — missing/invalid information. */
  ADDITIONAL_INFORMATION_REQUIRED = 'ADDITIONAL_INFORMATION_REQUIRED',
  /** CORE scenario 2: missing or invalid claim data (billing error). */
  INVALID_CLAIM_DATA = 'INVALID_CLAIM_DATA',
  /** CORE scenario 3: service not covered (benefits, medical necessity, eligibility). */
  NOT_COVERED = 'NOT_COVERED',
  /** CORE scenario 4: not separately payable (bundling, included in another service). */
  NOT_SEPARATELY_PAYABLE = 'NOT_SEPARATELY_PAYABLE',
}

export enum DenialReasonClass {
  CODING = 'CODING',
  ELIGIBILITY = 'ELIGIBILITY',
  AUTHORIZATION = 'AUTHORIZATION',
  TIMELY_FILING = 'TIMELY_FILING',
  MEDICAL_NECESSITY = 'MEDICAL_NECESSITY',
  DUPLICATE = 'DUPLICATE',
  BUNDLING = 'BUNDLING',
  OTHER = 'OTHER',
}

/** CAS01 claim adjustment group codes (X12 code list; CR retired in 5010). */
export type GroupCode = 'CO' | 'PR' | 'OA' | 'PI' | 'CR';

/** Contractual reductions: the allowed amount, not a denial (CARC text: "charge exceeds fee schedule…"). */
const CONTRACTUAL = new Set(['45', '59', '94', '104', '131', '237', '253', '42', '43', '44', '105', 'A2']);
/** Coordination of benefits: the prior payer's adjudication, not this payer's denial (CARC 23). */
const PRIOR_PAYER = new Set(['23']);

interface Class {
  scenario: DenialScenario;
  reasonClass: DenialReasonClass;
}

const S = DenialScenario;
const R = DenialReasonClass;

/** CARC → class. Sources: X12 CARC list (code source 139) wording; CAQH CORE 360 scenario tables. */
const BY_CARC: Record<string, Class> = {
  // Missing/invalid data and information (CARC 16 always comes with a RARC naming what).
  '16': { scenario: S.INVALID_CLAIM_DATA, reasonClass: R.CODING },
  '252': { scenario: S.ADDITIONAL_INFORMATION_REQUIRED, reasonClass: R.OTHER },
  '226': { scenario: S.ADDITIONAL_INFORMATION_REQUIRED, reasonClass: R.OTHER },
  '227': { scenario: S.ADDITIONAL_INFORMATION_REQUIRED, reasonClass: R.OTHER },
  '133': { scenario: S.ADDITIONAL_INFORMATION_REQUIRED, reasonClass: R.OTHER },
  // Coding: invalid codes, modifiers, place of service, age/sex, diagnosis inconsistencies.
  '4': { scenario: S.INVALID_CLAIM_DATA, reasonClass: R.CODING },
  '5': { scenario: S.INVALID_CLAIM_DATA, reasonClass: R.CODING },
  '6': { scenario: S.INVALID_CLAIM_DATA, reasonClass: R.CODING },
  '7': { scenario: S.INVALID_CLAIM_DATA, reasonClass: R.CODING },
  '8': { scenario: S.INVALID_CLAIM_DATA, reasonClass: R.CODING },
  '9': { scenario: S.INVALID_CLAIM_DATA, reasonClass: R.CODING },
  '10': { scenario: S.INVALID_CLAIM_DATA, reasonClass: R.CODING },
  '11': { scenario: S.INVALID_CLAIM_DATA, reasonClass: R.CODING },
  '58': { scenario: S.INVALID_CLAIM_DATA, reasonClass: R.CODING },
  '146': { scenario: S.INVALID_CLAIM_DATA, reasonClass: R.CODING },
  '181': { scenario: S.INVALID_CLAIM_DATA, reasonClass: R.CODING },
  '182': { scenario: S.INVALID_CLAIM_DATA, reasonClass: R.CODING },
  // Eligibility and coverage.
  '26': { scenario: S.NOT_COVERED, reasonClass: R.ELIGIBILITY },
  '27': { scenario: S.NOT_COVERED, reasonClass: R.ELIGIBILITY },
  '31': { scenario: S.NOT_COVERED, reasonClass: R.ELIGIBILITY },
  '22': { scenario: S.ADDITIONAL_INFORMATION_REQUIRED, reasonClass: R.ELIGIBILITY },
  '24': { scenario: S.NOT_COVERED, reasonClass: R.ELIGIBILITY },
  '109': { scenario: S.NOT_COVERED, reasonClass: R.ELIGIBILITY },
  '200': { scenario: S.NOT_COVERED, reasonClass: R.ELIGIBILITY },
  // Authorization.
  '15': { scenario: S.ADDITIONAL_INFORMATION_REQUIRED, reasonClass: R.AUTHORIZATION },
  '197': { scenario: S.ADDITIONAL_INFORMATION_REQUIRED, reasonClass: R.AUTHORIZATION },
  '198': { scenario: S.NOT_COVERED, reasonClass: R.AUTHORIZATION },
  '62': { scenario: S.ADDITIONAL_INFORMATION_REQUIRED, reasonClass: R.AUTHORIZATION },
  // Timely filing.
  '29': { scenario: S.NOT_COVERED, reasonClass: R.TIMELY_FILING },
  // Medical necessity and non-covered services.
  '50': { scenario: S.NOT_COVERED, reasonClass: R.MEDICAL_NECESSITY },
  '55': { scenario: S.NOT_COVERED, reasonClass: R.MEDICAL_NECESSITY },
  '56': { scenario: S.NOT_COVERED, reasonClass: R.MEDICAL_NECESSITY },
  '96': { scenario: S.NOT_COVERED, reasonClass: R.MEDICAL_NECESSITY },
  '49': { scenario: S.NOT_COVERED, reasonClass: R.MEDICAL_NECESSITY },
  '204': { scenario: S.NOT_COVERED, reasonClass: R.MEDICAL_NECESSITY },
  '119': { scenario: S.NOT_COVERED, reasonClass: R.MEDICAL_NECESSITY },
  '151': { scenario: S.NOT_COVERED, reasonClass: R.MEDICAL_NECESSITY },
  // Duplicates.
  '18': { scenario: S.INVALID_CLAIM_DATA, reasonClass: R.DUPLICATE },
  // Bundling: included in another service, NCCI.
  '97': { scenario: S.NOT_SEPARATELY_PAYABLE, reasonClass: R.BUNDLING },
  '234': { scenario: S.NOT_SEPARATELY_PAYABLE, reasonClass: R.BUNDLING },
  '236': { scenario: S.NOT_SEPARATELY_PAYABLE, reasonClass: R.BUNDLING },
  'B15': { scenario: S.NOT_SEPARATELY_PAYABLE, reasonClass: R.BUNDLING },
};

export interface AdjustmentToClassify {
  group: string;
  carc: string;
}

/** Null when the adjustment is not a denial (contractual reduction, patient responsibility). */
export function classifyAdjustment(a: AdjustmentToClassify): Class | null {
  const group = a.group.toUpperCase();
  const carc = a.carc.toUpperCase();
  if (group === 'PR') return null;
  if (CONTRACTUAL.has(carc) || PRIOR_PAYER.has(carc)) return null;
  return BY_CARC[carc] ?? { scenario: S.NOT_COVERED, reasonClass: R.OTHER };
}
