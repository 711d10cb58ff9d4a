import type { EntityManager } from '@mikro-orm/core';
import type { Knex, SqlEntityManager } from '@mikro-orm/knex';
import { isLocalDate, toLocalDate } from '../../../common/dates';
import { type EditSetting, ReferenceKind } from '../reference.entities';

/**
 * NCCI PTP and MUE lookups for the scrubber: which edits apply among a claim's codes on a date of
 * service. "No data is not a pass": when no release of the table covers the date the answer is
 * NO_DATA, never an empty OK.
 *
 * Each call makes at most one query for its rows (PTP: all rows among the codes; MUE: all rows
 * of the codes), and answers warm calls from an in-process cache:
 * - the release list (kinds NCCI_PTP and MUE) is re-read at most every `releaseTtlMs` (default
 *   5 s; an import in this process clears it at once, another process's import is seen within
 *   the TTL);
 * - rows are cached per setting and per set of releases (any new release drops them), all date
 *   windows together, so the date filter runs in memory.
 * The cache is per database connection (per MikroORM instance), bounded, and holds reference
 * data only — no patient data.
 */

export type LookupStatus = 'OK' | 'NO_DATA';

/** The release a lookup answered from: every finding can name it. */
export interface ReleaseRef {
  id: string;
  fileName: string;
  effectiveFrom: string;
  effectiveTo: string | null;
}

export interface PtpConflict {
  /** The comprehensive code (paid). */
  column1: string;
  /** The component code (denied unless the modifier indicator allows a modifier). */
  column2: string;
  /** 0 never together; 1 an NCCI-associated modifier may bypass; 9 the edit does not apply. */
  modifierIndicator: '0' | '1' | '9';
  prior1996: boolean;
  effectiveFrom: string;
  effectiveTo: string | null;
  rationale: string | null;
}

export type PtpLookup =
  | { status: 'OK'; setting: EditSetting; date: string; releases: ReleaseRef[]; conflicts: PtpConflict[] }
  | { status: 'NO_DATA'; setting: EditSetting; date: string; releases: []; conflicts: []; reason: string };

export type MueResult =
  | { code: string; found: true; units: number; adjudicationIndicator: 1 | 2 | 3; rationale: string | null; effectiveFrom: string; effectiveTo: string | null }
  | { code: string; found: false };

export type MueLookup =
  | { status: 'OK'; setting: EditSetting; date: string; releases: ReleaseRef[]; limits: MueResult[] }
  | { status: 'NO_DATA'; setting: EditSetting; date: string; releases: []; limits: []; reason: string };

interface ReleaseRow extends ReleaseRef {
  kind: ReferenceKind;
  setting: EditSetting | null;
}

interface MueRow {
  units: number;
  adjudicationIndicator: 1 | 2 | 3;
  rationale: string | null;
  effectiveFrom: string;
  effectiveTo: string | null;
}

interface TableCache<V> {
  /** Ids of the releases of this kind and setting when the rows were read. */
  generation: string;
  rows: Map<string, V>;
}

interface ConnectionCache {
  releases: ReleaseRow[] | null;
  releasesReadAt: number;
  ptp: Map<EditSetting, TableCache<PtpConflict[]>>;
  mue: Map<EditSetting, TableCache<MueRow[]>>;
}

const options = { releaseTtlMs: 5_000, maxEntries: 200_000 };
let epoch = 0;
const caches = new WeakMap<object, ConnectionCache & { epoch: number }>();

/** Drops every cached release list and row (importers call it; tests may too). */
export function invalidateNcciLookups(): void {
  epoch++;
}

function cacheFor(em: EntityManager): ConnectionCache {
  const key = em.getConnection();
  let c = caches.get(key);
  if (!c || c.epoch !== epoch) {
    c = { epoch, releases: null, releasesReadAt: 0, ptp: new Map(), mue: new Map() };
    caches.set(key, c);
  }
  return c;
}

