import { today } from '../../src/common/dates';
import { Role } from '../../src/common/enums';
import { ImportRemittanceDocument } from '../generated/graphql';
import { startTestServer, type TestServer } from '../support/server';
import { postingCounts, write835, type Remit835 } from './x12-835';

/**
 * The same payment posted twice at once (two files with the same TRN trace number, different
 * envelopes): one posts, the other is ALREADY_POSTED — by the pre-check when it runs after the
 * first commits, or by the unique index on (payer, trace number) when both are in flight.
 */
describe('concurrent postings of one payment', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(() => t.stop());

  it('posts it once', async () => {
    const day = today();
    const remit: Remit835 = {
      trace: 'RACE-0001',
      date: day,
      claims: Array.from({ length: 40 }, (_, i) => ({ pcn: `RACE-${i}`, status: '1', chargeCents: 10_000, paidCents: 8_000, services: [{ code: '99213', chargeCents: 10_000, paidCents: 8_000, cas: [['CO', '45', 2_000]] as [string, string, number][] }] })),
    };
    const before = await postingCounts(t);
    const results = await Promise.all(
      ['000000201', '000000202', '000000203'].map((icn) => t.gql(ImportRemittanceDocument, { x12: write835(remit, { interchange: icn }) }, { role: Role.BILLER })),
    );
    expect(results.map((r) => r.errors)).toEqual([undefined, undefined, undefined]);
    expect(results.map((r) => r.data!.importRemittance.status).sort()).toEqual(['ALREADY_POSTED', 'ALREADY_POSTED', 'POSTED']);
    const after = await postingCounts(t);
    expect(after.Remittance! - before.Remittance!).toBe(1);
    expect(after.ClaimPayment! - before.ClaimPayment!).toBe(40);
  });
});
