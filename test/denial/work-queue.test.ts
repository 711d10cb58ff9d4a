import 'reflect-metadata';
import { addDays, today } from '../../src/common/dates';
import { Role } from '../../src/common/enums';
import type { Denial } from '../../src/modules/denial/denial.entity';
import { DenialStatus } from '../../src/modules/denial/denial.entity';
import type { Payer } from '../../src/modules/payer/payer.entity';
import { DenialQueueDocument, type DenialOrder, type DenialQueueQuery, type DenialQueueQueryVariables } from '../generated/graphql';
import { startTestServer, type GqlResult, type TestServer } from '../support/server';
import { remittedClaim } from './support';

/**
 * The billers' work queue: `denials(filter, orderBy, first, after)`. Each order pages with a
 * keyset cursor on (sort key, id): walking every page gives every row exactly once in order,
 * and rows added between pages never make a page repeat or skip a row.
 */
describe('denials work queue', () => {
  let t: TestServer;
  let payerA: Payer;
  let payerB: Payer;
  const made: Denial[] = [];

  beforeAll(async () => {
    t = await startTestServer();
    const b = t.builders();
    payerA = await b.payer({ name: 'Queue Payer A' });
    payerB = await b.payer({ name: 'Queue Payer B' });
    const { claim: c1 } = await remittedClaim(b, { payer: payerA });
    const { claim: c2 } = await remittedClaim(b, { payer: payerA });
    const { claim: c3 } = await remittedClaim(b, { payer: payerB });
    // 14 denials: repeated amounts, dates and deadlines (ties go by id), five without a deadline.
    const specs: { claim: typeof c1; carc: string; rarcs?: string[]; amountCents: number; age: number; deadline: number | null; status?: DenialStatus }[] = [
      { claim: c1, carc: '16', rarcs: ['M76'], amountCents: 5_000, age: 10, deadline: 170 },
      { claim: c1, carc: '97', amountCents: 12_500, age: 40, deadline: 140 },
      { claim: c1, carc: '50', amountCents: 12_500, age: 40, deadline: null },
      { claim: c1, carc: '29', rarcs: ['N211'], amountCents: 800, age: 5, deadline: 175 },
      { claim: c2, carc: '197', amountCents: 98_000, age: 61, deadline: 119 },
      { claim: c2, carc: '27', amountCents: 12_500, age: 61, deadline: null, status: DenialStatus.IN_REWORK },
      { claim: c2, carc: '18', amountCents: 3_000, age: 2, deadline: 178 },
      { claim: c2, carc: '4', amountCents: 7_000, age: 90, deadline: 90, status: DenialStatus.CLOSED },
      { claim: c3, carc: '236', amountCents: 7_000, age: 90, deadline: 90 },
      { claim: c3, carc: '11', amountCents: 45_000, age: 20, deadline: null },
      { claim: c3, carc: '109', amountCents: 45_000, age: 20, deadline: 160 },
      { claim: c3, carc: '16', rarcs: ['M77'], amountCents: 1_000, age: 0, deadline: null, status: DenialStatus.WRITTEN_OFF },
      { claim: c3, carc: '15', amountCents: 20_000, age: 150, deadline: 30 },
      { claim: c3, carc: '22', amountCents: 2_500, age: 31, deadline: null },
    ];
    for (const s of specs) {
      made.push(
        await b.denial(s.claim, {
          carc: s.carc,
          rarcs: s.rarcs,
          amountCents: s.amountCents,
          deniedOn: addDays(today(), -s.age),
          appealDeadline: s.deadline === null ? null : addDays(today(), s.deadline),
          status: s.status,
        }),
      );
    }
  }, 120_000);
  afterAll(() => t.stop());

  async function walk(orderBy: DenialOrder, first: number, filter?: DenialQueueQueryVariables['filter']) {
    const ids: string[] = [];
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const res: GqlResult<DenialQueueQuery> = await t.gql(DenialQueueDocument, { first, after, orderBy, filter }, { role: Role.BILLER });
      expect(res.errors).toBeUndefined();
      const conn = res.data!.denials;
      expect(conn.pageInfo.hasPreviousPage).toBe(after !== null);
      ids.push(...conn.edges.map((e) => e.node.id));
      pages++;
      if (!conn.pageInfo.hasNextPage) break;
      after = conn.pageInfo.endCursor;
    }
    return { ids, pages };
  }

  const byId = (a: Denial, b: Denial) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

  it('orders by AMOUNT (largest first, ties by id) across pages, each row once', async () => {
    const expected = [...made].sort((a, b) => b.amountCents - a.amountCents || -byId(a, b)).map((d) => d.id);
    const { ids, pages } = await walk('AMOUNT', 4);
    expect(pages).toBe(4);
    expect(ids).toEqual(expected);
  });

  it('orders by AGE (oldest first, ties by id) and by default', async () => {
    const expected = [...made].sort((a, b) => (a.deniedOn < b.deniedOn ? -1 : a.deniedOn > b.deniedOn ? 1 : byId(a, b))).map((d) => d.id);
    expect((await walk('AGE', 3)).ids).toEqual(expected);
    const res = await t.gql(DenialQueueDocument, { first: 100 }, { role: Role.COMPLIANCE });
    expect(res.data!.denials.edges.map((e) => e.node.id)).toEqual(expected);
  });

  it('orders by DEADLINE (nearest first, unknown deadlines last, ties by id), also when a page ends among the unknown', async () => {
    const key = (d: Denial) => d.appealDeadline ?? '9999-12-31';
    const expected = [...made].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : byId(a, b))).map((d) => d.id);
    for (const first of [1, 2, 5, 11]) expect((await walk('DEADLINE', first)).ids).toEqual(expected);
  });

  it('neither repeats nor skips a row when denials arrive between pages', async () => {
    const first = await t.gql(DenialQueueDocument, { first: 5, orderBy: 'AMOUNT' }, { role: Role.BILLER });
    const seen = first.data!.denials.edges.map((e) => e.node.id);
    // A new denial larger than everything (it sorts before the cursor) and one in the middle.
    const b = t.builders();
    const { claim } = await remittedClaim(b, { payer: payerB });
    const huge = await b.denial(claim, { carc: '50', amountCents: 500_000 });
    const middle = await b.denial(claim, { carc: '50', amountCents: 6_000 });
    let after = first.data!.denials.pageInfo.endCursor;
    for (;;) {
      const res = await t.gql(DenialQueueDocument, { first: 5, after, orderBy: 'AMOUNT' }, { role: Role.BILLER });
      seen.push(...res.data!.denials.edges.map((e) => e.node.id));
      if (!res.data!.denials.pageInfo.hasNextPage) break;
      after = res.data!.denials.pageInfo.endCursor;
    }
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.filter((id) => made.some((d) => d.id === id))).toHaveLength(made.length);
    expect(seen).toContain(middle.id);
    expect(seen).not.toContain(huge.id);
    made.push(huge, middle);
  });

  it('filters by status, scenario, reason class, payer, claim, age and amount, and counts the matches', async () => {
    const count = async (filter: DenialQueueQueryVariables['filter']) => {
      const res = await t.gql(DenialQueueDocument, { first: 100, filter }, { role: Role.BILLER });
      expect(res.errors).toBeUndefined();
      const ids = res.data!.denials.edges.map((e) => e.node.id).sort();
      expect(res.data!.denials.totalCount).toBe(ids.length);
      return ids;
    };
    const ids = (pred: (d: Denial) => boolean) => made.filter(pred).map((d) => d.id).sort();
    expect(await count({ status: ['OPEN'] })).toEqual(ids((d) => d.status === DenialStatus.OPEN));
    expect(await count({ status: ['IN_REWORK', 'CLOSED'] })).toEqual(ids((d) => d.status === DenialStatus.IN_REWORK || d.status === DenialStatus.CLOSED));
    expect(await count({ scenario: ['NOT_SEPARATELY_PAYABLE'] })).toEqual(ids((d) => ['97', '236'].includes(d.carc)));
    expect(await count({ reasonClass: ['AUTHORIZATION', 'ELIGIBILITY'] })).toEqual(ids((d) => ['197', '15', '27', '109', '22'].includes(d.carc)));
    expect(await count({ payerId: payerA.id })).toEqual(ids((d) => d.payer.id === payerA.id));
    expect(await count({ claimId: made[0]!.claim.id })).toEqual(ids((d) => d.claim.id === made[0]!.claim.id));
    expect(await count({ olderThanDays: 40 })).toEqual(ids((d) => d.deniedOn < addDays(today(), -40)));
    expect(await count({ minAmountCents: 12_500 })).toEqual(ids((d) => d.amountCents >= 12_500));
    expect(await count({ status: ['OPEN'], payerId: payerB.id, minAmountCents: 7_000, olderThanDays: 10 })).toEqual(
      ids((d) => d.status === DenialStatus.OPEN && d.payer.id === payerB.id && d.amountCents >= 7_000 && d.deniedOn < addDays(today(), -10)),
    );
    // The filters really narrow something.
    expect(ids((d) => d.status === DenialStatus.OPEN).length).toBeLessThan(made.length);
  });

  it('refuses a cursor of another order, a made-up cursor and bad filters with BAD_USER_INPUT', async () => {
    const page = await t.gql(DenialQueueDocument, { first: 2, orderBy: 'AMOUNT' }, { role: Role.BILLER });
    const cursor = page.data!.denials.pageInfo.endCursor!;
    const other = await t.gql(DenialQueueDocument, { first: 2, orderBy: 'AGE', after: cursor }, { role: Role.BILLER });
    expect(other.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', issues: [{ path: 'after', reason: 'INVALID_CURSOR' }] });
    const madeUp = await t.gql(DenialQueueDocument, { first: 2, after: Buffer.from('d1:["AGE","2026-01-01","x"]').toString('base64url') }, { role: Role.BILLER });
    expect(madeUp.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', issues: [{ path: 'after', reason: 'INVALID_CURSOR' }] });
    const bad = await t.gql(DenialQueueDocument, { first: 2, filter: { payerId: 'nope', olderThanDays: -1, minAmountCents: -5 } }, { role: Role.BILLER });
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const big = await t.gql(DenialQueueDocument, { first: 101 }, { role: Role.BILLER });
    expect(big.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', issues: [{ path: 'first', reason: 'OUT_OF_RANGE' }] });
  });

  it('is read by BILLER, COMPLIANCE and ADMIN only', async () => {
    for (const role of [Role.BILLER, Role.COMPLIANCE, Role.ADMIN]) expect((await t.gql(DenialQueueDocument, { first: 1 }, { role })).errors).toBeUndefined();
    for (const role of [Role.VIEWER, Role.CODER]) expect((await t.gql(DenialQueueDocument, { first: 1 }, { role })).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await t.gql(DenialQueueDocument, { first: 1 }, { token: null })).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});
