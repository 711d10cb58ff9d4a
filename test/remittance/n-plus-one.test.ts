import { addDays, today } from '../../src/common/dates';
import { Role } from '../../src/common/enums';
import { ClaimStatus } from '../../src/modules/claim/claim-status';
import type { Claim } from '../../src/modules/claim/claim.entity';
import { ClaimsWithPaymentsDocument, ImportRemittanceDocument, RemittanceDocument } from '../generated/graphql';
import { startTestServer, type TestServer } from '../support/server';
import { dataStatements } from '../support/sql-log';
import { write835, type Clp835 } from './x12-835';

/**
 * No N+1 on the remittance graph: a remittance with every nested edge (claim payments, services,
 * adjustments, claim lines, denials, claims) and a page of claims with their payments cost the
 * same number of SQL statements for few rows as for many (per-request DataLoaders).
 */

describe('remittance queries without N+1', () => {
  let t: TestServer;
  const day = today();
  const serviceDate = addDays(day, -7);
  const claims: Claim[] = [];

  const statements = async (run: () => Promise<unknown>) => {
    t.db.queries.length = 0;
    await run();
    return dataStatements(t.db.queries).length;
  };

  const clp = (pcn: string, lcn?: string): Clp835 => ({
    pcn,
    status: '1',
    chargeCents: 15_000,
    paidCents: 10_000,
    payerClaimNumber: `ICN-${pcn}`,
    services: [
      { code: '99213', chargeCents: 12_500, paidCents: 10_000, date: serviceDate, lineControlNumber: lcn, cas: [['CO', '45', 2_500]] },
      { code: '36415', chargeCents: 2_500, paidCents: 0, date: serviceDate, cas: [['CO', '97', 2_500]], remarks: ['M15'] },
    ],
  });

  beforeAll(async () => {
    t = await startTestServer({ countQueries: true });
    const b = t.builders();
    const payer = await b.payer();
    const provider = await b.provider();
    for (let i = 0; i < 6; i++) {
      const patient = await b.patient();
      const coverage = await b.coverage(patient, payer);
      const claim = await b.claim({ patient, provider, coverage, serviceDate, status: ClaimStatus.READY, lines: [{ procedureCode: '99213', modifiers: [], units: 1, chargeCents: 12_500, diagnosisPointers: [1] }, { procedureCode: '36415', modifiers: [], units: 1, chargeCents: 2_500, diagnosisPointers: [1] }] });
      await claim.lines.init();
      claims.push(claim);
    }
    expect((await b.services.claims.submitClaims(claims.map((c) => c.id))).refused).toEqual([]);
    const x12 = write835({ trace: 'N1-EFT', date: day, claims: claims.map((c) => clp(c.patientControlNumber, c.lines.getItems().find((l) => l.lineNumber === 1)!.lineControlNumber)) });
    expect((await t.gql(ImportRemittanceDocument, { x12 }, { role: Role.BILLER })).data!.importRemittance.status).toBe('POSTED');
  });
  afterAll(() => t.stop());

  it('a remittance with 3 or 30 claim payments, every nested edge selected', async () => {
    const ids: string[] = [];
    for (const n of [3, 30]) {
      const x12 = write835({ trace: `N1-${n}`, date: day, claims: Array.from({ length: n }, (_, i) => clp(`UNMATCHED-${n}-${i}`)) }, { interchange: String(100 + n) });
      const res = await t.gql(ImportRemittanceDocument, { x12 }, { role: Role.BILLER });
      ids.push(res.data!.importRemittance.remittances[0]!.id);
    }
    const counts: number[] = [];
    for (const id of ids) {
      counts.push(
        await statements(async () => {
          const res = await t.gql(RemittanceDocument, { id });
          expect(res.errors).toBeUndefined();
        }),
      );
    }
    expect(counts[0]).toBeGreaterThan(3);
    expect(counts[1]).toBe(counts[0]);
  });

  it('Claim.payments for a page of 2 or 6 claims, with their denials and remittances', async () => {
    const small = await statements(async () => {
      const res = await t.gql(ClaimsWithPaymentsDocument, { first: 2, status: [ClaimStatus.PARTIALLY_PAID] });
      expect(res.data!.claims.edges).toHaveLength(2);
    });
    const large = await statements(async () => {
      const res = await t.gql(ClaimsWithPaymentsDocument, { first: 6, status: [ClaimStatus.PARTIALLY_PAID] });
      const nodes = res.data!.claims.edges.map((e) => e.node);
      expect(nodes).toHaveLength(6);
      expect(nodes.every((c) => c.payments.length === 1 && c.payments[0]!.denials!.length === 1 && c.payments[0]!.services.length === 2)).toBe(true);
    });
    expect(large).toBe(small);
  });
});
