import DataLoader from 'dataloader';
import { LockMode, LockWaitTimeoutException, ref, type EntityManager, type FilterQuery, type QueryOrderMap } from '@mikro-orm/core';
import { BaseSqlitePlatform } from '@mikro-orm/better-sqlite';
import { addDays, today, toLocalDate } from '../../common/dates';
import { BadUserInputError, FailedPreconditionError, InvalidStatusTransitionError, IssueCollector, NotFoundError } from '../../common/errors';
import { UUID_PATTERN } from '../../common/ids';
import { Connection, type ConnectionShape } from '../../common/pagination';
import { assertIdFilters, text } from '../../common/validate';
import { assertVersion, flushOrConflict } from '../../common/versioning';
import { evaluateDenial, type ForbiddenAction, type ReworkAction, type ReworkAdvice, type ReworkRuleSet } from '../../rules-engine';
import type { ServiceContext } from '../../server/context';
import { CodeService } from '../code/code.service';
import { validateCoding, type CleanLine } from '../coding/coding.validation';
import { CLAIM_TRANSITIONS, ClaimFrequency, ClaimStatus } from '../claim/claim-status';
import { Claim } from '../claim/claim.entity';
import { ClaimService } from '../claim/claim.service';
import type { ClaimScrub } from '../scrub/scrub.entity';
import { copyClaimAs } from './claim-copy';
import { ACTIVE_DENIAL_STATUSES, DENIAL_TRANSITIONS, FINAL_DENIAL_STATUSES } from './denial-status';
import { DenialHistory, DenialHistoryAction } from './denial-history.entity';
import { Denial, DenialStatus } from './denial.entity';
import { DenialOrder, type AppealDenialInput, type ChangeDenialStatusInput, type DenialCorrectionsInput, type DenialFilter, type ReworkDenialInput, type VoidClaimInput, type WriteOffDenialInput } from './denial.inputs';
import { gatherReworkCases } from './rework-gather';

export const DenialConnection = Connection('Denial', () => Denial);

interface Tx {
  /** The service context bound to the transaction (for the services the action calls). */
  ctx: ServiceContext;
  em: EntityManager;
  ro: EntityManager;
}

/** A business refusal: rolls the transaction back and becomes the mutation's payload. */
class Refusal extends Error {
  constructor(readonly payload: unknown) {
    super('refused');
  }
}

/** What a rework mutation did: data, not errors (README: expected business outcomes). */
export enum DenialActionOutcome {
  /** The action happened. */
  DONE = 'DONE',
  /** A claim the action created (replacement or void) stayed DRAFT: its scrub found ERRORs. */
  SCRUB_ERRORS = 'SCRUB_ERRORS',
  /** A rework rule forbids the action for this denial; nothing changed. */
  FORBIDDEN = 'FORBIDDEN',
}

export interface DenialActionResult {
  outcome: DenialActionOutcome;
  message: string;
  denial: Denial;
  /** For FORBIDDEN: the rules that forbid the action. */
  forbiddenBy: ForbiddenAction[];
}

export interface ReworkResult extends DenialActionResult {
  replacementClaim: Claim | null;
  /** The replacement's scrub (null when it was not scrubbed by this call). */
  scrub: ClaimScrub | null;
}

export interface ClaimActionResult extends DenialActionResult {
  /** The denied claim after the action. */
  claim: Claim;
}

export interface VoidResult {
  outcome: DenialActionOutcome;
  message: string;
  claim: Claim;
  voidClaim: Claim | null;
  scrub: ClaimScrub | null;
  forbiddenBy: ForbiddenAction[];
  /** The claim's open denials the void closed. */
  closedDenials: Denial[];
}

const NOTE_MAX = 2000;
const REF_PATTERN = /^[A-Za-z0-9-]{1,50}$/;
const CURSOR_PREFIX = 'd1:';

const EMPTY_ADVICE = (version: string): ReworkAdvice => ({ recommendations: [], forbidden: [], firedRuleIds: [], version });

/**
 * Denials: the billers' work queue, the rework advice of rules/rework, and the actions that
 * resolve a denial (rework with a replacement claim, void, appeal, write-off, close).
 *
 * Every action runs in one transaction that starts by locking the denial's claim and then the
 * denial (PostgreSQL: SELECT … FOR UPDATE, always in that order, so actions on denials of one
 * claim queue up instead of deadlocking; SQLite runs one write transaction at a time) and
 * checking the version the caller read. Of two billers acting on the same denial at once, the
 * second waits for the first to commit, then sees the new version and gets CONFLICT; nothing the
 * first did is repeated, and the loser's transaction leaves nothing behind.
 */
