import 'reflect-metadata';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { MikroORM } from '@mikro-orm/core';
import type { DatabaseConfig, DatabaseDialect } from '../../src/config';
import { createOrm, migrateUp } from '../../src/db/orm';
import { createScratchPgDatabase, DEFAULT_TEST_PG_URL } from '../../src/db/scratch';
import { CodeSystem } from '../../src/modules/code/code.entity';
import { CodeService } from '../../src/modules/code/code.service';
import { runImport } from '../../src/modules/reference/import/runner';
import { Icd10CmOrderImporter } from '../../src/modules/reference/importers/icd10cm';
import { MueImporter } from '../../src/modules/reference/importers/mue';
import { mueFor, ptpConflicts } from '../../src/modules/reference/lookups/ncci';
import { EditSetting } from '../../src/modules/reference/reference.entities';
import { systemContext } from '../../src/seed/builders';
import { claimCodes, writeMueFile, writePtpFile } from './generate';
import { benchRules, printRulesTable, type RulesBenchResult } from './rules-bench';
import { bench835, print835, type Bench835Result } from './x12-835-bench';
import { bench837Export, printBench837, type Bench837Result } from './x12-837-bench';

/**
 * Reference-data benchmarks (issue 3), on a temp SQLite file and a scratch PostgreSQL database:
 *   a. ICD-10-CM FY2026 order file (../shared/data) through runImport          target < 20 s
 *   b. a generated 1,000,000-row NCCI PTP file (CMS layout) in a child process target < 90 s, peak RSS < 500 MB
 *   c. code search (CodeService.list) on the full ICD-10-CM table, p95         target < 20 ms
 *   d. PTP + MUE lookups for a 10-line claim, warm, mean per claim              target < 1 ms
 *   r. rules engine (rules-bench.ts): rule load, gather, evaluateClaim with the Medicare rule set
 *      vs the same checks in plain TypeScript, end to end — figures and ratios, no target
 *   e. 837P export of N READY claims (x12-837-bench.ts), and submitClaims end to end  target < 10 s on PostgreSQL
 *   p. posting a generated N-claim 835 (x12-835-bench.ts), one transaction          target < 10 s on PostgreSQL
 * Prints a table and which targets were missed; exits 0 either way (1 only when the benchmark
 * itself fails).
 *
 * Options: --db sqlite|postgresql|all (default all), --rows N (PTP rows, default 1000000),
 * --only a,b,c,d,r,e,p (or BENCH_ONLY=rules / BENCH_ONLY=x12 / BENCH_ONLY=a,d), --claims N (rules
 * bench, default 2000), --x12-claims N (837P export and 835 posting, default 10000).
 * PostgreSQL: CLAIMFLOW_BENCH_PG_URL or CLAIMFLOW_TEST_PG_URL (default
 * postgres://postgres@127.0.0.1:5432/test); a scratch database beside it is dropped afterwards.
 */

const exec = promisify(execFile);
const ICD_FILE = resolve(__dirname, '../../../shared/data/codes/icd10cm/icd10cm_order_2026.txt');
const ICD_FILE_FROM_DIST = resolve(__dirname, '../../../../shared/data/codes/icd10cm/icd10cm_order_2026.txt');
const PTP_EFFECTIVE = '2026-01-01';
const PTP_NEXT_EFFECTIVE = '2026-04-01';

interface Args {
  dbs: DatabaseDialect[];
  rows: number;
  only: Set<string>;
  claims: number;
  x12Claims: number;
}

const ONLY_ALIASES: Record<string, string[]> = { rules: ['r'], x12: ['e', 'p'] };
const onlySet = (list: string) => new Set(list.split(',').flatMap((s) => ONLY_ALIASES[s.trim()] ?? [s.trim()]));

function parseArgs(argv: string[]): Args {
  const args: Args = { dbs: ['sqlite', 'postgresql'], rows: 1_000_000, only: new Set(['a', 'b', 'c', 'd', 'r', 'e', 'p']), claims: 2000, x12Claims: 10_000 };
  if (process.env.BENCH_ONLY) args.only = onlySet(process.env.BENCH_ONLY);
  for (let i = 0; i < argv.length; i++) {
    const v = argv[i + 1];
    if (argv[i] === '--db' && v) {
      args.dbs = v === 'all' ? ['sqlite', 'postgresql'] : [v as DatabaseDialect];
      i++;
    } else if (argv[i] === '--rows' && v) {
      args.rows = Number(v);
      i++;
    } else if (argv[i] === '--only' && v) {
      args.only = onlySet(v);
      i++;
    } else if (argv[i] === '--claims' && v) {
      args.claims = Number(v);
      i++;
    } else if (argv[i] === '--x12-claims' && v) {
      args.x12Claims = Number(v);
      i++;
    }
  }
  return args;
}

