import 'reflect-metadata';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { MikroORM } from '@mikro-orm/core';
import { addDays, today } from '../../src/common/dates';
import { projectRoot, type DatabaseConfig, type DatabaseDialect } from '../../src/config';
import { createOrm, migrateUp } from '../../src/db/orm';
import { createScratchPgDatabase, DEFAULT_TEST_PG_URL } from '../../src/db/scratch';
import { ClaimStatus } from '../../src/modules/claim/claim-status';
import { Claim, ClaimLine } from '../../src/modules/claim/claim.entity';
import { RemittanceImportStatus, RemittanceService } from '../../src/modules/remittance/remittance.service';
import { RuleRegistry } from '../../src/rules-engine';
import { Builders, systemContext } from '../../src/seed/builders';
import { formatCents } from '../../src/x12/835/values';

/**
 * 835 posting benchmark (issue 5 item 8; not run by jest): N SUBMITTED claims with two lines each
 * are stored, an 835 paying all of them is generated (70 % paid in full, 20 % partly paid with
 * CO-45 + PR-2, 10 % with a line denied CO-97 — a Denial each, with rule prediction), and
 * RemittanceService.post is timed end to end: read, balance, match, write, in one transaction.
 * Target: < 10 s for 10,000 claims on PostgreSQL.
 *
 *   npm run build && node dist/test/bench/x12-835-bench.js [--claims 10000] [--db postgresql|sqlite|all]
 *
 * PostgreSQL: CLAIMFLOW_BENCH_PG_URL or CLAIMFLOW_TEST_PG_URL (default postgres://postgres@127.0.0.1:5432/test);
 * a scratch database beside it is dropped afterwards.
 */

export interface Bench835Result {
  dialect: DatabaseDialect;
  claims: number;
  bytes: number;
  insertMs: number;
  postMs: number;
  /** CPU time of this process during the post (the database server's time is not in it). */
  postCpuMs: number;
  /**
   * CPU time of the PostgreSQL server processes of the scratch database during the post, read from
   * /proc (local server only; null otherwise). With postCpuMs: the time the post needs on an idle
   * machine, when other work shares the cores and stretches the wall-clock figure.
   */
  pgCpuMs: number | null;
  repostMs: number;
  claimPayments: number;
  denials: number;
}

const TARGET_MS = 10_000;

async function openDb(dialect: DatabaseDialect): Promise<{ orm: MikroORM; close(): Promise<void> }> {
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'claimflow-bench835-'));
    const config: DatabaseConfig = { dialect, url: join(dir, 'bench.sqlite') };
    const orm = await createOrm(config);
    await migrateUp(orm);
    return { orm, close: async () => (await orm.close(true), rmSync(dir, { recursive: true, force: true })) };
  }
  const base = process.env.CLAIMFLOW_BENCH_PG_URL || process.env.CLAIMFLOW_TEST_PG_URL || DEFAULT_TEST_PG_URL;
  const scratch = await createScratchPgDatabase(base, 'claimflow_bench835');
  const orm = await createOrm({ dialect, url: scratch.url });
  await migrateUp(orm);
  return { orm, close: async () => (await orm.close(true), await scratch.drop()) };
}

/** Σ utime + stime of the PostgreSQL backends connected to this database (/proc, Linux, local server). */
async function pgBackendCpuMs(orm: MikroORM, dialect: DatabaseDialect): Promise<number | null> {
  if (dialect !== 'postgresql') return null;
  const rows = (await orm.em.fork().getConnection().execute('select pid from pg_stat_activity where datname = current_database()')) as { pid: number }[];
  let ticks = 0;
  for (const { pid } of rows) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      return null;
    }
  }
  return ticks * 10; // USER_HZ is 100 on Linux
}