export class DenialService {
  private adviceLoader: DataLoader<Denial, ReworkAdvice, string> | null = null;

  constructor(private readonly ctx: ServiceContext) {}

  // --- the work queue ---

  /**
   * Keyset pagination on (sort key, id): the cursor carries the last row's key and id, and the
   * next page starts strictly after that pair, so rows inserted or changed meanwhile never make
   * a page repeat or skip a row that kept its key. No OFFSET.
   */
  async list(filter: DenialFilter | null | undefined, orderBy: DenialOrder | null | undefined, page: { first: number; after: string | null }): Promise<ConnectionShape<Denial>> {
    const em = this.ctx.em;
    const order = orderBy ?? DenialOrder.AGE;
    const issues = new IssueCollector();
    assertIdFilters({ 'filter.payerId': filter?.payerId, 'filter.claimId': filter?.claimId });
    if (filter?.olderThanDays != null && (!Number.isInteger(filter.olderThanDays) || filter.olderThanDays < 0 || filter.olderThanDays > 36_500)) {
      issues.add('filter.olderThanDays', 'OUT_OF_RANGE', 'must be a whole number of days from 0 to 36500');
    }
    if (filter?.minAmountCents != null && (!Number.isInteger(filter.minAmountCents) || filter.minAmountCents < 0)) issues.add('filter.minAmountCents', 'OUT_OF_RANGE', 'must be zero or more cents');
    const after = page.after == null ? null : decodeDenialCursor(page.after, order);
    if (page.after != null && !after) issues.add('after', 'INVALID_CURSOR', 'is not a cursor this API issued for this orderBy');
    issues.throwIfAny();

    const where: FilterQuery<Denial>[] = [];
    if (filter?.status?.length) where.push({ status: { $in: filter.status } });
    if (filter?.scenario?.length) where.push({ scenario: { $in: filter.scenario } });
    if (filter?.reasonClass?.length) where.push({ reasonClass: { $in: filter.reasonClass } });
    if (filter?.payerId) where.push({ payer: filter.payerId });
    if (filter?.claimId) where.push({ claim: filter.claimId });
    if (filter?.olderThanDays != null) where.push({ deniedOn: { $lt: addDays(today(), -filter.olderThanDays) } });
    if (filter?.minAmountCents != null) where.push({ amountCents: { $gte: filter.minAmountCents } });
    const base: FilterQuery<Denial> = where.length ? { $and: where } : {};

    let orderMap: QueryOrderMap<Denial>;
    let keyset: FilterQuery<Denial> | null = null;
    switch (order) {
      case DenialOrder.AMOUNT:
        // Descending on both columns so one backward scan of (amount_cents, id) serves it.
        orderMap = { amountCents: 'desc', id: 'desc' };
        if (after) keyset = { $or: [{ amountCents: { $lt: after.key as number } }, { amountCents: after.key as number, id: { $lt: after.id } }] };
        break;
      case DenialOrder.DEADLINE:
        orderMap = { appealDeadline: 'asc nulls last', id: 'asc' };
        if (after) {
          keyset =
            after.key === null
              ? { appealDeadline: null, id: { $gt: after.id } }
              : { $or: [{ appealDeadline: { $gt: after.key as string } }, { appealDeadline: after.key as string, id: { $gt: after.id } }, { appealDeadline: null }] };
        }
        break;
      default:
        orderMap = { deniedOn: 'asc', id: 'asc' };
        if (after) keyset = { $or: [{ deniedOn: { $gt: after.key as string } }, { deniedOn: after.key as string, id: { $gt: after.id } }] };
    }
    const rows = await em.find(Denial, keyset ? { $and: [base, keyset] } : base, { orderBy: orderMap, limit: page.first + 1 });
    const hasNextPage = rows.length > page.first;
    const nodes = hasNextPage ? rows.slice(0, page.first) : rows;
    const edges = nodes.map((node) => ({ node, cursor: encodeDenialCursor(order, sortKey(node, order), node.id) }));
    const connection = new DenialConnection();
    Object.assign(connection, {
      edges,
      pageInfo: { hasNextPage, hasPreviousPage: after !== null, startCursor: edges[0]?.cursor ?? null, endCursor: edges[edges.length - 1]?.cursor ?? null },
      countFn: () => em.count(Denial, base),
    });
    return connection;
  }

