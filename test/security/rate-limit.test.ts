import { Writable } from 'node:stream';
import { signToken } from '../../src/auth/jwt';
import { Role } from '../../src/common/enums';
import { loadConfig } from '../../src/config';
import { RateLimiter } from '../../src/server/limits/rate-limit';
import { createLogger } from '../../src/server/logger';
import { CreatePayerDocument, PayersDocument } from '../generated/graphql';
import { rawGql } from '../support/raw-gql';
import { startTestServer, type TestServer } from '../support/server';

describe('RateLimiter (token bucket, clock injected)', () => {
  it('allows a burst, then one request per refill interval, and says how long to wait', () => {
    let now = 0;
    const limiter = new RateLimiter({ perMinute: 60, burst: 3 }, () => now);
    expect([limiter.take('a'), limiter.take('a'), limiter.take('a')]).toEqual([0, 0, 0]);
    expect(limiter.take('a')).toBe(1);
    now += 999;
    expect(limiter.take('a')).toBe(1);
    now += 1;
    expect(limiter.take('a')).toBe(0);
    expect(limiter.take('a')).toBe(1);
  });

  it('keeps one bucket per key', () => {
    const limiter = new RateLimiter({ perMinute: 1, burst: 1 }, () => 0);
    expect(limiter.take('a')).toBe(0);
    expect(limiter.take('a')).toBe(60);
    expect(limiter.take('b')).toBe(0);
  });

  it('never refills beyond the burst', () => {
    let now = 0;
    const limiter = new RateLimiter({ perMinute: 60, burst: 2 }, () => now);
    now += 3_600_000;
    expect([limiter.take('a'), limiter.take('a'), limiter.take('a')]).toEqual([0, 0, 1]);
  });

  it('bounds memory: past maxKeys, idle (refilled) buckets go first, then the least recently used', () => {
    let now = 0;
    const limiter = new RateLimiter({ perMinute: 60, burst: 1, maxKeys: 2 }, () => now);
    limiter.take('a');
    limiter.take('b');
    now += 1000; // a and b have refilled: both are dropped when c arrives
    limiter.take('c');
    expect(limiter.take('a')).toBe(0);
    // c and a are both empty now; d evicts the least recently used (c), so c starts afresh.
    limiter.take('d');
    expect(limiter.take('c')).toBe(0);
    expect(limiter.take('d')).toBe(1);
  });
});

describe('rate limit configuration', () => {
  const secret = 'production-secret-that-is-long-enough-0123456789';
  it('is on by default (600 a minute, bursts of 120) and off only under NODE_ENV=test unless set', () => {
    expect(loadConfig({ NODE_ENV: 'production', CLAIMFLOW_JWT_SECRET: secret }).rateLimit).toEqual({ perMinute: 600, burst: 120 });
    expect(loadConfig({ NODE_ENV: 'development', CLAIMFLOW_JWT_SECRET: secret }).rateLimit.perMinute).toBe(600);
    expect(loadConfig({ NODE_ENV: 'test', CLAIMFLOW_JWT_SECRET: secret }).rateLimit.perMinute).toBe(0);
    expect(loadConfig({ NODE_ENV: 'test', CLAIMFLOW_JWT_SECRET: secret, CLAIMFLOW_RATE_LIMIT_PER_MINUTE: '30' }).rateLimit.perMinute).toBe(30);
  });

  it('refuses a malformed value naming the variable, not the value', () => {
    expect(() => loadConfig({ CLAIMFLOW_JWT_SECRET: secret, CLAIMFLOW_RATE_LIMIT_PER_MINUTE: 'lots' })).toThrow(/^CLAIMFLOW_RATE_LIMIT_PER_MINUTE: must be a whole number/);
    expect(() => loadConfig({ CLAIMFLOW_JWT_SECRET: secret, CLAIMFLOW_MAX_DEPTH: '-1' })).toThrow(/^CLAIMFLOW_MAX_DEPTH: /);
  });
});

describe('per-token rate limit over HTTP', () => {
  const raw: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      raw.push(chunk.toString());
      done();
    },
  });
  let t: TestServer;

  beforeAll(async () => {
    // One request a minute after a burst of 3: the fourth request within the test is refused.
    t = await startTestServer({ seedCodes: false, logger: createLogger('info', stream), env: { CLAIMFLOW_RATE_LIMIT_PER_MINUTE: '1', CLAIMFLOW_RATE_LIMIT_BURST: '3' } });
  });
  afterAll(() => t.stop());

  const payer = { name: 'Rate Payer', payerId: 'RATE1', claimFilingIndicator: 'COMMERCIAL', timelyFilingDays: 90, appealDays: 90 } as const;

  it('after the burst: HTTP 429, RATE_LIMITED, Retry-After, and the mutation does not run', async () => {
    const token = t.token(Role.ADMIN, 'rate-user-1');
    for (let i = 0; i < 3; i++) {
      const ok = await rawGql(t, PayersDocument, { first: 1 }, { token });
      expect(ok.status).toBe(200);
    }
    const before = await t.rowCounts();
    const res = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: 'mutation($input: CreatePayerInput!) { createPayer(input: $input) { payer { id } } }', variables: { input: payer } }),
    });
    expect(res.status).toBe(429);
    const retryAfter = Number(res.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    const body = (await res.json()) as { data?: unknown; errors: { message: string; extensions: { code: string } }[] };
    expect(body.errors).toHaveLength(1);
    expect(body.errors[0]!.extensions.code).toBe('RATE_LIMITED');
    expect(body.data).toBeUndefined();
    expect(await t.rowCounts()).toEqual(before);
  });

  it('is keyed by subject and role: a newly signed token for the same user is still limited', async () => {
    const fresh = signToken(t.config.jwtSecret, { sub: 'rate-user-1', role: Role.ADMIN }, 1234);
    expect(fresh).not.toBe(t.token(Role.ADMIN, 'rate-user-1'));
    const res = await rawGql(t, PayersDocument, { first: 1 }, { token: fresh });
    expect(res.status).toBe(429);
    expect(res.body.errors![0]!.extensions?.code).toBe('RATE_LIMITED');
  });

  it('leaves other users and the same user in another role alone', async () => {
    expect((await rawGql(t, PayersDocument, { first: 1 }, { token: t.token(Role.ADMIN, 'rate-user-2') })).status).toBe(200);
    expect((await rawGql(t, PayersDocument, { first: 1 }, { token: t.token(Role.VIEWER, 'rate-user-1') })).status).toBe(200);
  });

  it('answers a request without a valid token with 401: authentication comes before the budget', async () => {
    for (let i = 0; i < 5; i++) {
      const res = await rawGql(t, PayersDocument, { first: 1 }, { token: 'not-a-jwt' });
      expect(res.status).toBe(401);
    }
  });

  it('logs the refusal with the subject, never the token', async () => {
    const token = t.token(Role.BILLER, 'rate-user-3');
    for (let i = 0; i < 4; i++) await rawGql(t, CreatePayerDocument, { input: { ...payer, payerId: `RATE${i + 10}` } }, { token });
    const lines = raw.join('').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
    const refusal = lines.find((l) => l.msg === 'rate limited' && l.sub === 'rate-user-3');
    expect(refusal).toMatchObject({ role: 'BILLER', retryAfter: expect.any(Number) });
    for (const part of token.split('.')) expect(raw.join('')).not.toContain(part);
  });
});
