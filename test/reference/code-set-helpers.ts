import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { EntityManager } from '@mikro-orm/core';
import type { SqlEntityManager } from '@mikro-orm/knex';
import { toLocalDate } from '../../src/common/dates';
import { Code, type CodeSystem } from '../../src/modules/code/code.entity';
import { ImportRefusedError } from '../../src/modules/reference/import/errors';
import { runImport, type ImportResult } from '../../src/modules/reference/import/runner';
import type { ImportOptions } from '../../src/modules/reference/import/types';
import { parseOrderLine } from '../../src/modules/reference/importers/icd10cm';
import { importerFor } from '../../src/modules/reference/importers';
import { ReferenceRelease, type ReferenceKind } from '../../src/modules/reference/reference.entities';
import type { TestDb } from '../support/db';

/** Shared by the code-set tests: fixtures, the real files in ../shared/data, and small probes. */
export const ROOT = resolve(__dirname, '../..');
export const fixture = (name: string) => join(ROOT, 'test', 'fixtures', 'reference', name);
/** Public reference data beside the project (read only; never copied in). */
export const SHARED = resolve(ROOT, '..', 'shared', 'data');
export const HAVE_SHARED = existsSync(join(SHARED, 'codes'));

export function importFile(db: TestDb, kind: ReferenceKind, path: string, opts: Partial<ImportOptions> = {}): Promise<ImportResult> {
  return runImport(db.orm.em.fork(), importerFor(kind), path, { actor: 'test', ...opts });
}

/** The ImportRefusedError a promise rejects with (fails when it resolves or throws anything else). */
export async function refusal(p: Promise<unknown>): Promise<ImportRefusedError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof ImportRefusedError) return err;
    throw err;
  }
  throw new Error('the import was not refused');
}

/** Row counts that a refused import must leave unchanged. */
export async function counts(db: TestDb) {
  const em = db.orm.em.fork();
  return { codes: await em.count(Code, {}), releases: await em.count(ReferenceRelease, {}) };
}

export async function rowsOf(db: TestDb, system: CodeSystem, code: string) {
  const rows = await db.orm.em.fork().find(Code, { system, code }, { orderBy: { effectiveFrom: 'asc' } });
  return rows.map((r) => ({
    from: toLocalDate(r.effectiveFrom),
    to: r.effectiveTo ? toLocalDate(r.effectiveTo) : null,
    billable: r.billable,
    short: r.shortDescription ?? null,
    long: r.longDescription ?? null,
  }));
}

const fingerprint = (c: { billable: boolean; shortDescription?: string | null; longDescription?: string | null }) =>
  `${c.billable ? 1 : 0}|${c.shortDescription}|${c.longDescription}`;

/** The codes in force on a date: code → billable|short|long. */
export async function inForce(em: EntityManager, system: CodeSystem, date: string): Promise<Map<string, string>> {
  // Plain rows: the full ICD-10-CM year is ~98k of them.
  const rows = (await (em as SqlEntityManager)
    .createQueryBuilder(Code)
    .select(['code', 'billable', 'shortDescription', 'longDescription'])
    .where({ system, effectiveFrom: { $lte: date }, $or: [{ effectiveTo: null }, { effectiveTo: { $gte: date } }] })
    .execute('all')) as { code: string; billable: boolean | number; shortDescription: string | null; longDescription: string | null }[];
  return new Map(rows.map((r) => [r.code, fingerprint({ ...r, billable: Boolean(r.billable) })]));
}

/** An ICD-10-CM order file as the same map, parsed straight from the file. */
export function orderFileCodes(path: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of readFileSync(path, 'latin1').split(/\r?\n/)) {
    if (!line.trim()) continue;
    const c = parseOrderLine(line);
    out.set(c.code, fingerprint(c));
  }
  return out;
}

export const counted = (r: ImportResult) => ({ ...r.counts, alreadyImported: r.alreadyImported });
