import { resolve } from 'node:path';
import { Kind, parse, type OperationDefinitionNode } from 'graphql';
import { Role } from '../../src/common/enums';
import { DEFAULT_LIMITS } from '../../src/config';
import { measureOperation } from '../../src/server/limits/analyze';
import { buildTrustedManifest } from '../../src/server/limits/trusted-documents';
import { buildAppSchema } from '../../src/server/schema';
import { PayersDocument } from '../generated/graphql';
import { rawGql, type RawResult } from '../support/raw-gql';
import { startTestServer, type TestServer } from '../support/server';

/**
 * Abuse limits over real HTTP. The server here runs with small limits so each case stays small:
 * depth 6, 2 aliases, cost 1000, 300 tokens. That the shipped defaults admit every operation the
 * project ships is checked at the end.
 */
let t: TestServer;

beforeAll(async () => {
  t = await startTestServer({
    seedCodes: false,
    env: { CLAIMFLOW_MAX_DEPTH: '6', CLAIMFLOW_MAX_ALIASES: '2', CLAIMFLOW_MAX_COST: '1000', CLAIMFLOW_MAX_TOKENS: '300' },
  });
});
afterAll(() => t.stop());

const patientInput = '{ firstName: "Test", lastName: "Limits", birthDate: "1980-01-02", sex: U, addressLine1: "1 Main St", city: "Springfield", state: "IL", postalCode: "62701" }';
const payerInput = (n: number) => `{ name: "Limit Payer ${n}", payerId: "LIM${n}", claimFilingIndicator: COMMERCIAL, timelyFilingDays: 90, appealDays: 90 }`;

/** createPatient returning patient → coverages → patient → … `levels` times, then `leaf`. */
function createPatientNested(levels: number, leaf = 'id'): string {
  let selection = leaf;
  for (let i = 0; i < levels; i++) selection = `patient { coverages { ${selection} } }`;
  return `mutation { createPatient(input: ${patientInput}) { ${selection} } }`;
}

function expectRefused(res: RawResult, code: string, status = 400) {
  expect(res.status).toBe(status);
  expect(res.body.errors).toHaveLength(1);
  expect(res.body.errors![0]!.extensions?.code).toBe(code);
  expect(res.body.data ?? null).toBeNull();
}

describe('depth', () => {
  it('runs a mutation whose selection is exactly at the limit (depth 6)', async () => {
    const before = await t.rowCounts();
    // createPatient(1) > patient(2) > coverages(3) > patient(4) > coverages(5) > id(6)
    const res = await rawGql(t, createPatientNested(2));
    expect(res.status).toBe(200);
    expect(res.body.errors).toBeUndefined();
    expect((await t.rowCounts()).Patient).toBe(before.Patient! + 1);
  });

  it('refuses depth 7 with QUERY_LIMIT_EXCEEDED / DEPTH, HTTP 400, and writes nothing', async () => {
    const before = await t.rowCounts();
    const res = await rawGql(t, createPatientNested(2, 'patient { id }'));
    expectRefused(res, 'QUERY_LIMIT_EXCEEDED');
    expect(res.body.errors![0]!.extensions?.reason).toBe('DEPTH');
    expect(res.body.errors![0]!.message).toBe('Query depth 7 exceeds the limit of 6');
    expect(await t.rowCounts()).toEqual(before);
  });

  it('counts depth through fragments and inline fragments', async () => {
    const before = await t.rowCounts();
    const res = await rawGql(
      t,
      `mutation { createPatient(input: ${patientInput}) { patient { ...P } } }
       fragment P on Patient { coverages { ... on Coverage { patient { coverages { patient { id } } } } } }`,
    );
    expectRefused(res, 'QUERY_LIMIT_EXCEEDED');
    expect(res.body.errors![0]!.extensions?.reason).toBe('DEPTH');
    expect(await t.rowCounts()).toEqual(before);
  });
});

describe('aliases', () => {
  it('runs two aliased mutations (the limit)', async () => {
    const before = await t.rowCounts();
    const res = await rawGql(t, `mutation { a: createPayer(input: ${payerInput(1)}) { payer { id } } b: createPayer(input: ${payerInput(2)}) { payer { id } } }`);
    expect(res.status).toBe(200);
    expect(res.body.errors).toBeUndefined();
    expect((await t.rowCounts()).Payer).toBe(before.Payer! + 2);
  });

  it('refuses three with QUERY_LIMIT_EXCEEDED / ALIASES before the first one runs', async () => {
    const before = await t.rowCounts();
    const res = await rawGql(
      t,
      `mutation { a: createPayer(input: ${payerInput(3)}) { payer { id } } b: createPayer(input: ${payerInput(4)}) { payer { id } } c: createPayer(input: ${payerInput(5)}) { payer { id } } }`,
    );
    expectRefused(res, 'QUERY_LIMIT_EXCEEDED');
    expect(res.body.errors![0]!.extensions?.reason).toBe('ALIASES');
    expect(res.body.errors![0]!.message).toBe('Query uses 3 aliases; the limit is 2');
    expect(await t.rowCounts()).toEqual(before);
  });
});