/** Stores `n` SUBMITTED claims (bench data: inserted directly with the ORM, not walked through the lifecycle). */
export async function storeClaims(orm: MikroORM, n: number, serviceDate: string): Promise<{ pcn: string; lines: string[] }[]> {
  const b = new Builders(systemContext(orm.em.fork()));
  const payer = await b.payer({ ruleSetKey: 'demo-commercial', appealDays: 180 });
  const provider = await b.provider();
  const patient = await b.patient();
  const coverage = await b.coverage(patient, payer);
  const out: { pcn: string; lines: string[] }[] = [];
  const batch = 2_000;
  for (let start = 0; start < n; start += batch) {
    const em = orm.em.fork();
    for (let i = start; i < Math.min(n, start + batch); i++) {
      const pcn = `BN${String(i).padStart(8, '0')}`;
      const claim = em.create(Claim, {
        patient: patient.id,
        payer: payer.id,
        coverage: coverage.id,
        billingProvider: provider.id,
        renderingProvider: provider.id,
        patientControlNumber: pcn,
        placeOfService: '11',
        serviceDateFrom: serviceDate,
        serviceDateTo: serviceDate,
        totalChargeCents: 15_000,
        status: ClaimStatus.SUBMITTED,
        submittedAt: new Date(),
      });
      em.create(ClaimLine, { claim, lineNumber: 1, procedureCode: '99213', modifiers: [], units: 1, chargeCents: 12_500, diagnosisPointers: [1], serviceDate, lineControlNumber: `${pcn}-1` });
      em.create(ClaimLine, { claim, lineNumber: 2, procedureCode: '36415', modifiers: [], units: 1, chargeCents: 2_500, diagnosisPointers: [1], serviceDate, lineControlNumber: `${pcn}-2` });
      out.push({ pcn, lines: [`${pcn}-1`, `${pcn}-2`] });
    }
    await em.flush();
  }
  return out;
}

/** An 835 paying every claim: one segment per line, exact SE count. */
export function generate835(claims: { pcn: string; lines: string[] }[], day: string, serviceDate: string): string {
  const d = day.replace(/-/g, '');
  const sd = serviceDate.replace(/-/g, '');
  const body: string[] = [];
  let total = 0;
  claims.forEach((c, i) => {
    const kind = i % 10 < 7 ? 'paid' : i % 10 < 9 ? 'partial' : 'denied';
    const [p1, p2] = kind === 'paid' ? [12_500, 2_500] : kind === 'partial' ? [9_000, 2_000] : [10_000, 0];
    const paid = p1 + p2;
    total += paid;
    body.push(`CLP*${c.pcn}*1*150*${formatCents(paid)}*${kind === 'partial' ? '10' : ''}*12*ICN${String(i).padStart(10, '0')}`);
    body.push('NM1*QC*1*DOE*JANE****MI*M0000001');
    body.push(`SVC*HC:99213*125*${formatCents(p1)}**1`, `DTM*472*${sd}`);
    if (kind === 'partial') body.push('CAS*CO*45*25', `REF*6R*${c.lines[0]}`);
    else if (kind === 'denied') body.push('CAS*CO*45*25', `REF*6R*${c.lines[0]}`);
    else body.push(`REF*6R*${c.lines[0]}`);
    body.push(`SVC*HC:36415*25*${formatCents(p2)}**1`, `DTM*472*${sd}`);
    if (kind === 'partial') body.push('CAS*PR*2*5', `REF*6R*${c.lines[1]}`);
    else if (kind === 'denied') body.push('CAS*CO*97*25', `REF*6R*${c.lines[1]}`, 'LQ*HE*M15');
    else body.push(`REF*6R*${c.lines[1]}`);
  });
  const header = [`BPR*I*${formatCents(total)}*C*ACH*CCP*01*011000015*DA*123456*1512345678**01*011000028*DA*654321*${d}`, 'TRN*1*BENCH-EFT-0001*1512345678', `DTM*405*${d}`, 'N1*PR*DEMO PAYER', 'N1*PE*DEMO CLINIC*XX*1234567893', 'LX*1'];
  const segs = ['ST*835*0001*005010X221A1', ...header, ...body];
  segs.push(`SE*${segs.length + 1}*0001`);
  return [
    `ISA*00*          *00*          *ZZ*DEMOPAYER      *ZZ*DEMOCLINIC     *${d.slice(2)}*1200*^*00501*000000001*0*P*:`,
    `GS*HP*DEMOPAYER*DEMOCLINIC*${d}*1200*1*X*005010X221A1`,
    ...segs,
    'GE*1*1',
    'IEA*1*000000001',
  ]
    .map((s) => `${s}~`)
    .join('\n');
}

