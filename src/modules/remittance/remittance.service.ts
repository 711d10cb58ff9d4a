import { createHash } from 'node:crypto';
import { UniqueConstraintViolationException, type EntityManager, type FilterQuery, type FindOptions } from '@mikro-orm/core';
import { addDays, toLocalDate, today } from '../../common/dates';
import { findById } from '../../common/find';
import { uuidv7 } from '../../common/ids';
import { Connection, paginate, type PageRequest } from '../../common/pagination';
import type { RuleSet } from '../../rules-engine';
import type { ServiceContext } from '../../server/context';
import { claimBalance, serviceBalance, transactionBalance, transactionBalanceMessage } from '../../x12/835/balance';
import type { Adjustment835, ClaimPayment835, Remittance835, Remittance835File, ServicePayment835, X12Warning } from '../../x12/835/model';
import { read835 } from '../../x12/835/read';
import { X12Error } from '../../x12/reader';
import { ClaimHistory } from '../claim/claim.entity';
import { ClaimStatus } from '../claim/claim-status';
import { ClaimService, latestScrubs, type ClaimHistoryRow } from '../claim/claim.service';
import { Payer } from '../payer/payer.entity';
import { bulkInsert, jsonValue, selectIn, updateClaims } from './bulk';
import { AuditAction } from '../audit/audit.entity';
import { recordWrite } from '../audit/audit.subscriber';
import { classifyAdjustment } from '../denial/classify';
import { Denial, DenialStatus } from '../denial/denial.entity';
import { predictRule } from '../denial/predict';
import { ClaimFinding } from '../scrub/scrub.entity';
import {
  Adjustment,
  AdjustmentLevel,
  ClaimPayment,
  LineMatch,
  ProviderAdjustment,
  Remittance,
  ServicePayment,
  StatusEffect,
  type QualifiedValue,
  type RemittanceWarning,
} from './remittance.entity';

export enum RemittanceImportStatus {
  POSTED = 'POSTED',
  ALREADY_POSTED = 'ALREADY_POSTED',
  REFUSED = 'REFUSED',
}

export interface RemittanceProblem {
  position: number | null;
  segmentId: string | null;
  message: string;
}

export interface PostRemittanceResult {
  status: RemittanceImportStatus;
  /** POSTED: the remittances written now; ALREADY_POSTED: the ones posted before. */
  remittances: Remittance[];
  /** Claim payments written now, in file order (empty unless POSTED). */
  claimPaymentIds: string[];
  /** Those whose CLP01 matched no claim here. */
  unmatchedClaimPaymentIds: string[];
  /** Denials created now. */
  denials: Denial[];
  warnings: RemittanceWarning[];
  /** REFUSED: why, with segment positions. */
  problems: RemittanceProblem[];
  message: string | null;
}

export interface PostRemittanceOptions {
  /** Post a transaction whose BPR02 ≠ Σ CLP04 − Σ PLB (it is refused otherwise). */
  acceptUnbalanced?: boolean;
  fileName?: string | null;
}

export const RemittanceConnection = Connection('Remittance', () => Remittance);

/** Claim references kept from loop 2100 REF: payer and repricing ids, never member (1W, IG), group (1L, CE) or medical record (EA) numbers or SSNs (SY). */
const KEPT_CLAIM_REFERENCES = new Set(['1K', 'F8', '9A', '9C', 'BB', 'G1', 'G3']);

/** Rows per IN (…) query: well under SQLite's and PostgreSQL's bind-parameter limits. */
const CHUNK = 1000;

/**
 * The claim status a payment implies (CLAIM_TRANSITIONS decides whether the claim may move):
 * CLP02 4 or nothing paid → DENIED; CLP04 ≥ CLP03 → PAID; otherwise PARTIALLY_PAID (whether the
 * shortfall is actionable is what the Denial rows say, not the status). No move for a reversal
 * (22, handled apart), a predetermination (25: pricing only, no adjudication) or "not our claim"
 * (23: forwarded to another payer).
 */
export function statusForPayment(p: Pick<ClaimPayment835, 'statusCode' | 'chargeCents' | 'paidCents'>): ClaimStatus | null {
  if (p.statusCode === '22' || p.statusCode === '23' || p.statusCode === '25') return null;
  if (p.statusCode === '4' || p.paidCents <= 0) return ClaimStatus.DENIED;
  return p.paidCents >= p.chargeCents ? ClaimStatus.PAID : ClaimStatus.PARTIALLY_PAID;
}

