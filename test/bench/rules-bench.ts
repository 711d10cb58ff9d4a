import { existsSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import type { EntityManager, MikroORM } from '@mikro-orm/core';
import type { SqlEntityManager } from '@mikro-orm/knex';
import type { DatabaseDialect } from '../../src/config';
import { projectRoot } from '../../src/config';
import { Code, CodeSystem } from '../../src/modules/code/code.entity';
import { invalidateNcciLookups } from '../../src/modules/reference/lookups/ncci';
import { EditSetting, NcciPtpEdit, ReferenceKind, ReferenceRelease } from '../../src/modules/reference/reference.entities';
import { ReferenceService } from '../../src/modules/reference/reference.service';
import { gatherReference, type ClaimToGather } from '../../src/modules/scrub/gather';
import { DbReferenceChecker } from '../../src/modules/scrub/reference-checker';
import {
  evaluateClaim,
  formatProblem,
  loadRuleDirectory,
  NCCI_ASSOCIATED_MODIFIERS,
  parseScrubClaim,
  type ClaimReference,
  type CodeStatus,
  type Finding,
  type RuleSet,
  type ScrubClaim,
} from '../../src/rules-engine';
import { prepareClaim } from '../../src/rules-engine/facts';
import { loadCodes, systemContext } from '../../src/seed/builders';
import { DEMO_CODES, type DemoCode } from '../../src/seed/reference-codes';
import { partnerIndex, poolCode, POOL_SIZE, PARTNERS_PER_CODE } from './generate';

/**
 * Rules-engine benchmark (payer-rules issue, definition of done item 8): the shipped Medicare rule
 * set over generated claims, with a 1,000,000-row practitioner NCCI PTP table loaded.
 *
 *   rule load    loadRuleDirectory(rules/) — pure, and with the server's DbReferenceChecker
 *   gather       gatherReference(em, batch of 100) — cold (ncci caches dropped) and warm
 *   evaluate     evaluateClaim (json-rules-engine) — sequential and 16 concurrent: claims/s, p50/p99
 *   plain TS     the same checks hand-written below over the same ClaimReference: claims/s, p50/p99,
 *                the ratio, and a mismatch count (claims whose (rule, line) sets differ; should be 0)
 *   end-to-end   gather + evaluate per batch of 100, as ScrubService.scrubClaims does
 *
 * Reference data: the PTP table through run.ts's child-process import (reused when an earlier step
 * loaded it), the generated MUE file, code rows (the demo table + the 12,000 synthetic pool codes)
 * under synthetic ICD-10-CM / CPT / HCPCS / POS release rows, a generated MCE FY2026 file and
 * generated coverage-article files (the last two via ReferenceService.importFile). Claims are
 * generated deterministically; 3 % are dated September 2025, before the PTP/MUE/MCE/article/ICD
 * releases, so the "no data is not a pass" warnings fire. Prints figures; asserts nothing.
 */

export interface RulesBenchOptions {
  dialect: DatabaseDialect;
  orm: MikroORM;
  /** Claims to generate (default 2,000). */
  claims: number;
  /** Rows in the generated PTP file (decides which column-1 codes exist). */
  ptpRows: number;
  /** The generated MUE file (generate.ts writeMueFile). */
  mueFile: string;
  /** PTP/MUE effective date of the generated files. */
  effectiveFrom: string;
  /** A scratch directory for the small generated files. */
  workDir: string;
  /** Imports the generated PTP file (run.ts: a child process); called only when no practitioner PTP release is loaded. */
  importPtp: () => Promise<{ seconds: number; rowsRead: number }>;
}

export interface RulesBenchResult {
  dialect: DatabaseDialect;
  /** metric → display text. */
  figures: Map<string, string>;
  notes: string[];
}

const BATCH = 100;
const CONCURRENCY = 16;
const RULE_LOADS = 10;
const MEDICARE = 'medicare';
const LOG_PREFIX = '  ';

// ---------------------------------------------------------------------------------------------
// helpers

const now = () => process.hrtime.bigint();
const msSince = (t: bigint) => Number(process.hrtime.bigint() - t) / 1e6;

function percentile(samples: readonly number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}
const median = (s: readonly number[]) => percentile(s, 50);

function fmtMs(v: number): string {
  if (v < 0.01) return `${(v * 1000).toFixed(2)} µs`;
  if (v < 1) return `${(v * 1000).toFixed(0)} µs`;
  if (v < 10) return `${v.toFixed(2)} ms`;
  return `${v.toFixed(1)} ms`;
}
const fmtInt = (v: number) => Math.round(v).toLocaleString('en-US');
const fmtRate = (perSecond: number) => `${fmtInt(perSecond)} claims/s`;
const fmtRatio = (r: number) => `${r >= 100 ? fmtInt(r) : r.toFixed(r >= 10 ? 0 : 1)}×`;

/** mulberry32: small, fast, deterministic. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function addDaysIso(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

export function rulesDirectory(): string {
  return resolve(process.env.CLAIMFLOW_RULES_DIR || join(projectRoot(), 'rules'));
}

// ---------------------------------------------------------------------------------------------
// reference data

/** Billable ICD-10-CM codes of the demo table in force in FY2026. */
const VALID_DX = ['E119', 'E1165', 'E785', 'I10', 'J069', 'J45909', 'N390', 'R0600', 'M5450', 'R059', 'M1711', 'M1712', 'M5416', 'M5417', 'M48061', 'M48062', 'Z0000', 'Z23', 'Z1231'];
/** M545/R05 end 2021-09-30 (NOT_EFFECTIVE), E11 is a header (NOT_BILLABLE), Z9999 is unknown. */
const BAD_DX = ['M545', 'R05', 'E11', 'Z9999'];
/** Diagnoses with MCE age or sex edits (added to the code table; edits in the generated MCE file). */
const MCE_EDITS: { code: string; editType: string; section: string; sub: string; text: string }[] = [
  { code: 'Z00110', editType: 'Newborn_Only', section: '4', sub: 'A', text: 'Health examination for newborn under 8 days old' },
  { code: 'A4851', editType: 'Pediatric_Only', section: '4', sub: 'B', text: 'Infant botulism' },
  { code: 'O80', editType: 'Maternity_Only', section: '4', sub: 'C', text: 'Encounter for full-term uncomplicated delivery' },
  { code: 'N400', editType: 'Adult_Only', section: '4', sub: 'D', text: 'Benign prostatic hyperplasia without lower urinary tract symptoms' },
  { code: 'N400', editType: 'Male_Only', section: '5', sub: 'C', text: 'Benign prostatic hyperplasia without lower urinary tract symptoms' },
  { code: 'C61', editType: 'Male_Only', section: '5', sub: 'C', text: 'Malignant neoplasm of prostate' },
  { code: 'N800', editType: 'Female_Only', section: '5', sub: 'A', text: 'Endometriosis of uterus' },
];
const MCE_DX = [...new Set(MCE_EDITS.map((e) => e.code))];
/** Demo procedure codes a claim may carry besides pool codes. */
const EM_CODES = ['99213', '99214', '99215', '99203', '99204'];
const OTHER_DEMO_PROCS = ['36415', '85025', '80053', '80061', '93000', '71046', '81002', '90471', 'J1100', 'G0439'];
const ROUTINE_PHYSICALS = ['99385', '99386', '99395', '99396'];
/** Pool codes left out of the CPT table (UNKNOWN on a claim). */
const isUnknownPoolIndex = (i: number) => i % 1000 === 999;
/** Pool codes some coverage article lists (10 %), and which article. */
const articleOfPoolIndex = (i: number) => (i % 10 === 3 ? 50_000 + (i % 40) : null);
const ARTICLE_DEMO_CODES: Record<string, number> = { '93000': 50_040, '85025': 50_041, '80061': 50_042, '71046': 50_043 };
function isArticleCode(code: string): boolean {
  if (code in ARTICLE_DEMO_CODES) return true;
  const i = Number(code) - 10_000;
  return Number.isInteger(i) && i >= 0 && i < POOL_SIZE && articleOfPoolIndex(i) !== null && !isUnknownPoolIndex(i);
}

const SYNTHETIC_RELEASES: { kind: ReferenceKind; effectiveFrom: string; effectiveTo: string | null }[] = [
  // FY2026 only: claims dated September 2025 find no ICD-10-CM release (COMMON-REF-DX).
  { kind: ReferenceKind.ICD10CM, effectiveFrom: '2025-10-01', effectiveTo: '2026-09-30' },
  { kind: ReferenceKind.CPT, effectiveFrom: '2000-01-01', effectiveTo: null },
  // HCPCS (codes and letter modifiers) and POS from October 2025 too: September claims see them missing.
  { kind: ReferenceKind.HCPCS, effectiveFrom: '2025-10-01', effectiveTo: null },
  { kind: ReferenceKind.POS, effectiveFrom: '2025-10-01', effectiveTo: null },
];

function writeMceFile(path: string): void {
  const header = 'MCE_Version\tICD_Version\tMCE_Section\tMCE_Subsection\tMCE_Edit_Type\tICD_Code_Type\tICD_Code\tICD_Desc';
  // v43 = FY2026 (mceVersionFiscalYear).
  const lines = MCE_EDITS.map((e) => `43\t10\t${e.section}\t${e.sub}\t${e.editType}\tD\t${e.code}\t${e.text}`);
  writeFileSync(path, [header, ...lines].join('\r\n') + '\r\n');
}

function articleCovered(article: number): { covered: string[]; nonCovered: string[] } {
  const k = VALID_DX.length;
  const covered = [VALID_DX[article % k]!, VALID_DX[(article + 3) % k]!, VALID_DX[(article + 7) % k]!, VALID_DX[(article + 11) % k]!];
  const nonCovered = article % 4 === 0 ? [VALID_DX[(article + 1) % k]!] : [];
  return { covered, nonCovered };
}

function writeArticleFiles(dir: string): { hcpc: string; covered: string; nonCovered: string } {
  const paths = { hcpc: join(dir, 'bench_article_x_hcpc_code.csv'), covered: join(dir, 'bench_article_x_icd10_covered.csv'), nonCovered: join(dir, 'bench_article_x_icd10_noncovered.csv') };
  const hcpc = ['article_id,article_version,hcpc_code_id,hcpc_code_version,hcpc_code_group,range,last_updated,long_description,short_description'];
  for (let i = 0; i < POOL_SIZE; i++) {
    const a = articleOfPoolIndex(i);
    if (a !== null && !isUnknownPoolIndex(i)) hcpc.push(`${a},3,${poolCode(i)},1,1,0,2025-12-01,,`);
  }
  for (const [code, a] of Object.entries(ARTICLE_DEMO_CODES)) hcpc.push(`${a},3,${code},1,1,0,2025-12-01,,`);
  const covered = ['article_id,article_version,icd10_code_id,icd10_code_version,icd10_covered_group,range,last_updated,sort_order,description,asterisk'];
  const nonCovered = ['article_id,article_version,icd10_code_id,icd10_code_version,icd10_noncovered_group,range,last_updated,sort_order,description'];
  const articles = [...new Set([...Array.from({ length: 40 }, (_, k) => 50_000 + k), ...Object.values(ARTICLE_DEMO_CODES)])];
  for (const a of articles) {
    const lists = articleCovered(a);
    lists.covered.forEach((dx, n) => covered.push(`${a},3,${dx},1,1,0,2025-12-01,${n + 1},"covered indication",`));
    lists.nonCovered.forEach((dx, n) => nonCovered.push(`${a},3,${dx},1,1,0,2025-12-01,${n + 1},"not covered"`));
  }
  writeFileSync(paths.hcpc, hcpc.join('\r\n') + '\r\n');
  writeFileSync(paths.covered, covered.join('\r\n') + '\r\n');
  writeFileSync(paths.nonCovered, nonCovered.join('\r\n') + '\r\n');
  return paths;
}

/** Code rows for every code the claims use, skipping any (system, code) already stored. */
async function ensureCodes(em: EntityManager): Promise<number> {
  const wanted: DemoCode[] = [...DEMO_CODES];
  for (const m of MCE_DX) wanted.push({ system: CodeSystem.ICD10CM, code: m, shortDescription: MCE_EDITS.find((e) => e.code === m)!.text, effectiveFrom: '2015-10-01' });
  for (let i = 0; i < POOL_SIZE; i++) if (!isUnknownPoolIndex(i)) wanted.push({ system: CodeSystem.CPT, code: poolCode(i), effectiveFrom: '2000-01-01' });
  const have = new Set<string>();
  for (const system of new Set(wanted.map((c) => c.system))) {
    const codes = wanted.filter((c) => c.system === system).map((c) => c.code);
    for (let i = 0; i < codes.length; i += 1000) {
      const rows = await em.find(Code, { system, code: { $in: codes.slice(i, i + 1000) } }, { fields: ['system', 'code'] });
      for (const r of rows) have.add(`${r.system}|${r.code}`);
    }
  }
  const seen = new Set<string>();
  const fresh = wanted.filter((c) => {
    const k = `${c.system}|${c.code}`;
    if (have.has(k) || seen.has(k + c.effectiveFrom)) return false;
    seen.add(k + c.effectiveFrom);
    return true;
  });
  for (let i = 0; i < fresh.length; i += 2000) await loadCodes(em.fork(), fresh.slice(i, i + 2000));
  return fresh.length;
}

async function ensureSyntheticReleases(em: EntityManager): Promise<string[]> {
  const made: string[] = [];
  for (const r of SYNTHETIC_RELEASES) {
    const existing = await em.count(ReferenceRelease, { kind: r.kind, effectiveFrom: { $lte: '2026-01-01' }, $or: [{ effectiveTo: null }, { effectiveTo: { $gte: '2026-06-30' } }] });
    if (existing > 0) continue;
    em.create(ReferenceRelease, {
      kind: r.kind,
      fileName: `bench-synthetic-${r.kind.toLowerCase()}`,
      sha256: `bench-synthetic-${r.kind.toLowerCase()}`.padEnd(64, '0').slice(0, 64),
      effectiveFrom: r.effectiveFrom,
      effectiveTo: r.effectiveTo,
      importedBy: 'bench',
    });
    made.push(r.kind);
  }
  await em.flush();
  return made;
}

// ---------------------------------------------------------------------------------------------
// claims

function pick<T>(r: () => number, list: readonly T[]): T {
  return list[Math.floor(r() * list.length)]!;
}

/** Weekdays of 2026 Q1 (the PTP/MUE release) and of September 2025 (before most releases). */
function serviceDays(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = from; d <= to; d = addDaysIso(d, 1)) {
    const wd = new Date(`${d}T00:00:00Z`).getUTCDay();
    if (wd !== 0 && wd !== 6) out.push(d);
  }
  return out;
}

