import { join } from 'node:path';
import { Engine, Rule } from 'json-rules-engine';
import { evaluateClaim, fixtureReference, type ClaimReference, type Finding, type RuleSet, type ScrubClaim } from '../../src/rules-engine';
import { FACTS, factValue, prepareClaim } from '../../src/rules-engine/facts';
import { OPERATORS } from '../../src/rules-engine/operators';
import { claim, FIXTURES, loadSet } from './support';

/**
 * Issue item 7: "no evaluation shares mutable engine state; a test runs 200 concurrent scrubs over
 * rules of several priorities and gets exactly the findings of sequential runs."
 *
 * The rules are test/fixtures/rules/layered: priorities 100, 50, 10 and 1, claim- and line-level.
 * Concurrent runs are started two ways: all in the same tick, and staggered by a few microtask
 * turns each (the way requests really overlap: one finishes while others are half-way). Staggering
 * is deterministic — it counts microtask turns, not time.
 */

const N = 200;

/** Resolves after `n` microtask turns. */
async function turns(n: number): Promise<void> {
  for (let k = 0; k < n; k++) await null;
}

/** Claim i of 200, varied so that every rule fires on some claims and not on others. */
function claimNo(i: number): ScrubClaim {
  const codes = ['97530', '97140', '72148', '77067', '99213'];
  const lineCount = 1 + (i % 4);
  return claim({
    id: `C${i}`,
    payer: 'layered',
    patient: { sex: i % 2 ? 'F' : 'M', birthDate: i % 3 === 0 ? '1950-03-02' : '1990-07-15' },
    placeOfService: ['11', '22', '02'][i % 3],
    serviceDateFrom: '2026-03-02',
    submittedDate: i % 5 === 0 ? '2026-05-01' : '2026-03-10',
    priorAuthNumber: i % 7 === 0 ? `PA${i}` : null,
    diagnoses: i % 4 === 0 ? ['M545', 'I10'] : ['R51'],
    lines: Array.from({ length: lineCount }, (_, j) => ({
      code: codes[(i + j) % codes.length],
      units: 1 + ((i * 3 + j) % 4),
      modifiers: (i + j) % 6 === 0 ? ['59'] : (i + j) % 6 === 3 ? ['XU', 'GP'] : [],
      diagnosisPointers: [1],
    })),
  });
}

function referenceFor(c: ScrubClaim, i: number): ClaimReference {
  return fixtureReference(c, {
    ptp: [{ column1: '97530', column2: '97140', modifierIndicator: i % 2 ? '0' : '1' }],
    mue: { '77067': { units: 1, indicator: ((i % 3) + 1) as 1 | 2 | 3 }, '72148': { units: 2, indicator: 1 } },
    history: i % 8 === 0 ? [{ claimRef: `OLD-${i}`, serviceDate: '2026-03-02', code: '77067', modifiers: [], units: 1, sameProvider: true }] : [],
  });
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value as Record<string, unknown>)) deepFreeze(v);
  }
  return value;
}

let set: RuleSet;
let claims: ScrubClaim[];
let refs: ClaimReference[];
let sequential: Finding[][];

beforeAll(async () => {
  set = await loadSet(join(FIXTURES, 'layered'), 'layered');
  claims = Array.from({ length: N }, (_, i) => claimNo(i));
  refs = claims.map((c, i) => referenceFor(c, i));
  sequential = [];
  for (let i = 0; i < N; i++) sequential.push(await evaluateClaim(set, claims[i]!, refs[i]!));
});

