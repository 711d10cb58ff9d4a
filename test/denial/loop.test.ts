import 'reflect-metadata';
import { addDays, today } from '../../src/common/dates';
import { Role } from '../../src/common/enums';
import { ClaimStatus } from '../../src/modules/claim/claim-status';
import type { Claim } from '../../src/modules/claim/claim.entity';
import { RemittanceImportStatus, RemittanceService } from '../../src/modules/remittance/remittance.service';
import { systemContext, type Builders } from '../../src/seed/builders';
import { ClaimByIdDocument, DenialByIdDocument, DenialQueueDocument, DenialStatsDocument, ReworkDenialDocument } from '../generated/graphql';
import { write835 } from '../remittance/x12-835';
import { startTestServer, type TestServer } from '../support/server';

/**
 * The loop closed end to end: a claim is submitted, an 835 posts a line denial for it (CO-16 with
 * M76) and the payer claim control number, the work queue shows it with the rework rules'
 * advice, a biller reworks it into a replacement carrying REF*F8 = that number, and
 * denialStats counts it against the claims the 835 remitted (source REMITTANCES).
 */
describe('posted denial → work queue → rework → statistics', () => {
  let t: TestServer;
  let b: Builders;
  let claim: Claim;
  const day = today();
  const serviceDate = addDays(day, -10);

  beforeAll(async () => {
    t = await startTestServer();
    b = t.builders();
    const payer = await b.payer({ name: 'Loop Payer' });
    const provider = await b.provider();
    const patient = await b.patient();
    const coverage = await b.coverage(patient, payer);
    const line = (procedureCode: string, chargeCents: number) => ({ procedureCode, modifiers: [], units: 1, chargeCents, diagnosisPointers: [1] });
    claim = await b.claim({ patient, provider, coverage, serviceDate, diagnoses: ['E119', 'I10'], lines: [line('99213', 12_500), line('83036', 6_000)], status: ClaimStatus.READY });
    const sent = await b.services.claims.submitClaims([claim.id]);
    expect(sent.refused).toEqual([]);
    const lcn = (n: number) => claim.lines.getItems().find((l) => l.lineNumber === n)!.lineControlNumber;
    const x12 = write835({
      trace: 'EFT-LOOP-0001',
      date: day,
      claims: [
        {
          pcn: claim.patientControlNumber,
          status: '1',
          chargeCents: 18_500,
          paidCents: 12_500,
          payerClaimNumber: 'ICN-LOOP-0001',
          services: [
            { code: '99213', chargeCents: 12_500, paidCents: 12_500, date: serviceDate, lineControlNumber: lcn(1) },
            { code: '83036', chargeCents: 6_000, paidCents: 0, date: serviceDate, lineControlNumber: lcn(2), cas: [['CO', '16', 6_000]], remarks: ['M76'] },
          ],
        },
      ],
    });
    const posted = await new RemittanceService(systemContext(t.db.orm.em.fork(), undefined, t.server.rules)).post(x12);
    expect(posted.status).toBe(RemittanceImportStatus.POSTED);
    expect(posted.denials).toHaveLength(1);
  }, 120_000);
  afterAll(() => t.stop());

  it('shows the posted denial in the queue with its advice, and reworks it with REF*F8 = the payer claim number', async () => {
    const queue = await t.gql(DenialQueueDocument, { first: 10, filter: { claimId: claim.id, status: ['OPEN'] } }, { role: Role.BILLER });
    expect(queue.data!.denials.edges.map((e) => [e.node.carc, e.node.amountCents])).toEqual([['16', 6_000]]);
    const id = queue.data!.denials.edges[0]!.node.id;
    const denial = (await t.gql(DenialByIdDocument, { id }, { role: Role.BILLER })).data!.denial!;
    expect(denial).toMatchObject({ groupCode: 'CO', rarcs: ['M76'], lineNumber: 2, line: { lineNumber: 2, procedureCode: '83036' }, deniedOn: day, claim: { id: claim.id, status: 'PARTIALLY_PAID', payerClaimNumber: 'ICN-LOOP-0001' } });
    expect(denial.recommendations.map((r) => [r.ruleId, r.action, r.fields])).toEqual([['RW-CO16-DX', 'CORRECT_AND_RESUBMIT', ['diagnoses', 'diagnosisPointers']]]);

    const res = await t.gql(ReworkDenialDocument, { input: { id, version: denial.version, corrections: { diagnoses: ['E1165', 'I10'] } } }, { role: Role.BILLER });
    expect(res.errors).toBeUndefined();
    expect(res.data!.reworkDenial).toMatchObject({ outcome: 'DONE', denial: { status: 'RESUBMITTED' }, replacementClaim: { status: 'READY', frequency: 'REPLACEMENT', payerClaimNumber: 'ICN-LOOP-0001', originalClaim: { id: claim.id } } });
    expect((await t.gql(ClaimByIdDocument, { id: claim.id })).data!.claim!.status).toBe('REPLACED');
  });

  it('counts the denial against the claims the 835 remitted in the window', async () => {
    const s = (await t.gql(DenialStatsDocument, { from: day, to: day }, { role: Role.COMPLIANCE })).data!.denialStats;
    expect(s).toMatchObject({ source: 'REMITTANCES', remittedClaimCount: 1, billedAmountCents: 18_500, denialCount: 1, deniedClaimCount: 1, deniedAmountCents: 6_000 });
    expect(s.amountRate).toBeCloseTo(6_000 / 18_500, 10);
    expect(s.byCarc).toEqual([{ groupCode: 'CO', carc: '16', count: 1, amountCents: 6_000 }]);
  });
});
