import type { DocumentNode } from 'graphql';
import jwt from 'jsonwebtoken';
import { CLOCK_TOLERANCE_SECONDS, JWT_ISSUER } from '../../src/auth/jwt';
import { addDays, today } from '../../src/common/dates';
import { Role } from '../../src/common/enums';
import type { Coverage } from '../../src/modules/coverage/coverage.entity';
import type { Encounter } from '../../src/modules/encounter/encounter.entity';
import type { Patient } from '../../src/modules/patient/patient.entity';
import type { Payer } from '../../src/modules/payer/payer.entity';
import type { Provider } from '../../src/modules/provider/provider.entity';
import { npiFrom } from '../../src/seed/builders';
import { PHI_READERS } from '../../src/auth/phi';
import { buildAppSchema } from '../../src/server/schema';
import {
  ChangeClaimStatusDocument,
  ChangeEncounterStatusDocument,
  ClaimByIdDocument,
  ClaimsPageDocument,
  CodeLookupDocument,
  CodesDocument,
  CoverageByIdDocument,
  CoveragesDocument,
  CreateClaimDocument,
  CreateCodeDocument,
  CreateCoverageDocument,
  CreateEncounterDocument,
  CreatePatientDocument,
  CreatePayerDocument,
  CreateProviderDocument,
  EncounterByIdDocument,
  EncountersDocument,
  PatientByIdDocument,
  PatientsDocument,
  PayerByIdDocument,
  PayersDocument,
  ProviderByIdDocument,
  ProvidersDocument,
  UpdateClaimDocument,
  UpdateCoverageDocument,
  UpdateEncounterDocument,
  UpdatePatientDocument,
  UpdatePayerDocument,
  UpdateProviderDocument,
  ImportReferenceFileDocument,
  ReferenceReleasesDocument,
  ScrubClaimDocument,
  DryRunClaimDocument,
  SubmitClaimsDocument,
  ReloadRuleSetsDocument,
  RuleSetsDocument,
  RulesStatusDocument,
  ImportClaimsDocument,
  ImportClaimsFileDocument,
  SubmissionBatchDocument,
  ImportRemittanceDocument,
  ImportRemittanceFileDocument,
  RemittancesDocument,
  RemittanceDocument,
  ChangeDenialStatusDocument,
  ReworkDenialDocument,
  AppealDenialDocument,
  WriteOffDenialDocument,
  VoidClaimDocument,
  DenialByIdDocument,
  DenialQueueDocument,
  DenialStatsDocument,
  AuditEventsDocument,
} from '../generated/graphql';
import { rawGql, rawGqlUpload, type RawResult } from '../support/raw-gql';
import { startTestServer, type TestServer } from '../support/server';

const ALL_ROLES = [Role.VIEWER, Role.CODER, Role.BILLER, Role.COMPLIANCE, Role.ADMIN] as const;
const MISSING_ID = '01890000-0000-7000-8000-00000000abcd';

let t: TestServer;
let fx: { payer: Payer; provider: Provider; patient: Patient; coverage: Coverage; encounter: Encounter };

beforeAll(async () => {
  t = await startTestServer();
  fx = await t.builders().codedVisit();
});
afterAll(() => t.stop());

function expectUnauthenticated(res: RawResult, token?: string) {
  expect(res.status).toBe(401);
  expect(res.body.errors).toHaveLength(1);
  expect(res.body.errors![0]!.extensions?.code).toBe('UNAUTHENTICATED');
  expect('data' in res.body).toBe(false);
  // The token (or any of its parts) never comes back.
  if (token) for (const part of token.split('.').filter((p) => p.length > 8)) expect(res.text).not.toContain(part);
}

