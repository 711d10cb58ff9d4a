import type { DocumentNode } from 'graphql';
import { addDays, today } from '../../src/common/dates';
import { Role } from '../../src/common/enums';
import { Code, CodeSystem } from '../../src/modules/code/code.entity';
import { CoverageOrder, type Coverage } from '../../src/modules/coverage/coverage.entity';
import { EncounterStatus, type Encounter } from '../../src/modules/encounter/encounter.entity';
import type { Patient } from '../../src/modules/patient/patient.entity';
import type { Payer } from '../../src/modules/payer/payer.entity';
import type { Provider } from '../../src/modules/provider/provider.entity';
import {
  ClaimByIdDocument,
  CreateClaimDocument,
  CreateCoverageDocument,
  CreateEncounterDocument,
  CreatePatientDocument,
  CreatePayerDocument,
  CreateProviderDocument,
  EncounterByIdDocument,
  UpdateClaimDocument,
  UpdateEncounterDocument,
  type CreateClaimInput,
  type CreateCoverageInput,
  type CreateEncounterInput,
  type CreatePatientInput,
  type CreatePayerInput,
  type CreateProviderInput,
  type ServiceLineInput,
  type UpdateClaimInput,
  type UpdateEncounterInput,
} from '../generated/graphql';
import { rawGql, type RawResult } from '../support/raw-gql';
import { startTestServer, type TestServer } from '../support/server';

type Issue = [path: string, reason: string];

/**
 * Every rejected input: BAD_USER_INPUT, exactly the expected issue paths, no rejected value
 * anywhere in the response body, and not one row written or changed.
 */
