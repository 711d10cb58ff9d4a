import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  APPEAL_DOCUMENTS,
  CORRECTION_FIELDS,
  evaluateDenial,
  formatProblem,
  loadRuleDirectory,
  REWORK_ACTIONS,
  REWORK_FACTS,
  type LoadResult,
  type ReworkCase,
  type RuleProblem,
  type RuleSnapshot,
} from '../../src/rules-engine';
import { adviceKeys, parseReworkCase } from '../../src/rules-engine/rework-tests';
import { runRuleTests, type RuleTestCaseResult } from '../../src/rules-engine/rule-tests';
import { payerManifest, removeTempDirs, rule, ruleDir, ruleFile, SHIPPED_RULES } from '../rules/support';

/**
 * Rework rules (rules/rework/*.json, "kind": "rework"): the same rule format and the same loader
 * and checks as payer rules, over the rework facts of a denial; each rule recommends actions
 * (CORRECT_AND_RESUBMIT naming fields, APPEAL naming documents, …) and/or forbids actions that
 * cannot succeed. No database: rules and denials are plain data.
 */

afterAll(removeTempDirs);

const readme = readFileSync(join(SHIPPED_RULES, 'README.md'), 'utf8');

function refused(result: LoadResult): RuleProblem[] {
  expect(result.ok).toBe(false);
  return (result as { problems: RuleProblem[] }).problems;
}

/** A valid rework rule; override what the test is about. */
function reworkRule(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 'RW-T-001',
    description: 'a test rework rule',
    message: 'CARC {{denial.carc}}',
    conditions: { all: [{ fact: 'denial.carc', operator: 'equal', value: '16' }] },
    actions: [{ action: 'CORRECT_AND_RESUBMIT', fields: ['diagnoses'] }],
    ...overrides,
  };
}

/** A rule dir with one payer (tp) and the given rework files. */
function reworkDir(files: Record<string, unknown>): string {
  return ruleDir({ 'tp/payer.json': payerManifest('tp'), 'tp/coverage.json': ruleFile('coverage', [rule()]), ...files });
}

const reworkFile = (rules: unknown[]) => ({ kind: 'rework', description: 'test rework rules', rules });

/** A denial through the same parser the rule tests use. */
function denialCase(c: Record<string, unknown>): ReworkCase {
  const parsed = parseReworkCase({ claim: { serviceDateFrom: '2026-03-02', diagnoses: ['I10'], lines: [{ code: '99213' }] }, ...c }, 'case');
  if (!parsed.case) throw new Error(parsed.problems.join('; '));
  return parsed.case;
}

describe('the shipped rework rules (rules/rework)', () => {
  let snapshot: RuleSnapshot;
  let results: RuleTestCaseResult[];
  beforeAll(async () => {
    const loaded = await loadRuleDirectory(SHIPPED_RULES);
    if (!loaded.ok) throw new Error(loaded.problems.map(formatProblem).join('\n'));
    snapshot = loaded.snapshot;
    results = (await runRuleTests(snapshot, { only: 'rework' })).filter((r) => r.ruleSet === 'rework');
  });

  it('load with the payer rules, every id unique and starting RW-', () => {
    expect(snapshot.rework.rules.length).toBeGreaterThanOrEqual(20);
    expect(snapshot.rework.rules.filter((r) => !r.id.startsWith('RW-'))).toEqual([]);
    expect(snapshot.rework.files.every((f) => f.startsWith('rework/'))).toBe(true);
  });

  it('pass every rework rule test case', () => {
    expect(results.length).toBeGreaterThanOrEqual(30);
    expect(results.filter((r) => !r.passed).map((r) => `${r.file} "${r.name}": ${r.error ?? `expected [${r.expected.join(' ')}] got [${r.actual.join(' ')}]`}`)).toEqual([]);
  });

  it('have, for every rule, a passing case in which each of its recommendations and each of its forbids shows', () => {
    const shown = new Set(results.filter((r) => r.passed).flatMap((r) => r.actual.map((k) => k.replace(/^!/, 'forbid:'))));
    const missing: string[] = [];
    for (const r of snapshot.rework.rules) {
      for (const a of r.actions) if (!shown.has(`${r.id}:${a.action}`)) missing.push(`${r.id}:${a.action}`);
      for (const f of r.forbids) if (!shown.has(`forbid:${r.id}:${f}`)) missing.push(`${r.id} forbids ${f}`);
    }
    expect(missing).toEqual([]);
  });

  it('cover the denials the issue names', () => {
    const ids = new Set(snapshot.rework.rules.map((r) => r.id));
    for (const id of ['RW-CO16-DX', 'RW-CO16-MA130', 'RW-BUN-001', 'RW-BUN-002', 'RW-MN-001', 'RW-MN-002', 'RW-AUTH-001', 'RW-TF-001', 'RW-CO18-001', 'RW-PR-001', 'RW-ELIG-001', 'RW-TF-003', 'RW-APL-001']) expect(ids).toContain(id);
  });

  it('do not change any payer rule-set version (a rework edit never forces claims to be scrubbed again)', async () => {
    const without = ruleDir({});
    const { cpSync, rmSync } = await import('node:fs');
    cpSync(SHIPPED_RULES, without, { recursive: true });
    rmSync(join(without, 'rework'), { recursive: true });
    const other = await loadRuleDirectory(without);
    if (!other.ok) throw new Error('copy does not load');
    for (const [key, set] of snapshot.ruleSets) expect(other.snapshot.ruleSets.get(key)!.version).toBe(set.version);
    expect(other.snapshot.rework.rules).toEqual([]);
    expect(other.snapshot.version).not.toBe(snapshot.version);
  });
});