const now = () => Math.floor(Date.now() / 1000);
const b64url = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('authentication', () => {
  const sign = (payload: Record<string, unknown>, opts: jwt.SignOptions = {}, secret = t.config.jwtSecret) =>
    jwt.sign(payload, secret, { algorithm: 'HS256', issuer: JWT_ISSUER, subject: 'user-42', ...opts });

  it('accepts a token signed here with a known role (control for the cases below)', async () => {
    const res = await rawGql(t, PayersDocument, { first: 1 }, { token: sign({ role: 'VIEWER' }, { expiresIn: 60 }) });
    expect(res.status).toBe(200);
    expect(res.body.errors).toBeUndefined();
  });

  it('no Authorization header: 401 UNAUTHENTICATED and no data', async () => {
    expectUnauthenticated(await rawGql(t, PayersDocument, { first: 1 }, { token: null }));
  });

  it('no Authorization header on a mutation: 401 and nothing written', async () => {
    const before = await t.rowCounts();
    const res = await rawGql(t, CreatePayerDocument, { input: { name: 'Sneaky', payerId: 'SNEAKY1', claimFilingIndicator: 'COMMERCIAL', timelyFilingDays: 90, appealDays: 90 } }, { token: null });
    expectUnauthenticated(res);
    expect(await t.rowCounts()).toEqual(before);
  });

  it.each([
    ['a Basic scheme', () => `Basic ${Buffer.from('admin:admin').toString('base64')}`],
    ['Bearer without a token', () => 'Bearer'],
    ['Bearer with an empty token', () => 'Bearer    '],
    ['a token with spaces inside', () => `Bearer ${t.token(Role.ADMIN).replace('.', ' . ')}`],
    ['a token with characters outside base64url', () => `Bearer ${t.token(Role.ADMIN)}<script>`],
    ['two tokens', () => `Bearer ${t.token(Role.ADMIN)}, Bearer ${t.token(Role.ADMIN)}`],
    ['a token without the scheme', () => t.token(Role.ADMIN)],
    ['garbage', () => 'Bearer not-a-jwt'],
  ])('malformed header (%s): 401 UNAUTHENTICATED', async (_name, header) => {
    expectUnauthenticated(await rawGql(t, PayersDocument, { first: 1 }, { authorization: header() }));
  });

  it('wrong signature: 401', async () => {
    const token = sign({ role: 'ADMIN' }, { expiresIn: 600 }, 'some-other-secret-that-is-long-enough-0123456789');
    expectUnauthenticated(await rawGql(t, PayersDocument, { first: 1 }, { token }), token);
  });

  it('a valid token with its payload swapped (signature no longer matches): 401', async () => {
    const [header, , signature] = sign({ role: 'VIEWER' }, { expiresIn: 600 }).split('.');
    const forged = `${header}.${b64url({ role: 'ADMIN', sub: 'user-42', iss: JWT_ISSUER, exp: now() + 600 })}.${signature}`;
    expectUnauthenticated(await rawGql(t, PayersDocument, { first: 1 }, { token: forged }), forged);
  });

  it(`expired beyond the ${CLOCK_TOLERANCE_SECONDS} s clock tolerance: 401`, async () => {
    const token = sign({ role: 'ADMIN', iat: now() - 3600, exp: now() - CLOCK_TOLERANCE_SECONDS - 30 });
    const res = await rawGql(t, PayersDocument, { first: 1 }, { token });
    expectUnauthenticated(res, token);
    expect(res.body.errors![0]!.message).toMatch(/expired/);
  });

  it('expired within the clock tolerance is still accepted', async () => {
    const token = sign({ role: 'VIEWER', iat: now() - 3600, exp: now() - 5 });
    const res = await rawGql(t, PayersDocument, { first: 1 }, { token });
    expect(res.status).toBe(200);
    expect(res.body.errors).toBeUndefined();
  });

  it('not yet valid (nbf in the future beyond tolerance): 401', async () => {
    const token = sign({ role: 'ADMIN', nbf: now() + 600 }, { expiresIn: 3600 });
    expectUnauthenticated(await rawGql(t, PayersDocument, { first: 1 }, { token }), token);
  });

  it('unknown role: 401', async () => {
    const token = sign({ role: 'SUPERUSER' }, { expiresIn: 600 });
    expectUnauthenticated(await rawGql(t, PayersDocument, { first: 1 }, { token }), token);
  });

  it('role in the wrong case: 401', async () => {
    const token = sign({ role: 'admin' }, { expiresIn: 600 });
    expectUnauthenticated(await rawGql(t, PayersDocument, { first: 1 }, { token }), token);
  });

  it('no role: 401', async () => {
    const token = sign({}, { expiresIn: 600 });
    expectUnauthenticated(await rawGql(t, PayersDocument, { first: 1 }, { token }), token);
  });

  it('token without exp: 401', async () => {
    const token = sign({ role: 'ADMIN' });
    expect(jwt.decode(token)).not.toHaveProperty('exp');
    const res = await rawGql(t, PayersDocument, { first: 1 }, { token });
    expectUnauthenticated(res, token);
    expect(res.body.errors![0]!.message).toMatch(/expiry/);
  });

  it('token without subject: 401', async () => {
    const token = jwt.sign({ role: 'ADMIN' }, t.config.jwtSecret, { algorithm: 'HS256', issuer: JWT_ISSUER, expiresIn: 600 });
    expectUnauthenticated(await rawGql(t, PayersDocument, { first: 1 }, { token }), token);
  });

  it('wrong issuer: 401', async () => {
    const token = sign({ role: 'ADMIN' }, { expiresIn: 600, issuer: 'someone-else' });
    expectUnauthenticated(await rawGql(t, PayersDocument, { first: 1 }, { token }), token);
  });

  it('alg none (unsigned): 401', async () => {
    const token = `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url({ role: 'ADMIN', sub: 'user-42', iss: JWT_ISSUER, iat: now(), exp: now() + 600 })}.`;
    expectUnauthenticated(await rawGql(t, PayersDocument, { first: 1 }, { token }), token);
  });

  it('HS512 with the right secret (only HS256 is accepted): 401', async () => {
    const token = sign({ role: 'ADMIN' }, { expiresIn: 600, algorithm: 'HS512' });
    expectUnauthenticated(await rawGql(t, PayersDocument, { first: 1 }, { token }), token);
  });
});