async function rows<T>(em: EntityManager, sql: string, bindings: readonly unknown[]): Promise<T[]> {
  const knex = (em.getTransactionContext<Knex.Transaction>() ?? (em as SqlEntityManager).getKnex()) as Knex;
  const res = (await knex.raw(sql, bindings as Knex.RawBinding[])) as unknown;
  if (Array.isArray(res)) return res as T[];
  return ((res as { rows?: T[] }).rows ?? []) as T[];
}

async function releasesOf(em: EntityManager, cache: ConnectionCache): Promise<ReleaseRow[]> {
  const now = Date.now();
  if (cache.releases && now - cache.releasesReadAt < options.releaseTtlMs) return cache.releases;
  const raw = await rows<{ id: string; kind: ReferenceKind; setting: EditSetting | null; file_name: string; effective_from: string | Date; effective_to: string | Date | null }>(
    em,
    `select id, kind, setting, file_name, effective_from, effective_to from "reference_release" where kind in (?, ?) order by effective_from, imported_at`,
    [ReferenceKind.NCCI_PTP, ReferenceKind.MUE],
  );
  cache.releases = raw.map((r) => ({
    id: r.id,
    kind: r.kind,
    setting: r.setting,
    fileName: r.file_name,
    effectiveFrom: toLocalDate(r.effective_from),
    effectiveTo: r.effective_to == null ? null : toLocalDate(r.effective_to),
  }));
  cache.releasesReadAt = now;
  return cache.releases;
}

interface Coverage {
  generation: string;
  covering: ReleaseRef[];
}

function coverage(all: ReleaseRow[], kind: ReferenceKind, setting: EditSetting, date: string): Coverage {
  const mine = all.filter((r) => r.kind === kind && r.setting === setting);
  const covering = mine
    .filter((r) => r.effectiveFrom <= date && (r.effectiveTo == null || date <= r.effectiveTo))
    .map(({ id, fileName, effectiveFrom, effectiveTo }) => ({ id, fileName, effectiveFrom, effectiveTo }));
  return { generation: mine.map((r) => r.id).join(','), covering };
}

function tableCache<V>(map: Map<EditSetting, TableCache<V>>, setting: EditSetting, generation: string): TableCache<V> {
  let t = map.get(setting);
  if (!t || t.generation !== generation || t.rows.size > options.maxEntries) {
    t = { generation, rows: new Map() };
    map.set(setting, t);
  }
  return t;
}

function normaliseCodes(codes: readonly string[]): string[] {
  const out = new Set<string>();
  for (const c of codes) {
    const code = c.trim().toUpperCase();
    if (code) out.add(code);
  }
  return [...out];
}

function assertDate(date: string): void {
  if (!isLocalDate(date)) throw new Error(`date must be YYYY-MM-DD, got ${JSON.stringify(date)}`);
}

const inForce = (r: { effectiveFrom: string; effectiveTo: string | null }, date: string) => r.effectiveFrom <= date && (r.effectiveTo == null || date <= r.effectiveTo);

function placeholders(n: number): string {
  return new Array<string>(n).fill('?').join(', ');
}

/**
 * All PTP edits among `codes` in force on `date` for the setting, in both orders (each row says
 * which code is column 1), with their modifier indicators — including indicator 9 rows, which
 * the caller treats as "edit not applicable". NO_DATA when no PTP release of the setting covers
 * the date.
 */
