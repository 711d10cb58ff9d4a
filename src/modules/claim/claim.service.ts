import { findById } from '../../common/find';
import { AuditAction } from '../audit/audit.entity';
import { recordWrite } from '../audit/audit.subscriber';
import { randomBytes } from 'node:crypto';
import type { EntityData, EntityManager, FilterQuery, RequiredEntityData } from '@mikro-orm/core';
import type { Knex, SqlEntityManager } from '@mikro-orm/knex';
import { uuidv7 } from '../../common/ids';
import { FailedPreconditionError, InvalidStatusTransitionError, IssueCollector, NotFoundError } from '../../common/errors';
import { Connection, paginate, type PageRequest } from '../../common/pagination';
import { assertIdFilters, assertTextFilters, text } from '../../common/validate';
import { assertVersion, flushOrConflict } from '../../common/versioning';
import type { ServiceContext } from '../../server/context';
import { CodeService } from '../code/code.service';
import { validateCoding, type CleanCoding } from '../coding/coding.validation';
import { Coverage } from '../coverage/coverage.entity';
import { Encounter, EncounterStatus } from '../encounter/encounter.entity';
import { EncounterService } from '../encounter/encounter.service';
import { Claim, ClaimDiagnosis, ClaimHistory, ClaimHistoryAction, ClaimLine } from './claim.entity';
import { CLAIM_TRANSITIONS, ClaimStatus, EDITABLE_CLAIM_STATUSES } from './claim-status';
import type { ChangeClaimStatusInput, ClaimFilter, CreateClaimInput, UpdateClaimInput } from './claim.inputs';
import { ScrubService, type ScrubOutcome } from '../scrub/scrub.service';
import { ClaimScrub as ClaimScrubEntity, ScrubTrigger, type ClaimScrub } from '../scrub/scrub.entity';
import { SubmissionService } from '../submission/export.service';
import type { SubmissionBatch } from '../submission/submission.entity';

/** A claim_history row for a bulk insert (ClaimService.applyRemittance). */
export type ClaimHistoryRow = Omit<EntityData<ClaimHistory>, 'claim'> & { id: string; claim: string };

/** A status change, and the scrub it ran when the target was READY. */
export interface TransitionResult {
  claim: Claim;
  /** The scrub run by a move to READY (null for other moves). */
  scrub: ClaimScrub | null;
  /** False when the scrub found ERRORs: the claim stays where it was, the findings say why. */
  moved: boolean;
}

/** Why submitClaims left a claim out. */
export enum SubmitRefusal {
  NOT_FOUND = 'NOT_FOUND',
  NOT_READY = 'NOT_READY',
  HAS_ERRORS = 'HAS_ERRORS',
}

export interface SubmitClaimsResult {
  submitted: Claim[];
  refused: { claimId: string; reason: SubmitRefusal; message: string; claim: Claim | null; scrub: ClaimScrub | null }[];
  /** The 837P interchange carrying the submitted claims; null when none was submitted. */
  batch: SubmissionBatch | null;
}

const MAX_SUBMIT = 500;

export const ClaimConnection = Connection('Claim', () => Claim);

/** CLM01 allows 38 characters, but many payers keep only 20 (CMS-1500 box 26 prints 14+). */
const PCN_PATTERN = /^[A-Za-z0-9-]{1,20}$/;
const REF_PATTERN = /^[A-Za-z0-9-]{1,50}$/;

/** The newest scrub of each claim, in one query. */
export async function latestScrubs(em: EntityManager, claimIds: readonly string[]): Promise<Map<string, ClaimScrub>> {
  const out = new Map<string, ClaimScrub>();
  if (claimIds.length === 0) return out;
  // Only the newest scrub of each claim is loaded: a claim re-scrubbed many times (READY ⇄ DRAFT,
  // rule reloads) would otherwise bring every earlier scrub into memory on each claims page.
  const knex = (em.getTransactionContext<Knex.Transaction>() ?? (em as SqlEntityManager).getKnex()) as Knex;
  const ids: string[] = [];
  for (let i = 0; i < claimIds.length; i += 1000) {
    const ranked = knex
      .select('id', knex.raw('row_number() over (partition by claim_id order by at desc, id desc) as rn'))
      .from('claim_scrub')
      .whereIn('claim_id', claimIds.slice(i, i + 1000));
    const rows = (await knex.select('id').from(ranked.as('ranked')).where('rn', 1)) as { id: string }[];
    ids.push(...rows.map((r) => r.id));
  }
  if (ids.length === 0) return out;
  for (const s of await em.find(ClaimScrubEntity, { id: { $in: ids } })) out.set(s.claim.id, s);
  return out;
}

