/**
 * Field-level access to PHI, derived from the schema and from the one list in src/auth/phi.ts:
 * every field that looks like PHI is listed; every listed field is nullable; a restricted type
 * cannot be reached by another role through any edge; and, over real HTTP, each role reads PHI
 * fields directly and through edges (claim.patient, claim.coverage, encounter.patient,
 * denial.claim.patient, remittance → payment → claim …) with the outcome its role allows.
 */
import { getNamedType, isInterfaceType, isNonNullType, isObjectType, isUnionType, type GraphQLNamedType, type GraphQLSchema } from 'graphql';
import { getMetadataStorage } from 'type-graphql';
import { FIELD_RULES, NOT_PHI, PHI_READERS, RESTRICTED_TYPES } from '../../src/auth/phi';
import { addDays, today } from '../../src/common/dates';
import { Role } from '../../src/common/enums';
import { ClaimStatus } from '../../src/modules/claim/claim-status';
import type { Claim } from '../../src/modules/claim/claim.entity';
import type { Coverage } from '../../src/modules/coverage/coverage.entity';
import { SubscriberRelationship } from '../../src/modules/coverage/coverage.entity';
import type { Patient } from '../../src/modules/patient/patient.entity';
import { buildAppSchema } from '../../src/server/schema';
import { ImportRemittanceDocument, SubmitClaimsBatchDocument } from '../generated/graphql';
import { write835 } from '../remittance/x12-835';
import { rawGql, type RawResult } from '../support/raw-gql';
import { startTestServer, type TestServer } from '../support/server';

const ALL_ROLES = [Role.VIEWER, Role.CODER, Role.BILLER, Role.COMPLIANCE, Role.ADMIN] as const;

/** Names that look like patient identifiers, wherever they appear in the schema. */
const LOOKS_LIKE_PHI = /^(firstName|lastName|middleName|birthDate|address.*|city|postalCode|memberId|subscriber.*)$/;

let schema: GraphQLSchema;
beforeAll(async () => {
  schema = await buildAppSchema();
});

describe('the PHI list (src/auth/phi.ts) against the schema', () => {
  it('lists every output field whose name looks like PHI (providers excepted, with the reason)', () => {
    const found: string[] = [];
    for (const type of Object.values(schema.getTypeMap())) {
      if (!isObjectType(type) || type.name.startsWith('__') || NOT_PHI[type.name]) continue;
      for (const name of Object.keys(type.getFields())) if (LOOKS_LIKE_PHI.test(name)) found.push(`${type.name}.${name}`);
    }
    const listed = Object.entries(FIELD_RULES).flatMap(([type, fields]) => Object.entries(fields).filter(([, r]) => r.reason === 'PHI').map(([f]) => `${type}.${f}`));
    expect(found.length).toBeGreaterThan(10);
    expect(found.filter((f) => !listed.includes(f))).toEqual([]);
  });

  it('every listed field exists and is nullable, so a refusal nulls the field and not its parent', () => {
    for (const [typeName, fields] of Object.entries(FIELD_RULES)) {
      const type = schema.getType(typeName);
      expect(isObjectType(type)).toBe(true);
      if (!isObjectType(type)) continue;
      for (const f of Object.keys(fields)) {
        const field = type.getFields()[f];
        expect([typeName, f, field !== undefined]).toEqual([typeName, f, true]);
        expect([typeName, f, isNonNullType(field!.type)]).toEqual([typeName, f, false]);
      }
    }
  });

  it('VIEWER and COMPLIANCE do not read PHI; CODER, BILLER and ADMIN do', () => {
    expect([...PHI_READERS].sort()).toEqual([Role.ADMIN, Role.BILLER, Role.CODER]);
  });
});

/**
 * The roles of each root field, read from type-graphql's @Authorized metadata: a root field
 * without @Authorized fails here.
 */
function rootRoles(): Map<string, readonly string[]> {
  const storage = getMetadataStorage();
  const out = new Map<string, readonly string[]>();
  for (const [kind, list] of [['Query', storage.queries], ['Mutation', storage.mutations]] as const) {
    for (const r of list) {
      const auth = storage.authorizedFields.find((a) => a.target === r.target && a.fieldName === r.methodName);
      if (!auth) throw new Error(`${kind}.${r.schemaName} has no @Authorized`);
      out.set(`${kind}.${r.schemaName}`, auth.roles);
    }
  }
  return out;
}