/** Who a trace number belongs to (TRN03, else the payer id, else its name): with TRN02, unique per payment. */
function payerKeyOf(t: Remittance835): string {
  return (t.traceOriginatorId ?? t.payerIdentifier ?? t.payerName ?? '').slice(0, 80);
}

async function findIn<T extends object>(em: EntityManager, entity: new () => T, field: string, values: readonly string[], extra: FilterQuery<T> = {} as FilterQuery<T>, options: object = {}): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < values.length; i += CHUNK) {
    const where = { ...(extra as object), [field]: { $in: values.slice(i, i + CHUNK) } } as FilterQuery<T>;
    out.push(...((await em.find(entity, where, options as FindOptions<T>)) as T[]));
  }
  return out;
}

export class RemittanceService {
  constructor(private readonly ctx: ServiceContext) {}

  list(page: PageRequest) {
    return paginate(this.ctx.em, Remittance, {}, page, RemittanceConnection);
  }

  get(id: string): Promise<Remittance | null> {
    return findById(this.ctx.em, Remittance, id);
  }

  /**
   * Posts an 835 file: every transaction in one database transaction, or nothing. Refusals (a
   * malformed file, a 4010 file, an unbalanced transaction) and repeats come back as data.
   */
  async post(input: string | Buffer, opts: PostRemittanceOptions = {}): Promise<PostRemittanceResult> {
    const bytes = typeof input === 'string' ? Buffer.from(input, 'utf8') : input;
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const before = await this.ctx.em.find(Remittance, { fileSha256: sha256 }, { orderBy: { transactionIndex: 'asc' } });
    if (before.length > 0) return this.alreadyPosted(before, 'this file was posted before (same SHA-256); nothing was posted');
    if (bytes.includes(0)) return this.refused([{ position: null, segmentId: null, message: 'the file is not text (UTF-16 or binary?); send the 835 as ASCII or UTF-8' }]);

    let file: Remittance835File;
    try {
      file = read835(bytes.toString('utf8'));
    } catch (err) {
      if (err instanceof X12Error) return this.refused([{ position: err.position, segmentId: err.segmentId, message: err.message }]);
      throw err;
    }

    const warnings: RemittanceWarning[] = file.warnings.map((w) => toWarning(w, null));
    const problems: RemittanceProblem[] = [];
    for (const t of file.transactions) {
      const b = transactionBalance(t);
      if (b.balanced) continue;
      // 005010X221A1 section 1.10.2 (balancing): the payment equals the claim payments less the
      // provider-level adjustments.
      // BPR02 is the money that arrives; a file that does not add up to it is held for review
      // (refused) unless a biller explicitly accepts it (acceptUnbalanced), which is recorded.
      const w = { position: t.paymentPosition, segmentId: 'BPR', message: transactionBalanceMessage(t, b) };
      if (opts.acceptUnbalanced) warnings.push({ ...w, code: 'TRANSACTION_UNBALANCED', claimPaymentId: null });
      else problems.push(w);
    }
    if (problems.length > 0) return this.refused(problems, 'the payment does not balance (BPR02 = Σ CLP04 − Σ PLB); nothing was posted. Post it anyway with acceptUnbalanced after checking the deposit.');

    // Idempotence by payment: the same TRN trace number from the same payer is the same payment,
    // whatever envelope it comes in.
    const seen = new Set<string>();
    const traced = file.transactions.filter((t) => t.traceNumber);
    const prior = traced.length ? await this.ctx.em.find(Remittance, { $or: traced.map((t) => ({ payerKey: payerKeyOf(t), traceNumber: t.traceNumber })) }) : [];
    for (const r of prior) seen.add(`${r.payerKey}\u0000${r.traceNumber}`);
    const toPost: Remittance835[] = [];
    for (const t of file.transactions) {
      const key = `${payerKeyOf(t)}\u0000${t.traceNumber}`;
      if (t.traceNumber && seen.has(key)) {
        warnings.push({ position: t.position, segmentId: 'ST', code: 'TRANSACTION_ALREADY_POSTED', message: 'this payment (TRN trace number and payer) was posted before; skipped', claimPaymentId: null });
        continue;
      }
      if (!t.traceNumber) warnings.push({ position: t.position, segmentId: 'ST', code: 'NO_TRACE_NUMBER', message: 'no TRN trace number: only the file checksum guards against posting this payment twice', claimPaymentId: null });
      if (t.traceNumber) seen.add(key);
      toPost.push(t);
    }
    if (toPost.length === 0) return this.alreadyPosted(prior, 'every payment in this file (TRN trace number and payer) was posted before; nothing was posted');

    try {
      const result = await this.ctx.em.transactional((em) => new Posting({ ...this.ctx, em }, sha256, opts, warnings).run(toPost));
      this.ctx.logger.info(
        {
          remittanceIds: result.remittances.map((r) => r.id),
          claimPayments: result.claimPaymentIds.length,
          unmatched: result.unmatchedClaimPaymentIds.length,
          denials: result.denials.length,
          warnings: result.warnings.length,
        },
        'remittance posted',
      );
      return result;
    } catch (err) {
      // A concurrent posting of the same file or payment committed first (unique indexes).
      if (err instanceof UniqueConstraintViolationException) {
        const em = this.ctx.em.fork();
        const again = await em.find(Remittance, { $or: [{ fileSha256: sha256 }, ...traced.map((t) => ({ payerKey: payerKeyOf(t), traceNumber: t.traceNumber }))] });
        if (again.length > 0) return this.alreadyPosted(again, 'this file or payment was posted at the same time by another request; nothing was posted');
      }
      throw err;
    }
  }