export class ClaimService {
  private readonly codes: CodeService;

  constructor(private readonly ctx: ServiceContext) {
    this.codes = new CodeService(ctx);
  }

  async mustGet(id: string): Promise<Claim> {
    const claim = await findById(this.ctx.em, Claim, id);
    if (!claim) throw new NotFoundError('Claim', id);
    return claim;
  }

  list(filter: ClaimFilter | null | undefined, page: PageRequest) {
    assertIdFilters({ 'filter.payerId': filter?.payerId, 'filter.patientId': filter?.patientId });
    assertTextFilters({ 'filter.patientControlNumber': filter?.patientControlNumber });
    const where: FilterQuery<Claim>[] = [];
    if (filter?.status?.length) where.push({ status: { $in: filter.status } });
    if (filter?.payerId) where.push({ payer: filter.payerId });
    if (filter?.patientId) where.push({ patient: filter.patientId });
    if (filter?.serviceDateFrom) where.push({ serviceDateFrom: { $gte: filter.serviceDateFrom } });
    if (filter?.serviceDateTo) where.push({ serviceDateFrom: { $lte: filter.serviceDateTo } });
    if (filter?.patientControlNumber) where.push({ patientControlNumber: filter.patientControlNumber.trim() });
    return paginate(this.ctx.em, Claim, where.length ? { $and: where } : {}, page, ClaimConnection);
  }

  /**
   * Copies a CODED encounter's coding into a new DRAFT claim for one coverage. The claim keeps
   * its own copy: later edits to the encounter never change a claim.
   */
  async createFromEncounter(input: CreateClaimInput): Promise<Claim> {
    const em = this.ctx.em;
    const issues = new IssueCollector();
    const pcn = text(issues, 'input.patientControlNumber', input.patientControlNumber, { max: 20, pattern: PCN_PATTERN, patternHint: 'must be 1–20 letters, digits or -' });
    const priorAuth = text(issues, 'input.priorAuthNumber', input.priorAuthNumber, { max: 50, pattern: REF_PATTERN, patternHint: 'must be letters, digits or -' });
    const [encounter, coverage] = await Promise.all([
      findById(em, Encounter, input.encounterId),
      findById(em, Coverage, input.coverageId),
    ]);
    if (!encounter) issues.add('input.encounterId', 'NOT_FOUND', 'no such encounter');
    if (!coverage) issues.add('input.coverageId', 'NOT_FOUND', 'no such coverage');
    if (encounter && coverage) {
      if (coverage.patient.id !== encounter.patient.id) issues.add('input.coverageId', 'WRONG_PATIENT', "is not this encounter's patient's coverage");
      else if (!coverage.isActiveOn(encounter.serviceDateFrom)) issues.add('input.coverageId', 'NOT_ACTIVE', 'is not in force on the date of service');
    }
    if (pcn && (await em.count(Claim, { patientControlNumber: pcn })) > 0) {
      issues.add('input.patientControlNumber', 'DUPLICATE', 'is already used by another claim');
    }
    issues.throwIfAny();
    if (encounter!.status !== EncounterStatus.CODED && encounter!.status !== EncounterStatus.BILLED) {
      throw new FailedPreconditionError('ENCOUNTER_NOT_CODED', `Encounter ${encounter!.id} is ${encounter!.status}; finish coding (CODED) before billing it`);
    }
    const encounters = new EncounterService(this.ctx);
    const current = await encounters.currentCoding(encounter!);
    // Re-check codes as of today's tables: the encounter may have been coded before a code was retired.
    const coding = await validateCoding(
      { placeOfService: encounter!.placeOfService, serviceDateFrom: encounter!.serviceDateFrom, serviceDateTo: encounter!.serviceDateTo, ...current },
      this.codes,
      issues,
      { root: 'encounter', diagnoses: 'encounter.diagnoses', lines: 'encounter.lines' },
    );
    issues.throwIfAny();

    const claim = em.create(Claim, {
      patient: encounter!.patient,
      payer: coverage!.payer,
      coverage: coverage!,
      encounter: encounter!,
      billingProvider: encounter!.billingProvider,
      renderingProvider: encounter!.renderingProvider,
      patientControlNumber: pcn ?? generatePatientControlNumber(),
      priorAuthNumber: priorAuth ?? null,
      placeOfService: coding.placeOfService,
      serviceDateFrom: coding.serviceDateFrom,
      serviceDateTo: coding.serviceDateTo,
      totalChargeCents: totalCharge(coding),
    });
    this.replaceCoding(claim, coding, true, true);
    encounters.markBilled(encounter!);
    this.record(claim, ClaimHistoryAction.CREATED, { changedFields: ['*'], claimVersion: 1 });
    await em.flush();
    this.ctx.logger.info({ claimId: claim.id, encounterId: encounter!.id }, 'claim created');
    return claim;
  }