/**
 * N claims as `claimflow scrub` input would give them (checked by parseScrubClaim): Medicare
 * patients (mostly 65+), 1–6 lines of codes from the PTP table (a column-1 code with some of its
 * column-2 partners, other pool codes, E/M and lab codes), and a sprinkling of every problem the
 * rules look for.
 */
export function generateClaims(n: number, ptpRows: number, seed = 20260101): ScrubClaim[] {
  const r = rng(seed);
  const chance = (p: number) => r() < p;
  const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
  const columnOneCodes = Math.max(1, Math.floor(ptpRows / (PARTNERS_PER_CODE * 1.1)));
  const q1 = serviceDays('2026-01-05', '2026-03-27');
  const sep = serviceDays('2025-09-02', '2025-09-26');
  const claims: ScrubClaim[] = [];
  for (let i = 0; i < n; i++) {
    const from = chance(0.03) ? pick(r, sep) : pick(r, q1);
    const span = chance(0.15) ? int(1, 3) : 0;
    const to = addDaysIso(from, span);
    const lineCount = pick(r, [1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 5, 5, 6]);
    // diagnoses
    const dxCount = chance(0.01) ? 0 : pick(r, [1, 1, 2, 2, 2, 3, 3, 4]);
    const dx = new Set<string>();
    while (dx.size < dxCount) {
      const roll = r();
      dx.add(roll < 0.03 ? pick(r, BAD_DX) : roll < 0.06 ? pick(r, MCE_DX) : pick(r, VALID_DX));
    }
    const diagnoses = [...dx];
    // lines
    const c = Math.floor(r() * columnOneCodes);
    const lines: Record<string, unknown>[] = [];
    for (let l = 0; l < lineCount; l++) {
      let code: string;
      const roll = r();
      if (l === 0) code = roll < 0.15 ? pick(r, EM_CODES) : poolCode(c);
      else if (roll < 0.35) code = poolCode(partnerIndex(c, Math.floor(r() * PARTNERS_PER_CODE)));
      else if (roll < 0.45) code = pick(r, EM_CODES);
      else if (roll < 0.55) code = pick(r, OTHER_DEMO_PROCS);
      else if (roll < 0.57) code = pick(r, ROUTINE_PHYSICALS);
      else if (roll < 0.62) code = String(lines[Math.floor(r() * lines.length)]!.code); // the same code again (MUE day totals)
      else if (roll < 0.63) code = poolCode(999 + 1000 * int(0, 11)); // not in the CPT table
      else if (roll < 0.635) code = '99201'; // deleted 2020-12-31
      else code = poolCode(Math.floor(r() * POOL_SIZE));
      const modifiers: string[] = [];
      const m = r();
      if (m < 0.1) modifiers.push(pick(r, ['59', 'XS', 'XU', 'XE']));
      else if (m < 0.15) modifiers.push(pick(r, ['LT', 'RT']));
      else if (m < 0.19) modifiers.push(EM_CODES.includes(code) ? '25' : '26');
      else if (m < 0.21) modifiers.push('GA');
      else if (m < 0.225) modifiers.push('GZ');
      else if (m < 0.235) modifiers.push('GY');
      else if (m < 0.238) modifiers.push('GA', 'GZ');
      else if (m < 0.243) modifiers.push('ZZ'); // not a modifier
      else if (m < 0.26) modifiers.push('TC');
      // ABNs go with services a coverage article limits.
      if (modifiers.length === 0 && isArticleCode(code) && chance(0.15)) modifiers.push('GA');
      const u = r();
      const units = u < 0.8 ? 1 : u < 0.92 ? 2 : u < 0.97 ? int(3, 4) : int(5, 10);
      let pointers: number[];
      const p = r();
      if (p < 0.01) pointers = [];
      else if (p < 0.02) pointers = [diagnoses.length + 1];
      else if (diagnoses.length === 0) pointers = [1];
      else pointers = Array.from({ length: Math.min(diagnoses.length, int(1, 2)) }, (_, k) => k + 1);
      if (pointers.length === 2 && chance(0.5)) pointers.reverse();
      const serviceDate = chance(0.005) ? addDaysIso(from, -1) : addDaysIso(from, span ? int(0, span) : 0);
      lines.push({ code, modifiers, units, chargeCents: int(20, 600) * 100, diagnosisPointers: pointers, serviceDate });
    }
    // patient, coverage, filing
    const sexRoll = r();
    const sex = sexRoll < 0.55 ? 'F' : sexRoll < 0.99 ? 'M' : sexRoll < 0.995 ? 'U' : null;
    const ageRoll = r();
    const age = ageRoll < 0.85 ? int(65, 95) : ageRoll < 0.97 ? int(25, 64) : ageRoll < 0.99 ? int(0, 17) : null;
    const birthDate = age === null ? null : addDaysIso(from, -Math.round(age * 365.25 + int(1, 360)));
    const cov = r();
    const coverage =
      cov < 0.9
        ? { effectiveFrom: '2020-01-01', effectiveTo: null }
        : cov < 0.92
          ? { effectiveFrom: '2019-01-01', effectiveTo: '2025-12-31' }
          : cov < 0.93
            ? { effectiveFrom: '2026-02-01', effectiveTo: null }
            : undefined;
    const fr = r();
    const frequency = fr < 0.94 ? '1' : fr < 0.98 ? '7' : '8';
    const s = r();
    const submittedDate = s < 0.02 ? addDaysIso(from, int(380, 460)) : s < 0.03 ? addDaysIso(from, -2) : addDaysIso(to, int(2, 30));
    const pos = r();
    const raw = {
      id: `BENCH-${String(i + 1).padStart(6, '0')}`,
      payer: MEDICARE,
      frequency,
      payerClaimNumber: frequency !== '1' && chance(0.7) ? `ICN${int(1e9, 9e9)}` : undefined,
      patient: { sex: sex ?? undefined, birthDate: birthDate ?? undefined, memberId: chance(0.99) ? `1EG4TE5MK${int(10, 99)}` : undefined },
      coverage,
      billingNpi: chance(0.995) ? '1234567893' : undefined,
      renderingNpi: chance(0.5) ? '1245319599' : undefined,
      placeOfService: pos < 0.7 ? '11' : pos < 0.85 ? '22' : pos < 0.9 ? '21' : pos < 0.95 ? '02' : pos < 0.99 ? '10' : '98',
      serviceDateFrom: from,
      serviceDateTo: to,
      submittedDate,
      diagnoses,
      lines,
    };
    const parsed = parseScrubClaim(raw, `$[${i}]`, '2026-04-01');
    if (!parsed.claim) throw new Error(`generated claim ${i} does not parse: ${JSON.stringify(parsed.problems)}`);
    claims.push(parsed.claim);
  }
  return claims;
}

