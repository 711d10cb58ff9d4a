import type { EntityManager, FilterQuery } from '@mikro-orm/core';
import { toLocalDate } from '../../../common/dates';
import { normalizeCode, normalizeDiagnosisCode } from '../../../common/formats';
import { Code, CodeSystem } from '../../code/code.entity';
import { ReferenceKind, ReferenceRelease } from '../reference.entities';

/**
 * Is a code usable on a date of service, according to the imported releases?
 * - VALID          a row of the code is effective on the date and billable;
 * - NOT_BILLABLE   effective, but a header (ICD-10-CM category): code to a leaf;
 * - NOT_EFFECTIVE  the code is known, but no row covers the date (not yet added, or retired);
 * - UNKNOWN        the code set has no such code at all;
 * - NO_DATA        no release of the code set covers the date: nothing can be said, and that is
 *                  reported, never taken as a pass.
 * The release is the one in force on the date (the newest covering it), so a finding can name it.
 */
export type CodeValidityStatus = 'VALID' | 'NOT_BILLABLE' | 'NOT_EFFECTIVE' | 'UNKNOWN' | 'NO_DATA';

export interface CodeValidityQuery {
  system: CodeSystem;
  code: string;
  /** Date of service, YYYY-MM-DD. */
  date: string;
}

export interface CodeValidity {
  system: CodeSystem;
  /** The code as looked up (trimmed, upper case; ICD-10-CM without the dot). */
  codeValue: string;
  date: string;
  status: CodeValidityStatus;
  /** The row effective on the date; for NOT_EFFECTIVE the nearest row (latest before the date, else the first after). */
  code: Code | null;
  /** The release in force on the date, or null (NO_DATA). */
  releaseId: string | null;
}

/**
 * Which release kinds vouch for a code set. Modifiers are split by owner: HCPCS Level II
 * modifiers start with a letter (CMS ANWEB file); CPT modifiers start with a digit (user's CPT file).
 */
export function releaseKindsFor(system: CodeSystem, code: string): ReferenceKind[] {
  switch (system) {
    case CodeSystem.ICD10CM:
      return [ReferenceKind.ICD10CM, ReferenceKind.ICD10CM_ADDENDA];
    case CodeSystem.HCPCS:
      return [ReferenceKind.HCPCS];
    case CodeSystem.CPT:
      return [ReferenceKind.CPT];
    case CodeSystem.POS:
      return [ReferenceKind.POS];
    case CodeSystem.MODIFIER:
      return /^[0-9]/.test(code) ? [ReferenceKind.CPT] : [ReferenceKind.HCPCS];
  }
}

function normalize(system: CodeSystem, code: string): string {
  return system === CodeSystem.ICD10CM ? normalizeDiagnosisCode(code) : normalizeCode(code);
}

const covers = (r: { effectiveFrom: string; effectiveTo?: string | null }, date: string) =>
  toLocalDate(r.effectiveFrom) <= date && (r.effectiveTo == null || date <= toLocalDate(r.effectiveTo));

/**
 * Many codes at once — a claim's diagnoses, procedures, modifiers and places of service — in two
 * queries whatever their number: the releases of the kinds involved, then the rows of the codes.
 * Results come back in the order asked.
 */
export async function codeValidityMany(em: EntityManager, queries: CodeValidityQuery[]): Promise<CodeValidity[]> {
  if (queries.length === 0) return [];
  const asked = queries.map((q) => ({ ...q, codeValue: normalize(q.system, q.code), kinds: releaseKindsFor(q.system, normalize(q.system, q.code)) }));
  const kinds = [...new Set(asked.flatMap((q) => q.kinds))];
  const dates = asked.map((q) => q.date).sort();
  const releases = await em.find(
    ReferenceRelease,
    { kind: { $in: kinds }, effectiveFrom: { $lte: dates[dates.length - 1]! }, $or: [{ effectiveTo: null }, { effectiveTo: { $gte: dates[0]! } }] },
    { orderBy: { effectiveFrom: 'desc', importedAt: 'desc' } },
  );
  const bySystem = new Map<CodeSystem, Set<string>>();
  for (const q of asked) {
    if (!bySystem.has(q.system)) bySystem.set(q.system, new Set());
    bySystem.get(q.system)!.add(q.codeValue);
  }
  const rows = await em.find(Code, { $or: [...bySystem].map(([system, codes]) => ({ system, code: { $in: [...codes] } })) } as FilterQuery<Code>, {
    orderBy: { effectiveFrom: 'asc' },
  });
  const versions = new Map<string, Code[]>();
  for (const row of rows) {
    const key = `${row.system}|${row.code}`;
    if (!versions.has(key)) versions.set(key, []);
    versions.get(key)!.push(row);
  }

  return asked.map((q) => {
    const release = releases.find((r) => q.kinds.includes(r.kind) && covers(r, q.date)) ?? null;
    const found = versions.get(`${q.system}|${q.codeValue}`) ?? [];
    const effective = found.find((r) => covers(r, q.date)) ?? null;
    const base = { system: q.system, codeValue: q.codeValue, date: q.date, releaseId: release?.id ?? null };
    if (!release) return { ...base, status: 'NO_DATA', code: effective };
    if (found.length === 0) return { ...base, status: 'UNKNOWN', code: null };
    if (!effective) {
      const before = found.filter((r) => toLocalDate(r.effectiveFrom) <= q.date);
      return { ...base, status: 'NOT_EFFECTIVE', code: before[before.length - 1] ?? found[0]! };
    }
    return { ...base, status: effective.billable ? 'VALID' : 'NOT_BILLABLE', code: effective };
  });
}

/** One code on one date of service (see codeValidityMany). */
export async function codeValidity(em: EntityManager, system: CodeSystem, code: string, date: string): Promise<CodeValidity> {
  const [result] = await codeValidityMany(em, [{ system, code, date }]);
  return result!;
}
