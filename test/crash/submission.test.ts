import { seed } from '../bench/x12-837-bench';
import { createTestDb, type TestDb } from '../support/db';
import { assertChildBuilt, claimStatuses, expectFinished, expectKilled, rows, runChild, scalar, scratchDir } from './support';

/**
 * Crash safety of claim submission (issue 6 item 5): submitClaims scrubs again every claim whose
 * scrub is stale (here: all of them, scrubbed under a rule-set version no longer in force — the
 * batch scrub), allocates X12 control numbers, stores the 837P batch and moves the claims to
 * SUBMITTED, all in one transaction. A process killed with SIGKILL inside it leaves no batch, no
 * used control number, no scrub and no SUBMITTED claim; submitting again sends every claim once.
 */
const CLAIMS = 400;

describe('a submission killed with SIGKILL and restarted', () => {
  let db: TestDb;
  let files: ReturnType<typeof scratchDir>;
  let firstFile: string;
  let restFile: string;

  beforeAll(async () => {
    assertChildBuilt();
    db = await createTestDb();
    files = scratchDir();
    // READY claims whose stored scrub names a rule-set version that is not in force.
    const ids = await seed(db.orm, CLAIMS + 1, 'a-version-no-longer-in-force', 1);
    firstFile = files.write('first.json', JSON.stringify(ids.slice(0, 1)));
    restFile = files.write('rest.json', JSON.stringify(ids.slice(1)));
  });

  afterAll(async () => {
    files?.remove();
    await db?.close();
  });

  async function submitted() {
    return {
      batches: await scalar(db, 'select count(*) as n from submission_batch'),
      batchClaims: await scalar(db, 'select count(*) as n from submission_batch_claim'),
      lastInterchange: await scalar(db, "select coalesce(max(last_used), 0) as n from x12_control_counter where name = 'ISA'"),
      submitScrubs: await scalar(db, "select count(*) as n from claim_scrub where trigger = 'SUBMIT'"),
      submitHistory: await scalar(db, "select count(*) as n from claim_history where to_status = 'SUBMITTED'"),
      statuses: await claimStatuses(db),
    };
  }

  const ONE = { batches: 1, batchClaims: 1, lastInterchange: 1, submitScrubs: 1, submitHistory: 1, statuses: { READY: CLAIMS, SUBMITTED: 1 } };
  const ALL = { batches: 2, batchClaims: CLAIMS + 1, lastInterchange: 2, submitScrubs: CLAIMS + 1, submitHistory: CLAIMS + 1, statuses: { SUBMITTED: CLAIMS + 1 } };

  it('a first submission of one claim uses interchange control number 1', async () => {
    expect(expectFinished(await runChild('submit', db, firstFile))).toMatchObject({ submitted: 1, refused: [] });
    expect(await submitted()).toEqual(ONE);
  });

  it('killed at its last step (claim history), with the batch, its control numbers, the scrubs and the claims written: none of it is in the database', async () => {
    const run = await runChild('submit', db, restFile, { marker: 'sql:insert:claim_history' });
    expectKilled(run, 'sql:insert:claim_history');
    // Written in the child's transaction before the kill; none of it survives: no COMMIT was sent.
    expect(run.markers).toEqual(expect.arrayContaining(['sql:begin', 'sql:insert:x12_control_counter', 'sql:insert:submission_batch', 'sql:insert:submission_batch_claim', 'sql:insert:claim_scrub', 'sql:update:claim']));
    expect(run.markers).not.toContain('sql:commit');
    expect(await submitted()).toEqual(ONE);
  });

  it('killed at a random moment of the submission: all of it or none of it', async () => {
    const run = await runChild('submit', db, restFile, { marker: 'sql:begin', randomDelayMs: 3000 });
    const state = await submitted();
    if (run.signal === 'SIGKILL') expect([ONE, ALL]).toContainEqual(state);
    else expect(state).toEqual(ALL);
  });

  it('restarted: every claim is in exactly one batch, scrubbed once, with unique control numbers and no gap', async () => {
    const first = expectFinished(await runChild('submit', db, restFile));
    // Submitted now, or (when the random kill above came after the commit) refused as not READY.
    expect([CLAIMS, 0]).toContain(first.submitted);
    const again = expectFinished(await runChild('submit', db, restFile));
    expect(again).toMatchObject({ submitted: 0, batchId: null });
    expect(new Set(again.refused as string[])).toEqual(new Set(['NOT_READY']));

    expect(await submitted()).toEqual(ALL);
    expect(await scalar(db, 'select count(distinct claim_id) as n from submission_batch_claim')).toBe(CLAIMS + 1);
    const batches = await rows<{ icn: string; st: number | string; count: number | string; claims: number | string }>(
      db,
      'select interchange_control_number as icn, first_transaction_control_number as st, transaction_count as count, claim_count as claims from submission_batch order by interchange_control_number',
    );
    expect(batches.map((b) => [b.icn, Number(b.claims)])).toEqual([
      ['000000001', 1],
      ['000000002', CLAIMS],
    ]);
    // ST control numbers: consecutive ranges, the second starting right after the first.
    expect(Number(batches[1]!.st)).toBe(Number(batches[0]!.st) + Number(batches[0]!.count));
    expect(await scalar(db, "select last_used as n from x12_control_counter where name = 'ST'")).toBe(Number(batches[1]!.st) + Number(batches[1]!.count) - 1);
  });
});
