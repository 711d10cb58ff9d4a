import { Role } from '../../src/common/enums';
import { ClaimStatus } from '../../src/modules/claim/claim-status';
import { ChangeClaimStatusDocument, ClaimByIdDocument, CreateClaimDocument, UpdateClaimDocument, ChangeEncounterStatusDocument, EncounterByIdDocument } from '../generated/graphql';
import { startTestServer, type TestServer } from '../support/server';

describe('claim lifecycle over HTTP', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(() => t.stop());

  const codedEncounterAndCoverage = () => t.builders().codedVisit();

  it('creates a DRAFT claim from a CODED encounter with its own copy of the coding', async () => {
    const { coverage, encounter } = await codedEncounterAndCoverage();
    const res = await t.gql(CreateClaimDocument, { input: { encounterId: encounter.id, coverageId: coverage.id } }, { role: Role.BILLER });
    expect(res.errors).toBeUndefined();
    const claim = res.data!.createClaim.claim;
    expect(claim.status).toBe('DRAFT');
    expect(claim.version).toBe(1);
    expect(claim.totalChargeCents).toBe(12_500);
    expect(claim.diagnoses).toEqual([{ position: 1, code: 'E119' }, { position: 2, code: 'I10' }]);
    expect(claim.patientControlNumber).toMatch(/^CF[0-9A-Z]{10}$/);

    const enc = await t.gql(EncounterByIdDocument, { id: encounter.id });
    expect(enc.data!.encounter!.status).toBe('BILLED');
    expect(enc.data!.encounter!.claims).toEqual([{ id: claim.id, status: 'DRAFT' }]);
  });

  it('walks DRAFT → READY → SUBMITTED → ACCEPTED → DENIED → APPEALED and records each step', async () => {
    const { coverage, encounter } = await codedEncounterAndCoverage();
    const created = await t.gql(CreateClaimDocument, { input: { encounterId: encounter.id, coverageId: coverage.id } }, { role: Role.BILLER });
    const { id } = created.data!.createClaim.claim;
    let { version } = created.data!.createClaim.claim;
    for (const status of [ClaimStatus.READY, ClaimStatus.SUBMITTED, ClaimStatus.ACCEPTED, ClaimStatus.DENIED, ClaimStatus.APPEALED]) {
      const res = await t.gql(ChangeClaimStatusDocument, { input: { id, version, status } }, { role: Role.BILLER });
      expect(res.errors).toBeUndefined();
      expect(res.data!.changeClaimStatus.claim.status).toBe(status);
      expect(res.data!.changeClaimStatus.claim.version).toBe(version + 1);
      version = res.data!.changeClaimStatus.claim.version;
    }
    const full = await t.gql(ClaimByIdDocument, { id });
    const history = full.data!.claim!.history;
    expect(history.map((h) => [h.action, h.fromStatus, h.toStatus])).toEqual([
      ['CREATED', null, null],
      ['STATUS_CHANGED', 'DRAFT', 'READY'],
      ['STATUS_CHANGED', 'READY', 'SUBMITTED'],
      ['STATUS_CHANGED', 'SUBMITTED', 'ACCEPTED'],
      ['STATUS_CHANGED', 'ACCEPTED', 'DENIED'],
      ['STATUS_CHANGED', 'DENIED', 'APPEALED'],
    ]);
    expect(history.map((h) => h.claimVersion)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(new Set(history.map((h) => h.actor))).toEqual(new Set(['test-biller']));
    expect(full.data!.claim!.submittedAt).not.toBeNull();
  });

  it('refuses an illegal status change with INVALID_STATUS_TRANSITION and changes nothing', async () => {
    const { coverage, encounter } = await codedEncounterAndCoverage();
    const created = await t.gql(CreateClaimDocument, { input: { encounterId: encounter.id, coverageId: coverage.id } }, { role: Role.BILLER });
    const { id, version } = created.data!.createClaim.claim;
    const res = await t.gql(ChangeClaimStatusDocument, { input: { id, version, status: ClaimStatus.PAID } }, { role: Role.BILLER });
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'INVALID_STATUS_TRANSITION', from: 'DRAFT', to: 'PAID', allowed: ['READY'] });
    const after = await t.gql(ClaimByIdDocument, { id });
    expect(after.data!.claim).toMatchObject({ status: 'DRAFT', version: 1 });
    expect(after.data!.claim!.history).toHaveLength(1);
  });

  it('answers a stale version with CONFLICT and changes nothing', async () => {
    const { coverage, encounter } = await codedEncounterAndCoverage();
    const created = await t.gql(CreateClaimDocument, { input: { encounterId: encounter.id, coverageId: coverage.id } }, { role: Role.BILLER });
    const { id } = created.data!.createClaim.claim;
    const first = await t.gql(UpdateClaimDocument, { input: { id, version: 1, priorAuthNumber: 'PA-1' } }, { role: Role.BILLER });
    expect(first.data!.updateClaim.claim.version).toBe(2);
    const stale = await t.gql(UpdateClaimDocument, { input: { id, version: 1, priorAuthNumber: 'PA-2' } }, { role: Role.BILLER });
    expect(stale.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', expectedVersion: 1, actualVersion: 2 });
    const after = await t.gql(ClaimByIdDocument, { id });
    expect(after.data!.claim).toMatchObject({ priorAuthNumber: 'PA-1', version: 2 });
    expect(after.data!.claim!.history.map((h) => h.changedFields)).toEqual([['*'], ['priorAuthNumber']]);
  });

  it('two concurrent updates with the same version: exactly one wins, the other gets CONFLICT', async () => {
    const { coverage, encounter } = await codedEncounterAndCoverage();
    const created = await t.gql(CreateClaimDocument, { input: { encounterId: encounter.id, coverageId: coverage.id } }, { role: Role.BILLER });
    const { id } = created.data!.createClaim.claim;
    const results = await Promise.all(
      ['PA-A', 'PA-B', 'PA-C'].map((pa) => t.gql(UpdateClaimDocument, { input: { id, version: 1, priorAuthNumber: pa } }, { role: Role.BILLER })),
    );
    const ok = results.filter((r) => !r.errors);
    const conflicts = results.filter((r) => r.errors?.[0]?.extensions?.code === 'CONFLICT');
    expect(ok).toHaveLength(1);
    expect(conflicts).toHaveLength(2);
    const after = await t.gql(ClaimByIdDocument, { id });
    expect(after.data!.claim!.version).toBe(2);
    expect(after.data!.claim!.history).toHaveLength(2);
  });

  it('keeps a submitted claim unchanged when the encounter is reopened and recoded', async () => {
    const { coverage, encounter } = await codedEncounterAndCoverage();
    const created = await t.gql(CreateClaimDocument, { input: { encounterId: encounter.id, coverageId: coverage.id } }, { role: Role.BILLER });
    const claimId = created.data!.createClaim.claim.id;
    // A BILLED encounter cannot be reopened, so the claim's copy can never drift from under it.
    const enc = await t.gql(EncounterByIdDocument, { id: encounter.id });
    const reopen = await t.gql(ChangeEncounterStatusDocument, { input: { id: encounter.id, version: enc.data!.encounter!.version, status: 'OPEN' } }, { role: Role.CODER });
    expect(reopen.errors?.[0]?.extensions?.code).toBe('INVALID_STATUS_TRANSITION');
    const claim = await t.gql(ClaimByIdDocument, { id: claimId });
    expect(claim.data!.claim!.lines).toHaveLength(1);
  });

  it('lets only DRAFT claims be edited', async () => {
    const { coverage, encounter } = await codedEncounterAndCoverage();
    const created = await t.gql(CreateClaimDocument, { input: { encounterId: encounter.id, coverageId: coverage.id } }, { role: Role.BILLER });
    const { id } = created.data!.createClaim.claim;
    await t.gql(ChangeClaimStatusDocument, { input: { id, version: 1, status: ClaimStatus.READY } }, { role: Role.BILLER });
    const res = await t.gql(UpdateClaimDocument, { input: { id, version: 2, priorAuthNumber: 'PA-9' } }, { role: Role.BILLER });
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'FAILED_PRECONDITION', reason: 'CLAIM_NOT_EDITABLE' });
  });
});