  // --- rework advice ---

  /** The advice for a denial, batched per request (a page of denials costs one gather). */
  advice(denial: Denial): Promise<ReworkAdvice> {
    this.adviceLoader ??= new DataLoader<Denial, ReworkAdvice, string>((batch) => this.computeAdvice(this.ctx.em, batch), { cacheKeyFn: (d) => d.id });
    return this.adviceLoader.load(denial);
  }

  private async computeAdvice(em: EntityManager, denials: readonly Denial[]): Promise<ReworkAdvice[]> {
    const set = this.ctx.rules?.currentOrNull()?.rework;
    if (!set) return denials.map(() => EMPTY_ADVICE(''));
    const cases = await gatherReworkCases(em, denials);
    return Promise.all(cases.map((c) => evaluateDenial(set, c)));
  }

  /** The rules forbidding `action` on any of the denials (each rule once). */
  private async forbiddenFor(em: EntityManager, denials: readonly Denial[], action: ReworkAction): Promise<ForbiddenAction[]> {
    if (denials.length === 0) return [];
    const set = this.reworkRules();
    const cases = await gatherReworkCases(em, denials);
    const advice = await Promise.all(cases.map((c) => evaluateDenial(set, c)));
    const seen = new Set<string>();
    return advice.flatMap((a) => a.forbidden).filter((f) => f.action === action && !seen.has(f.ruleId) && seen.add(f.ruleId));
  }

  private reworkRules(): ReworkRuleSet {
    const snap = this.ctx.rules?.currentOrNull();
    if (!snap) throw new FailedPreconditionError('RULES_NOT_LOADED', 'No rules are loaded; denial actions are checked against the rework rules and cannot run');
    return snap.rework;
  }

  // --- actions ---

  /** Take into rework (IN_REWORK), release (OPEN) or close (CLOSED, unless a rework rule forbids CLOSE). */
  async changeStatus(input: ChangeDenialStatusInput): Promise<DenialActionResult> {
    const manual = [DenialStatus.IN_REWORK, DenialStatus.OPEN, DenialStatus.CLOSED];
    if (!manual.includes(input.status)) {
      throw new FailedPreconditionError('USE_ACTION_MUTATION', `A denial moves to ${input.status} through its own mutation (reworkDenial, appealDenial, writeOffDenial), which does the work that goes with it`, { to: input.status });
    }
    return this.transaction(async (tx) => {
      const found = await this.lockDenial(tx.ro, input.id, input.version);
      this.assertTransition(found, input.status);
      if (input.status === DenialStatus.CLOSED) await this.refuseIfForbidden(tx.ro, [found], 'CLOSE', (blockers) => forbidden(found, 'CLOSE', blockers));
      const denial = await tx.em.findOneOrFail(Denial, { id: found.id });
      this.record(tx.em, denial, input.status, DenialHistoryAction.STATUS_CHANGED, ['status']);
      await flushOrConflict(tx.em, 'Denial', denial);
      this.ctx.logger.info({ denialId: denial.id, to: input.status }, 'denial status changed');
      return { outcome: DenialActionOutcome.DONE, message: `Denial is now ${denial.status}`, denial, forbiddenBy: [] };
    });
  }

