import { raw, type EntityManager } from '@mikro-orm/core';
import type { SqlEntityManager } from '@mikro-orm/knex';
import { addDays } from '../../common/dates';
import { IssueCollector } from '../../common/errors';
import { ClaimStatus } from '../claim/claim-status';
import { Claim, ClaimHistory } from '../claim/claim.entity';
import { ClaimPayment } from '../remittance/remittance.entity';
import { Denial } from './denial.entity';

/**
 * Denial rate and where the denied money went, for a window of remittance dates.
 *
 * - The denominator is the claims with a remittance in the window: claims an 835 claim payment
 *   (not a reversal) matched, whose remittance date (DTM*405, else BPR16) falls in the window.
 *   When no posted 835 covers the window (claims moved along by hand), it is the claims that
 *   reached PAID, PARTIALLY_PAID or DENIED in the window instead; `source` says which.
 * - The numerator is the denials whose remittance date (deniedOn) falls in the window, whatever
 *   their status now.
 * - Amount rate = denied amount / billed amount (total charge) of the remitted claims; claim
 *   rate = claims with a denial / remitted claims. Both null when nothing was remitted.
 * - `unpredicted` lists the denials no pre-submission payer rule predicted (predictedByRuleId
 *   null) by group code and CARC: the rules compliance staff are missing.
 *
 * Every figure is one aggregate query; nothing is loaded row by row.
 */

export enum DenialStatsSource {
  REMITTANCES = 'REMITTANCES',
  CLAIM_STATUS = 'CLAIM_STATUS',
}

export interface PayerDenialStats {
  payerId: string;
  remittedClaimCount: number;
  billedAmountCents: number;
  denialCount: number;
  deniedClaimCount: number;
  deniedAmountCents: number;
}

export interface CarcDenialStats {
  groupCode: string;
  carc: string;
  count: number;
  amountCents: number;
}

export interface ReasonClassDenialStats {
  reasonClass: string;
  count: number;
  amountCents: number;
}

export interface DenialStatsResult {
  from: string;
  to: string;
  source: DenialStatsSource;
  remittedClaimCount: number;
  billedAmountCents: number;
  denialCount: number;
  deniedClaimCount: number;
  deniedAmountCents: number;
  amountRate: number | null;
  claimRate: number | null;
  byPayer: PayerDenialStats[];
  byCarc: CarcDenialStats[];
  byReasonClass: ReasonClassDenialStats[];
  unpredictedCount: number;
  unpredictedAmountCents: number;
  unpredictedByCarc: CarcDenialStats[];
}

const MAX_WINDOW_DAYS = 3_660;
const REMITTED_STATUSES = [ClaimStatus.PAID, ClaimStatus.PARTIALLY_PAID, ClaimStatus.DENIED];

/** Aggregates come back as numbers (SQLite) or numeric strings (PostgreSQL bigint/numeric). */
const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));

