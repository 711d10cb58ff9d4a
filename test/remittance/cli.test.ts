import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { signToken } from '../../src/auth/jwt';
import { createScratchPgDatabase } from '../../src/db/scratch';
import { testDialect, testPgUrl } from '../support/db';

/** `claimflow import 835 <file>`, the built command against a fresh database of the dialect under test. */
const ROOT = resolve(__dirname, '../..');
const BIN = join(ROOT, 'bin', 'claimflow.js');
const DATA = join(__dirname, '../../../shared/data/x12/835');

describe('claimflow import 835', () => {
  let env: NodeJS.ProcessEnv;
  let dispose: () => Promise<void>;
  const token = (role: string) => signToken(process.env.CLAIMFLOW_JWT_SECRET!, { sub: 'cli-biller', role: role as never }, 600);
  const run = (args: string[], extra: NodeJS.ProcessEnv = {}) => spawnSync(process.execPath, [BIN, 'import', '835', ...args], { cwd: ROOT, env: { ...env, ...extra }, encoding: 'utf8', timeout: 60_000 });

  beforeAll(async () => {
    if (!existsSync(join(ROOT, 'dist', 'src', 'cli.js'))) throw new Error('dist/ is missing: run `npm run build` first');
    const dir = mkdtempSync(join(tmpdir(), 'cf-835-'));
    if (testDialect() === 'postgresql') {
      const scratch = await createScratchPgDatabase(testPgUrl(), 'claimflow_cli835');
      env = { ...process.env, DATABASE_URL: scratch.url, CLAIMFLOW_DATA_DIR: dir };
      dispose = async () => {
        await scratch.drop();
        rmSync(dir, { recursive: true, force: true });
      };
    } else {
      env = { ...process.env, DATABASE_URL: `sqlite:${join(dir, 'cli.sqlite')}`, CLAIMFLOW_DATA_DIR: dir };
      dispose = async () => rmSync(dir, { recursive: true, force: true });
    }
  });
  afterAll(() => dispose());

  it('posts a 5010 file with a BILLER token, then reports it already posted', () => {
    const file = join(DATA, '5010', 'edi835parser__united_healthcare_legacy_sample.x12');
    const first = run([file, '--token', token('BILLER')]);
    expect(first.stderr).toBe('');
    expect(first.status).toBe(0);
    expect(first.stdout).toMatch(/^edi835parser__united_healthcare_legacy_sample\.x12: remittance [0-9a-f-]{36}, trace 1234567890, ACH 349\.99: 2 claim payment\(s\), 0 matched$/m);
    expect(first.stdout).toMatch(/2 claim payment\(s\) posted, 2 unmatched, 0 denial\(s\) created/);
    expect(first.stdout).toMatch(/warning UNMATCHED_CLAIM at segment 19: no claim here has this patient control number[^\n]*\n {2}warning UNMATCHED_CLAIM at segment 39:/);
    // Names and member ids of the file never reach the output.
    expect(first.stdout).not.toMatch(/COOL|123456789\b/);
    const second = run([file], { CLAIMFLOW_TOKEN: token('ADMIN') });
    expect(second.status).toBe(0);
    expect(second.stdout).toMatch(/already posted .*nothing changed/);
  });

  it('refuses a 4010 file with the position and exit code 1; an unbalanced file needs --accept-unbalanced', () => {
    const old = run([join(DATA, '4010', 'oopfactory__Example1_GripElements.x12'), '--token', token('BILLER')]);
    expect(old.status).toBe(1);
    expect(old.stderr).toMatch(/refused; nothing was posted\n {2}segment 3 \(ST\): a 4010 remittance \(004010X091A1\), not 5010/);
    const example = join(DATA, '5010', 'oopfactory__Example1.x12');
    const unbalanced = run([example, '--token', token('BILLER')]);
    expect(unbalanced.status).toBe(1);
    expect(unbalanced.stderr).toMatch(/segment 4 \(BPR\): the transaction does not balance/);
    const accepted = run([example, '--token', token('BILLER'), '--accept-unbalanced']);
    expect(accepted.status).toBe(0);
    expect(accepted.stdout).toMatch(/NON 5\.75 \(UNBALANCED, accepted\): 10 claim payment\(s\)/);
  });

  it('needs a BILLER or ADMIN token', () => {
    const file = join(DATA, '5010', 'pyx12__835_mult_loops.x12');
    const viewer = run([file, '--token', token('VIEWER')]);
    expect(viewer.status).toBe(2);
    expect(viewer.stderr).toMatch(/role VIEWER may not post remittances \(BILLER or ADMIN\)/);
    const none = run([file], { CLAIMFLOW_TOKEN: '' });
    expect(none.status).toBe(2);
    expect(none.stderr).toMatch(/needs a BILLER or ADMIN token/);
  });
});