  /**
   * Corrects the denied claim as a replacement (frequency 7, REF*F8 = the payer claim number,
   * linked to the original) and scrubs it by moving it to READY with today as the submission
   * date, so the payer's filing rules judge the resubmission itself.
   *
   * The first call copies the original, applies the corrections (ClaimService.update: its
   * history names the changed fields), marks the original REPLACED, and moves the replacement to
   * READY. With ERROR findings the replacement stays DRAFT and the denial IN_REWORK; call again
   * with further corrections to fix it (or fix it with updateClaim and call again without
   * corrections): the same replacement is corrected and scrubbed again. Once it is READY the
   * denial is RESUBMITTED. The claim's other open denials ride on the same replacement.
   */
  async rework(input: ReworkDenialInput): Promise<ReworkResult> {
    return this.transaction(async (tx) => {
      const found = await this.lockDenial(tx.ro, input.id, input.version);
      if (!ACTIVE_DENIAL_STATUSES.includes(found.status)) throw new InvalidStatusTransitionError('Denial', found.id, found.status, DenialStatus.RESUBMITTED, DENIAL_TRANSITIONS[found.status as DenialStatus]);
      const original = await tx.ro.findOneOrFail(Claim, { id: found.claim.id });
      const existing = found.replacementClaim ? await tx.ro.findOneOrFail(Claim, { id: found.replacementClaim.id }) : null;
      if (!existing) {
        if (!original.payerClaimNumber) {
          throw new FailedPreconditionError(
            'NO_PAYER_CLAIM_NUMBER',
            `Claim ${original.id} has no payer claim control number (835 CLP07): a replacement must carry it in REF*F8 (005010X222A1 loop 2300). Get the number from the payer, or correct the claim and send it as a new original`,
            { entity: 'Claim', id: original.id },
          );
        }
        if (!CLAIM_TRANSITIONS[original.status].includes(ClaimStatus.REPLACED)) {
          const replaceable = (Object.keys(CLAIM_TRANSITIONS) as ClaimStatus[]).filter((st) => CLAIM_TRANSITIONS[st].includes(ClaimStatus.REPLACED));
          throw new FailedPreconditionError('CLAIM_NOT_REPLACEABLE', `Claim ${original.id} is ${original.status}; only ${replaceable.join(', ')} claims can be replaced`, { entity: 'Claim', id: original.id });
        }
      }
      await this.refuseIfForbidden(tx.ro, [found], 'CORRECT_AND_RESUBMIT', (blockers) => ({ ...forbidden(found, 'CORRECT_AND_RESUBMIT', blockers), replacementClaim: existing, scrub: null }));

      const patch = await this.correctionPatch({ ...tx.ctx, em: tx.ro }, existing ?? original, input.corrections ?? null);
      if (!existing && Object.keys(patch).length === 0) {
        throw new BadUserInputError([{ path: 'input.corrections', reason: 'NO_CHANGES', message: 'a replacement claim must correct something: give at least one correction that differs from the denied claim' }]);
      }
      if (existing && Object.keys(patch).length > 0 && existing.status !== ClaimStatus.DRAFT) {
        throw new FailedPreconditionError('REPLACEMENT_NOT_EDITABLE', `Replacement claim ${existing.id} is ${existing.status}; corrections go only to a DRAFT replacement`, { entity: 'Claim', id: existing.id });
      }

      // Writes, in the request's transaction. Each entity is loaded into it just before it
      // changes, so every row gets one UPDATE per change.
      const claims = new ClaimService(tx.ctx);
      let replacement = existing ? await tx.em.findOneOrFail(Claim, { id: existing.id }) : await copyClaimAs(tx.ctx, original, ClaimFrequency.REPLACEMENT);
      if (Object.keys(patch).length > 0) replacement = await claims.update({ id: replacement.id, version: replacement.version, ...patch });
      if (!existing) await claims.transition(await tx.em.findOneOrFail(Claim, { id: original.id }), ClaimStatus.REPLACED);
      let scrub: ClaimScrub | null = null;
      if (replacement.status === ClaimStatus.DRAFT) scrub = (await claims.transition(replacement, ClaimStatus.READY)).scrub;
      const resubmitted = replacement.status !== ClaimStatus.DRAFT;
      const to = resubmitted ? DenialStatus.RESUBMITTED : DenialStatus.IN_REWORK;

      const denial = await tx.em.findOneOrFail(Denial, { id: found.id });
      const changed = denial.replacementClaim?.id === replacement.id ? ['status'] : ['status', 'replacementClaim'];
      denial.replacementClaim = ref(replacement);
      this.record(tx.em, denial, to, DenialHistoryAction.REWORKED, changed, replacement.id);
      const siblings = await tx.em.find(Denial, { claim: original.id, id: { $ne: denial.id }, status: { $in: [...ACTIVE_DENIAL_STATUSES] } }, { lockMode: this.lockMode(tx.em) });
      for (const sib of siblings) {
        if (sib.replacementClaim && sib.replacementClaim.id !== replacement.id) continue;
        const sibChanged = sib.replacementClaim ? ['status'] : ['status', 'replacementClaim'];
        sib.replacementClaim = ref(replacement);
        this.record(tx.em, sib, to, DenialHistoryAction.REWORKED_WITH_CLAIM, sibChanged, replacement.id);
      }
      await flushOrConflict(tx.em, 'Denial', denial);
      this.ctx.logger.info({ denialId: denial.id, claimId: original.id, replacementClaimId: replacement.id, to, siblings: siblings.map((x) => x.id) }, 'denial reworked');
      return {
        outcome: resubmitted ? DenialActionOutcome.DONE : DenialActionOutcome.SCRUB_ERRORS,
        message: resubmitted
          ? `Replacement claim ${replacement.patientControlNumber} is ${replacement.status}; the denial is RESUBMITTED`
          : `Replacement claim ${replacement.patientControlNumber} stays DRAFT: its scrub found ${scrub?.errorCount ?? 0} ERROR finding(s); correct them and call reworkDenial again`,
        denial,
        forbiddenBy: [],
        replacementClaim: replacement,
        scrub,
      };
    });
  }

