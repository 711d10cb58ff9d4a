import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { addDays, today } from '../../src/common/dates';
import { npiFrom } from '../../src/seed/builders';
import { write837p, type ExportClaim } from '../../src/x12/837p/writer';
import type { TestDb } from '../support/db';

// The child runs from dist/ (`npm test` builds first through pretest; tsconfig.build.json includes it).
const ROOT = resolve(__dirname, '../..');
export const CHILD = join(ROOT, 'dist', 'test', 'crash', 'child.js');

export function assertChildBuilt(): void {
  if (!existsSync(CHILD)) throw new Error('dist/test/crash/child.js is missing: run `npm run build` (npm test does) before these tests');
}

export type Job = 'post835' | 'import837' | 'submit';

/**
 * When to SIGKILL the child: at a marker — the child stops there (CRASH_HOLD_AT, a fail point) so
 * the kill lands at that point of the transaction on a machine of any speed — or a random time
 * after a marker while the child runs on (wherever the kill lands: before or after COMMIT).
 */
export type KillAt = { marker: string } | { marker: string; randomDelayMs: number };

export interface ChildRun {
  /** Markers in the order printed (`ready`, `sql:begin`, `sql:insert:claim_payment`, …). */
  markers: string[];
  /** The marker the kill was sent after (null: ran to the end). */
  killedAfter: string | null;
  signal: NodeJS.Signals | null;
  exitCode: number | null;
  result: Record<string, unknown> | null;
  stderr: string;
}

/**
 * Runs one unit of work in a child process against `db` and, with `kill`, sends it SIGKILL — no
 * handler, no cleanup, the same as a crash or an OOM kill — when it reaches the marker. Resolves
 * when the process has exited.
 */
export function runChild(job: Job, db: TestDb, inputFile: string, kill?: KillAt, timeoutMs = 60_000): Promise<ChildRun> {
  const child = spawn(process.execPath, [CHILD, job, db.dialect, db.config.url, inputFile], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'silent', CRASH_HOLD_AT: kill && !('randomDelayMs' in kill) ? kill.marker : '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const run: ChildRun = { markers: [], killedAfter: null, signal: null, exitCode: null, result: null, stderr: '' };
  let buffered = '';
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  child.stdout.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    let nl: number;
    while ((nl = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      if (line.startsWith('MARK ')) {
        const name = line.slice(5);
        run.markers.push(name);
        if (kill && run.killedAfter === null && name === kill.marker) {
          run.killedAfter = name;
          if ('randomDelayMs' in kill) setTimeout(() => child.kill('SIGKILL'), Math.floor(Math.random() * kill.randomDelayMs));
          else child.kill('SIGKILL');
        }
      } else if (line.startsWith('RESULT ')) run.result = JSON.parse(line.slice(7)) as Record<string, unknown>;
    }
  });
  child.stderr.on('data', (chunk: Buffer) => (run.stderr += chunk.toString()));
  return new Promise((resolvePromise, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      run.exitCode = code;
      run.signal = signal;
      resolvePromise(run);
    });
  });
}

/** A run that must have been killed at its marker (it did not finish on its own first). */
export function expectKilled(run: ChildRun, marker: string): void {
  if (run.signal !== 'SIGKILL' || run.killedAfter !== marker) {
    throw new Error(`the child was not killed after "${marker}" (exit ${run.exitCode}, signal ${run.signal}, markers ${run.markers.join(', ')}):\n${run.stderr}`);
  }
}

/** A run that must have finished on its own with a RESULT line. */
export function expectFinished(run: ChildRun): Record<string, unknown> {
  if (run.exitCode !== 0 || !run.result) throw new Error(`the child failed (exit ${run.exitCode}, signal ${run.signal}):\n${run.stderr}`);
  return run.result;
}

