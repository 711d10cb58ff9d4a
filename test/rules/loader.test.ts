import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatProblem, loadRuleDirectory, type LoadResult, type ReferenceChecker, type RuleProblem } from '../../src/rules-engine';
import {
  BAD_FIXTURE_PROBLEMS,
  columnOf,
  FIXTURES,
  fixtureCopy,
  lineOf,
  payerManifest,
  removeTempDirs,
  rule,
  ruleDir,
  ruleFile,
  singlePayerDir,
} from './support';

afterAll(removeTempDirs);

/** The loader refused: no snapshot at all, only problems. */
function refused(result: LoadResult): RuleProblem[] {
  expect(result.ok).toBe(false);
  expect(result).not.toHaveProperty('snapshot');
  return (result as { problems: RuleProblem[] }).problems;
}

/** Where `needle` starts in `text`, as the loader should report it. */
function at(text: string, needle: string): { line: number; column: number } {
  return { line: lineOf(text, needle), column: columnOf(text, needle) };
}

/** The `{` of the innermost object that encloses the first `needle`: where a pointer to an absent child of it lands. */
function objectAround(text: string, needle: string): { line: number; column: number } {
  const brace = text.lastIndexOf('{', text.indexOf(needle));
  const before = text.slice(0, brace);
  return { line: before.split('\n').length, column: brace - before.lastIndexOf('\n') };
}

