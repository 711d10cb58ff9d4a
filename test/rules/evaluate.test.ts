import { evaluateClaim, explanationLines, fixtureReference, type Finding, type FixtureReference, type RuleSet, type ScrubClaim } from '../../src/rules-engine';
import { claim, loadSet, payerManifest, removeTempDirs, rule, ruleDir, ruleFile, singlePayerDir, type ClaimInput } from './support';

/**
 * Evaluation semantics, on small rule sets written for each behaviour and claims built through
 * the real input parser. Reference data comes from fixtureReference: everything "loaded and
 * unremarkable" unless the test says otherwise.
 */

afterAll(removeTempDirs);

async function scrub(set: RuleSet, c: ScrubClaim, ref: FixtureReference = {}): Promise<Finding[]> {
  return evaluateClaim(set, c, fixtureReference(c, ref));
}

/** "RULE-ID" or "RULE-ID@line", in the order findings come back. */
const keys = (findings: Finding[]) => findings.map((f) => (f.line === null ? f.ruleId : `${f.ruleId}@${f.line}`));

const lineRule = (id: string, conditions: unknown, extra: Record<string, unknown> = {}) => rule({ id, level: 'LINE', conditions, ...extra });
const claimRule = (id: string, conditions: unknown, extra: Record<string, unknown> = {}) => rule({ id, level: 'CLAIM', conditions, ...extra });
const fact = (name: string, operator: string, value: unknown, params?: Record<string, unknown>) => ({ fact: name, operator, value, ...(params ? { params } : {}) });

/** A line-level rule that fires on every line and shows facts through its message: a probe. */
const probe = (message: string) => lineRule('PROBE-L-001', { all: [fact('line.number', 'greaterThan', 0)] }, { severity: 'WARNING', message });
const probeMessages = async (set: RuleSet, c: ScrubClaim, ref: FixtureReference = {}) => (await scrub(set, c, ref)).filter((f) => f.ruleId === 'PROBE-L-001').map((f) => f.message);

describe('claim-level and line-level rules', () => {
  let set: RuleSet;
  beforeAll(async () => {
    set = await loadSet(
      singlePayerDir([
        claimRule('T-CLM-001', { all: [fact('claim.lineCount', 'greaterThan', 1)] }, { message: '{{claim.lineCount}} lines', severity: 'WARNING' }),
        lineRule('T-LIN-001', { all: [fact('line.units', 'greaterThan', 1)] }, { message: 'line {{line.number}}: {{line.units}} units', carc: '151', rarc: ['N362'], category: 'MUE' }),
      ]),
    );
  });

  it('runs a claim-level rule once per claim (line null) and a line-level rule once per line (1-based line numbers)', async () => {
    const findings = await scrub(set, claim({ lines: [{ units: 1 }, { units: 3 }, { units: 2 }] }));
    expect(findings.map((f) => [f.ruleId, f.line, f.message])).toEqual([
      ['T-LIN-001', 2, 'line 2: 3 units'],
      ['T-LIN-001', 3, 'line 3: 2 units'],
      ['T-CLM-001', null, '3 lines'],
    ]);
  });

  it('orders findings: ERRORs first, then claim-level before line-level, then by line and rule id', async () => {
    const findings = await scrub(set, claim({ lines: [{ units: 5 }, { units: 1 }, { units: 5 }] }));
    expect(keys(findings)).toEqual(['T-LIN-001@1', 'T-LIN-001@3', 'T-CLM-001']);
  });

  it('finds nothing on a claim no rule matches', async () => {
    expect(await scrub(set, claim())).toEqual([]);
  });

  it('fills every field of a finding from the rule, the rule set and the reference releases', async () => {
    const [finding] = await scrub(set, claim({ lines: [{ units: 2 }] }));
    expect(finding).toMatchObject({
      ruleId: 'T-LIN-001',
      ruleSetKey: 'tp',
      ruleSetVersion: set.version,
      severity: 'ERROR',
      category: 'MUE',
      carc: '151',
      rarc: ['N362'],
      line: 1,
      message: 'line 1: 2 units',
      fixHint: null,
      // line.units and line.number read no reference data.
      referenceReleases: [],
    });
  });

  it('names the reference releases of the families the rule read', async () => {
    const mueSet = await loadSet(singlePayerDir([lineRule('T-MUE-001', { all: [fact('line.mueExceeded', 'equal', true)] })]));
    const [finding] = await scrub(mueSet, claim({ lines: [{ units: 3 }] }), { mue: { '99213': { units: 1, indicator: 1 } } });
    expect(finding!.referenceReleases).toEqual(['fixture-mue']);
  });
});