interface Figure {
  metric: string;
  target: number;
  unit: string;
  /** Lower is better; null = not measured. */
  values: Partial<Record<DatabaseDialect, number | null>>;
  notes: Partial<Record<DatabaseDialect, string>>;
}

const figures: Figure[] = [];
function record(metric: string, target: number, unit: string, dialect: DatabaseDialect, value: number | null, note?: string): void {
  let f = figures.find((x) => x.metric === metric);
  if (!f) {
    f = { metric, target, unit, values: {}, notes: {} };
    figures.push(f);
  }
  f.values[dialect] = value;
  if (note) f.notes[dialect] = note;
}

function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

const ms = (startNs: bigint) => Number(process.hrtime.bigint() - startNs) / 1e6;

interface BenchDb {
  config: DatabaseConfig;
  orm: MikroORM;
  close(): Promise<void>;
}

async function openDb(dialect: DatabaseDialect): Promise<BenchDb> {
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'claimflow-bench-'));
    const config: DatabaseConfig = { dialect, url: join(dir, 'bench.sqlite') };
    const orm = await createOrm(config);
    await migrateUp(orm);
    return {
      config,
      orm,
      async close() {
        await orm.close(true);
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const base = process.env.CLAIMFLOW_BENCH_PG_URL || process.env.CLAIMFLOW_TEST_PG_URL || DEFAULT_TEST_PG_URL;
  const scratch = await createScratchPgDatabase(base, 'claimflow_bench');
  const config: DatabaseConfig = { dialect, url: scratch.url };
  const orm = await createOrm(config);
  await migrateUp(orm);
  return {
    config,
    orm,
    async close() {
      await orm.close(true);
      await scratch.drop();
    },
  };
}

async function benchIcd(db: BenchDb, dialect: DatabaseDialect): Promise<boolean> {
  const file = [ICD_FILE, ICD_FILE_FROM_DIST].find((f) => existsSync(f));
  if (!file) {
    record('a. ICD-10-CM FY2026 import (98k rows)', 20, 's', dialect, null, 'skipped: ../shared/data not found');
    return false;
  }
  const started = process.hrtime.bigint();
  const r = await runImport(db.orm.em.fork(), new Icd10CmOrderImporter(), file, { actor: 'bench' });
  const seconds = ms(started) / 1000;
  record('a. ICD-10-CM FY2026 import (98k rows)', 20, 's', dialect, seconds, `${r.rowsRead} rows, ${r.counts.added} added`);
  return true;
}

interface ChildResult {
  seconds: number;
  rowsRead: number;
  counts: { added: number; changed: number; retired: number };
  maxRssMb: number;
  sampledPeakMb: number;
  rssAfterOrmInitMb: number;
}

async function importInChild(db: BenchDb, dialect: DatabaseDialect, file: string, effective: string): Promise<ChildResult> {
  const child = join(__dirname, 'ptp-import-child.js');
  const { stdout } = await exec(process.execPath, [child, dialect, db.config.url, file, effective], { maxBuffer: 1 << 20, timeout: 15 * 60_000 });
  return JSON.parse(stdout.trim().split('\n').pop()!) as ChildResult;
}

async function benchPtp(db: BenchDb, dialect: DatabaseDialect, files: { first: string; next: string }, rows: number): Promise<void> {
  const label = `${(rows / 1e6).toLocaleString('en-US')}M`;
  const r = await importInChild(db, dialect, files.first, PTP_EFFECTIVE);
  record(`b. PTP import, ${label} rows`, 90, 's', dialect, r.seconds, `${r.rowsRead} rows, ${Math.round(r.rowsRead / r.seconds).toLocaleString('en-US')} rows/s`);
  record(`b. PTP import, ${label} rows: peak RSS`, 500, 'MB', dialect, r.maxRssMb, `${r.rssAfterOrmInitMb.toFixed(0)} MB after ORM start`);
  // Not a stated target: the next quarter over a full table (SQL diff against it, then replace).
  const n = await importInChild(db, dialect, files.next, PTP_NEXT_EFFECTIVE);
  record(`b2. PTP next quarter over ${label} rows (diff + replace)`, 90, 's', dialect, n.seconds, `+${n.counts.added} ~${n.counts.changed} -${n.counts.retired}`);
  record(`b2. PTP next quarter: peak RSS`, 500, 'MB', dialect, n.maxRssMb);
}

const SEARCHES: { kind: 'prefix' | 'word'; text: string }[] = [
  { kind: 'prefix', text: 'E11' },
  { kind: 'prefix', text: 'I10' },
  { kind: 'prefix', text: 'S72.0' },
  { kind: 'prefix', text: 'Z00' },
  { kind: 'prefix', text: 'M54' },
  { kind: 'prefix', text: 'T50' },
  { kind: 'prefix', text: 'Q99' },
  { kind: 'word', text: 'diabetes' },
  { kind: 'word', text: 'fracture' },
  { kind: 'word', text: 'hypertension' },
  { kind: 'word', text: 'pneumonia' },
  { kind: 'word', text: 'asthma' },
  { kind: 'word', text: 'migraine' },
  { kind: 'word', text: 'xylophone' },
];

async function benchSearch(db: BenchDb, dialect: DatabaseDialect, label: string): Promise<void> {
  const run = async (text: string) => {
    const ctx = systemContext(db.orm.em.fork());
    const page = await new CodeService(ctx).list({ system: CodeSystem.ICD10CM, search: text, effectiveOn: '2026-03-01' }, { first: 20, afterId: null });
    return page.edges.length;
  };
  for (const s of SEARCHES) await run(s.text); // warm-up
  const all: number[] = [];
  const byKind: Record<string, number[]> = { prefix: [], word: [] };
  let worst = { text: '', ms: 0 };
  for (let rep = 0; rep < 10; rep++) {
    for (const s of SEARCHES) {
      const t = process.hrtime.bigint();
      await run(s.text);
      const d = ms(t);
      all.push(d);
      byKind[s.kind]!.push(d);
      if (d > worst.ms) worst = { text: s.text, ms: d };
    }
  }
  record(`c. code search p95, ${label}`, 20, 'ms', dialect, percentile(all, 95), `p50 ${percentile(all, 50).toFixed(1)} ms; slowest "${worst.text}" ${worst.ms.toFixed(1)} ms`);
  record(`c. code search p95, ${label}: prefix`, 20, 'ms', dialect, percentile(byKind.prefix!, 95));
  record(`c. code search p95, ${label}: word`, 20, 'ms', dialect, percentile(byKind.word!, 95));
}

async function benchLookups(db: BenchDb, dialect: DatabaseDialect, mueFile: string): Promise<void> {
  await runImport(db.orm.em.fork(), new MueImporter(), mueFile, { actor: 'bench', setting: EditSetting.PRACTITIONER, effectiveFrom: PTP_EFFECTIVE });
  const codes = claimCodes();
  const date = '2026-02-10';
  const claim = async () => {
    const em = db.orm.em.fork();
    const [p, m] = await Promise.all([ptpConflicts(em, EditSetting.PRACTITIONER, codes, date), mueFor(em, EditSetting.PRACTITIONER, codes, date)]);
    if (p.status !== 'OK' || m.status !== 'OK') throw new Error(`lookup said ${p.status}/${m.status}`);
    return p.conflicts.length;
  };
  const t0 = process.hrtime.bigint();
  const conflicts = await claim();
  const cold = ms(t0);
  for (let i = 0; i < 1000; i++) await claim();
  const n = 20_000;
  const t1 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) await claim();
  const warm = ms(t1) / n;
  record('d. PTP + MUE lookup, 10-line claim, warm (mean)', 1, 'ms', dialect, warm, `cold ${cold.toFixed(1)} ms; ${conflicts} PTP rows in force; ${(warm * 1000).toFixed(1)} µs`);
}