export async function denialStats(emIn: EntityManager, from: string, to: string): Promise<DenialStatsResult> {
  const issues = new IssueCollector();
  if (to < from) issues.add('to', 'BEFORE_START', 'must not be before from');
  else if (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`) > MAX_WINDOW_DAYS * 86_400_000) issues.add('to', 'OUT_OF_RANGE', `the window may span at most ${MAX_WINDOW_DAYS} days`);
  issues.throwIfAny();
  const em = emIn as SqlEntityManager;

  // --- the denominator: remitted claims per payer ---
  const remittedBy = async (source: DenialStatsSource) => {
    const sub =
      source === DenialStatsSource.REMITTANCES
        ? em
            .createQueryBuilder(ClaimPayment, 'cp')
            .select('cp.claim')
            .where({ claim: { $ne: null }, reversal: false, remittance: { remittanceDate: { $gte: from, $lte: to } } })
        : em
            .createQueryBuilder(ClaimHistory, 'h')
            .select('h.claim')
            .where({ toStatus: { $in: REMITTED_STATUSES }, at: { $gte: new Date(`${from}T00:00:00Z`), $lt: new Date(`${addDays(to, 1)}T00:00:00Z`) } });
    return (await em
      .createQueryBuilder(Claim, 'c')
      .select(['c.payer', raw('count(*) as claim_count'), raw('sum(c.total_charge_cents) as billed')])
      .where({ id: { $in: sub.getKnexQuery() } })
      .groupBy('c.payer')
      .execute('all', false)) as { payer_id: string; claim_count: unknown; billed: unknown }[];
  };
  let source = DenialStatsSource.REMITTANCES;
  let remitted = await remittedBy(source);
  if (remitted.length === 0) {
    source = DenialStatsSource.CLAIM_STATUS;
    remitted = await remittedBy(source);
  }

  // --- the numerator: denials dated in the window ---
  const inWindow = { deniedOn: { $gte: from, $lte: to } };
  const denials = () => em.createQueryBuilder(Denial, 'd');
  const [byPayerRows, totals, byCarcRows, byReasonRows, unpredictedRows] = await Promise.all([
    denials()
      .select(['d.payer', raw('count(*) as n'), raw('count(distinct d.claim_id) as claims'), raw('sum(d.amount_cents) as amount')])
      .where(inWindow)
      .groupBy('d.payer')
      .execute('all', false) as Promise<{ payer_id: string; n: unknown; claims: unknown; amount: unknown }[]>,
    denials()
      .select([raw('count(*) as n'), raw('count(distinct d.claim_id) as claims'), raw('sum(d.amount_cents) as amount')])
      .where(inWindow)
      .execute('get', false) as Promise<{ n: unknown; claims: unknown; amount: unknown }>,
    denials()
      .select(['d.groupCode', 'd.carc', raw('count(*) as n'), raw('sum(d.amount_cents) as amount')])
      .where(inWindow)
      .groupBy(['d.groupCode', 'd.carc'])
      .execute('all', false) as Promise<{ group_code: string; carc: string; n: unknown; amount: unknown }[]>,
    denials()
      .select(['d.reasonClass', raw('count(*) as n'), raw('sum(d.amount_cents) as amount')])
      .where(inWindow)
      .groupBy('d.reasonClass')
      .execute('all', false) as Promise<{ reason_class: string; n: unknown; amount: unknown }[]>,
    denials()
      .select(['d.groupCode', 'd.carc', raw('count(*) as n'), raw('sum(d.amount_cents) as amount')])
      .where({ ...inWindow, predictedByRuleId: null })
      .groupBy(['d.groupCode', 'd.carc'])
      .execute('all', false) as Promise<{ group_code: string; carc: string; n: unknown; amount: unknown }[]>,
  ]);

  const payers = new Map<string, PayerDenialStats>();
  const payer = (id: string) => {
    let p = payers.get(id);
    if (!p) payers.set(id, (p = { payerId: id, remittedClaimCount: 0, billedAmountCents: 0, denialCount: 0, deniedClaimCount: 0, deniedAmountCents: 0 }));
    return p;
  };
  for (const r of remitted) Object.assign(payer(r.payer_id), { remittedClaimCount: num(r.claim_count), billedAmountCents: num(r.billed) });
  for (const r of byPayerRows) Object.assign(payer(r.payer_id), { denialCount: num(r.n), deniedClaimCount: num(r.claims), deniedAmountCents: num(r.amount) });

  const carcs = (rows: { group_code: string; carc: string; n: unknown; amount: unknown }[]): CarcDenialStats[] =>
    rows
      .map((r) => ({ groupCode: r.group_code, carc: r.carc, count: num(r.n), amountCents: num(r.amount) }))
      .sort((a, b) => b.amountCents - a.amountCents || b.count - a.count || a.groupCode.localeCompare(b.groupCode) || a.carc.localeCompare(b.carc));

  const remittedClaimCount = remitted.reduce((s, r) => s + num(r.claim_count), 0);
  const billedAmountCents = remitted.reduce((s, r) => s + num(r.billed), 0);
  const deniedAmountCents = num(totals?.amount);
  const deniedClaimCount = num(totals?.claims);
  const unpredictedByCarc = carcs(unpredictedRows);
  return {
    from,
    to,
    source,
    remittedClaimCount,
    billedAmountCents,
    denialCount: num(totals?.n),
    deniedClaimCount,
    deniedAmountCents,
    amountRate: billedAmountCents > 0 ? deniedAmountCents / billedAmountCents : null,
    claimRate: remittedClaimCount > 0 ? deniedClaimCount / remittedClaimCount : null,
    byPayer: [...payers.values()].sort((a, b) => b.deniedAmountCents - a.deniedAmountCents || b.billedAmountCents - a.billedAmountCents || a.payerId.localeCompare(b.payerId)),
    byCarc: carcs(byCarcRows),
    byReasonClass: byReasonRows
      .map((r) => ({ reasonClass: r.reason_class, count: num(r.n), amountCents: num(r.amount) }))
      .sort((a, b) => b.amountCents - a.amountCents || a.reasonClass.localeCompare(b.reasonClass)),
    unpredictedCount: unpredictedByCarc.reduce((s, r) => s + r.count, 0),
    unpredictedAmountCents: unpredictedByCarc.reduce((s, r) => s + r.amountCents, 0),
    unpredictedByCarc,
  };
}
