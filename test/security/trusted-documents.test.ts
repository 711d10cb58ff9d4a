import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { print, type DocumentNode, type GraphQLSchema } from 'graphql';
import { Role } from '../../src/common/enums';
import { DEFAULT_LIMITS } from '../../src/config';
import { buildTrustedManifest, sha256, TrustedDocuments, type TrustedManifest } from '../../src/server/limits/trusted-documents';
import { buildAppSchema } from '../../src/server/schema';
import * as generated from '../generated/graphql';
import { PayersDocument, RemittancesDocument } from '../generated/graphql';
import { rawGql } from '../support/raw-gql';
import { startTestServer, type TestServer } from '../support/server';

const ROOT = resolve(__dirname, '../..');
const OPERATIONS = join(ROOT, 'test', 'operations');
const dir = mkdtempSync(join(tmpdir(), 'cf-trusted-'));
const manifestPath = join(dir, 'trusted.json');

let schema: GraphQLSchema;
let manifest: TrustedManifest;
let ids: Record<string, string>;
let t: TestServer;

beforeAll(async () => {
  schema = await buildAppSchema();
  const built = buildTrustedManifest(OPERATIONS, schema);
  manifest = built.manifest;
  ids = Object.fromEntries(built.operations.map((o) => [o.name, o.hash]));
  writeFileSync(manifestPath, JSON.stringify(manifest));
  t = await startTestServer({ seedCodes: false, env: { CLAIMFLOW_TRUSTED_DOCUMENTS: manifestPath } });
});
afterAll(() => t.stop());

/** POSTs any JSON body to /graphql as an ADMIN (or with the given token; null: none). */
async function post(body: unknown, token: string | null = t.token(Role.ADMIN)) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await fetch(`${t.url}/graphql`, { method: 'POST', headers, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as { data?: Record<string, unknown> | null; errors?: { message: string; extensions: Record<string, unknown> }[] } };
}

function expectNotTrusted(res: Awaited<ReturnType<typeof post>>, reason: string) {
  expect(res.status).toBe(400);
  expect(res.body.errors).toHaveLength(1);
  expect(res.body.errors![0]!.extensions).toMatchObject({ code: 'DOCUMENT_NOT_TRUSTED', reason });
  expect(res.body.data).toBeUndefined();
}

const payerInput = (payerId: string) => ({ name: `Trusted ${payerId}`, payerId, claimFilingIndicator: 'COMMERCIAL', timelyFilingDays: 90, appealDays: 90 });