function fmt(v: number | null | undefined, unit: string): string {
  if (v == null) return '—';
  if (unit === 'ms' && v < 1) return `${v.toFixed(3)} ms`;
  return `${v.toFixed(v < 10 ? 2 : 1)} ${unit}`;
}

function printTable(dbs: DatabaseDialect[]): string[] {
  const missed: string[] = [];
  const header = ['metric', 'target', ...dbs.flatMap((d) => [d, `${d} / target`])];
  const body = figures.map((f) => {
    const cells = [f.metric, `< ${f.target} ${f.unit}`];
    for (const d of dbs) {
      const v = f.values[d];
      cells.push(fmt(v, f.unit));
      if (v == null) cells.push(f.notes[d]?.startsWith('skipped') || f.notes[d]?.startsWith('failed') ? f.notes[d]! : 'n/a');
      else {
        const ratio = v / f.target;
        cells.push(`${ratio.toFixed(ratio < 0.1 ? 3 : 2)}${ratio >= 1 ? '  MISSED' : ''}`);
        if (ratio >= 1) missed.push(`${d}: ${f.metric} = ${fmt(v, f.unit)} (target < ${f.target} ${f.unit})`);
      }
    }
    return cells;
  });
  const widths = header.map((_, i) => Math.max(header[i]!.length, ...body.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ');
  console.log(`\n${line(header)}\n${widths.map((w) => '-'.repeat(w)).join('-|-')}`);
  for (const r of body) console.log(line(r));
  console.log('\nnotes:');
  for (const f of figures) for (const d of dbs) if (f.notes[d]) console.log(`  ${d} ${f.metric}: ${f.notes[d]}`);
  return missed;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (!existsSync(join(__dirname, 'ptp-import-child.js'))) throw new Error('run the compiled benchmark: npm run bench (it builds dist/ first)');
  const work = mkdtempSync(join(tmpdir(), 'claimflow-bench-files-'));
  const ptpFiles = { first: join(work, 'ptp-bench-practitioner-2026q1.txt'), next: join(work, 'ptp-bench-practitioner-2026q2.txt') };
  const mueFile = join(work, 'MCR_MUE_PractitionerServices_Eff_01-01-2026.csv');
  const rulesResults: RulesBenchResult[] = [];
  try {
    if (args.only.has('b') || args.only.has('d') || args.only.has('r')) {
      const t = process.hrtime.bigint();
      await writePtpFile(ptpFiles.first, args.rows);
      if (args.only.has('b') || args.only.has('d')) await writePtpFile(ptpFiles.next, args.rows, true);
      await writeMueFile(mueFile);
      console.log(`generated two quarters of ${args.rows.toLocaleString('en-US')} PTP rows in ${(ms(t) / 1000).toFixed(1)} s (${work})`);
    }
    for (const dialect of args.dbs) {
      console.log(`\n== ${dialect}`);
      let db: BenchDb;
      try {
        db = await openDb(dialect);
      } catch (err) {
        const note = `skipped: cannot open a ${dialect} database (${(err as Error).message.split('\n')[0]})`;
        console.log(note);
        for (const m of ['a. ICD-10-CM FY2026 import (98k rows)']) record(m, 20, 's', dialect, null, note);
        continue;
      }
      try {
        const step = async (id: string, name: string, fn: () => Promise<unknown>) => {
          if (!args.only.has(id)) return;
          const t = process.hrtime.bigint();
          console.log(`${name}…`);
          try {
            await fn();
          } catch (err) {
            console.log(`  failed: ${(err as Error).stack ?? String(err)}`);
            record(`${id}. ${name}`, 1, '', dialect, null, `failed: ${(err as Error).message.split('\n')[0]}`);
          }
          console.log(`  (${(ms(t) / 1000).toFixed(1)} s)`);
        };
        let icdLoaded = false;
        await step('a', 'ICD-10-CM import', async () => {
          icdLoaded = await benchIcd(db, dialect);
        });
        await step('b', 'PTP import (child process)', () => benchPtp(db, dialect, ptpFiles, args.rows));
        await step('c', 'code search', async () => {
          if (!icdLoaded && args.only.has('a')) return;
          if (!icdLoaded) icdLoaded = await benchIcd(db, dialect);
          if (!icdLoaded) return;
          // Searches run on the statistics a real import leaves: ReferenceService.importFile (the
          // CLI and the mutation) runs ANALYZE after every import; runImport alone does not.
          await db.orm.em.getConnection().execute('analyze');
          await benchSearch(db, dialect, 'after an import');
        });
        await step('d', 'PTP + MUE lookups', async () => {
          if (!args.only.has('b')) await benchPtp(db, dialect, ptpFiles, args.rows);
          await benchLookups(db, dialect, mueFile);
        });
        await step('r', 'rules engine (Medicare rule set)', async () => {
          const importPtp = () => importInChild(db, dialect, ptpFiles.first, PTP_EFFECTIVE);
          rulesResults.push(await benchRules({ dialect, orm: db.orm, claims: args.claims, ptpRows: args.rows, mueFile, effectiveFrom: PTP_EFFECTIVE, workDir: work, importPtp }));
        });
      } finally {
        await db.close();
      }
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  if (figures.length) {
    const missed = printTable(args.dbs);
    console.log(missed.length ? `\nTARGETS MISSED (${missed.length}):\n${missed.map((m) => `  - ${m}`).join('\n')}` : '\nall targets met');
  }
  printRulesTable(rulesResults);

  // X12 (issue 5): each opens its own scratch database.
  const exports837: Bench837Result[] = [];
  const posts835: Bench835Result[] = [];
  for (const dialect of args.dbs) {
    if (args.only.has('e')) {
      console.log(`\n[${dialect}] e. 837P export of ${args.x12Claims} claims …`);
      exports837.push(await bench837Export(dialect, args.x12Claims));
    }
    if (args.only.has('p')) {
      console.log(`[${dialect}] p. 835 posting of ${args.x12Claims} claims …`);
      posts835.push(await bench835(dialect, args.x12Claims));
    }
  }
  if (exports837.length) {
    console.log('');
    printBench837(exports837);
  }
  if (posts835.length) print835(posts835);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
