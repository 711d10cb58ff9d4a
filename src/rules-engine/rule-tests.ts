import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseScrubClaim } from './claim';
import { evaluateClaim } from './evaluate';
import { parseJsonSource } from './json-source';
import { fixtureReference, type FixtureReference } from './reference';
import { runReworkTests } from './rework-tests';
import type { RuleSnapshot } from './types';

/**
 * Rule tests: fixture claims kept beside the rules (rules/<payer>/tests/*.json), each with the
 * exact findings expected — rule id and line. A case passes when the findings are exactly those:
 * a missing finding and an extra one both fail it.
 *
 *   { "description": "…", "cases": [ { "name": "…", "claim": {…}, "reference": {…},
 *       "expect": [ { "ruleId": "MCR-FIL-001", "line": null } ] } ] }
 *
 * `claim` is `claimflow scrub` input (payer defaults to the folder; submittedDate to the
 * from-date). `reference` describes the reference data (see FixtureReference): unless listed in
 * `missing`, every family is loaded and unremarkable.
 *
 * The rework rules' tests (rules/rework/tests/*.json, see rework-tests.ts) run last, as rule set
 * "rework" (`--payer rework` runs only them).
 */

export interface RuleTestCaseResult {
  ruleSet: string;
  file: string;
  name: string;
  passed: boolean;
  expected: string[];
  actual: string[];
  /** Why it failed, when it could not run (bad fixture). */
  error?: string;
}

const key = (f: { ruleId: string; line: number | null }) => `${f.ruleId}${f.line === null ? '' : `@${f.line}`}`;

export async function runRuleTests(snapshot: RuleSnapshot, options: { only?: string } = {}): Promise<RuleTestCaseResult[]> {
  const results: RuleTestCaseResult[] = [];
  for (const set of [...snapshot.ruleSets.values()].sort((a, b) => a.key.localeCompare(b.key))) {
    if (options.only && set.key !== options.only) continue;
    const dir = path.join(snapshot.directory, set.key, 'tests');
    let files: string[];
    try {
      files = (await readdir(dir)).filter((f) => f.endsWith('.json')).sort();
    } catch {
      continue;
    }
    for (const file of files) {
      const rel = `${set.key}/tests/${file}`;
      const { source, problems } = parseJsonSource(await readFile(path.join(dir, file), 'utf8'));
      const cases = (source?.value as { cases?: unknown } | undefined)?.cases;
      if (!source || !Array.isArray(cases)) {
        const why = problems[0] ? `line ${problems[0].line}: ${problems[0].message}` : 'must be an object with a "cases" array';
        results.push({ ruleSet: set.key, file: rel, name: '(file)', passed: false, expected: [], actual: [], error: why });
        continue;
      }
      for (const [i, c] of (cases as Record<string, unknown>[]).entries()) {
        const name = typeof c.name === 'string' ? c.name : `case ${i + 1}`;
        const rawClaim = { id: `T${i + 1}`, payer: set.key, ...(c.claim as Record<string, unknown>) };
        const { claim, problems: claimProblems } = parseScrubClaim(rawClaim, `cases[${i}].claim`, String((rawClaim as Record<string, unknown>).serviceDateFrom ?? ''));
        const expect = Array.isArray(c.expect) ? (c.expect as { ruleId: string; line?: number | null }[]) : null;
        if (!claim || !expect) {
          const error = !claim ? claimProblems.map((p) => `${p.path} ${p.message}`).join('; ') : `cases[${i}].expect must be an array of {ruleId, line}`;
          results.push({ ruleSet: set.key, file: rel, name, passed: false, expected: [], actual: [], error });
          continue;
        }
        const findings = await evaluateClaim(set, claim, fixtureReference(claim, (c.reference ?? {}) as FixtureReference));
        const expected = expect.map((e) => key({ ruleId: e.ruleId, line: e.line ?? null })).sort();
        const actual = findings.map(key).sort();
        results.push({ ruleSet: set.key, file: rel, name, passed: JSON.stringify(expected) === JSON.stringify(actual), expected, actual });
      }
    }
  }
  if (!options.only || options.only === 'rework') results.push(...(await runReworkTests(snapshot)));
  return results;
}

/** A fixed-width pass/fail table for the terminal. */
export function formatRuleTestTable(results: RuleTestCaseResult[]): string {
  const rows = results.map((r) => [
    r.passed ? 'PASS' : 'FAIL',
    r.file,
    r.name,
    r.error ? `error: ${r.error}` : r.passed ? r.actual.join(' ') || '(no findings)' : `expected [${r.expected.join(' ')}] got [${r.actual.join(' ')}]`,
  ]);
  const head = ['RESULT', 'FILE', 'CASE', 'FINDINGS'];
  const widths = head.map((h, i) => Math.min(60, Math.max(h.length, ...rows.map((r) => r[i]!.length))));
  const fmt = (r: string[]) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
  const passed = results.filter((r) => r.passed).length;
  return [fmt(head), ...rows.map(fmt), '', `${passed} passed, ${results.length - passed} failed`].join('\n');
}
