import 'reflect-metadata';
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { signToken } from '../../src/auth/jwt';
import { addDays, today } from '../../src/common/dates';
import { Role } from '../../src/common/enums';
import { loadConfig } from '../../src/config';
import { createScratchPgDatabase, DEFAULT_TEST_PG_URL } from '../../src/db/scratch';
import { Claim } from '../../src/modules/claim/claim.entity';
import { ClaimStatus } from '../../src/modules/claim/claim-status';
import { Patient } from '../../src/modules/patient/patient.entity';
import { RemittanceService } from '../../src/modules/remittance/remittance.service';
import { seedDemoIfEmpty } from '../../src/seed/demo';
import { Builders, systemContext } from '../../src/seed/builders';
import { createLogger } from '../../src/server/logger';
import { startServer } from '../../src/server/start';
import { generate835, storeClaims } from '../bench/x12-835-bench';
import { seed } from '../bench/x12-837-bench';

/**
 * Load test (issue 6 item 6; not part of `npm test`):
 *
 *   npm run load [-- --duration 60 --connections 8 --claims 5000 --max-heap-growth-mb 20]
 *
 * Starts the server in a child process (NODE_ENV=production, --expose-gc, request logs at info to
 * /dev/null) on a scratch PostgreSQL database beside CLAIMFLOW_LOAD_PG_URL or CLAIMFLOW_TEST_PG_URL
 * (default postgres://postgres@127.0.0.1:5432/test; dropped afterwards), seeds the demo office,
 * `--claims` READY claims and an 835 posting (claims, payments, denials), then drives it with
 * autocannon on 127.0.0.1: per connection a repeating mix of 7 reads (a claims page with nested
 * patient, payer, lines, diagnoses and findings; the denial work queue with each denial's claim;
 * a patient by id with coverages; a claim by id with its history) and 3 writes (createPatient;
 * updatePayer; changeClaimStatus READY ⇄ DRAFT, the way back scrubbing the claim), i.e. 70 % / 30 %.
 * Writes carry the version the previous write returned, from a pool of payers and claims with at
 * least one per connection, so no two requests ever race for one row: every response must be a
 * 200 without GraphQL errors.
 *
 * The per-principal rate limit (CLAIMFLOW_RATE_LIMIT_PER_MINUTE) is turned off (0) for the
 * server under test: this measures the server, not the limiter.
 *
 * Prints latency p50/p90/p99 (overall and per operation), requests/s, non-2xx and GraphQL error
 * counts, and the server's memory: after a forced GC before the run (after the warm-up) and after
 * it (once the server is idle), and as it is every 10 s during it. Exits 1 on any error or when the
 * heap after GC grew by more than --max-heap-growth-mb.
 */

interface Args {
  duration: number;
  warmup: number;
  connections: number;
  claims: number;
  maxHeapGrowthMb: number;
}

function parseArgs(argv: string[]): Args {
  const out: Args = { duration: 60, warmup: 10, connections: 8, claims: 5000, maxHeapGrowthMb: 20 };
  const names: Record<string, keyof Args> = { '--duration': 'duration', '--warmup': 'warmup', '--connections': 'connections', '--claims': 'claims', '--max-heap-growth-mb': 'maxHeapGrowthMb' };
  for (let i = 0; i < argv.length; i++) {
    const key = names[argv[i]!];
    const value = Number(argv[i + 1]);
    if (!key || !Number.isFinite(value) || value < 0) throw new Error(`usage: run.js [--duration s] [--warmup s] [--connections n] [--claims n] [--max-heap-growth-mb mb] (at ${argv[i]})`);
    out[key] = value;
    i++;
  }
  return out;
}

/** What the server child hands the load generator once it listens. */
interface Fixtures {
  port: number;
  patientIds: string[];
  claimIds: string[];
  payers: { id: string; version: number }[];
  claims: { id: string; version: number }[];
}

interface MemorySample {
  label: string;
  heapUsedMb: number;
  rssMb: number;
}

type ToServer = { type: 'sample'; label: string; gc: boolean } | { type: 'stop' };
type FromServer = { type: 'ready'; fixtures: Fixtures } | { type: 'sample'; sample: MemorySample } | { type: 'stopped' };

const mb = (bytes: number) => Math.round((bytes / 1048576) * 10) / 10;

// ───────────────────────────── server child ─────────────────────────────