/** Every named type `role` can reach from the roots it may call, through fields it may read. */
function reachableTypes(role: Role, roles: Map<string, readonly string[]>): Set<string> {
  const seen = new Set<string>();
  const queue: GraphQLNamedType[] = [];
  const visit = (t: GraphQLNamedType) => {
    if (seen.has(t.name)) return;
    seen.add(t.name);
    queue.push(t);
  };
  for (const root of [schema.getQueryType()!, schema.getMutationType()!]) {
    for (const [name, field] of Object.entries(root.getFields())) {
      if (roles.get(`${root.name}.${name}`)!.includes(role)) visit(getNamedType(field.type));
    }
  }
  while (queue.length) {
    const t = queue.shift()!;
    if (isUnionType(t)) t.getTypes().forEach(visit);
    if (isInterfaceType(t)) schema.getPossibleTypes(t).forEach(visit);
    if (!isObjectType(t) && !isInterfaceType(t)) continue;
    for (const [name, field] of Object.entries(t.getFields())) {
      const rule = FIELD_RULES[t.name]?.[name];
      if (rule && !rule.roles.includes(role)) continue;
      visit(getNamedType(field.type));
    }
  }
  return seen;
}

describe('restricted types through edges', () => {
  it('every root field carries @Authorized', () => {
    const roles = rootRoles();
    const roots = [schema.getQueryType()!, schema.getMutationType()!].flatMap((r) => Object.keys(r.getFields()).map((f) => `${r.name}.${f}`));
    expect(roots.filter((r) => !roles.has(r))).toEqual([]);
  });

  it.each(ALL_ROLES.map((r) => [r]))('%s reaches Denial and SubmissionBatch through no edge its root queries do not allow', (role) => {
    const reachable = reachableTypes(role, rootRoles());
    expect(reachable.has('Patient')).toBe(true);
    for (const [type, allowed] of Object.entries(RESTRICTED_TYPES)) expect([type, reachable.has(type)]).toEqual([type, allowed.includes(role)]);
  });
});

// ------------------------------------------------------------------------------------------
// Over HTTP: each role, each path.
// ------------------------------------------------------------------------------------------

const sel = (type: string, extra: string) => `__typename ${extra} ${Object.keys(FIELD_RULES[type]!).join(' ')}`;
const P = `{ ${sel('Patient', 'id sex state')} }`;
const C = `{ ${sel('Coverage', 'id relationship')} }`;

let t: TestServer;
let fx: { patient: Patient; coverage: Coverage; claim: Claim; denialId: string; remittanceId: string; batchId: string };

beforeAll(async () => {
  t = await startTestServer();
  const b = t.builders();
  const payer = await b.payer();
  const provider = await b.provider();
  const patient = await b.patient({ firstName: 'Philippa', middleName: 'Quinn', lastName: 'Hidden-Name', birthDate: '1961-07-04', addressLine1: '42 Secret Ln', addressLine2: 'Apt 9', city: 'Privateville', postalCode: '62704' });
  const own = await b.coverage(patient, payer, { memberId: 'MEMBERPHI77' });
  const claim = await b.claim({ patient, provider, coverage: own, status: ClaimStatus.SUBMITTED });
  const ready = await b.claim({ patient, provider, coverage: own, status: ClaimStatus.READY, serviceDate: addDays(today(), -9) });
  // A second coverage through a spouse: the subscriber's own identifiers.
  const coverage = await b.coverage(patient, payer, {
    memberId: 'MEMBERPHI78',
    order: 'SECONDARY' as never,
    relationship: SubscriberRelationship.SPOUSE,
    subscriberFirstName: 'Sub',
    subscriberLastName: 'Scriber-Name',
    subscriberBirthDate: '1959-01-02',
    subscriberSex: 'M' as never,
  });
  const submitted = await t.gql(SubmitClaimsBatchDocument, { ids: [ready.id] }, { role: Role.BILLER });
  const batchId = (submitted.data as { submitClaims: { batch: { id: string } } }).submitClaims.batch.id;
  const x12 = write835({
    trace: 'EFT-PHI-0001',
    date: '2026-11-01',
    claims: [{ pcn: claim.patientControlNumber, status: '4', chargeCents: claim.totalChargeCents, paidCents: 0, payerClaimNumber: 'ICN-PHI', cas: [['CO', '16', claim.totalChargeCents]] }],
  });
  const posted = await t.gql(ImportRemittanceDocument, { x12 }, { role: Role.BILLER });
  const out = posted.data!.importRemittance;
  expect(out.status).toBe('POSTED');
  fx = { patient, coverage, claim, denialId: out.denials[0]!.id, remittanceId: out.remittances[0]!.id, batchId };
}, 60_000);
afterAll(() => t?.stop());

