import { DenialStatus } from './denial.entity';

const S = DenialStatus;

/**
 * The denial lifecycle, in one table (exposed as Denial.allowedTransitions):
 * - OPEN: posted from an 835, nobody works it yet. IN_REWORK: a biller took it
 *   (changeDenialStatus), or a rework's replacement claim is still DRAFT with scrub ERRORs.
 * - RESUBMITTED: a replacement claim (frequency 7) left READY (reworkDenial). APPEALED: an
 *   appeal was filed (appealDenial). Both wait for the payer's answer.
 * - CLOSED: nothing more to recover (paid on the replacement or the appeal, a duplicate, the
 *   claim voided, billed to other coverage or to the patient). WRITTEN_OFF: the provider gives
 *   the amount up (writeOffDenial). Both are final.
 * OPEN may go straight to RESUBMITTED, APPEALED, CLOSED or WRITTEN_OFF: each action mutation
 * does its work and the status move in one step, so taking the denial first is optional.
 */
export const DENIAL_TRANSITIONS: Readonly<Record<DenialStatus, readonly DenialStatus[]>> = {
  [S.OPEN]: [S.IN_REWORK, S.RESUBMITTED, S.APPEALED, S.CLOSED, S.WRITTEN_OFF],
  [S.IN_REWORK]: [S.OPEN, S.RESUBMITTED, S.APPEALED, S.CLOSED, S.WRITTEN_OFF],
  [S.RESUBMITTED]: [S.CLOSED, S.WRITTEN_OFF],
  [S.APPEALED]: [S.CLOSED, S.WRITTEN_OFF],
  [S.CLOSED]: [],
  [S.WRITTEN_OFF]: [],
};

/** Statuses a biller still has work on. */
export const ACTIVE_DENIAL_STATUSES: readonly DenialStatus[] = [S.OPEN, S.IN_REWORK];

/** Statuses that end a denial. */
export const FINAL_DENIAL_STATUSES: readonly DenialStatus[] = [S.CLOSED, S.WRITTEN_OFF];
