/**
 * Helpers for the rules-engine tests: temp rule directories, claims, and the fixture rule dirs
 * under test/fixtures/rules/. Nothing here is mocked: rule dirs are real files the real loader
 * reads, claims go through the real parseScrubClaim, reference data through fixtureReference.
 */
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { loadRuleDirectory, parseScrubClaim, type RuleSet, type RuleSnapshot, type ScrubClaim } from '../../src/rules-engine';

export const ROOT = resolve(__dirname, '../..');
export const FIXTURES = resolve(ROOT, 'test/fixtures/rules');
export const SHIPPED_RULES = resolve(ROOT, 'rules');

const made: string[] = [];

/** A fresh temp directory, removed by `removeTempDirs()` (call it in afterAll). */
export function tempDir(prefix = 'cf-rules-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
}

/** Writes files (relative path → text, or a value written as 2-space JSON) under `dir`. */
export function writeFiles(dir: string, files: Record<string, unknown>): string {
  for (const [rel, content] of Object.entries(files)) {
    const file = join(dir, rel);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, typeof content === 'string' ? content : `${JSON.stringify(content, null, 2)}\n`);
  }
  return dir;
}

/** A temp rule directory holding exactly `files`. */
export function ruleDir(files: Record<string, unknown>): string {
  return writeFiles(tempDir(), files);
}

/** A temp copy of a fixture rule dir (test/fixtures/rules/<name>), optionally with files replaced. */
export function fixtureCopy(name: string, files: Record<string, unknown> = {}): string {
  const dir = tempDir();
  cpSync(join(FIXTURES, name), dir, { recursive: true });
  return writeFiles(dir, files);
}

/** 1-based line of the first occurrence of `needle` in `text` (throws when absent: a broken test). */
export function lineOf(text: string, needle: string): number {
  const at = text.indexOf(needle);
  if (at < 0) throw new Error(`test setup: ${JSON.stringify(needle)} not in the text`);
  return text.slice(0, at).split('\n').length;
}

/** 1-based column of the first occurrence of `needle` on its line. */
export function columnOf(text: string, needle: string): number {
  const at = text.indexOf(needle);
  if (at < 0) throw new Error(`test setup: ${JSON.stringify(needle)} not in the text`);
  return at - text.lastIndexOf('\n', at - 1);
}

/** A valid rule with every required property; override what the test is about. */
export function rule(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 'TEST-R-001',
    description: 'a test rule',
    severity: 'ERROR',
    category: 'DATA',
    level: 'CLAIM',
    carc: '16',
    message: 'fired',
    conditions: { all: [{ fact: 'claim.lineCount', operator: 'greaterThan', value: 0 }] },
    ...overrides,
  };
}

export function payerManifest(key: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { kind: 'payer', payer: key, name: `${key} (test)`, description: 'test payer', ...extra };
}