describe('JSON syntax: strict JSON, with the line and column of the mistake', () => {
  it('reports a missing comma at the file, line and column where the parser stopped', async () => {
    const text = ['{', '  "kind": "coverage",', '  "description": "missing comma"', '  "rules": []', '}', ''].join('\n');
    const dir = singlePayerDir([], {}, { 'tp/coverage.json': text });
    expect(refused(await loadRuleDirectory(dir))).toEqual([
      { file: 'tp/coverage.json', pointer: '', line: 4, column: 3, message: 'JSON syntax: comma expected' },
    ]);
  });

  it('refuses a trailing comma (the files are strict JSON, not JSON5)', async () => {
    const text = ['{', '  "kind": "coverage",', '  "description": "trailing comma",', '  "rules": [],', '}', ''].join('\n');
    const problems = refused(await loadRuleDirectory(singlePayerDir([], {}, { 'tp/coverage.json': text })));
    expect(problems.length).toBeGreaterThan(0);
    for (const p of problems) expect(p).toMatchObject({ file: 'tp/coverage.json', line: 5, column: 1, message: expect.stringMatching(/^JSON syntax: /) });
  });

  it('refuses a // comment and a /* */ comment, at the comment', async () => {
    const lineComment = ['{', '  // who wrote this', '  "kind": "coverage",', '  "description": "d",', '  "rules": []', '}', ''].join('\n');
    const blockComment = ['{', '  "kind": "filing", /* note */', '  "description": "d",', '  "rules": []', '}', ''].join('\n');
    const dir = singlePayerDir([], {}, { 'tp/coverage.json': lineComment, 'tp/filing.json': blockComment });
    expect(refused(await loadRuleDirectory(dir))).toEqual([
      { file: 'tp/coverage.json', pointer: '', ...at(lineComment, '// who'), message: 'JSON syntax: comments are not allowed' },
      { file: 'tp/filing.json', pointer: '', ...at(blockComment, '/* note'), message: 'JSON syntax: comments are not allowed' },
    ]);
  });

  it('refuses a duplicate key (JSON.parse would silently keep the last), at the second occurrence', async () => {
    const text = [
      '{',
      '  "kind": "coverage",',
      '  "description": "d",',
      '  "rules": [',
      '    {',
      '      "id": "TEST-R-001", "description": "d", "severity": "ERROR", "category": "DATA", "level": "CLAIM", "carc": "16", "message": "m",',
      '      "severity": "WARNING",',
      '      "conditions": { "all": [{ "fact": "claim.lineCount", "operator": "equal", "value": 0 }] }',
      '    }',
      '  ]',
      '}',
      '',
    ].join('\n');
    const dir = singlePayerDir([], {}, { 'tp/coverage.json': text });
    expect(refused(await loadRuleDirectory(dir))).toEqual([
      { file: 'tp/coverage.json', pointer: '/rules/0/severity', ...at(text, '"severity": "WARNING"'), message: 'duplicate key "severity"' },
    ]);
  });

  it('refuses a "__proto__" key (building the value would set a prototype, not a property)', async () => {
    const text = [
      '{',
      '  "kind": "coverage",',
      '  "description": "d",',
      '  "rules": [',
      '    {',
      '      "id": "TEST-R-001", "description": "d", "severity": "ERROR", "category": "DATA", "level": "CLAIM", "carc": "16", "message": "m",',
      '      "conditions": { "all": [{ "fact": "claim.lineCount", "operator": "equal", "value": 0, "__proto__": { "polluted": true } }] }',
      '    }',
      '  ]',
      '}',
      '',
    ].join('\n');
    const dir = singlePayerDir([], {}, { 'tp/coverage.json': text });
    expect(refused(await loadRuleDirectory(dir))).toEqual([
      { file: 'tp/coverage.json', pointer: '/rules/0/conditions/all/0/__proto__', ...at(text, '"__proto__"'), message: 'the key "__proto__" is not allowed' },
    ]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses an empty file', async () => {
    const dir = singlePayerDir([], {}, { 'tp/coverage.json': '' });
    expect(refused(await loadRuleDirectory(dir))).toEqual([{ file: 'tp/coverage.json', pointer: '', line: 1, column: 1, message: expect.stringMatching(/^JSON syntax: /) }]);
  });
});

describe('schema violations name the JSON pointer and its line', () => {
  const cases: [string, Record<string, unknown>, string, string, string][] = [
    // title, rule overrides, pointer, where the pointer is (a needle in the file), message
    ['a missing severity', { severity: undefined }, '/rules/0', '{', 'missing required property "severity"'],
    ['an unknown property', { owner: 'compliance' }, '/rules/0/owner', '"owner"', 'unexpected property "owner"'],
    ['a CARC that is not a CARC', { carc: 'CO-16' }, '/rules/0/carc', '"carc"', 'does not match the expected format ^[A-Z]?[0-9]{1,3}$'],
    ['an unknown category', { category: 'BILLING' }, '/rules/0/category', '"category"', expect.stringMatching(/^must be one of "COVERAGE", .*"DATA"$/) as unknown as string],
    ['an unknown severity', { severity: 'INFO' }, '/rules/0/severity', '"severity"', 'must be one of "ERROR", "WARNING"'],
    ['a bad rule id', { id: 'my rule' }, '/rules/0/id', '"id"', expect.stringMatching(/^does not match the expected format/) as unknown as string],
  ];

  it.each(cases)('%s', async (_title, overrides, pointer, needle, message) => {
    const file = ruleFile('coverage', [rule(overrides)]);
    const text = `${JSON.stringify(file, null, 2)}\n`;
    const dir = singlePayerDir([], {}, { 'tp/coverage.json': text });
    // The rule object's "{" is the first one inside "rules": [.
    const where = needle === '{' ? objectAround(text, '"id"') : at(text, needle);
    expect(refused(await loadRuleDirectory(dir))).toEqual([{ file: 'tp/coverage.json', pointer, ...where, message }]);
  });

  it('reports every schema violation of a file, not only the first', async () => {
    const file = ruleFile('coverage', [rule({ id: 'TEST-R-001', severity: undefined }), rule({ id: 'TEST-R-002', carc: 'x', owner: 'y' })]);
    const dir = singlePayerDir([], {}, { 'tp/coverage.json': file });
    expect(refused(await loadRuleDirectory(dir)).map((p) => p.pointer)).toEqual(['/rules/0', '/rules/1/carc', '/rules/1/owner']);
  });

  it('refuses a manifest whose kind does not match its file name', async () => {
    const text = `${JSON.stringify(ruleFile('filing', []), null, 2)}\n`;
    const dir = singlePayerDir([], {}, { 'tp/coverage.json': text });
    expect(refused(await loadRuleDirectory(dir))).toEqual([{ file: 'tp/coverage.json', pointer: '/kind', ...at(text, '"kind"'), message: 'must be "coverage" in coverage.json' }]);
  });
});

describe('conditions and messages are checked against the fact and operator catalogues', () => {
  type Case = { title: string; rule: Record<string, unknown>; pointer: string; where: (text: string) => { line: number; column: number }; message: string };
  const cond = (c: Record<string, unknown>, level = 'LINE') => rule({ level, conditions: { all: [c] } });
  const cases: Case[] = [
    {
      title: 'an unknown fact, with a "did you mean" suggestion',
      rule: cond({ fact: 'line.cod', operator: 'equal', value: '72148' }),
      pointer: '/rules/0/conditions/all/0/fact',
      where: (t) => at(t, '"fact": "line.cod"'),
      message: 'unknown fact "line.cod" (did you mean "line.code"?)',
    },
    {
      title: 'an unknown operator, with a suggestion',
      rule: cond({ fact: 'line.units', operator: 'greaterThen', value: 2 }),
      pointer: '/rules/0/conditions/all/0/operator',
      where: (t) => at(t, '"operator"'),
      message: 'unknown operator "greaterThen" (did you mean "greaterThan"?)',
    },
    {
      title: 'an unknown operator decorator',
      rule: cond({ fact: 'line.code', operator: 'never:in', value: ['1'] }),
      pointer: '/rules/0/conditions/all/0/operator',
      where: (t) => at(t, '"operator"'),
      message: 'unknown operator decorator "never" (allowed: someFact, everyFact, someValue, everyValue, not)',
    },
    {
      title: 'an operator that does not fit the fact type (lessThan on a list)',
      rule: cond({ fact: 'line.modifiers', operator: 'lessThan', value: 2 }),
      pointer: '/rules/0/conditions/all/0/operator',
      where: (t) => at(t, '"operator"'),
      message: 'operator "lessThan" does not apply to line.modifiers (a string[]); it takes number',
    },
    {
      title: 'someFact on a fact that is not a list',
      rule: cond({ fact: 'line.code', operator: 'someFact:equal', value: '1' }),
      pointer: '/rules/0/conditions/all/0/operator',
      where: (t) => at(t, '"operator"'),
      message: '"someFact" needs a list fact; line.code is a string',
    },
    {
      title: 'a value of the wrong shape for the operator',
      rule: cond({ fact: 'line.code', operator: 'in', value: '72148' }),
      pointer: '/rules/0/conditions/all/0/value',
      where: (t) => at(t, '"value"'),
      message: 'operator "in" needs a list value',
    },
    {
      title: 'a line fact in a CLAIM-level rule',
      rule: cond({ fact: 'line.code', operator: 'equal', value: '72148' }, 'CLAIM'),
      pointer: '/rules/0/conditions/all/0/fact',
      where: (t) => at(t, '"fact": "line.code"'),
      message: 'line.code is a line fact: use it in a rule with "level": "LINE"',
    },
    {
      title: 'filing.limitExceeded without months or days',
      rule: cond({ fact: 'filing.limitExceeded', operator: 'equal', value: true }, 'CLAIM'),
      pointer: '/rules/0/conditions/all/0/params',
      where: (t) => objectAround(t, '"fact": "filing.limitExceeded"'),
      message: 'filing.limitExceeded needs exactly one of params.months and params.days',
    },
    {
      title: 'filing.deadline with both months and days',
      rule: cond({ fact: 'filing.deadline', params: { months: 12, days: 90 }, operator: 'dateBefore', value: '2026-01-01' }, 'CLAIM'),
      pointer: '/rules/0/conditions/all/0/params',
      where: (t) => at(t, '"params"'),
      message: 'filing.deadline needs exactly one of params.months and params.days',
    },
    {
      title: 'an unknown param, naming the params the fact takes',
      rule: cond({ fact: 'filing.limitExceeded', params: { days: 90, weeks: 2 }, operator: 'equal', value: true }, 'CLAIM'),
      pointer: '/rules/0/conditions/all/0/params/weeks',
      where: (t) => at(t, '"weeks"'),
      message: 'filing.limitExceeded has no param "weeks" (it takes months, days, from)',
    },
    {
      title: 'a param value outside its enum',
      rule: cond({ fact: 'line.ptpDeniedWith', params: { modifierOn: 'column1' }, operator: 'isEmpty', value: false }),
      pointer: '/rules/0/conditions/all/0/params/modifierOn',
      where: (t) => at(t, '"modifierOn"'),
      message: 'must be one of either, column2',
    },
    {
      title: 'a payerList naming a list the payer does not have',
      rule: cond({ fact: 'line.code', operator: 'in', value: { fact: 'payerList', params: { name: 'auth-code' } } }),
      pointer: '/rules/0/conditions/all/0/value/params/name',
      where: (t) => at(t, '"name": "auth-code"'),
      message: 'no list "auth-code" in payer.json (did you mean "auth-codes"?)',
    },
    {
      title: 'a JSONPath filter expression in path',
      rule: cond({ fact: 'line.modifiers', path: '$..[?(@.x)]', operator: 'equal', value: '59' }),
      pointer: '/rules/0/conditions/all/0/path',
      where: (t) => at(t, '"path"'),
      message: 'path must be a plain property path like $.a.b or $[0]: JSONPath filters and script expressions are not allowed',
    },
    {
      title: 'a JSONPath script expression in path',
      rule: cond({ fact: 'line.modifiers', path: '$[(@.length-1)]', operator: 'equal', value: '59' }),
      pointer: '/rules/0/conditions/all/0/path',
      where: (t) => at(t, '"path"'),
      message: 'path must be a plain property path like $.a.b or $[0]: JSONPath filters and script expressions are not allowed',
    },
    {
      title: 'a shared "condition" reference',
      rule: rule({ conditions: { all: [{ condition: 'isMedicare' }] } }),
      pointer: '/rules/0/conditions/all/0/condition',
      where: (t) => at(t, '"condition"'),
      message: 'shared condition references are not supported: write the condition out (or use a payer list for shared codes)',
    },
    {
      title: 'a message template naming an unknown fact',
      rule: rule({ message: 'Billed on {{claim.serviceDate}}.' }),
      pointer: '/rules/0/message',
      where: (t) => at(t, '"message"'),
      message: 'message names unknown fact {{claim.serviceDate}} (did you mean "claim.serviceDateTo"?)',
    },
    {
      title: 'a claim-level message naming a line fact',
      rule: rule({ message: 'Code {{line.code}}.' }),
      pointer: '/rules/0/message',
      where: (t) => at(t, '"message"'),
      message: 'message names line fact {{line.code}} in a claim-level rule',
    },
    {
      title: 'a fixHint naming an unknown fact',
      rule: rule({ fixHint: 'Check {{patient.memberId}}.' }),
      pointer: '/rules/0/fixHint',
      where: (t) => at(t, '"fixHint"'),
      // The member id is deliberately not a fact (no PHI in findings).
      message: 'message names unknown fact {{patient.memberId}} (did you mean "patient.hasMemberId"?)',
    },
  ];

  it.each(cases.map((c) => [c.title, c] as const))('refuses %s', async (_title, c) => {
    const text = `${JSON.stringify(ruleFile('coverage', [c.rule]), null, 2)}\n`;
    const dir = singlePayerDir([], { lists: { 'auth-codes': ['70551'] } }, { 'tp/coverage.json': text });
    expect(refused(await loadRuleDirectory(dir))).toEqual([{ file: 'tp/coverage.json', pointer: c.pointer, ...c.where(text), message: c.message }]);
  });

  it('refuses duplicate rule ids across two files and names both files', async () => {
    const dir = ruleDir({
      'tp/payer.json': payerManifest('tp'),
      'tp/coverage.json': ruleFile('coverage', [rule({ id: 'TEST-DUP-001' })]),
      'tp/filing.json': ruleFile('filing', [rule({ id: 'TEST-OK-001' }), rule({ id: 'TEST-DUP-001' })]),
    });
    const text = readFileSync(join(dir, 'tp/filing.json'), 'utf8');
    const idLine = lineOf(text, '"id": "TEST-DUP-001"');
    expect(refused(await loadRuleDirectory(dir))).toEqual([
      { file: 'tp/filing.json', pointer: '/rules/1/id', line: idLine, column: columnOf(text, '"id": "TEST-DUP-001"'), message: 'duplicate rule id TEST-DUP-001 (also in tp/coverage.json)' },
    ]);
  });

  it('refuses a common include (and exclude) naming a rule that does not exist', async () => {
    const manifest = payerManifest('tp', { common: { include: ['COMMON-X-001', 'COMMON-X-002'], exclude: ['COMMON-Y-001'] } });
    const manifestText = `${JSON.stringify(manifest, null, 2)}\n`;
    const dir = ruleDir({
      'common/shared.json': ruleFile('common', [rule({ id: 'COMMON-X-001' })]),
      'tp/payer.json': manifestText,
      'tp/coverage.json': ruleFile('coverage', []),
    });
    const problems = refused(await loadRuleDirectory(dir));
    expect(problems).toEqual([
      { file: 'tp/payer.json', pointer: '/common/include/1', ...at(manifestText, '"COMMON-X-002"'), message: 'no common rule COMMON-X-002 (did you mean "COMMON-X-001"?)' },
      { file: 'tp/payer.json', pointer: '/common/exclude/0', ...at(manifestText, '"COMMON-Y-001"'), message: expect.stringMatching(/^no common rule COMMON-Y-001/) },
    ]);
  });

  it('refuses an unexpected file in a payer folder, suggesting the right name', async () => {
    const dir = singlePayerDir([], {}, { 'tp/filling.json': ruleFile('filing', []) });
    expect(refused(await loadRuleDirectory(dir))).toEqual([
      {
        file: 'tp/filling.json',
        pointer: '',
        line: null,
        column: null,
        message: `unexpected file: a payer's rules go in coverage.json, medical-necessity.json, filing.json (did you mean "filing.json"?)`,
      },
    ]);
  });

  it('refuses a payer folder without payer.json', async () => {
    const dir = ruleDir({ 'tp/payer.json': payerManifest('tp'), 'other/coverage.json': ruleFile('coverage', []) });
    expect(refused(await loadRuleDirectory(dir))).toEqual([
      { file: 'other/payer.json', pointer: '', line: null, column: null, message: 'missing: every payer folder needs a payer.json manifest' },
    ]);
  });

  it('refuses a rule file at the top level of the directory', async () => {
    const dir = singlePayerDir([], {}, { 'coverage.json': ruleFile('coverage', []) });
    expect(refused(await loadRuleDirectory(dir)).map(formatProblem)).toEqual(['coverage.json: rule files live in rules/common/ or rules/<payer-key>/, not at the top level']);
  });

  it('refuses a payer whose "payer" is not its folder name', async () => {
    const text = `${JSON.stringify(payerManifest('someone-else'), null, 2)}\n`;
    const dir = singlePayerDir([], {}, { 'tp/payer.json': text });
    expect(refused(await loadRuleDirectory(dir))).toEqual([{ file: 'tp/payer.json', pointer: '/payer', ...at(text, '"payer": "someone-else"'), message: 'must be "tp", the folder name' }]);
  });

  it('refuses an effective date that is not a calendar date, or an end before the start', async () => {
    const text = `${JSON.stringify(ruleFile('coverage', [rule({ id: 'TEST-D-001', effectiveFrom: '2026-02-30' }), rule({ id: 'TEST-D-002', effectiveFrom: '2026-03-01', effectiveTo: '2026-02-01' })]), null, 2)}\n`;
    const dir = singlePayerDir([], {}, { 'tp/coverage.json': text });
    expect(refused(await loadRuleDirectory(dir))).toEqual([
      { file: 'tp/coverage.json', pointer: '/rules/0/effectiveFrom', ...at(text, '"effectiveFrom": "2026-02-30"'), message: 'is not a real calendar date' },
      { file: 'tp/coverage.json', pointer: '/rules/1/effectiveTo', ...at(text, '"effectiveTo"'), message: 'is before effectiveFrom' },
    ]);
  });
});

describe('many problems in several files at once', () => {
  it('reports every one, with file, line and column, and loads nothing (test/fixtures/rules/bad)', async () => {
    const problems = refused(await loadRuleDirectory(join(FIXTURES, 'bad')));
    expect(problems.map(formatProblem)).toEqual(BAD_FIXTURE_PROBLEMS);
    expect(problems).toHaveLength(21);
    // Files touched: two shared files, every file of the broken payer, the orphan folder and the stray file.
    expect([...new Set(problems.map((p) => p.file))].sort()).toEqual([
      'acme/coverage.json',
      'acme/filing.json',
      'acme/notes.json',
      'acme/payer.json',
      'common/schema.json',
      'common/syntax.json',
      'orphan/payer.json',
      'stray.json',
    ]);
  });

  it('points each problem at the line that holds the mistake (spot checks against the fixture text)', async () => {
    const problems = refused(await loadRuleDirectory(join(FIXTURES, 'bad')));
    const text = (rel: string) => readFileSync(join(FIXTURES, 'bad', rel), 'utf8');
    const find = (file: string, pointer: string) => problems.find((p) => p.file === file && p.pointer === pointer);
    expect(find('acme/coverage.json', '/rules/0/conditions/all/0/fact')).toMatchObject({ line: lineOf(text('acme/coverage.json'), '"line.cod"') });
    expect(find('acme/coverage.json', '/rules/5/conditions/all/0/path')).toMatchObject(at(text('acme/coverage.json'), '"path": "$..[?(@.x)]"'));
    expect(find('acme/coverage.json', '/rules/7/message')).toMatchObject(at(text('acme/coverage.json'), '"message": "Billed on'));
    expect(find('acme/filing.json', '/rules/2/id')).toMatchObject(at(text('acme/filing.json'), '"id": "COMMON-T-001"'));
    expect(find('acme/payer.json', '/common/include/1')).toMatchObject(at(text('acme/payer.json'), '"COMMON-T-009"'));
    expect(find('common/schema.json', '/rules/1/carc')).toMatchObject(at(text('common/schema.json'), '"carc": "2999"'));
  });
});

describe('a valid directory', () => {
  it('loads every rule set, with the common rules it includes, its lists and where each rule came from', async () => {
    const result = await loadRuleDirectory(join(FIXTURES, 'valid'));
    if (!result.ok) throw new Error(result.problems.map(formatProblem).join('\n'));
    const { snapshot } = result;
    expect([...snapshot.ruleSets.keys()]).toEqual(['acme']);
    expect(snapshot.commonRules.map((r) => r.id)).toEqual(['COMMON-T-001', 'COMMON-T-002']);
    const acme = snapshot.ruleSets.get('acme')!;
    expect(acme.rules.map((r) => r.id).sort()).toEqual(['ACME-COV-001', 'ACME-FIL-001', 'ACME-MN-001', 'COMMON-T-001', 'COMMON-T-002']);
    expect(acme.lists).toEqual({ 'auth-codes': ['70551', '72148'] });
    expect(acme.files.sort()).toEqual(['acme/coverage.json', 'acme/filing.json', 'acme/medical-necessity.json', 'acme/payer.json', 'common/basics.json']);
    const cov = acme.rules.find((r) => r.id === 'ACME-COV-001')!;
    const covText = readFileSync(join(FIXTURES, 'valid/acme/coverage.json'), 'utf8');
    expect(cov.origin).toEqual({ file: 'acme/coverage.json', pointer: '/rules/0', line: lineOf(covText, '"id": "ACME-COV-001"') - 1 });
    expect(cov.facts).toEqual(['claim.priorAuthNumber', 'line.code', 'payerList']);
    expect(cov).toMatchObject({ level: 'LINE', priority: 10, severity: 'ERROR', fixHint: 'Add the authorization number.', rarc: [] });
    // Defaults: priority 1, no fixHint.
    expect(acme.rules.find((r) => r.id === 'COMMON-T-001')).toMatchObject({ priority: 1, fixHint: null, rarc: ['M76'] });
  });

  it('keeps rule tests out of the loaded rules: a tests/ folder is not a rule file', async () => {
    const result = await loadRuleDirectory(join(FIXTURES, 'valid'));
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.snapshot.ruleSets.get('acme')!.files.some((f) => f.includes('tests/'))).toBe(false);
  });
});