async function serverChild(): Promise<void> {
  const args = parseArgs(process.argv.slice(3));
  const config = { ...loadConfig(), port: 0, host: '127.0.0.1', watchRules: false };
  // Request logs are written as in production, to /dev/null: their cost is part of the figures.
  const logger = createLogger(config.logLevel, (await import('pino')).default.destination('/dev/null'));
  const server = await startServer(config, logger);
  const orm = server.orm;
  await seedDemoIfEmpty(orm.em.fork(), server.rules);
  const version = server.rules.currentOrNull()!.ruleSets.get('demo-commercial')!.version;
  const readyIds = await seed(orm, args.claims, version, 7);
  // An 835 for 500 more claims: remittances, payments and 50 denials for the work queue.
  const day = today();
  const serviceDate = addDays(day, -10);
  const paid = await storeClaims(orm, 500, serviceDate);
  const posted = await new RemittanceService(systemContext(orm.em.fork(), { sub: 'load-seed', role: Role.BILLER }, server.rules)).post(generate835(paid, day, serviceDate));
  if (posted.status !== 'POSTED') throw new Error(`seed 835 not posted: ${posted.status}`);
  const b = new Builders(systemContext(orm.em.fork(), { sub: 'load-seed', role: Role.ADMIN }, server.rules));
  const payers: Fixtures['payers'] = [];
  for (let i = 0; i < args.connections + 2; i++) {
    const p = await b.payer({ name: `Load Payer ${i}`, payerId: `LOAD${String(i).padStart(4, '0')}`, ruleSetKey: 'demo-commercial' });
    payers.push({ id: p.id, version: p.version });
  }
  const em = orm.em.fork();
  const patientIds = (await em.find(Patient, {}, { fields: ['id'], limit: 500 })).map((p) => p.id);
  const pool = await em.find(Claim, { id: { $in: readyIds.slice(0, args.connections + 2) }, status: ClaimStatus.READY }, { fields: ['id', 'version'] });
  const fixtures: Fixtures = {
    port: server.port,
    patientIds,
    claimIds: readyIds.slice(0, 500),
    payers,
    claims: pool.map((c) => ({ id: c.id, version: c.version })),
  };
  process.on('message', (m: ToServer) => {
    if (m.type === 'sample') {
      if (m.gc) global.gc?.();
      const u = process.memoryUsage();
      process.send!({ type: 'sample', sample: { label: m.label, heapUsedMb: mb(u.heapUsed), rssMb: mb(u.rss) } } satisfies FromServer);
    } else if (m.type === 'stop') {
      void (async () => {
        await server.stop();
        server.httpServer.close();
        process.send!({ type: 'stopped' } satisfies FromServer, () => process.exit(0));
      })();
    }
  });
  process.send!({ type: 'ready', fixtures } satisfies FromServer);
}

// ───────────────────────────── load generator ─────────────────────────────

const CLAIMS_PAGE = `query LoadClaims($first: Int) { claims(first: $first) { pageInfo { hasNextPage endCursor } edges { cursor node {
  id version status patientControlNumber serviceDateFrom totalChargeCents
  patient { id lastName birthDate } payer { id name payerId } billingProvider { id npi displayName }
  diagnoses { position code } lines { lineNumber procedureCode modifiers units chargeCents }
  findings { ruleId severity message } } } } }`;
const DENIAL_QUEUE = `query LoadDenials($first: Int) { denials(first: $first, orderBy: AMOUNT) { edges { cursor node {
  id version status carc rarcs groupCode amountCents ageDays deniedOn appealDeadline predictedByRuleId
  claim { id status patientControlNumber } payer { id name } } } } }`;
const PATIENT = `query LoadPatient($id: ID!) { patient(id: $id) { id version firstName lastName birthDate sex city state coverages { id memberId order payer { id name } } } }`;
const CLAIM = `query LoadClaim($id: ID!) { claim(id: $id) { id version status allowedTransitions lines { lineNumber procedureCode chargeCents } history { action fromStatus toStatus claimVersion } } }`;
const CREATE_PATIENT = `mutation LoadCreatePatient($input: CreatePatientInput!) { createPatient(input: $input) { patient { id version } } }`;
const UPDATE_PAYER = `mutation LoadUpdatePayer($input: UpdatePayerInput!) { updatePayer(input: $input) { payer { id version timelyFilingDays } } }`;
const CHANGE_STATUS = `mutation LoadChangeStatus($input: ChangeClaimStatusInput!) { changeClaimStatus(input: $input) { moved claim { id version status } } }`;