describe('200 concurrent scrubs over rules of several priorities', () => {
  it('the workload is meaningful: rules of at least three priorities, claim- and line-level, and every rule fires on some claims but not all', () => {
    expect(new Set(set.rules.map((r) => r.priority)).size).toBeGreaterThanOrEqual(3);
    expect(new Set(set.rules.map((r) => r.level))).toEqual(new Set(['CLAIM', 'LINE']));
    for (const r of set.rules) {
      const firing = sequential.filter((fs) => fs.some((f) => f.ruleId === r.id)).length;
      expect([r.id, firing > 0 && firing < N]).toEqual([r.id, true]);
    }
    expect(sequential.flat().length).toBeGreaterThan(2 * N);
  });

  it('started together (Promise.all), find exactly what sequential runs find, explanations included', async () => {
    const concurrent = await Promise.all(claims.map((c, i) => evaluateClaim(set, c, refs[i]!)));
    expect(concurrent).toEqual(sequential);
  });

  it('started staggered, so runs finish while others are mid-way, find exactly what sequential runs find', async () => {
    const concurrent = await Promise.all(claims.map((c, i) => turns((i * 7) % 97).then(() => evaluateClaim(set, c, refs[i]!))));
    expect(concurrent).toEqual(sequential);
  });

  it('write nothing to the shared rule set, claims or reference data (all deep-frozen while 200 runs overlap)', async () => {
    // A frozen copy: an engine that wrote results onto shared rule or condition objects would throw here.
    const frozenSet = deepFreeze(structuredClone({ ...set, lists: { ...set.lists } })) as RuleSet;
    const frozenClaims = claims.map((c) => deepFreeze(structuredClone(c)));
    const frozenRefs = refs.map((r) => deepFreeze(structuredClone(r)));
    const concurrent = await Promise.all(frozenClaims.map((c, i) => turns(i % 50).then(() => evaluateClaim(frozenSet, c, frozenRefs[i]!))));
    expect(concurrent).toEqual(sequential);
  });
});

describe('control: why every run gets its own Engine', () => {
  /**
   * One json-rules-engine Engine holding the same claim-level rules, shared by every run (facts
   * passed per run). The engine keeps its run status on itself: when one run finishes it marks the
   * engine FINISHED, and a run still in progress skips its remaining priority sets silently.
   */
  function sharedEngine(rules: RuleSet['rules']): Engine {
    const engine = new Engine([], { allowUndefinedFacts: false });
    for (const op of OPERATORS) if (op.custom) engine.addOperator(op.name, op.custom as (a: unknown, b: unknown) => boolean);
    for (const r of rules) engine.addRule(new Rule({ name: r.id, priority: r.priority, conditions: r.conditions as never, event: { type: r.id } }));
    return engine;
  }

  async function runShared(engine: Engine, i: number): Promise<string[]> {
    const prepared = prepareClaim(claims[i]!, refs[i]!, set.lists);
    const facts = Object.fromEntries(FACTS.filter((f) => f.level === 'CLAIM').map((f) => [f.name, (params: Record<string, unknown>) => factValue(prepared, f.name, params, null)]));
    const { results } = await engine.run(facts);
    return results.map((r) => String(r.name)).sort();
  }

  const claimLevelIds = (findings: Finding[]) => findings.filter((f) => f.line === null).map((f) => f.ruleId).sort();

  it('run one at a time, a shared Engine agrees with evaluateClaim (so the comparison below is fair)', async () => {
    const engine = sharedEngine(set.rules.filter((r) => r.level === 'CLAIM'));
    for (let i = 0; i < N; i++) expect([i, await runShared(engine, i)]).toEqual([i, claimLevelIds(sequential[i]!)]);
  });

  it('run concurrently, a shared Engine silently loses findings', async () => {
    const engine = sharedEngine(set.rules.filter((r) => r.level === 'CLAIM'));
    const concurrent = await Promise.all(claims.map((_, i) => turns((i * 7) % 97).then(() => runShared(engine, i))));
    const expected = sequential.map(claimLevelIds);
    const lost = concurrent.map((got, i) => expected[i]!.filter((id) => !got.includes(id)));
    // Never an extra finding, only missing ones…
    concurrent.forEach((got, i) => expect(got.every((id) => expected[i]!.includes(id))).toBe(true));
    // …and they are missing: some claims come back without rules that match them.
    expect(lost.filter((l) => l.length > 0).length).toBeGreaterThan(0);
  });
});
