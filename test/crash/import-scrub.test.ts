import { loadCodes } from '../../src/seed/builders';
import { createTestDb, type TestDb } from '../support/db';
import { assertChildBuilt, claimStatuses, expectFinished, expectKilled, many837, runChild, scalar, scratchDir } from './support';

/**
 * Crash safety of an 837P import (issue 6 item 5): ClaimImportService.importX12 stores every claim
 * of a file (patients, payer, coverages, provider) and scrubs each one against its payer's rules
 * (READY, or DRAFT with findings) in one transaction. A process killed with SIGKILL while it scrubs
 * leaves nothing; importing the file again stores and scrubs every claim exactly once.
 */
const CLAIMS = 100;

describe('an 837P import with its scrubs killed with SIGKILL and restarted', () => {
  let db: TestDb;
  let files: ReturnType<typeof scratchDir>;
  let file837: string;

  beforeAll(async () => {
    assertChildBuilt();
    db = await createTestDb();
    files = scratchDir();
    await loadCodes(db.orm.em.fork());
    file837 = files.write('claims.837', many837(CLAIMS, 'CRASH'));
  });

  afterAll(async () => {
    files?.remove();
    await db?.close();
  });

  async function imported() {
    return {
      claims: await scalar(db, 'select count(*) as n from claim'),
      patients: await scalar(db, 'select count(*) as n from patient'),
      payers: await scalar(db, 'select count(*) as n from payer'),
      scrubs: await scalar(db, "select count(*) as n from claim_scrub where trigger = 'READY'"),
      createdHistory: await scalar(db, "select count(*) as n from claim_history where action = 'CREATED'"),
      statuses: await claimStatuses(db),
    };
  }

  const NOTHING = { claims: 0, patients: 0, payers: 0, scrubs: 0, createdHistory: 0, statuses: {} };
  const EVERYTHING = { claims: CLAIMS, patients: CLAIMS, payers: 1, scrubs: CLAIMS, createdHistory: CLAIMS, statuses: { READY: CLAIMS } };

  it('killed once the scrubs started to be stored: no claim, patient, payer or scrub is in the database', async () => {
    const run = await runChild('import837', db, file837, { marker: 'sql:insert:claim_scrub' });
    expectKilled(run, 'sql:insert:claim_scrub');
    expect(run.markers).toEqual(expect.arrayContaining(['sql:begin', 'sql:insert:patient', 'sql:insert:claim', 'sql:insert:claim_history']));
    expect(run.markers).not.toContain('sql:commit');
    expect(await imported()).toEqual(NOTHING);
  });

  it('killed at a random moment of the import: all of the file or none of it', async () => {
    const run = await runChild('import837', db, file837, { marker: 'sql:begin', randomDelayMs: 3000 });
    const state = await imported();
    if (run.signal === 'SIGKILL') expect([NOTHING, EVERYTHING]).toContainEqual(state);
    else expect(state).toEqual(EVERYTHING);
  });

  it('restarted: every claim is stored and scrubbed exactly once, and importing the file again changes nothing', async () => {
    const first = expectFinished(await runChild('import837', db, file837));
    // Imported now, or (when the random kill above came after the commit) already imported.
    expect([first.imported, first.alreadyImported].sort()).toEqual([0, CLAIMS]);
    const again = expectFinished(await runChild('import837', db, file837));
    expect(again).toMatchObject({ status: 'IMPORTED', imported: 0, alreadyImported: CLAIMS, notImported: 0 });

    expect(await imported()).toEqual(EVERYTHING);
    expect(await scalar(db, 'select count(distinct claim_id) as n from claim_scrub')).toBe(CLAIMS);
    expect(await scalar(db, 'select count(distinct patient_control_number) as n from claim')).toBe(CLAIMS);
  });
});
