import 'reflect-metadata';
import type { GraphQLFormattedError } from 'graphql';
import { Role } from '../../src/common/enums';
import { npiFrom } from '../../src/seed/builders';
import {
  ChangeEncounterStatusDocument,
  ClaimByIdDocument,
  ClaimsPageDocument,
  CodeLookupDocument,
  CodesDocument,
  CoveragesDocument,
  CreateClaimDocument,
  CreateCodeDocument,
  CreateCoverageDocument,
  CreateEncounterDocument,
  CreatePatientDocument,
  CreatePayerDocument,
  CreateProviderDocument,
  CrudCoverageByIdDocument,
  CrudPayerByIdDocument,
  CrudProviderByIdDocument,
  CrudUpdateCoverageDocument,
  CrudUpdatePayerDocument,
  CrudUpdateProviderDocument,
  EncounterByIdDocument,
  EncountersDocument,
  PatientByIdDocument,
  PatientsDocument,
  PayersDocument,
  ProvidersDocument,
  UpdateClaimDocument,
  UpdateEncounterDocument,
  UpdatePatientDocument,
  type CreatePatientInput,
  type CreateProviderInput,
  type ServiceLineInput,
} from '../generated/graphql';
import { startTestServer, type TestServer } from '../support/server';

/** The single error of a refused request, with its issues (for BAD_USER_INPUT). */
function refusal(errors: GraphQLFormattedError[] | undefined) {
  expect(errors).toHaveLength(1);
  const ext = errors![0]!.extensions as { code: string; reason?: string; issues?: { path: string; reason: string }[] };
  return { code: ext.code, reason: ext.reason, issues: ext.issues ?? [], paths: (ext.issues ?? []).map((i) => i.path).sort() };
}

const MISSING_ID = '01900000-0000-7000-8000-000000000000';

