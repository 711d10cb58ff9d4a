import { ClaimImportService } from '../../src/modules/submission/import.service';
import { RemittanceImportStatus, RemittanceService } from '../../src/modules/remittance/remittance.service';
import { systemContext } from '../../src/seed/builders';
import { startTestServer, type TestServer } from '../support/server';
import { fuzzSeed, rng } from './prng';
import { mutateBytes, mutateX12, samples, X12_MARKER } from './x12-mutate';

/**
 * The 837P import and the 835 posting, against a real database, on malformed variants of the
 * real 5010 samples. A refused file comes back as data (segment position + reason) and writes
 * nothing; a variant that still reads is stored consistently (its outcome counts add up and match
 * the rows written). No other throw.
 */
const CASES_PER_SERVICE = 150;

type Counts = Record<string, number>;
const delta = (before: Counts, after: Counts) => Object.fromEntries(Object.keys(after).flatMap((k) => (after[k] !== before[k] ? [[k, after[k]! - (before[k] ?? 0)]] : [])));

interface Failure {
  case: number;
  file: string;
  what: string[];
  error: string;
}

describe('X12 import and posting services under fuzzing', () => {
  const seed = fuzzSeed('x12-services', 20261123);
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(() => t.stop());

  const ctx = () => systemContext(t.db.orm.em.fork(), undefined, t.server.rules);
  const describeThrow = (err: unknown) => `threw ${(err as Error)?.name}: ${String((err as Error)?.message).slice(0, 300)}`;

  it(`837P import: ${CASES_PER_SERVICE} malformed files are refused with nothing written, or imported with counts that add up`, async () => {
    const r = rng(seed);
    const files = samples('837p/5010');
    const failures: Failure[] = [];
    const tally = { refused: 0, imported: 0, claims: 0 };
    for (let i = 0; i < CASES_PER_SERVICE; i++) {
      const sample = r.pick(files);
      const m = r.chance(0.15) ? mutateBytes(r, sample.text) : mutateX12(r, sample.text);
      const input = 'bytes' in m ? new Uint8Array(m.bytes) : m.text;
      const fail = (error: string) => failures.push({ case: i, file: sample.name, what: m.what, error });
      const before = await t.rowCounts();
      try {
        const out = await new ClaimImportService(ctx()).importX12(input);
        const changed = delta(before, await t.rowCounts());
        if (out.status === 'REFUSED') {
          tally.refused++;
          if (!out.problem || typeof out.problem.reason !== 'string' || !out.problem.reason) fail('refused without a reason');
          else if (!(out.problem.position === null || out.problem.position > 0)) fail('refused without a usable position');
          if (Object.keys(changed).length) fail(`refused but wrote ${JSON.stringify(changed)}`);
          if (JSON.stringify(out.problem).includes(X12_MARKER)) fail('refusal repeats file content');
          continue;
        }
        tally.imported++;
        tally.claims += out.claimsRead;
        if (out.imported + out.alreadyImported + out.notImported !== out.claimsRead || out.claims.length !== out.claimsRead) fail('outcome counts do not add up');
        if ((changed.Claim ?? 0) !== out.imported) fail(`${out.imported} claims imported, ${changed.Claim ?? 0} claim rows written`);
        for (const [entity, n] of [['Patient', out.created.patients], ['Provider', out.created.providers], ['Payer', out.created.payers], ['Coverage', out.created.coverages]] as const) {
          if ((changed[entity] ?? 0) !== n) fail(`${n} ${entity} created, ${changed[entity] ?? 0} rows written`);
        }
        for (const c of out.claims) {
          if (c.status === 'NOT_IMPORTED' && (c.claim !== null || c.problems.length === 0)) fail('NOT_IMPORTED claim without its problems');
          if (c.status !== 'NOT_IMPORTED' && !c.claim) fail(`${c.status} claim without the claim`);
        }
        const texts = JSON.stringify({ w: out.warnings, p: out.claims.map((c) => [c.problems, c.notes]) });
        if (texts.includes(X12_MARKER)) fail('problems, notes or warnings repeat file content');
      } catch (err) {
        fail(describeThrow(err));
        if (JSON.stringify(delta(before, await t.rowCounts())) !== '{}') fail('a throw left rows behind');
      }
    }
    process.stdout.write(`[fuzz] x12-services 837P: ${JSON.stringify(tally)}\n`);
    expect(failures.slice(0, 10)).toEqual([]);
    expect(tally.refused).toBeGreaterThan(CASES_PER_SERVICE / 3);
    expect(tally.imported).toBeGreaterThan(0);
  });

  it(`835 posting: ${CASES_PER_SERVICE} malformed files are refused with nothing written, or posted with counts that add up`, async () => {
    const r = rng(seed + 1);
    const files = samples('835/5010');
    const failures: Failure[] = [];
    const tally = { refused: 0, posted: 0, alreadyPosted: 0 };
    for (let i = 0; i < CASES_PER_SERVICE; i++) {
      const sample = r.pick(files);
      const m = r.chance(0.15) ? mutateBytes(r, sample.text) : mutateX12(r, sample.text);
      const input = 'bytes' in m ? m.bytes : m.text;
      const fail = (error: string) => failures.push({ case: i, file: sample.name, what: m.what, error });
      const before = await t.rowCounts();
      try {
        // Half of them accept an unbalanced payment, so the posting itself runs more often.
        const out = await new RemittanceService(ctx()).post(input, { acceptUnbalanced: r.chance(0.5) });
        const changed = delta(before, await t.rowCounts());
        if (JSON.stringify({ p: out.problems, w: out.warnings, m: out.message }).includes(X12_MARKER)) fail('problems or warnings repeat file content');
        if (out.status === RemittanceImportStatus.POSTED) {
          tally.posted++;
          if ((changed.Remittance ?? 0) !== out.remittances.length) fail(`${out.remittances.length} remittances posted, ${changed.Remittance ?? 0} rows written`);
          if ((changed.ClaimPayment ?? 0) !== out.claimPaymentIds.length) fail(`${out.claimPaymentIds.length} claim payments posted, ${changed.ClaimPayment ?? 0} rows written`);
          if ((changed.Denial ?? 0) !== out.denials.length) fail(`${out.denials.length} denials, ${changed.Denial ?? 0} rows written`);
          if (!out.unmatchedClaimPaymentIds.every((id) => out.claimPaymentIds.includes(id))) fail('unmatched payments that were not posted');
          continue;
        }
        if (Object.keys(changed).length) fail(`${out.status} but wrote ${JSON.stringify(changed)}`);
        if (out.status === RemittanceImportStatus.ALREADY_POSTED) {
          tally.alreadyPosted++;
          continue;
        }
        tally.refused++;
        if (out.problems.length === 0) fail('refused without problems');
        for (const p of out.problems) {
          if (typeof p.message !== 'string' || !p.message) fail('problem without a reason');
          if (!(p.position === null || p.position > 0)) fail('problem without a usable position');
        }
      } catch (err) {
        fail(describeThrow(err));
        if (JSON.stringify(delta(before, await t.rowCounts())) !== '{}') fail('a throw left rows behind');
      }
    }
    process.stdout.write(`[fuzz] x12-services 835: ${JSON.stringify(tally)}\n`);
    expect(failures.slice(0, 10)).toEqual([]);
    expect(tally.refused).toBeGreaterThan(CASES_PER_SERVICE / 3);
    expect(tally.posted).toBeGreaterThan(0);
  });
});
