import { Role } from '../../src/common/enums';
import { EncounterStatus } from '../../src/modules/encounter/encounter.entity';
import {
  CreateClaimDocument,
  CreateCoverageDocument,
  CreateEncounterDocument,
  EncounterByIdDocument,
  UpdateEncounterDocument,
  UpdatePatientDocument,
} from '../generated/graphql';
import { startTestServer, type TestServer } from '../support/server';

describe('ids a client made up', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(() => t.stop());

  // Regression: on PostgreSQL (uuid columns) these were INTERNAL_SERVER_ERROR; SQLite said NOT_FOUND.
  it('are NOT_FOUND when they name the record to change', async () => {
    const res = await t.gql(UpdatePatientDocument, { input: { id: 'not-a-uuid', version: 1, city: 'Springfield' } }, { role: Role.BILLER });
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', entity: 'Patient' });
  });

  it('are BAD_USER_INPUT at their path when they name a related record', async () => {
    const b = t.builders();
    const payer = await b.payer();
    const cov = await t.gql(
      CreateCoverageDocument,
      { input: { patientId: '12345', payerId: payer.id, memberId: 'M1', relationship: 'SELF', effectiveFrom: '2024-01-01', order: 'PRIMARY' } },
      { role: Role.BILLER },
    );
    expect(cov.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect((cov.errors?.[0]?.extensions?.issues as { path: string }[]).map((i) => i.path)).toEqual(['input.patientId']);

    const enc = await t.gql(
      CreateEncounterDocument,
      { input: { patientId: 'x', billingProviderId: 'y', renderingProviderId: "'; drop table patient; --", placeOfService: '11', serviceDateFrom: '2025-01-02' } },
      { role: Role.CODER },
    );
    expect((enc.errors?.[0]?.extensions?.issues as { path: string }[]).map((i) => i.path)).toEqual(['input.patientId', 'input.billingProviderId', 'input.renderingProviderId']);

    const claim = await t.gql(CreateClaimDocument, { input: { encounterId: 'nope', coverageId: '00000000-0000-7000-8000-000000000000' } }, { role: Role.BILLER });
    expect((claim.errors?.[0]?.extensions?.issues as { path: string }[]).map((i) => i.path)).toEqual(['input.encounterId', 'input.coverageId']);
  });
});

describe('moving an encounter to another date', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(() => t.stop());

  it('moves a one-day visit and its lines together', async () => {
    const b = t.builders();
    const provider = await b.provider();
    const patient = await b.patient();
    const enc = await b.encounter({ patient, provider, serviceDate: '2025-03-03', status: EncounterStatus.OPEN });
    const res = await t.gql(UpdateEncounterDocument, { input: { id: enc.id, version: enc.version, serviceDateFrom: '2025-03-05' } }, { role: Role.CODER });
    expect(res.errors).toBeUndefined();
    const moved = res.data!.updateEncounter.encounter;
    expect([moved.serviceDateFrom, moved.serviceDateTo]).toEqual(['2025-03-05', '2025-03-05']);
    expect(moved.lines.map((l) => l.serviceDate)).toEqual(['2025-03-05']);
  });

  it('names stored lines left outside new dates as encounter.lines, not as input the client never sent', async () => {
    const b = t.builders();
    const provider = await b.provider();
    const patient = await b.patient();
    const created = await t.gql(
      CreateEncounterDocument,
      {
        input: {
          patientId: patient.id,
          billingProviderId: provider.id,
          renderingProviderId: provider.id,
          placeOfService: '21',
          serviceDateFrom: '2025-03-03',
          serviceDateTo: '2025-03-06',
          diagnoses: ['J069'],
          lines: [
            { procedureCode: '99213', units: 1, chargeCents: 100, diagnosisPointers: [1], serviceDate: '2025-03-03' },
            { procedureCode: '99213', units: 1, chargeCents: 100, diagnosisPointers: [1], serviceDate: '2025-03-06' },
          ],
        },
      },
      { role: Role.CODER },
    );
    const enc = created.data!.createEncounter.encounter;
    const res = await t.gql(UpdateEncounterDocument, { input: { id: enc.id, version: enc.version, serviceDateTo: '2025-03-05' } }, { role: Role.CODER });
    expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect((res.errors?.[0]?.extensions?.issues as { path: string }[]).map((i) => i.path)).toEqual(['encounter.lines.1.serviceDate']);
    const after = await t.gql(EncounterByIdDocument, { id: enc.id });
    expect(after.data!.encounter).toMatchObject({ serviceDateTo: '2025-03-06', version: enc.version });
  });
});