/** Each way to a Patient or Coverage object, and to the restricted edges. */
const PATHS: Record<string, { query: () => string; roles?: readonly Role[] }> = {
  patient: { query: () => `{ patient(id: "${fx.patient.id}") ${P} }` },
  patients: { query: () => `{ patients(first: 100) { edges { node ${P} } } }` },
  'patient.coverages': { query: () => `{ patient(id: "${fx.patient.id}") { id coverages ${C} } }` },
  coverage: { query: () => `{ coverage(id: "${fx.coverage.id}") ${C} }` },
  'coverage.patient': { query: () => `{ coverage(id: "${fx.coverage.id}") { id patient ${P} } }` },
  coverages: { query: () => `{ coverages(first: 100) { edges { node ${C} } } }` },
  'claim.patient, claim.coverage': { query: () => `{ claim(id: "${fx.claim.id}") { id patient ${P} coverage ${C} } }` },
  'claims.patient': { query: () => `{ claims(first: 100) { edges { node { id patient ${P} coverage ${C} } } } }` },
  'encounter.patient, encounter.claims.patient': { query: () => `{ encounter(id: "${fx.claim.encounter!.id}") { id patient ${P} claims { id patient ${P} } } }` },
  'denial.claim.patient': { query: () => `{ denial(id: "${fx.denialId}") { id claim { id patient ${P} coverage ${C} } } }`, roles: RESTRICTED_TYPES.Denial },
  'remittance.claimPayments.claim.patient, .denials': {
    query: () => `{ remittance(id: "${fx.remittanceId}") { id claimPayments { __typename id claim { id patient ${P} coverage ${C} } denials { id claim { id patient ${P} } } } } }`,
  },
  'submissionBatch.x12, .claims.patient': { query: () => `{ submissionBatch(id: "${fx.batchId}") { __typename id x12 claims { id patient ${P} } } }`, roles: RESTRICTED_TYPES.SubmissionBatch },
};

interface Guarded {
  path: (string | number)[];
  type: string;
  field: string;
  value: unknown;
}

/** Every field in the response that FIELD_RULES covers, with its response path. */
function guardedFields(data: unknown, path: (string | number)[] = []): Guarded[] {
  if (Array.isArray(data)) return data.flatMap((v, i) => guardedFields(v, [...path, i]));
  if (!data || typeof data !== 'object') return [];
  const obj = data as Record<string, unknown>;
  const rules = typeof obj.__typename === 'string' ? FIELD_RULES[obj.__typename] : undefined;
  const out: Guarded[] = [];
  for (const [k, v] of Object.entries(obj)) {
    if (rules?.[k]) out.push({ path: [...path, k], type: obj.__typename as string, field: k, value: v });
    out.push(...guardedFields(v, [...path, k]));
  }
  return out;
}

const PHI_VALUES = () => ['Philippa', 'Quinn', 'Hidden-Name', '1961-07-04', '42 Secret Ln', 'Apt 9', 'Privateville', '62704', 'MEMBERPHI77', 'MEMBERPHI78', 'Scriber-Name', '1959-01-02'];