describe('the rule-set version', () => {
  const versions = async (dir: string) => {
    const r = await loadRuleDirectory(dir);
    if (!r.ok) throw new Error(r.problems.map(formatProblem).join('\n'));
    return { snapshot: r.snapshot.version, acme: r.snapshot.ruleSets.get('acme')!.version };
  };

  it('is a sha256 that stays the same when nothing changes, across loads and copies', async () => {
    const a = await versions(join(FIXTURES, 'valid'));
    const b = await versions(join(FIXTURES, 'valid'));
    const copy = await versions(fixtureCopy('valid'));
    expect(a.snapshot).toMatch(/^[0-9a-f]{64}$/);
    expect(a.acme).toMatch(/^[0-9a-f]{64}$/);
    expect(b).toEqual(a);
    expect(copy).toEqual(a);
  });

  it.each(['acme/payer.json', 'acme/coverage.json', 'acme/medical-necessity.json', 'acme/filing.json'])('changes when %s changes, even by one byte', async (rel) => {
    const before = await versions(join(FIXTURES, 'valid'));
    const dir = fixtureCopy('valid');
    appendFileSync(join(dir, rel), '\n');
    const after = await versions(dir);
    expect(after.snapshot).not.toBe(before.snapshot);
    expect(after.acme).not.toBe(before.acme);
  });

  it('changes when an included common rule changes', async () => {
    const before = await versions(join(FIXTURES, 'valid'));
    const dir = fixtureCopy('valid');
    const file = join(dir, 'common/basics.json');
    writeFileSync(file, readFileSync(file, 'utf8').replace('"carc": "16"', '"carc": "252"'));
    const after = await versions(dir);
    expect(after.snapshot).not.toBe(before.snapshot);
    expect(after.acme).not.toBe(before.acme);
  });

  it('changes for the snapshot when any common file changes', async () => {
    const before = await versions(join(FIXTURES, 'valid'));
    const dir = fixtureCopy('valid');
    appendFileSync(join(dir, 'common/basics.json'), '\n');
    expect((await versions(dir)).snapshot).not.toBe(before.snapshot);
  });

  it('does not change when only a rule-test file changes (tests are not rules)', async () => {
    const before = await versions(join(FIXTURES, 'valid'));
    const dir = fixtureCopy('valid');
    appendFileSync(join(dir, 'acme/tests/cases.json'), '\n');
    expect(await versions(dir)).toEqual(before);
  });
});