  async update(input: UpdateClaimInput): Promise<Claim> {
    const claim = await this.mustGet(input.id);
    assertVersion('Claim', claim, input.version);
    if (!EDITABLE_CLAIM_STATUSES.includes(claim.status)) {
      throw new FailedPreconditionError('CLAIM_NOT_EDITABLE', `Claim ${claim.id} is ${claim.status}; only ${EDITABLE_CLAIM_STATUSES.join(', ')} claims can be edited`);
    }
    const issues = new IssueCollector();
    const payerClaimNumber = input.payerClaimNumber === undefined ? undefined : text(issues, 'input.payerClaimNumber', input.payerClaimNumber, { max: 50, pattern: REF_PATTERN, patternHint: 'must be letters, digits or -' });
    const priorAuth = input.priorAuthNumber === undefined ? undefined : text(issues, 'input.priorAuthNumber', input.priorAuthNumber, { max: 50, pattern: REF_PATTERN, patternHint: 'must be letters, digits or -' });
    const [diagnoses, lines] = await Promise.all([claim.diagnoses.init(), claim.lines.init()]);
    const coding = await validateCoding(
      {
        placeOfService: input.placeOfService ?? claim.placeOfService,
        serviceDateFrom: claim.serviceDateFrom,
        serviceDateTo: claim.serviceDateTo,
        diagnoses: input.diagnoses ?? diagnoses.getItems().sort((a, b) => a.position - b.position).map((d) => d.code),
        lines: input.lines ?? lines.getItems().sort((a, b) => a.lineNumber - b.lineNumber),
      },
      this.codes,
      issues,
      { root: 'input', diagnoses: 'input.diagnoses', lines: 'input.lines' },
    );
    // Lines may not move the claim outside its dates of service (they come from the encounter):
    // validateCoding checks each line date against the claim's own dates above.
    issues.throwIfAny();

    const changed: string[] = [];
    const set = <K extends keyof Claim & string>(field: K, value: Claim[K] | undefined) => {
      if (value !== undefined && claim[field] !== value) {
        claim[field] = value;
        changed.push(field);
      }
    };
    set('frequency', input.frequency ?? undefined);
    set('payerClaimNumber', payerClaimNumber);
    set('priorAuthNumber', priorAuth);
    set('placeOfService', coding.placeOfService);
    if (input.diagnoses) changed.push('diagnoses');
    if (input.lines) changed.push('lines');
    this.replaceCoding(claim, coding, input.diagnoses != null, input.lines != null);
    set('totalChargeCents', totalCharge(coding));
    if (changed.length === 0) return claim;
    claim.updatedAt = new Date();
    this.record(claim, ClaimHistoryAction.UPDATED, { changedFields: changed, claimVersion: claim.version + 1 });
    await flushOrConflict(this.ctx.em, 'Claim', claim);
    return claim;
  }

  async changeStatus(input: ChangeClaimStatusInput): Promise<TransitionResult> {
    const claim = await this.mustGet(input.id);
    assertVersion('Claim', claim, input.version);
    if (input.status === ClaimStatus.SUBMITTED) {
      // Submission goes through the same checks as submitClaims: current rules, no ERROR findings.
      const result = await this.submitClaims([claim.id]);
      const refused = result.refused[0];
      if (refused) {
        if (refused.reason === SubmitRefusal.HAS_ERRORS) return { claim, scrub: refused.scrub, moved: false };
        throw new InvalidStatusTransitionError('Claim', claim.id, claim.status, input.status, CLAIM_TRANSITIONS[claim.status]);
      }
      return { claim: result.submitted[0]!, scrub: null, moved: true };
    }
    return this.transition(claim, input.status);
  }

