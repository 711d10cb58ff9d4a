import type { ScrubClaim } from './claim';
import { REFERENCE_FAMILIES, type ReferenceFamily } from './types';

/**
 * Reference data and claim history for one claim, fetched before any rule runs (by the server
 * from the database, in batches; by rule tests from their fixtures). Evaluating a rule set is
 * pure computation over this and the claim.
 */

/** Code validity on the date of service (see modules/reference/lookups/code-validity.ts). */
export type CodeStatus = 'VALID' | 'NOT_BILLABLE' | 'NOT_EFFECTIVE' | 'UNKNOWN' | 'NO_DATA';

export interface PtpEditRef {
  column1: string;
  column2: string;
  /** 0 never together; 1 an NCCI-associated modifier may bypass; 9 not applicable. */
  modifierIndicator: '0' | '1' | '9';
}

export interface MueRef {
  units: number;
  /** MUE adjudication indicator: 1 per line, 2 per day (policy), 3 per day (clinical). */
  indicator: 1 | 2 | 3;
}

export interface AgeSexEditRef {
  editType: string;
  ageMin: number | null;
  ageMax: number | null;
  sex: 'F' | 'M' | null;
}

export interface ArticleRef {
  /** As MCD shows it, e.g. A52458. */
  id: string;
  coveredDiagnoses: string[];
  nonCoveredDiagnoses: string[];
}

/** A line of one of the patient's other live claims (not voided, not replaced, not this one). */
export interface HistoryLine {
  /** The other claim's patient control number (never PHI). */
  claimRef: string;
  serviceDate: string;
  code: string;
  modifiers: string[];
  units: number;
  /** Same billing provider as the claim being scrubbed (MUE MAI 2/3 count only those). */
  sameProvider: boolean;
}

export interface ClaimReference {
  /** Release ids the data came from, per family. */
  releases: Partial<Record<ReferenceFamily, string[]>>;
  /** Families with no release covering one of the claim's dates: their facts cannot be checked. */
  missing: ReferenceFamily[];
  diagnosisStatus: Record<string, CodeStatus>;
  procedureStatus: Record<string, CodeStatus>;
  modifierStatus: Record<string, CodeStatus>;
  placeOfServiceStatus: CodeStatus;
  /** PTP edits in force on each date of service among the codes billed on that date. */
  ptpByDate: Record<string, PtpEditRef[]>;
  /** MUE per date of service and code; null when the table has no MUE for the code. */
  mueByDate: Record<string, Record<string, MueRef | null>>;
  /** MCE age and sex edits per diagnosis on the from-date. */
  ageSex: Record<string, AgeSexEditRef[]>;
  /** Coverage articles listing each procedure, with their diagnosis lists. */
  articles: Record<string, ArticleRef[]>;
  history: HistoryLine[];
}

/**
 * The reference of a rule-test fixture: everything not given is "loaded, nothing special" — codes
 * VALID, no PTP pairs, no MUE, no age/sex edits, no article lists the code, no history — unless
 * the family is listed in `missing`.
 */
export interface FixtureReference {
  missing?: ReferenceFamily[];
  codeStatus?: Record<string, CodeStatus>;
  ptp?: PtpEditRef[];
  mue?: Record<string, MueRef>;
  ageSex?: Record<string, AgeSexEditRef[]>;
  articles?: Record<string, ArticleRef[]>;
  history?: HistoryLine[];
}

export function fixtureReference(claim: ScrubClaim, spec: FixtureReference = {}): ClaimReference {
  const missing = new Set(spec.missing ?? []);
  const status = (family: ReferenceFamily, code: string): CodeStatus => (missing.has(family) ? 'NO_DATA' : spec.codeStatus?.[code] ?? 'VALID');
  const dates = [...new Set(claim.lines.map((l) => l.serviceDate))];
  const ref: ClaimReference = {
    releases: Object.fromEntries(REFERENCE_FAMILIES.filter((f) => !missing.has(f)).map((f) => [f, [`fixture-${f.toLowerCase()}`]])),
    missing: [...missing],
    diagnosisStatus: Object.fromEntries(claim.diagnoses.map((d) => [d, status('ICD10CM', d)])),
    procedureStatus: Object.fromEntries(claim.lines.map((l) => [l.code, status('PROCEDURE_CODES', l.code)])),
    modifierStatus: Object.fromEntries(claim.lines.flatMap((l) => l.modifiers).map((m) => [m, status('MODIFIERS', m)])),
    placeOfServiceStatus: status('POS', claim.placeOfService),
    ptpByDate: {},
    mueByDate: {},
    ageSex: missing.has('MCE') ? {} : Object.fromEntries(claim.diagnoses.map((d) => [d, spec.ageSex?.[d] ?? []])),
    articles: missing.has('COVERAGE_ARTICLES') ? {} : spec.articles ?? {},
    history: spec.history ?? [],
  };
  for (const date of dates) {
    const codes = new Set(claim.lines.filter((l) => l.serviceDate === date).map((l) => l.code));
    if (!missing.has('NCCI_PTP')) ref.ptpByDate[date] = (spec.ptp ?? []).filter((e) => codes.has(e.column1) && codes.has(e.column2));
    if (!missing.has('MUE')) ref.mueByDate[date] = Object.fromEntries([...codes].map((c) => [c, spec.mue?.[c] ?? null]));
  }
  return ref;
}
