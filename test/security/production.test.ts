import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signToken } from '../../src/auth/jwt';
import { Role } from '../../src/common/enums';
import { loadConfig } from '../../src/config';
import { ClaimsDeepDocument, DenialsDeepDocument, RemittancesDocument } from '../generated/graphql';
import { rawGql } from '../support/raw-gql';
import { startTestServer, type TestServer } from '../support/server';

/** The server as `NODE_ENV=production` starts it, over real HTTP with the default limits. */
const SECRET = 'production-secret-for-tests-that-is-long-enough-42';
let t: TestServer;

beforeAll(async () => {
  t = await startTestServer({ seedCodes: false, env: { NODE_ENV: 'production', CLAIMFLOW_JWT_SECRET: SECRET } });
});
afterAll(() => t.stop());

describe('NODE_ENV=production', () => {
  it('is what the server runs with here (control)', () => {
    expect(t.config.env).toBe('production');
    expect(t.config.playground).toBe(false);
    expect(t.config.rateLimit).toEqual({ perMinute: 600, burst: 120 });
  });

  it.each([
    ['__schema', '{ __schema { types { name } } }'],
    ['__type', '{ __type(name: "Claim") { fields { name } } }'],
    ['__schema next to a real field', '{ payers(first: 1) { edges { node { id } } } __schema { queryType { name } } }'],
  ])('refuses introspection (%s) with HTTP 400 GRAPHQL_VALIDATION_FAILED and no data', async (_name, query) => {
    const res = await rawGql(t, query);
    expect(res.status).toBe(400);
    expect(res.body.errors).toHaveLength(1);
    expect(res.body.errors![0]!.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(res.body.errors![0]!.message).toMatch(/introspection is not allowed/);
    expect(res.body.errors![0]!.extensions).not.toHaveProperty('stacktrace');
    expect('data' in res.body).toBe(false);
  });

  it('gives no schema hints in errors ("Did you mean …")', async () => {
    const res = await rawGql(t, '{ payers(first: 1) { edges { node { nam } } } }');
    expect(res.status).toBe(400);
    expect(res.body.errors![0]!.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(res.body.errors![0]!.message).toMatch(/Cannot query field "nam"/);
    expect(res.text).not.toMatch(/Did you mean/);
  });

  it.each(['/', '/playground/app.js', '/playground/vendor/graphiql.js'])('serves no try-it page: GET %s is 404', async (path) => {
    const res = await fetch(`${t.url}${path}`, { headers: { accept: 'text/html' } });
    expect(res.status).toBe(404);
    expect(await res.text()).toMatch(/Cannot GET/);
  });

  it('serves no Apollo landing page at /graphql either', async () => {
    const res = await fetch(`${t.url}/graphql`, { headers: { accept: 'text/html' } });
    expect(res.headers.get('content-type') ?? '').not.toMatch(/html/);
    expect(await res.text()).not.toMatch(/<html/i);
  });

  it('applies the default depth limit (10): depth 11 is refused before it runs', async () => {
    // claims(1) > edges > node > encounter > claims > encounter > claims > encounter > claims > encounter > id(11)
    const query = '{ claims(first: 1) { edges { node { encounter { claims { encounter { claims { encounter { claims { encounter { id } } } } } } } } } } }';
    const res = await rawGql(t, query);
    expect(res.status).toBe(400);
    expect(res.body.errors![0]!.extensions).toMatchObject({ code: 'QUERY_LIMIT_EXCEEDED', reason: 'DEPTH' });
    expect(res.body.errors![0]!.message).toBe('Query depth 11 exceeds the limit of 10');
  });

  it('applies the default alias limit (15)', async () => {
    const aliases = Array.from({ length: 16 }, (_, i) => `a${i}: payers(first: 1) { totalCount }`).join(' ');
    const res = await rawGql(t, `{ ${aliases} }`);
    expect(res.status).toBe(400);
    expect(res.body.errors![0]!.extensions).toMatchObject({ code: 'QUERY_LIMIT_EXCEEDED', reason: 'ALIASES' });
  });

  it('applies the default token limit (2000)', async () => {
    const res = await rawGql(t, `{ payers(first: 1) { edges { node { ${'id '.repeat(2000)} } } } }`);
    expect(res.status).toBe(400);
    expect(res.body.errors![0]!.extensions?.code).toBe('GRAPHQL_PARSE_FAILED');
  });

  it('applies the default cost limit (1.5 million): fifteen deep pages of claims are refused', async () => {
    const page = 'claims(first: 100) { edges { node { id encounter { claims { id encounter { claims { id lines { id procedureCode } } } } } } } }';
    const res = await rawGql(t, `{ ${Array.from({ length: 15 }, (_, i) => `p${i}: ${page}`).join(' ')} }`);
    expect(res.status).toBe(400);
    expect(res.body.errors![0]!.extensions).toMatchObject({ code: 'QUERY_LIMIT_EXCEEDED', reason: 'COST' });
  });

  it.each([
    ['ClaimsDeep', ClaimsDeepDocument],
    ['DenialsDeep', DenialsDeepDocument],
    ['Remittances', RemittancesDocument],
  ] as const)('admits the deepest shipped operations at 100 per page (%s)', async (_name, doc) => {
    const res = await rawGql(t, doc, { first: 100 });
    expect(res.status).toBe(200);
    expect(res.body.errors).toBeUndefined();
  });

  it('refuses a token signed with any other secret, such as a development one', async () => {
    const res = await rawGql(t, '{ payers(first: 1) { totalCount } }', undefined, { token: signToken('development-secret-that-is-long-enough-0123', { sub: 'dev', role: Role.ADMIN }) });
    expect(res.status).toBe(401);
    expect(res.body.errors![0]!.extensions?.code).toBe('UNAUTHENTICATED');
  });
});

describe('the JWT secret in production', () => {
  it('comes only from the environment: a development secret file in the data directory is ignored', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'cf-prod-'));
    writeFileSync(join(dataDir, 'jwt-secret'), `${'s'.repeat(64)}\n`, { mode: 0o600 });
    // Control: development uses the file.
    expect(loadConfig({ NODE_ENV: 'development', CLAIMFLOW_DATA_DIR: dataDir }).jwtSecretSource).toBe('file');
    expect(() => loadConfig({ NODE_ENV: 'production', CLAIMFLOW_DATA_DIR: dataDir })).toThrow(/^CLAIMFLOW_JWT_SECRET: is required when NODE_ENV=production/);
    const prod = loadConfig({ NODE_ENV: 'production', CLAIMFLOW_DATA_DIR: dataDir, CLAIMFLOW_JWT_SECRET: SECRET });
    expect(prod).toMatchObject({ jwtSecret: SECRET, jwtSecretSource: 'env' });
  });
});