  /**
   * Moves a claim along its lifecycle (CLAIM_TRANSITIONS) and records it. Moving to READY scrubs
   * the claim against its payer's rules first: with ERROR findings it stays DRAFT and the
   * findings (stored with the scrub) say what to fix. SUBMITTED goes through submitClaims.
   */
  async transition(claim: Claim, to: ClaimStatus): Promise<TransitionResult> {
    const allowed = CLAIM_TRANSITIONS[claim.status];
    if (!allowed.includes(to)) throw new InvalidStatusTransitionError('Claim', claim.id, claim.status, to, allowed);
    if (to === ClaimStatus.SUBMITTED) {
      const result = await this.submitClaims([claim.id]);
      const refused = result.refused[0];
      return refused ? { claim, scrub: refused.scrub, moved: false } : { claim: result.submitted[0]!, scrub: null, moved: true };
    }
    let scrub: ClaimScrub | null = null;
    if (to === ClaimStatus.READY) {
      const [outcome] = await new ScrubService(this.ctx).scrubClaims([claim], ScrubTrigger.READY);
      scrub = outcome!.scrub;
      if (scrub.errorCount > 0) {
        await this.ctx.em.flush();
        return { claim, scrub, moved: false };
      }
    }
    await this.moveTo(claim, to);
    return { claim, scrub, moved: true };
  }

  private async moveTo(claim: Claim, to: ClaimStatus): Promise<void> {
    const from = claim.status;
    claim.status = to;
    if (to === ClaimStatus.SUBMITTED) claim.submittedAt = new Date();
    this.record(claim, ClaimHistoryAction.STATUS_CHANGED, { fromStatus: from, toStatus: to, changedFields: ['status'], claimVersion: claim.version + 1 });
    await flushOrConflict(this.ctx.em, 'Claim', claim);
    this.ctx.logger.info({ claimId: claim.id, from, to }, 'claim status changed');
  }

  /**
   * Submits READY claims: each must have no ERROR findings under the rule-set version in force
   * now. A claim last scrubbed under other rules (or another claim version) is scrubbed again
   * first. The claims that pass move to SUBMITTED together, in one transaction, with the 837P
   * submission batch that carries them (its control numbers allocated in that same transaction);
   * the others are returned with the reason (business outcomes are data, not errors).
   * `limit` caps the claims per call (GraphQL: 500; the command line exports more).
   */
  async submitClaims(ids: readonly string[], opts: { limit?: number } = {}): Promise<SubmitClaimsResult> {
    const issues = new IssueCollector();
    const unique = [...new Set(ids)];
    const limit = opts.limit ?? MAX_SUBMIT;
    if (unique.length === 0) issues.add('ids', 'EMPTY', 'give at least one claim id');
    if (unique.length > limit) issues.add('ids', 'TOO_MANY', `at most ${limit} claims per call`);
    assertIdFilters(Object.fromEntries(unique.map((id, i) => [`ids[${i}]`, id])));
    issues.throwIfAny();
    const scrubs = new ScrubService(this.ctx);
    const snapshot = scrubs.snapshot();
    return this.ctx.em.transactional(async (em) => {
      const claims = await em.find(Claim, { id: { $in: unique } }, { populate: ['payer'] });
      const byId = new Map(claims.map((c) => [c.id, c]));
      const result: SubmitClaimsResult = { submitted: [], refused: [], batch: null };
      const ready: Claim[] = [];
      for (const id of unique) {
        const claim = byId.get(id);
        if (!claim) result.refused.push({ claimId: id, reason: SubmitRefusal.NOT_FOUND, message: 'no such claim', claim: null, scrub: null });
        else if (claim.status !== ClaimStatus.READY) result.refused.push({ claimId: id, reason: SubmitRefusal.NOT_READY, message: `claim is ${claim.status}; only READY claims are submitted`, claim, scrub: null });
        else ready.push(claim);
      }
      const latest = await latestScrubs(em, ready.map((c) => c.id));
      const stale = ready.filter((c) => {
        const s = latest.get(c.id);
        return !s || s.claimVersion !== c.version || s.ruleSetVersion !== scrubs.ruleSetFor(snapshot, c).version;
      });
      const rescrubbed = new Map<string, ScrubOutcome>((await new ScrubService({ ...this.ctx, em }).scrubClaims(stale, ScrubTrigger.SUBMIT, snapshot)).map((o) => [o.claim.id, o]));
      const now = new Date();
      // History rows go in as bulk inserts: a batch may hold thousands of claims (claimflow export 837p).
      const history: ClaimHistoryRow[] = [];
      for (const claim of ready) {
        const scrub = rescrubbed.get(claim.id)?.scrub ?? latest.get(claim.id)!;
        if (scrub.errorCount > 0) {
          result.refused.push({ claimId: claim.id, reason: SubmitRefusal.HAS_ERRORS, message: `${scrub.errorCount} ERROR finding(s) under rule set ${scrub.ruleSetKey} ${scrub.ruleSetVersion.slice(0, 12)}`, claim, scrub });
          continue;
        }
        claim.status = ClaimStatus.SUBMITTED;
        claim.submittedAt = now;
        history.push({
          id: uuidv7(),
          claim: claim.id,
          at: now,
          action: ClaimHistoryAction.STATUS_CHANGED,
          fromStatus: ClaimStatus.READY,
          toStatus: ClaimStatus.SUBMITTED,
          changedFields: ['status'],
          claimVersion: claim.version + 1,
          actor: this.ctx.principal.sub,
          actorRole: this.ctx.principal.role,
          requestId: this.ctx.requestId,
        });
        result.submitted.push(claim);
      }
      if (result.submitted.length > 0) result.batch = await new SubmissionService({ ...this.ctx, em }).createBatch(result.submitted.map((c) => c.id), now);
      await em.flush();
      for (let i = 0; i < history.length; i += 1000) await em.insertMany(ClaimHistory, history.slice(i, i + 1000) as unknown as RequiredEntityData<ClaimHistory>[]);
      await recordWrite(em, AuditAction.CREATE, 'ClaimHistory', history.map((h) => h.id)); // bypasses the flush subscriber
      this.ctx.logger.info({ submitted: result.submitted.map((c) => c.id), refused: result.refused.map((r) => ({ claimId: r.claimId, reason: r.reason })), batchId: result.batch?.id ?? null }, 'claims submitted');
      return result;
    });
  }

