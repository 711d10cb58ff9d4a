import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { addDays, isLocalDate } from '../common/dates';
import { classifyAdjustment } from '../modules/denial/classify';
import { parseJsonSource } from './json-source';
import { evaluateDenial, type ReworkAdvice } from './rework';
import { checkReworkCase, type ReworkCase } from './rework-facts';
import type { RuleTestCaseResult } from './rule-tests';
import type { RuleSnapshot } from './types';

/**
 * Rework rule tests: denials kept beside the rework rules (rules/rework/tests/*.json), each with
 * the exact advice expected. A case passes when the recommendations are exactly `recommend`, in
 * that order, and the forbidden actions exactly `forbid`:
 *
 *   { "description": "…", "cases": [ { "name": "…", "today": "2026-04-01",
 *       "denial": { "carc": "29", "rarcs": ["N211"], … }, "claim": { "serviceDateFrom": …, "lines": […] },
 *       "payer": { "timelyFilingDays": 365 }, "otherCoverageActive": false,
 *       "expect": { "recommend": ["RW-CO29-001:WRITE_OFF"], "forbid": ["RW-CO29-001:APPEAL"] } } ] }
 *
 * Defaults keep cases short: group CO; scenario and reason class from the CARC (classify.ts);
 * deniedOn 30 days after the first date of service; today = deniedOn; no appeal deadline; a
 * claim-level denial; claim DENIED, frequency 1, payer claim number present, POS 11; lines of
 * 1 unit pointing at diagnosis 1; a payer with 365 timely filing days and no rule-set key.
 */

export async function runReworkTests(snapshot: RuleSnapshot): Promise<RuleTestCaseResult[]> {
  const dir = path.join(snapshot.directory, 'rework', 'tests');
  let files: string[];
  try {
    files = (await readdir(dir)).filter((f) => f.endsWith('.json')).sort();
  } catch {
    return [];
  }
  const results: RuleTestCaseResult[] = [];
  for (const file of files) {
    const rel = `rework/tests/${file}`;
    const { source, problems } = parseJsonSource(await readFile(path.join(dir, file), 'utf8'));
    const cases = (source?.value as { cases?: unknown } | undefined)?.cases;
    if (!source || !Array.isArray(cases)) {
      const why = problems[0] ? `line ${problems[0].line}: ${problems[0].message}` : 'must be an object with a "cases" array';
      results.push({ ruleSet: 'rework', file: rel, name: '(file)', passed: false, expected: [], actual: [], error: why });
      continue;
    }
    for (const [i, raw] of (cases as unknown[]).entries()) {
      const c = isObject(raw) ? raw : {};
      const name = typeof c.name === 'string' ? c.name : `case ${i + 1}`;
      const parsed = parseReworkCase(c, `cases[${i}]`);
      const expect = parseExpect(c.expect, `cases[${i}].expect`);
      if (!parsed.case || !expect.ok) {
        results.push({ ruleSet: 'rework', file: rel, name, passed: false, expected: [], actual: [], error: [...parsed.problems, ...expect.problems].join('; ') });
        continue;
      }
      const advice = await evaluateDenial(snapshot.rework, parsed.case);
      const expected = [...expect.recommend, ...expect.forbid.sort().map((x) => `!${x}`)];
      const actual = adviceKeys(advice);
      results.push({ ruleSet: 'rework', file: rel, name, passed: JSON.stringify(expected) === JSON.stringify(actual), expected, actual });
    }
  }
  return results;
}

/** "RULE:ACTION" for each recommendation in order, then "!RULE:ACTION" for each forbidden action, sorted. */
export function adviceKeys(advice: ReworkAdvice): string[] {
  return [...advice.recommendations.map((r) => `${r.ruleId}:${r.action}`), ...advice.forbidden.map((f) => `${f.ruleId}:${f.action}`).sort().map((x) => `!${x}`)];
}

function parseExpect(raw: unknown, p: string): { ok: boolean; recommend: string[]; forbid: string[]; problems: string[] } {
  const problems: string[] = [];
  const list = (v: unknown, key: string): string[] => {
    if (v === undefined) return [];
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string' || !/^[A-Z0-9-]+:[A-Z_]+$/.test(x))) {
      problems.push(`${p}.${key} must be an array of "RULE-ID:ACTION"`);
      return [];
    }
    return v as string[];
  };
  if (!isObject(raw)) return { ok: false, recommend: [], forbid: [], problems: [`${p} must be {"recommend": [...], "forbid": [...]}`] };
  const recommend = list(raw.recommend, 'recommend');
  const forbid = list(raw.forbid, 'forbid');
  return { ok: problems.length === 0, recommend, forbid, problems };
}

