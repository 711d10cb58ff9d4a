import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { signToken } from '../../src/auth/jwt';
import { Role } from '../../src/common/enums';
import type { DatabaseConfig } from '../../src/config';
import { createOrm } from '../../src/db/orm';
import { createScratchPgDatabase } from '../../src/db/scratch';
import { read837p } from '../../src/x12/837p/reader';
import { readInterchanges } from '../../src/x12/reader';
import { testDialect, testPgUrl } from '../support/db';
import { P5010_DIR } from '../x12/content';

// The built command (`npm test` builds first), against a database of the dialect under test.
const ROOT = resolve(__dirname, '../..');
const BIN = join(ROOT, 'bin', 'claimflow.js');

describe('claimflow import 837p / export 837p', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let drop: (() => Promise<void>) | null = null;
  let db: DatabaseConfig;
  const token = (role: Role) => signToken(process.env.CLAIMFLOW_JWT_SECRET!, { sub: `cli-${role.toLowerCase()}`, role }, 600);
  const run = (args: string[], role: Role = Role.BILLER) => spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...env, CLAIMFLOW_TOKEN: token(role) }, encoding: 'utf8', timeout: 60_000 });

  beforeAll(async () => {
    if (!existsSync(join(ROOT, 'dist', 'src', 'cli.js'))) throw new Error('dist/ is missing: run `npm run build` first');
    dir = mkdtempSync(join(tmpdir(), 'cf-837-cli-'));
    let url = `sqlite:${join(dir, 'db.sqlite')}`;
    db = { dialect: 'sqlite', url: join(dir, 'db.sqlite') };
    if (testDialect() === 'postgresql') {
      const scratch = await createScratchPgDatabase(testPgUrl(), 'claimflow_cli837');
      url = scratch.url;
      db = { dialect: 'postgresql', url };
      drop = () => scratch.drop();
    }
    env = { ...process.env, DATABASE_URL: url, CLAIMFLOW_DATA_DIR: dir, LOG_LEVEL: 'silent', CLAIMFLOW_WATCH_RULES: 'false' };
  });
  afterAll(async () => {
    await drop?.();
    rmSync(dir, { recursive: true, force: true });
  });

  it('imports a file, exports the READY claims as one batch, and writes that batch again byte for byte', async () => {
    const imp = run(['import', '837p', join(P5010_DIR, 'linuxforhealth__demo.example9.x12'), '--rule-set', 'demo-commercial']);
    expect(imp.stderr).toBe('');
    expect(imp.status).toBe(0);
    expect(imp.stdout).toMatch(/segment 20 CLM 153829140: IMPORTED READY claim [0-9a-f-]{36}/);
    expect(imp.stdout).toMatch(/1 claim\(s\): 1 imported \(1 READY\), 0 already imported, 0 not imported; created 1 patient\(s\), 2 provider\(s\), 1 payer\(s\), 1 coverage\(s\)/);

    const out = join(dir, 'out', 'batch.x12');
    const exp = run(['export', '837p', '--ready', '--out', out]);
    expect(exp.stderr).toBe('');
    expect(exp.status).toBe(0);
    expect(exp.stdout).toMatch(/1 claim\(s\) SUBMITTED in batch [0-9a-f-]{36}: ISA13 \d{9}, GS06 \d+, ST02 \d{4}/);
    const text = readFileSync(out, 'utf8');
    expect(readInterchanges(text)[0]!.warnings).toEqual([]);
    expect(read837p(text).claims.map((c) => c.patientControlNumber)).toEqual(['153829140']);

    const batchId = /batch ([0-9a-f-]{36})/.exec(exp.stdout)![1]!;
    const again = join(dir, 'again.x12');
    const rewrite = run(['export', '837p', '--batch', batchId, '--out', again]);
    expect(rewrite.status).toBe(0);
    expect(readFileSync(again, 'utf8')).toBe(text);
    // Writing a batch's X12 again reads PHI: audited with the batch id and the CLI's principal.
    const orm = await createOrm(db);
    try {
      const reads = (await orm.em.fork().getConnection().execute(`select actor, role, entity_ids_json from audit_event where action = 'READ_PHI' and entity = 'SubmissionBatch'`)) as { actor: string; role: string; entity_ids_json: string }[];
      expect(reads.map((r) => [r.actor, r.role, JSON.parse(r.entity_ids_json)])).toEqual([['cli-biller', 'BILLER', [batchId]]]);
    } finally {
      await orm.close(true);
    }

    const nothing = run(['export', '837p', '--ready', '--out', join(dir, 'none.x12')]);
    expect(nothing.status).toBe(1);
    expect(nothing.stderr).toMatch(/no READY claims/);
    expect(existsSync(join(dir, 'none.x12'))).toBe(false);

    const reimport = run(['import', '837p', join(P5010_DIR, 'linuxforhealth__demo.example9.x12')]);
    expect(reimport.stdout).toMatch(/ALREADY_IMPORTED SUBMITTED/);
  });

  it('--claims submits the given claims and reports the refused ones', () => {
    const imp = run(['import', '837p', join(P5010_DIR, 'linuxforhealth__demo.example6.x12')]);
    expect(imp.status).toBe(0);
    // No rule set for the new payer: the claim stays DRAFT, so submitting it is refused.
    const id = /IMPORTED DRAFT claim ([0-9a-f-]{36})/.exec(imp.stdout)![1]!;
    const exp = run(['export', '837p', '--claims', id, '--out', join(dir, 'refused.x12')]);
    expect(exp.status).toBe(1);
    expect(exp.stderr).toContain(`refused claim ${id}: NOT_READY`);
  });

  it('refuses a file that is not an 837P with the position and reason, and wrong roles', () => {
    const ack = run(['import', '837p', join(P5010_DIR, 'imsweb__x12_valid.x12.997')]);
    expect(ack.status).toBe(1);
    expect(ack.stderr).toMatch(/refused at segment 2 \(GS\): functional group FA is not HC .*not an 837; nothing was imported/);
    const viewer = run(['import', '837p', join(P5010_DIR, 'linuxforhealth__demo.example6.x12')], Role.VIEWER);
    expect(viewer.status).toBe(2);
    expect(viewer.stderr).toMatch(/BILLER or ADMIN/);
    const both = run(['export', '837p', '--ready', '--batch', 'x', '--out', join(dir, 'x.x12')]);
    expect(both.status).toBe(2);
  });
});
