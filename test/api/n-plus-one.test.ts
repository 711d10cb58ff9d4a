import 'reflect-metadata';
import { Role } from '../../src/common/enums';
import { addDays, today } from '../../src/common/dates';
import { ClaimStatus } from '../../src/modules/claim/claim-status';
import { CoverageOrder } from '../../src/modules/coverage/coverage.entity';
import type { Coverage } from '../../src/modules/coverage/coverage.entity';
import type { Patient } from '../../src/modules/patient/patient.entity';
import type { Payer } from '../../src/modules/payer/payer.entity';
import type { Provider } from '../../src/modules/provider/provider.entity';
import type { ServiceLineInput } from '../../src/modules/coding/coding.inputs';
import { ClaimsDeepDocument, N1EncountersDeepDocument } from '../generated/graphql';
import { startTestServer, type TestServer } from '../support/server';
import { dataStatements, perTable, tableOf } from '../support/sql-log';
import { Claim } from '../../src/modules/claim/claim.entity';
import { ScrubTrigger } from '../../src/modules/scrub/scrub.entity';
import { ScrubService } from '../../src/modules/scrub/scrub.service';
import { systemContext } from '../../src/seed/builders';

/**
 * "No N+1": a page of claims (or encounters) with every nested edge selected costs the same
 * number of SQL statements for 5 rows as for 50. Each nested edge goes through a per-request
 * DataLoader, so the count depends on the depth of the query, never on the page size.
 *
 * If any nested field resolver loaded per parent row instead (em.find / collection.init per
 * claim), the 50-row page would issue ≥45 more statements on that table than the 5-row page,
 * and both the total and the per-table comparison below would fail. (Checked by swapping
 * claimLinesByClaimId/encounterLinesByEncounterId, then patientById, for per-row em.find /
 * em.findOne: 22 vs 112 and 18 vs 63 statements for ClaimsDeep.)
 *
 * The queries reach each loader along one path per depth (or hit its cache): a loader asked for
 * new keys from two different depths batches once or twice depending on which database reply
 * arrives first, which would make the count timing-dependent on PostgreSQL.
 */

const PROCEDURES: ServiceLineInput[] = [
  { procedureCode: '99213', modifiers: ['25'], units: 1, chargeCents: 12_500, diagnosisPointers: [1, 2] },
  { procedureCode: '36415', modifiers: [], units: 1, chargeCents: 1_500, diagnosisPointers: [1] },
  { procedureCode: '83036', modifiers: [], units: 1, chargeCents: 4_000, diagnosisPointers: [1, 3] },
  { procedureCode: '93000', modifiers: [], units: 1, chargeCents: 6_000, diagnosisPointers: [2] },
];
const DIAGNOSES = ['E119', 'I10', 'E785', 'J069'];
const STATUSES = [ClaimStatus.DRAFT, ClaimStatus.READY, ClaimStatus.SUBMITTED, ClaimStatus.ACCEPTED, ClaimStatus.DENIED];