/** Another live claim of the same patient repeating one line (the bench stores no claims, so gather finds no history). */
function injectHistory(claims: readonly ScrubClaim[], refs: ClaimReference[], seed = 7): number {
  const r = rng(seed);
  let injected = 0;
  claims.forEach((claim, i) => {
    if (r() >= 0.05) return;
    const line = claim.lines[Math.floor(r() * claim.lines.length)]!;
    const exact = r() < 0.6;
    refs[i] = {
      ...refs[i]!,
      history: [
        ...refs[i]!.history,
        { claimRef: `PCN-H${i}`, serviceDate: line.serviceDate, code: line.code, modifiers: exact ? [...line.modifiers].reverse() : [...line.modifiers, '76'], units: 1 + Math.floor(r() * 3), sameProvider: r() < 0.8 },
      ],
    };
    injected++;
  });
  return injected;
}

// ---------------------------------------------------------------------------------------------
// the plain TypeScript version of the Medicare rule set (rules/medicare + every rules/common rule)

export interface PlainFinding {
  ruleId: string;
  line: number | null;
}

/** The rules plainMedicareChecks implements: a rule added to the set later shows up as a mismatch and in the notes. */
export const PLAIN_RULE_IDS: readonly string[] = [
  'COMMON-AGE-001', 'COMMON-SEX-001', 'COMMON-DATA-001', 'COMMON-DATA-002', 'COMMON-DATA-003', 'COMMON-DATA-004', 'COMMON-DATA-005', 'COMMON-DATA-006',
  'COMMON-DATA-007', 'COMMON-DATA-008', 'COMMON-DX-001', 'COMMON-DX-002', 'COMMON-PROC-001', 'COMMON-MOD-001', 'COMMON-POS-001', 'COMMON-DUP-001',
  'COMMON-DUP-002', 'COMMON-COV-001', 'COMMON-COV-002', 'COMMON-FIL-001', 'COMMON-FIL-002', 'COMMON-MUE-001', 'COMMON-PTP-001', 'COMMON-PTP-002',
  'COMMON-REF-DX', 'COMMON-REF-PROC', 'COMMON-REF-MOD', 'COMMON-REF-POS', 'COMMON-REF-PTP', 'COMMON-REF-MUE', 'COMMON-REF-MCE',
  'MCR-COV-001', 'MCR-COV-002', 'MCR-COV-003', 'MCR-COV-004', 'MCR-FIL-001', 'MCR-MN-001', 'MCR-MN-002', 'MCR-MN-003',
];

