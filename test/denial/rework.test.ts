import 'reflect-metadata';
import { addDays, today } from '../../src/common/dates';
import { Role } from '../../src/common/enums';
import { ClaimStatus } from '../../src/modules/claim/claim-status';
import { Claim } from '../../src/modules/claim/claim.entity';
import { DenialHistory } from '../../src/modules/denial/denial-history.entity';
import type { Builders } from '../../src/seed/builders';
import { ClaimByIdDocument, DenialByIdDocument, ReworkDenialDocument } from '../generated/graphql';
import { startTestServer, type TestServer } from '../support/server';
import { ageClaim, remittedClaim } from './support';

/**
 * reworkDenial: a denial is corrected as a replacement claim (frequency 7, REF*F8 = the payer
 * claim number, linked to the original, which becomes REPLACED), scrubbed with the payer's
 * rules by moving it to READY, and the denial is RESUBMITTED — or stays IN_REWORK with the
 * replacement DRAFT when the scrub finds ERRORs. All over real HTTP.
 */
describe('reworkDenial', () => {
  let t: TestServer;
  let b: Builders;
  beforeAll(async () => {
    t = await startTestServer();
    b = t.builders();
  });
  afterAll(() => t.stop());

  const OFFICE_VISIT = { procedureCode: '99213', modifiers: [], units: 1, chargeCents: 12_500, diagnosisPointers: [1, 2] };

  it('recommends the correction the rework rules name for CO-16 with M76, with the explanation', async () => {
    const { claim } = await remittedClaim(b, { diagnoses: ['E119', 'I10'], lines: [OFFICE_VISIT] });
    const denial = await b.denial(claim, { carc: '16', rarcs: ['M76'], lineNumber: 1 });
    const res = await t.gql(DenialByIdDocument, { id: denial.id }, { role: Role.BILLER });
    expect(res.errors).toBeUndefined();
    const d = res.data!.denial!;
    expect(d.recommendations.map((r) => [r.ruleId, r.action, r.fields, r.documents])).toEqual([['RW-CO16-DX', 'CORRECT_AND_RESUBMIT', ['diagnoses', 'diagnosisPointers'], []]]);
    expect(d.recommendations[0]!.message).toContain('E119, I10');
    expect(d.recommendations[0]!.explanation.filter((s) => s.kind === 'FACT').map((s) => [s.fact, s.factValue, s.result])).toEqual([
      ['denial.carc', '"16"', true],
      ['denial.rarcs', '["M76"]', true],
    ]);
    expect(d.forbiddenActions.map((f) => [f.ruleId, f.action])).toEqual([['RW-GRP-CO', 'BILL_PATIENT']]);
    expect(d).toMatchObject({ status: 'OPEN', allowedTransitions: ['IN_REWORK', 'RESUBMITTED', 'APPEALED', 'CLOSED', 'WRITTEN_OFF'], scenario: 'INVALID_CLAIM_DATA', reasonClass: 'CODING' });
  });

  it('creates a READY replacement (frequency 7, REF*F8, linked), marks the original REPLACED and the denial RESUBMITTED', async () => {
    const { claim } = await remittedClaim(b, { diagnoses: ['E119', 'I10'], lines: [OFFICE_VISIT] });
    const denial = await b.denial(claim, { carc: '16', rarcs: ['M76'], lineNumber: 1 });
    const res = await t.gql(ReworkDenialDocument, { input: { id: denial.id, version: denial.version, corrections: { diagnoses: ['E1165', 'I10'] } } }, { role: Role.BILLER });
    expect(res.errors).toBeUndefined();
    const out = res.data!.reworkDenial;
    expect(out.outcome).toBe('DONE');
    expect(out.forbiddenBy).toEqual([]);
    const r = out.replacementClaim!;
    expect(r).toMatchObject({ status: 'READY', frequency: 'REPLACEMENT', payerClaimNumber: claim.payerClaimNumber, originalClaim: { id: claim.id }, totalChargeCents: 12_500 });
    expect(r.id).not.toBe(claim.id);
    expect(r.patientControlNumber).not.toBe(claim.patientControlNumber);
    expect(r.diagnoses).toEqual([{ position: 1, code: 'E1165' }, { position: 2, code: 'I10' }]);
    expect(r.lines).toEqual([{ lineNumber: 1, procedureCode: '99213', modifiers: [], units: 1, chargeCents: 12_500, diagnosisPointers: [1, 2], lineControlNumber: `${r.patientControlNumber}-1` }]);
    // The replacement's own history names what the rework changed (field names, never values).
    expect(r.history.map((h) => [h.action, h.fromStatus, h.toStatus, h.changedFields])).toEqual([
      ['CREATED', null, null, ['*']],
      ['UPDATED', null, null, ['diagnoses']],
      ['STATUS_CHANGED', 'DRAFT', 'READY', ['status']],
    ]);
    expect(out.scrub!.errorCount).toBe(0);
    expect(out.denial).toMatchObject({ status: 'RESUBMITTED', version: denial.version + 1, replacementClaim: { id: r.id }, allowedTransitions: ['CLOSED', 'WRITTEN_OFF'] });

    const original = await t.gql(ClaimByIdDocument, { id: claim.id });
    expect(original.data!.claim!.status).toBe('REPLACED');
    expect(original.data!.claim!.history.at(-1)).toMatchObject({ action: 'STATUS_CHANGED', fromStatus: 'DENIED', toStatus: 'REPLACED', actor: 'test-biller' });

    const after = await t.gql(DenialByIdDocument, { id: denial.id }, { role: Role.COMPLIANCE });
    const history = after.data!.denial!.history;
    expect(history).toHaveLength(1);
    expect(history[0]).toMatchObject({ action: 'REWORKED', fromStatus: 'OPEN', toStatus: 'RESUBMITTED', actor: 'test-biller', actorRole: 'BILLER', changedFields: ['status', 'replacementClaim'], relatedClaimId: r.id, denialVersion: 2 });
    expect(history[0]!.requestId).toEqual(expect.any(String));
  });

  it('keeps the replacement DRAFT and the denial IN_REWORK when the scrub finds ERRORs; a second call corrects the same replacement', async () => {
    const { claim } = await remittedClaim(b, { diagnoses: ['M5416'], lines: [{ ...OFFICE_VISIT, diagnosisPointers: [1] }] });
    const denial = await b.denial(claim, { carc: '16', rarcs: ['M51'], lineNumber: 1 });
    // Adding the lumbar MRI the visit ordered: the plan needs prior authorization for 72148 (DCH-AUTH-001).
    const mri = { procedureCode: '72148', modifiers: [], units: 1, chargeCents: 98_000, diagnosisPointers: [1] };
    const first = await t.gql(ReworkDenialDocument, { input: { id: denial.id, version: 1, corrections: { lines: [{ ...OFFICE_VISIT, diagnosisPointers: [1] }, mri] } } }, { role: Role.BILLER });
    expect(first.errors).toBeUndefined();
    const a = first.data!.reworkDenial;
    expect(a.outcome).toBe('SCRUB_ERRORS');
    expect(a.replacementClaim).toMatchObject({ status: 'DRAFT', frequency: 'REPLACEMENT', totalChargeCents: 110_500 });
    expect(a.scrub!.findings.filter((f) => f.severity === 'ERROR').map((f) => [f.ruleId, f.line])).toEqual([['DCH-AUTH-001', 2]]);
    expect(a.denial).toMatchObject({ status: 'IN_REWORK', version: 2, replacementClaim: { id: a.replacementClaim!.id } });
    expect((await t.gql(ClaimByIdDocument, { id: claim.id })).data!.claim!.status).toBe('REPLACED');

    const second = await t.gql(ReworkDenialDocument, { input: { id: denial.id, version: 2, corrections: { priorAuthNumber: 'PA778' } } }, { role: Role.BILLER });
    expect(second.errors).toBeUndefined();
    const c = second.data!.reworkDenial;
    expect(c.outcome).toBe('DONE');
    expect(c.replacementClaim).toMatchObject({ id: a.replacementClaim!.id, status: 'READY', priorAuthNumber: 'PA778' });
    expect(c.replacementClaim!.history.map((h) => h.changedFields)).toEqual([['*'], ['lines', 'totalChargeCents'], ['priorAuthNumber'], ['status']]);
    expect(c.denial).toMatchObject({ status: 'RESUBMITTED', version: 3 });
    const history = (await t.gql(DenialByIdDocument, { id: denial.id }, { role: Role.BILLER })).data!.denial!.history;
    expect(history.map((h) => [h.action, h.fromStatus, h.toStatus, h.changedFields, h.denialVersion])).toEqual([
      ['REWORKED', 'OPEN', 'IN_REWORK', ['status', 'replacementClaim'], 2],
      ['REWORKED', 'IN_REWORK', 'RESUBMITTED', ['status'], 3],
    ]);
    // Exactly one replacement exists for the original.
    expect(await t.db.orm.em.fork().count(Claim, { originalClaim: claim.id })).toBe(1);
  });

  it("respects timely filing: the payer's filing rules judge the replacement as submitted today", async () => {
    // The payer's data says 365 days but its rule set (demo-commercial) enforces 90: the scrub decides.
    const payer = await b.payer({ timelyFilingDays: 365 });
    const { claim } = await remittedClaim(b, { payer, diagnoses: ['E119', 'I10'], lines: [OFFICE_VISIT] });
    const serviceDate = addDays(today(), -120);
    await ageClaim(t, claim.id, serviceDate);
    const denial = await b.denial(claim, { carc: '16', rarcs: ['M76'], lineNumber: 1 });
    const res = await t.gql(ReworkDenialDocument, { input: { id: denial.id, version: 1, corrections: { diagnoses: ['E1165', 'I10'] } } }, { role: Role.BILLER });
    expect(res.errors).toBeUndefined();
    const out = res.data!.reworkDenial;
    expect(out.outcome).toBe('SCRUB_ERRORS');
    const late = out.scrub!.findings.find((f) => f.ruleId === 'DCH-FIL-001')!;
    expect(late).toMatchObject({ severity: 'ERROR', line: null });
    expect(late.message).toContain(`Submitted ${today()}, 120 days after the date of service ${serviceDate}`);
    expect(out.replacementClaim!.status).toBe('DRAFT');
    expect(out.denial.status).toBe('IN_REWORK');
  });

  it("refuses the resubmission as FORBIDDEN, changing nothing, when the payer's filing limit has passed (rule RW-TF-003)", async () => {
    const payer = await b.payer({ timelyFilingDays: 90 });
    const { claim } = await remittedClaim(b, { payer, diagnoses: ['E119', 'I10'], lines: [OFFICE_VISIT] });
    await ageClaim(t, claim.id, addDays(today(), -91));
    const denial = await b.denial(claim, { carc: '16', rarcs: ['M76'], lineNumber: 1 });
    const before = await t.rowCounts();
    const res = await t.gql(ReworkDenialDocument, { input: { id: denial.id, version: 1, corrections: { diagnoses: ['E1165', 'I10'] } } }, { role: Role.BILLER });
    expect(res.errors).toBeUndefined();
    const out = res.data!.reworkDenial;
    expect(out.outcome).toBe('FORBIDDEN');
    expect(out.forbiddenBy.map((f) => [f.ruleId, f.action])).toEqual([['RW-TF-003', 'CORRECT_AND_RESUBMIT']]);
    expect(out.forbiddenBy[0]!.explanation.map((s) => [s.fact, s.factValue])).toContainEqual(['resubmission.filingDeadlinePassed', 'true']);
    expect(out.replacementClaim).toBeNull();
    expect(out.denial).toMatchObject({ status: 'OPEN', version: 1 });
    expect(await t.rowCounts()).toEqual(before);
    // The same rule keeps the recommendation off the denial's list.
    const d = (await t.gql(DenialByIdDocument, { id: denial.id }, { role: Role.BILLER })).data!.denial!;
    expect(d.recommendations).toEqual([]);
    expect(d.forbiddenActions.map((f) => f.ruleId).sort()).toEqual(['RW-GRP-CO', 'RW-TF-003']);
  });

  it('refuses a claim the payer gave no claim control number with FAILED_PRECONDITION NO_PAYER_CLAIM_NUMBER, writing nothing', async () => {
    const { claim } = await remittedClaim(b, { payerClaimNumber: null });
    const denial = await b.denial(claim, { carc: '4', lineNumber: 1 });
    const before = await t.rowCounts();
    const res = await t.gql(ReworkDenialDocument, { input: { id: denial.id, version: 1, corrections: { lines: [{ ...OFFICE_VISIT, modifiers: ['25'] }] } } }, { role: Role.BILLER });
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'FAILED_PRECONDITION', reason: 'NO_PAYER_CLAIM_NUMBER', entity: 'Claim', id: claim.id });
    expect(res.errors?.[0]?.message).toContain('REF*F8');
    expect(await t.rowCounts()).toEqual(before);
  });

  it('refuses a claim whose status cannot be replaced with FAILED_PRECONDITION CLAIM_NOT_REPLACEABLE', async () => {
    const { claim } = await remittedClaim(b, { status: ClaimStatus.ACCEPTED });
    const denial = await b.denial(claim, { carc: '4', lineNumber: 1 });
    const res = await t.gql(ReworkDenialDocument, { input: { id: denial.id, version: 1, corrections: { lines: [{ ...OFFICE_VISIT, modifiers: ['25'] }] } } }, { role: Role.BILLER });
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'FAILED_PRECONDITION', reason: 'CLAIM_NOT_REPLACEABLE', entity: 'Claim', id: claim.id });
    expect(res.errors?.[0]?.message).toContain('is ACCEPTED; only PAID, PARTIALLY_PAID, DENIED claims can be replaced');
  });

  it('needs a correction that changes something, and checks corrections like any claim edit (paths under input.corrections)', async () => {
    const { claim } = await remittedClaim(b, { diagnoses: ['E119', 'I10'], lines: [OFFICE_VISIT] });
    const denial = await b.denial(claim, { carc: '16', rarcs: ['M76'] });
    const before = await t.rowCounts();
    for (const corrections of [undefined, {}, { diagnoses: ['E119', 'I10'] }, { lines: [OFFICE_VISIT] }]) {
      const res = await t.gql(ReworkDenialDocument, { input: { id: denial.id, version: 1, corrections } }, { role: Role.BILLER });
      expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', issues: [{ path: 'input.corrections', reason: 'NO_CHANGES' }] });
    }
    const bad = await t.gql(
      ReworkDenialDocument,
      { input: { id: denial.id, version: 1, corrections: { lines: [{ ...OFFICE_VISIT, procedureCode: '99999' }], priorAuthNumber: 'PA*1' } } },
      { role: Role.BILLER },
    );
    const issues = bad.errors?.[0]?.extensions?.issues as { path: string; reason: string }[];
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(issues.map((i) => [i.path, i.reason]).sort()).toEqual([
      ['input.corrections.lines.0.procedureCode', 'UNKNOWN_CODE'],
      ['input.corrections.priorAuthNumber', 'INVALID_CHARACTERS'],
    ]);
    expect(await t.rowCounts()).toEqual(before);
  });

  it('answers a stale version with CONFLICT and changes nothing', async () => {
    const { claim } = await remittedClaim(b, { diagnoses: ['E119', 'I10'], lines: [OFFICE_VISIT] });
    const denial = await b.denial(claim, { carc: '16', rarcs: ['M76'] });
    const before = await t.rowCounts();
    const res = await t.gql(ReworkDenialDocument, { input: { id: denial.id, version: 7, corrections: { diagnoses: ['E1165'] } } }, { role: Role.BILLER });
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', entity: 'Denial', expectedVersion: 7, actualVersion: 1 });
    expect(await t.rowCounts()).toEqual(before);
  });

  it("moves the claim's other open denials onto the same replacement", async () => {
    const { claim } = await remittedClaim(b, {
      diagnoses: ['M1711', 'I10'],
      lines: [
        { ...OFFICE_VISIT, diagnosisPointers: [2] },
        { procedureCode: '20610', modifiers: [], units: 1, chargeCents: 15_000, diagnosisPointers: [1] },
      ],
    });
    const coding = await b.denial(claim, { carc: '4', lineNumber: 1 });
    const bundled = await b.denial(claim, { carc: '97', lineNumber: 2 });
    const res = await t.gql(
      ReworkDenialDocument,
      { input: { id: coding.id, version: 1, corrections: { lines: [{ ...OFFICE_VISIT, modifiers: ['25'], diagnosisPointers: [2] }, { procedureCode: '20610', modifiers: ['RT'], units: 1, chargeCents: 15_000, diagnosisPointers: [1] }] } } },
      { role: Role.BILLER },
    );
    expect(res.data!.reworkDenial.outcome).toBe('DONE');
    const replacementId = res.data!.reworkDenial.replacementClaim!.id;
    const other = (await t.gql(DenialByIdDocument, { id: bundled.id }, { role: Role.BILLER })).data!.denial!;
    expect(other).toMatchObject({ status: 'RESUBMITTED', version: 2, replacementClaim: { id: replacementId } });
    expect(other.history.map((h) => [h.action, h.fromStatus, h.toStatus, h.relatedClaimId])).toEqual([['REWORKED_WITH_CLAIM', 'OPEN', 'RESUBMITTED', replacementId]]);
  });

  it('refuses to rework a denial that is already RESUBMITTED (INVALID_STATUS_TRANSITION)', async () => {
    const { claim } = await remittedClaim(b, { diagnoses: ['E119', 'I10'], lines: [OFFICE_VISIT] });
    const denial = await b.denial(claim, { carc: '16', rarcs: ['M76'] });
    const done = await t.gql(ReworkDenialDocument, { input: { id: denial.id, version: 1, corrections: { diagnoses: ['E1165', 'I10'] } } }, { role: Role.BILLER });
    expect(done.data!.reworkDenial.outcome).toBe('DONE');
    const again = await t.gql(ReworkDenialDocument, { input: { id: denial.id, version: 2, corrections: { diagnoses: ['E119', 'I10'] } } }, { role: Role.BILLER });
    expect(again.errors?.[0]?.extensions).toMatchObject({ code: 'INVALID_STATUS_TRANSITION', from: 'RESUBMITTED', to: 'RESUBMITTED', allowed: ['CLOSED', 'WRITTEN_OFF'] });
  });

  it('two billers reworking the same denial at once: one wins, the other gets CONFLICT, and only one replacement exists', async () => {
    for (let round = 0; round < 3; round++) {
      const { claim } = await remittedClaim(b, { diagnoses: ['E119', 'I10'], lines: [OFFICE_VISIT] });
      const denial = await b.denial(claim, { carc: '16', rarcs: ['M76'] });
      const results = await Promise.all(
        [
          ['alice', ['E1165', 'I10']],
          ['bob', ['E119', 'E785']],
        ].map(([sub, diagnoses]) =>
          t.gql(ReworkDenialDocument, { input: { id: denial.id, version: 1, corrections: { diagnoses: diagnoses as string[] } } }, { token: t.token(Role.BILLER, sub as string) }),
        ),
      );
      const won = results.filter((r) => !r.errors);
      const lost = results.filter((r) => r.errors);
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(1);
      expect(lost[0]!.errors![0]!.extensions).toMatchObject({ code: 'CONFLICT', entity: 'Denial', expectedVersion: 1, actualVersion: 2 });
      expect(won[0]!.data!.reworkDenial.outcome).toBe('DONE');
      const em = t.db.orm.em.fork();
      expect(await em.count(Claim, { originalClaim: claim.id })).toBe(1);
      expect(await em.count(DenialHistory, { denial: denial.id })).toBe(1);
      const original = (await t.gql(ClaimByIdDocument, { id: claim.id })).data!.claim!;
      expect(original.history.filter((h) => h.toStatus === 'REPLACED')).toHaveLength(1);
    }
  });

  it('two billers reworking two denials of the same claim at once: one replacement, the other biller gets CONFLICT (never a deadlock)', async () => {
    for (let round = 0; round < 3; round++) {
      const { claim } = await remittedClaim(b, {
        diagnoses: ['M1711', 'I10'],
        lines: [
          { ...OFFICE_VISIT, diagnosisPointers: [2] },
          { procedureCode: '20610', modifiers: [], units: 1, chargeCents: 15_000, diagnosisPointers: [1] },
        ],
      });
      const a = await b.denial(claim, { carc: '4', lineNumber: 1 });
      const c = await b.denial(claim, { carc: '97', lineNumber: 2 });
      const results = await Promise.all([
        t.gql(ReworkDenialDocument, { input: { id: a.id, version: 1, corrections: { lines: [{ ...OFFICE_VISIT, modifiers: ['25'], diagnosisPointers: [2] }, { procedureCode: '20610', modifiers: [], units: 1, chargeCents: 15_000, diagnosisPointers: [1] }] } } }, { token: t.token(Role.BILLER, 'alice') }),
        t.gql(ReworkDenialDocument, { input: { id: c.id, version: 1, corrections: { lines: [{ ...OFFICE_VISIT, diagnosisPointers: [2] }, { procedureCode: '20610', modifiers: ['RT'], units: 1, chargeCents: 15_000, diagnosisPointers: [1] }] } } }, { token: t.token(Role.BILLER, 'bob') }),
      ]);
      expect(results.filter((r) => !r.errors).map((r) => r.data!.reworkDenial.outcome)).toEqual(['DONE']);
      expect(results.filter((r) => r.errors).map((r) => r.errors![0]!.extensions!.code)).toEqual(['CONFLICT']);
      expect(await t.db.orm.em.fork().count(Claim, { originalClaim: claim.id })).toBe(1);
      const states = await Promise.all([a.id, c.id].map(async (id) => (await t.gql(DenialByIdDocument, { id }, { role: Role.BILLER })).data!.denial!));
      expect(states.map((d) => d.status)).toEqual(['RESUBMITTED', 'RESUBMITTED']);
      expect(new Set(states.map((d) => d.replacementClaim!.id)).size).toBe(1);
    }
  });

  it('is for billers: COMPLIANCE may read the denial but not rework it, VIEWER may not read it', async () => {
    const { claim } = await remittedClaim(b);
    const denial = await b.denial(claim, { carc: '16', rarcs: ['M76'] });
    const rework = await t.gql(ReworkDenialDocument, { input: { id: denial.id, version: 1, corrections: { diagnoses: ['E1165'] } } }, { role: Role.COMPLIANCE });
    expect(rework.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await t.gql(DenialByIdDocument, { id: denial.id }, { role: Role.COMPLIANCE })).data!.denial!.id).toBe(denial.id);
    const viewer = await t.gql(DenialByIdDocument, { id: denial.id }, { role: Role.VIEWER });
    expect(viewer.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await t.gql(DenialByIdDocument, { id: '00000000-0000-7000-8000-000000000000' }, { role: Role.BILLER })).data!.denial).toBeNull();
  });
});