describe('message templates render the values the rule saw', () => {
  it('fills line facts, lists (joined, "none" when empty) and facts the conditions did not use', async () => {
    const set = await loadSet(
      singlePayerDir([
        lineRule('T-MSG-001', { all: [fact('line.units', 'greaterThan', 2)] }, {
          message: '{{line.code}} x{{line.units}} with [{{line.modifiers}}] at POS {{claim.placeOfService}}; prior auth {{claim.priorAuthNumber}}; invalid pointers {{line.invalidPointers}}',
          fixHint: 'Check {{line.code}} on {{line.serviceDate}}.',
        }),
      ]),
    );
    const [f] = await scrub(set, claim({ lines: [{ code: '97110', units: 3, modifiers: ['GP', '59'], diagnosisPointers: [1] }] }));
    expect(f!.message).toBe('97110 x3 with [GP, 59] at POS 11; prior auth none; invalid pointers none');
    expect(f!.fixHint).toBe('Check 97110 on 2026-03-02.');
  });

  it('renders {{filing.deadline}} with the params of the filing.limitExceeded condition it borrows them from', async () => {
    const set = await loadSet(
      singlePayerDir([
        claimRule('T-FIL-012', { all: [fact('filing.limitExceeded', 'equal', true, { months: 12 })] }, { category: 'FILING', message: 'Filed {{submission.date}}, deadline {{filing.deadline}}.' }),
        claimRule('T-FIL-090', { all: [fact('filing.limitExceeded', 'equal', true, { days: 90 })] }, { category: 'FILING', message: 'Filed {{submission.date}}, deadline {{filing.deadline}}.' }),
      ]),
    );
    const findings = await scrub(set, claim({ serviceDateFrom: '2025-03-02', submittedDate: '2026-03-03' }));
    expect(findings.map((f) => [f.ruleId, f.message])).toEqual([
      ['T-FIL-012', 'Filed 2026-03-03, deadline 2026-03-02.'],
      ['T-FIL-090', 'Filed 2026-03-03, deadline 2025-05-31.'],
    ]);
  });

  it('renders a fact with params with the value the condition saw, not a default', async () => {
    const set = await loadSet(
      singlePayerDir([claimRule('T-FIL-001', { all: [fact('filing.deadline', 'dateBefore', { fact: 'submission.date' }, { days: 30 })] }, { message: 'deadline {{filing.deadline}}' })]),
    );
    const [f] = await scrub(set, claim({ serviceDateFrom: '2026-01-01', submittedDate: '2026-03-01' }));
    expect(f!.message).toBe('deadline 2026-01-31');
  });
});