// ------------------------------------------------------------------------------------------
// Role matrix. The expected roles are written here from the requirement ("coders code
// encounters, billers build, submit and rework claims, compliance manages rules, viewers read"),
// not read from the resolvers, so a changed @Authorized shows up as a failure.
// ------------------------------------------------------------------------------------------

type Outcome = 'OK' | 'NOT_FOUND' | 'BAD_USER_INPUT';
interface MutationCase {
  allowed: readonly Role[];
  doc: DocumentNode;
  /** Variables for one attempt by `role`: valid creates (unique per role), updates of a missing id. */
  variables: (role: Role) => Record<string, unknown>;
  /** What an allowed role gets: proves the request reached the resolver. */
  reached: Outcome;
  /** For operations JSON cannot carry (file uploads): how to send one attempt. */
  send?: (role: Role | null) => Promise<RawResult>;
}

const { VIEWER, CODER, BILLER, COMPLIANCE, ADMIN } = Role;
const CODING = [CODER, ADMIN];
const BILLING = [BILLER, ADMIN];
const REGISTRATION = [BILLER, ADMIN];
const RULES = [COMPLIANCE, ADMIN];
const roleIndex = (role: Role) => ALL_ROLES.indexOf(role);

const MUTATIONS: Record<string, MutationCase> = {
  createPatient: {
    allowed: REGISTRATION,
    doc: CreatePatientDocument,
    variables: () => ({ input: { firstName: 'Ina', lastName: 'Matrix', birthDate: '1970-01-01', sex: 'F', addressLine1: '1 Main St', city: 'Springfield', state: 'IL', postalCode: '62701' } }),
    reached: 'OK',
  },
  updatePatient: { allowed: REGISTRATION, doc: UpdatePatientDocument, variables: () => ({ input: { id: MISSING_ID, version: 1, city: 'Chicago' } }), reached: 'NOT_FOUND' },
  createCoverage: {
    allowed: REGISTRATION,
    doc: CreateCoverageDocument,
    variables: (role) => ({ input: { patientId: fx.patient.id, payerId: fx.payer.id, memberId: `MX${roleIndex(role)}`, relationship: 'SELF', effectiveFrom: '2024-01-01', order: 'SECONDARY' } }),
    reached: 'OK',
  },
  updateCoverage: { allowed: REGISTRATION, doc: UpdateCoverageDocument, variables: () => ({ input: { id: MISSING_ID, version: 1, groupNumber: 'G1' } }), reached: 'NOT_FOUND' },
  createProvider: {
    allowed: [ADMIN],
    doc: CreateProviderDocument,
    variables: (role) => ({
      input: { npi: npiFrom(String(555000100 + roleIndex(role))), entityType: 'PERSON', lastNameOrOrganization: 'Matrix', firstName: 'Rita', isBilling: false, isRendering: true },
    }),
    reached: 'OK',
  },
  updateProvider: { allowed: [ADMIN], doc: UpdateProviderDocument, variables: () => ({ input: { id: MISSING_ID, version: 1, firstName: 'X' } }), reached: 'NOT_FOUND' },
  createPayer: {
    allowed: RULES,
    doc: CreatePayerDocument,
    variables: (role) => ({ input: { name: `Matrix Payer ${role}`, payerId: `MATRIX${roleIndex(role)}`, claimFilingIndicator: 'COMMERCIAL', timelyFilingDays: 90, appealDays: 180 } }),
    reached: 'OK',
  },
  updatePayer: { allowed: RULES, doc: UpdatePayerDocument, variables: () => ({ input: { id: MISSING_ID, version: 1, timelyFilingDays: 120 } }), reached: 'NOT_FOUND' },
  createCode: {
    allowed: RULES,
    doc: CreateCodeDocument,
    variables: (role) => ({ input: { system: 'HCPCS', code: `A990${roleIndex(role)}`, shortDescription: 'Matrix supply', effectiveFrom: '2024-01-01' } }),
    reached: 'OK',
  },
  createEncounter: {
    allowed: CODING,
    doc: CreateEncounterDocument,
    variables: () => ({
      input: {
        patientId: fx.patient.id,
        billingProviderId: fx.provider.id,
        renderingProviderId: fx.provider.id,
        placeOfService: '11',
        serviceDateFrom: addDays(today(), -3),
        diagnoses: ['I10'],
        lines: [{ procedureCode: '99213', units: 1, chargeCents: 9_000, diagnosisPointers: [1] }],
      },
    }),
    reached: 'OK',
  },
  updateEncounter: { allowed: CODING, doc: UpdateEncounterDocument, variables: () => ({ input: { id: MISSING_ID, version: 1, placeOfService: '11' } }), reached: 'NOT_FOUND' },
  changeEncounterStatus: { allowed: CODING, doc: ChangeEncounterStatusDocument, variables: () => ({ input: { id: MISSING_ID, version: 1, status: 'CODED' } }), reached: 'NOT_FOUND' },
  createClaim: {
    allowed: BILLING,
    doc: CreateClaimDocument,
    variables: () => ({ input: { encounterId: fx.encounter.id, coverageId: fx.coverage.id } }),
    reached: 'OK',
  },
  updateClaim: { allowed: BILLING, doc: UpdateClaimDocument, variables: () => ({ input: { id: MISSING_ID, version: 1, priorAuthNumber: 'PA-1' } }), reached: 'NOT_FOUND' },
  changeClaimStatus: { allowed: BILLING, doc: ChangeClaimStatusDocument, variables: () => ({ input: { id: MISSING_ID, version: 1, status: 'READY' } }), reached: 'NOT_FOUND' },
  importReferenceFile: {
    allowed: RULES,
    doc: ImportReferenceFileDocument,
    variables: () => ({ input: { kind: 'ICD10CM', file: null, fiscalYear: 2026 } }),
    // A file with one malformed record: an allowed role gets a REFUSED payload and nothing changes.
    send: (role) =>
      rawGqlUpload(t, ImportReferenceFileDocument, { input: { kind: 'ICD10CM', file: null, fiscalYear: 2026 } }, { path: 'input.file', name: 'matrix.txt', content: 'not an order file\n' }, {
        token: role ? t.token(role) : null,
      }),
    reached: 'OK',
  },
  scrubClaim: { allowed: [CODER, BILLER, COMPLIANCE, ADMIN], doc: ScrubClaimDocument, variables: () => ({ id: MISSING_ID }), reached: 'NOT_FOUND' },
  dryRunClaim: {
    allowed: [CODER, BILLER, COMPLIANCE, ADMIN],
    doc: DryRunClaimDocument,
    variables: () => ({
      input: { payer: 'medicare', patient: { sex: 'F', birthDate: '1950-03-02', memberId: '1EG4TE5MK73' }, placeOfService: '11', serviceDateFrom: addDays(today(), -3), diagnoses: ['I10'], lines: [{ code: '99213', units: 1, chargeCents: 9_000, diagnosisPointers: [1] }] },
    }),
    reached: 'OK',
  },
  // An unknown id is refused as data (NOT_FOUND in the payload), so the call itself succeeds.
  submitClaims: { allowed: BILLING, doc: SubmitClaimsDocument, variables: () => ({ ids: [MISSING_ID] }), reached: 'OK' },
  reloadRuleSets: { allowed: RULES, doc: ReloadRuleSetsDocument, variables: () => ({}), reached: 'OK' },
  // An X12 text that is not an interchange is refused as data (status REFUSED), nothing imported.
  importClaims: { allowed: BILLING, doc: ImportClaimsDocument, variables: () => ({ x12: 'ISA' }), reached: 'OK' },
  importRemittance: { allowed: BILLING, doc: ImportRemittanceDocument, variables: () => ({ x12: 'ISA' }), reached: 'OK' },
  importRemittanceFile: {
    allowed: BILLING,
    doc: ImportRemittanceFileDocument,
    variables: () => ({ input: { file: null } }),
    send: (role) =>
      rawGqlUpload(t, ImportRemittanceFileDocument, { input: { file: null } }, { path: 'input.file', name: 'matrix.835', content: 'ISA' }, { token: role ? t.token(role) : null }),
    reached: 'OK',
  },
  changeDenialStatus: { allowed: BILLING, doc: ChangeDenialStatusDocument, variables: () => ({ input: { id: MISSING_ID, version: 1, status: 'IN_REWORK' } }), reached: 'NOT_FOUND' },
  reworkDenial: { allowed: BILLING, doc: ReworkDenialDocument, variables: () => ({ input: { id: MISSING_ID, version: 1, corrections: { priorAuthNumber: 'PA-1' } } }), reached: 'NOT_FOUND' },
  appealDenial: { allowed: BILLING, doc: AppealDenialDocument, variables: () => ({ input: { id: MISSING_ID, version: 1, note: 'Records attached.' } }), reached: 'NOT_FOUND' },
  writeOffDenial: { allowed: BILLING, doc: WriteOffDenialDocument, variables: () => ({ input: { id: MISSING_ID, version: 1, reason: 'SMALL_BALANCE' } }), reached: 'NOT_FOUND' },
  voidClaim: { allowed: BILLING, doc: VoidClaimDocument, variables: () => ({ input: { id: MISSING_ID, version: 1 } }), reached: 'NOT_FOUND' },
};

