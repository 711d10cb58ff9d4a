import 'reflect-metadata';
import { Role } from '../../src/common/enums';
import { DenialsDeepDocument } from '../generated/graphql';
import { startTestServer, type TestServer } from '../support/server';
import { dataStatements, perTable, tableOf } from '../support/sql-log';
import { remittedClaim } from './support';

/**
 * No N+1 on the work queue: a page of denials with every nested edge (claim with its lines and
 * diagnoses, payer, denied line, replacement claim, history, recommendations and forbidden
 * actions with their explanations) costs the same number of SQL statements for 5 denials as for
 * 50. The rework advice gathers its facts for the whole page in one batch (rework-gather.ts).
 *
 * (Checked by making the advice loader per-denial — `advice(d)` calling computeAdvice([d])
 * directly: 57 vs 507 statements for 5 vs 50 denials, and the test fails.)
 */

describe('no N+1: the denial work queue with every nested edge', () => {
  let t: TestServer;

  beforeAll(async () => {
    t = await startTestServer({ countQueries: true });
    const b = t.builders();
    const payers = [await b.payer(), await b.payer(), await b.payer()];
    const line = (procedureCode: string, chargeCents: number, diagnosisPointers: number[]) => ({ procedureCode, modifiers: [], units: 1, chargeCents, diagnosisPointers });
    const carcs: [string, string[]][] = [
      ['16', ['M76']],
      ['97', []],
      ['50', ['N115']],
      ['29', ['N211']],
      ['197', []],
      ['27', []],
    ];
    for (let i = 0; i < 17; i++) {
      const { claim } = await remittedClaim(b, {
        payer: payers[i % 3],
        diagnoses: ['E119', 'I10', 'M1711'].slice(0, 2 + (i % 2)),
        lines: [line('99213', 12_500, [1, 2]), line('20610', 15_000, [1])],
      });
      for (let j = 0; j < 3; j++) {
        const [carc, rarcs] = carcs[(i + j) % carcs.length]!;
        await b.denial(claim, { carc, rarcs, lineNumber: j === 0 ? null : j, amountCents: 1_000 * (i + 1) + j });
      }
    }
    // A few reworked denials: replacement claims and history rows to resolve too.
    const { claim } = await remittedClaim(b, { payer: payers[0], diagnoses: ['E119', 'I10'], lines: [line('99213', 12_500, [1, 2])] });
    const d = await b.denial(claim, { carc: '16', rarcs: ['M76'], amountCents: 999_999 });
    const done = await b.services.denials.rework({ id: d.id, version: d.version, corrections: { diagnoses: ['E1165', 'I10'] } });
    expect(done.outcome).toBe('DONE');
  }, 180_000);
  afterAll(() => t.stop());

  async function measure(first: number) {
    t.db.queries.length = 0;
    const result = await t.gql(DenialsDeepDocument, { first, orderBy: 'AMOUNT' }, { role: Role.BILLER });
    const statements = dataStatements(t.db.queries);
    t.db.queries.length = 0;
    return { result, statements };
  }

  it('DenialsDeep costs the same number of statements for 5 denials as for 50', async () => {
    const small = await measure(5);
    const large = await measure(50);
    expect(small.result.errors).toBeUndefined();
    expect(large.result.errors).toBeUndefined();
    const smallNodes = small.result.data!.denials.edges.map((e) => e.node);
    const largeNodes = large.result.data!.denials.edges.map((e) => e.node);
    expect(smallNodes).toHaveLength(5);
    expect(largeNodes).toHaveLength(50);
    expect(largeNodes.slice(0, 5)).toEqual(smallNodes);
    // Every nested edge really resolved with data.
    expect(largeNodes[0]).toMatchObject({ amountCents: 999_999, status: 'RESUBMITTED', replacementClaim: { frequency: 'REPLACEMENT' }, history: [{ action: 'REWORKED' }] });
    for (const d of largeNodes) {
      expect(d.claim.lines.length).toBeGreaterThanOrEqual(1);
      expect(d.claim.diagnoses.length).toBeGreaterThanOrEqual(2);
      expect(d.payer.id).toEqual(expect.any(String));
      if (d.lineNumber !== null) expect(d.line!.lineNumber).toBe(d.lineNumber);
      expect(d.forbiddenActions.length + d.recommendations.length).toBeGreaterThan(0);
    }
    expect(largeNodes.filter((d) => d.recommendations.some((r) => r.explanation.length > 0)).length).toBeGreaterThan(30);

    console.log(`[n+1] DenialsDeep (${t.db.dialect}): ${small.statements.length} SQL statements for 5 denials, ${large.statements.length} for 50; tables: ${small.statements.map(tableOf).sort().join(', ')}`);
    expect(large.statements.length).toBe(small.statements.length);
    expect(perTable(large.statements)).toEqual(perTable(small.statements));
    expect(small.statements.every((s) => /^\s*select\b/i.test(s))).toBe(true);
    // Page + claim, payer, line, history, advice (claims, lines, diagnoses, payers, coverages) + claim lines, diagnoses.
    expect(small.statements.length).toBeLessThanOrEqual(13);
  });
});
