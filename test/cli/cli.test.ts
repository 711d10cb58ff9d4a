import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { verifyToken } from '../../src/auth/jwt';
import { createScratchPgDatabase } from '../../src/db/scratch';
import { testDialect, testPgUrl } from '../support/db';

// These run the built command (`npm test` builds first; CI's `npm ci` builds through `prepare`).
const ROOT = resolve(__dirname, '../..');
const BIN = join(ROOT, 'bin', 'claimflow.js');
const MAIN = join(ROOT, 'dist', 'src', 'main.js');

function claimflow(args: string[], env: NodeJS.ProcessEnv = {}) {
  return spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...process.env, ...env }, encoding: 'utf8' });
}

beforeAll(() => {
  if (!existsSync(MAIN)) throw new Error('dist/ is missing: run `npm run build` (npm test does) before these tests');
});

describe('claimflow token', () => {
  it('prints a token for the role and subject that the server accepts', () => {
    const out = claimflow(['token', '--role', 'BILLER', '--sub', 'alice']);
    expect(out.status).toBe(0);
    const principal = verifyToken(process.env.CLAIMFLOW_JWT_SECRET!, out.stdout.trim());
    expect(principal).toEqual({ sub: 'alice', role: 'BILLER' });
  });

  it('refuses an unknown role', () => {
    const out = claimflow(['token', '--role', 'JANITOR', '--sub', 'bob']);
    expect(out.status).not.toBe(0);
    expect(out.stderr).toMatch(/--role/);
    expect(out.stdout).toBe('');
  });
});

describe('claimflow schema --check', () => {
  it('agrees with the committed schema/schema.graphql', () => {
    const out = claimflow(['schema', '--check']);
    expect(out.stderr).toBe('');
    expect(out.status).toBe(0);
  });
});

describe('the server (npm start)', () => {
  it('refuses to start in production without CLAIMFLOW_JWT_SECRET, naming the variable', () => {
    const out = spawnSync(process.execPath, [MAIN], {
      cwd: ROOT,
      env: { ...process.env, NODE_ENV: 'production', CLAIMFLOW_JWT_SECRET: '', CLAIMFLOW_DATA_DIR: mkdtempSync(join(tmpdir(), 'cf-')) },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(out.status).toBe(2);
    expect(out.stderr).toMatch(/CLAIMFLOW_JWT_SECRET/);
  });

  it('on an empty database migrates, seeds the demo office, prints a working token and serves GraphQL', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'cf-start-'));
    const scratch = testDialect() === 'postgresql' ? await createScratchPgDatabase(testPgUrl(), 'claimflow_start') : null;
    const child = spawn(process.execPath, [MAIN], {
      cwd: ROOT,
      env: {
        ...process.env,
        NODE_ENV: 'development',
        LOG_LEVEL: 'info',
        PORT: '0',
        CLAIMFLOW_DATA_DIR: dataDir,
        CLAIMFLOW_JWT_SECRET: '',
        DATABASE_URL: scratch?.url ?? '',
      },
    });
    try {
      let stdout = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      const started = Date.now();
      while (!/Demo token \(ADMIN, 12 h\): (\S+)/.test(stdout) || !/"msg":"listening"/.test(stdout)) {
        if (Date.now() - started > 50_000 || child.exitCode !== null) throw new Error(`server did not start:\n${stdout}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      const token = /Demo token \(ADMIN, 12 h\): (\S+)/.exec(stdout)![1]!;
      const url = /GraphQL:\s+(\S+)/.exec(stdout)![1]!;
      expect(stdout).toMatch(/"msg":"seeded demo data"/);
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({
          query:
            '{ payers { totalCount } claims(first: 100) { totalCount edges { node { status } } } denials(first: 10, orderBy: AMOUNT) { edges { node { carc status predictedByRuleId recommendations { action } } } } }',
        }),
      });
      const body = (await res.json()) as {
        data: {
          payers: { totalCount: number };
          claims: { totalCount: number; edges: { node: { status: string } }[] };
          denials: { edges: { node: { carc: string; status: string; predictedByRuleId: string | null; recommendations: { action: string }[] } }[] };
        };
      };
      expect(body.data.payers.totalCount).toBe(2);
      // The billers' queue is not empty: denials with the rule that should have caught them and advice.
      const denials = body.data.denials.edges.map((e) => e.node);
      // Largest first: 99214 $185 (CO-16), 97110 $135 (CO-197), 73562 $95 (CO-50), 81002 $18 (CO-97).
      expect(denials.map((d) => d.carc)).toEqual(['16', '197', '50', '97']);
      expect(denials.find((d) => d.carc === '197')!.predictedByRuleId).toBe('DCH-AUTH-001');
      expect(denials.filter((d) => d.recommendations.length === 0)).toEqual([]);
      const statuses = new Set(body.data.claims.edges.map((e) => e.node.status));
      expect(statuses.size).toBeGreaterThanOrEqual(5);
      // The log carries ids and counts, never demo patients' names.
      expect(stdout).not.toMatch(/Avery|Sample|1948-05-14|1EG4TE5MK73/);
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      await scratch?.drop();
    }
  });
});
