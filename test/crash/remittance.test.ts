import { addDays, today } from '../../src/common/dates';
import { generate835, storeClaims } from '../bench/x12-835-bench';
import { createTestDb, type TestDb } from '../support/db';
import { assertChildBuilt, claimStatuses, expectFinished, expectKilled, runChild, scalar, scratchDir } from './support';

/**
 * Crash safety of 835 posting (issue 6 item 5): RemittanceService.post writes a whole file in one
 * database transaction, so a process killed with SIGKILL in the middle of it — no handler runs,
 * the connection just drops — leaves nothing behind, and posting the same file again afterwards
 * posts every claim payment exactly once. The work runs in a child process (test/crash/child.ts)
 * against this file's database; the child prints a marker the first time each kind of statement
 * is sent, and is killed on one.
 */
const CLAIMS = 3000;

describe('an 835 posting killed with SIGKILL and restarted', () => {
  let db: TestDb;
  let files: ReturnType<typeof scratchDir>;
  let file835: string;

  beforeAll(async () => {
    assertChildBuilt();
    db = await createTestDb();
    files = scratchDir();
    const day = today();
    const serviceDate = addDays(day, -10);
    // 70 % paid in full, 20 % partly paid, 10 % with a line denied CO-97 (a Denial each).
    const claims = await storeClaims(db.orm, CLAIMS, serviceDate);
    file835 = files.write('payment.835', generate835(claims, day, serviceDate));
  });

  afterAll(async () => {
    files?.remove();
    await db?.close();
  });

  /** What the posting writes, counted straight from the tables. */
  async function posted() {
    return {
      remittances: await scalar(db, 'select count(*) as n from remittance'),
      claimPayments: await scalar(db, 'select count(*) as n from claim_payment'),
      servicePayments: await scalar(db, 'select count(*) as n from service_payment'),
      denials: await scalar(db, 'select count(*) as n from denial'),
      postingHistory: await scalar(db, "select count(*) as n from claim_history where actor = 'crash-post835'"),
      statuses: await claimStatuses(db),
    };
  }

  const NOTHING = { remittances: 0, claimPayments: 0, servicePayments: 0, denials: 0, postingHistory: 0, statuses: { SUBMITTED: CLAIMS } };
  const EVERYTHING = {
    remittances: 1,
    claimPayments: CLAIMS,
    servicePayments: 2 * CLAIMS,
    denials: CLAIMS / 10,
    postingHistory: CLAIMS,
    statuses: { PAID: (CLAIMS * 7) / 10, PARTIALLY_PAID: (CLAIMS * 3) / 10 },
  };

  it('killed as the claim payments go in, its remittance, denials, claim updates and history already written: nothing of the file is in the database', async () => {
    const run = await runChild('post835', db, file835, { marker: 'sql:insert:claim_payment' });
    expectKilled(run, 'sql:insert:claim_payment');
    // Written in the child's transaction before the kill; none of it survives: no COMMIT was sent.
    expect(run.markers).toEqual(expect.arrayContaining(['sql:begin', 'sql:insert:remittance', 'sql:insert:denial', 'sql:update:claim', 'sql:insert:claim_history']));
    expect(run.markers).not.toContain('sql:commit');
    expect(await posted()).toEqual(NOTHING);
  });

  it('killed at a random moment of the posting: all of the file or none of it', async () => {
    const run = await runChild('post835', db, file835, { marker: 'sql:begin', randomDelayMs: 2000 });
    const state = await posted();
    if (run.signal === 'SIGKILL') expect([NOTHING, EVERYTHING]).toContainEqual(state);
    else expect(state).toEqual(EVERYTHING); // finished within the delay
  });

  it('restarted: every claim payment is posted exactly once, and posting the file again changes nothing', async () => {
    const first = expectFinished(await runChild('post835', db, file835));
    // POSTED, unless the random kill above came after the commit.
    expect(['POSTED', 'ALREADY_POSTED']).toContain(first.status);
    const again = expectFinished(await runChild('post835', db, file835));
    expect(again).toMatchObject({ status: 'ALREADY_POSTED', claimPayments: 0, denials: 0 });

    expect(await posted()).toEqual(EVERYTHING);
    // One payment per claim, and one posting history row per claim.
    expect(await scalar(db, 'select count(distinct claim_id) as n from claim_payment')).toBe(CLAIMS);
    expect(await scalar(db, 'select count(*) as n from (select claim_id from claim_history where actor = ? group by claim_id having count(*) > 1) d', ['crash-post835'])).toBe(0);
    expect(await scalar(db, 'select max(version) as n from claim')).toBe(2);
  });
});
