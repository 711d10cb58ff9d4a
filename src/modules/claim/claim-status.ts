import { registerEnumType } from 'type-graphql';

export enum ClaimStatus {
  DRAFT = 'DRAFT',
  READY = 'READY',
  SUBMITTED = 'SUBMITTED',
  ACCEPTED = 'ACCEPTED',
  REJECTED = 'REJECTED',
  PAID = 'PAID',
  PARTIALLY_PAID = 'PARTIALLY_PAID',
  DENIED = 'DENIED',
  REPLACED = 'REPLACED',
  VOIDED = 'VOIDED',
  APPEALED = 'APPEALED',
  WRITTEN_OFF = 'WRITTEN_OFF',
}
registerEnumType(ClaimStatus, {
  name: 'ClaimStatus',
  description:
    'DRAFT → READY → SUBMITTED → ACCEPTED/REJECTED → PAID/PARTIALLY_PAID/DENIED, then REPLACED/VOIDED/APPEALED/WRITTEN_OFF. ' +
    'Claim.allowedTransitions lists the next legal statuses.',
});

const S = ClaimStatus;

/**
 * The claim lifecycle, in one table. Notes on the less obvious edges:
 * - READY → DRAFT lets a biller reopen a scrubbed claim for edits before it is sent.
 * - REJECTED → DRAFT: a front-end (999/277CA) rejection means the payer never accepted the claim,
 *   so it is corrected and sent again as an original (frequency 1), not as a replacement.
 * - SUBMITTED → PAID/PARTIALLY_PAID/DENIED: many payers send the 835 without a 277CA first.
 * - APPEALED → PAID/PARTIALLY_PAID/DENIED: the appeal's outcome.
 * - PAID/PARTIALLY_PAID/DENIED → ACCEPTED: the payer reversed its adjudication (835 CLP02 22,
 *   005010X221A1 §1.10.2 reversals and corrections); the claim is back in the payer's hands and
 *   the corrected payment, usually in the same 835, moves it on.
 * - REPLACED, VOIDED and WRITTEN_OFF are final.
 */
export const CLAIM_TRANSITIONS: Readonly<Record<ClaimStatus, readonly ClaimStatus[]>> = {
  [S.DRAFT]: [S.READY],
  [S.READY]: [S.DRAFT, S.SUBMITTED],
  [S.SUBMITTED]: [S.ACCEPTED, S.REJECTED, S.PAID, S.PARTIALLY_PAID, S.DENIED],
  [S.ACCEPTED]: [S.PAID, S.PARTIALLY_PAID, S.DENIED],
  [S.REJECTED]: [S.DRAFT],
  [S.PAID]: [S.REPLACED, S.VOIDED, S.ACCEPTED],
  [S.PARTIALLY_PAID]: [S.REPLACED, S.VOIDED, S.APPEALED, S.WRITTEN_OFF, S.ACCEPTED],
  [S.DENIED]: [S.REPLACED, S.VOIDED, S.APPEALED, S.WRITTEN_OFF, S.ACCEPTED],
  [S.APPEALED]: [S.PAID, S.PARTIALLY_PAID, S.DENIED],
  [S.REPLACED]: [],
  [S.VOIDED]: [],
  [S.WRITTEN_OFF]: [],
};

/** Claims whose content (lines, diagnoses, header) may still be edited. */
export const EDITABLE_CLAIM_STATUSES: readonly ClaimStatus[] = [S.DRAFT];

/**
 * Claim frequency type code, CLM05-3 (005010X222A1; NUBC UB-04 FL4 third digit):
 * 1 original, 7 replacement of a prior claim, 8 void/cancel of a prior claim.
 */
export enum ClaimFrequency {
  ORIGINAL = '1',
  REPLACEMENT = '7',
  VOID = '8',
}
registerEnumType(ClaimFrequency, {
  name: 'ClaimFrequency',
  description: 'CLM05-3: ORIGINAL (1), REPLACEMENT (7) or VOID (8). 7 and 8 need the payer claim number (REF*F8).',
});

export enum ClaimType {
  PROFESSIONAL = 'PROFESSIONAL',
}
registerEnumType(ClaimType, { name: 'ClaimType', description: 'PROFESSIONAL (837P / CMS-1500). Institutional comes later.' });