  private alreadyPosted(remittances: Remittance[], message: string): PostRemittanceResult {
    this.ctx.logger.info({ remittanceIds: remittances.map((r) => r.id) }, 'remittance already posted');
    return { status: RemittanceImportStatus.ALREADY_POSTED, remittances, claimPaymentIds: [], unmatchedClaimPaymentIds: [], denials: [], warnings: [], problems: [], message };
  }

  private refused(problems: RemittanceProblem[], message?: string): PostRemittanceResult {
    // Positions and reasons only: the reader's messages never carry element values.
    this.ctx.logger.warn({ problems: problems.map((p) => ({ position: p.position, segmentId: p.segmentId, message: p.message })) }, 'remittance refused');
    return { status: RemittanceImportStatus.REFUSED, remittances: [], claimPaymentIds: [], unmatchedClaimPaymentIds: [], denials: [], warnings: [], problems, message: message ?? problems[0]?.message ?? null };
  }
}

function toWarning(w: X12Warning, claimPaymentId: string | null): RemittanceWarning {
  return { position: w.position, segmentId: w.segmentId, code: w.code, message: w.message, claimPaymentId };
}

/** A claim as the posting reads it: what it matches, moves and predicts with. */
interface ClaimRow {
  id: string;
  patientControlNumber: string;
  status: ClaimStatus;
  payerClaimNumber: string | null;
  version: number;
  serviceDateFrom: string;
  payerId: string;
}

/** A claim line as the posting reads it. */
export interface LineRow {
  id: string;
  claimId: string;
  lineNumber: number;
  procedureCode: string;
  modifiers: string[];
  serviceDate: string;
  lineControlNumber: string;
}

/** A date column as the driver returns it (PostgreSQL: text; SQLite: text or epoch ms). */
function dateOf(v: unknown): string {
  return typeof v === 'number' ? new Date(v).toISOString().slice(0, 10) : toLocalDate(v as string | Date);
}

interface DenialDraft {
  claim: ClaimRow;
  paymentId: string;
  line: LineRow | null;
  group: string;
  carc: string;
  amountCents: number;
  rarcs: string[];
  deniedOn: string;
  /** The payment was reversed later in the same file: the denial is created CLOSED. */
  closed: boolean;
}

/** A claim_payment row built in memory and inserted in bulk (no unit-of-work bookkeeping per row). */
interface PaymentRow {
  id: string;
  remittance: string;
  claim: string | null;
  position: number;
  patientControlNumber: string;
  statusCode: string;
  chargeCents: number;
  paidCents: number;
  patientResponsibilityCents: number | null;
  filingIndicator: string | null;
  payerClaimNumber: string | null;
  facilityCode: string | null;
  frequencyCode: string | null;
  remarkCodes: string[];
  references: QualifiedValue[];
  amounts: { qualifier: string; amountCents: number }[];
  statementFrom: string | null;
  statementTo: string | null;
  balanced: boolean;
  reversal: boolean;
  reversed: boolean;
  reverses: string | null;
  reversedBy: string | null;
  claimStatusBefore: ClaimStatus | null;
  claimStatusTarget: ClaimStatus | null;
  statusEffect: StatusEffect;
}

/** A payment a reversal may take back: stored before (a managed entity) or posted earlier in this file (a row). */
type Reversible = { kind: 'stored'; payment: ClaimPayment } | { kind: 'file'; payment: PaymentRow };

/**
 * One file's posting, inside one database transaction (the caller's `ctx.em`). ClaimService
 * decides every status move (CLAIM_TRANSITIONS) and writes its history row; claims and lines are
 * read as rows and the many new rows (history, claim and service payments, adjustments) are
 * written in bulk (bulk.ts), because the unit of work costs seconds per 10,000 claims
 * (test/bench/x12-835-bench.ts). Remittances, denials and the earlier payments a reversal marks
 * go through the unit of work.
 */
