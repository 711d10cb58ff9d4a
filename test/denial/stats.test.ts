import 'reflect-metadata';
import { addDays, today } from '../../src/common/dates';
import { Role } from '../../src/common/enums';
import { ClaimStatus } from '../../src/modules/claim/claim-status';
import type { Payer } from '../../src/modules/payer/payer.entity';
import { DenialStatsDocument } from '../generated/graphql';
import { startTestServer, type TestServer } from '../support/server';
import { remittedClaim } from './support';

/**
 * denialStats(from, to): denial rate by amount and by claims, amounts by payer, CARC and reason
 * class, and the denials no payer rule predicted. Here no 835 was posted, so the denominator is
 * the claims that reached PAID / PARTIALLY_PAID / DENIED in the window (source CLAIM_STATUS);
 * test/denial/loop.test.ts covers the REMITTANCES source with posted 835s.
 */
describe('denialStats', () => {
  let t: TestServer;
  let payerA: Payer;
  let payerB: Payer;
  const day = today();

  beforeAll(async () => {
    t = await startTestServer();
    const b = t.builders();
    payerA = await b.payer({ name: 'Stats Payer A' });
    payerB = await b.payer({ name: 'Stats Payer B' });
    const line = (procedureCode: string, chargeCents: number) => ({ procedureCode, modifiers: [], units: 1, chargeCents, diagnosisPointers: [1] });
    // Payer A: a denied claim, a paid one, a partially paid one with a line denial.
    const { claim: c1 } = await remittedClaim(b, { payer: payerA, diagnoses: ['I10'], lines: [line('99213', 12_500)] });
    await remittedClaim(b, { payer: payerA, diagnoses: ['I10'], lines: [line('99212', 10_000)], status: ClaimStatus.PAID });
    const { claim: c3 } = await remittedClaim(b, { payer: payerA, diagnoses: ['I10'], lines: [line('99213', 12_500), line('93000', 6_000)], status: ClaimStatus.PARTIALLY_PAID });
    // Payer B: a denied claim with two CO-50 line denials, and an older denial outside the window.
    const { claim: c4 } = await remittedClaim(b, { payer: payerB, diagnoses: ['I10'], lines: [line('99213', 5_000), line('93000', 3_000)] });
    // Not remitted: billed but never answered; not in the denominator.
    await remittedClaim(b, { payer: payerB, diagnoses: ['I10'], lines: [line('99213', 99_000)], status: ClaimStatus.SUBMITTED });

    await b.denial(c1, { carc: '16', rarcs: ['M76'], amountCents: 12_500 });
    await b.denial(c3, { carc: '97', lineNumber: 2, amountCents: 6_000, predictedByRuleId: 'DCH-PTP-001' });
    await b.denial(c4, { carc: '50', lineNumber: 1, amountCents: 5_000, predictedByRuleId: 'DCH-MN-001' });
    await b.denial(c4, { carc: '50', lineNumber: 2, amountCents: 3_000 });
    await b.denial(c4, { carc: '18', lineNumber: 1, amountCents: 2_000, deniedOn: addDays(day, -10) });
  }, 120_000);
  afterAll(() => t.stop());

  it('gives the denial rate by amount and by claims over the claims remitted in the window', async () => {
    const res = await t.gql(DenialStatsDocument, { from: addDays(day, -1), to: day }, { role: Role.COMPLIANCE });
    expect(res.errors).toBeUndefined();
    const s = res.data!.denialStats;
    expect(s).toMatchObject({
      from: addDays(day, -1),
      to: day,
      source: 'CLAIM_STATUS',
      remittedClaimCount: 4,
      billedAmountCents: 12_500 + 10_000 + 18_500 + 8_000,
      denialCount: 4,
      deniedClaimCount: 3,
      deniedAmountCents: 12_500 + 6_000 + 5_000 + 3_000,
    });
    expect(s.amountRate).toBeCloseTo(26_500 / 49_000, 10);
    expect(s.claimRate).toBeCloseTo(3 / 4, 10);
  });

  it('breaks the denied amounts down by payer, by group code and CARC, and by reason class', async () => {
    const s = (await t.gql(DenialStatsDocument, { from: day, to: day }, { role: Role.BILLER })).data!.denialStats;
    expect(s.byPayer.map((p) => ({ ...p, amountRate: Number(p.amountRate!.toFixed(6)), claimRate: Number(p.claimRate!.toFixed(6)) }))).toEqual([
      { payerId: payerA.id, payer: { id: payerA.id, name: 'Stats Payer A' }, remittedClaimCount: 3, billedAmountCents: 41_000, denialCount: 2, deniedClaimCount: 2, deniedAmountCents: 18_500, amountRate: Number((18_500 / 41_000).toFixed(6)), claimRate: Number((2 / 3).toFixed(6)) },
      { payerId: payerB.id, payer: { id: payerB.id, name: 'Stats Payer B' }, remittedClaimCount: 1, billedAmountCents: 8_000, denialCount: 2, deniedClaimCount: 1, deniedAmountCents: 8_000, amountRate: 1, claimRate: 1 },
    ]);
    expect(s.byCarc).toEqual([
      { groupCode: 'CO', carc: '16', count: 1, amountCents: 12_500 },
      { groupCode: 'CO', carc: '50', count: 2, amountCents: 8_000 },
      { groupCode: 'CO', carc: '97', count: 1, amountCents: 6_000 },
    ]);
    expect(s.byReasonClass).toEqual([
      { reasonClass: 'CODING', count: 1, amountCents: 12_500 },
      { reasonClass: 'MEDICAL_NECESSITY', count: 2, amountCents: 8_000 },
      { reasonClass: 'BUNDLING', count: 1, amountCents: 6_000 },
    ]);
  });

  it('lists the denials no pre-submission rule predicted, by CARC: the rules compliance is missing', async () => {
    const s = (await t.gql(DenialStatsDocument, { from: day, to: day }, { role: Role.COMPLIANCE })).data!.denialStats;
    expect(s.unpredictedCount).toBe(2);
    expect(s.unpredictedAmountCents).toBe(15_500);
    expect(s.unpredictedByCarc).toEqual([
      { groupCode: 'CO', carc: '16', count: 1, amountCents: 12_500 },
      { groupCode: 'CO', carc: '50', count: 1, amountCents: 3_000 },
    ]);
  });

  it('counts only denials dated in the window; with nothing remitted the rates are null', async () => {
    const old = addDays(day, -10);
    const s = (await t.gql(DenialStatsDocument, { from: old, to: old }, { role: Role.ADMIN })).data!.denialStats;
    expect(s).toMatchObject({ remittedClaimCount: 0, billedAmountCents: 0, denialCount: 1, deniedAmountCents: 2_000, amountRate: null, claimRate: null, unpredictedByCarc: [{ groupCode: 'CO', carc: '18', count: 1, amountCents: 2_000 }] });
    const empty = (await t.gql(DenialStatsDocument, { from: '2020-01-01', to: '2020-12-31' }, { role: Role.ADMIN })).data!.denialStats;
    expect(empty).toMatchObject({ denialCount: 0, deniedAmountCents: 0, byPayer: [], byCarc: [], byReasonClass: [], unpredictedByCarc: [] });
  });

  it('refuses a window that ends before it starts, and is not for VIEWER or CODER', async () => {
    const res = await t.gql(DenialStatsDocument, { from: day, to: addDays(day, -1) }, { role: Role.BILLER });
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', issues: [{ path: 'to', reason: 'BEFORE_START' }] });
    for (const role of [Role.VIEWER, Role.CODER]) expect((await t.gql(DenialStatsDocument, { from: day, to: day }, { role })).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});