describe('the manifest', () => {
  it('admits every typed document the tests send, whatever order codegen printed its fragments in', () => {
    const docs = TrustedDocuments.load(manifestPath, schema, DEFAULT_LIMITS.maxTokens);
    const typed = Object.entries(generated).filter(([name]) => name.endsWith('Document')) as [string, DocumentNode][];
    expect(typed.length).toBe(Object.keys(manifest).length);
    for (const [name, doc] of typed) expect([name, docs.admits(print(doc), DEFAULT_LIMITS.maxTokens)]).toEqual([name, true]);
  });

  it('is keyed by the sha256 of each document text', () => {
    for (const [id, text] of Object.entries(manifest)) expect(sha256(text)).toBe(id);
  });

  it('`claimflow trusted-documents` writes the same manifest', () => {
    const out = join(dir, 'cli.json');
    const run = spawnSync(process.execPath, [join(ROOT, 'bin', 'claimflow.js'), 'trusted-documents', out, OPERATIONS], { cwd: ROOT, encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(JSON.parse(readFileSync(out, 'utf8'))).toEqual(manifest);
    expect(run.stdout).toContain(`${ids.Payers}  Payers`);
  });

  it('`claimflow trusted-documents` refuses operations the schema refuses, naming them', () => {
    const bad = join(dir, 'bad-ops');
    mkdirSync(bad);
    writeFileSync(join(bad, 'a.graphql'), 'query Fine { payers { edges { node { id } } } }\nquery Broken { payers { edges { node { noSuchField } } } }\n');
    const run = spawnSync(process.execPath, [join(ROOT, 'bin', 'claimflow.js'), 'trusted-documents', join(dir, 'bad.json'), bad], { cwd: ROOT, encoding: 'utf8' });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/Broken: Cannot query field "noSuchField"/);
  });

  it.each([
    ['a key that is not the sha256 of its text', () => ({ [sha256('query A { payers { edges { node { id } } } }')]: 'query B { payers { edges { node { id } } } }' }), /is not the sha256 of its document/],
    ['a document the schema refuses', () => ({ [sha256('query A { nope }')]: 'query A { nope }' }), /does not validate against the schema/],
    ['an empty manifest', () => ({}), /lists no documents/],
    ['a JSON array', () => [], /must be a JSON object/],
  ])('stops the server at start on %s, naming the variable', (_name, content, message) => {
    const path = join(dir, `bad-${Math.random().toString(36).slice(2)}.json`);
    writeFileSync(path, JSON.stringify(content()));
    expect(() => TrustedDocuments.load(path, schema, DEFAULT_LIMITS.maxTokens)).toThrow(message);
    expect(() => TrustedDocuments.load(path, schema, DEFAULT_LIMITS.maxTokens)).toThrow(/^CLAIMFLOW_TRUSTED_DOCUMENTS: /);
  });

  it('stops the server at start when the file is missing', () => {
    expect(() => TrustedDocuments.load(join(dir, 'missing.json'), schema, DEFAULT_LIMITS.maxTokens)).toThrow(/^CLAIMFLOW_TRUSTED_DOCUMENTS: cannot read the manifest as JSON \(ENOENT\)/);
  });
});

describe('a server with CLAIMFLOW_TRUSTED_DOCUMENTS', () => {
  it('runs a listed operation sent as its full text', async () => {
    const res = await rawGql(t, PayersDocument, { first: 1 });
    expect(res.status).toBe(200);
    expect(res.body.errors).toBeUndefined();
  });

  it('runs a listed operation whose text differs only in layout and fragment order', async () => {
    expect(Object.values(manifest)).not.toContain(print(RemittancesDocument));
    const res = await rawGql(t, RemittancesDocument, { first: 5 });
    expect(res.status).toBe(200);
    expect(res.body.errors).toBeUndefined();
  });

  it('runs a listed operation sent by id: `documentId` or the persisted-query hash', async () => {
    const byDocumentId = await post({ documentId: `sha256:${ids.Payers}`, variables: { first: 1 } });
    expect(byDocumentId.status).toBe(200);
    expect(byDocumentId.body.data).toHaveProperty('payers');
    const byHash = await post({ extensions: { persistedQuery: { version: 1, sha256Hash: ids.Payers } }, variables: { first: 1 } });
    expect(byHash.status).toBe(200);
    expect(byHash.body.data).toHaveProperty('payers');
  });

  it('runs a listed mutation sent by id', async () => {
    const before = await t.rowCounts();
    const res = await post({ documentId: ids.CreatePayer, variables: { input: payerInput('TRUST1') } });
    expect(res.status).toBe(200);
    expect(res.body.errors).toBeUndefined();
    expect((await t.rowCounts()).Payer).toBe(before.Payer! + 1);
  });

  it('still requires a token for a listed operation', async () => {
    const res = await post({ documentId: ids.Payers, variables: { first: 1 } }, null);
    expect(res.status).toBe(401);
  });

  it('refuses an unlisted mutation (NOT_LISTED) and writes nothing', async () => {
    const before = await t.rowCounts();
    const res = await post({ query: 'mutation($input: CreatePayerInput!) { createPayer(input: $input) { payer { id } } }', variables: { input: payerInput('TRUST2') } });
    expectNotTrusted(res, 'NOT_LISTED');
    expect(await t.rowCounts()).toEqual(before);
  });

  it('refuses a listed document with an unlisted operation added to it', async () => {
    const before = await t.rowCounts();
    const smuggled = `${manifest[ids.Payers!]}\nmutation Extra { createPayer(input: { name: "X", payerId: "TRUST3", claimFilingIndicator: COMMERCIAL, timelyFilingDays: 90, appealDays: 90 }) { payer { id } } }`;
    const res = await post({ query: smuggled, operationName: 'Extra' });
    expectNotTrusted(res, 'NOT_LISTED');
    expect(await t.rowCounts()).toEqual(before);
  });

  it('refuses a listed id sent with a different query (DOCUMENT_MISMATCH) and writes nothing', async () => {
    const before = await t.rowCounts();
    const res = await post({
      documentId: ids.Payers,
      query: 'mutation($input: CreatePayerInput!) { createPayer(input: $input) { payer { id } } }',
      variables: { input: payerInput('TRUST4') },
    });
    expectNotTrusted(res, 'DOCUMENT_MISMATCH');
    expect(await t.rowCounts()).toEqual(before);
  });

  it('refuses an unknown id (UNKNOWN_DOCUMENT_ID)', async () => {
    expectNotTrusted(await post({ documentId: sha256('query Unknown { payers { edges { node { id } } } }') }), 'UNKNOWN_DOCUMENT_ID');
    expectNotTrusted(await post({ extensions: { persistedQuery: { version: 1, sha256Hash: 'f'.repeat(64) } } }), 'UNKNOWN_DOCUMENT_ID');
  });

  it('refuses introspection, which no client document lists', async () => {
    expectNotTrusted(await post({ query: '{ __schema { types { name } } }' }), 'NOT_LISTED');
  });

  it('refuses an id sent by GET (ID_NEEDS_POST)', async () => {
    const params = new URLSearchParams({ documentId: ids.Payers!, variables: '{"first":1}' });
    const res = await fetch(`${t.url}/graphql?${params}`, { headers: { authorization: `Bearer ${t.token(Role.ADMIN)}`, 'apollo-require-preflight': 'true' } });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { errors: { extensions: Record<string, unknown> }[] };
    expect(body.errors[0]!.extensions).toMatchObject({ code: 'DOCUMENT_NOT_TRUSTED', reason: 'ID_NEEDS_POST' });
  });
});