  /** Files an appeal: the denial becomes APPEALED and its claim too where the lifecycle allows. */
  async appeal(input: AppealDenialInput): Promise<ClaimActionResult> {
    const issues = new IssueCollector();
    const note = noteText(issues, 'input.note', input.note, true);
    issues.throwIfAny();
    return this.transaction(async (tx) => {
      const found = await this.lockDenial(tx.ro, input.id, input.version);
      this.assertTransition(found, DenialStatus.APPEALED);
      await this.refuseIfForbidden(tx.ro, [found], 'APPEAL', async (blockers) => ({ ...forbidden(found, 'APPEAL', blockers), claim: await tx.ro.findOneOrFail(Claim, { id: found.claim.id }) }));
      const claim = await tx.em.findOneOrFail(Claim, { id: found.claim.id });
      if (CLAIM_TRANSITIONS[claim.status].includes(ClaimStatus.APPEALED)) await new ClaimService(tx.ctx).transition(claim, ClaimStatus.APPEALED);
      const denial = await tx.em.findOneOrFail(Denial, { id: found.id });
      denial.note = note!;
      this.record(tx.em, denial, DenialStatus.APPEALED, DenialHistoryAction.APPEALED, ['status', 'note']);
      await flushOrConflict(tx.em, 'Denial', denial);
      this.ctx.logger.info({ denialId: denial.id, claimId: claim.id, claimStatus: claim.status }, 'denial appealed');
      return { outcome: DenialActionOutcome.DONE, message: `Denial is APPEALED; claim is ${claim.status}`, denial, forbiddenBy: [], claim };
    });
  }

  /**
   * Writes the amount off. When every denial of the claim is then settled (WRITTEN_OFF or
   * CLOSED), the claim is WRITTEN_OFF where its lifecycle allows (DENIED, PARTIALLY_PAID).
   */
  async writeOff(input: WriteOffDenialInput): Promise<ClaimActionResult> {
    const issues = new IssueCollector();
    const note = noteText(issues, 'input.note', input.note, false);
    issues.throwIfAny();
    return this.transaction(async (tx) => {
      const found = await this.lockDenial(tx.ro, input.id, input.version);
      this.assertTransition(found, DenialStatus.WRITTEN_OFF);
      await this.refuseIfForbidden(tx.ro, [found], 'WRITE_OFF', async (blockers) => ({ ...forbidden(found, 'WRITE_OFF', blockers), claim: await tx.ro.findOneOrFail(Claim, { id: found.claim.id }) }));
      const denial = await tx.em.findOneOrFail(Denial, { id: found.id });
      denial.writeOffReason = input.reason;
      const changed = ['status', 'writeOffReason'];
      if (note != null) {
        denial.note = note;
        changed.push('note');
      }
      this.record(tx.em, denial, DenialStatus.WRITTEN_OFF, DenialHistoryAction.WRITTEN_OFF, changed);
      await flushOrConflict(tx.em, 'Denial', denial);
      const unsettled = await tx.em.count(Denial, { claim: denial.claim.id, status: { $nin: [...FINAL_DENIAL_STATUSES] } });
      const claim = await tx.em.findOneOrFail(Claim, { id: denial.claim.id });
      if (unsettled === 0 && CLAIM_TRANSITIONS[claim.status].includes(ClaimStatus.WRITTEN_OFF)) await new ClaimService(tx.ctx).transition(claim, ClaimStatus.WRITTEN_OFF);
      this.ctx.logger.info({ denialId: denial.id, claimId: claim.id, claimStatus: claim.status, reason: input.reason }, 'denial written off');
      return { outcome: DenialActionOutcome.DONE, message: `Denial is WRITTEN_OFF; claim is ${claim.status}`, denial, forbiddenBy: [], claim };
    });
  }