describe('estimated cost', () => {
  const coverageFields = 'id memberId groupNumber order relationship effectiveFrom effectiveTo createdAt updatedAt version';

  it('refuses nested lists whose estimate is over the limit, and writes nothing', async () => {
    const before = await t.rowCounts();
    // 1 + 1 + (1 + 10 × (1 + (1 + 10 × 10 fields))) = 1023 with 10 items assumed per list.
    const res = await rawGql(t, createPatientNested(2, coverageFields));
    expectRefused(res, 'QUERY_LIMIT_EXCEEDED');
    expect(res.body.errors![0]!.extensions?.reason).toBe('COST');
    expect(res.body.errors![0]!.message).toMatch(/estimated cost 1023 exceeds the limit of 1000/);
    expect(await t.rowCounts()).toEqual(before);
  });

  it('costs a page by its `first` variable: 5 runs, 100 is refused', async () => {
    const query = 'query Page($n: Int) { claims(first: $n) { edges { node { lines { id } } } } }';
    const small = await rawGql(t, query, { n: 5 });
    expect(small.status).toBe(200);
    expect(small.body.errors).toBeUndefined();
    // 1 + 100 × (edges 1 + node 1 + lines (1 + 10 × 1)) = 1301
    const large = await rawGql(t, query, { n: 100 });
    expectRefused(large, 'QUERY_LIMIT_EXCEEDED');
    expect(large.body.errors![0]!.extensions?.reason).toBe('COST');
    expect(large.body.errors![0]!.message).toMatch(/estimated cost 1301 /);
  });
});

describe('document size', () => {
  it('refuses a document over the token limit at parse time with GRAPHQL_PARSE_FAILED, writing nothing', async () => {
    const before = await t.rowCounts();
    const res = await rawGql(t, `mutation { createPayer(input: ${payerInput(6)}) { payer { ${'id '.repeat(300)} } } }`);
    expectRefused(res, 'GRAPHQL_PARSE_FAILED');
    // graphql 16 spells it "more that N tokens".
    expect(res.body.errors![0]!.message).toMatch(/Document contains more tha[nt] 300 tokens/);
    expect(await t.rowCounts()).toEqual(before);
  });

  it('refuses a request body over CLAIMFLOW_BODY_LIMIT (1mb) with HTTP 413, writing nothing', async () => {
    const before = await t.rowCounts();
    const res = await rawGql(t, `mutation($pad: String) { createPayer(input: ${payerInput(7)}) { payer { id } } }`, { pad: 'x'.repeat(1024 * 1024 + 1) });
    expectRefused(res, 'BAD_REQUEST', 413);
    expect(await t.rowCounts()).toEqual(before);
  });
});

describe('HTTP batching', () => {
  it('refuses an array of operations with HTTP 400 BAD_REQUEST and runs none of them', async () => {
    const before = await t.rowCounts();
    const op = (n: number) => ({ query: `mutation { createPayer(input: ${payerInput(n)}) { payer { id } } }` });
    const res = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${t.token(Role.ADMIN)}` },
      body: JSON.stringify([op(8), op(9)]),
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { errors: { message: string; extensions: { code: string } }[] };
    expect(body.errors).toHaveLength(1);
    expect(body.errors[0]!.extensions.code).toBe('BAD_REQUEST');
    expect(body.errors[0]!.message).toMatch(/batching/i);
    expect(await t.rowCounts()).toEqual(before);
  });
});

describe('the default limits', () => {
  it('admit every operation the project ships (test/operations) at the largest page size', async () => {
    const schema = await buildAppSchema();
    const { manifest, operations } = buildTrustedManifest(resolve(__dirname, '../operations'), schema);
    expect(operations.length).toBeGreaterThan(50);
    const worst = { depth: 0, aliases: 0, cost: 0 };
    for (const text of Object.values(manifest)) {
      const doc = parse(text, { maxTokens: DEFAULT_LIMITS.maxTokens });
      const op = doc.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)!;
      const m = measureOperation(schema, doc, op, { first: 100 }, { listSize: DEFAULT_LIMITS.costListSize });
      worst.depth = Math.max(worst.depth, m.depth);
      worst.aliases = Math.max(worst.aliases, m.aliases);
      worst.cost = Math.max(worst.cost, m.cost);
    }
    expect(worst.depth).toBeLessThanOrEqual(DEFAULT_LIMITS.maxDepth);
    expect(worst.aliases).toBeLessThanOrEqual(DEFAULT_LIMITS.maxAliases);
    expect(worst.cost).toBeLessThanOrEqual(DEFAULT_LIMITS.maxCost);
  });

  it('leave ordinary requests alone (control: a page of payers runs under the small limits too)', async () => {
    const res = await rawGql(t, PayersDocument, { first: 20 });
    expect(res.status).toBe(200);
    expect(res.body.errors).toBeUndefined();
  });
});