const ROUTINE_PHYSICAL_SET: ReadonlySet<string> = new Set(ROUTINE_PHYSICALS);
const invalid = (s: CodeStatus | undefined) => s === 'UNKNOWN' || s === 'NOT_EFFECTIVE';

function ageInYears(birth: string, on: string): number {
  const by = +birth.slice(0, 4);
  const bmd = birth.slice(5);
  const y = +on.slice(0, 4);
  const md = on.slice(5);
  return y - by - (md < bmd ? 1 : 0);
}

/** Same day of the month `months` later, or that month's last day. */
function plusMonths(date: string, months: number): string {
  const y = +date.slice(0, 4);
  const m = +date.slice(5, 7);
  const d = +date.slice(8, 10);
  const total = y * 12 + (m - 1) + months;
  const ny = Math.floor(total / 12);
  const nm = (total % 12) + 1;
  const last = new Date(Date.UTC(ny, nm, 0)).getUTCDate();
  return `${String(ny).padStart(4, '0')}-${String(nm).padStart(2, '0')}-${String(Math.min(d, last)).padStart(2, '0')}`;
}

const sameModifiers = (a: readonly string[], b: readonly string[]) => a.length === b.length && [...a].sort().join(',') === [...b].sort().join(',');
const hasNcciModifier = (mods: readonly string[]) => {
  for (const m of mods) if (NCCI_ASSOCIATED_MODIFIERS.has(m)) return true;
  return false;
};