export async function bench835(dialect: DatabaseDialect, n: number): Promise<Bench835Result> {
  const db = await openDb(dialect);
  const rules = new RuleRegistry(resolve(projectRoot(), 'rules'));
  try {
    const loaded = await rules.reload('bench');
    if (loaded.status === 'REFUSED') throw new Error('rules do not load');
    const day = today();
    const serviceDate = addDays(day, -10);
    let t0 = Date.now();
    const claims = await storeClaims(db.orm, n, serviceDate);
    const insertMs = Date.now() - t0;
    const x12 = generate835(claims, day, serviceDate);
    const ctx = systemContext(db.orm.em.fork(), { sub: 'bench', role: 'BILLER' as never }, rules);
    const pg0 = await pgBackendCpuMs(db.orm, dialect);
    t0 = Date.now();
    const cpu0 = process.cpuUsage();
    const result = await new RemittanceService(ctx).post(x12);
    const postMs = Date.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    const postCpuMs = Math.round((cpu.user + cpu.system) / 1000);
    const pgCpuMs = pg0 === null ? null : (await pgBackendCpuMs(db.orm, dialect))! - pg0;
    if (result.status !== RemittanceImportStatus.POSTED) throw new Error(`not posted: ${result.status} ${result.message ?? ''}`);
    t0 = Date.now();
    const again = await new RemittanceService(systemContext(db.orm.em.fork(), { sub: 'bench', role: 'BILLER' as never }, rules)).post(x12);
    const repostMs = Date.now() - t0;
    if (again.status !== RemittanceImportStatus.ALREADY_POSTED) throw new Error('second post was not ALREADY_POSTED');
    const check = db.orm.em.fork();
    const paid = await check.count(Claim, { status: ClaimStatus.PAID });
    if (paid !== claims.filter((_, i) => i % 10 < 7).length) throw new Error(`expected ${Math.ceil(n * 0.7)} PAID claims, found ${paid}`);
    return { dialect, claims: n, bytes: Buffer.byteLength(x12), insertMs, postMs, postCpuMs, pgCpuMs, repostMs, claimPayments: result.claimPaymentIds.length, denials: result.denials.length };
  } finally {
    rules.close();
    await db.close();
  }
}

export function print835(results: Bench835Result[]): void {
  console.log('\n835 posting (RemittanceService.post, one transaction)');
  console.log('db          claims   file MB  store claims s  post s  (node CPU s + PostgreSQL CPU s)  claims/s  repost ms  denials  target < 10 s');
  for (const r of results) {
    console.log(
      `${r.dialect.padEnd(11)} ${String(r.claims).padStart(6)} ${(r.bytes / 1e6).toFixed(1).padStart(8)} ${(r.insertMs / 1000).toFixed(1).padStart(15)} ${(r.postMs / 1000).toFixed(2).padStart(7)} ${`${(r.postCpuMs / 1000).toFixed(2)} + ${r.pgCpuMs === null ? '-' : (r.pgCpuMs / 1000).toFixed(2)}`.padStart(31)} ${Math.round((r.claims * 1000) / r.postMs).toString().padStart(9)} ${String(r.repostMs).padStart(10)} ${String(r.denials).padStart(8)}  ${r.dialect === 'postgresql' ? (r.postMs < TARGET_MS ? 'met' : 'MISSED') : '-'}`,
    );
  }
}

if (require.main === module) {
  const argv = process.argv.slice(2);
  const arg = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const n = Number(arg('--claims') ?? 10_000);
  const dbArg = arg('--db') ?? 'postgresql';
  const dbs: DatabaseDialect[] = dbArg === 'all' ? ['postgresql', 'sqlite'] : [dbArg as DatabaseDialect];
  (async () => {
    const results: Bench835Result[] = [];
    for (const d of dbs) results.push(await bench835(d, n));
    print835(results);
  })().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