/** A scratch folder for input files, removed by the returned function. */
export function scratchDir(): { dir: string; write(name: string, text: string): string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'claimflow-crash-'));
  return {
    dir,
    write(name, text) {
      const file = join(dir, name);
      writeFileSync(file, text);
      return file;
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/**
 * An 837P of `n` claims written by claimflow's own writer (one payer, one billing
 * provider, a patient per claim), with codes the demo code table knows: every claim imports and
 * scrubs clean under demo-commercial. Claim numbers are `${prefix}00001`, ….
 */
export function many837(n: number, prefix: string): string {
  const date = addDays(today(), -10);
  const npi = npiFrom('390000001');
  const claims: ExportClaim[] = Array.from({ length: n }, (_, i) => {
    const pcn = `${prefix}${String(i + 1).padStart(5, '0')}`;
    const p = i + 1;
    return {
      billingProvider: { npi, name: { entity: 'ORGANIZATION', last: 'CRASH CLINIC' }, address: { line1: '9 OAK ST', city: 'SPRINGFIELD', state: 'IL', postalCode: '627010009' }, taxId: '987654321', taxonomy: '207Q00000X' },
      payer: { name: 'CRASH PAYER', payerId: 'CRASH01', filingIndicator: 'CI' },
      subscriber: { key: `k${p}`, responsibility: 'P', memberId: `CRMEM${p}`, groupNumber: null, name: null },
      patientRelationship: null,
      patient: { name: { entity: 'PERSON', last: 'CRASHPATIENT', first: `P${p}` }, address: { line1: '1 ELM ST', city: 'SPRINGFIELD', state: 'IL', postalCode: '62701' }, birthDate: '1960-04-05', sex: 'M' },
      patientControlNumber: pcn,
      totalChargeCents: 12_500,
      placeOfService: '11',
      frequency: '1',
      payerClaimNumber: null,
      priorAuthNumber: null,
      diagnoses: ['E119'],
      rendering: null,
      lines: [{ procedureCode: '99213', modifiers: [], chargeCents: 12_500, units: 1, pointers: [1], serviceDate: date, lineControlNumber: `${pcn}-1` }],
    };
  });
  return write837p(claims, {
    senderId: 'CRASH',
    receiverId: 'CLAIMFLOW',
    usage: 'T',
    at: new Date(),
    interchangeControlNumber: 1,
    groupControlNumber: 1,
    firstTransactionControlNumber: 1,
    submitter: { name: 'CRASH', id: 'CRASH', contactName: 'X', contactPhone: '8005550100' },
    receiver: { name: 'CLAIMFLOW', id: 'CLAIMFLOW' },
  }).text;
}

/** Raw rows of a query on the test's own connection. */
export async function rows<T>(db: TestDb, sql: string, params: unknown[] = []): Promise<T[]> {
  return (await db.orm.em.fork().getConnection().execute(sql, params)) as unknown as T[];
}

/** `select count(*) as n …` (or any one-number query). */
export async function scalar(db: TestDb, sql: string, params: unknown[] = []): Promise<number> {
  return Number((await rows<{ n: number | string }>(db, sql, params))[0]!.n);
}

/** `{ STATUS: number of claims }`. */
export async function claimStatuses(db: TestDb): Promise<Record<string, number>> {
  const found = await rows<{ status: string; n: number | string }>(db, 'select status, count(*) as n from claim group by status order by status');
  return Object.fromEntries(found.map((r) => [r.status, Number(r.n)]));
}

export interface ServerProcess {
  url: string;
  stop(): Promise<void>;
}

/**
 * The built server (`npm start`: dist/src/main.js) in a process of its own on `db`, no demo seed:
 * several of them on one database are several app instances behind a load balancer.
 */
export async function startServerProcess(db: TestDb): Promise<ServerProcess> {
  const dataDir = mkdtempSync(join(tmpdir(), 'claimflow-crash-server-'));
  const child = spawn(process.execPath, [join(ROOT, 'dist', 'src', 'main.js')], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      DATABASE_URL: db.dialect === 'postgresql' ? db.config.url : `sqlite:${db.config.url}`,
      CLAIMFLOW_SEED_DEMO: 'false',
      CLAIMFLOW_WATCH_RULES: 'false',
      CLAIMFLOW_DATA_DIR: dataDir,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const started = Date.now();
  // The JSON log line `{…,"url":"http://localhost:<port>/graphql","msg":"listening"}`.
  const listening = () => out.split('\n').find((l) => l.includes('"msg":"listening"'));
  let port: string | undefined;
  while (!(port = /:(\d+)\/graphql"/.exec(listening() ?? '')?.[1])) {
    if (Date.now() - started > 30_000 || child.exitCode !== null) {
      child.kill('SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
      throw new Error(`the server did not start:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await new Promise((r) => child.once('exit', r));
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