describe('rules/README.md documents the rework vocabulary', () => {
  it('names every rework fact, action, correction field and appeal document in backticks', () => {
    const names = [...REWORK_FACTS.map((f) => f.name), ...REWORK_ACTIONS, ...CORRECTION_FIELDS, ...APPEAL_DOCUMENTS];
    expect(names.filter((n) => !readme.includes(`\`${n}\``))).toEqual([]);
  });

  it('lists every shipped rework rule', async () => {
    const loaded = await loadRuleDirectory(SHIPPED_RULES);
    if (!loaded.ok) throw new Error('rules do not load');
    expect(loaded.snapshot.rework.rules.map((r) => r.id).filter((id) => !readme.includes(`\`${id}\``))).toEqual([]);
  });
});

describe('loading rework rules: the same checks as payer rules, over the rework facts', () => {
  it('loads a valid rework file beside the payer rules', async () => {
    const result = await loadRuleDirectory(reworkDir({ 'rework/coding.json': reworkFile([reworkRule()]) }));
    if (!result.ok) throw new Error(result.problems.map(formatProblem).join('\n'));
    expect(result.snapshot.rework.rules.map((r) => [r.id, r.actions.map((a) => a.action), r.forbids, r.facts])).toEqual([['RW-T-001', ['CORRECT_AND_RESUBMIT'], [], ['denial.carc']]]);
    expect(result.snapshot.rework.files).toEqual(['rework/coding.json']);
    expect(result.snapshot.ruleSets.get('tp')!.rules.map((r) => r.id)).toEqual(['TEST-R-001']);
  });

  it('refuses a payer fact in a rework rule and a rework fact in a payer rule, with suggestions and pointers', async () => {
    const problems = refused(
      await loadRuleDirectory(
        ruleDir({
          'tp/payer.json': payerManifest('tp'),
          'tp/coverage.json': ruleFile('coverage', [rule({ conditions: { all: [{ fact: 'denial.carc', operator: 'equal', value: '16' }] } })]),
          'rework/r.json': reworkFile([reworkRule({ conditions: { all: [{ fact: 'line.code', operator: 'equal', value: '99213' }, { fact: 'denial.rarcz', operator: 'contains', value: 'M76' }] } })]),
        }),
      ),
    );
    expect(problems.map((p) => [p.file, p.pointer, p.message])).toEqual([
      ['rework/r.json', '/rules/0/conditions/all/0/fact', 'unknown fact "line.code"'],
      ['rework/r.json', '/rules/0/conditions/all/1/fact', 'unknown fact "denial.rarcz" (did you mean "denial.rarcs"?)'],
      ['tp/coverage.json', '/rules/0/conditions/all/0/fact', expect.stringMatching(/^unknown fact "denial.carc"/)],
    ]);
    for (const p of problems) expect(p.line).toEqual(expect.any(Number));
  });

  it('checks operators against the rework fact types and message placeholders against the rework facts', async () => {
    const problems = refused(
      await loadRuleDirectory(
        reworkDir({
          'rework/r.json': reworkFile([reworkRule({ message: 'late by {{denial.daysLate}}', conditions: { all: [{ fact: 'denial.rarcs', operator: 'greaterThan', value: 1 }] } })]),
        }),
      ),
    );
    expect(problems.map((p) => [p.pointer, p.message])).toEqual([
      ['/rules/0/message', expect.stringMatching(/^message names unknown fact \{\{denial.daysLate\}\}/)],
      ['/rules/0/conditions/all/0/operator', 'operator "greaterThan" does not apply to denial.rarcs (a string[]); it takes number'],
    ]);
  });

  it('refuses fields outside CORRECT_AND_RESUBMIT, documents outside APPEAL, a recommendation without what it names, an action both recommended and forbidden, and a rule that does nothing', async () => {
    const problems = refused(
      await loadRuleDirectory(
        reworkDir({
          'rework/a.json': reworkFile([
            reworkRule({ id: 'RW-T-001', actions: [{ action: 'APPEAL', documents: ['ABN'], fields: ['diagnoses'] }] }),
            reworkRule({ id: 'RW-T-002', actions: [{ action: 'WRITE_OFF', documents: ['ABN'] }] }),
            reworkRule({ id: 'RW-T-003', actions: [{ action: 'WRITE_OFF' }], forbids: ['WRITE_OFF'] }),
          ]),
          'rework/b.json': reworkFile([reworkRule({ id: 'RW-T-004', actions: [{ action: 'APPEAL' }] })]),
          'rework/c.json': reworkFile([reworkRule({ id: 'RW-T-005', actions: [], forbids: [] })]),
        }),
      ),
    );
    expect(problems.map((p) => [p.file, p.pointer, p.message])).toEqual([
      ['rework/a.json', '/rules/0/actions/0/fields', 'only CORRECT_AND_RESUBMIT names fields to fix; APPEAL does not'],
      ['rework/a.json', '/rules/1/actions/0/documents', 'only APPEAL names documents to attach; WRITE_OFF does not'],
      ['rework/a.json', '/rules/2/forbids/0', 'the rule both recommends and forbids WRITE_OFF'],
      ['rework/b.json', '/rules/0/actions/0', 'missing required property "documents"'],
      ['rework/c.json', '/rules/0/actions', 'must NOT have fewer than 1 items'],
      ['rework/c.json', '/rules/0/forbids', 'must NOT have fewer than 1 items'],
    ]);
  });

  it('refuses unknown actions, fields and documents by the schema, and a file of another kind in rules/rework', async () => {
    const problems = refused(
      await loadRuleDirectory(
        reworkDir({
          'rework/a.json': reworkFile([reworkRule({ actions: [{ action: 'CORRECT_AND_RESUBMIT', fields: ['diagnosis'] }], forbids: ['APPEALL'] })]),
          'rework/b.json': ruleFile('common', [rule({ id: 'RW-T-009' })]),
        }),
      ),
    );
    expect(problems.map((p) => [p.file, p.pointer])).toEqual([
      ['rework/a.json', '/rules/0/actions/0/fields/0'],
      ['rework/a.json', '/rules/0/forbids/0'],
      ['rework/b.json', '/kind'],
    ]);
    expect(problems[2]!.message).toBe('must be "rework" in rules/rework/');
  });

  it('refuses a rework rule id already used by a payer rule, and one bad rework file leaves no rule set loaded', async () => {
    const problems = refused(await loadRuleDirectory(reworkDir({ 'rework/a.json': reworkFile([reworkRule({ id: 'TEST-R-001' })]) })));
    expect(problems.map((p) => p.message)).toEqual([expect.stringMatching(/^duplicate rule id TEST-R-001 \(also in /)]);
  });
});

describe('evaluating rework rules', () => {
  const dir = () =>
    reworkDir({
      'rework/r.json': reworkFile([
        reworkRule({ id: 'RW-T-LOW', priority: 10, actions: [{ action: 'APPEAL', documents: ['MEDICAL_RECORDS'] }, { action: 'WRITE_OFF', note: 'after {{denial.daysSinceDenied}} days' }] }),
        reworkRule({ id: 'RW-T-HIGH', priority: 50, actions: [{ action: 'CORRECT_AND_RESUBMIT', fields: ['diagnoses', 'diagnosisPointers'] }] }),
        reworkRule({ id: 'RW-T-NOAPPEAL', priority: 90, message: 'no appeal: {{denial.rarcs}}', conditions: { all: [{ fact: 'denial.rarcs', operator: 'contains', value: 'N211' }] }, actions: undefined, forbids: ['APPEAL'] }),
        reworkRule({ id: 'RW-T-2025', effectiveTo: '2025-12-31', actions: [{ action: 'CLOSE' }] }),
      ]),
    });

  it('orders recommendations by rule priority, keeps each rule\'s order, fills placeholders and explains', async () => {
    const loaded = await loadRuleDirectory(dir());
    if (!loaded.ok) throw new Error(loaded.problems.map(formatProblem).join('\n'));
    const advice = await evaluateDenial(loaded.snapshot.rework, denialCase({ today: '2026-04-20', denial: { carc: '16', rarcs: ['M76'], deniedOn: '2026-04-01' } }));
    expect(adviceKeys(advice)).toEqual(['RW-T-HIGH:CORRECT_AND_RESUBMIT', 'RW-T-LOW:APPEAL', 'RW-T-LOW:WRITE_OFF']);
    expect(advice.recommendations[2]!.note).toBe('after 19 days');
    expect(advice.recommendations[0]!.message).toBe('CARC 16');
    expect(advice.recommendations[0]!.explanation).toEqual({ all: [{ fact: 'denial.carc', operator: 'equal', value: '16', factValue: '16', result: true }], result: true });
    expect(advice.firedRuleIds).toEqual(['RW-T-HIGH', 'RW-T-LOW']);
  });

  it('drops a recommendation that another fired rule forbids, and reports the forbid with its rule', async () => {
    const loaded = await loadRuleDirectory(dir());
    if (!loaded.ok) throw new Error('does not load');
    const advice = await evaluateDenial(loaded.snapshot.rework, denialCase({ denial: { carc: '16', rarcs: ['N211'], deniedOn: '2026-04-01' } }));
    expect(adviceKeys(advice)).toEqual(['RW-T-HIGH:CORRECT_AND_RESUBMIT', 'RW-T-LOW:WRITE_OFF', '!RW-T-NOAPPEAL:APPEAL']);
    expect(advice.forbidden[0]!.message).toBe('no appeal: N211');
  });

  it('applies a rule only to denials dated within its effective dates', async () => {
    const loaded = await loadRuleDirectory(dir());
    if (!loaded.ok) throw new Error('does not load');
    const old = await evaluateDenial(loaded.snapshot.rework, denialCase({ denial: { carc: '16', deniedOn: '2025-12-31' }, claim: { serviceDateFrom: '2025-12-01', lines: [{ code: '99213' }] } }));
    expect(old.recommendations.map((r) => r.ruleId)).toContain('RW-T-2025');
    const current = await evaluateDenial(loaded.snapshot.rework, denialCase({ denial: { carc: '16', deniedOn: '2026-01-01' } }));
    expect(current.recommendations.map((r) => r.ruleId)).not.toContain('RW-T-2025');
  });

  it('gives 200 concurrent evaluations exactly the advice of sequential ones (an Engine per run)', async () => {
    const loaded = await loadRuleDirectory(SHIPPED_RULES);
    if (!loaded.ok) throw new Error('does not load');
    const carcs: [string, string[]][] = [['16', ['M76']], ['29', ['N211']], ['50', []], ['97', []], ['197', []], ['27', []], ['18', []], ['16', ['MA130', 'M51']]];
    const cases = Array.from({ length: 200 }, (_, i) => {
      const [carc, rarcs] = carcs[i % carcs.length]!;
      return denialCase({ today: i % 3 === 0 ? '2026-09-01' : '2026-04-10', denial: { carc, rarcs, lineNumber: 1, deniedOn: '2026-04-01', appealDeadline: '2026-08-01' }, payer: { timelyFilingDays: 90 }, otherCoverageActive: i % 2 === 0 });
    });
    const sequential: string[][] = [];
    for (const c of cases) sequential.push(adviceKeys(await evaluateDenial(loaded.snapshot.rework, c)));
    const concurrent = (await Promise.all(cases.map((c) => evaluateDenial(loaded.snapshot.rework, c)))).map(adviceKeys);
    expect(concurrent).toEqual(sequential);
    expect(new Set(sequential.map((s) => s.join(' '))).size).toBeGreaterThan(8);
  });
});

describe('rework rule tests (claimflow rules test)', () => {
  it('fail a case whose expectation is wrong, showing expected and actual', async () => {
    const d = reworkDir({
      'rework/r.json': reworkFile([reworkRule()]),
      'rework/tests/r.json': {
        description: 'd',
        cases: [
          { name: 'right', denial: { carc: '16' }, claim: { serviceDateFrom: '2026-03-02', lines: [{ code: '99213' }] }, expect: { recommend: ['RW-T-001:CORRECT_AND_RESUBMIT'] } },
          { name: 'wrong', denial: { carc: '16' }, claim: { serviceDateFrom: '2026-03-02', lines: [{ code: '99213' }] }, expect: { recommend: [], forbid: ['RW-T-001:APPEAL'] } },
          { name: 'bad case', denial: {}, claim: {}, expect: { recommend: [] } },
        ],
      },
    });
    const loaded = await loadRuleDirectory(d);
    if (!loaded.ok) throw new Error('does not load');
    const results = (await runRuleTests(loaded.snapshot)).filter((r) => r.ruleSet === 'rework');
    expect(results.map((r) => [r.name, r.passed, r.expected, r.actual])).toEqual([
      ['right', true, ['RW-T-001:CORRECT_AND_RESUBMIT'], ['RW-T-001:CORRECT_AND_RESUBMIT']],
      ['wrong', false, ['!RW-T-001:APPEAL'], ['RW-T-001:CORRECT_AND_RESUBMIT']],
      ['bad case', false, [], []],
    ]);
    expect(results[2]!.error).toContain('cases[2].claim.serviceDateFrom is required');
    expect(results[2]!.error).toContain('cases[2].denial.carc is required');
  });
});