describe('explanations', () => {
  let set: RuleSet;
  beforeAll(async () => {
    set = await loadSet(
      singlePayerDir(
        [
          lineRule('T-EXP-ALL', { all: [fact('line.units', 'greaterThan', 2), fact('line.code', 'in', { fact: 'payerList', params: { name: 'therapy' } })] }),
          lineRule('T-EXP-ANY', { any: [{ ...fact('line.units', 'greaterThan', 2), priority: 5 }, fact('line.code', 'equal', '00000')] }),
          lineRule('T-EXP-NOT', { not: fact('line.modifiers', 'contains', '59') }),
          claimRule('T-EXP-PRM', { all: [fact('filing.limitExceeded', 'equal', false, { months: 12 })] }),
        ],
        { lists: { therapy: ['97110', '97112'] } },
      ),
    );
  });
  const explained = async (id: string) => (await scrub(set, claim({ lines: [{ code: '97110', units: 3, modifiers: ['GP'] }] }))).find((f) => f.ruleId === id)!;

  it('carries each condition with the fact value it saw, the resolved value of a fact reference, and each result', async () => {
    expect((await explained('T-EXP-ALL')).explanation).toEqual({
      all: [
        { fact: 'line.units', operator: 'greaterThan', value: 2, factValue: 3, result: true },
        { fact: 'line.code', operator: 'in', value: { fact: 'payerList', params: { name: 'therapy' } }, resolvedValue: ['97110', '97112'], factValue: '97110', result: true },
      ],
      result: true,
    });
  });

  it('prints one line per condition: mark, fact(params), operator, value, and what the fact was', async () => {
    expect(explanationLines((await explained('T-EXP-ALL')).explanation)).toEqual([
      '✓ all of:',
      '  ✓ line.units greaterThan 2 — was 3',
      '  ✓ line.code in {"fact":"payerList","params":{"name":"therapy"}} = ["97110","97112"] — was "97110"',
    ]);
    expect(explanationLines((await explained('T-EXP-NOT')).explanation)).toEqual(['✓ not:', '  ✗ line.modifiers contains "59" — was ["GP"]']);
    expect(explanationLines((await explained('T-EXP-PRM')).explanation)).toEqual(['✓ all of:', '  ✓ filing.limitExceeded(months=12) equal false — was false']);
  });

  it('marks a condition an "any" never reached as not evaluated (no fact value is invented)', async () => {
    const e = (await explained('T-EXP-ANY')).explanation;
    expect(explanationLines(e)).toEqual(['✓ any of:', '  ✓ line.units greaterThan 2 — was 3', '  · line.code equal "00000" — not evaluated']);
    expect('any' in e && e.any[1]).not.toHaveProperty('factValue');
  });
});

describe('rule priorities', () => {
  it('orders evaluation without dropping rules: every matching rule of every priority fires, claim- and line-level', async () => {
    const priorities = [1, 2, 10, 50, 100];
    const set = await loadSet(
      singlePayerDir([
        ...priorities.map((p) => claimRule(`T-PC-${String(p).padStart(3, '0')}`, { all: [fact('claim.lineCount', 'greaterThan', 0)] }, { priority: p })),
        ...priorities.map((p) => lineRule(`T-PL-${String(p).padStart(3, '0')}`, { all: [fact('line.units', 'greaterThan', 0)] }, { priority: p })),
        // A failing rule at the top priority does not stop the rest.
        claimRule('T-PC-FAIL', { all: [fact('claim.lineCount', 'greaterThan', 99)] }, { priority: 100 }),
      ]),
    );
    const findings = await scrub(set, claim({ lines: [{}, {}] }));
    expect(keys(findings).sort()).toEqual(
      [...priorities.map((p) => `T-PC-${String(p).padStart(3, '0')}`), ...priorities.flatMap((p) => [1, 2].map((l) => `T-PL-${String(p).padStart(3, '0')}@${l}`))].sort(),
    );
  });
});