export function plainMedicareChecks(ruleSet: Pick<RuleSet, 'effectiveFrom' | 'effectiveTo'>, claim: ScrubClaim, ref: ClaimReference): PlainFinding[] {
  const out: PlainFinding[] = [];
  const from = claim.serviceDateFrom;
  const to = claim.serviceDateTo;
  if ((ruleSet.effectiveFrom && from < ruleSet.effectiveFrom) || (ruleSet.effectiveTo && from > ruleSet.effectiveTo)) return out;
  const add = (ruleId: string, line: number | null) => out.push({ ruleId, line });
  const dx = claim.diagnoses;
  const missing = ref.missing;
  const sex = claim.patient.sex;
  const age = claim.patient.birthDate ? ageInYears(claim.patient.birthDate, from) : null;

  // --- claim level ---
  let ageConflict = false;
  let sexConflict = false;
  let invalidDx = false;
  let nonBillable = false;
  for (const d of dx) {
    const st = ref.diagnosisStatus[d];
    if (invalid(st)) invalidDx = true;
    else if (st === 'NOT_BILLABLE') nonBillable = true;
    const edits = ref.ageSex[d];
    if (!edits) continue;
    for (const e of edits) {
      if (e.sex) {
        if ((sex === 'F' || sex === 'M') && sex !== e.sex) sexConflict = true;
      } else if (age !== null && ((e.ageMin !== null && age < e.ageMin) || (e.ageMax !== null && age > e.ageMax))) ageConflict = true;
    }
  }
  if (ageConflict) add('COMMON-AGE-001', null);
  if (sexConflict) add('COMMON-SEX-001', null);
  if (invalidDx) add('COMMON-DX-001', null);
  if (nonBillable) add('COMMON-DX-002', null);
  if (invalid(ref.placeOfServiceStatus)) add('COMMON-POS-001', null);
  if (dx.length === 0) add('COMMON-DATA-003', null);
  if (!claim.patient.memberId) add('COMMON-DATA-004', null);
  if (age === null) add('COMMON-DATA-005', null);
  if (sex === null) add('COMMON-DATA-006', null);
  if (claim.billingNpi === null) add('COMMON-DATA-007', null);
  const cov = claim.coverage;
  if (cov !== null) {
    if (cov.effectiveFrom !== null && from < cov.effectiveFrom) add('COMMON-COV-002', null);
    else if (cov.effectiveTo !== null && to > cov.effectiveTo) add('COMMON-COV-001', null);
  }
  if ((claim.frequency === '7' || claim.frequency === '8') && claim.payerClaimNumber === null) add('COMMON-FIL-001', null);
  if (to > claim.submittedDate) add('COMMON-FIL-002', null);
  if (missing.length > 0) {
    if (missing.includes('ICD10CM')) add('COMMON-REF-DX', null);
    if (missing.includes('PROCEDURE_CODES')) add('COMMON-REF-PROC', null);
    if (missing.includes('POS')) add('COMMON-REF-POS', null);
    if (missing.includes('NCCI_PTP') && claim.lines.length > 1) add('COMMON-REF-PTP', null);
    if (missing.includes('MUE')) add('COMMON-REF-MUE', null);
    if (missing.includes('MCE')) add('COMMON-REF-MCE', null);
    if (missing.includes('COVERAGE_ARTICLES')) add('MCR-MN-003', null);
  }

  // --- line level ---
  const articlesMissing = missing.includes('COVERAGE_ARTICLES');
  const modifiersMissing = missing.includes('MODIFIERS');
  const lines = claim.lines;
  let mueReported: Set<string> | null = null;
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    const n = i + 1;
    const mods = l.modifiers;
    const pointers = l.diagnosisPointers;
    if (pointers.length === 0) add('COMMON-DATA-001', n);
    for (const p of pointers) {
      if (p > dx.length) {
        add('COMMON-DATA-002', n);
        break;
      }
    }
    if (l.serviceDate < from || l.serviceDate > to) add('COMMON-DATA-008', n);
    if (claim.submittedDate > plusMonths(l.serviceDate, 12)) add('MCR-FIL-001', n);
    if (invalid(ref.procedureStatus[l.code])) add('COMMON-PROC-001', n);
    for (const m of mods) {
      if (invalid(ref.modifierStatus[m])) {
        add('COMMON-MOD-001', n);
        break;
      }
    }
    if (modifiersMissing && mods.length > 0) add('COMMON-REF-MOD', n);
    const ga = mods.includes('GA');
    const gz = mods.includes('GZ');
    const gy = mods.includes('GY');
    if (ga && gz) add('MCR-COV-001', n);
    if (gz) add('MCR-COV-002', n);
    if (gy) add('MCR-COV-003', n);
    if (!gy && ROUTINE_PHYSICAL_SET.has(l.code)) add('MCR-COV-004', n);

    // medical necessity under the coverage articles listing the code
    if (!articlesMissing) {
      const articles = ref.articles[l.code];
      if (articles && articles.length > 0) {
        let covered = false;
        for (const a of articles) {
          for (const p of pointers) {
            if (p > dx.length) continue;
            const d = dx[p - 1]!;
            if (a.coveredDiagnoses.includes(d) && !a.nonCoveredDiagnoses.includes(d)) {
              covered = true;
              break;
            }
          }
          if (covered) break;
        }
        if (!covered) {
          if (!ga && !gz && !gy) add('MCR-MN-001', n);
          if (ga) add('MCR-MN-002', n);
        }
      }
    }

    // duplicates: an earlier line of this claim, or a line of the patient's other live claims
    for (let j = 0; j < i; j++) {
      const o = lines[j]!;
      if (o.code === l.code && o.serviceDate === l.serviceDate && sameModifiers(o.modifiers, mods)) {
        add('COMMON-DUP-002', n);
        break;
      }
    }
    if (ref.history.length > 0) {
      for (const h of ref.history) {
        if (h.code === l.code && h.serviceDate === l.serviceDate && sameModifiers(h.modifiers, mods)) {
          add('COMMON-DUP-001', n);
          break;
        }
      }
    }

    // MUE: MAI 1 per line; MAI 2/3 per code and day (this claim + same provider's history), reported once
    const mue = ref.mueByDate[l.serviceDate]?.[l.code];
    if (mue) {
      if (mue.indicator === 1) {
        if (l.units > mue.units) add('COMMON-MUE-001', n);
      } else {
        const key = `${l.serviceDate}|${l.code}`;
        if (!mueReported?.has(key)) {
          let units = 0;
          for (const o of lines) if (o.code === l.code && o.serviceDate === l.serviceDate) units += o.units;
          for (const h of ref.history) if (h.sameProvider && h.code === l.code && h.serviceDate === l.serviceDate) units += h.units;
          if (units > mue.units) {
            (mueReported ??= new Set()).add(key);
            add('COMMON-MUE-001', n);
          }
        }
      }
    }

    // NCCI PTP: this line as the column-two code of an edit with another code billed that day
    const edits = ref.ptpByDate[l.serviceDate];
    if (edits && edits.length > 0) {
      let denied = false;
      let bypassed = false;
      const mine = hasNcciModifier(mods);
      for (let j = 0; j < lines.length; j++) {
        const o = lines[j]!;
        if (j === i || o.serviceDate !== l.serviceDate || o.code === l.code) continue;
        for (const e of edits) {
          if (e.column2 !== l.code || e.column1 !== o.code || e.modifierIndicator === '9') continue;
          if (e.modifierIndicator === '0') denied = true;
          else if (mine || hasNcciModifier(o.modifiers)) bypassed = true;
          else denied = true;
        }
      }
      if (denied) add('COMMON-PTP-001', n);
      if (bypassed) add('COMMON-PTP-002', n);
    }
  }
  return out;
}

