import { Role } from '../../src/common/enums';
import { ClaimStatus } from '../../src/modules/claim/claim-status';
import { SubscriberRelationship } from '../../src/modules/coverage/coverage.entity';
import { SubmissionBatch, SubmissionBatchClaim } from '../../src/modules/submission/submission.entity';
import { read837p } from '../../src/x12/837p/reader';
import { el, readInterchanges } from '../../src/x12/reader';
import { MoveClaimDocument, SubmissionBatchDocument, SubmitClaimsBatchDocument, UpdateClaimDocument } from '../generated/graphql';
import { startTestServer, type TestServer } from '../support/server';

/** submitClaims → a persisted 837P batch with unique control numbers, over HTTP on both databases. */
describe('submitClaims with the 837P batch', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(async () => {
    await t.stop();
  });

  async function readyClaim(opts: { dependent?: boolean; renderingOther?: boolean } = {}) {
    const b = t.builders();
    const payer = await b.payer();
    const provider = await b.provider();
    const rendering = opts.renderingOther ? await b.provider() : undefined;
    const patient = await b.patient();
    const coverage = await b.coverage(
      patient,
      payer,
      opts.dependent ? { relationship: SubscriberRelationship.CHILD, subscriberFirstName: 'Jordan', subscriberLastName: 'Sample', groupNumber: 'GRP-9' } : {},
    );
    const claim = await b.claim({ patient, provider, coverage, renderingProvider: rendering, status: ClaimStatus.READY });
    return { claim, payer, provider, patient, coverage, rendering };
  }

  it('returns the batch: control numbers and an X12 that reads back without envelope warnings, with the claims it marked SUBMITTED', async () => {
    const a = await readyClaim();
    const d = await readyClaim({ dependent: true, renderingOther: true });
    const res = await t.gql(SubmitClaimsBatchDocument, { ids: [a.claim.id, d.claim.id] }, { role: Role.BILLER });
    expect(res.errors).toBeUndefined();
    const out = res.data!.submitClaims;
    expect(out.refused).toEqual([]);
    expect(out.submitted.map((c) => c.status)).toEqual(['SUBMITTED', 'SUBMITTED']);
    const batch = out.batch!;
    expect(batch).toMatchObject({ claimCount: 2, transactionCount: 1, createdBy: 'test-biller', senderId: 'CLAIMFLOW', receiverId: 'CLEARINGHOUSE', usage: 'T' });
    expect(batch.interchangeControlNumber).toMatch(/^\d{9}$/);
    expect(batch.groupControlNumber).toBe(String(Number(batch.interchangeControlNumber)));
    expect(batch.claims.map((c) => c.id).sort()).toEqual([a.claim.id, d.claim.id].sort());

    const [ic] = readInterchanges(batch.x12!);
    expect(ic!.warnings).toEqual([]);
    expect(ic!.controlNumber).toBe(batch.interchangeControlNumber);
    expect(ic!.groups[0]!.controlNumber).toBe(batch.groupControlNumber);
    expect(ic!.groups[0]!.transactions.map((x) => x.controlNumber)).toEqual(batch.transactionControlNumbers);
    expect(batch.length).toBe(batch.x12!.length);

    // The claims as stored, in the 837P.
    const read = read837p(batch.x12!).claims;
    const byPcn = new Map(read.map((c) => [c.patientControlNumber, c]));
    const self = byPcn.get(a.claim.patientControlNumber)!;
    expect(self.patient).toBeNull();
    expect(self.subscriber).toMatchObject({ relationship: '18', payerResponsibility: 'P', filingIndicator: 'CI', name: { id: a.coverage.memberId, last: 'Sample', first: 'Avery' }, demographics: { birthDate: '1950-03-02', sex: 'F' } });
    expect(self.billingProvider.name).toMatchObject({ idQualifier: 'XX', id: a.provider.npi });
    expect(self.billingProvider.taxId).toBe('123456789');
    expect(self.totalChargeCents).toBe(a.claim.totalChargeCents);
    expect(self.diagnoses.map((x) => `${x.qualifier}:${x.code}`)).toEqual(['ABK:E119', 'ABF:I10']);
    expect(self.lines.map((l) => [l.procedureCode, l.chargeCents, l.units, l.pointers, l.serviceDateFrom, l.lineControlNumber])).toEqual([
      ['99213', 12_500, '1', [1, 2], a.claim.serviceDateFrom, `${a.claim.patientControlNumber}-1`],
    ]);
    expect(self.rendering).toBeNull(); // the builders' rendering provider is the billing provider
    const dep = byPcn.get(d.claim.patientControlNumber)!;
    expect(dep.patient).toMatchObject({ relationship: '19', name: { last: 'Sample', first: 'Avery' }, demographics: { birthDate: '1950-03-02' } });
    expect(dep.subscriber).toMatchObject({ relationship: null, groupNumber: 'GRP-9', name: { last: 'Sample', first: 'Jordan' }, demographics: null, address: null });
    expect(dep.rendering?.id).toBe(d.rendering!.npi);

    // Read back later: the same text, byte for byte.
    const again = await t.gql(SubmissionBatchDocument, { id: batch.id }, { role: Role.BILLER });
    expect(again.data!.submissionBatch).toMatchObject({ id: batch.id, sha256: batch.sha256, x12: batch.x12 });
  });

  it('refused claims stay as they are and are not in the X12; nothing submitted means no batch', async () => {
    const ready = await readyClaim();
    const other = await readyClaim();
    const moved = await t.gql(MoveClaimDocument, { input: { id: other.claim.id, version: other.claim.version, status: ClaimStatus.DRAFT } }, { role: Role.BILLER });
    expect(moved.data!.changeClaimStatus.claim.status).toBe('DRAFT');
    const res = await t.gql(SubmitClaimsBatchDocument, { ids: [ready.claim.id, other.claim.id] }, { role: Role.BILLER });
    expect(res.data!.submitClaims.refused).toEqual([expect.objectContaining({ claimId: other.claim.id, reason: 'NOT_READY', claim: { id: other.claim.id, status: 'DRAFT' } })]);
    const x12 = res.data!.submitClaims.batch!.x12!;
    expect(read837p(x12).claims.map((c) => c.patientControlNumber)).toEqual([ready.claim.patientControlNumber]);
    expect(x12).not.toContain(other.claim.patientControlNumber);

    const none = await t.gql(SubmitClaimsBatchDocument, { ids: [other.claim.id] }, { role: Role.BILLER });
    expect(none.data!.submitClaims).toMatchObject({ submitted: [], batch: null });
  });

  it('a replacement claim (frequency 7) carries REF*F8 and CLM05-3 = 7; a prior authorization REF*G1', async () => {
    const b = t.builders();
    const payer = await b.payer();
    const provider = await b.provider();
    const patient = await b.patient();
    const coverage = await b.coverage(patient, payer);
    const claim = await b.claim({ patient, provider, coverage });
    const upd = await t.gql(UpdateClaimDocument, { input: { id: claim.id, version: claim.version, frequency: 'REPLACEMENT', payerClaimNumber: 'PAYER-123456', priorAuthNumber: 'AUTH-77' } }, { role: Role.BILLER });
    expect(upd.errors).toBeUndefined();
    const ready = await t.gql(MoveClaimDocument, { input: { id: claim.id, version: upd.data!.updateClaim.claim.version, status: ClaimStatus.READY } }, { role: Role.BILLER });
    expect(ready.data!.changeClaimStatus.moved).toBe(true);
    const res = await t.gql(SubmitClaimsBatchDocument, { ids: [claim.id] }, { role: Role.BILLER });
    const x12 = res.data!.submitClaims.batch!.x12!;
    expect(x12).toMatch(/~CLM\*[A-Z0-9]+\*125\*\*\*11:B:7\*Y\*A\*Y\*Y~REF\*F8\*PAYER-123456~REF\*G1\*AUTH-77~HI\*ABK:E119\*ABF:I10~/);
    expect(read837p(x12).claims[0]).toMatchObject({ frequency: '7', payerClaimNumber: 'PAYER-123456', priorAuthNumber: 'AUTH-77' });
  });

  it('two concurrent submissions get different, persisted control numbers; the next one continues after both', async () => {
    const claims = await Promise.all([readyClaim(), readyClaim(), readyClaim(), readyClaim()]);
    const [x, y] = await Promise.all([
      t.gql(SubmitClaimsBatchDocument, { ids: [claims[0]!.claim.id, claims[1]!.claim.id] }, { role: Role.BILLER }),
      t.gql(SubmitClaimsBatchDocument, { ids: [claims[2]!.claim.id, claims[3]!.claim.id] }, { role: Role.ADMIN }),
    ]);
    expect(x.errors).toBeUndefined();
    expect(y.errors).toBeUndefined();
    const bx = x.data!.submitClaims.batch!;
    const by = y.data!.submitClaims.batch!;
    expect(bx.interchangeControlNumber).not.toBe(by.interchangeControlNumber);
    expect(bx.groupControlNumber).not.toBe(by.groupControlNumber);
    expect(bx.transactionControlNumbers).not.toEqual(by.transactionControlNumbers);
    for (const b of [bx, by]) expect(readInterchanges(b.x12!)[0]!.warnings).toEqual([]);

    const next = await readyClaim();
    const z = (await t.gql(SubmitClaimsBatchDocument, { ids: [next.claim.id] }, { role: Role.BILLER })).data!.submitClaims.batch!;
    expect(Number(z.interchangeControlNumber)).toBeGreaterThan(Math.max(Number(bx.interchangeControlNumber), Number(by.interchangeControlNumber)));
    expect(Number(z.transactionControlNumbers[0])).toBeGreaterThan(Math.max(Number(bx.transactionControlNumbers[0]), Number(by.transactionControlNumbers[0])));

    // Stored: every batch's numbers are distinct (unique constraints), each claim in one batch.
    const em = t.db.orm.em.fork();
    const batches = await em.find(SubmissionBatch, {});
    expect(new Set(batches.map((b) => b.interchangeControlNumber)).size).toBe(batches.length);
    expect(new Set(batches.map((b) => b.firstTransactionControlNumber)).size).toBe(batches.length);
    const links = await em.find(SubmissionBatchClaim, { claim: { $in: claims.map((c) => c.claim.id) } });
    expect(links).toHaveLength(4);
    expect(new Set(links.map((l) => l.claim.id)).size).toBe(4);
  });

  it('the database refuses a second batch with the same ISA13 (unique constraint)', async () => {
    const em = t.db.orm.em.fork();
    const [first] = await em.find(SubmissionBatch, {}, { limit: 1, orderBy: { createdAt: 'asc' } });
    const copy = em.create(SubmissionBatch, {
      createdBy: 'x',
      interchangeControlNumber: first!.interchangeControlNumber,
      groupControlNumber: '999999998',
      firstTransactionControlNumber: 999_999_998,
      transactionCount: 1,
      claimCount: 0,
      senderId: 'S',
      receiverId: 'R',
      usage: 'T',
      sha256: '0'.repeat(64),
      length: 0,
      x12: '',
    });
    await expect(em.persistAndFlush(copy)).rejects.toThrow(/unique|UNIQUE/);
  });

  it('only billers and admins read batches; the X12 is not for every role', async () => {
    const { claim } = await readyClaim();
    const batch = (await t.gql(SubmitClaimsBatchDocument, { ids: [claim.id] }, { role: Role.BILLER })).data!.submitClaims.batch!;
    for (const role of [Role.VIEWER, Role.CODER, Role.COMPLIANCE]) {
      const res = await t.gql(SubmissionBatchDocument, { id: batch.id }, { role });
      expect(res.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    }
    const missing = await t.gql(SubmissionBatchDocument, { id: '0192f000-0000-7000-8000-000000000000' }, { role: Role.BILLER });
    expect(missing.data!.submissionBatch).toBeNull();
    // The HL hierarchy of a one-claim batch.
    const hl = readInterchanges(batch.x12!)[0]!.groups[0]!.transactions[0]!.segments.filter((s) => s.id === 'HL').map((s) => `${el(s, 1)}/${el(s, 2)}/${el(s, 3)}/${el(s, 4)}`);
    expect(hl).toEqual(['1//20/1', '2/1/22/0']);
  });
});