class Posting {
  private readonly em: EntityManager;
  private readonly claims: ClaimService;
  private readonly claimsByPcn = new Map<string, ClaimRow>();
  /** Status and payer claim number of each claim as loaded: what changed is written at the end. */
  private readonly loaded = new Map<string, { status: ClaimStatus; payerClaimNumber: string | null; version: number }>();
  private readonly payers = new Map<string, Payer>();
  private readonly history: ClaimHistoryRow[] = [];
  private readonly linesByClaim = new Map<string, LineRow[]>();
  /** Payments that a reversal may take back, by CLP01, newest first. */
  private readonly reversible = new Map<string, Reversible[]>();
  private readonly denialsByPayment = new Map<string, Denial[]>();
  private readonly drafts: DenialDraft[] = [];
  private readonly remittances: Remittance[] = [];
  private readonly payments: PaymentRow[] = [];
  private readonly services: Record<string, unknown>[] = [];
  private readonly adjustments: Record<string, unknown>[] = [];
  private readonly providerAdjustments: Record<string, unknown>[] = [];
  /** Stored payments reversed by this file: marked after the reversals are inserted (foreign key). */
  private readonly storedReversed: { payment: ClaimPayment; by: string }[] = [];
  /** Payments of this file reversed later in the same file. */
  private readonly fileReversed: { id: string; by: string }[] = [];

  constructor(
    private readonly ctx: ServiceContext,
    private readonly sha256: string,
    private readonly opts: PostRemittanceOptions,
    private readonly warnings: RemittanceWarning[],
  ) {
    this.em = ctx.em;
    this.claims = new ClaimService(ctx);
  }

  async run(transactions: Remittance835[]): Promise<PostRemittanceResult> {
    await this.load(transactions);
    for (const t of transactions) this.postTransaction(t);
    const denials = await this.createDenials();
    // Remittances and denials; the claims and their history; then the bulk rows that refer to them.
    await this.em.flush();
    await this.writeClaims();
    await bulkInsert(this.em, ClaimHistory, this.history);
    await bulkInsert(this.em, ClaimPayment, this.payments as unknown as Record<string, unknown>[]);
    await bulkInsert(this.em, ServicePayment, this.services);
    await bulkInsert(this.em, Adjustment, this.adjustments);
    await bulkInsert(this.em, ProviderAdjustment, this.providerAdjustments);
    for (const r of this.fileReversed) await this.em.nativeUpdate(ClaimPayment, { id: r.id }, { reversedBy: r.by });
    await recordWrite(this.em, AuditAction.UPDATE, 'ClaimPayment', this.fileReversed.map((r) => r.id), ['reversedBy']);
    for (const r of this.storedReversed) {
      r.payment.reversed = true;
      r.payment.reversedBy = this.em.getReference(ClaimPayment, r.by, { wrapped: true });
    }
    await this.em.flush();
    return {
      status: RemittanceImportStatus.POSTED,
      remittances: this.remittances,
      claimPaymentIds: this.payments.map((p) => p.id),
      unmatchedClaimPaymentIds: this.payments.filter((p) => p.claim === null).map((p) => p.id),
      denials,
      warnings: this.warnings,
      problems: [],
      message: null,
    };
  }

  /** The claims whose status or payer claim number the posting changed, written in bulk with a version check. */
  private async writeClaims(): Promise<void> {
    const changed = [...this.claimsByPcn.values()].filter((c) => {
      const o = this.loaded.get(c.id)!;
      return c.status !== o.status || c.payerClaimNumber !== o.payerClaimNumber;
    });
    await updateClaims(this.em, changed.map((c) => ({ id: c.id, status: c.status, payerClaimNumber: c.payerClaimNumber, version: this.loaded.get(c.id)!.version })), new Date());
  }