describe('effective dates', () => {
  it('applies a rule from its effectiveFrom through its effectiveTo, both inclusive, by the first date of service', async () => {
    const set = await loadSet(singlePayerDir([claimRule('T-EFF-001', { all: [fact('claim.lineCount', 'greaterThan', 0)] }, { effectiveFrom: '2026-01-01', effectiveTo: '2026-06-30' })]));
    const fires = async (from: string) => (await scrub(set, claim({ serviceDateFrom: from, submittedDate: '2026-07-15' }))).length === 1;
    expect(await fires('2025-12-31')).toBe(false);
    expect(await fires('2026-01-01')).toBe(true);
    expect(await fires('2026-06-30')).toBe(true);
    expect(await fires('2026-07-01')).toBe(false);
  });

  it("gives a file's effectiveFrom to its rules, unless a rule has its own", async () => {
    const dir = ruleDir({
      'tp/payer.json': payerManifest('tp'),
      'tp/coverage.json': ruleFile(
        'coverage',
        [
          claimRule('T-FEF-001', { all: [fact('claim.lineCount', 'greaterThan', 0)] }),
          claimRule('T-FEF-002', { all: [fact('claim.lineCount', 'greaterThan', 0)] }, { effectiveFrom: '2025-01-01' }),
        ],
        { effectiveFrom: '2026-01-01' },
      ),
    });
    const set = await loadSet(dir);
    expect(keys(await scrub(set, claim({ serviceDateFrom: '2025-06-01', submittedDate: '2025-06-02' })))).toEqual(['T-FEF-002']);
    expect(keys(await scrub(set, claim({ serviceDateFrom: '2026-01-01', submittedDate: '2026-01-02' })))).toEqual(['T-FEF-001', 'T-FEF-002']);
  });

  // Regression: `r.effectiveTo ?? f.doc.effectiveTo` treated a rule's explicit "effectiveTo": null
  // (open-ended, which the schema allows) as absent, so the rule inherited its file's end date.
  it("keeps a rule with its own \"effectiveTo\": null in force after its file's end date", async () => {
    const dir = ruleDir({
      'tp/payer.json': payerManifest('tp'),
      'tp/coverage.json': ruleFile(
        'coverage',
        [
          claimRule('T-FET-001', { all: [fact('claim.lineCount', 'greaterThan', 0)] }),
          claimRule('T-FET-002', { all: [fact('claim.lineCount', 'greaterThan', 0)] }, { effectiveTo: null }),
        ],
        { effectiveTo: '2025-12-31' },
      ),
    });
    const set = await loadSet(dir);
    expect(keys(await scrub(set, claim({ serviceDateFrom: '2025-12-31', submittedDate: '2026-01-02' })))).toEqual(['T-FET-001', 'T-FET-002']);
    expect(keys(await scrub(set, claim({ serviceDateFrom: '2026-01-01', submittedDate: '2026-01-02' })))).toEqual(['T-FET-002']);
  });

  it("applies no rule at all (shared ones included) outside the payer's own effective dates", async () => {
    const dir = ruleDir({
      'common/shared.json': ruleFile('common', [claimRule('COMMON-E-001', { all: [fact('claim.lineCount', 'greaterThan', 0)] })]),
      'tp/payer.json': payerManifest('tp', { effectiveFrom: '2026-01-01', effectiveTo: '2026-12-31', common: { include: ['*'] } }),
      'tp/coverage.json': ruleFile('coverage', [claimRule('T-PEF-001', { all: [fact('claim.lineCount', 'greaterThan', 0)] })]),
    });
    const set = await loadSet(dir);
    expect(keys(await scrub(set, claim({ serviceDateFrom: '2025-12-31', submittedDate: '2026-01-02' })))).toEqual([]);
    expect(keys(await scrub(set, claim({ serviceDateFrom: '2026-01-01', submittedDate: '2026-01-02' })))).toEqual(['COMMON-E-001', 'T-PEF-001']);
    expect(keys(await scrub(set, claim({ serviceDateFrom: '2027-01-01', submittedDate: '2027-01-02' })))).toEqual([]);
  });
});

describe('payer lists and operator decorators', () => {
  let set: RuleSet;
  beforeAll(async () => {
    set = await loadSet(
      singlePayerDir(
        [
          lineRule('T-LST-IN', { all: [fact('line.code', 'in', { fact: 'payerList', params: { name: 'auth-codes' } })] }),
          lineRule('T-LST-NOTIN', { all: [fact('line.code', 'not:in', { fact: 'payerList', params: { name: 'auth-codes' } })] }),
          lineRule('T-DEC-SOME', { all: [fact('line.modifiers', 'someFact:in', ['59', 'XS', 'XU'])] }),
          lineRule('T-DEC-EVERY', { all: [fact('line.modifiers', 'everyFact:in', ['RT', 'LT']), fact('line.modifiers', 'isEmpty', false)] }),
          lineRule('T-DEC-NOTCONT', { all: [fact('line.modifiers', 'not:contains', 'GP')] }),
        ],
        { lists: { 'auth-codes': ['70551', '72148'] } },
      ),
    );
  });

  it('compares with a payer list as the value ("in" and "not:in")', async () => {
    const findings = await scrub(set, claim({ lines: [{ code: '72148', modifiers: ['GP'] }, { code: '99213', modifiers: ['GP'] }] }));
    expect(keys(findings).filter((k) => k.startsWith('T-LST'))).toEqual(['T-LST-IN@1', 'T-LST-NOTIN@2']);
  });

  it('applies someFact / everyFact to each element of a list fact, and not: negates', async () => {
    const run = async (modifiers: string[]) => keys(await scrub(set, claim({ lines: [{ code: '72148', modifiers }] }))).filter((k) => k.startsWith('T-DEC'));
    expect(await run(['GP'])).toEqual([]);
    expect(await run(['GP', 'XU'])).toEqual(['T-DEC-SOME@1']);
    expect(await run(['RT'])).toEqual(['T-DEC-EVERY@1', 'T-DEC-NOTCONT@1']);
    expect(await run(['RT', '59'])).toEqual(['T-DEC-NOTCONT@1', 'T-DEC-SOME@1']);
  });
});