const keyOf = (f: { ruleId: string; line: number | null }) => `${f.ruleId}#${f.line ?? '-'}`;
const keySet = (fs: readonly { ruleId: string; line: number | null }[]) => [...new Set(fs.map(keyOf))].sort().join(' ');

// ---------------------------------------------------------------------------------------------
// the benchmark

async function timeConcurrent(n: number, concurrency: number, fn: (i: number) => Promise<unknown>): Promise<{ totalMs: number; latencies: number[] }> {
  const latencies = new Array<number>(n);
  let next = 0;
  const t0 = now();
  await Promise.all(
    Array.from({ length: Math.min(concurrency, n) }, async () => {
      while (next < n) {
        const i = next++;
        const t = now();
        await fn(i);
        latencies[i] = msSince(t);
      }
    }),
  );
  return { totalMs: msSince(t0), latencies };
}

function batchesOf<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export async function benchRules(opts: RulesBenchOptions): Promise<RulesBenchResult> {
  const { orm, dialect } = opts;
  const figures = new Map<string, string>();
  const notes: string[] = [];
  const set = (metric: string, text: string) => {
    figures.set(metric, text);
    console.log(`${LOG_PREFIX}${metric}: ${text}`);
  };
  const rulesDir = rulesDirectory();
  if (!existsSync(join(rulesDir, MEDICARE, 'payer.json'))) throw new Error(`no Medicare rule set under ${rulesDir}`);

  notes.push(`machine: ${cpus().length} CPUs, load average ${loadavg().map((l) => l.toFixed(1)).join(' / ')} at the start (other work on the machine skews the figures)`);

  // --- 1. reference data ---
  const setupStart = now();
  const em = orm.em.fork();
  const ptpReleases = await em.count(ReferenceRelease, { kind: ReferenceKind.NCCI_PTP, setting: EditSetting.PRACTITIONER });
  let ptpNote: string;
  if (ptpReleases === 0) {
    const r = await opts.importPtp();
    ptpNote = `imported now: ${fmtInt(r.rowsRead)} rows in ${r.seconds.toFixed(1)} s`;
  } else ptpNote = `reused from the PTP step (${ptpReleases} release${ptpReleases > 1 ? 's' : ''})`;
  const ptpRowCount = await orm.em.fork().count(NcciPtpEdit, { setting: EditSetting.PRACTITIONER });
  // As `claimflow import` does (an ADMIN context; a file already imported, e.g. the MUE by step d, is a no-op).
  const importFile = (kind: ReferenceKind, file: string, options: { setting?: EditSetting; effectiveFrom?: string }) =>
    new ReferenceService(systemContext(orm.em.fork())).importFile(kind, file, options);
  await importFile(ReferenceKind.MUE, opts.mueFile, { setting: EditSetting.PRACTITIONER, effectiveFrom: opts.effectiveFrom });
  const mceFile = join(opts.workDir, 'mce_simple_edits_v43_fy2026_bench.tsv');
  writeMceFile(mceFile);
  await importFile(ReferenceKind.MCE, mceFile, {});
  const articleFiles = writeArticleFiles(opts.workDir);
  for (const f of [articleFiles.hcpc, articleFiles.covered, articleFiles.nonCovered]) await importFile(ReferenceKind.COVERAGE_ARTICLE, f, { effectiveFrom: opts.effectiveFrom });
  const codesAdded = await ensureCodes(orm.em.fork());
  const synthetic = await ensureSyntheticReleases(orm.em.fork());
  await orm.em.getConnection().execute('analyze');
  set('reference setup', `${(msSince(setupStart) / 1000).toFixed(1)} s`);
  notes.push(
    `PTP table: ${fmtInt(ptpRowCount)} practitioner rows (${ptpNote}); MUE, MCE FY2026 and coverage articles imported via ReferenceService.importFile; ${fmtInt(codesAdded)} code rows added; synthetic releases: ${synthetic.join(', ') || 'none needed'}`,
  );

  // --- 2. rule load ---
  const loadTimes: number[] = [];
  let ruleSet: RuleSet | null = null;
  for (let k = 0; k < RULE_LOADS; k++) {
    const t = now();
    const loaded = await loadRuleDirectory(rulesDir);
    loadTimes.push(msSince(t));
    if (!loaded.ok) {
      const first = loaded.problems.slice(0, 3).map((p) => formatProblem(p));
      throw new Error(`rules in ${rulesDir} do not load (${loaded.problems.length} problems; claimflow rules check): ${first.join('; ')}`);
    }
    ruleSet = loaded.snapshot.ruleSets.get(MEDICARE) ?? null;
    if (k === 0) notes.push(`rules: ${[...loaded.snapshot.ruleSets.values()].map((s) => `${s.key} ${s.rules.length} rules`).join(', ')} (${rulesDir})`);
  }
  if (!ruleSet) throw new Error('no medicare rule set loaded');
  const unmirrored = ruleSet.rules.map((r) => r.id).filter((id) => !PLAIN_RULE_IDS.includes(id));
  const gone = PLAIN_RULE_IDS.filter((id) => !ruleSet!.rules.some((r) => r.id === id));
  if (unmirrored.length || gone.length) {
    notes.push(`PLAIN TS OUT OF DATE: rules it does not implement: ${unmirrored.join(', ') || 'none'}; rules it implements that the set no longer has: ${gone.join(', ') || 'none'}`);
  }
  set('rule load: loadRuleDirectory (median of 10)', `${fmtMs(median(loadTimes))} (first, compiling the schema validator: ${fmtMs(loadTimes[0]!)}; min ${fmtMs(Math.min(...loadTimes))}, max ${fmtMs(Math.max(...loadTimes))})`);
  const checkedTimes: number[] = [];
  let checkedProblems = 0;
  for (let k = 0; k < RULE_LOADS; k++) {
    const t = now();
    const loaded = await loadRuleDirectory(rulesDir, { referenceChecker: new DbReferenceChecker(orm.em.fork()) });
    checkedTimes.push(msSince(t));
    if (!loaded.ok) checkedProblems = loaded.problems.length;
  }
  set('rule load: with DbReferenceChecker (server start)', `${fmtMs(median(checkedTimes))}${checkedProblems ? ` (REFUSED: ${checkedProblems} problems)` : ''}`);

  // --- 3. claims ---
  const claims = generateClaims(opts.claims, opts.ptpRows);
  const lineTotal = claims.reduce((s, c) => s + c.lines.length, 0);
  notes.push(`claims: ${fmtInt(claims.length)} Medicare claims, ${fmtInt(lineTotal)} lines (${(lineTotal / claims.length).toFixed(2)} per claim), batches of ${BATCH}`);
  const batch = (cs: readonly ScrubClaim[]): ClaimToGather[] => cs.map((claim) => ({ claim, claimId: null, patientId: null, billingProviderId: null, originalClaimId: null }));
  const batches = batchesOf(claims, BATCH);

  // --- 4. gather: cold (ncci caches dropped), then warm ---
  const knex = (orm.em as SqlEntityManager).getKnex();
  let queries = 0;
  // BENCH_RULES_PROFILE=1: time per query shape during gather (knex query / query-response events).
  const profile = process.env.BENCH_RULES_PROFILE === '1' ? new Map<string, { n: number; ms: number }>() : null;
  const started = new Map<string, { sql: string; t: bigint }>();
  const countQuery = (q: { __knexQueryUid?: string; sql?: string }) => {
    queries++;
    if (profile && q.__knexQueryUid) started.set(q.__knexQueryUid, { sql: q.sql ?? '', t: now() });
  };
  const queryDone = (_r: unknown, q: { __knexQueryUid?: string }) => {
    const s = q.__knexQueryUid ? started.get(q.__knexQueryUid) : undefined;
    if (!profile || !s) return;
    started.delete(q.__knexQueryUid!);
    const shape = s.sql
      .replace(/\s+/g, ' ')
      .replace(/'[^']*'/g, '?')
      .replace(/\$\d+/g, '?')
      .replace(/\?(, \?)+/g, '?…')
      .slice(0, 150);
    const e = profile.get(shape) ?? { n: 0, ms: 0 };
    e.n++;
    e.ms += msSince(s.t);
    profile.set(shape, e);
  };
  const gatherPass = async (): Promise<{ perBatch: number[]; refs: ClaimReference[]; totalMs: number; queries: number }> => {
    const perBatch: number[] = [];
    const out: ClaimReference[] = [];
    queries = 0;
    knex.on('query', countQuery);
    if (profile) knex.on('query-response', queryDone);
    const t0 = now();
    try {
      for (const b of batches) {
        const t = now();
        out.push(...(await gatherReference(orm.em.fork(), batch(b))));
        perBatch.push(msSince(t));
      }
    } finally {
      knex.removeListener('query', countQuery);
      knex.removeListener('query-response', queryDone);
    }
    return { perBatch, refs: out, totalMs: msSince(t0), queries };
  };
  invalidateNcciLookups();
  const cold = await gatherPass();
  const warm = await gatherPass();
  for (const [label, g] of [
    ['gather cold', cold],
    ['gather warm', warm],
  ] as const) {
    set(
      `${label} (batch of ${BATCH})`,
      `${fmtMs(g.totalMs / batches.length)} per batch (p50 ${fmtMs(median(g.perBatch))}, p99 ${fmtMs(percentile(g.perBatch, 99))}); ${fmtMs(g.totalMs / claims.length)} per claim; ${fmtRate((claims.length / g.totalMs) * 1000)}; ${fmtInt(g.queries / batches.length)} queries per batch`,
    );
  }
  const datesPerBatch = batches.map((b) => new Set(b.flatMap((c) => c.lines.map((l) => l.serviceDate))).size);
  const fromDatesPerBatch = batches.map((b) => new Set(b.map((c) => c.serviceDateFrom)).size);
  notes.push(
    `gather: ${(datesPerBatch.reduce((a, b) => a + b, 0) / batches.length).toFixed(1)} distinct line dates and ${(fromDatesPerBatch.reduce((a, b) => a + b, 0) / batches.length).toFixed(1)} distinct from-dates per batch of ${BATCH} (gatherReference looks PTP and MUE up per distinct line date; warm, the ncci cache answers)`,
  );
  if (profile) {
    const sqlMs = [...profile.values()].reduce((a, e) => a + e.ms, 0);
    console.log(`${LOG_PREFIX}gather query profile: ${sqlMs.toFixed(0)} ms in queries of ${(cold.totalMs + warm.totalMs).toFixed(0)} ms gathering (cold + warm), by shape:`);
    for (const [shape, e] of [...profile].sort((a, b) => b[1].ms - a[1].ms).slice(0, 12)) console.log(`${LOG_PREFIX}  ${e.ms.toFixed(0).padStart(7)} ms ${String(e.n).padStart(6)}×  ${shape}`);
  }
  const claimRefs = warm.refs;
  const injected = injectHistory(claims, claimRefs);
  const missingClaims = claimRefs.filter((r) => r.missing.length > 0).length;
  const ptpPairs = claimRefs.reduce((s, r) => s + Object.values(r.ptpByDate).reduce((a, e) => a + e.length, 0), 0);
  notes.push(
    `references: ${fmtInt(ptpPairs)} PTP edits in force among the claims' codes; ${missingClaims} claims with a reference family missing; history injected into ${injected} claims (duplicates, MUE day totals)`,
  );

  // --- 5. evaluate with json-rules-engine ---
  const engineFindings: Finding[][] = new Array<Finding[]>(claims.length);
  for (let i = 0; i < claims.length; i++) engineFindings[i] = await evaluateClaim(ruleSet, claims[i]!, claimRefs[i]!); // warm-up (and the findings compared below)
  const seqLat: number[] = [];
  const seqStart = now();
  for (let i = 0; i < claims.length; i++) {
    const t = now();
    await evaluateClaim(ruleSet, claims[i]!, claimRefs[i]!);
    seqLat.push(msSince(t));
  }
  const seqMs = msSince(seqStart);
  const engineRate = (claims.length / seqMs) * 1000;
  set('evaluate json-rules-engine, sequential', `${fmtRate(engineRate)}, p50 ${fmtMs(median(seqLat))}, p99 ${fmtMs(percentile(seqLat, 99))}`);
  const conc = await timeConcurrent(claims.length, CONCURRENCY, (i) => evaluateClaim(ruleSet!, claims[i]!, claimRefs[i]!));
  set(`evaluate json-rules-engine, ${CONCURRENCY} concurrent`, `${fmtRate((claims.length / conc.totalMs) * 1000)}, p50 ${fmtMs(median(conc.latencies))}, p99 ${fmtMs(percentile(conc.latencies, 99))}`);

  // prepareClaim alone: the facts the engine reads, computed before any rule runs.
  let prepReps = 0;
  const prepStart = now();
  while (msSince(prepStart) < 500 || prepReps < 3) {
    for (let i = 0; i < claims.length; i++) prepareClaim(claims[i]!, claimRefs[i]!, ruleSet.lists);
    prepReps++;
  }
  const prepRate = ((claims.length * prepReps) / msSince(prepStart)) * 1000;
  set('  of which prepareClaim (facts) alone', `${fmtRate(prepRate)} (${((engineRate / prepRate) * 100).toFixed(1)} % of the engine's time)`);

  // --- 6. plain TypeScript ---
  const plainFindings: PlainFinding[][] = claims.map((c, i) => plainMedicareChecks(ruleSet!, c, claimRefs[i]!));
  let sink = 0;
  for (let rep = 0; rep < 20; rep++) for (let i = 0; i < claims.length; i++) sink += plainMedicareChecks(ruleSet, claims[i]!, claimRefs[i]!).length; // warm-up
  let plainReps = 0;
  const plainStart = now();
  while (msSince(plainStart) < 1000 || plainReps < 20) {
    for (let i = 0; i < claims.length; i++) sink += plainMedicareChecks(ruleSet, claims[i]!, claimRefs[i]!).length;
    plainReps++;
  }
  const plainRate = ((claims.length * plainReps) / msSince(plainStart)) * 1000;
  const plainLat: number[] = [];
  for (let rep = 0; rep < 5; rep++) {
    for (let i = 0; i < claims.length; i++) {
      const t = now();
      sink += plainMedicareChecks(ruleSet, claims[i]!, claimRefs[i]!).length;
      plainLat.push(msSince(t));
    }
  }
  if (sink < 0) console.log(sink); // keep the work observable
  set('evaluate plain TypeScript, sequential', `${fmtRate(plainRate)}, p50 ${fmtMs(median(plainLat))}, p99 ${fmtMs(percentile(plainLat, 99))} (per-claim timings include ~0.1 µs of clock reads)`);
  set(
    'ratio json-rules-engine / plain TS',
    `${fmtRatio(plainRate / engineRate)} slower in throughput; p50 ${fmtRatio(median(seqLat) / median(plainLat))}, p99 ${fmtRatio(percentile(seqLat, 99) / percentile(plainLat, 99))}`,
  );

  // same findings?
  let mismatches = 0;
  const examples: string[] = [];
  for (let i = 0; i < claims.length; i++) {
    const a = keySet(engineFindings[i]!);
    const b = keySet(plainFindings[i]!);
    if (a !== b) {
      mismatches++;
      if (examples.length < 5) examples.push(`${claims[i]!.id}: engine [${a}] vs plain [${b}]`);
    }
  }
  set('mismatching claims (engine vs plain, by rule and line)', `${mismatches} of ${fmtInt(claims.length)}`);
  for (const e of examples) notes.push(`MISMATCH ${e}`);
  const byRule = new Map<string, number>();
  let findingCount = 0;
  for (const fs of engineFindings) {
    for (const f of fs) {
      byRule.set(f.ruleId, (byRule.get(f.ruleId) ?? 0) + 1);
      findingCount++;
    }
  }
  const silent = ruleSet.rules.map((r) => r.id).filter((id) => !byRule.has(id));
  const clean = engineFindings.filter((fs) => fs.length === 0).length;
  notes.push(
    `findings: ${fmtInt(findingCount)} (${(findingCount / claims.length).toFixed(2)} per claim; ${clean} claims clean); ${byRule.size} of ${ruleSet.rules.length} rules fired` +
      (silent.length ? `; never fired: ${silent.join(', ')}` : ''),
  );
  notes.push(
    `by rule: ${[...byRule]
      .sort((a, b) => b[1] - a[1])
      .map(([id, k]) => `${id} ${k}`)
      .join(', ')}`,
  );

  // --- 7. end to end: gather + evaluate per batch (ScrubService.scrubClaims without the writes: Promise.all over the batch) ---
  const e2eBatches: number[] = [];
  const e2eStart = now();
  for (const b of batches) {
    const t = now();
    const r = await gatherReference(orm.em.fork(), batch(b));
    await Promise.all(b.map((c, i) => evaluateClaim(ruleSet!, c, r[i]!)));
    e2eBatches.push(msSince(t));
  }
  const e2eMs = msSince(e2eStart);
  set(`end to end: gather + evaluate (batch of ${BATCH}, warm)`, `${fmtRate((claims.length / e2eMs) * 1000)}; ${fmtMs(e2eMs / batches.length)} per batch (p50 ${fmtMs(median(e2eBatches))}, p99 ${fmtMs(percentile(e2eBatches, 99))}); ${fmtMs(e2eMs / claims.length)} per claim`);
  return { dialect, figures, notes };
}

/** One table: a row per metric, a column per dialect; then each dialect's notes. */
export function printRulesTable(results: readonly RulesBenchResult[]): void {
  if (results.length === 0) return;
  const metrics: string[] = [];
  for (const r of results) for (const m of r.figures.keys()) if (!metrics.includes(m)) metrics.push(m);
  const header = ['rules engine (Medicare rule set)', ...results.map((r) => r.dialect)];
  const body = metrics.map((m) => [m, ...results.map((r) => r.figures.get(m) ?? '—')]);
  const widths = header.map((_, i) => Math.max(header[i]!.length, ...body.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ');
  console.log(`\n${line(header)}\n${widths.map((w) => '-'.repeat(w)).join('-|-')}`);
  for (const row of body) console.log(line(row));
  console.log('\nnotes (rules engine):');
  for (const r of results) for (const n of r.notes) console.log(`  ${r.dialect}: ${n}`);
}