describe.each(Object.entries(PATHS))('through %s', (_name, p) => {
  const roles = ALL_ROLES.filter((r) => !p.roles || p.roles.includes(r));

  it.each(roles.map((r) => [r]))('%s gets each guarded field as its role allows, and everything else', async (role) => {
    const res: RawResult = await rawGql(t, p.query(), {}, { token: t.token(role) });
    expect(res.status).toBe(200);
    const fields = guardedFields(res.body.data);
    expect(fields.length).toBeGreaterThan(0);
    const refused = fields.filter((f) => !FIELD_RULES[f.type]![f.field]!.roles.includes(role));
    for (const f of fields) {
      const rule = FIELD_RULES[f.type]![f.field]!;
      if (rule.roles.includes(role)) continue;
      expect([f.path.join('.'), f.value]).toEqual([f.path.join('.'), null]);
      const error = (res.body.errors ?? []).find((e) => e.path?.join('.') === f.path.join('.'));
      expect([f.path.join('.'), error?.extensions]).toEqual([f.path.join('.'), expect.objectContaining({ code: 'FORBIDDEN', reason: rule.reason, requiredRoles: [...rule.roles] })]);
    }
    // One error per refused field, and no other error.
    expect((res.body.errors ?? []).length).toBe(refused.length);
    if (refused.some((f) => f.type === 'Patient' || f.type === 'Coverage')) {
      for (const v of PHI_VALUES()) expect(res.text).not.toContain(v);
    }
    if (refused.length === 0) {
      // A reader sees the real values (the fixture's, where the path reaches it).
      const patientNames = fields.filter((f) => f.type === 'Patient' && f.field === 'lastName').map((f) => f.value);
      if (patientNames.length) expect(patientNames).toContain('Hidden-Name');
      for (const f of fields) if (f.type === 'SubmissionBatch') expect(String(f.value)).toMatch(/^ISA/);
    }
  });
});

it('a VIEWER reading a remittance gets the payments and their claims, with denials null and PHI null', async () => {
  const res = await rawGql(t, PATHS['remittance.claimPayments.claim.patient, .denials']!.query(), {}, { token: t.token(Role.VIEWER) });
  const payment = (res.body.data as { remittance: { claimPayments: { id: string; denials: unknown; claim: { id: string; patient: { id: string; lastName: unknown; state: string } } }[] } }).remittance.claimPayments[0]!;
  expect(payment.claim.id).toBe(fx.claim.id);
  expect(payment.claim.patient).toMatchObject({ id: fx.patient.id, lastName: null, state: 'IL' });
  expect(payment.denials).toBeNull();
  expect(res.body.errors!.find((e) => e.path!.join('.') === 'remittance.claimPayments.0.denials')!.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'RESTRICTED_TYPE' });
});

describe('filtering by a PHI value is reading it', () => {
  const byName = (filter: object) => `{ patients(first: 5, filter: ${JSON.stringify(filter).replace(/"(\w+)":/g, '$1:')}) { totalCount edges { node { id } } } }`;

  it.each([[Role.VIEWER], [Role.COMPLIANCE]])('%s may not search patients by last name or birth date, and learns nothing', async (role) => {
    for (const filter of [{ lastNamePrefix: 'Hidden' }, { birthDate: fx.patient.birthDate }, { lastNamePrefix: 'Hidden', birthDate: fx.patient.birthDate }]) {
      const res = await rawGql(t, byName(filter), {}, { token: t.token(role) });
      expect(res.body.data ?? null).toBeNull();
      expect(res.body.errors).toHaveLength(1);
      expect(res.body.errors![0]!.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'PHI', requiredRoles: [...PHI_READERS] });
      expect(res.text).not.toContain(fx.patient.birthDate);
      expect(res.text).not.toContain('Hidden');
    }
    // Without a PHI filter the list is theirs to read (ids, with names null).
    const plain = await rawGql(t, '{ patients(first: 5) { totalCount } }', {}, { token: t.token(role) });
    expect(plain.body.errors).toBeUndefined();
  });

  it.each(PHI_READERS.map((r) => [r]))('%s may, and finds the patient', async (role) => {
    const res = await rawGql(t, byName({ lastNamePrefix: 'Hidden', birthDate: fx.patient.birthDate }), {}, { token: t.token(role) });
    expect(res.body.errors).toBeUndefined();
    expect((res.body.data as { patients: { edges: { node: { id: string } }[] } }).patients.edges.map((e) => e.node.id)).toContain(fx.patient.id);
  });
});