describe('NCCI PTP edits', () => {
  // 97530 (column one) and 97140 (column two): a classic therapy pair. Indicators are fixture data.
  let set: RuleSet;
  beforeAll(async () => {
    set = await loadSet(
      singlePayerDir([
        lineRule('T-PTP-EITHER', { all: [fact('line.ptpDeniedWith', 'isEmpty', false)] }, { category: 'NCCI_PTP', carc: '236', message: '{{line.code}} denied with {{line.ptpDeniedWith}}' }),
        lineRule('T-PTP-COL2', { all: [fact('line.ptpDeniedWith', 'isEmpty', false, { modifierOn: 'column2' })] }, { category: 'NCCI_PTP', carc: '236', message: '{{line.code}} denied with {{line.ptpDeniedWith}}' }),
        lineRule('T-PTP-BYPASS', { all: [fact('line.ptpBypassedWith', 'isEmpty', false)] }, { severity: 'WARNING', category: 'NCCI_PTP', carc: '236', message: '{{line.code}} bypasses {{line.ptpBypassedWith}}' }),
      ]),
    );
  });
  const pair = (col1Modifiers: string[], col2Modifiers: string[], indicator: '0' | '1' | '9', col2Date?: string) =>
    scrub(set, claim({ lines: [{ code: '97530', modifiers: col1Modifiers }, { code: '97140', modifiers: col2Modifiers, ...(col2Date ? { serviceDate: col2Date } : {}) }], serviceDateTo: col2Date }), {
      ptp: [{ column1: '97530', column2: '97140', modifierIndicator: indicator }],
    });

  it('indicator 0: the column-two line is denied, and no modifier on either line bypasses it', async () => {
    for (const [m1, m2] of [[[], []], [['59'], ['59']], [['XU'], ['XS']]] as [string[], string[]][]) {
      const findings = await pair(m1, m2, '0');
      expect(keys(findings)).toEqual(['T-PTP-COL2@2', 'T-PTP-EITHER@2']);
      expect(findings[0]!.message).toBe('97140 denied with 97530');
    }
  });

  it('indicator 1 without an NCCI-associated modifier: denied (GP is not one)', async () => {
    expect(keys(await pair(['GP'], ['GP'], '1'))).toEqual(['T-PTP-COL2@2', 'T-PTP-EITHER@2']);
  });

  it('indicator 1 with 59 on the column-two line: bypassed under both readings, and reported as a bypass', async () => {
    const findings = await pair([], ['59'], '1');
    expect(keys(findings)).toEqual(['T-PTP-BYPASS@2']);
    expect(findings[0]!.message).toBe('97140 bypasses 97530');
  });

  it('indicator 1 with XU on the column-one line: bypassed by default, still denied under modifierOn=column2', async () => {
    expect(keys(await pair(['XU'], [], '1'))).toEqual(['T-PTP-COL2@2', 'T-PTP-BYPASS@2']);
  });

  it('indicator 9: the edit never applies, with or without modifiers', async () => {
    expect(await pair([], [], '9')).toEqual([]);
    expect(await pair(['59'], ['59'], '9')).toEqual([]);
  });

  it('applies only among lines of the same date of service, and never flags the column-one line', async () => {
    expect(await pair([], [], '0', '2026-03-03')).toEqual([]);
    expect((await pair([], [], '0')).every((f) => f.line === 2)).toBe(true);
  });
});