/** Same document as importClaims, sent as a file upload: the matrix must hold for both shapes. */
const IMPORT_CLAIMS_FILE = () => rawGqlUpload(t, ImportClaimsFileDocument, { file: null }, { path: 'file', name: 'matrix.837', content: 'ISA' }, { token: t.token(Role.BILLER) });

/** `allowed` absent: every role may read it. Otherwise the others get FORBIDDEN. */
const QUERIES: Record<string, { doc: DocumentNode; variables: () => Record<string, unknown>; allowed?: readonly Role[] }> = {
  patient: { doc: PatientByIdDocument, variables: () => ({ id: fx.patient.id }) },
  patients: { doc: PatientsDocument, variables: () => ({ first: 5 }) },
  payer: { doc: PayerByIdDocument, variables: () => ({ id: fx.payer.id }) },
  payers: { doc: PayersDocument, variables: () => ({ first: 5 }) },
  provider: { doc: ProviderByIdDocument, variables: () => ({ id: fx.provider.id }) },
  providers: { doc: ProvidersDocument, variables: () => ({ first: 5 }) },
  coverage: { doc: CoverageByIdDocument, variables: () => ({ id: fx.coverage.id }) },
  coverages: { doc: CoveragesDocument, variables: () => ({ first: 5 }) },
  code: { doc: CodeLookupDocument, variables: () => ({ system: 'CPT', code: '99213' }) },
  codes: { doc: CodesDocument, variables: () => ({ first: 5 }) },
  encounter: { doc: EncounterByIdDocument, variables: () => ({ id: fx.encounter.id }) },
  encounters: { doc: EncountersDocument, variables: () => ({ first: 5 }) },
  claim: { doc: ClaimByIdDocument, variables: () => ({ id: MISSING_ID }) },
  claims: { doc: ClaimsPageDocument, variables: () => ({ first: 5 }) },
  referenceReleases: { doc: ReferenceReleasesDocument, variables: () => ({}) },
  ruleSets: { doc: RuleSetsDocument, variables: () => ({}) },
  rulesStatus: { doc: RulesStatusDocument, variables: () => ({}) },
  remittances: { doc: RemittancesDocument, variables: () => ({ first: 5 }) },
  remittance: { doc: RemittanceDocument, variables: () => ({ id: MISSING_ID }) },
  // The batch's X12 carries PHI (names, member ids, birth dates): the people who send it only.
  submissionBatch: { doc: SubmissionBatchDocument, variables: () => ({ id: MISSING_ID }), allowed: BILLING },
  // Denials are the billers' work queue; compliance reads them to find missing rules.
  denial: { doc: DenialByIdDocument, variables: () => ({ id: MISSING_ID }), allowed: [BILLER, COMPLIANCE, ADMIN] },
  denials: { doc: DenialQueueDocument, variables: () => ({ first: 5 }), allowed: [BILLER, COMPLIANCE, ADMIN] },
  denialStats: { doc: DenialStatsDocument, variables: () => ({ from: addDays(today(), -30), to: today() }), allowed: [BILLER, COMPLIANCE, ADMIN] },
  // The audit trail: who read and changed what (HIPAA 45 CFR 164.312(b)); reviewed by admins.
  auditEvents: { doc: AuditEventsDocument, variables: () => ({ first: 5 }), allowed: [ADMIN] },
};