describe('input validation at the boundary', () => {
  let t: TestServer;
  const DOS = addDays(today(), -7);
  const MISSING_ID = '01890000-0000-7000-8000-000000000000';

  let payer: Payer;
  let patient: Patient;
  let otherPatient: Patient;
  let provider: Provider;
  let coverage: Coverage;
  let lateCoverage: Coverage;
  let otherPatientCoverage: Coverage;
  let openEncounter: Encounter;
  let codedEncounter: Encounter;
  let draftClaimId: string;

  beforeAll(async () => {
    t = await startTestServer();
    const b = t.builders();
    payer = await b.payer();
    provider = await b.provider();
    patient = await b.patient();
    otherPatient = await b.patient({ firstName: 'Other' });
    coverage = await b.coverage(patient, payer);
    lateCoverage = await b.coverage(patient, payer, { effectiveFrom: addDays(DOS, 3), order: CoverageOrder.SECONDARY });
    otherPatientCoverage = await b.coverage(otherPatient, payer);
    openEncounter = await b.encounter({ patient, provider, status: EncounterStatus.OPEN });
    codedEncounter = await b.encounter({ patient, provider });
    const claim = await b.claim({ patient, provider, coverage });
    draftClaimId = claim.id;
  });
  afterAll(() => t.stop());

  async function expectRejected(
    doc: DocumentNode,
    variables: Record<string, unknown>,
    expected: Issue[],
    opts: { role: Role; secrets: string[]; snapshot?: () => Promise<unknown>; anyOrder?: boolean },
  ): Promise<RawResult> {
    // The values searched for must really have been sent, or the check proves nothing.
    for (const s of opts.secrets) expect(JSON.stringify(variables)).toContain(s);
    const before = await t.rowCounts();
    const snapBefore = await opts.snapshot?.();
    const res = await rawGql(t, doc, variables, { token: t.token(opts.role) });
    expect(res.body.errors).toHaveLength(1);
    const error = res.body.errors![0]!;
    expect(error.extensions?.code).toBe('BAD_USER_INPUT');
    const issues = error.extensions?.issues as { path: string; reason: string; message: string }[];
    const got = issues.map((i): Issue => [i.path, i.reason]);
    // Issue order is not part of the contract when several are reported.
    if (opts.anyOrder) expect([...got].sort(byPath)).toEqual([...expected].sort(byPath));
    else expect(got).toEqual(expected);
    for (const i of issues) expect(i.message).toEqual(expect.any(String));
    expect(res.body.data ?? null).toBeNull();
    for (const s of opts.secrets) expect(res.text).not.toContain(s);
    expect(await t.rowCounts()).toEqual(before);
    if (opts.snapshot) expect(await opts.snapshot()).toEqual(snapBefore);
    return res;
  }

  const line = (overrides: Partial<ServiceLineInput> = {}): ServiceLineInput => ({
    procedureCode: '99213',
    modifiers: [],
    units: 1,
    chargeCents: 12_500,
    diagnosisPointers: [1, 2],
    ...overrides,
  });

  // ---------------------------------------------------------------- createEncounter
  describe('createEncounter', () => {
    const input = (overrides: Partial<CreateEncounterInput> = {}): CreateEncounterInput => ({
      patientId: patient.id,
      billingProviderId: provider.id,
      renderingProviderId: provider.id,
      placeOfService: '11',
      serviceDateFrom: DOS,
      diagnoses: ['E119', 'I10'],
      lines: [line()],
      ...overrides,
    });
    const reject = (overrides: Partial<CreateEncounterInput>, expected: Issue[], secrets: string[]) =>
      expectRejected(CreateEncounterDocument, { input: input(overrides) }, expected, { role: Role.CODER, secrets });

    it('accepts the valid base input, and codes on the last/first day they are effective', async () => {
      for (const ok of [
        input(),
        input({ serviceDateFrom: '2021-09-30', diagnoses: ['M54.5'], lines: [line({ diagnosisPointers: [1] })] }),
        input({ serviceDateFrom: '2021-10-01', diagnoses: ['M54.50'], lines: [line({ diagnosisPointers: [1] })] }),
        input({ serviceDateFrom: '2020-12-31', lines: [line({ procedureCode: '99201' })] }),
        input({ lines: [line({ procedureCode: 'j1100', modifiers: ['25', '59', 'lt', 'RT'] })] }),
      ]) {
        const res = await t.gql(CreateEncounterDocument, { input: ok }, { role: Role.CODER });
        expect(res.errors).toBeUndefined();
      }
    });

    it('rejects a malformed ICD-10-CM code', () => reject({ diagnoses: ['E119', '1QZ.77'] }, [['input.diagnoses.1', 'FORMAT']], ['1QZ']));
    it('rejects an unknown ICD-10-CM code', () => reject({ diagnoses: ['E119', 'Y93.72'] }, [['input.diagnoses.1', 'UNKNOWN_CODE']], ['Y93']));
    it('rejects a non-billable category header (E11)', () => reject({ diagnoses: ['E11', 'I10'] }, [['input.diagnoses.0', 'NOT_BILLABLE']], ['E11']));
    it('rejects M54.5 on a date of service after 2021-09-30', () =>
      reject({ serviceDateFrom: '2021-10-01', diagnoses: ['M545'], lines: [line({ diagnosisPointers: [1] })] }, [['input.diagnoses.0', 'NOT_EFFECTIVE']], ['M545', '2021-10-01']));
    it('rejects M54.50 on a date of service before 2021-10-01', () =>
      reject({ serviceDateFrom: '2021-09-30', diagnoses: ['M5450'], lines: [line({ diagnosisPointers: [1] })] }, [['input.diagnoses.0', 'NOT_EFFECTIVE']], ['M5450', '2021-09-30']));
    it('rejects CPT 99201 on a date of service after 2020-12-31', () =>
      reject({ serviceDateFrom: '2021-01-04', lines: [line({ procedureCode: '99201' })] }, [['input.lines.0.procedureCode', 'NOT_EFFECTIVE']], ['99201', '2021-01-04']));
    it('rejects a malformed CPT code', () => reject({ lines: [line({ procedureCode: '9921' })] }, [['input.lines.0.procedureCode', 'FORMAT']], ['9921']));
    it('rejects a malformed HCPCS code (W is not a HCPCS Level II letter)', () =>
      reject({ lines: [line(), line({ procedureCode: 'W1234' })] }, [['input.lines.1.procedureCode', 'FORMAT']], ['W1234']));
    it('rejects an unknown HCPCS code', () => reject({ lines: [line({ procedureCode: 'J9876' })] }, [['input.lines.0.procedureCode', 'UNKNOWN_CODE']], ['J9876']));
    it('rejects an unknown modifier', () => reject({ lines: [line({ modifiers: ['25', 'ZQ'] })] }, [['input.lines.0.modifiers.1', 'UNKNOWN_CODE']], ['ZQ']));
    it('rejects a malformed modifier', () => reject({ lines: [line({ modifiers: ['2#'] })] }, [['input.lines.0.modifiers.0', 'FORMAT']], ['2#']));
    it('rejects more than 4 modifiers', () => reject({ lines: [line({ modifiers: ['25', '59', 'LT', 'RT', 'XS'] })] }, [['input.lines.0.modifiers', 'TOO_MANY']], []));
    it('rejects a malformed place of service', () => reject({ placeOfService: '1A' }, [['input.placeOfService', 'FORMAT']], ['1A']));
    it('rejects an unknown place of service', () => reject({ placeOfService: '98' }, [['input.placeOfService', 'UNKNOWN_CODE']], ['"98"']));
    it('rejects a diagnosis pointer beyond the diagnosis list', () =>
      reject({ lines: [line({ diagnosisPointers: [1, 3] })] }, [['input.lines.0.diagnosisPointers.1', 'OUT_OF_RANGE']], []));
    it('rejects serviceDateTo before serviceDateFrom', () =>
      reject({ serviceDateTo: addDays(DOS, -1) }, [['input.serviceDateTo', 'BEFORE_START']], [addDays(DOS, -1)]));
    it('rejects a future serviceDateFrom', () => reject({ serviceDateFrom: addDays(today(), 3) }, [['input.serviceDateFrom', 'IN_FUTURE']], [addDays(today(), 3)]));
    it('rejects a future serviceDateTo (regression: only the from-date was checked)', () =>
      reject({ serviceDateTo: addDays(today(), 30) }, [['input.serviceDateTo', 'IN_FUTURE']], [addDays(today(), 30)]));
    it('rejects a line date outside the dates of service', () =>
      reject({ lines: [line({ serviceDate: addDays(DOS, 1) })] }, [['input.lines.0.serviceDate', 'OUT_OF_RANGE']], [addDays(DOS, 1)]));
    it('rejects an unknown patient', () => reject({ patientId: MISSING_ID }, [['input.patientId', 'NOT_FOUND']], []));
    it('reports every problem of one request, each at its own path', () =>
      expectRejected(
        CreateEncounterDocument,
        { input: input({ placeOfService: '98', diagnoses: ['E11', 'I10'], lines: [line({ modifiers: ['ZQ'], diagnosisPointers: [3] }), line({ procedureCode: '9921' })] }) },
        [
          ['input.diagnoses.0', 'NOT_BILLABLE'],
          ['input.lines.0.diagnosisPointers.0', 'OUT_OF_RANGE'],
          ['input.lines.0.modifiers.0', 'UNKNOWN_CODE'],
          ['input.lines.1.procedureCode', 'FORMAT'],
          ['input.placeOfService', 'UNKNOWN_CODE'],
        ],
        { role: Role.CODER, secrets: ['E11', 'ZQ', '9921'], anyOrder: true },
      ));
  });

  // ---------------------------------------------------------------- updateEncounter
  describe('updateEncounter', () => {
    const snapshot = async () => (await t.gql(EncounterByIdDocument, { id: openEncounter.id })).data;
    const reject = (changes: Partial<UpdateEncounterInput>, expected: Issue[], secrets: string[]) =>
      expectRejected(UpdateEncounterDocument, { input: { id: openEncounter.id, version: openEncounter.version, ...changes } }, expected, { role: Role.CODER, secrets, snapshot });

    it('rejects a malformed ICD-10-CM code', () => reject({ diagnoses: ['I10', 'E1.19'] }, [['input.diagnoses.1', 'FORMAT']], ['E1.19']));
    it('rejects an unknown ICD-10-CM code', () => reject({ diagnoses: ['Y9372', 'I10'] }, [['input.diagnoses.0', 'UNKNOWN_CODE']], ['Y9372']));
    it('rejects a non-billable category header (E11)', () => reject({ diagnoses: ['I10', 'E11'] }, [['input.diagnoses.1', 'NOT_BILLABLE']], ['E11']));
    it('rejects M54.5 when the date of service moves after 2021-09-30', () =>
      reject(
        { serviceDateFrom: '2021-10-01', diagnoses: ['M545'], lines: [line({ diagnosisPointers: [1] })] },
        [['input.diagnoses.0', 'NOT_EFFECTIVE']],
        ['M545', '2021-10-01'],
      ));
    it('rejects M54.50 when the date of service moves before 2021-10-01', () =>
      reject({ serviceDateFrom: '2021-09-30', diagnoses: ['M5450'], lines: [line({ diagnosisPointers: [1] })] }, [['input.diagnoses.0', 'NOT_EFFECTIVE']], ['M5450']));
    it('rejects CPT 99201 after 2020-12-31', () => reject({ lines: [line({ procedureCode: '99201' })] }, [['input.lines.0.procedureCode', 'NOT_EFFECTIVE']], ['99201']));
    it('rejects a malformed procedure code', () => reject({ lines: [line({ procedureCode: 'A12B4' })] }, [['input.lines.0.procedureCode', 'FORMAT']], ['A12B4']));
    it('rejects an unknown modifier', () => reject({ lines: [line({ modifiers: ['LT', 'ZQ'] })] }, [['input.lines.0.modifiers.1', 'UNKNOWN_CODE']], ['ZQ']));
    it('rejects more than 4 modifiers', () => reject({ lines: [line(), line({ modifiers: ['25', '59', 'LT', 'RT', 'XS'] })] }, [['input.lines.1.modifiers', 'TOO_MANY']], []));
    it('rejects a malformed place of service', () => reject({ placeOfService: '1' }, [['input.placeOfService', 'FORMAT']], []));
    it('rejects an unknown place of service', () => reject({ placeOfService: '98' }, [['input.placeOfService', 'UNKNOWN_CODE']], ['"98"']));
    it('rejects a diagnosis pointer beyond the diagnosis list', () => reject({ lines: [line({ diagnosisPointers: [5] })] }, [['input.lines.0.diagnosisPointers.0', 'OUT_OF_RANGE']], []));
    it('rejects serviceDateTo before serviceDateFrom', () =>
      reject({ serviceDateFrom: DOS, serviceDateTo: addDays(DOS, -2), lines: [line()] }, [['input.serviceDateTo', 'BEFORE_START']], [addDays(DOS, -2)]));
    it('rejects a future serviceDateFrom', () =>
      reject({ serviceDateFrom: addDays(today(), 5), lines: [line()] }, [['input.serviceDateFrom', 'IN_FUTURE']], [addDays(today(), 5)]));
    it('rejects a future serviceDateTo', () => reject({ serviceDateTo: addDays(today(), 9) }, [['input.serviceDateTo', 'IN_FUTURE']], [addDays(today(), 9)]));
  });

  // ---------------------------------------------------------------- createClaim
  describe('createClaim', () => {
    const snapshot = async () => (await t.gql(EncounterByIdDocument, { id: codedEncounter.id })).data;
    const reject = (overrides: Partial<CreateClaimInput>, expected: Issue[], secrets: string[]) =>
      expectRejected(CreateClaimDocument, { input: { encounterId: codedEncounter.id, coverageId: coverage.id, ...overrides } }, expected, { role: Role.BILLER, secrets, snapshot });

    it('rejects an unknown encounter', () => reject({ encounterId: MISSING_ID }, [['input.encounterId', 'NOT_FOUND']], []));
    it('rejects an unknown coverage', () => reject({ coverageId: MISSING_ID }, [['input.coverageId', 'NOT_FOUND']], []));
    it('rejects a coverage not in force on the date of service', () => reject({ coverageId: lateCoverage.id }, [['input.coverageId', 'NOT_ACTIVE']], []));
    it("rejects another patient's coverage", () => reject({ coverageId: otherPatientCoverage.id }, [['input.coverageId', 'WRONG_PATIENT']], []));
    it('rejects a malformed patient control number', () => reject({ patientControlNumber: 'PCN_7731_QX' }, [['input.patientControlNumber', 'FORMAT']], ['PCN_7731']));
    it('rejects a prior authorization number with X12 delimiters', () => reject({ priorAuthNumber: 'PA*88213' }, [['input.priorAuthNumber', 'INVALID_CHARACTERS']], ['PA*88213', '88213']));

    it('rejects an encounter whose diagnosis is no longer effective on its date of service', async () => {
      // A code row retired retroactively after the encounter was coded (a corrected code file).
      const em = t.db.orm.em.fork();
      em.create(Code, { system: CodeSystem.ICD10CM, code: 'R6989', shortDescription: 'Other general symptoms and signs', billable: true, effectiveFrom: '2015-10-01', effectiveTo: null });
      await em.flush();
      const b = t.builders();
      const encounter = await b.encounter({ patient, provider, diagnoses: ['R6989'], lines: [line({ diagnosisPointers: [1] })] });
      await em.nativeUpdate(Code, { system: CodeSystem.ICD10CM, code: 'R6989' }, { effectiveTo: addDays(DOS, -30) });
      const encSnapshot = async () => (await t.gql(EncounterByIdDocument, { id: encounter.id })).data;
      await expectRejected(CreateClaimDocument, { input: { encounterId: encounter.id, coverageId: coverage.id } }, [['encounter.diagnoses.0', 'NOT_EFFECTIVE']], {
        role: Role.BILLER,
        secrets: [],
        snapshot: encSnapshot,
      });
      expect((await encSnapshot())!.encounter!.status).toBe('CODED');
    });
  });

  // ---------------------------------------------------------------- updateClaim
  describe('updateClaim', () => {
    const snapshot = async () => (await t.gql(ClaimByIdDocument, { id: draftClaimId })).data;
    const reject = (changes: Partial<UpdateClaimInput>, expected: Issue[], secrets: string[]) =>
      expectRejected(UpdateClaimDocument, { input: { id: draftClaimId, version: 1, ...changes } }, expected, { role: Role.BILLER, secrets, snapshot });

    it('rejects a look-alike ICD-10-CM code (letter O for zero)', () => reject({ diagnoses: ['E119', 'I1O'] }, [['input.diagnoses.1', 'UNKNOWN_CODE']], ['I1O']));
    it('rejects an ICD-10-CM code of the wrong shape', () => reject({ diagnoses: ['E119', '9I10'] }, [['input.diagnoses.1', 'FORMAT']], ['9I10']));
    it('rejects an unknown ICD-10-CM code', () => reject({ diagnoses: ['Y9372', 'I10'] }, [['input.diagnoses.0', 'UNKNOWN_CODE']], ['Y9372']));
    it('rejects a non-billable category header (E11)', () => reject({ diagnoses: ['E11', 'I10'] }, [['input.diagnoses.0', 'NOT_BILLABLE']], ['E11']));
    it('rejects M54.5 on a date of service after 2021-09-30', () => reject({ diagnoses: ['M545', 'I10'] }, [['input.diagnoses.0', 'NOT_EFFECTIVE']], ['M545']));
    it('rejects CPT 99201 after 2020-12-31', () => reject({ lines: [line({ procedureCode: '99201' })] }, [['input.lines.0.procedureCode', 'NOT_EFFECTIVE']], ['99201']));
    it('rejects a malformed HCPCS code', () => reject({ lines: [line({ procedureCode: 'J110' })] }, [['input.lines.0.procedureCode', 'FORMAT']], ['J110"']));
    it('rejects an unknown modifier', () => reject({ lines: [line({ modifiers: ['25', 'ZQ', 'LT'] })] }, [['input.lines.0.modifiers.1', 'UNKNOWN_CODE']], ['ZQ']));
    it('rejects more than 4 modifiers', () => reject({ lines: [line({ modifiers: ['25', '59', 'LT', 'RT', 'XS'] })] }, [['input.lines.0.modifiers', 'TOO_MANY']], []));
    it('rejects a malformed place of service', () => reject({ placeOfService: 'XX' }, [['input.placeOfService', 'FORMAT']], ['XX']));
    it('rejects an unknown place of service', () => reject({ placeOfService: '98' }, [['input.placeOfService', 'UNKNOWN_CODE']], ['"98"']));
    it('rejects a diagnosis pointer beyond the diagnosis list', () =>
      reject({ diagnoses: ['E119'], lines: [line({ diagnosisPointers: [1, 2] })] }, [['input.lines.0.diagnosisPointers.1', 'OUT_OF_RANGE']], []));
    it('rejects a diagnosis pointer left dangling by a shorter diagnosis list', () =>
      reject({ diagnoses: ['E119'] }, [['input.lines.0.diagnosisPointers.1', 'OUT_OF_RANGE']], []));
    it("reports a line date outside the claim's dates of service once (regression: it was reported twice)", () =>
      reject({ lines: [line({ serviceDate: addDays(DOS, 2) })] }, [['input.lines.0.serviceDate', 'OUT_OF_RANGE']], [addDays(DOS, 2)]));
    it('rejects a payer claim number with X12 delimiters', () => reject({ payerClaimNumber: 'ICN~44190' }, [['input.payerClaimNumber', 'INVALID_CHARACTERS']], ['44190']));
  });

  // ---------------------------------------------------------------- createPatient
  describe('createPatient', () => {
    const input = (overrides: Partial<CreatePatientInput> = {}): CreatePatientInput => ({
      firstName: 'Quennell',
      lastName: 'Ostrowskiy',
      birthDate: '1961-07-23',
      sex: 'F',
      addressLine1: '4417 Larkspur Way',
      city: 'Springfield',
      state: 'IL',
      postalCode: '62704',
      ...overrides,
    });
    const PHI = ['Quennell', 'Ostrowskiy', '1961-07-23', 'Larkspur'];
    const reject = (overrides: Partial<CreatePatientInput>, expected: Issue[], secrets: string[] = []) =>
      expectRejected(CreatePatientDocument, { input: input(overrides) }, expected, { role: Role.BILLER, secrets: [...PHI.filter((s) => JSON.stringify(input(overrides)).includes(s)), ...secrets] });

    it('accepts the valid base input', async () => {
      const res = await t.gql(CreatePatientDocument, { input: input({ lastName: 'Accepted' }) }, { role: Role.BILLER });
      expect(res.errors).toBeUndefined();
    });
    it('rejects a birth date in the future', () => reject({ birthDate: addDays(today(), 40) }, [['input.birthDate', 'IN_FUTURE']], [addDays(today(), 40)]));
    it('rejects a name with X12 delimiters', () => reject({ lastName: 'Ostrow*skiy' }, [['input.lastName', 'INVALID_CHARACTERS']], ['Ostrow']));
    it('rejects a name with digits', () => reject({ firstName: 'Quen7nell' }, [['input.firstName', 'FORMAT']], ['Quen7nell']));
    it('rejects a blank name', () => reject({ firstName: '   ' }, [['input.firstName', 'REQUIRED']]));
    it('rejects a malformed state', () => reject({ state: 'I1' }, [['input.state', 'FORMAT']]));
    it('rejects a malformed ZIP code', () => reject({ postalCode: '6270' }, [['input.postalCode', 'FORMAT']], ['6270"']));
  });

  // ---------------------------------------------------------------- createProvider
  describe('createProvider', () => {
    const input = (overrides: Partial<CreateProviderInput> = {}): CreateProviderInput => ({
      npi: '1234567893',
      entityType: 'PERSON',
      lastNameOrOrganization: 'Vandermeulen',
      firstName: 'Casimir',
      taxonomyCode: '207Q00000X',
      taxId: '987654321',
      isBilling: true,
      isRendering: true,
      addressLine1: '77 Provider Plaza',
      city: 'Springfield',
      state: 'IL',
      postalCode: '627010001',
      ...overrides,
    });
    const reject = (overrides: Partial<CreateProviderInput>, expected: Issue[], secrets: string[] = []) =>
      expectRejected(CreateProviderDocument, { input: input(overrides) }, expected, { role: Role.ADMIN, secrets: ['Vandermeulen', ...secrets] });

    it('rejects an NPI failing the Luhn check digit', () => reject({ npi: '1234567890' }, [['input.npi', 'CHECK_DIGIT']], ['1234567890']));
    it('rejects an NPI that is not 10 digits', () => reject({ npi: '123456789' }, [['input.npi', 'FORMAT']], ['123456789"']));
    it('rejects a malformed taxonomy code', () => reject({ taxonomyCode: '207Q0000' }, [['input.taxonomyCode', 'FORMAT']], ['207Q0000"']));
    it('rejects a billing provider without a tax id', () => reject({ taxId: null }, [['input.taxId', 'REQUIRED']]));
    it('rejects an organization as a rendering provider', () =>
      reject({ entityType: 'ORGANIZATION', firstName: null }, [['input.isRendering', 'NOT_ALLOWED']]));
    it('accepts the valid NPI 1234567893 (check digit 3, CMS example)', async () => {
      const res = await t.gql(CreateProviderDocument, { input: input() }, { role: Role.ADMIN });
      expect(res.errors).toBeUndefined();
      const dup = await expectRejected(CreateProviderDocument, { input: input() }, [['input.npi', 'DUPLICATE']], { role: Role.ADMIN, secrets: ['1234567893'] });
      expect(dup.status).toBe(200);
    });
  });

  // ---------------------------------------------------------------- createCoverage
  describe('createCoverage', () => {
    const input = (overrides: Partial<CreateCoverageInput> = {}): CreateCoverageInput => ({
      patientId: patient.id,
      payerId: payer.id,
      memberId: 'MBRQ448812',
      relationship: 'SELF',
      effectiveFrom: '2022-01-01',
      order: 'TERTIARY',
      ...overrides,
    });
    const reject = (overrides: Partial<CreateCoverageInput>, expected: Issue[], secrets: string[] = []) =>
      expectRejected(CreateCoverageDocument, { input: input(overrides) }, expected, { role: Role.BILLER, secrets: [...(overrides.memberId === undefined ? ['MBRQ448812'] : []), ...secrets] });

    it('rejects a member id with X12 delimiters', () => reject({ memberId: 'MBR*55501Q' }, [['input.memberId', 'INVALID_CHARACTERS']], ['55501Q']));
    it('rejects effectiveTo before effectiveFrom', () => reject({ effectiveTo: '2021-12-31' }, [['input.effectiveTo', 'BEFORE_START']], ['2021-12-31']));
    it('rejects a subscriber birth date in the future', () =>
      reject(
        { relationship: 'SPOUSE', subscriberFirstName: 'Thaddeus', subscriberLastName: 'Ostrowskiy', subscriberBirthDate: addDays(today(), 12) },
        [['input.subscriberBirthDate', 'IN_FUTURE']],
        ['Thaddeus', addDays(today(), 12)],
      ));
    it('requires the subscriber name when the patient is not the subscriber', () =>
      reject({ relationship: 'SPOUSE' }, [
        ['input.subscriberFirstName', 'REQUIRED'],
        ['input.subscriberLastName', 'REQUIRED'],
      ]));
    it('rejects an unknown payer', () => reject({ payerId: MISSING_ID }, [['input.payerId', 'NOT_FOUND']]));
  });

  // ---------------------------------------------------------------- createPayer
  describe('createPayer', () => {
    const input = (overrides: Partial<CreatePayerInput> = {}): CreatePayerInput => ({
      name: 'Validation Mutual',
      payerId: 'VALMUT01',
      claimFilingIndicator: 'COMMERCIAL',
      timelyFilingDays: 90,
      appealDays: 180,
      ...overrides,
    });
    const reject = (overrides: Partial<CreatePayerInput>, expected: Issue[], secrets: string[] = []) =>
      expectRejected(CreatePayerDocument, { input: input(overrides) }, expected, { role: Role.COMPLIANCE, secrets });

    it('rejects a payer id with X12 delimiters', () => reject({ payerId: 'VAL*99' }, [['input.payerId', 'INVALID_CHARACTERS']], ['VAL*99']));
    it('rejects a timely filing limit of 0 days', () => reject({ timelyFilingDays: 0 }, [['input.timelyFilingDays', 'OUT_OF_RANGE']]));
    it('rejects a malformed rule set key', () => reject({ ruleSetKey: 'Bad Key' }, [['input.ruleSetKey', 'FORMAT']], ['Bad Key']));
    it('rejects a payer id already in use', () => reject({ payerId: payer.payerId }, [['input.payerId', 'DUPLICATE']]));
  });

  // ---------------------------------------------------------------- graphql-js coercion
  describe('GraphQL-level coercion', () => {
    const patientInput = {
      firstName: 'Zebulonia',
      lastName: 'Pemberton',
      birthDate: '1950-02-03',
      sex: 'F',
      addressLine1: '12 Quince Ct',
      city: 'Springfield',
      state: 'IL',
      postalCode: '62704',
    };

    async function expectCoercionError(doc: DocumentNode | string, variables: Record<string, unknown> | undefined, code: string, secrets: string[]) {
      if (variables) for (const s of secrets) expect(JSON.stringify(variables)).toContain(s);
      const before = await t.rowCounts();
      const res = await rawGql(t, doc, variables, { token: t.token(Role.ADMIN) });
      expect(res.body.errors?.length).toBeGreaterThan(0);
      for (const e of res.body.errors!) expect(e.extensions?.code).toBe(code);
      expect(res.body.data ?? null).toBeNull();
      for (const s of secrets) expect(res.text).not.toContain(s);
      expect(await t.rowCounts()).toEqual(before);
      return res;
    }

    it('a malformed LocalDate variable (1950-02-30) is BAD_USER_INPUT and not echoed', async () => {
      const res = await expectCoercionError(CreatePatientDocument, { input: { ...patientInput, birthDate: '1950-02-30' } }, 'BAD_USER_INPUT', ['1950-02-30', 'Zebulonia', 'Pemberton', 'Quince']);
      expect(res.body.errors![0]!.message).toContain('"input.birthDate"');
    });

    it('an invalid enum value is BAD_USER_INPUT and not echoed', async () => {
      const res = await expectCoercionError(CreatePatientDocument, { input: { ...patientInput, sex: 'FEMALEISH' } }, 'BAD_USER_INPUT', ['FEMALEISH', 'Zebulonia']);
      expect(res.body.errors![0]!.message).toContain('"input.sex"');
    });

    it('a wrong-typed code list is BAD_USER_INPUT and not echoed', () =>
      expectCoercionError(
        CreateEncounterDocument,
        { input: { patientId: patient.id, billingProviderId: provider.id, renderingProviderId: provider.id, placeOfService: '11', serviceDateFrom: DOS, diagnoses: [{ code: 'E1165' }] } },
        'BAD_USER_INPUT',
        ['E1165'],
      ));

    it('an unknown input field echoes none of the input object, even values containing "; " (regression)', () =>
      expectCoercionError(
        CreatePatientDocument,
        { input: { ...patientInput, addressLine1: '12 Quince Ct; Apt 9 at "rear"', ssn: '078-05-1120' } },
        'BAD_USER_INPUT',
        ['Zebulonia', 'Pemberton', 'Quince', 'Apt 9', 'rear', '078-05-1120', '1950-02-03'],
      ));

    it('a missing required field echoes none of the input object (regression)', () => {
      const { firstName: _omitted, ...rest } = patientInput;
      return expectCoercionError(CreatePatientDocument, { input: { ...rest, addressLine1: '12 Quince Ct; Apt 9' } }, 'BAD_USER_INPUT', ['Pemberton', 'Quince', 'Apt 9', '1950-02-03']);
    });

    it('a malformed date written inline in the document is refused without echoing it', () =>
      expectCoercionError(
        `mutation { createPatient(input: {firstName: "Zebulonia", lastName: "Pemberton", birthDate: "1950-02-30", sex: F, addressLine1: "12 Quince Ct", city: "Springfield", state: "IL", postalCode: "62704"}) { patient { id } } }`,
        undefined,
        'GRAPHQL_VALIDATION_FAILED',
        ['1950-02-30'],
      ));

    it('an invalid enum written inline in the document is refused without echoing it', () =>
      expectCoercionError(
        `mutation { createPatient(input: {firstName: "Zebulonia", lastName: "Pemberton", birthDate: "1950-02-03", sex: FEMALEISH, addressLine1: "12 Quince Ct", city: "Springfield", state: "IL", postalCode: "62704"}) { patient { id } } }`,
        undefined,
        'GRAPHQL_VALIDATION_FAILED',
        ['FEMALEISH'],
      ));
  });
});

function byPath(a: Issue, b: Issue): number {
  return a[0].localeCompare(b[0]) || a[1].localeCompare(b[1]);
}
