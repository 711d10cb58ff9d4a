import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createScratchPgDatabase } from '../../src/db/scratch';
import { testDialect, testPgUrl } from '../support/db';
import { BAD_FIXTURE_PROBLEMS, FIXTURES, removeTempDirs, ROOT, tempDir } from './support';

/**
 * The built command (`npm test` builds first), run as a child process: `claimflow rules check`,
 * `rules test`, `rules schema --check` and `scrub`. Scrub reads reference data from DATABASE_URL:
 * a temp SQLite file, or under CLAIMFLOW_TEST_DB=postgresql a scratch PostgreSQL database. The
 * database is empty (migrated, no reference releases), so findings about missing reference data
 * appear beside the ones the tests look at.
 */

const CLI = join(ROOT, 'dist', 'src', 'cli.js');

function claimflow(args: string[], opts: { env?: NodeJS.ProcessEnv; input?: string } = {}) {
  return spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, env: { ...process.env, ...opts.env }, input: opts.input, encoding: 'utf8', timeout: 60_000 });
}

beforeAll(() => {
  if (!existsSync(CLI)) throw new Error('dist/ is missing: run `npm run build` (npm test does) before these tests');
});
afterAll(removeTempDirs);

describe('claimflow rules check', () => {
  it('exits 1 on a broken directory and prints every problem as file:line:column pointer: message', () => {
    const out = claimflow(['rules', 'check', '--no-reference', join(FIXTURES, 'bad')]);
    expect(out.status).toBe(1);
    expect(out.stdout.trimEnd().split('\n')).toEqual([...BAD_FIXTURE_PROBLEMS, '21 problem(s); nothing would be loaded']);
    // Problems with a position carry file:line:column and a JSON pointer (or none for a syntax error).
    for (const line of BAD_FIXTURE_PROBLEMS.filter((l) => /^\S+\.json:\d/.test(l))) expect(line).toMatch(/^[\w/.-]+\.json:\d+:\d+( \/\S*)?: \S/);
  });

  it('exits 0 on the shipped rules without a database (--no-reference), naming each rule set', () => {
    const out = claimflow(['rules', 'check', '--no-reference']);
    expect(out.stderr).toBe('');
    expect(out.status).toBe(0);
    expect(out.stdout).toMatch(/^medicare: \d+ rules \(\d+ ERROR\), version [0-9a-f]{12}$/m);
    expect(out.stdout).toMatch(/^ok: \d+ rule set\(s\) \(reference data not checked\)$/m);
  });

  it('exits 0 on a valid fixture directory, with its rule count', () => {
    const out = claimflow(['rules', 'check', '--no-reference', join(FIXTURES, 'valid')]);
    expect(out.status).toBe(0);
    expect(out.stdout).toMatch(/^acme: 5 rules \(4 ERROR\), version [0-9a-f]{12}\nok: 1 rule set\(s\) \(reference data not checked\)\n$/);
  });
});

describe('claimflow rules test', () => {
  it('exits 0 on the shipped rules and prints a table in which every case passes', () => {
    const out = claimflow(['rules', 'test']);
    expect(out.status).toBe(0);
    const lines = out.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^RESULT\s+FILE\s+CASE\s+FINDINGS$/);
    const rows = lines.slice(1, lines.indexOf(''));
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.filter((r) => !r.startsWith('PASS '))).toEqual([]);
    expect(lines[lines.length - 1]).toBe(`${rows.length} passed, 0 failed`);
  });

  it('exits 1 when a case fails, and shows FAIL with what was expected and what was found', () => {
    const out = claimflow(['rules', 'test', join(FIXTURES, 'failing-test')]);
    expect(out.status).toBe(1);
    expect(out.stdout).toMatch(/^PASS\s+acme\/tests\/filing\.json\s+filed on time\s+\(no findings\)$/m);
    expect(out.stdout).toMatch(/^FAIL\s+acme\/tests\/filing\.json\s+filed late but expected clean\s+expected \[\] got \[ACME-FIL-001\]$/m);
    expect(out.stdout.trimEnd().split('\n').pop()).toBe('1 passed, 1 failed');
  });

  it('exits 1 without running anything when the rules do not load', () => {
    const out = claimflow(['rules', 'test', join(FIXTURES, 'bad')]);
    expect(out.status).toBe(1);
    expect(out.stdout).toContain(BAD_FIXTURE_PROBLEMS[0]);
    expect(out.stdout).toContain('the rules do not load');
    expect(out.stdout).not.toMatch(/^(PASS|FAIL) /m);
  });
});