export function ruleFile(kind: string, rules: unknown[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { kind, description: `${kind} rules`, rules, ...extra };
}

/** A one-payer rule dir ("tp") whose coverage.json holds `rules`; extra files may be added. */
export function singlePayerDir(rules: unknown[], manifest: Record<string, unknown> = {}, extraFiles: Record<string, unknown> = {}): string {
  return ruleDir({ 'tp/payer.json': payerManifest('tp', manifest), 'tp/coverage.json': ruleFile('coverage', rules), ...extraFiles });
}

/** Loads a directory that must load; fails the test with every problem otherwise. */
export async function loadOk(dir: string): Promise<RuleSnapshot> {
  const result = await loadRuleDirectory(dir);
  if (!result.ok) throw new Error(`rules did not load:\n${result.problems.map((p) => `${p.file}:${p.line}:${p.column} ${p.pointer}: ${p.message}`).join('\n')}`);
  return result.snapshot;
}

export async function loadSet(dir: string, key = 'tp'): Promise<RuleSet> {
  const set = (await loadOk(dir)).ruleSets.get(key);
  if (!set) throw new Error(`no rule set ${key}`);
  return set;
}

/** The baseline claim of these tests: one office visit, filed on time, nothing remarkable. */
export const BASE_CLAIM = {
  id: 'C1',
  payer: 'tp',
  frequency: '1',
  payerClaimNumber: null,
  patient: { sex: 'F', birthDate: '1950-03-02', memberId: '1EG4TE5MK73' },
  billingNpi: '1234567893',
  renderingNpi: '1234567893',
  placeOfService: '11',
  serviceDateFrom: '2026-03-02',
  serviceDateTo: '2026-03-02',
  submittedDate: '2026-04-01',
  priorAuthNumber: null,
  diagnoses: ['E119', 'I10'],
  lines: [{ code: '99213', modifiers: ['25'], units: 1, chargeCents: 12000, diagnosisPointers: [1, 2], serviceDate: '2026-03-02' }],
};

/** Claim input as `claimflow scrub` takes it; any field of BASE_CLAIM may be overridden. */
export interface ClaimInput {
  [field: string]: unknown;
  patient?: Record<string, unknown>;
  lines?: Record<string, unknown>[];
}

/**
 * A ScrubClaim through the real input parser. `lines` entries are merged over the base line, and
 * a line's serviceDate defaults to the claim's from-date.
 */
export function claim(overrides: ClaimInput = {}): ScrubClaim {
  const from = (overrides.serviceDateFrom as string | undefined) ?? BASE_CLAIM.serviceDateFrom;
  const raw = {
    ...BASE_CLAIM,
    serviceDateTo: from,
    ...overrides,
    patient: { ...BASE_CLAIM.patient, ...overrides.patient },
    lines: (overrides.lines ?? [{}]).map((l) => ({ ...BASE_CLAIM.lines[0], serviceDate: from, ...l })),
  };
  const { claim: parsed, problems } = parseScrubClaim(raw, '$', '2026-04-01');
  if (!parsed) throw new Error(`test setup: bad claim ${JSON.stringify(problems)}`);
  return parsed;
}

/**
 * Every problem in test/fixtures/rules/bad, as `claimflow rules check` prints them (formatProblem),
 * in the loader's order (by file, then line). Keep in step with the fixture files.
 */
export const BAD_FIXTURE_PROBLEMS: readonly string[] = [
  'acme/coverage.json:14:33 /rules/0/conditions/all/0/fact: unknown fact "line.cod" (did you mean "line.code"?)',
  'acme/coverage.json:24:55 /rules/1/conditions/all/0/operator: unknown operator "greaterThen" (did you mean "greaterThan"?)',
  'acme/coverage.json:34:59 /rules/2/conditions/all/0/operator: operator "lessThan" does not apply to line.modifiers (a string[]); it takes number',
  'acme/coverage.json:44:33 /rules/3/conditions/all/0/fact: line.code is a line fact: use it in a rule with "level": "LINE"',
  'acme/coverage.json:54:116 /rules/4/conditions/all/0/value/params/name: no list "auth-code" in payer.json (did you mean "auth-codes"?)',
  'acme/coverage.json:64:59 /rules/5/conditions/all/0/path: path must be a plain property path like $.a.b or $[0]: JSONPath filters and script expressions are not allowed',
  'acme/coverage.json:74:33 /rules/6/conditions/all/0/condition: shared condition references are not supported: write the condition out (or use a payer list for shared codes)',
  'acme/coverage.json:83:7 /rules/7/message: message names unknown fact {{claim.serviceDate}} (did you mean "claim.serviceDateTo"?)',
  'acme/filing.json:14:31 /rules/0/conditions/all/0/params: filing.limitExceeded needs exactly one of params.months and params.days',
  'acme/filing.json:24:89 /rules/1/conditions/all/0/params/weeks: filing.limitExceeded has no param "weeks" (it takes months, days, from)',
  'acme/filing.json:27:7 /rules/2/id: duplicate rule id COMMON-T-001 (also in common/basics.json)',
  "acme/notes.json: unexpected file: a payer's rules go in coverage.json, medical-necessity.json, filing.json",
  'acme/payer.json:6:43 /common/include/1: no common rule COMMON-T-009 (did you mean "COMMON-T-001"?)',
  'common/schema.json:5:5 /rules/0: missing required property "severity"',
  'common/schema.json:18:7 /rules/1/category: must be one of "COVERAGE", "MEDICAL_NECESSITY", "FILING", "CODING", "NCCI_PTP", "MUE", "AUTHORIZATION", "DUPLICATE", "DATA"',
  'common/schema.json:20:7 /rules/1/carc: does not match the expected format ^[A-Z]?[0-9]{1,3}$',
  'common/schema.json:21:7 /rules/1/owner: unexpected property "owner"',
  'common/syntax.json:5:1: JSON syntax: property name expected',
  'common/syntax.json:5:1: JSON syntax: value expected',
  'orphan/payer.json: missing: every payer folder needs a payer.json manifest',
  'stray.json: rule files live in rules/common/ or rules/<payer-key>/, not at the top level',
];
