import 'reflect-metadata';
import { addDays, today } from '../../src/common/dates';
import { Role } from '../../src/common/enums';
import { ClaimStatus } from '../../src/modules/claim/claim-status';
import type { Builders } from '../../src/seed/builders';
import { AppealDenialDocument, ChangeDenialStatusDocument, ClaimByIdDocument, DenialByIdDocument, VoidClaimDocument, WriteOffDenialDocument } from '../generated/graphql';
import { startTestServer, type TestServer } from '../support/server';
import { remittedClaim } from './support';

/**
 * The other ways out of a denial: appeal (refused when a rework rule forbids it), write-off
 * (the claim follows once all its denials are settled), void of the claim (frequency 8), and
 * the manual moves (take into rework, release, close). Every change checks the version and is
 * appended to the denial's history without the note text.
 */
describe('denial actions', () => {
  let t: TestServer;
  let b: Builders;
  beforeAll(async () => {
    t = await startTestServer();
    b = t.builders();
  });
  afterAll(() => t.stop());

  const TWO_LINES = [
    { procedureCode: '99213', modifiers: [], units: 1, chargeCents: 12_500, diagnosisPointers: [1] },
    { procedureCode: '93000', modifiers: [], units: 1, chargeCents: 6_000, diagnosisPointers: [1] },
  ];

  describe('appealDenial', () => {
    it('appeals a CO-50 denial: the denial and the claim become APPEALED, the note is kept but never written to history', async () => {
      const { claim } = await remittedClaim(b);
      const denial = await b.denial(claim, { carc: '50', lineNumber: 1 });
      const note = 'Redetermination request with office notes of the visit and a letter of medical necessity.';
      const res = await t.gql(AppealDenialDocument, { input: { id: denial.id, version: 1, note } }, { role: Role.BILLER });
      expect(res.errors).toBeUndefined();
      const out = res.data!.appealDenial;
      expect(out).toMatchObject({ outcome: 'DONE', forbiddenBy: [], denial: { status: 'APPEALED', version: 2, note, allowedTransitions: ['CLOSED', 'WRITTEN_OFF'] }, claim: { id: claim.id, status: 'APPEALED' } });
      const history = (await t.gql(DenialByIdDocument, { id: denial.id }, { role: Role.BILLER })).data!.denial!.history;
      expect(history.map((h) => [h.action, h.fromStatus, h.toStatus, h.changedFields])).toEqual([['APPEALED', 'OPEN', 'APPEALED', ['status', 'note']]]);
      expect(JSON.stringify(history)).not.toContain('Redetermination');
    });

    it('refuses to appeal CO-29 with N211 (no appeal rights) as FORBIDDEN naming rule RW-TF-001, changing nothing', async () => {
      const { claim } = await remittedClaim(b);
      const denial = await b.denial(claim, { carc: '29', rarcs: ['N211'] });
      const before = await t.rowCounts();
      const res = await t.gql(AppealDenialDocument, { input: { id: denial.id, version: 1, note: 'We filed on time.' } }, { role: Role.BILLER });
      expect(res.errors).toBeUndefined();
      const out = res.data!.appealDenial;
      expect(out.outcome).toBe('FORBIDDEN');
      expect(out.forbiddenBy.map((f) => [f.ruleId, f.action])).toEqual([['RW-TF-001', 'APPEAL']]);
      expect(out.message).toContain('RW-TF-001');
      expect(out.denial).toMatchObject({ status: 'OPEN', version: 1, note: null });
      expect(out.claim).toMatchObject({ id: claim.id, status: 'DENIED' });
      expect(await t.rowCounts()).toEqual(before);
      // The advice says the same before anyone tries.
      const d = (await t.gql(DenialByIdDocument, { id: denial.id }, { role: Role.BILLER })).data!.denial!;
      expect(d.recommendations.map((r) => [r.ruleId, r.action])).toEqual([['RW-TF-001', 'WRITE_OFF']]);
      expect(d.forbiddenActions.map((f) => [f.ruleId, f.action])).toEqual(expect.arrayContaining([['RW-TF-001', 'APPEAL'], ['RW-TF-001', 'CORRECT_AND_RESUBMIT']]));
    });

    it('refuses an appeal after the appeal deadline (RW-APL-001) and accepts one on the deadline day', async () => {
      const { claim } = await remittedClaim(b);
      const late = await b.denial(claim, { carc: '50', lineNumber: 1, deniedOn: addDays(today(), -200), appealDeadline: addDays(today(), -1) });
      const res = await t.gql(AppealDenialDocument, { input: { id: late.id, version: 1, note: 'Late appeal.' } }, { role: Role.BILLER });
      expect(res.data!.appealDenial.outcome).toBe('FORBIDDEN');
      expect(res.data!.appealDenial.forbiddenBy.map((f) => f.ruleId)).toEqual(['RW-APL-001']);

      const { claim: other } = await remittedClaim(b);
      const lastDay = await b.denial(other, { carc: '50', lineNumber: 1, deniedOn: addDays(today(), -180), appealDeadline: today() });
      const ok = await t.gql(AppealDenialDocument, { input: { id: lastDay.id, version: 1, note: 'Appeal on the last day.' } }, { role: Role.BILLER });
      expect(ok.data!.appealDenial.outcome).toBe('DONE');
    });

    it('needs a note: BAD_USER_INPUT naming input.note', async () => {
      const { claim } = await remittedClaim(b);
      const denial = await b.denial(claim, { carc: '50', lineNumber: 1 });
      const res = await t.gql(AppealDenialDocument, { input: { id: denial.id, version: 1, note: '   ' } }, { role: Role.BILLER });
      expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', issues: [{ path: 'input.note', reason: 'REQUIRED' }] });
      const long = await t.gql(AppealDenialDocument, { input: { id: denial.id, version: 1, note: 'x'.repeat(2001) } }, { role: Role.BILLER });
      expect(long.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', issues: [{ path: 'input.note', reason: 'TOO_LONG' }] });
    });

    it('answers a stale version with CONFLICT', async () => {
      const { claim } = await remittedClaim(b);
      const denial = await b.denial(claim, { carc: '50', lineNumber: 1 });
      await t.gql(ChangeDenialStatusDocument, { input: { id: denial.id, version: 1, status: 'IN_REWORK' } }, { role: Role.BILLER });
      const res = await t.gql(AppealDenialDocument, { input: { id: denial.id, version: 1, note: 'Appeal.' } }, { role: Role.BILLER });
      expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', entity: 'Denial', expectedVersion: 1, actualVersion: 2 });
    });
  });

  describe('writeOffDenial', () => {
    it('writes off each denial; the claim is WRITTEN_OFF only when all its denials are settled', async () => {
      const { claim } = await remittedClaim(b, { diagnoses: ['I10'], lines: TWO_LINES });
      const first = await b.denial(claim, { carc: '97', lineNumber: 2 });
      const second = await b.denial(claim, { carc: '29', rarcs: ['N211'], lineNumber: 1 });
      const a = await t.gql(WriteOffDenialDocument, { input: { id: first.id, version: 1, reason: 'BUNDLED' } }, { role: Role.BILLER });
      expect(a.data!.writeOffDenial).toMatchObject({ outcome: 'DONE', denial: { status: 'WRITTEN_OFF', writeOffReason: 'BUNDLED', note: null, version: 2 }, claim: { status: 'DENIED' } });
      const bRes = await t.gql(WriteOffDenialDocument, { input: { id: second.id, version: 1, reason: 'TIMELY_FILING', note: 'Late filing, not appealable (N211).' } }, { role: Role.ADMIN });
      expect(bRes.data!.writeOffDenial).toMatchObject({ outcome: 'DONE', denial: { status: 'WRITTEN_OFF', writeOffReason: 'TIMELY_FILING', allowedTransitions: [] }, claim: { status: 'WRITTEN_OFF' } });
      const history = (await t.gql(DenialByIdDocument, { id: second.id }, { role: Role.BILLER })).data!.denial!.history;
      expect(history.map((h) => [h.action, h.toStatus, h.changedFields, h.actorRole])).toEqual([['WRITTEN_OFF', 'WRITTEN_OFF', ['status', 'writeOffReason', 'note'], 'ADMIN']]);
      const c = (await t.gql(ClaimByIdDocument, { id: claim.id })).data!.claim!;
      expect(c.history.at(-1)).toMatchObject({ fromStatus: 'DENIED', toStatus: 'WRITTEN_OFF', actor: 'test-admin' });
    });

    it('refuses to write off a denial that is already final (INVALID_STATUS_TRANSITION)', async () => {
      const { claim } = await remittedClaim(b);
      const denial = await b.denial(claim, { carc: '18', lineNumber: 1 });
      await t.gql(ChangeDenialStatusDocument, { input: { id: denial.id, version: 1, status: 'CLOSED' } }, { role: Role.BILLER });
      const res = await t.gql(WriteOffDenialDocument, { input: { id: denial.id, version: 2, reason: 'OTHER' } }, { role: Role.BILLER });
      expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'INVALID_STATUS_TRANSITION', from: 'CLOSED', to: 'WRITTEN_OFF', allowed: [] });
    });
  });

  describe('changeDenialStatus', () => {
    it('takes a denial into rework, releases it, and closes it, each step in the history', async () => {
      const { claim } = await remittedClaim(b);
      const denial = await b.denial(claim, { carc: '18', lineNumber: 1 });
      let version = 1;
      for (const status of ['IN_REWORK', 'OPEN', 'IN_REWORK', 'CLOSED'] as const) {
        const res = await t.gql(ChangeDenialStatusDocument, { input: { id: denial.id, version, status } }, { role: Role.BILLER });
        expect(res.data!.changeDenialStatus).toMatchObject({ outcome: 'DONE', denial: { status, version: version + 1 } });
        version++;
      }
      const history = (await t.gql(DenialByIdDocument, { id: denial.id }, { role: Role.BILLER })).data!.denial!.history;
      expect(history.map((h) => [h.fromStatus, h.toStatus, h.denialVersion])).toEqual([
        ['OPEN', 'IN_REWORK', 2],
        ['IN_REWORK', 'OPEN', 3],
        ['OPEN', 'IN_REWORK', 4],
        ['IN_REWORK', 'CLOSED', 5],
      ]);
    });

    it('sends RESUBMITTED, APPEALED and WRITTEN_OFF to their own mutations (FAILED_PRECONDITION USE_ACTION_MUTATION)', async () => {
      const { claim } = await remittedClaim(b);
      const denial = await b.denial(claim, { carc: '18', lineNumber: 1 });
      for (const status of ['RESUBMITTED', 'APPEALED', 'WRITTEN_OFF'] as const) {
        const res = await t.gql(ChangeDenialStatusDocument, { input: { id: denial.id, version: 1, status } }, { role: Role.BILLER });
        expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'FAILED_PRECONDITION', reason: 'USE_ACTION_MUTATION', to: status });
      }
    });

    it('is not for COMPLIANCE or VIEWER (FORBIDDEN)', async () => {
      const { claim } = await remittedClaim(b);
      const denial = await b.denial(claim, { carc: '18', lineNumber: 1 });
      for (const role of [Role.COMPLIANCE, Role.VIEWER, Role.CODER]) {
        const res = await t.gql(ChangeDenialStatusDocument, { input: { id: denial.id, version: 1, status: 'IN_REWORK' } }, { role });
        expect(res.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      }
    });
  });

  describe('voidClaim', () => {
    it('creates a READY frequency-8 void naming the payer claim number, VOIDs the claim and CLOSEs its open denials', async () => {
      const { claim } = await remittedClaim(b, { diagnoses: ['I10'], lines: TWO_LINES, status: ClaimStatus.PARTIALLY_PAID });
      const open = await b.denial(claim, { carc: '109', lineNumber: 2 });
      const res = await t.gql(VoidClaimDocument, { input: { id: claim.id, version: claim.version } }, { role: Role.BILLER });
      expect(res.errors).toBeUndefined();
      const out = res.data!.voidClaim;
      expect(out.outcome).toBe('DONE');
      expect(out.claim).toMatchObject({ id: claim.id, status: 'VOIDED' });
      expect(out.voidClaim).toMatchObject({ status: 'READY', frequency: 'VOID', payerClaimNumber: claim.payerClaimNumber, originalClaim: { id: claim.id }, totalChargeCents: 18_500 });
      expect(out.voidClaim!.lines.map((l) => [l.lineNumber, l.procedureCode, l.chargeCents])).toEqual([
        [1, '99213', 12_500],
        [2, '93000', 6_000],
      ]);
      expect(out.voidClaim!.history.map((h) => h.action)).toEqual(['CREATED', 'STATUS_CHANGED']);
      expect(out.closedDenials).toEqual([{ id: open.id, status: 'CLOSED', version: 2 }]);
      const d = (await t.gql(DenialByIdDocument, { id: open.id }, { role: Role.BILLER })).data!.denial!;
      expect(d.history.map((h) => [h.action, h.fromStatus, h.toStatus, h.relatedClaimId])).toEqual([['CLAIM_VOIDED', 'OPEN', 'CLOSED', out.voidClaim!.id]]);
    });

    it('refuses a claim without a payer claim number (NO_PAYER_CLAIM_NUMBER), one whose status cannot be voided, and a stale version', async () => {
      const { claim: noNumber } = await remittedClaim(b, { payerClaimNumber: null, status: ClaimStatus.PAID });
      const a = await t.gql(VoidClaimDocument, { input: { id: noNumber.id, version: noNumber.version } }, { role: Role.BILLER });
      expect(a.errors?.[0]?.extensions).toMatchObject({ code: 'FAILED_PRECONDITION', reason: 'NO_PAYER_CLAIM_NUMBER', entity: 'Claim', id: noNumber.id });

      const { claim: accepted } = await remittedClaim(b, { status: ClaimStatus.ACCEPTED });
      const c = await t.gql(VoidClaimDocument, { input: { id: accepted.id, version: accepted.version } }, { role: Role.BILLER });
      expect(c.errors?.[0]?.extensions).toMatchObject({ code: 'INVALID_STATUS_TRANSITION', entity: 'Claim', from: 'ACCEPTED', to: 'VOIDED' });

      const { claim: paid } = await remittedClaim(b, { status: ClaimStatus.PAID });
      const before = await t.rowCounts();
      const stale = await t.gql(VoidClaimDocument, { input: { id: paid.id, version: paid.version - 1 } }, { role: Role.BILLER });
      expect(stale.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', entity: 'Claim' });
      expect(await t.rowCounts()).toEqual(before);
    });

    it('keeps the void DRAFT and the claim unchanged when the void fails the scrub (filed past the 90-day limit)', async () => {
      const { claim } = await remittedClaim(b, { status: ClaimStatus.PAID, serviceDate: addDays(today(), -20) });
      const em = t.db.orm.em.fork();
      const { Claim: ClaimEntity, ClaimLine } = await import('../../src/modules/claim/claim.entity');
      const old = addDays(today(), -95);
      const stored = await em.findOneOrFail(ClaimEntity, { id: claim.id });
      stored.serviceDateFrom = old;
      stored.serviceDateTo = old;
      for (const l of await em.find(ClaimLine, { claim: claim.id })) l.serviceDate = old;
      await em.flush();
      const res = await t.gql(VoidClaimDocument, { input: { id: claim.id, version: stored.version } }, { role: Role.BILLER });
      expect(res.errors).toBeUndefined();
      const out = res.data!.voidClaim;
      expect(out.outcome).toBe('SCRUB_ERRORS');
      expect(out.scrub!.findings.filter((f) => f.severity === 'ERROR').map((f) => f.ruleId)).toEqual(['DCH-FIL-001']);
      expect(out.voidClaim).toMatchObject({ status: 'DRAFT', frequency: 'VOID' });
      expect(out.claim).toMatchObject({ status: 'PAID' });
    });
  });
});