export async function ptpConflicts(em: EntityManager, setting: EditSetting, codes: readonly string[], date: string): Promise<PtpLookup> {
  assertDate(date);
  const cache = cacheFor(em);
  const cov = coverage(await releasesOf(em, cache), ReferenceKind.NCCI_PTP, setting, date);
  if (cov.covering.length === 0) {
    return { status: 'NO_DATA', setting, date, releases: [], conflicts: [], reason: `no NCCI PTP ${setting} release covers ${date}` };
  }
  const list = normaliseCodes(codes);
  const table = tableCache(cache.ptp, setting, cov.generation);
  let missing = false;
  outer: for (const a of list) {
    for (const b of list) {
      if (!table.rows.has(`${a}|${b}`)) {
        missing = true;
        break outer;
      }
    }
  }
  if (missing && list.length > 0) {
    const found = await rows<{
      column1: string;
      column2: string;
      prior1996: boolean | number;
      effective_from: string | Date;
      effective_to: string | Date | null;
      modifier_indicator: '0' | '1' | '9';
      rationale: string | null;
    }>(
      em,
      `select column1, column2, prior1996, effective_from, effective_to, modifier_indicator, rationale from "ncci_ptp_edit"
        where setting = ? and column1 in (${placeholders(list.length)}) and column2 in (${placeholders(list.length)})`,
      [setting, ...list, ...list],
    );
    const byPair = new Map<string, PtpConflict[]>();
    for (const a of list) for (const b of list) byPair.set(`${a}|${b}`, []);
    for (const r of found) {
      byPair.get(`${r.column1}|${r.column2}`)?.push({
        column1: r.column1,
        column2: r.column2,
        modifierIndicator: r.modifier_indicator,
        prior1996: Boolean(r.prior1996),
        effectiveFrom: toLocalDate(r.effective_from),
        effectiveTo: r.effective_to == null ? null : toLocalDate(r.effective_to),
        rationale: r.rationale,
      });
    }
    for (const [k, v] of byPair) table.rows.set(k, v);
  }
  const conflicts: PtpConflict[] = [];
  for (const a of list) {
    for (const b of list) {
      const pair = table.rows.get(`${a}|${b}`);
      if (!pair) continue;
      for (const r of pair) if (inForce(r, date)) conflicts.push(r);
    }
  }
  return { status: 'OK', setting, date, releases: cov.covering, conflicts };
}

/**
 * The MUE of each code on `date` for the setting: units, adjudication indicator (1 per line,
 * 2 per day policy, 3 per day clinical) and rationale, or `found: false` when the table has no
 * MUE for the code. NO_DATA when no MUE release of the setting covers the date.
 */
export async function mueFor(em: EntityManager, setting: EditSetting, codes: readonly string[], date: string): Promise<MueLookup> {
  assertDate(date);
  const cache = cacheFor(em);
  const cov = coverage(await releasesOf(em, cache), ReferenceKind.MUE, setting, date);
  if (cov.covering.length === 0) {
    return { status: 'NO_DATA', setting, date, releases: [], limits: [], reason: `no MUE ${setting} release covers ${date}` };
  }
  const list = normaliseCodes(codes);
  const table = tableCache(cache.mue, setting, cov.generation);
  const missing = list.filter((c) => !table.rows.has(c));
  if (missing.length > 0) {
    const found = await rows<{
      code: string;
      units: number | string;
      adjudication_indicator: number | string;
      rationale: string | null;
      effective_from: string | Date;
      effective_to: string | Date | null;
    }>(
      em,
      `select code, units, adjudication_indicator, rationale, effective_from, effective_to from "mue_limit" where setting = ? and code in (${placeholders(missing.length)})`,
      [setting, ...missing],
    );
    const byCode = new Map<string, MueRow[]>(missing.map((c) => [c, []]));
    for (const r of found) {
      byCode.get(r.code)?.push({
        units: Number(r.units),
        adjudicationIndicator: Number(r.adjudication_indicator) as 1 | 2 | 3,
        rationale: r.rationale,
        effectiveFrom: toLocalDate(r.effective_from),
        effectiveTo: r.effective_to == null ? null : toLocalDate(r.effective_to),
      });
    }
    for (const [k, v] of byCode) table.rows.set(k, v);
  }
  const limits: MueResult[] = list.map((code) => {
    const row = table.rows.get(code)?.find((r) => inForce(r, date));
    return row ? { code, found: true, ...row } : { code, found: false };
  });
  return { status: 'OK', setting, date, releases: cov.covering, limits };
}