describe('role matrix', () => {
  it('covers every mutation and every query in the schema', async () => {
    const schema = await buildAppSchema();
    expect(Object.keys(MUTATIONS).sort()).toEqual(Object.keys(schema.getMutationType()!.getFields()).sort());
    expect(Object.keys(QUERIES).sort()).toEqual(Object.keys(schema.getQueryType()!.getFields()).sort());
  });

  it('each typed document calls the mutation or query it is listed under', () => {
    const rootField = (doc: DocumentNode) => {
      const op = doc.definitions.find((d) => d.kind === 'OperationDefinition');
      const sel = op && 'selectionSet' in op ? op.selectionSet.selections[0] : undefined;
      return sel && sel.kind === 'Field' ? sel.name.value : undefined;
    };
    for (const [name, c] of Object.entries(MUTATIONS)) expect([name, rootField(c.doc)]).toEqual([name, name]);
    for (const [name, c] of Object.entries(QUERIES)) expect([name, rootField(c.doc)]).toEqual([name, name]);
  });

  describe.each(Object.entries(MUTATIONS))('mutation %s', (name, c) => {
    const forbidden = ALL_ROLES.filter((r) => !c.allowed.includes(r));

    it.each(forbidden.map((r) => [r]))('%s is FORBIDDEN, and nothing is written', async (role) => {
      const before = await t.rowCounts();
      const res = c.send ? await c.send(role) : await rawGql(t, c.doc, c.variables(role), { token: t.token(role) });
      expect(res.status).toBe(200);
      expect(res.body.errors).toHaveLength(1);
      expect(res.body.errors![0]!.extensions).toMatchObject({ code: 'FORBIDDEN', requiredRoles: [...c.allowed] });
      expect(res.body.errors![0]!.path).toEqual([name]);
      expect(res.body.data ?? null).toBeNull();
      expect(await t.rowCounts()).toEqual(before);
    });

    it.each(c.allowed.map((r) => [r]))('%s is let through to the resolver', async (role) => {
      const res = c.send ? await c.send(role) : await rawGql(t, c.doc, c.variables(role), { token: t.token(role) });
      const code = res.body.errors?.[0]?.extensions?.code;
      expect(code).not.toBe('FORBIDDEN');
      expect(code).not.toBe('UNAUTHENTICATED');
      // Not just "anything but FORBIDDEN": the outcome the resolver gives this request.
      if (c.reached === 'OK') {
        expect(res.body.errors).toBeUndefined();
        expect(res.body.data?.[name]).toBeTruthy();
      } else {
        expect(code).toBe(c.reached);
      }
    });

    it('without a token is UNAUTHENTICATED', async () => {
      const before = await t.rowCounts();
      expectUnauthenticated(c.send ? await c.send(null) : await rawGql(t, c.doc, c.variables(Role.ADMIN), { token: null }));
      expect(await t.rowCounts()).toEqual(before);
    });
  });

  it('importClaims as a file upload reaches the resolver too', async () => {
    const res = await IMPORT_CLAIMS_FILE();
    expect(res.body.errors).toBeUndefined();
    expect((res.body.data as { importClaims: { status: string } }).importClaims.status).toBe('REFUSED');
  });

  describe.each(Object.entries(QUERIES))('query %s', (name, q) => {
    const allowed = q.allowed ?? ALL_ROLES;
    it.each(allowed.map((r) => [r]))('%s may read it', async (role) => {
      const res = await rawGql(t, q.doc, q.variables(), { token: t.token(role) });
      expect(res.status).toBe(200);
      expect(res.body.data?.[name]).not.toBeUndefined();
      // The only errors a reader may get are the PHI fields inside the result, and only a role
      // that does not read PHI (test/security/phi.test.ts checks each field).
      const errors = res.body.errors ?? [];
      if (PHI_READERS.includes(role)) expect(errors).toEqual([]);
      for (const e of errors) {
        expect(e.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'PHI' });
        expect(e.path!.length).toBeGreaterThan(1);
        expect(e.path![0]).toBe(name);
      }
    });

    const forbidden = ALL_ROLES.filter((r) => !allowed.includes(r));
    if (forbidden.length > 0) {
      it.each(forbidden.map((r) => [r]))('%s is FORBIDDEN', async (role) => {
        const res = await rawGql(t, q.doc, q.variables(), { token: t.token(role) });
        expect(res.status).toBe(200);
        expect(res.body.errors).toHaveLength(1);
        expect(res.body.errors![0]!.extensions).toMatchObject({ code: 'FORBIDDEN', requiredRoles: [...allowed] });
        expect(res.body.errors![0]!.path).toEqual([name]);
        // A nullable root field comes back as null beside the error; a non-null one nulls `data`.
        expect((res.body.data as Record<string, unknown> | null | undefined)?.[name] ?? null).toBeNull();
      });
    }

    it('without a token is UNAUTHENTICATED', async () => {
      expectUnauthenticated(await rawGql(t, q.doc, q.variables(), { token: null }));
    });
  });

  it('the single-object queries return the fixtures (the reads are real)', async () => {
    const res = await rawGql(t, PatientByIdDocument, { id: fx.patient.id }, { token: t.token(VIEWER) });
    expect((res.body.data as { patient: { id: string } }).patient.id).toBe(fx.patient.id);
  });
});
