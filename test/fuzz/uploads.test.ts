import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { Role } from '../../src/common/enums';
import { ErrorCode } from '../../src/common/errors';
import { createLogger } from '../../src/server/logger';
import { ImportClaimsFileDocument, ImportReferenceFileDocument, ImportRemittanceFileDocument } from '../generated/graphql';
import { rawGqlUpload, type RawResult } from '../support/raw-gql';
import { startTestServer, type TestServer } from '../support/server';
import { fuzzSeed, NASTY_STRINGS, rng, type Rng } from './prng';
import { mutateBytes, samples } from './x12-mutate';

/**
 * File uploads over real HTTP (GraphQL multipart request): reference files of every kind, 837P
 * and 835 files, with malformed content — random bytes, NULs, UTF-16, truncated or byte-flipped
 * copies of the test fixtures and of the real X12 samples. Each answer is data (IMPORTED /
 * ALREADY_IMPORTED / REFUSED / POSTED…) or an error with a code from the closed list; never a 5xx
 * or INTERNAL_SERVER_ERROR; a refused file writes nothing.
 */
const REFERENCE_CASES = 140;
const X12_CASES = 60;
const CODES = new Set<string>(Object.values(ErrorCode));
const FIXTURES = join(__dirname, '../fixtures/reference');
const KINDS = ['COVERAGE_ARTICLE', 'CPT', 'HCPCS', 'MCE', 'MUE', 'NCCI_PTP', 'POS'] as const;

type Counts = Record<string, number>;
const changed = (a: Counts, b: Counts) => Object.keys(b).filter((k) => a[k] !== b[k]);

function garbage(r: Rng, base: Buffer): Buffer {
  switch (r.int(6)) {
    case 0:
      return Buffer.from(Array.from({ length: r.int(3000) }, () => r.int(256)));
    case 1:
      return Buffer.from(r.pick(NASTY_STRINGS), 'utf8');
    case 2:
      return Buffer.from(base.toString('utf8'), 'utf16le');
    case 3:
      return base.subarray(0, r.int(base.length));
    case 4:
      return Buffer.concat([base, Buffer.from('\n'), Buffer.from(`${'9'.repeat(r.pick([10, 5000]))},\u0000,"unterminated\n`)]);
    default:
      return mutateBytes(r, base.toString('utf8')).bytes;
  }
}

interface Failure {
  case: number;
  what: string;
  problem: string;
}

function check(res: RawResult, what: string, i: number, failures: Failure[]): string | null {
  const fail = (problem: string) => failures.push({ case: i, what, problem });
  if (res.status >= 500) fail(`HTTP ${res.status}`);
  for (const e of res.body.errors ?? []) {
    const code = String(e.extensions?.code);
    if (!CODES.has(code)) fail(`code ${code} is not on the closed list`);
    if (code === ErrorCode.INTERNAL_SERVER_ERROR) fail('INTERNAL_SERVER_ERROR');
  }
  const data = res.body.data as Record<string, { status?: string }> | null | undefined;
  return data ? (Object.values(data)[0]?.status ?? null) : null;
}