  /**
   * Voids a remitted claim with a frequency-8 claim (REF*F8 = the payer claim number). The void
   * is created and moved to READY (scrubbed like any claim, with today as the submission date);
   * once it is READY — the next submitClaims sends it — the original is VOIDED and its open
   * denials are CLOSED. A void whose scrub finds ERRORs stays DRAFT with its findings and
   * nothing else changes; calling voidClaim again scrubs that same void again.
   */
  async voidClaim(input: VoidClaimInput): Promise<VoidResult> {
    return this.transaction(async (tx) => {
      if (!UUID_PATTERN.test(input.id)) throw new NotFoundError('Claim', input.id);
      const original = await tx.ro.findOne(Claim, { id: input.id }, { lockMode: this.lockMode(tx.ro) });
      if (!original) throw new NotFoundError('Claim', input.id);
      assertVersion('Claim', original, input.version);
      if (!original.payerClaimNumber) {
        throw new FailedPreconditionError('NO_PAYER_CLAIM_NUMBER', `Claim ${original.id} has no payer claim control number (835 CLP07): a void must carry it in REF*F8 (005010X222A1 loop 2300)`, { entity: 'Claim', id: original.id });
      }
      if (!CLAIM_TRANSITIONS[original.status].includes(ClaimStatus.VOIDED)) throw new InvalidStatusTransitionError('Claim', original.id, original.status, ClaimStatus.VOIDED, CLAIM_TRANSITIONS[original.status]);
      const open = await tx.ro.find(Denial, { claim: original.id, status: { $in: [...ACTIVE_DENIAL_STATUSES] } }, { lockMode: this.lockMode(tx.ro) });
      await this.refuseIfForbidden(tx.ro, open, 'VOID', (blockers) => ({
        outcome: DenialActionOutcome.FORBIDDEN,
        message: `A rework rule forbids VOID for this claim: ${blockers.map((x) => x.ruleId).join(', ')}`,
        claim: original,
        voidClaim: null,
        scrub: null,
        forbiddenBy: blockers,
        closedDenials: [],
      }));

      const claims = new ClaimService(tx.ctx);
      const voidClaim = (await tx.em.findOne(Claim, { originalClaim: original.id, frequency: ClaimFrequency.VOID, status: ClaimStatus.DRAFT })) ?? (await copyClaimAs(tx.ctx, original, ClaimFrequency.VOID));
      const moved = await claims.transition(voidClaim, ClaimStatus.READY);
      if (!moved.moved) {
        return {
          outcome: DenialActionOutcome.SCRUB_ERRORS,
          message: `Void claim ${voidClaim.patientControlNumber} stays DRAFT: its scrub found ${moved.scrub?.errorCount ?? 0} ERROR finding(s); the claim is not voided`,
          claim: original,
          voidClaim,
          scrub: moved.scrub,
          forbiddenBy: [],
          closedDenials: [],
        };
      }
      const claim = await tx.em.findOneOrFail(Claim, { id: original.id });
      await claims.transition(claim, ClaimStatus.VOIDED);
      const closed = open.length ? await tx.em.find(Denial, { id: { $in: open.map((d) => d.id) } }) : [];
      for (const d of closed) this.record(tx.em, d, DenialStatus.CLOSED, DenialHistoryAction.CLAIM_VOIDED, ['status'], voidClaim.id);
      await tx.em.flush();
      this.ctx.logger.info({ claimId: claim.id, voidClaimId: voidClaim.id, closedDenials: closed.map((d) => d.id) }, 'claim voided');
      return { outcome: DenialActionOutcome.DONE, message: `Void claim ${voidClaim.patientControlNumber} is READY; the claim is VOIDED`, claim, voidClaim, scrub: moved.scrub, forbiddenBy: [], closedDenials: closed };
    });
  }

  // --- helpers ---

