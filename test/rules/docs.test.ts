import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DECORATORS, FACTS, formatProblem, loadRuleDirectory, OPERATORS, ruleSetSchema, type RuleSnapshot } from '../../src/rules-engine';
import { runRuleTests, type RuleTestCaseResult } from '../../src/rules-engine/rule-tests';
import { SHIPPED_RULES } from './support';

/**
 * The shipped rules directory (rules/) and its documentation agree with the engine: every fact,
 * operator and decorator is documented, the committed JSON Schema is the generated one, every
 * rule file names it, the rules load, and the rule tests pass and exercise every rule.
 */

const readme = readFileSync(join(SHIPPED_RULES, 'README.md'), 'utf8');

/** Every rule file of the shipped dir (common/*.json and <payer>/*.json; not tests/), relative. */
function shippedRuleFiles(): string[] {
  const out: string[] = [];
  for (const e of readdirSync(SHIPPED_RULES, { withFileTypes: true })) {
    if (!e.isDirectory() || e.name.startsWith('.')) continue;
    for (const f of readdirSync(join(SHIPPED_RULES, e.name), { withFileTypes: true })) if (f.isFile() && f.name.endsWith('.json')) out.push(`${e.name}/${f.name}`);
  }
  return out.sort();
}

describe('rules/README.md documents the whole vocabulary', () => {
  it('names every fact in backticks', () => {
    expect(FACTS.map((f) => f.name).filter((n) => !readme.includes(`\`${n}\``))).toEqual([]);
  });

  it('names every operator in backticks', () => {
    expect(OPERATORS.map((o) => o.name).filter((n) => !readme.includes(`\`${n}\``))).toEqual([]);
  });

  it('names every operator decorator in backticks', () => {
    expect(DECORATORS.filter((d) => !readme.includes(`\`${d}\``))).toEqual([]);
  });
});

describe('rules/rule-set.schema.json', () => {
  it('is exactly the schema generated from the code (`claimflow rules schema --write`)', () => {
    expect(readFileSync(join(SHIPPED_RULES, 'rule-set.schema.json'), 'utf8')).toBe(`${JSON.stringify(ruleSetSchema(true), null, 2)}\n`);
  });

  it('is named by every shipped rule file, as its first property "$schema": "../rule-set.schema.json"', () => {
    const files = shippedRuleFiles();
    expect(files.length).toBeGreaterThan(0);
    const wrong = files.filter((rel) => {
      const doc = JSON.parse(readFileSync(join(SHIPPED_RULES, rel), 'utf8')) as Record<string, unknown>;
      return Object.keys(doc)[0] !== '$schema' || doc.$schema !== '../rule-set.schema.json';
    });
    expect(wrong).toEqual([]);
  });
});

describe('the shipped rules', () => {
  let snapshot: RuleSnapshot;
  let results: RuleTestCaseResult[];
  beforeAll(async () => {
    const loaded = await loadRuleDirectory(SHIPPED_RULES);
    if (!loaded.ok) throw new Error(`rules/ does not load:\n${loaded.problems.map(formatProblem).join('\n')}`);
    snapshot = loaded.snapshot;
    results = await runRuleTests(snapshot);
  });

  it('load with no problems', async () => {
    const loaded = await loadRuleDirectory(SHIPPED_RULES);
    expect(loaded.ok ? [] : loaded.problems.map(formatProblem)).toEqual([]);
    expect(snapshot.ruleSets.size).toBeGreaterThan(0);
  });

  it('pass every rule test case', () => {
    expect(results.length).toBeGreaterThan(0);
    expect(results.filter((r) => !r.passed).map((r) => `${r.file} "${r.name}": ${r.error ?? `expected [${r.expected.join(' ')}] got [${r.actual.join(' ')}]`}`)).toEqual([]);
  });

  it('have a rule test for every rule set', () => {
    const tested = new Set(results.map((r) => r.ruleSet));
    expect([...snapshot.ruleSets.keys()].filter((k) => !tested.has(k))).toEqual([]);
  });

  it("have, for every payer's own rule, a passing case of that payer in which it fires, and for every shared rule one in some payer's tests", () => {
    const untested: string[] = [];
    const firedIn = (keys: string[]) => new Set(results.filter((r) => keys.includes(r.ruleSet) && r.passed).flatMap((r) => r.actual.map((k) => k.replace(/@\d+$/, ''))));
    const anywhere = firedIn([...snapshot.ruleSets.keys()]);
    const common = new Set(snapshot.commonRules.map((r) => r.id));
    for (const set of snapshot.ruleSets.values()) {
      const fired = firedIn([set.key]);
      for (const r of set.rules) if (!(common.has(r.id) ? anywhere : fired).has(r.id)) untested.push(`${set.key}: ${r.id}`);
    }
    expect(untested).toEqual([]);
  });
});