describe('file uploads under fuzzing', () => {
  const seed = fuzzSeed('uploads', 20261127);
  let t: TestServer;
  /** Error-level log lines: an unexpected error is a failure even when masked. */
  const logged: string[] = [];
  beforeAll(async () => {
    const stream = new Writable({
      write(chunk: Buffer, _enc, done) {
        for (const line of chunk.toString().split('\n')) if (/"level":(50|60)/.test(line)) logged.push(line);
        done();
      },
    });
    t = await startTestServer({ logger: createLogger('info', stream) });
  });
  afterEach(() => {
    if (process.env.FUZZ_DEBUG) for (const l of logged) process.stdout.write(`[log] ${l.slice(0, 2000)}\n`);
    expect(logged.slice(0, 3)).toEqual([]);
  });
  afterAll(() => t.stop());

  // Regression (found by this fuzzing): a NUL byte inside a line reached the database driver
  // (SQLITE_ERROR / PostgreSQL 22021) and came back as INTERNAL_SERVER_ERROR.
  it('bug: a NUL byte inside a reference file line reached the database driver', async () => {
    const pos = readFileSync(join(FIXTURES, 'pos-mini.csv'), 'utf8').split('\n');
    pos[2] = pos[2]!.replace(/,/, ',\u0000');
    const before = await t.rowCounts();
    const res = await rawGqlUpload(t, ImportReferenceFileDocument, { input: { file: null, kind: 'POS', effectiveFrom: '2026-01-01' } }, { path: 'input.file', name: 'pos-nul.csv', content: pos.join('\n') }, { token: t.token(Role.ADMIN) });
    expect(res.body.errors).toBeUndefined();
    const out = (res.body.data as { importReferenceFile: { status: string; problems: { line: number; field: string }[] } }).importReferenceFile;
    expect(out.status).toBe('REFUSED');
    expect(out.problems).toEqual([expect.objectContaining({ line: 3, field: 'line' })]);
    expect(await t.rowCounts()).toEqual(before);
  });

  it(`reference files: ${REFERENCE_CASES} malformed uploads are refused with nothing written, or imported`, async () => {
    const r = rng(seed);
    const fixtures = readdirSync(FIXTURES).map((n) => ({ name: n, bytes: readFileSync(join(FIXTURES, n)) }));
    const failures: Failure[] = [];
    const tally: Record<string, number> = {};
    for (let i = 0; i < REFERENCE_CASES; i++) {
      const kind = r.pick(KINDS);
      const base = r.pick(fixtures);
      const content = garbage(r, base.bytes);
      const input = {
        file: null,
        kind,
        skipBad: r.chance(0.3),
        ...(r.chance(0.5) ? { effectiveFrom: r.pick(['2026-01-01', '2026-02-30', '1900-01-01']) } : {}),
        ...(r.chance(0.3) ? { fiscalYear: r.pick([2026, 0, -1, 99999]) } : {}),
      };
      const before = await t.rowCounts();
      const res = await rawGqlUpload(t, ImportReferenceFileDocument, { input }, { path: 'input.file', name: base.name, content }, { token: t.token(Role.ADMIN) });
      const what = `${kind} from ${base.name}`;
      if (process.env.FUZZ_DEBUG && res.text.includes('INTERNAL_SERVER_ERROR')) process.stdout.write(`[fail] ${i} ${what} ${JSON.stringify(input)} ${JSON.stringify(content.toString('latin1').slice(0, 600))}\n`);
      const status = check(res, what, i, failures) ?? `error ${String(res.body.errors?.[0]?.extensions?.code)}`;
      tally[status] = (tally[status] ?? 0) + 1;
      const diff = changed(before, await t.rowCounts());
      if (status !== 'IMPORTED' && diff.length) failures.push({ case: i, what, problem: `${status} but wrote ${diff.join(', ')}` });
    }
    process.stdout.write(`[fuzz] uploads reference: ${JSON.stringify(tally)}\n`);
    expect(failures.slice(0, 10)).toEqual([]);
    expect(tally.REFUSED ?? 0).toBeGreaterThan(REFERENCE_CASES / 3);
  });

  it(`837P and 835 uploads: ${X12_CASES} malformed files are refused with nothing written, or read`, async () => {
    const r = rng(seed + 1);
    const claims = samples('837p/5010');
    const remits = samples('835/5010');
    const failures: Failure[] = [];
    const tally: Record<string, number> = {};
    for (let i = 0; i < X12_CASES; i++) {
      const is837 = i % 2 === 0;
      const sample = r.pick(is837 ? claims : remits);
      const content = garbage(r, Buffer.from(sample.text, 'utf8'));
      const before = await t.rowCounts();
      const res = is837
        ? await rawGqlUpload(t, ImportClaimsFileDocument, { file: null }, { path: 'file', name: sample.name, content }, { token: t.token(Role.BILLER) })
        : await rawGqlUpload(t, ImportRemittanceFileDocument, { input: { file: null } }, { path: 'input.file', name: sample.name, content }, { token: t.token(Role.BILLER) });
      const status = check(res, sample.name, i, failures) ?? `error ${String(res.body.errors?.[0]?.extensions?.code)}`;
      tally[status] = (tally[status] ?? 0) + 1;
      const diff = changed(before, await t.rowCounts());
      if (!['IMPORTED', 'POSTED'].includes(status) && diff.length) failures.push({ case: i, what: sample.name, problem: `${status} but wrote ${diff.join(', ')}` });
    }
    process.stdout.write(`[fuzz] uploads x12: ${JSON.stringify(tally)}\n`);
    expect(failures.slice(0, 10)).toEqual([]);
    expect(tally.REFUSED ?? 0).toBeGreaterThan(X12_CASES / 3);
  });
});