  /**
   * Runs an action in one transaction. `ro` is a second EntityManager in the same transaction
   * for the reads that decide (lock, checks, rework facts): it is never flushed, so reading
   * never writes. `em` gets only what the action changes. A refusal (FORBIDDEN) rolls the
   * transaction back and returns its payload.
   */
  private async transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.ctx.em.transactional((em) => fn({ ctx: { ...this.ctx, em }, em, ro: em.fork({ keepTransactionContext: true }) }));
      } catch (e) {
        if (e instanceof Refusal) return e.payload as T;
        // SQLite with two processes on one file (two app instances, or the CLI beside the server):
        // a transaction whose snapshot predates the other process's commit may not write, and no
        // busy timeout helps (SQLITE_BUSY_SNAPSHOT, https://sqlite.org/rescode.html#busy_snapshot).
        // It was rolled back; run it again from the start: it then reads the committed version and
        // answers CONFLICT, as on PostgreSQL (test/crash/denial-race.test.ts).
        if (e instanceof LockWaitTimeoutException && attempt < 5) {
          await new Promise((r) => setTimeout(r, 10 * attempt));
          continue;
        }
        throw e;
      }
    }
  }

  /** Throws a Refusal carrying `payload(blockers)` when a rework rule forbids `action` for any of the denials. */
  private async refuseIfForbidden(ro: EntityManager, denials: readonly Denial[], action: ReworkAction, payload: (blockers: ForbiddenAction[]) => unknown): Promise<void> {
    const blockers = await this.forbiddenFor(ro, denials, action);
    if (blockers.length > 0) {
      this.ctx.logger.info({ denialIds: denials.map((d) => d.id), action, rules: blockers.map((b) => b.ruleId) }, 'denial action forbidden by a rework rule');
      throw new Refusal(await payload(blockers));
    }
  }

  /** PostgreSQL locks the row until commit; SQLite has no row locks but runs one write transaction at a time. */
  private lockMode(em: EntityManager): LockMode.PESSIMISTIC_WRITE | undefined {
    return em.getPlatform() instanceof BaseSqlitePlatform ? undefined : LockMode.PESSIMISTIC_WRITE;
  }

  /**
   * Locks the denial's claim, then the denial, and checks the version. Every action locks in
   * this order (claim, then its denials), so two actions on denials of one claim wait for each
   * other instead of deadlocking (a rework also moves the claim's other open denials).
   */
  private async lockDenial(ro: EntityManager, id: string, version: number): Promise<Denial> {
    if (!UUID_PATTERN.test(id)) throw new NotFoundError('Denial', id);
    const peek = await ro.findOne(Denial, { id }, { fields: ['claim'] });
    if (!peek) throw new NotFoundError('Denial', id);
    await ro.findOne(Claim, { id: peek.claim.id }, { lockMode: this.lockMode(ro) });
    const denial = await ro.findOne(Denial, { id }, { lockMode: this.lockMode(ro), refresh: true });
    if (!denial) throw new NotFoundError('Denial', id);
    assertVersion('Denial', denial, version);
    return denial;
  }

  private assertTransition(denial: Denial, to: DenialStatus): void {
    const allowed = DENIAL_TRANSITIONS[denial.status as DenialStatus];
    if (!allowed.includes(to)) throw new InvalidStatusTransitionError('Denial', denial.id, denial.status, to, allowed);
  }

  /** Moves the denial (its version goes up by one at the flush, even when the status stays) and appends the history row. */
  private record(em: EntityManager, denial: Denial, to: DenialStatus, action: DenialHistoryAction, changedFields: string[], relatedClaimId: string | null = null): void {
    const from = denial.status;
    denial.status = to;
    denial.updatedAt = new Date();
    em.persist(
      em.create(DenialHistory, {
        denial,
        action,
        fromStatus: from,
        toStatus: to,
        changedFields,
        relatedClaimId,
        denialVersion: denial.version + 1,
        actor: this.ctx.principal.sub,
        actorRole: this.ctx.principal.role,
        requestId: this.ctx.requestId,
      }),
    );
  }

  /**
   * The corrections that differ from `claim`, checked with the same validation as claims
   * (formats, codes in effect on the dates of service), with paths under input.corrections.
   */
  private async correctionPatch(
    tx: ServiceContext,
    claim: Claim,
    corrections: DenialCorrectionsInput | null,
  ): Promise<{ diagnoses?: string[]; lines?: CleanLine[]; priorAuthNumber?: string; placeOfService?: string }> {
    if (!corrections) return {};
    const issues = new IssueCollector();
    const priorAuth = text(issues, 'input.corrections.priorAuthNumber', corrections.priorAuthNumber, { max: 50, pattern: REF_PATTERN, patternHint: 'must be letters, digits or -' });
    const [diagnoses, lines] = await Promise.all([claim.diagnoses.loadItems(), claim.lines.loadItems()]);
    const currentDx = [...diagnoses].sort((a, b) => a.position - b.position).map((d) => d.code);
    const currentLines = [...lines].sort((a, b) => a.lineNumber - b.lineNumber);
    const coding = await validateCoding(
      {
        placeOfService: corrections.placeOfService ?? claim.placeOfService,
        serviceDateFrom: toLocalDate(claim.serviceDateFrom),
        serviceDateTo: toLocalDate(claim.serviceDateTo),
        diagnoses: corrections.diagnoses ?? currentDx,
        lines: corrections.lines ?? currentLines.map((l) => ({ ...l, serviceDate: toLocalDate(l.serviceDate) })),
      },
      new CodeService(tx),
      issues,
      { root: 'input.corrections', diagnoses: 'input.corrections.diagnoses', lines: 'input.corrections.lines' },
    );
    issues.throwIfAny();
    const patch: { diagnoses?: string[]; lines?: CleanLine[]; priorAuthNumber?: string; placeOfService?: string } = {};
    if (corrections.diagnoses && JSON.stringify(coding.diagnoses) !== JSON.stringify(currentDx)) patch.diagnoses = coding.diagnoses;
    const lineKey = (l: Omit<CleanLine, 'lineNumber'> & { lineNumber?: number }) => JSON.stringify([l.procedureCode, l.modifiers, l.units, l.chargeCents, l.diagnosisPointers, toLocalDate(l.serviceDate)]);
    if (corrections.lines && JSON.stringify(coding.lines.map(lineKey)) !== JSON.stringify(currentLines.map(lineKey))) patch.lines = coding.lines;
    if (priorAuth && priorAuth !== (claim.priorAuthNumber ?? null)) patch.priorAuthNumber = priorAuth;
    if (corrections.placeOfService && coding.placeOfService !== claim.placeOfService) patch.placeOfService = coding.placeOfService;
    return patch;
  }
}