describe('MUE', () => {
  let set: RuleSet;
  beforeAll(async () => {
    set = await loadSet(
      singlePayerDir([lineRule('T-MUE-001', { all: [fact('line.mueExceeded', 'equal', true)] }, { category: 'MUE', carc: '151', message: '{{line.code}} on {{line.serviceDate}}: {{line.mueUnits}} units over {{line.mueLimit}} (MAI {{line.mueIndicator}})' })]),
    );
  });
  const history = (over: Record<string, unknown>) => ({ claimRef: 'PCN-OLD', serviceDate: '2026-03-02', code: '77067', modifiers: [], units: 1, sameProvider: true, ...over });

  it('MAI 1 counts each line on its own: two lines within the limit pass, one line over it fails', async () => {
    const mue = { '20610': { units: 1, indicator: 1 as const } };
    expect(await scrub(set, claim({ lines: [{ code: '20610', modifiers: ['RT'] }, { code: '20610', modifiers: ['LT'] }] }), { mue })).toEqual([]);
    const findings = await scrub(set, claim({ lines: [{ code: '20610', units: 1 }, { code: '20610', units: 2 }] }), { mue });
    expect(findings.map((f) => [f.line, f.message])).toEqual([[2, '20610 on 2026-03-02: 2 units over 1 (MAI 1)']]);
  });

  it("MAI 1 ignores the patient's other claims (it is a line edit)", async () => {
    const ref = { mue: { '77067': { units: 1, indicator: 1 as const } }, history: [history({ units: 5 })] };
    expect(await scrub(set, claim({ lines: [{ code: '77067' }] }), ref)).toEqual([]);
  });

  it.each([2, 3] as const)('MAI %i totals the day: two lines of one unit over a day limit of 1, reported once, on the first line', async (indicator) => {
    const findings = await scrub(set, claim({ lines: [{ code: '77067' }, { code: '99213' }, { code: '77067' }] }), { mue: { '77067': { units: 1, indicator } } });
    expect(findings.map((f) => [f.line, f.message])).toEqual([[1, `77067 on 2026-03-02: 2 units over 1 (MAI ${indicator})`]]);
  });

  it('MAI 2/3 adds units from the same provider on the same date in history, and only those', async () => {
    const mue = { '77067': { units: 1, indicator: 3 as const } };
    const one = claim({ lines: [{ code: '77067' }] });
    expect(keys(await scrub(set, one, { mue, history: [history({ sameProvider: true })] }))).toEqual(['T-MUE-001@1']);
    expect(await scrub(set, one, { mue, history: [history({ sameProvider: false, units: 4 })] })).toEqual([]);
    expect(await scrub(set, one, { mue, history: [history({ serviceDate: '2026-03-01', units: 4 })] })).toEqual([]);
    expect(await scrub(set, one, { mue, history: [history({ code: '77063', units: 4 })] })).toEqual([]);
    const [f] = await scrub(set, one, { mue, history: [history({ units: 2 }), history({ claimRef: 'PCN-OTHER', sameProvider: false, units: 7 })] });
    expect(f!.message).toBe('77067 on 2026-03-02: 3 units over 1 (MAI 3)');
  });

  it('MAI 2/3 reports once per code and date: a claim over the limit on two dates has one finding per date', async () => {
    const c = claim({
      serviceDateFrom: '2026-03-02',
      serviceDateTo: '2026-03-03',
      lines: [
        { code: '77067', serviceDate: '2026-03-02' },
        { code: '77067', serviceDate: '2026-03-03' },
        { code: '77067', serviceDate: '2026-03-02' },
        { code: '77067', serviceDate: '2026-03-03' },
      ],
    });
    expect(keys(await scrub(set, c, { mue: { '77067': { units: 1, indicator: 2 } } }))).toEqual(['T-MUE-001@1', 'T-MUE-001@2']);
  });

  it('has nothing to say about a code without an MUE', async () => {
    expect(await scrub(set, claim({ lines: [{ code: '77067', units: 50 }] }))).toEqual([]);
  });
});