  /**
   * A change an 835 posting makes (remittance module), inside the caller's unit of work — no
   * flush: a remittance file posts in one transaction. Moves the claim to `to` when
   * CLAIM_TRANSITIONS allows it and records the history with `changedFields` (e.g.
   * payerClaimNumber from CLP07). Returns false, changing no status, when the lifecycle does not
   * allow the move: the posting records and reports that instead of failing the file.
   * With `history`, the history rows are collected there for a bulk insert (a 10,000-claim file)
   * instead of going through the unit of work; the caller then writes the claims itself.
   */
  applyRemittance(claim: Pick<Claim, 'id' | 'status' | 'version'>, to: ClaimStatus | null, changedFields: string[] = [], history?: ClaimHistoryRow[]): boolean {
    const from = claim.status;
    const allowed = to !== null && to !== from && CLAIM_TRANSITIONS[from].includes(to);
    const add = (action: ClaimHistoryAction, data: Partial<ClaimHistory> & { claimVersion: number }): void => {
      // Without `history` the claim is a managed entity of this unit of work.
      if (!history) this.record(claim as Claim, action, data);
      else history.push({ id: uuidv7(), claim: claim.id, at: new Date(), actor: this.ctx.principal.sub, actorRole: this.ctx.principal.role, requestId: this.ctx.requestId, action, fromStatus: null, toStatus: null, changedFields: [], ...data } as ClaimHistoryRow);
    };
    if (allowed) {
      claim.status = to;
      add(ClaimHistoryAction.STATUS_CHANGED, { fromStatus: from, toStatus: to, changedFields: ['status', ...changedFields], claimVersion: claim.version + 1 });
    } else if (changedFields.length > 0) {
      add(ClaimHistoryAction.UPDATED, { changedFields, claimVersion: claim.version + 1 });
    }
    return allowed;
  }

  private record(claim: Claim, action: ClaimHistoryAction, data: Partial<ClaimHistory> & { claimVersion: number }): void {
    this.ctx.em.persist(
      this.ctx.em.create(ClaimHistory, {
        claim,
        action,
        actor: this.ctx.principal.sub,
        actorRole: this.ctx.principal.role,
        requestId: this.ctx.requestId,
        changedFields: [],
        ...data,
      }),
    );
  }

  private replaceCoding(claim: Claim, coding: CleanCoding, diagnoses: boolean, lines: boolean): void {
    const em = this.ctx.em;
    if (diagnoses) claim.diagnoses.set(coding.diagnoses.map((code, i) => em.create(ClaimDiagnosis, { claim, position: i + 1, code })));
    if (lines) {
      claim.lines.set(
        coding.lines.map((line) =>
          em.create(ClaimLine, { claim, ...line, lineControlNumber: `${claim.patientControlNumber}-${line.lineNumber}` }),
        ),
      );
    }
  }
}

function totalCharge(coding: CleanCoding): number {
  return coding.lines.reduce((sum, l) => sum + l.chargeCents, 0);
}

/** `CF` + 10 base-36 characters of time and randomness: unique, short enough for every payer. */
export function generatePatientControlNumber(): string {
  const time = Date.now().toString(36).toUpperCase().slice(-6);
  const rand = randomBytes(4).readUInt32BE(0).toString(36).toUpperCase().padStart(4, '0').slice(0, 4);
  return `CF${time}${rand}`;
}