  /** Claims by CLP01, their lines, and the earlier payments reversals refer to: a fixed number of queries per 1,000 claims. */
  private async load(transactions: Remittance835[]): Promise<void> {
    const clps = transactions.flatMap((t) => t.claims);
    const pcns = [...new Set(clps.map((c) => c.patientControlNumber))];
    // Claims and lines are read as rows, outside the unit of work, and the claims written back in
    // bulk with a version check (writeClaims): a 10,000-claim file posts well under 10 s.
    const claims = await selectIn(this.em, 'claim', ['id', 'patient_control_number', 'status', 'payer_claim_number', 'version', 'service_date_from', 'payer_id'], 'patient_control_number', pcns);
    for (const r of claims) {
      const c: ClaimRow = {
        id: r.id as string,
        patientControlNumber: r.patient_control_number as string,
        status: r.status as ClaimStatus,
        payerClaimNumber: (r.payer_claim_number as string | null) ?? null,
        version: Number(r.version),
        serviceDateFrom: dateOf(r.service_date_from),
        payerId: r.payer_id as string,
      };
      this.claimsByPcn.set(c.patientControlNumber, c);
      this.loaded.set(c.id, { status: c.status, payerClaimNumber: c.payerClaimNumber, version: c.version });
    }
    const claimIds = [...this.claimsByPcn.values()].map((c) => c.id);
    for (const p of await findIn(this.em, Payer, 'id', [...new Set([...this.claimsByPcn.values()].map((c) => c.payerId))])) this.payers.set(p.id, p);
    const lines = await selectIn(this.em, 'claim_line', ['id', 'claim_id', 'line_number', 'procedure_code', 'modifiers', 'service_date', 'line_control_number'], 'claim_id', claimIds);
    for (const r of lines) {
      const l: LineRow = {
        id: r.id as string,
        claimId: r.claim_id as string,
        lineNumber: Number(r.line_number),
        procedureCode: r.procedure_code as string,
        modifiers: jsonValue<string[]>(r.modifiers),
        serviceDate: dateOf(r.service_date),
        lineControlNumber: r.line_control_number as string,
      };
      const list = this.linesByClaim.get(l.claimId) ?? [];
      list.push(l);
      this.linesByClaim.set(l.claimId, list);
    }
    const reversalPcns = [...new Set(clps.filter((c) => c.statusCode === '22').map((c) => c.patientControlNumber))];
    if (reversalPcns.length > 0) {
      const earlier = await findIn(this.em, ClaimPayment, 'patientControlNumber', reversalPcns, { reversal: false, reversed: false });
      earlier.sort((a, b) => (a.id < b.id ? 1 : -1));
      for (const p of earlier) {
        const list = this.reversible.get(p.patientControlNumber) ?? [];
        list.push({ kind: 'stored', payment: p });
        this.reversible.set(p.patientControlNumber, list);
      }
      const denials = await findIn(this.em, Denial, 'claimPaymentId', earlier.map((p) => p.id));
      for (const d of denials) {
        const list = this.denialsByPayment.get(d.claimPaymentId!) ?? [];
        list.push(d);
        this.denialsByPayment.set(d.claimPaymentId!, list);
      }
    }
  }

  private postTransaction(t: Remittance835): void {
    const remittanceDate = t.productionDate ?? t.paymentDate ?? today();
    const inRange = (w: RemittanceWarning) => w.position === null || (w.position >= t.position && w.position <= t.endPosition);
    const remittance = this.em.create(Remittance, {
      fileSha256: this.sha256,
      fileName: this.opts.fileName ? this.opts.fileName.slice(0, 255) : null,
      transactionIndex: t.transactionIndex,
      interchangeControlNumber: t.interchangeControlNumber,
      groupControlNumber: t.groupControlNumber,
      transactionControlNumber: t.transactionControlNumber,
      implementationVersion: t.version,
      handlingCode: t.handlingCode,
      paymentCents: t.paymentCents,
      creditDebit: t.creditDebit,
      paymentMethod: t.paymentMethod,
      paymentDate: t.paymentDate,
      traceNumber: t.traceNumber,
      traceOriginatorId: t.traceOriginatorId,
      payerKey: payerKeyOf(t),
      productionDate: t.productionDate,
      remittanceDate,
      payerName: t.payerName,
      payerIdentifier: t.payerIdentifier,
      payeeName: t.payeeName,
      payeeId: t.payeeId,
      balanced: transactionBalance(t).balanced,
      claimCount: t.claims.length,
      matchedCount: t.claims.filter((c) => this.claimsByPcn.has(c.patientControlNumber)).length,
      postedBy: this.ctx.principal.sub,
      postedByRole: this.ctx.principal.role,
      requestId: this.ctx.requestId,
      warnings: [],
    });
    this.remittances.push(remittance);
    const before = this.warnings.length;
    for (const clp of t.claims) this.postClaim(remittance.id, clp, remittanceDate);
    for (const p of t.providerAdjustments) {
      this.providerAdjustments.push({
        id: uuidv7(),
        remittance: remittance.id,
        position: p.position,
        providerIdentifier: p.providerId,
        fiscalPeriodDate: p.fiscalPeriodDate,
        reasonCode: p.reasonCode,
        reference: p.reference,
        amountCents: p.amountCents,
      });
    }
    // The file-level warnings in this transaction's range, and those its claims produced.
    remittance.warnings = [...this.warnings.slice(0, before).filter(inRange), ...this.warnings.slice(before)];
  }