describe('create / update / get / list over HTTP', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(() => t.stop());

  // ---------------------------------------------------------------- get by id
  describe('get by id', () => {
    // Regression: on PostgreSQL (uuid columns) a malformed id was a driver error surfacing as
    // INTERNAL_SERVER_ERROR, while SQLite answered null. Both now answer null, as for an unknown id.
    it.each(['not-a-uuid', "1' OR '1'='1", MISSING_ID])('answers null without an error for %p', async (id) => {
      const results = await Promise.all([
        t.gql(PatientByIdDocument, { id }, { role: Role.VIEWER }).then((r) => [r.errors, r.data?.patient]),
        t.gql(CrudPayerByIdDocument, { id }, { role: Role.VIEWER }).then((r) => [r.errors, r.data?.payer]),
        t.gql(CrudProviderByIdDocument, { id }, { role: Role.VIEWER }).then((r) => [r.errors, r.data?.provider]),
        t.gql(CrudCoverageByIdDocument, { id }, { role: Role.VIEWER }).then((r) => [r.errors, r.data?.coverage]),
        t.gql(EncounterByIdDocument, { id }, { role: Role.VIEWER }).then((r) => [r.errors, r.data?.encounter]),
        t.gql(ClaimByIdDocument, { id }, { role: Role.VIEWER }).then((r) => [r.errors, r.data?.claim]),
      ]);
      expect(results).toEqual(Array(6).fill([undefined, null]));
    });
  });

  // ---------------------------------------------------------------- Patient
  describe('Patient', () => {
    const base: CreatePatientInput = {
      firstName: 'Dana',
      middleName: 'Q',
      lastName: 'Okafor',
      birthDate: '1971-08-09',
      sex: 'F',
      addressLine1: '12 Oak Ave',
      city: 'Peoria',
      state: 'il',
      postalCode: '61602-1234',
    };

    it('creates, gets, updates (version +1, omitted fields kept, null clears) and lists a patient', async () => {
      const created = await t.gql(CreatePatientDocument, { input: base }, { role: Role.BILLER });
      expect(created.errors).toBeUndefined();
      const p = created.data!.createPatient.patient;
      expect(p).toMatchObject({ version: 1, firstName: 'Dana', middleName: 'Q', lastName: 'Okafor', state: 'IL', postalCode: '616021234', addressLine2: null });

      const got = await t.gql(PatientByIdDocument, { id: p.id }, { role: Role.CODER });
      expect(got.data!.patient).toMatchObject({ ...p, coverages: [] });

      const updated = await t.gql(UpdatePatientDocument, { input: { id: p.id, version: 1, city: 'Chicago', middleName: null } }, { role: Role.BILLER });
      expect(updated.errors).toBeUndefined();
      expect(updated.data!.updatePatient.patient).toMatchObject({ id: p.id, version: 2, city: 'Chicago', middleName: null, firstName: 'Dana', birthDate: '1971-08-09' });

      const again = await t.gql(UpdatePatientDocument, { input: { id: p.id, version: 2, lastName: 'Okafor-Reyes' } }, { role: Role.BILLER });
      expect(again.data!.updatePatient.patient).toMatchObject({ version: 3, lastName: 'Okafor-Reyes', city: 'Chicago' });

      const reread = await t.gql(PatientByIdDocument, { id: p.id }, { role: Role.CODER });
      expect(reread.data!.patient).toMatchObject({ version: 3, lastName: 'Okafor-Reyes', city: 'Chicago', middleName: null });

      const list = await t.gql(PatientsDocument, { first: 100, filter: { lastNamePrefix: 'okafor' } }, { role: Role.CODER });
      expect(list.data!.patients.edges.map((e) => e.node)).toEqual([{ id: p.id, lastName: 'Okafor-Reyes' }]);
      expect(list.data!.patients.totalCount).toBe(1);
    });

    it('refuses a stale version with CONFLICT and an unknown id with NOT_FOUND; get of an unknown id is null', async () => {
      const created = await t.gql(CreatePatientDocument, { input: { ...base, lastName: 'Stale' } }, { role: Role.BILLER });
      const id = created.data!.createPatient.patient.id;
      await t.gql(UpdatePatientDocument, { input: { id, version: 1, city: 'Normal' } }, { role: Role.BILLER });
      const stale = await t.gql(UpdatePatientDocument, { input: { id, version: 1, city: 'Urbana' } }, { role: Role.BILLER });
      expect(refusal(stale.errors).code).toBe('CONFLICT');
      const missing = await t.gql(UpdatePatientDocument, { input: { id: MISSING_ID, version: 1, city: 'Urbana' } }, { role: Role.BILLER });
      expect(refusal(missing.errors).code).toBe('NOT_FOUND');
      const none = await t.gql(PatientByIdDocument, { id: MISSING_ID }, { role: Role.VIEWER });
      expect(none.errors).toBeUndefined();
      expect(none.data!.patient).toBeNull();
    });
  });

  // ---------------------------------------------------------------- Payer
  describe('Payer', () => {
    const input = { name: 'Prairie Health Plan', payerId: 'PHP01', claimFilingIndicator: 'COMMERCIAL' as const, timelyFilingDays: 90, appealDays: 180 };

    it('creates, gets, updates and lists (name search is case-insensitive on both databases)', async () => {
      const created = await t.gql(CreatePayerDocument, { input }, { role: Role.COMPLIANCE });
      expect(created.errors).toBeUndefined();
      const payer = created.data!.createPayer.payer;
      expect(payer).toMatchObject({ ...input, ruleSetKey: null, version: 1 });

      const got = await t.gql(CrudPayerByIdDocument, { id: payer.id }, { role: Role.VIEWER });
      expect(got.data!.payer).toMatchObject({ ...input, id: payer.id, version: 1 });

      const updated = await t.gql(CrudUpdatePayerDocument, { input: { id: payer.id, version: 1, timelyFilingDays: 365, ruleSetKey: 'medicare', claimFilingIndicator: 'MEDICARE_PART_B' } }, { role: Role.COMPLIANCE });
      expect(updated.errors).toBeUndefined();
      expect(updated.data!.updatePayer.payer).toMatchObject({ version: 2, timelyFilingDays: 365, ruleSetKey: 'medicare', claimFilingIndicator: 'MEDICARE_PART_B', name: input.name, appealDays: 180 });
      // Keeping its own payerId is not a duplicate.
      const same = await t.gql(CrudUpdatePayerDocument, { input: { id: payer.id, version: 2, payerId: 'PHP01', name: 'Prairie Health' } }, { role: Role.COMPLIANCE });
      expect(same.errors).toBeUndefined();
      expect(same.data!.updatePayer.payer).toMatchObject({ version: 3, payerId: 'PHP01', name: 'Prairie Health' });

      const list = await t.gql(PayersDocument, { first: 100, search: 'prairie' }, { role: Role.VIEWER });
      expect(list.errors).toBeUndefined();
      expect(list.data!.payers.edges.map((e) => e.node.id)).toEqual([payer.id]);
      const all = await t.gql(PayersDocument, { first: 100 }, { role: Role.VIEWER });
      expect(all.data!.payers.edges.map((e) => e.node.id)).toContain(payer.id);
    });

    it('refuses a duplicate payerId on create and on update with BAD_USER_INPUT at input.payerId', async () => {
      const a = await t.gql(CreatePayerDocument, { input: { ...input, name: 'Dup A', payerId: 'DUP01' } }, { role: Role.COMPLIANCE });
      expect(a.errors).toBeUndefined();
      const dup = await t.gql(CreatePayerDocument, { input: { ...input, name: 'Dup B', payerId: 'DUP01' } }, { role: Role.COMPLIANCE });
      expect(refusal(dup.errors)).toMatchObject({ code: 'BAD_USER_INPUT', paths: ['input.payerId'], issues: [expect.objectContaining({ reason: 'DUPLICATE' })] });

      const b = await t.gql(CreatePayerDocument, { input: { ...input, name: 'Dup B', payerId: 'DUP02' } }, { role: Role.COMPLIANCE });
      const clash = await t.gql(CrudUpdatePayerDocument, { input: { id: b.data!.createPayer.payer.id, version: 1, payerId: 'DUP01' } }, { role: Role.COMPLIANCE });
      expect(refusal(clash.errors)).toMatchObject({ code: 'BAD_USER_INPUT', paths: ['input.payerId'] });
      const after = await t.gql(CrudPayerByIdDocument, { id: b.data!.createPayer.payer.id }, { role: Role.VIEWER });
      expect(after.data!.payer).toMatchObject({ payerId: 'DUP02', version: 1 });
    });
  });

  // ---------------------------------------------------------------- Coverage
  describe('Coverage', () => {
    async function patientAndPayer() {
      const b = t.builders();
      return { patient: await b.patient({ lastName: 'Covered' }), payer: await b.payer() };
    }

    it('creates a SELF coverage, gets, updates and lists it', async () => {
      const { patient, payer } = await patientAndPayer();
      const created = await t.gql(
        CreateCoverageDocument,
        { input: { patientId: patient.id, payerId: payer.id, memberId: 'W123-456', groupNumber: 'G1', relationship: 'SELF', effectiveFrom: '2023-01-01', order: 'PRIMARY' } },
        { role: Role.BILLER },
      );
      expect(created.errors).toBeUndefined();
      const cov = created.data!.createCoverage.coverage;
      expect(cov).toMatchObject({ memberId: 'W123-456', relationship: 'SELF', order: 'PRIMARY', effectiveTo: null, version: 1, patient: { id: patient.id }, payer: { id: payer.id } });

      const got = await t.gql(CrudCoverageByIdDocument, { id: cov.id }, { role: Role.VIEWER });
      expect(got.data!.coverage).toMatchObject({ id: cov.id, subscriberFirstName: null, effectiveFrom: '2023-01-01', version: 1 });

      const updated = await t.gql(CrudUpdateCoverageDocument, { input: { id: cov.id, version: 1, effectiveTo: '2024-12-31', groupNumber: 'G2' } }, { role: Role.BILLER });
      expect(updated.errors).toBeUndefined();
      expect(updated.data!.updateCoverage.coverage).toMatchObject({ version: 2, effectiveTo: '2024-12-31', groupNumber: 'G2', memberId: 'W123-456' });

      const list = await t.gql(CoveragesDocument, { first: 10, filter: { patientId: patient.id } }, { role: Role.VIEWER });
      expect(list.data!.coverages.edges.map((e) => e.node)).toEqual([expect.objectContaining({ id: cov.id, effectiveTo: '2024-12-31' })]);
      const active = await t.gql(CoveragesDocument, { first: 10, filter: { patientId: patient.id, activeOn: '2025-01-01' } }, { role: Role.VIEWER });
      expect(active.data!.coverages.edges).toEqual([]);
      const patientView = await t.gql(PatientByIdDocument, { id: patient.id }, { role: Role.VIEWER });
      expect(patientView.data!.patient!.coverages.map((c) => c.id)).toEqual([cov.id]);
    });

    it('needs the subscriber name when the patient is not the subscriber (create and update)', async () => {
      const { patient, payer } = await patientAndPayer();
      const input = { patientId: patient.id, payerId: payer.id, memberId: 'S-1', relationship: 'SPOUSE' as const, effectiveFrom: '2023-01-01', order: 'PRIMARY' as const };
      const bad = await t.gql(CreateCoverageDocument, { input }, { role: Role.BILLER });
      expect(refusal(bad.errors)).toMatchObject({ code: 'BAD_USER_INPUT', paths: ['input.subscriberFirstName', 'input.subscriberLastName'] });

      const ok = await t.gql(CreateCoverageDocument, { input: { ...input, subscriberFirstName: 'Sam', subscriberLastName: 'Covered', subscriberBirthDate: '1970-01-01', subscriberSex: 'M' } }, { role: Role.BILLER });
      expect(ok.errors).toBeUndefined();
      const spouse = await t.gql(CrudCoverageByIdDocument, { id: ok.data!.createCoverage.coverage.id }, { role: Role.CODER });
      expect(spouse.data!.coverage).toMatchObject({ relationship: 'SPOUSE', subscriberFirstName: 'Sam', subscriberLastName: 'Covered', subscriberSex: 'M' });

      // A SELF coverage switched to CHILD must bring the subscriber's name along.
      const self = await t.gql(CreateCoverageDocument, { input: { ...input, memberId: 'S-2', relationship: 'SELF', order: 'SECONDARY' } }, { role: Role.BILLER });
      const selfId = self.data!.createCoverage.coverage.id;
      const noName = await t.gql(CrudUpdateCoverageDocument, { input: { id: selfId, version: 1, relationship: 'CHILD' } }, { role: Role.BILLER });
      expect(refusal(noName.errors)).toMatchObject({ code: 'BAD_USER_INPUT', paths: ['input.subscriberFirstName', 'input.subscriberLastName'] });
      const withName = await t.gql(CrudUpdateCoverageDocument, { input: { id: selfId, version: 1, relationship: 'CHILD', subscriberFirstName: 'Pat', subscriberLastName: 'Parent' } }, { role: Role.BILLER });
      expect(withName.errors).toBeUndefined();
      expect(withName.data!.updateCoverage.coverage).toMatchObject({ version: 2, relationship: 'CHILD', subscriberFirstName: 'Pat' });
    });

    it('refuses an end date before the start date on update', async () => {
      const { patient, payer } = await patientAndPayer();
      const created = await t.gql(CreateCoverageDocument, { input: { patientId: patient.id, payerId: payer.id, memberId: 'E-1', relationship: 'SELF', effectiveFrom: '2023-06-01', order: 'PRIMARY' } }, { role: Role.BILLER });
      const id = created.data!.createCoverage.coverage.id;
      const bad = await t.gql(CrudUpdateCoverageDocument, { input: { id, version: 1, effectiveTo: '2023-05-31' } }, { role: Role.BILLER });
      expect(refusal(bad.errors)).toMatchObject({ code: 'BAD_USER_INPUT', paths: ['input.effectiveTo'] });
    });
  });

  // ---------------------------------------------------------------- Provider
  describe('Provider', () => {
    const billing: CreateProviderInput = {
      npi: npiFrom('987654321'),
      entityType: 'PERSON',
      lastNameOrOrganization: 'Nguyen',
      firstName: 'Lee',
      taxonomyCode: '207q00000x',
      taxId: '12-3456789',
      isBilling: true,
      isRendering: true,
      addressLine1: '5 Clinic Rd',
      city: 'Peoria',
      state: 'IL',
      postalCode: '61602-0001',
    };

    it('creates a billing provider, gets, updates and lists it', async () => {
      const created = await t.gql(CreateProviderDocument, { input: billing }, { role: Role.ADMIN });
      expect(created.errors).toBeUndefined();
      const p = created.data!.createProvider.provider;
      expect(p).toMatchObject({ npi: billing.npi, entityType: 'PERSON', displayName: 'Nguyen, Lee', taxonomyCode: '207Q00000X', taxId: '123456789', isBilling: true, isRendering: true, version: 1 });

      const got = await t.gql(CrudProviderByIdDocument, { id: p.id }, { role: Role.VIEWER });
      expect(got.data!.provider).toMatchObject({ id: p.id, postalCode: '616020001', addressLine1: '5 Clinic Rd', version: 1 });

      const updated = await t.gql(CrudUpdateProviderDocument, { input: { id: p.id, version: 1, lastNameOrOrganization: 'Nguyen-Park' } }, { role: Role.ADMIN });
      expect(updated.errors).toBeUndefined();
      expect(updated.data!.updateProvider.provider).toMatchObject({ version: 2, displayName: 'Nguyen-Park, Lee', npi: billing.npi });

      const list = await t.gql(ProvidersDocument, { first: 10, filter: { npi: billing.npi } }, { role: Role.VIEWER });
      expect(list.data!.providers.edges.map((e) => e.node.id)).toEqual([p.id]);
      expect(list.data!.providers.totalCount).toBe(1);
    });

    it('refuses a duplicate NPI', async () => {
      const input = { ...billing, npi: npiFrom('876543210') };
      expect((await t.gql(CreateProviderDocument, { input }, { role: Role.ADMIN })).errors).toBeUndefined();
      const dup = await t.gql(CreateProviderDocument, { input: { ...input, lastNameOrOrganization: 'Other' } }, { role: Role.ADMIN });
      expect(refusal(dup.errors)).toMatchObject({ code: 'BAD_USER_INPUT', paths: ['input.npi'], issues: [expect.objectContaining({ reason: 'DUPLICATE' })] });
    });

    it('a billing provider needs a tax id and a 9-digit ZIP; a rendering-only person does not', async () => {
      const noTaxId = await t.gql(CreateProviderDocument, { input: { ...billing, npi: npiFrom('765432109'), taxId: null } }, { role: Role.ADMIN });
      expect(refusal(noTaxId.errors)).toMatchObject({ code: 'BAD_USER_INPUT', paths: ['input.taxId'] });
      const zip5 = await t.gql(CreateProviderDocument, { input: { ...billing, npi: npiFrom('765432109'), postalCode: '61602' } }, { role: Role.ADMIN });
      expect(refusal(zip5.errors)).toMatchObject({ code: 'BAD_USER_INPUT', paths: ['input.postalCode'] });

      const rendering = await t.gql(
        CreateProviderDocument,
        { input: { npi: npiFrom('765432109'), entityType: 'PERSON', lastNameOrOrganization: 'Ito', firstName: 'Ken', isBilling: false, isRendering: true, postalCode: '61602' } },
        { role: Role.ADMIN },
      );
      expect(rendering.errors).toBeUndefined();
      const id = rendering.data!.createProvider.provider.id;
      // Turning it into a billing provider needs the 2010AA data…
      const refused = await t.gql(CrudUpdateProviderDocument, { input: { id, version: 1, isBilling: true } }, { role: Role.ADMIN });
      expect(refusal(refused.errors)).toMatchObject({ code: 'BAD_USER_INPUT', paths: ['input.addressLine1', 'input.city', 'input.postalCode', 'input.state', 'input.taxId'] });
      // …and succeeds with it.
      const ok = await t.gql(
        CrudUpdateProviderDocument,
        { input: { id, version: 1, isBilling: true, taxId: '987654321', addressLine1: '1 Main', city: 'Peoria', state: 'IL', postalCode: '616021111' } },
        { role: Role.ADMIN },
      );
      expect(ok.errors).toBeUndefined();
      expect(ok.data!.updateProvider.provider).toMatchObject({ version: 2, isBilling: true, taxId: '987654321', postalCode: '616021111' });
    });
  });

  // ---------------------------------------------------------------- Code
  describe('Code', () => {
    it('createCode adds a row that lookup and list find; a second row for the same code needs another start date', async () => {
      const created = await t.gql(
        CreateCodeDocument,
        { input: { system: 'ICD10CM', code: 'U071', shortDescription: 'COVID-19', effectiveFrom: '2020-04-01', effectiveTo: '2024-09-30' } },
        { role: Role.COMPLIANCE },
      );
      expect(created.errors).toBeUndefined();
      expect(created.data!.createCode.code).toMatchObject({ system: 'ICD10CM', code: 'U071', billable: true, effectiveFrom: '2020-04-01', effectiveTo: '2024-09-30' });

      const dup = await t.gql(CreateCodeDocument, { input: { system: 'ICD10CM', code: 'U071', effectiveFrom: '2020-04-01' } }, { role: Role.COMPLIANCE });
      expect(refusal(dup.errors)).toMatchObject({ code: 'BAD_USER_INPUT', paths: ['input.effectiveFrom'], issues: [expect.objectContaining({ reason: 'DUPLICATE' })] });

      // Same code in another system is not a duplicate; nor is a later row of the same code.
      expect((await t.gql(CreateCodeDocument, { input: { system: 'HCPCS', code: 'U0710', effectiveFrom: '2020-04-01' } }, { role: Role.COMPLIANCE })).errors).toBeUndefined();
      const later = await t.gql(CreateCodeDocument, { input: { system: 'ICD10CM', code: 'U071', shortDescription: 'COVID-19 (2024)', effectiveFrom: '2024-10-01' } }, { role: Role.COMPLIANCE });
      expect(later.errors).toBeUndefined();

      const on2021 = await t.gql(CodeLookupDocument, { system: 'ICD10CM', code: 'u071', effectiveOn: '2021-01-01' }, { role: Role.VIEWER });
      expect(on2021.data!.code).toMatchObject({ shortDescription: 'COVID-19', effectiveFrom: '2020-04-01' });
      const newest = await t.gql(CodeLookupDocument, { system: 'ICD10CM', code: 'U071' }, { role: Role.VIEWER });
      expect(newest.data!.code).toMatchObject({ shortDescription: 'COVID-19 (2024)', effectiveTo: null });
      const before = await t.gql(CodeLookupDocument, { system: 'ICD10CM', code: 'U071', effectiveOn: '2019-12-31' }, { role: Role.VIEWER });
      expect(before.data!.code).toBeNull();

      const list = await t.gql(CodesDocument, { system: 'ICD10CM', search: 'U071', first: 10 }, { role: Role.VIEWER });
      expect(list.data!.codes.edges.map((e) => e.node.effectiveFrom)).toEqual(['2020-04-01', '2024-10-01']);
    });
  });

  // ---------------------------------------------------------------- Encounter
  describe('Encounter', () => {
    const LINES: ServiceLineInput[] = [
      { procedureCode: '99214', modifiers: ['25'], units: 1, chargeCents: 18_000, diagnosisPointers: [1, 2] },
      { procedureCode: '36415', units: 1, chargeCents: 1_500, diagnosisPointers: [2] },
    ];

    async function people() {
      const b = t.builders();
      const provider = await b.provider();
      const patient = await b.patient({ lastName: 'Encountered' });
      const payer = await b.payer();
      const coverage = await b.coverage(patient, payer);
      return { provider, patient, coverage };
    }

    it('create OPEN → update replaces ordered diagnoses and lines → CODED → reopen → CODED → BILLED via createClaim', async () => {
      const { provider, patient, coverage } = await people();
      const created = await t.gql(
        CreateEncounterDocument,
        { input: { patientId: patient.id, billingProviderId: provider.id, renderingProviderId: provider.id, placeOfService: '11', serviceDateFrom: '2024-05-06', diagnoses: ['E11.9', 'I10'], lines: LINES } },
        { role: Role.CODER },
      );
      expect(created.errors).toBeUndefined();
      const enc = created.data!.createEncounter.encounter;
      expect(enc).toMatchObject({ status: 'OPEN', version: 1, serviceDateTo: '2024-05-06', patient: { id: patient.id } });
      expect(enc.diagnoses).toEqual([{ position: 1, code: 'E119' }, { position: 2, code: 'I10' }]);
      expect(enc.lines.map((l) => [l.lineNumber, l.procedureCode, l.modifiers, l.serviceDate])).toEqual([
        [1, '99214', ['25'], '2024-05-06'],
        [2, '36415', [], '2024-05-06'],
      ]);

      // Replace: a new principal diagnosis first, one line instead of two.
      const updated = await t.gql(
        UpdateEncounterDocument,
        { input: { id: enc.id, version: 1, diagnoses: ['E785', 'E119', 'I10'], lines: [{ procedureCode: '99213', units: 1, chargeCents: 12_500, diagnosisPointers: [2, 1] }] } },
        { role: Role.CODER },
      );
      expect(updated.errors).toBeUndefined();
      const u = updated.data!.updateEncounter.encounter;
      expect(u.version).toBe(2);
      expect(u.diagnoses).toEqual([{ position: 1, code: 'E785' }, { position: 2, code: 'E119' }, { position: 3, code: 'I10' }]);
      expect(u.lines.map((l) => [l.lineNumber, l.procedureCode, l.diagnosisPointers])).toEqual([[1, '99213', [2, 1]]]);
      expect(u.lines[0]!.id).not.toBe(enc.lines[0]!.id);

      // Re-read in a new request: the old rows are gone from the database, not just from the response.
      const reread = await t.gql(EncounterByIdDocument, { id: enc.id }, { role: Role.VIEWER });
      expect(reread.data!.encounter).toMatchObject({ version: 2, diagnoses: u.diagnoses, lines: u.lines, claims: [] });

      // A header-only update keeps the coding.
      const pos = await t.gql(UpdateEncounterDocument, { input: { id: enc.id, version: 2, placeOfService: '22' } }, { role: Role.CODER });
      expect(pos.errors).toBeUndefined();
      expect(pos.data!.updateEncounter.encounter).toMatchObject({ version: 3, placeOfService: '22', diagnoses: u.diagnoses });
      expect(pos.data!.updateEncounter.encounter.lines.map((l) => l.id)).toEqual(u.lines.map((l) => l.id));

      const coded = await t.gql(ChangeEncounterStatusDocument, { input: { id: enc.id, version: 3, status: 'CODED' } }, { role: Role.CODER });
      expect(coded.errors).toBeUndefined();
      expect(coded.data!.changeEncounterStatus.encounter).toEqual({ id: enc.id, version: 4, status: 'CODED' });

      // A CODED encounter is not edited in place.
      const locked = await t.gql(UpdateEncounterDocument, { input: { id: enc.id, version: 4, placeOfService: '11' } }, { role: Role.CODER });
      expect(refusal(locked.errors)).toMatchObject({ code: 'FAILED_PRECONDITION', reason: 'ENCOUNTER_NOT_OPEN' });
      // BILLED is reached only through createClaim.
      const billed = await t.gql(ChangeEncounterStatusDocument, { input: { id: enc.id, version: 4, status: 'BILLED' } }, { role: Role.CODER });
      expect(refusal(billed.errors).code).toBe('INVALID_STATUS_TRANSITION');
      expect(billed.errors![0]!.extensions).toMatchObject({ from: 'CODED', to: 'BILLED', allowed: ['OPEN'] });

      const reopened = await t.gql(ChangeEncounterStatusDocument, { input: { id: enc.id, version: 4, status: 'OPEN' } }, { role: Role.CODER });
      expect(reopened.data!.changeEncounterStatus.encounter).toEqual({ id: enc.id, version: 5, status: 'OPEN' });
      const edited = await t.gql(UpdateEncounterDocument, { input: { id: enc.id, version: 5, placeOfService: '11' } }, { role: Role.CODER });
      expect(edited.data!.updateEncounter.encounter).toMatchObject({ version: 6, placeOfService: '11' });
      const recoded = await t.gql(ChangeEncounterStatusDocument, { input: { id: enc.id, version: 6, status: 'CODED' } }, { role: Role.CODER });
      expect(recoded.data!.changeEncounterStatus.encounter.status).toBe('CODED');

      const claim = await t.gql(CreateClaimDocument, { input: { encounterId: enc.id, coverageId: coverage.id } }, { role: Role.BILLER });
      expect(claim.errors).toBeUndefined();
      const after = await t.gql(EncounterByIdDocument, { id: enc.id }, { role: Role.VIEWER });
      expect(after.data!.encounter).toMatchObject({ status: 'BILLED', version: 8, claims: [{ id: claim.data!.createClaim.claim.id, status: 'DRAFT' }] });

      const list = await t.gql(EncountersDocument, { first: 100, filter: { patientId: patient.id } }, { role: Role.VIEWER });
      expect(list.data!.encounters.edges.map((e) => e.node.id)).toEqual([enc.id]);
    });

    it('CODED needs at least one diagnosis and one line; a stale version is a CONFLICT', async () => {
      const { provider, patient } = await people();
      const created = await t.gql(
        CreateEncounterDocument,
        { input: { patientId: patient.id, billingProviderId: provider.id, renderingProviderId: provider.id, placeOfService: '11', serviceDateFrom: '2024-05-07' } },
        { role: Role.CODER },
      );
      expect(created.errors).toBeUndefined();
      const { id } = created.data!.createEncounter.encounter;
      const empty = await t.gql(ChangeEncounterStatusDocument, { input: { id, version: 1, status: 'CODED' } }, { role: Role.CODER });
      expect(refusal(empty.errors)).toMatchObject({ code: 'FAILED_PRECONDITION', reason: 'INCOMPLETE_CODING' });

      const coded = await t.gql(UpdateEncounterDocument, { input: { id, version: 1, diagnoses: ['I10'], lines: [{ procedureCode: '99212', units: 1, chargeCents: 9_000, diagnosisPointers: [1] }] } }, { role: Role.CODER });
      expect(coded.data!.updateEncounter.encounter.version).toBe(2);
      const stale = await t.gql(UpdateEncounterDocument, { input: { id, version: 1, placeOfService: '22' } }, { role: Role.CODER });
      expect(refusal(stale.errors)).toMatchObject({ code: 'CONFLICT' });
      const staleStatus = await t.gql(ChangeEncounterStatusDocument, { input: { id, version: 1, status: 'CODED' } }, { role: Role.CODER });
      expect(refusal(staleStatus.errors)).toMatchObject({ code: 'CONFLICT' });
    });
  });

  // ---------------------------------------------------------------- Claim
  describe('Claim', () => {
    async function draftClaim() {
      const b = t.builders();
      const provider = await b.provider();
      const patient = await b.patient({ lastName: 'Claimant' });
      const payer = await b.payer();
      const coverage = await b.coverage(patient, payer);
      const encounter = await b.encounter({
        patient,
        provider,
        serviceDate: '2024-04-02',
        diagnoses: ['E119', 'I10'],
        lines: [{ procedureCode: '99213', units: 1, chargeCents: 12_500, diagnosisPointers: [1, 2] }],
      });
      const res = await t.gql(CreateClaimDocument, { input: { encounterId: encounter.id, coverageId: coverage.id, patientControlNumber: `PCN-${encounter.id.slice(-8)}` } }, { role: Role.BILLER });
      expect(res.errors).toBeUndefined();
      return { claim: res.data!.createClaim.claim, payer, patient };
    }

    it('updateClaim replacing lines recomputes totalChargeCents, bumps the version and names the changed fields in history', async () => {
      const { claim, payer } = await draftClaim();
      expect(claim).toMatchObject({ version: 1, totalChargeCents: 12_500 });

      const lines: ServiceLineInput[] = [
        { procedureCode: '99214', modifiers: ['25'], units: 1, chargeCents: 18_000, diagnosisPointers: [1, 2] },
        { procedureCode: '36415', units: 1, chargeCents: 1_500, diagnosisPointers: [1] },
        { procedureCode: '83036', units: 2, chargeCents: 8_000, diagnosisPointers: [1] },
      ];
      const updated = await t.gql(UpdateClaimDocument, { input: { id: claim.id, version: 1, lines } }, { role: Role.BILLER });
      expect(updated.errors).toBeUndefined();
      const u = updated.data!.updateClaim.claim;
      expect(u.version).toBe(2);
      expect(u.totalChargeCents).toBe(18_000 + 1_500 + 8_000);
      expect(u.lines.map((l) => [l.lineNumber, l.procedureCode, l.units, l.chargeCents])).toEqual([
        [1, '99214', 1, 18_000],
        [2, '36415', 1, 1_500],
        [3, '83036', 2, 8_000],
      ]);

      const full = await t.gql(ClaimByIdDocument, { id: claim.id }, { role: Role.VIEWER });
      const c = full.data!.claim!;
      expect(c).toMatchObject({ version: 2, totalChargeCents: 27_500, status: 'DRAFT' });
      expect(c.lines.map((l) => l.lineControlNumber)).toEqual([1, 2, 3].map((n) => `${claim.patientControlNumber}-${n}`));
      expect(c.history.map((h) => [h.action, h.changedFields, h.claimVersion])).toEqual([
        ['CREATED', ['*'], 1],
        ['UPDATED', ['lines', 'totalChargeCents'], 2],
      ]);

      // Diagnoses only: the total stays, history names just the diagnoses.
      const dx = await t.gql(UpdateClaimDocument, { input: { id: claim.id, version: 2, diagnoses: ['I10', 'E119'] } }, { role: Role.BILLER });
      expect(dx.errors).toBeUndefined();
      expect(dx.data!.updateClaim.claim).toMatchObject({ version: 3, totalChargeCents: 27_500, diagnoses: [{ position: 1, code: 'I10' }, { position: 2, code: 'E119' }] });
      // Header fields.
      const hdr = await t.gql(UpdateClaimDocument, { input: { id: claim.id, version: 3, priorAuthNumber: 'PA-77', placeOfService: '22' } }, { role: Role.BILLER });
      expect(hdr.data!.updateClaim.claim).toMatchObject({ version: 4, priorAuthNumber: 'PA-77', placeOfService: '22' });

      const history = (await t.gql(ClaimByIdDocument, { id: claim.id }, { role: Role.VIEWER })).data!.claim!.history;
      expect(history.slice(2).map((h) => [h.changedFields, h.claimVersion])).toEqual([
        [['diagnoses'], 3],
        [['priorAuthNumber', 'placeOfService'], 4],
      ]);

      const list = await t.gql(ClaimsPageDocument, { first: 10, filter: { payerId: payer.id } }, { role: Role.VIEWER });
      expect(list.data!.claims.edges.map((e) => [e.node.id, e.node.totalChargeCents])).toEqual([[claim.id, 27_500]]);
    });

    it('refuses lines that fall outside the claim dates, leaving the claim as it was', async () => {
      const { claim } = await draftClaim();
      const bad = await t.gql(
        UpdateClaimDocument,
        { input: { id: claim.id, version: 1, lines: [{ procedureCode: '99213', units: 1, chargeCents: 100, diagnosisPointers: [1], serviceDate: '2024-04-03' }] } },
        { role: Role.BILLER },
      );
      expect(refusal(bad.errors).code).toBe('BAD_USER_INPUT');
      const after = await t.gql(ClaimByIdDocument, { id: claim.id }, { role: Role.VIEWER });
      expect(after.data!.claim).toMatchObject({ version: 1, totalChargeCents: 12_500 });
      expect(after.data!.claim!.lines).toHaveLength(1);
    });
  });
});