interface Tally {
  /** Per operation; ms: from building the request to its response (one request in flight per connection). */
  byOperation: Map<string, { count: number; graphqlErrors: number; non200: number; ms: number[] }>;
  firstErrors: string[];
}

/** 1 → A, 27 → AA: patient names take letters only. */
function letters(n: number): string {
  let out = '';
  for (let v = n; v > 0; v = Math.floor((v - 1) / 26)) out = String.fromCharCode(65 + ((v - 1) % 26)) + out;
  return out;
}

function pick<T>(xs: readonly T[]): T {
  return xs[Math.floor(Math.random() * xs.length)]!;
}

async function gqlFetch(url: string, token: string, query: string, variables: object): Promise<Record<string, unknown>> {
  const res = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query, variables }) });
  const body = (await res.json()) as { data?: Record<string, unknown>; errors?: unknown[] };
  if (body.errors?.length) throw new Error(`resync failed: ${JSON.stringify(body.errors[0])}`);
  return body.data!;
}

function buildRequests(fx: Fixtures, tally: Tally): { requests: autocannon.Request[]; resync(url: string, token: string): Promise<void> } {
  let patientSeq = 0;
  type PayerItem = (typeof fx.payers)[number];
  type ClaimItem = { id: string; version: number; status: 'READY' | 'DRAFT' };
  let payerPool: PayerItem[] = [...fx.payers];
  let claimPool: ClaimItem[] = fx.claims.map((c) => ({ ...c, status: 'READY' }));
  type Ctx = { payer?: PayerItem; claim?: ClaimItem; t0?: number };

  /** A POST /graphql whose body is built per request; its response is checked and tallied. */
  const op = (name: string, body: (ctx: Ctx) => object, after?: (data: Record<string, unknown> | null, ctx: Ctx) => void): autocannon.Request => ({
    method: 'POST',
    path: '/graphql',
    setupRequest: (req, context) => {
      (context as Ctx).t0 = performance.now();
      return { ...req, body: JSON.stringify(body(context as Ctx)) };
    },
    onResponse: (status, raw, context) => {
      let t = tally.byOperation.get(name);
      if (!t) tally.byOperation.set(name, (t = { count: 0, graphqlErrors: 0, non200: 0, ms: [] }));
      t.count++;
      t.ms.push(performance.now() - (context as Ctx).t0!);
      let parsed: { data?: Record<string, unknown> | null; errors?: { message: string; extensions?: { code?: string } }[] } = {};
      try {
        parsed = JSON.parse(raw) as typeof parsed;
      } catch {
        parsed = { errors: [{ message: `not JSON: ${raw.slice(0, 80)}` }] };
      }
      if (status !== 200) t.non200++;
      if (parsed.errors?.length) {
        t.graphqlErrors++;
        if (tally.firstErrors.length < 5) tally.firstErrors.push(`${name}: ${status} ${parsed.errors[0]!.extensions?.code ?? ''} ${parsed.errors[0]!.message}`);
      }
      after?.(parsed.data ?? null, context as Ctx);
    },
  });

  const read = {
    claims: op('claims page (20, nested)', () => ({ query: CLAIMS_PAGE, variables: { first: 20 } })),
    denials: op('denial queue (20)', () => ({ query: DENIAL_QUEUE, variables: { first: 20 } })),
    patient: op('patient by id', () => ({ query: PATIENT, variables: { id: pick(fx.patientIds) } })),
    claim: op('claim by id', () => ({ query: CLAIM, variables: { id: pick(fx.claimIds) } })),
  };
  const createPatient = op('createPatient', () => {
    const n = ++patientSeq;
    return {
      query: CREATE_PATIENT,
      variables: { input: { firstName: `LOAD ${letters(n)}`, lastName: 'LOADTEST', birthDate: '1970-01-01', sex: n % 2 ? 'F' : 'M', addressLine1: `${n} LOAD ST`, city: 'SPRINGFIELD', state: 'IL', postalCode: '62701' } },
    };
  });
  // Each payer or claim is taken from its pool for one request and put back with the version the
  // response returned: a connection has one request in flight, so no two requests share a row.
  const updatePayer = op(
    'updatePayer',
    (ctx) => {
      const payer = (ctx.payer = payerPool.shift()!);
      return { query: UPDATE_PAYER, variables: { input: { id: payer.id, version: payer.version, timelyFilingDays: 90 + (payer.version % 200) } } };
    },
    (data, ctx) => {
      const p = (data?.updatePayer as { payer?: { version: number } } | undefined)?.payer;
      if (p) ctx.payer!.version = p.version;
      payerPool.push(ctx.payer!);
    },
  );
  const changeStatus = op(
    'changeClaimStatus',
    (ctx) => {
      const claim = (ctx.claim = claimPool.shift()!);
      return { query: CHANGE_STATUS, variables: { input: { id: claim.id, version: claim.version, status: claim.status === 'READY' ? 'DRAFT' : 'READY' } } };
    },
    (data, ctx) => {
      const c = (data?.changeClaimStatus as { claim?: { version: number; status: 'READY' | 'DRAFT' } } | undefined)?.claim;
      if (c) Object.assign(ctx.claim!, { version: c.version, status: c.status });
      claimPool.push(ctx.claim!);
    },
  );
  return {
    // 7 reads and 3 writes, interleaved.
    requests: [read.claims, read.patient, createPatient, read.denials, read.claim, updatePayer, read.claims, read.patient, changeStatus, read.denials],
    // When a run stops, requests still in flight never report back: their rows are re-read.
    async resync(url, token) {
      payerPool = [];
      for (const p of fx.payers) payerPool.push({ id: p.id, version: ((await gqlFetch(url, token, 'query ($id: ID!) { payer(id: $id) { version } }', { id: p.id })).payer as { version: number }).version });
      claimPool = [];
      for (const c of fx.claims) claimPool.push({ id: c.id, ...((await gqlFetch(url, token, 'query ($id: ID!) { claim(id: $id) { version status } }', { id: c.id })).claim as { version: number; status: 'READY' | 'DRAFT' }) });
    },
  };
}