  private postClaim(remittanceId: string, clp: ClaimPayment835, remittanceDate: string): void {
    const claim = this.claimsByPcn.get(clp.patientControlNumber) ?? null;
    const balance = claimBalance(clp);
    const payment: PaymentRow = {
      id: uuidv7(),
      remittance: remittanceId,
      claim: claim?.id ?? null,
      position: clp.position,
      patientControlNumber: clp.patientControlNumber,
      statusCode: clp.statusCode,
      chargeCents: clp.chargeCents,
      paidCents: clp.paidCents,
      patientResponsibilityCents: clp.patientResponsibilityCents,
      filingIndicator: clp.filingIndicator,
      payerClaimNumber: clp.payerClaimNumber,
      facilityCode: clp.facilityCode,
      frequencyCode: clp.frequencyCode,
      remarkCodes: clp.remarkCodes,
      references: clp.references.filter((r) => KEPT_CLAIM_REFERENCES.has(r.qualifier)),
      amounts: clp.amounts.map((a) => ({ qualifier: a.qualifier, amountCents: a.amountCents })),
      statementFrom: clp.statementFrom,
      statementTo: clp.statementTo,
      balanced: balance.balanced,
      reversal: clp.statusCode === '22',
      reversed: false,
      reverses: null,
      reversedBy: null,
      claimStatusBefore: claim?.status ?? null,
      claimStatusTarget: null,
      statusEffect: StatusEffect.NO_CLAIM,
    };
    this.payments.push(payment);
    for (const w of balance.warnings) this.warnings.push(toWarning(w, payment.id));
    if (!claim) {
      this.warnings.push({ position: clp.position, segmentId: 'CLP', code: 'UNMATCHED_CLAIM', message: 'no claim here has this patient control number (CLP01); the payment is stored unmatched', claimPaymentId: payment.id });
    }

    for (const a of clp.adjustments) this.adjustment(payment.id, null, AdjustmentLevel.CLAIM, a);
    const lines = claim ? (this.linesByClaim.get(claim.id) ?? []) : [];
    const used = new Set<string>();
    const services: { svc: ServicePayment835; line: LineRow | null }[] = [];
    for (const svc of clp.services) {
      const { line, how } = matchLine(svc, lines, used);
      if (line) used.add(line.id);
      else if (claim) this.warnings.push({ position: svc.position, segmentId: 'SVC', code: 'UNMATCHED_LINE', message: 'no line of the claim has this REF*6R, or this procedure code and date', claimPaymentId: payment.id });
      const id = uuidv7();
      this.services.push({
        id,
        claimPayment: payment.id,
        claimLine: line?.id ?? null,
        lineMatch: how,
        position: svc.position,
        procedureQualifier: svc.procedure.qualifier,
        procedureCode: svc.procedure.code,
        modifiers: svc.procedure.modifiers,
        chargeCents: svc.chargeCents,
        paidCents: svc.paidCents,
        revenueCode: svc.revenueCode,
        unitsPaid: svc.unitsPaid,
        submittedProcedureCode: svc.submittedProcedure?.code || null,
        submittedUnits: svc.submittedUnits,
        serviceDateFrom: svc.serviceDateFrom ?? svc.serviceDateTo,
        serviceDateTo: svc.serviceDateTo ?? svc.serviceDateFrom,
        lineControlNumber: svc.lineControlNumber,
        allowedCents: svc.allowedCents,
        amounts: svc.amounts.map((a) => ({ qualifier: a.qualifier, amountCents: a.amountCents })),
        remarkCodes: svc.remarkCodes,
        balanced: serviceBalance(svc).balanced,
      });
      for (const a of svc.adjustments) this.adjustment(payment.id, id, AdjustmentLevel.SERVICE, a);
      services.push({ svc, line });
    }

    if (payment.reversal) {
      this.reverse(payment, clp, claim);
    } else {
      if (claim) this.applyToClaim(payment, clp, claim);
      const list = this.reversible.get(clp.patientControlNumber) ?? [];
      list.unshift({ kind: 'file', payment });
      this.reversible.set(clp.patientControlNumber, list);
      // Predeterminations (25) adjudicate nothing: no denials.
      if (claim && clp.statusCode !== '25') this.draftDenials(claim, payment.id, clp, services, remittanceDate);
    }
  }