describe('claimflow rules schema --check', () => {
  it('agrees with the committed rules/rule-set.schema.json', () => {
    const out = claimflow(['rules', 'schema', '--check']);
    expect(out.stderr).toBe('');
    expect(out.status).toBe(0);
    expect(out.stdout).toBe('rules/rule-set.schema.json is current\n');
  });
});

describe('claimflow scrub --payer medicare', () => {
  const MEMBER_ID = '1EG4TE5MK73';
  const BIRTH_DATE = '1948-05-14';
  const base = {
    id: 'C1',
    payer: 'medicare',
    frequency: '1',
    payerClaimNumber: null,
    patient: { sex: 'F', birthDate: BIRTH_DATE, memberId: MEMBER_ID },
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
  // Served 2025-03-02, filed 13 months later: past Medicare's 12-month limit.
  const late = { ...base, id: 'C2', serviceDateFrom: '2025-03-02', serviceDateTo: '2025-03-02', submittedDate: '2026-04-02', lines: [{ ...base.lines[0], serviceDate: '2025-03-02' }] };

  let env: NodeJS.ProcessEnv;
  let dropDb: (() => Promise<void>) | null = null;
  let dir: string;
  beforeAll(async () => {
    dir = tempDir('cf-scrub-');
    let url: string;
    if (testDialect() === 'postgresql') {
      const scratch = await createScratchPgDatabase(testPgUrl(), 'claimflow_rules_cli');
      url = scratch.url;
      dropDb = () => scratch.drop();
    } else {
      url = `sqlite:${join(dir, 'scrub.sqlite')}`;
    }
    env = { DATABASE_URL: url, CLAIMFLOW_DATA_DIR: dir };
  });
  afterAll(async () => {
    await dropDb?.();
  });

  function inputFile(name: string, content: unknown): string {
    const file = join(dir, name);
    writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
    return file;
  }

  /** Neither the member id nor the birth date, nor any 6-character piece of them, appears in `text`. */
  function expectNoPhi(text: string): void {
    for (const secret of [MEMBER_ID, BIRTH_DATE]) {
      for (let i = 0; i + 6 <= secret.length; i++) expect(text).not.toContain(secret.slice(i, i + 6));
    }
  }

  interface Output {
    id: string;
    ruleSet: string;
    clean: boolean;
    findings: { ruleId: string; severity: string; category: string; carc: string; line: number | null; message: string }[];
  }

  it('prints a JSON array with one entry per claim, each finding with ruleId, severity, category, carc, line and message', () => {
    const out = claimflow(['scrub', '--payer', 'medicare', inputFile('claims.json', [base, late])], { env });
    expect(out.status).toBe(0);
    const result = JSON.parse(out.stdout) as Output[];
    expect(result.map((r) => [r.id, r.ruleSet])).toEqual([
      ['C1', 'medicare'],
      ['C2', 'medicare'],
    ]);
    for (const f of result.flatMap((r) => r.findings)) {
      expect(f).toEqual(
        expect.objectContaining({
          ruleId: expect.stringMatching(/^[A-Z][A-Z0-9]*(-[A-Z0-9]+)+$/),
          severity: expect.stringMatching(/^(ERROR|WARNING)$/),
          category: expect.any(String),
          carc: expect.stringMatching(/^[A-Z]?[0-9]{1,3}$/),
          message: expect.any(String),
        }),
      );
      expect(f.line === null || (Number.isInteger(f.line) && f.line >= 1)).toBe(true);
    }
    expectNoPhi(out.stdout);
  });

  it('gives a claim filed 13 months after the service the Medicare filing finding, and the timely one none', () => {
    const out = claimflow(['scrub', '--payer', 'medicare', inputFile('claims.json', [base, late])], { env });
    expect(out.status).toBe(0);
    const [timely, tooLate] = JSON.parse(out.stdout) as Output[];
    expect(timely!.findings.filter((f) => f.category === 'FILING')).toEqual([]);
    const filing = tooLate!.findings.filter((f) => f.category === 'FILING');
    // Claim- or line-level is the rule set's choice; the finding is an ERROR with CARC 29 naming the deadline.
    expect(filing).toEqual([expect.objectContaining({ severity: 'ERROR', carc: '29' })]);
    expect(filing[0]!.message).toContain('2026-03-02');
    expect(tooLate!.clean).toBe(false);
  });

  it('reads the claims from stdin with "-", with the same result as from a file', () => {
    const fromFile = claimflow(['scrub', '--payer', 'medicare', inputFile('one.json', [late])], { env });
    const fromStdin = claimflow(['scrub', '--payer', 'medicare', '-'], { env, input: JSON.stringify([late]) });
    expect(fromStdin.status).toBe(0);
    expect(JSON.parse(fromStdin.stdout)).toEqual(JSON.parse(fromFile.stdout));
  });

  it('takes a single claim object as well as an array', () => {
    const out = claimflow(['scrub', '--payer', 'medicare', '-'], { env, input: JSON.stringify(late) });
    expect(out.status).toBe(0);
    expect((JSON.parse(out.stdout) as Output[]).map((r) => r.id)).toEqual(['C2']);
  });

  it('refuses a malformed claim: exits 1, names the path, prints nothing on stdout and no member id or birth date on stderr', () => {
    const bad = { ...base, lines: [{ ...base.lines[0], units: 'x' }] };
    const out = claimflow(['scrub', '--payer', 'medicare', '-'], { env, input: JSON.stringify([bad]) });
    expect(out.status).toBe(1);
    expect(out.stdout).toBe('');
    expect(out.stderr).toContain('$[0].lines[0].units');
    expect(out.stderr).toContain('nothing scrubbed');
    expectNoPhi(out.stderr);
  });

  it('refuses a claim for another payer than --payer', () => {
    const out = claimflow(['scrub', '--payer', 'medicare', '-'], { env, input: JSON.stringify([base, { ...late, payer: 'demo-commercial' }]) });
    expect(out.status).toBe(1);
    expect(out.stdout).toBe('');
    expect(out.stderr).toContain('$[1].payer');
  });

  // Regression: input that is not JSON used to exit 2 (usage error) where every other malformed input exits 1.
  it('refuses input that is not JSON: exits 1, names line and column, prints nothing on stdout', () => {
    const out = claimflow(['scrub', '--payer', 'medicare', '-'], { env, input: '[{"id": "C1",' });
    expect(out.stdout).toBe('');
    expect(out.stderr).toMatch(/not JSON/);
    expect(out.stderr).toMatch(/<stdin>:1:\d+: JSON syntax/);
    expect(out.status).toBe(1);
  });

  // Regression: the JSON.parse message used to be printed as is, and V8 quotes the input around the
  // mistake ("Unexpected token ''', ..."memberId":'1EG4TE5MK"..."), so single quotes (as a Python
  // dict prints) echoed PHI to stderr. Now only positions are printed.
  it.each([
    ['a single-quoted member id', `[{"id":"C1","patient":{"sex":"F","memberId":'${MEMBER_ID}',"birthDate":"${BIRTH_DATE}"}}]`],
    ['a single-quoted birth date', `[{"id":"C1","patient":{"sex":"F","birthDate":'${BIRTH_DATE}',"memberId":"${MEMBER_ID}"}}]`],
  ])('never echoes the member id or birth date when the input is not JSON (%s)', (_title, input) => {
    const out = claimflow(['scrub', '--payer', 'medicare', '-'], { env, input });
    expect(out.status).not.toBe(0);
    expect(out.stdout).toBe('');
    expectNoPhi(out.stderr);
  });
});
