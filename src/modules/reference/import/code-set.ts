import type { EntityManager } from '@mikro-orm/core';
import type { SqlEntityManager } from '@mikro-orm/knex';
import { addDays, toLocalDate } from '../../../common/dates';
import { uuidv7 } from '../../../common/ids';
import { Code, type CodeSystem } from '../../code/code.entity';
import type { ImportCounts } from './types';

/** One code as a code-set file states it. */
export interface CodeRow {
  system: CodeSystem;
  code: string;
  shortDescription: string | null;
  longDescription: string | null;
  billable: boolean;
  /** Per-row start (e.g. HCPCS "ADD DT"); defaults to the release start. */
  effectiveFrom?: string;
  /** Per-row end (e.g. HCPCS "TERM DT"); defaults to open. */
  effectiveTo?: string | null;
}

const CHUNK = 500;

/** A stored `code` row as plain data (dates as LocalDate): a full ICD-10-CM table is ~100k rows. */
export interface StoredCodeRow {
  id: string;
  system: CodeSystem;
  code: string;
  shortDescription: string | null;
  longDescription: string | null;
  billable: boolean;
  effectiveFrom: string;
  effectiveTo: string | null;
}

/** Every stored row of some systems, oldest first, without loading them as managed entities. */
export async function loadStoredCodes(em: EntityManager, systems: CodeSystem[]): Promise<StoredCodeRow[]> {
  const raw = (await (em as SqlEntityManager)
    .createQueryBuilder(Code)
    .select(['id', 'system', 'code', 'shortDescription', 'longDescription', 'billable', 'effectiveFrom', 'effectiveTo'])
    .where({ system: { $in: systems } })
    .orderBy({ effectiveFrom: 'asc' })
    .execute('all')) as (Omit<StoredCodeRow, 'effectiveFrom' | 'effectiveTo'> & { effectiveFrom: string | Date; effectiveTo: string | Date | null })[];
  return raw.map((r) => ({
    ...r,
    shortDescription: r.shortDescription ?? null,
    longDescription: r.longDescription ?? null,
    billable: Boolean(r.billable),
    effectiveFrom: toLocalDate(r.effectiveFrom),
    effectiveTo: r.effectiveTo == null ? null : toLocalDate(r.effectiveTo),
  }));
}

/**
 * Applies a whole code-set release to the effective-dated `code` table:
 * - a code new in the file gets a row from the release start (added);
 * - a code whose text or billable flag differs gets its open row closed the day before and a new
 *   row (changed) — earlier dates keep the old wording;
 * - with `retireMissing`, a code in force before but absent from the file is closed the day
 *   before the release starts (retired);
 * - a code unchanged is left alone, so re-importing a release changes nothing.
 */
export async function applyCodeSet(
  em: EntityManager,
  systems: CodeSystem[],
  rows: CodeRow[],
  releaseStart: string,
  opts: { retireMissing: boolean },
): Promise<ImportCounts> {
  const existing = await loadStoredCodes(em, systems);
  const current = new Map<string, StoredCodeRow>();
  for (const row of existing) {
    const open = row.effectiveTo == null || row.effectiveTo >= releaseStart;
    if (open) current.set(`${row.system}|${row.code}`, row);
  }
  const dayBefore = addDays(releaseStart, -1);
  const inserts: StoredCodeRow[] = [];
  const updates: { id: string; set: Partial<StoredCodeRow> }[] = [];
  const seen = new Set<string>();
  let added = 0;
  let changed = 0;

  for (const row of rows) {
    const key = `${row.system}|${row.code}`;
    seen.add(key);
    const start = row.effectiveFrom ?? releaseStart;
    const end = row.effectiveTo ?? null;
    const now = current.get(key);
    const fresh = (): StoredCodeRow => ({ id: uuidv7(), system: row.system, code: row.code, shortDescription: row.shortDescription, longDescription: row.longDescription, billable: row.billable, effectiveFrom: start, effectiveTo: end });
    if (!now) {
      inserts.push(fresh());
      added++;
      continue;
    }
    const same =
      (now.shortDescription ?? null) === row.shortDescription &&
      (now.longDescription ?? null) === row.longDescription &&
      Boolean(now.billable) === row.billable &&
      now.effectiveTo === end;
    if (same) continue;
    changed++;
    if (now.effectiveFrom >= start) {
      // The stored row starts with this release: correct it in place.
      updates.push({ id: now.id, set: { shortDescription: row.shortDescription, longDescription: row.longDescription, billable: row.billable, effectiveTo: end } });
    } else {
      updates.push({ id: now.id, set: { effectiveTo: addDays(start, -1) } });
      inserts.push(fresh());
    }
  }

  const retiring: string[] = [];
  // Rows that start with this release but are absent from it (a corrected file for the same
  // date): they never held, so they go rather than being closed before they start.
  const withdrawing: string[] = [];
  if (opts.retireMissing) {
    for (const [key, row] of current) {
      if (seen.has(key)) continue;
      if (row.effectiveFrom > dayBefore) withdrawing.push(row.id);
      else retiring.push(row.id);
    }
  }
  for (const u of updates) await em.nativeUpdate(Code, { id: u.id }, u.set);
  for (let i = 0; i < withdrawing.length; i += CHUNK) {
    await em.nativeDelete(Code, { id: { $in: withdrawing.slice(i, i + CHUNK) } });
  }
  for (let i = 0; i < retiring.length; i += CHUNK) {
    await em.nativeUpdate(Code, { id: { $in: retiring.slice(i, i + CHUNK) } }, { effectiveTo: dayBefore });
  }
  for (let i = 0; i < inserts.length; i += CHUNK) {
    await em.insertMany(Code, inserts.slice(i, i + CHUNK));
  }
  return { added, changed, retired: retiring.length + withdrawing.length };
}