  private adjustment(paymentId: string, serviceId: string | null, level: AdjustmentLevel, a: Adjustment835): void {
    this.adjustments.push({
      id: uuidv7(),
      claimPayment: paymentId,
      servicePayment: serviceId,
      level,
      position: a.position,
      groupCode: a.group,
      carc: a.reasonCode,
      amountCents: a.amountCents,
      quantity: a.quantity,
    });
  }

  /** CLP07 onto the claim (a replacement claim's REF*F8 needs it) and the status the payment implies. */
  private applyToClaim(payment: PaymentRow, clp: ClaimPayment835, claim: ClaimRow): void {
    const changed: string[] = [];
    if (clp.payerClaimNumber && claim.payerClaimNumber !== clp.payerClaimNumber) {
      claim.payerClaimNumber = clp.payerClaimNumber;
      changed.push('payerClaimNumber');
    }
    const target = statusForPayment(clp);
    payment.claimStatusTarget = target;
    this.move(payment, claim, target, changed);
  }

  private move(payment: PaymentRow, claim: ClaimRow, target: ClaimStatus | null, changed: string[]): void {
    const from = claim.status;
    if (target === null || target === from) {
      payment.statusEffect = StatusEffect.NO_CHANGE;
      if (changed.length > 0) this.claims.applyRemittance(claim, null, changed, this.history);
      return;
    }
    if (this.claims.applyRemittance(claim, target, changed, this.history)) {
      payment.statusEffect = StatusEffect.MOVED;
      return;
    }
    payment.statusEffect = StatusEffect.NOT_ALLOWED;
    this.warnings.push({
      position: payment.position,
      segmentId: 'CLP',
      code: 'STATUS_NOT_ALLOWED',
      message: `the claim is ${from}, and the lifecycle does not allow ${from} → ${target}; the payment is recorded, the status is unchanged`,
      claimPaymentId: payment.id,
    });
  }

  /**
   * CLP02 22 (005010X221A1 section 1.10.2, reversals and corrections): takes back an earlier
   * payment of the same claim. Nothing is deleted: the earlier payment is marked reversed, its
   * open denials are closed, and the claim goes back to the status it had before that payment
   * when the lifecycle allows it. A payment first adjudicated from SUBMITTED or ACCEPTED goes back
   * to ACCEPTED, not SUBMITTED: the payer has the claim and will adjudicate it again.
   */
  private reverse(reversal: PaymentRow, clp: ClaimPayment835, claim: ClaimRow | null): void {
    const candidates = (this.reversible.get(clp.patientControlNumber) ?? []).filter((r) => !r.payment.reversed);
    const icn = clp.payerClaimNumber;
    const target =
      candidates.find((r) => icn && r.payment.payerClaimNumber === icn && r.payment.paidCents === -clp.paidCents) ??
      candidates.find((r) => icn && r.payment.payerClaimNumber === icn) ??
      candidates.find((r) => r.payment.paidCents === -clp.paidCents) ??
      candidates[0];
    if (!target) {
      reversal.statusEffect = claim ? StatusEffect.NO_CHANGE : StatusEffect.NO_CLAIM;
      this.warnings.push({ position: clp.position, segmentId: 'CLP', code: 'NOTHING_TO_REVERSE', message: 'a reversal (CLP02 22) for which no earlier payment of this claim was found; recorded, nothing reversed', claimPaymentId: reversal.id });
      return;
    }
    const reversed = target.payment;
    reversed.reversed = true;
    reversal.reverses = reversed.id;
    if (target.kind === 'stored') {
      // reversedBy is set after the reversal row exists (a foreign key to it).
      this.storedReversed.push({ payment: target.payment, by: reversal.id });
      for (const d of this.denialsByPayment.get(reversed.id) ?? []) {
        if (d.status !== DenialStatus.CLOSED && d.status !== DenialStatus.WRITTEN_OFF) d.status = DenialStatus.CLOSED;
      }
    } else {
      this.fileReversed.push({ id: reversed.id, by: reversal.id });
      for (const d of this.drafts) if (d.paymentId === reversed.id) d.closed = true;
    }
    if (!claim) {
      reversal.statusEffect = StatusEffect.NO_CLAIM;
      return;
    }
    const before = reversed.claimStatusBefore ?? null;
    const backTo = before === ClaimStatus.SUBMITTED ? ClaimStatus.ACCEPTED : before;
    reversal.claimStatusTarget = backTo;
    this.move(reversal, claim, backTo, []);
  }