describe('the reference checker (the loader plug-in that asks whether named codes exist)', () => {
  /** A ReferenceChecker that knows every code except the ones it is told are missing; records what it was asked. */
  class KnownCodes implements ReferenceChecker {
    asked: { procedures: string[]; diagnoses: string[]; articles: string[] }[] = [];
    constructor(private readonly gone: { procedures?: string[]; diagnoses?: string[]; articles?: string[] }) {}
    async missing(refs: { procedures: string[]; diagnoses: string[]; articles: string[] }) {
      this.asked.push(refs);
      return {
        procedures: refs.procedures.filter((c) => this.gone.procedures?.includes(c)),
        diagnoses: refs.diagnoses.filter((c) => this.gone.diagnoses?.includes(c)),
        articles: refs.articles.filter((c) => this.gone.articles?.includes(c)),
      };
    }
  }

  it('turns a list code that is not in the reference data into a problem at /lists/<name>/<i>, on its line', async () => {
    const manifest = ['{', '  "kind": "payer",', '  "payer": "acme",', '  "name": "Acme",', '  "description": "d",', '  "common": { "include": ["*"] },', '  "lists": {', '    "auth-codes": [', '      "70551",', '      "99999"', '    ]', '  }', '}', ''].join('\n');
    const dir = fixtureCopy('valid', { 'acme/payer.json': manifest });
    const checker = new KnownCodes({ procedures: ['99999'] });
    expect(refused(await loadRuleDirectory(dir, { referenceChecker: checker }))).toEqual([
      { file: 'acme/payer.json', pointer: '/lists/auth-codes/1', line: 10, column: 7, message: 'procedure code 99999 is not in the reference data (no release has it)' },
    ]);
    // The list's codes were checked as procedures because a rule compares line.code with the list.
    expect(checker.asked).toHaveLength(1);
    expect(checker.asked[0]!.procedures.sort()).toEqual(['70551', '72148', '99999']);
  });

  it('checks codes written in conditions too, as procedures or diagnoses by the fact they are compared with', async () => {
    const text = `${JSON.stringify(
      ruleFile('coverage', [
        rule({ level: 'LINE', conditions: { all: [{ fact: 'line.code', operator: 'in', value: ['72148', '99999'] }, { fact: 'line.diagnoses', operator: 'intersects', value: ['Q9999'] }] } }),
      ]),
      null,
      2,
    )}\n`;
    const dir = singlePayerDir([], {}, { 'tp/coverage.json': text });
    const checker = new KnownCodes({ procedures: ['99999'], diagnoses: ['Q9999'] });
    expect(refused(await loadRuleDirectory(dir, { referenceChecker: checker }))).toEqual([
      { file: 'tp/coverage.json', pointer: '/rules/0/conditions/all/0/value/1', ...at(text, '"99999"'), message: 'procedure code 99999 is not in the reference data (no release has it)' },
      { file: 'tp/coverage.json', pointer: '/rules/0/conditions/all/1/value/0', ...at(text, '"Q9999"'), message: 'ICD-10-CM code Q9999 is not in the reference data (no release has it)' },
    ]);
    expect(checker.asked[0]).toEqual({ procedures: ['72148', '99999'], diagnoses: ['Q9999'], articles: [] });
  });

  it('loads when every named code exists', async () => {
    const result = await loadRuleDirectory(join(FIXTURES, 'valid'), { referenceChecker: new KnownCodes({}) });
    expect(result.ok).toBe(true);
  });
});