/** A case as written in a test file, with the defaults above. Problems name paths, never values. */
export function parseReworkCase(c: Record<string, unknown>, p: string): { case: ReworkCase | null; problems: string[] } {
  const problems: string[] = [];
  const obj = (v: unknown, key: string): Record<string, unknown> => {
    if (v === undefined) return {};
    if (!isObject(v)) problems.push(`${p}.${key} must be an object`);
    return isObject(v) ? v : {};
  };
  const str = (o: Record<string, unknown>, key: string, at: string, dflt: string | null): string | null => {
    const v = o[key];
    if (v === undefined) return dflt;
    if (v === null) return null;
    if (typeof v !== 'string') {
      problems.push(`${at}.${key} must be a string`);
      return dflt;
    }
    return v;
  };
  const int = (o: Record<string, unknown>, key: string, at: string, dflt: number): number => {
    const v = o[key];
    if (v === undefined) return dflt;
    if (typeof v !== 'number' || !Number.isInteger(v)) {
      problems.push(`${at}.${key} must be an integer`);
      return dflt;
    }
    return v;
  };
  const strings = (o: Record<string, unknown>, key: string, at: string): string[] => {
    const v = o[key];
    if (v === undefined) return [];
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) {
      problems.push(`${at}.${key} must be an array of strings`);
      return [];
    }
    return v as string[];
  };

  const claimRaw = obj(c.claim, 'claim');
  const cp = `${p}.claim`;
  const serviceDateFrom = str(claimRaw, 'serviceDateFrom', cp, null);
  if (!serviceDateFrom || !isLocalDate(serviceDateFrom)) problems.push(`${cp}.serviceDateFrom is required (YYYY-MM-DD)`);
  const linesRaw = claimRaw.lines === undefined ? [] : claimRaw.lines;
  if (!Array.isArray(linesRaw)) problems.push(`${cp}.lines must be an array`);
  const lines = (Array.isArray(linesRaw) ? linesRaw : []).map((l, i) => {
    const lp = `${cp}.lines[${i}]`;
    const lo = isObject(l) ? l : (problems.push(`${lp} must be an object`), {});
    const pointers = lo.diagnosisPointers === undefined ? [1] : lo.diagnosisPointers;
    if (!Array.isArray(pointers) || pointers.some((x) => !Number.isInteger(x))) problems.push(`${lp}.diagnosisPointers must be an array of integers`);
    return {
      lineNumber: int(lo, 'lineNumber', lp, i + 1),
      code: str(lo, 'code', lp, null) ?? (problems.push(`${lp}.code is required`), ''),
      modifiers: strings(lo, 'modifiers', lp),
      units: int(lo, 'units', lp, 1),
      chargeCents: int(lo, 'chargeCents', lp, 10_000),
      diagnosisPointers: Array.isArray(pointers) ? (pointers as number[]) : [],
    };
  });

  const denialRaw = obj(c.denial, 'denial');
  const dp = `${p}.denial`;
  const groupCode = str(denialRaw, 'groupCode', dp, 'CO') ?? 'CO';
  const carc = str(denialRaw, 'carc', dp, null);
  if (!carc) problems.push(`${dp}.carc is required`);
  const klass = carc ? classifyAdjustment({ group: groupCode === 'PR' ? 'CO' : groupCode, carc }) : null;
  const deniedOn = str(denialRaw, 'deniedOn', dp, serviceDateFrom && isLocalDate(serviceDateFrom) ? addDays(serviceDateFrom, 30) : null) ?? '';
  const lineNumber = denialRaw.lineNumber === undefined || denialRaw.lineNumber === null ? null : int(denialRaw, 'lineNumber', dp, 1);

  const payerRaw = obj(c.payer, 'payer');
  const pp = `${p}.payer`;
  const other = c.otherCoverageActive ?? false;
  if (typeof other !== 'boolean') problems.push(`${p}.otherCoverageActive must be true or false`);

  const diagnoses = strings(claimRaw, 'diagnoses', cp);
  const today = str(c, 'today', p, deniedOn) ?? deniedOn;
  const built: ReworkCase = {
    today,
    denial: {
      groupCode,
      carc: carc ?? '',
      rarcs: strings(denialRaw, 'rarcs', dp),
      amountCents: int(denialRaw, 'amountCents', dp, 10_000),
      scenario: str(denialRaw, 'scenario', dp, klass?.scenario ?? 'NOT_COVERED') ?? 'NOT_COVERED',
      reasonClass: str(denialRaw, 'reasonClass', dp, klass?.reasonClass ?? 'OTHER') ?? 'OTHER',
      deniedOn,
      appealDeadline: str(denialRaw, 'appealDeadline', dp, null),
      lineNumber,
      predictedByRuleId: str(denialRaw, 'predictedByRuleId', dp, null),
    },
    claim: {
      status: str(claimRaw, 'status', cp, 'DENIED') ?? 'DENIED',
      frequency: str(claimRaw, 'frequency', cp, '1') ?? '1',
      payerClaimNumber: str(claimRaw, 'payerClaimNumber', cp, 'PCN-TEST-0001'),
      priorAuthNumber: str(claimRaw, 'priorAuthNumber', cp, null),
      placeOfService: str(claimRaw, 'placeOfService', cp, '11') ?? '11',
      serviceDateFrom: serviceDateFrom ?? '',
      totalChargeCents: lines.reduce((s, l) => s + l.chargeCents, 0),
      diagnoses,
      lines: lines.map(({ chargeCents: _c, ...l }) => l),
    },
    payer: {
      ruleSetKey: str(payerRaw, 'ruleSetKey', pp, null),
      claimFilingIndicator: str(payerRaw, 'claimFilingIndicator', pp, 'CI') ?? 'CI',
      timelyFilingDays: int(payerRaw, 'timelyFilingDays', pp, 365),
    },
    otherCoverageActive: other === true,
  };
  if (problems.length === 0) problems.push(...checkReworkCase(built, p));
  return problems.length ? { case: null, problems } : { case: built, problems };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