  /**
   * A Denial per (claim or line, CARC) left unpaid for an actionable reason (classify.ts: not
   * contractual reductions, not patient responsibility). Amounts of the same CARC on the same
   * target add up; zero and negative adjustments are not denials.
   */
  private draftDenials(claim: ClaimRow, paymentId: string, clp: ClaimPayment835, services: { svc: ServicePayment835; line: LineRow | null }[], deniedOn: string): void {
    const byKey = new Map<string, DenialDraft>();
    const add = (a: Adjustment835, line: LineRow | null, rarcs: string[], key: string) => {
      if (a.amountCents <= 0 || !classifyAdjustment({ group: a.group, carc: a.reasonCode })) return;
      const k = `${key}|${a.reasonCode.toUpperCase()}`;
      const existing = byKey.get(k);
      if (existing) existing.amountCents += a.amountCents;
      else byKey.set(k, { claim, paymentId, line, group: a.group, carc: a.reasonCode.toUpperCase(), amountCents: a.amountCents, rarcs: [...new Set(rarcs)], deniedOn, closed: false });
    };
    for (const a of clp.adjustments) add(a, null, clp.remarkCodes, 'claim');
    services.forEach(({ svc, line }, i) => {
      for (const a of svc.adjustments) add(a, line, svc.remarkCodes, line ? `line:${line.id}` : `svc:${i}`);
    });
    this.drafts.push(...byKey.values());
  }

  /** Classifies each draft, predicts the rule that should have caught it, and creates the Denials. */
  private async createDenials(): Promise<Denial[]> {
    const drafts = this.drafts;
    if (drafts.length === 0) return [];
    const claimIds = [...new Set(drafts.map((d) => d.claim.id))];
    const scrubs = await latestScrubs(this.em, claimIds);
    const findings = scrubs.size ? await findIn(this.em, ClaimFinding, 'scrub', [...scrubs.values()].map((s) => s.id)) : [];
    const fired = new Map<string, Set<string>>();
    for (const f of findings) {
      const set = fired.get(f.claim.id) ?? new Set<string>();
      set.add(f.ruleId);
      fired.set(f.claim.id, set);
    }
    const snapshot = this.ctx.rules?.currentOrNull() ?? null;
    const out: Denial[] = [];
    for (const d of drafts) {
      const cls = classifyAdjustment({ group: d.group, carc: d.carc })!;
      const payer = this.payers.get(d.claim.payerId)!;
      const ruleSet: RuleSet | null = payer.ruleSetKey ? (snapshot?.ruleSets.get(payer.ruleSetKey) ?? null) : null;
      const rule = predictRule(ruleSet, { carc: d.carc, reasonClass: cls.reasonClass, lineLevel: d.line !== null }, { serviceDateFrom: d.claim.serviceDateFrom, firedRuleIds: fired.get(d.claim.id) });
      const denial = this.em.create(Denial, {
        claim: d.claim.id,
        line: d.line ? d.line.id : null,
        lineNumber: d.line?.lineNumber ?? null,
        payer,
        claimPaymentId: d.paymentId,
        groupCode: d.group,
        carc: d.carc,
        rarcs: d.rarcs,
        amountCents: d.amountCents,
        scenario: cls.scenario,
        reasonClass: cls.reasonClass,
        deniedOn: d.deniedOn,
        appealDeadline: addDays(d.deniedOn, payer.appealDays),
        predictedByRuleId: rule?.id ?? null,
      });
      if (d.closed) denial.status = DenialStatus.CLOSED;
      out.push(denial);
    }
    return out;
  }
}

/**
 * The claim line a service payment is for: REF*6R = the line item control number the 837 sent
 * (2400 REF*6R); else the same procedure code (as paid, or as submitted in SVC06) on the same date
 * of service, preferring a line with the same modifiers, each line used once.
 */
export function matchLine(svc: ServicePayment835, lines: readonly LineRow[], used: ReadonlySet<string>): { line: LineRow | null; how: LineMatch } {
  if (svc.lineControlNumber) {
    const byRef = lines.find((l) => l.lineControlNumber === svc.lineControlNumber);
    if (byRef) return { line: byRef, how: LineMatch.LINE_CONTROL_NUMBER };
  }
  const codes = [svc.procedure.code, svc.submittedProcedure?.code].filter((c): c is string => !!c);
  const date = svc.serviceDateFrom ?? svc.serviceDateTo;
  const candidates = lines.filter((l) => !used.has(l.id) && codes.includes(l.procedureCode) && (!date || l.serviceDate === date));
  const mods = svc.procedure.modifiers.join(',');
  const line = candidates.find((l) => l.modifiers.join(',') === mods) ?? candidates[0] ?? null;
  return line ? { line, how: LineMatch.CODE_AND_DATE } : { line: null, how: LineMatch.NONE };
}