describe('MCE age and sex conflicts', () => {
  let set: RuleSet;
  beforeAll(async () => {
    set = await loadSet(
      singlePayerDir([
        claimRule('T-AGE-001', { all: [fact('claim.ageConflicts', 'isEmpty', false)] }, { message: 'age {{patient.ageYears}} conflicts with {{claim.ageConflicts}}' }),
        claimRule('T-SEX-001', { all: [fact('claim.sexConflicts', 'isEmpty', false)] }, { message: 'sex {{patient.sex}} conflicts with {{claim.sexConflicts}}' }),
      ]),
    );
  });
  const ageSex = {
    O800: [{ editType: 'MATERNITY', ageMin: 9, ageMax: 64, sex: null }, { editType: 'SEX', ageMin: null, ageMax: null, sex: 'F' as const }],
    P0710: [{ editType: 'NEWBORN', ageMin: 0, ageMax: 0, sex: null }],
    Z3A01: [{ editType: 'PEDIATRIC', ageMin: 0, ageMax: 17, sex: null }],
  };

  it('reports the diagnoses whose age edit excludes the age on the from-date, and whose sex edit excludes the sex', async () => {
    const findings = await scrub(set, claim({ patient: { sex: 'M', birthDate: '1950-03-02' }, diagnoses: ['O800', 'P0710', 'I10'] }), { ageSex });
    expect(findings.map((f) => f.message)).toEqual(['age 76 conflicts with O800, P0710', 'sex M conflicts with O800']);
  });

  it('counts age in whole years on the first date of service (birthday boundary)', async () => {
    const run = (from: string) => scrub(set, claim({ serviceDateFrom: from, submittedDate: '2026-04-01', patient: { birthDate: '2008-03-02' }, diagnoses: ['Z3A01'] }), { ageSex });
    expect(await run('2026-03-01')).toEqual([]);
    expect((await run('2026-03-02')).map((f) => f.message)).toEqual(['age 18 conflicts with Z3A01']);
  });

  it('never finds a sex conflict for sex U, and no age conflict without a birth date', async () => {
    expect(await scrub(set, claim({ patient: { sex: 'U', birthDate: null }, diagnoses: ['O800', 'P0710'] }), { ageSex })).toEqual([]);
  });
});

describe('coverage articles (medical necessity)', () => {
  const articles = {
    '72148': [{ id: 'A12345', coveredDiagnoses: ['M5416', 'M5450'], nonCoveredDiagnoses: ['M5450'] }],
  };
  let set: RuleSet;
  beforeAll(async () => {
    set = await loadSet(
      singlePayerDir([
        probe('{{line.articleCoverage}} by [{{line.articles}}]'),
        lineRule('T-ART-001', { all: [fact('line.articleCoverage', 'equal', 'NOT_COVERED')] }, { category: 'MEDICAL_NECESSITY', carc: '50', message: '{{line.code}} not covered for {{line.diagnoses}} under {{line.articles}}' }),
      ]),
    );
  });
  const mri = (diagnoses: string[], pointers: number[]) => claim({ diagnoses, lines: [{ code: '72148', diagnosisPointers: pointers }] });

  it('COVERED when a diagnosis the line points to is in a covered group', async () => {
    expect(await probeMessages(set, mri(['R51', 'M5416'], [2]), { articles })).toEqual(['COVERED by [A12345]']);
  });

  it('NOT_COVERED when no pointed diagnosis qualifies, even if the claim carries a covered one on another pointer', async () => {
    const c = mri(['R51', 'M5416'], [1]);
    expect(await probeMessages(set, c, { articles })).toEqual(['NOT_COVERED by [A12345]']);
    expect((await scrub(set, c, { articles })).find((f) => f.ruleId === 'T-ART-001')!.message).toBe('72148 not covered for R51 under A12345');
  });

  it('NOT_COVERED when the pointed diagnosis is covered but also excluded', async () => {
    expect(await probeMessages(set, mri(['M5450'], [1]), { articles })).toEqual(['NOT_COVERED by [A12345]']);
  });

  it('NOT_LISTED when no article lists the code', async () => {
    expect(await probeMessages(set, claim({ lines: [{ code: '99213' }] }), { articles })).toEqual(['NOT_LISTED by [none]']);
  });

  it('NO_DATA when coverage articles are not loaded (never read as covered or not)', async () => {
    const c = mri(['M5416'], [1]);
    expect(await probeMessages(set, c, { articles, missing: ['COVERAGE_ARTICLES'] })).toEqual(['NO_DATA by [none]']);
    expect((await scrub(set, c, { articles, missing: ['COVERAGE_ARTICLES'] })).some((f) => f.ruleId === 'T-ART-001')).toBe(false);
  });
});