describe('no N+1: nested reads go through per-request DataLoaders', () => {
  let t: TestServer;

  beforeAll(async () => {
    t = await startTestServer({ countQueries: true });
    const b = t.builders();
    const payers: Payer[] = [];
    for (let i = 0; i < 4; i++) payers.push(await b.payer());
    const providers: Provider[] = [];
    for (let i = 0; i < 4; i++) providers.push(await b.provider());
    // 12 patients; each has a primary coverage with one of three payers, and every other patient
    // also a secondary coverage with the fourth payer (never billed, so patient.coverages.payer
    // needs a payer the claims did not already load).
    const patients: { patient: Patient; primary: Coverage }[] = [];
    for (let i = 0; i < 12; i++) {
      const patient = await b.patient({ lastName: `Npone${String.fromCharCode(65 + i)}` });
      const primary = await b.coverage(patient, payers[i % 3]!);
      if (i % 2 === 0) await b.coverage(patient, payers[3]!, { order: CoverageOrder.SECONDARY });
      patients.push({ patient, primary });
    }
    for (let i = 0; i < 50; i++) {
      const { patient, primary } = patients[i % patients.length]!;
      const nDiagnoses = 3 + (i % 2);
      const nLines = 2 + (i % 3);
      await b.claim({
        patient,
        coverage: primary,
        provider: providers[i % 2]!,
        renderingProvider: providers[2 + (i % 2)]!,
        // Recent dates: the demo commercial plan's 90-day filing limit must not block READY.
        serviceDate: addDays(today(), -(i + 1)),
        diagnoses: DIAGNOSES.slice(0, nDiagnoses),
        lines: PROCEDURES.slice(0, nLines),
        status: STATUSES[i % STATUSES.length],
      });
    }
  }, 120_000);
  afterAll(() => t.stop());

  async function measure<T>(run: () => Promise<T>): Promise<{ result: T; statements: string[] }> {
    t.db.queries.length = 0;
    const result = await run();
    const statements = dataStatements(t.db.queries);
    t.db.queries.length = 0;
    return { result, statements };
  }

  it('ClaimsDeep costs the same number of statements for 5 claims as for 50', async () => {
    const small = await measure(() => t.gql(ClaimsDeepDocument, { first: 5 }, { role: Role.BILLER }));
    const large = await measure(() => t.gql(ClaimsDeepDocument, { first: 50 }, { role: Role.BILLER }));
    expect(small.result.errors).toBeUndefined();
    expect(large.result.errors).toBeUndefined();

    const smallNodes = small.result.data!.claims.edges.map((e) => e.node);
    const largeNodes = large.result.data!.claims.edges.map((e) => e.node);
    expect(smallNodes).toHaveLength(5);
    expect(largeNodes).toHaveLength(50);
    // The 5 are the first 5 of the 50 (same order, same nested data).
    expect(largeNodes.slice(0, 5)).toEqual(smallNodes);
    // Every nested edge was really resolved with data, for every claim.
    for (const c of largeNodes) {
      expect(c.lines.length).toBeGreaterThanOrEqual(2);
      expect(c.diagnoses.length).toBeGreaterThanOrEqual(3);
      expect(c.history.length).toBeGreaterThanOrEqual(1);
      expect(c.history[0]!.action).toBe('CREATED');
      expect(c.patient.coverages.length).toBeGreaterThanOrEqual(1);
      expect(c.encounter!.lines).toHaveLength(c.lines.length);
      expect(c.encounter!.diagnoses).toHaveLength(c.diagnoses.length);
      expect(c.encounter!.claims).toEqual([{ id: c.id }]);
      expect(c.coverage.payer.id).toBe(c.payer.id);
      expect(c.billingProvider.id).not.toBe(c.renderingProvider!.id);
    }
    expect(new Set(largeNodes.map((c) => c.patient.id)).size).toBe(12);
    expect(new Set(largeNodes.map((c) => c.payer.id)).size).toBe(3);
    expect(new Set(largeNodes.map((c) => c.status)).size).toBe(STATUSES.length);

    console.log(
      `[n+1] ClaimsDeep (${t.db.dialect}): ${small.statements.length} SQL statements for 5 claims, ` +
        `${large.statements.length} for 50; tables: ${small.statements.map(tableOf).sort().join(', ')}`,
    );
    expect(large.statements.length).toBe(small.statements.length);
    expect(perTable(large.statements)).toEqual(perTable(small.statements));
    // One statement for the page plus one per loader batch: 8 loaders at depth 2 (patient, payer,
    // coverage, providers, encounter, claim diagnoses/lines/history), 4 at depth 3 (patient
    // coverages, encounter diagnoses/lines/claims), and payer again at depth 4 for the secondary
    // coverages' payer that no claim references. 14 on both databases when this was written.
    // Plus one INSERT: the READ_PHI audit row of the patients read (src/modules/audit), once per request.
    const reads = small.statements.filter((s) => !/^\s*insert into .audit_event./i.test(s));
    expect(small.statements.length - reads.length).toBe(1);
    expect(reads.length).toBeLessThanOrEqual(15);
    expect(reads.every((s) => /^\s*select\b/i.test(s))).toBe(true);
  });

  it('Encounters with nested lines/diagnoses/providers/patient/claims cost the same for 5 as for 50', async () => {
    const small = await measure(() => t.gql(N1EncountersDeepDocument, { first: 5 }, { role: Role.BILLER }));
    const large = await measure(() => t.gql(N1EncountersDeepDocument, { first: 50 }, { role: Role.BILLER }));
    expect(small.result.errors).toBeUndefined();
    expect(large.result.errors).toBeUndefined();

    const smallNodes = small.result.data!.encounters.edges.map((e) => e.node);
    const largeNodes = large.result.data!.encounters.edges.map((e) => e.node);
    expect(smallNodes).toHaveLength(5);
    expect(largeNodes).toHaveLength(50);
    expect(largeNodes.slice(0, 5)).toEqual(smallNodes);
    for (const e of largeNodes) {
      expect(e.status).toBe('BILLED');
      expect(e.lines.length).toBeGreaterThanOrEqual(2);
      expect(e.diagnoses.length).toBeGreaterThanOrEqual(3);
      expect(e.claims).toHaveLength(1);
      expect(e.claims[0]!.lines).toHaveLength(e.lines.length);
      expect(e.patient.coverages.length).toBeGreaterThanOrEqual(1);
    }
    expect(new Set(largeNodes.map((e) => e.billingProvider.id)).size).toBe(2);
    expect(new Set(largeNodes.map((e) => e.renderingProvider.id)).size).toBe(2);

    console.log(
      `[n+1] N1EncountersDeep (${t.db.dialect}): ${small.statements.length} SQL statements for 5 encounters, ` +
        `${large.statements.length} for 50; tables: ${small.statements.map(tableOf).sort().join(', ')}`,
    );
    expect(large.statements.length).toBe(small.statements.length);
    expect(perTable(large.statements)).toEqual(perTable(small.statements));
    // Page + patient, providers, diagnoses, lines, claims (depth 2) + coverages, claim coverage,
    // claim lines, claim history (depth 3) + payer (depth 4): 11 when this was written.
    expect(small.statements.length).toBeLessThanOrEqual(12);
  });

  it('counts the statements it should: a per-row query pattern would show up', async () => {
    // Guard for the measurement itself: the log hook sees every statement, one per query.
    const r = await measure(() => t.gql(ClaimsDeepDocument, { first: 1 }, { role: Role.BILLER }));
    expect(r.result.errors).toBeUndefined();
    expect(r.statements.length).toBeGreaterThan(5);
    expect(perTable(r.statements)).toMatchObject({ claim: expect.any(Number), claim_line: 1, claim_diagnosis: 1, claim_history: 1 });
  });

  it('scrubbing a batch gathers facts per batch: 50 claims cost the same SELECTs as 5', async () => {
    const ids = (await t.db.orm.em.fork().find(Claim, {}, { orderBy: { id: 'asc' }, limit: 50, fields: ['id'] })).map((c) => c.id);
    expect(ids).toHaveLength(50);
    const scrub = async (n: number) => {
      const em = t.db.orm.em.fork();
      const claims = await em.find(Claim, { id: { $in: ids.slice(0, n) } });
      const { result, statements } = await measure(() => new ScrubService(systemContext(em, undefined, t.server.rules)).scrubClaims(claims, ScrubTrigger.MANUAL));
      return { outcomes: result, selects: statements.filter((sql) => /^\s*(select|with)\b/i.test(sql)) };
    };
    const small = await scrub(5);
    const large = await scrub(50);
    expect(small.outcomes).toHaveLength(5);
    expect(large.outcomes).toHaveLength(50);
    expect(large.outcomes.every((o) => o.scrub.ruleSetKey === 'demo-commercial')).toBe(true);
    // Per-claim (or per-rule, per-line) lookups would add ≥ 45 statements here.
    expect(large.selects.length).toBe(small.selects.length);
    expect(perTable(large.selects)).toEqual(perTable(small.selects));
  });
});