function runCannon(url: string, token: string, requests: autocannon.Request[], duration: number, connections: number): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url,
        connections,
        duration,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        requests,
        timeout: 30,
      },
      (err, result) => (err ? reject(err instanceof Error ? err : new Error(String(err))) : resolve(result)),
    );
  });
}

async function loadGenerator(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  const base = process.env.CLAIMFLOW_LOAD_PG_URL || process.env.CLAIMFLOW_TEST_PG_URL || DEFAULT_TEST_PG_URL;
  const scratch = await createScratchPgDatabase(base, 'claimflow_load');
  const dataDir = mkdtempSync(join(tmpdir(), 'claimflow-load-'));
  const secret = randomBytes(48).toString('base64url');
  let child: ChildProcess | null = null;
  try {
    console.log(`claimflow load test: ${args.connections} connections, ${args.warmup} s warm-up, ${args.duration} s measured; seeding ${args.claims} claims on a scratch PostgreSQL database…`);
    child = fork(__filename, ['--server-child', ...process.argv.slice(2)], {
      execArgv: ['--expose-gc'],
      env: {
        ...process.env,
        NODE_ENV: 'production',
        DATABASE_URL: scratch.url,
        CLAIMFLOW_JWT_SECRET: secret,
        CLAIMFLOW_DATA_DIR: dataDir,
        CLAIMFLOW_SEED_DEMO: 'false',
        CLAIMFLOW_WATCH_RULES: 'false',
        LOG_LEVEL: 'info',
        // Off: the limiter would answer 429 long before the server is loaded.
        CLAIMFLOW_RATE_LIMIT_PER_MINUTE: '0',
      },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const messages: FromServer[] = [];
    const waiters: ((m: FromServer) => void)[] = [];
    child.on('message', (m: FromServer) => {
      const w = waiters.shift();
      if (w) w(m);
      else messages.push(m);
    });
    const exited = new Promise<never>((_, reject) => child!.once('exit', (code) => reject(new Error(`the server process exited (${code})`))));
    const next = (): Promise<FromServer> => Promise.race([exited, new Promise<FromServer>((r) => (messages.length ? r(messages.shift()!) : waiters.push(r)))]);
    const ready = await next();
    if (ready.type !== 'ready') throw new Error('unexpected message from the server process');
    const fx = ready.fixtures;
    const sample = async (label: string, gc: boolean): Promise<MemorySample> => {
      child!.send({ type: 'sample', label, gc } satisfies ToServer);
      const m = await next();
      if (m.type !== 'sample') throw new Error('unexpected message from the server process');
      return m.sample;
    };

    const url = `http://127.0.0.1:${fx.port}`;
    const token = signToken(secret, { sub: 'load-test', role: Role.ADMIN }, 3600);
    const tally: Tally = { byOperation: new Map(), firstErrors: [] };
    const { requests, resync } = buildRequests(fx, tally);

    const samples: MemorySample[] = [await sample('after seeding', true)];
    let warmupErrors = 0;
    if (args.warmup > 0) {
      await runCannon(url, token, requests, args.warmup, args.connections);
      await new Promise((r) => setTimeout(r, 5000));
      await resync(url, token);
      warmupErrors = [...tally.byOperation.values()].reduce((n, t) => n + t.graphqlErrors + t.non200, 0);
      tally.byOperation.clear();
    }
    samples.push(await sample('before (after warm-up)', true));

    // During the run: heap as it is (a forced GC would stall the server being measured).
    let elapsed = 0;
    const during: Promise<void>[] = [];
    const sampler = setInterval(() => {
      elapsed += 10;
      during.push(sample(`during, ${elapsed} s, no GC`, false).then((s) => void samples.push(s)));
    }, 10_000);
    const result = await runCannon(url, token, requests, args.duration, args.connections);
    clearInterval(sampler);
    await Promise.all(during);
    // Requests the server had accepted when autocannon stopped still run (their clients are gone):
    // let them finish, or their objects would count as growth.
    await new Promise((r) => setTimeout(r, 5000));
    samples.push(await sample('after (+5 s idle)', true));

    // ── report ──
    const graphqlErrors = [...tally.byOperation.values()].reduce((n, t) => n + t.graphqlErrors, 0);
    const before = samples.find((s) => s.label.startsWith('before'))!;
    const after = samples[samples.length - 1]!;
    const growth = Math.round((after.heapUsedMb - before.heapUsedMb) * 10) / 10;
    console.log(`\nGraphQL over HTTP, ${args.duration} s, ${args.connections} connections, 70 % reads / 30 % writes (PostgreSQL, NODE_ENV=production, rate limit off)`);
    console.log(`requests     ${result.requests.total} (${result.requests.average.toFixed(1)} req/s average)`);
    console.log(`latency ms   p50 ${result.latency.p50}  p90 ${result.latency.p90}  p99 ${result.latency.p99}  max ${result.latency.max}  mean ${result.latency.average.toFixed(1)}`);
    console.log(`errors       non-2xx ${result.non2xx}, connection errors ${result.errors}, timeouts ${result.timeouts}, GraphQL errors ${graphqlErrors} (warm-up: ${warmupErrors})`);
    console.log('per operation               responses  GraphQL errors  p50 ms  p99 ms');
    for (const [name, t] of [...tally.byOperation].sort((a, b) => b[1].count - a[1].count)) {
      const ms = [...t.ms].sort((a, b) => a - b);
      const q = (p: number) => Math.round(ms[Math.min(ms.length - 1, Math.floor(p * ms.length))] ?? 0);
      console.log(`  ${name.padEnd(26)} ${String(t.count).padStart(8)} ${String(t.graphqlErrors).padStart(15)} ${String(q(0.5)).padStart(7)} ${String(q(0.99)).padStart(7)}`);
    }
    for (const e of tally.firstErrors) console.log(`  first errors: ${e}`);
    console.log('server memory (heapUsed / rss MB):');
    for (const s of samples) console.log(`  ${s.label.padEnd(24)} ${String(s.heapUsedMb).padStart(7)} / ${s.rssMb}`);
    const heapOk = growth <= args.maxHeapGrowthMb;
    console.log(`heap growth over the run: ${growth >= 0 ? '+' : ''}${growth} MB after forced GCs (limit ${args.maxHeapGrowthMb} MB): ${heapOk ? 'no upward trend' : 'GREW'}`);
    const failed = warmupErrors > 0 || result.non2xx > 0 || result.errors > 0 || result.timeouts > 0 || graphqlErrors > 0 || !heapOk || result.requests.total === 0;
    console.log(failed ? 'FAILED' : 'OK');

    child.send({ type: 'stop' } satisfies ToServer);
    await next();
    child = null;
    return failed ? 1 : 0;
  } finally {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    await scratch.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const run = process.argv[2] === '--server-child' ? serverChild().then(() => null) : loadGenerator();
  run.then(
    (code) => {
      if (code !== null) process.exit(code);
    },
    (err: unknown) => {
      console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
      process.exit(1);
    },
  );
}