describe('duplicates from claim history', () => {
  let set: RuleSet;
  beforeAll(async () => {
    set = await loadSet(
      singlePayerDir([lineRule('T-DUP-001', { all: [fact('line.duplicateOf', 'isEmpty', false)] }, { category: 'DUPLICATE', carc: '18', message: '{{line.code}} already billed on {{line.duplicateOf}}' })]),
    );
  });
  const past = (over: Record<string, unknown>) => ({ claimRef: 'PCN-100', serviceDate: '2026-03-02', code: '99213', modifiers: ['25'], units: 1, sameProvider: false, ...over });
  const c: ClaimInput = { lines: [{ code: '99213', modifiers: ['25', 'GT'] }, { code: '36415', modifiers: [] }] };

  it('flags a line with the same code, date and modifiers (in any order) on another live claim, naming it', async () => {
    const findings = await scrub(set, claim(c), { history: [past({ modifiers: ['GT', '25'] })] });
    expect(findings.map((f) => [f.line, f.message])).toEqual([[1, '99213 already billed on PCN-100']]);
  });

  it('names every other claim once', async () => {
    const history = [past({ modifiers: ['25', 'GT'] }), past({ modifiers: ['25', 'GT'], units: 2 }), past({ claimRef: 'PCN-200', modifiers: ['25', 'GT'] })];
    expect((await scrub(set, claim(c), { history })).map((f) => f.message)).toEqual(['99213 already billed on PCN-100, PCN-200']);
  });

  it('is not a duplicate with other modifiers, another date or another code', async () => {
    const history = [past({ modifiers: ['25'] }), past({ modifiers: ['25', 'GT'], serviceDate: '2026-03-01' }), past({ modifiers: [], code: '36416' })];
    expect(await scrub(set, claim(c), { history })).toEqual([]);
  });
});

describe('the 12-month filing limit', () => {
  let set: RuleSet;
  beforeAll(async () => {
    set = await loadSet(
      singlePayerDir([
        claimRule('T-FIL-001', { all: [fact('filing.limitExceeded', 'equal', true, { months: 12 })] }, { category: 'FILING', carc: '29', message: 'Submitted {{submission.date}}, deadline {{filing.deadline}}.' }),
        claimRule('T-FIL-TO', { all: [fact('filing.limitExceeded', 'equal', true, { months: 12, from: 'serviceDateTo' })] }, { category: 'FILING', carc: '29', message: 'deadline {{filing.deadline}}' }),
      ]),
    );
  });
  const filed = (serviceDateFrom: string, submittedDate: string, serviceDateTo = serviceDateFrom) => scrub(set, claim({ serviceDateFrom, serviceDateTo, submittedDate, lines: [{ serviceDate: serviceDateFrom }] }));

  it('is timely on the deadline day itself and late the next day', async () => {
    expect(await filed('2025-03-02', '2026-03-02')).toEqual([]);
    const late = await filed('2025-03-02', '2026-03-03');
    expect(keys(late)).toEqual(['T-FIL-001', 'T-FIL-TO']);
    expect(late[0]!.message).toBe('Submitted 2026-03-03, deadline 2026-03-02.');
  });

  it('moves a Feb 29 date of service to Feb 28 of the next year', async () => {
    expect(await filed('2024-02-29', '2025-02-28')).toEqual([]);
    const late = await filed('2024-02-29', '2025-03-01');
    expect(late.map((f) => f.message)).toEqual(['Submitted 2025-03-01, deadline 2025-02-28.', 'deadline 2025-02-28']);
  });

  it('runs from the last date of service with from=serviceDateTo', async () => {
    const findings = await filed('2025-03-01', '2026-03-04', '2025-03-05');
    expect(keys(findings)).toEqual(['T-FIL-001']);
  });
});