function forbidden(denial: Denial, action: ReworkAction, blockers: ForbiddenAction[]): DenialActionResult {
  return {
    outcome: DenialActionOutcome.FORBIDDEN,
    message: `A rework rule forbids ${action} for this denial: ${blockers.map((b) => b.ruleId).join(', ')}`,
    denial,
    forbiddenBy: blockers,
  };
}

/** Free text of a biller: length-limited, no control characters but line breaks. Never logged. */
function noteText(issues: IssueCollector, path: string, value: string | null | undefined, required: boolean): string | null | undefined {
  if (value == null) {
    if (required) issues.add(path, 'REQUIRED', 'is required');
    return value;
  }
  const trimmed = value.trim();
  if (trimmed === '') {
    if (required) issues.add(path, 'REQUIRED', 'must not be blank');
    return required ? undefined : null;
  }
  if (trimmed.length > NOTE_MAX) {
    issues.add(path, 'TOO_LONG', `must be at most ${NOTE_MAX} characters`);
    return undefined;
  }
  // eslint-disable-next-line no-control-regex -- control characters are exactly what we refuse
  if (/[\u0000-\u0009\u000b-\u001f\u007f]/.test(trimmed)) {
    issues.add(path, 'INVALID_CHARACTERS', 'contains control characters');
    return undefined;
  }
  return trimmed;
}

function sortKey(d: Denial, order: DenialOrder): string | number | null {
  if (order === DenialOrder.AMOUNT) return d.amountCents;
  if (order === DenialOrder.DEADLINE) return d.appealDeadline ? toLocalDate(d.appealDeadline) : null;
  return toLocalDate(d.deniedOn);
}

export function encodeDenialCursor(order: DenialOrder, key: string | number | null, id: string): string {
  return Buffer.from(CURSOR_PREFIX + JSON.stringify([order, key, id]), 'utf8').toString('base64url');
}

/** Null unless the cursor is ours and was issued for the same order. */
export function decodeDenialCursor(cursor: string, order: DenialOrder): { key: string | number | null; id: string } | null {
  const raw = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!raw.startsWith(CURSOR_PREFIX)) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw.slice(CURSOR_PREFIX.length));
  } catch {
    return null;
  }
  if (!Array.isArray(parsed) || parsed.length !== 3 || parsed[0] !== order) return null;
  const [, key, id] = parsed as [unknown, unknown, unknown];
  if (typeof id !== 'string' || !UUID_PATTERN.test(id)) return null;
  const keyOk =
    order === DenialOrder.AMOUNT ? Number.isInteger(key) : order === DenialOrder.DEADLINE ? key === null || (typeof key === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(key)) : typeof key === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(key);
  return keyOk ? { key: key as string | number | null, id } : null;
}
