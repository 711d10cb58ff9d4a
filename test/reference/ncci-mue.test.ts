import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ImportRefusedError } from '../../src/modules/reference/import/errors';
import { runImport, type ImportResult } from '../../src/modules/reference/import/runner';
import type { ImportOptions } from '../../src/modules/reference/import/types';
import { importerFor, IMPORT_KIND_NAMES } from '../../src/modules/reference/importers';
import { parseMai } from '../../src/modules/reference/importers/mue';
import { ptpPartOf } from '../../src/modules/reference/importers/ncci-ptp';
import { mueFor, ptpConflicts, type MueLookup, type PtpLookup } from '../../src/modules/reference/lookups/ncci';
import { EditSetting, MueLimit, NcciPtpEdit, ReferenceKind, ReferenceRelease } from '../../src/modules/reference/reference.entities';
import { createTestDb, type TestDb } from '../support/db';

const FIXTURES = join(__dirname, '../fixtures/reference');
const { PRACTITIONER, OUTPATIENT, DME } = EditSetting;

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'claimflow-ncci-mue-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const fixture = (name: string) => join(FIXTURES, name);

function importFile(db: TestDb, kind: ReferenceKind, path: string, opts: Partial<ImportOptions> = {}): Promise<ImportResult> {
  return runImport(db.orm.em.fork(), importerFor(kind), path, { actor: 'test', ...opts });
}

async function refusal(p: Promise<unknown>): Promise<ImportRefusedError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(ImportRefusedError);
    return err as ImportRefusedError;
  }
  throw new Error('the import was not refused');
}

async function counts(db: TestDb) {
  const em = db.orm.em.fork();
  return { releases: await em.count(ReferenceRelease), ptp: await em.count(NcciPtpEdit), mue: await em.count(MueLimit) };
}

function ok(r: PtpLookup): Extract<PtpLookup, { status: 'OK' }> {
  if (r.status !== 'OK') throw new Error(`expected OK, got ${r.status}: ${r.reason}`);
  return r;
}
function okMue(r: MueLookup): Extract<MueLookup, { status: 'OK' }> {
  if (r.status !== 'OK') throw new Error(`expected OK, got ${r.status}: ${r.reason}`);
  return r;
}

/** Conflicts as `c1>c2:indicator`, sorted. */
async function ptp(db: TestDb, setting: EditSetting, codes: string[], date: string): Promise<string[]> {
  const r = ok(await ptpConflicts(db.orm.em.fork(), setting, codes, date));
  return r.conflicts.map((c) => `${c.column1}>${c.column2}:${c.modifierIndicator}`).sort();
}

describe('registration', () => {
  it('names the kinds for `claimflow import`', () => {
    expect(IMPORT_KIND_NAMES['ncci-ptp']).toBe(ReferenceKind.NCCI_PTP);
    expect(IMPORT_KIND_NAMES['mue']).toBe(ReferenceKind.MUE);
  });

  it('reads the part number of split quarterly PTP files', () => {
    expect(ptpPartOf('ccipra-v321r0-f2.txt')).toBe(2);
    expect(ptpPartOf('CCIOPH-V321R0-F4.TXT')).toBe(4);
    expect(ptpPartOf('ptp-practitioner-2026q1.txt')).toBeNull();
  });

  it('parses the leading digit of the MUE adjudication indicator text', () => {
    expect(parseMai('1 Line Edit')).toBe(1);
    expect(parseMai('2 Date of Service Edit: Policy')).toBe(2);
    expect(parseMai('3 Date of Service Edit: Clinical')).toBe(3);
    expect(parseMai(' 3')).toBe(3);
    expect(() => parseMai('4 Date of Service Edit')).toThrow(/1, 2 or 3/);
    expect(() => parseMai('Date of Service Edit: Policy')).toThrow(/1, 2 or 3/);
    expect(() => parseMai('23 Something')).toThrow(/1, 2 or 3/);
  });
});

describe('NCCI PTP and MUE imports and lookups', () => {
  let db: TestDb;
  beforeAll(async () => {
    db = await createTestDb();
  });
  afterAll(async () => {
    await db?.close();
  });

  describe('options', () => {
    it('refuses a PTP file without --setting, without --effective, or for DME', async () => {
      const q1 = fixture('ptp-practitioner-2026q1.txt');
      expect((await refusal(importFile(db, ReferenceKind.NCCI_PTP, q1, { effectiveFrom: '2026-01-01' }))).message).toMatch(/needs --setting PRACTITIONER or OUTPATIENT/);
      expect((await refusal(importFile(db, ReferenceKind.NCCI_PTP, q1, { setting: PRACTITIONER }))).message).toMatch(/need --effective YYYY-MM-DD/);
      expect((await refusal(importFile(db, ReferenceKind.NCCI_PTP, q1, { setting: DME, effectiveFrom: '2026-01-01' }))).message).toMatch(/not DME/);
      expect((await refusal(importFile(db, ReferenceKind.NCCI_PTP, q1, { setting: OUTPATIENT, effectiveFrom: '2026-01-01' }))).message).toMatch(
        /file name says PRACTITIONER but --setting is OUTPATIENT/,
      );
      expect(await counts(db)).toEqual({ releases: 0, ptp: 0, mue: 0 });
    });

    it('refuses an MUE file whose name or header names another quarter or setting', async () => {
      const q1 = fixture('MCR_MUE_PractitionerServices_Eff_01-01-2026.csv');
      expect((await refusal(importFile(db, ReferenceKind.MUE, q1, { effectiveFrom: '2026-01-01' }))).message).toMatch(/needs --setting PRACTITIONER or OUTPATIENT or DME/);
      expect((await refusal(importFile(db, ReferenceKind.MUE, q1, { setting: PRACTITIONER }))).message).toMatch(/need --effective/);
      expect((await refusal(importFile(db, ReferenceKind.MUE, q1, { setting: PRACTITIONER, effectiveFrom: '2026-04-01' }))).message).toMatch(
        /file name says effective 2026-01-01 but --effective is 2026-04-01/,
      );
      // The same DME table under a neutral name: the column header gives it away.
      const neutral = join(tmp, 'mue-table.csv');
      copyFileSync(fixture('MCR_MUE_DMESupplierServices_Eff_01-01-2026.csv'), neutral);
      expect((await refusal(importFile(db, ReferenceKind.MUE, neutral, { setting: OUTPATIENT, effectiveFrom: '2026-01-01' }))).message).toMatch(
        /column header is for DME MUEs but --setting is OUTPATIENT/,
      );
      expect(await counts(db)).toEqual({ releases: 0, ptp: 0, mue: 0 });
    });
  });

  describe('PTP edits, practitioner', () => {
    it('says NO_DATA before any release is loaded', async () => {
      const r = await ptpConflicts(db.orm.em.fork(), PRACTITIONER, ['11042', '97597'], '2026-02-01');
      expect(r.status).toBe('NO_DATA');
      expect(r.conflicts).toEqual([]);
    });

    it('imports the first quarter: every row added, header lines passed over', async () => {
      const r = await importFile(db, ReferenceKind.NCCI_PTP, fixture('ptp-practitioner-2026q1.txt'), { setting: PRACTITIONER, effectiveFrom: '2026-01-01' });
      expect(r.alreadyImported).toBe(false);
      expect(r.rowsRead).toBe(10);
      expect(r.counts).toEqual({ added: 10, changed: 0, retired: 0 });
      expect(r.release).toMatchObject({ kind: ReferenceKind.NCCI_PTP, setting: PRACTITIONER, effectiveFrom: '2026-01-01', effectiveTo: null, added: 10 });
      expect((await counts(db)).ptp).toBe(10);
    });

    it('finds the pairs among a claim’s codes in both orders, with modifier indicators and the pre-1996 flag', async () => {
      expect(await ptp(db, PRACTITIONER, ['11042', '97597', '97602'], '2026-02-01')).toEqual(['11042>97597:1', '11042>97602:0']);
      expect(await ptp(db, PRACTITIONER, ['97597', '11042'], '2026-02-01')).toEqual(['11042>97597:1']);
      expect(await ptp(db, PRACTITIONER, [' 97602', '11042 ', '11042'], '2026-02-01')).toEqual(['11042>97602:0']);
      expect(await ptp(db, PRACTITIONER, ['97597', '97602'], '2026-02-01')).toEqual([]);
      const r = ok(await ptpConflicts(db.orm.em.fork(), PRACTITIONER, ['11042', '97602'], '2026-02-01'));
      expect(r.conflicts[0]).toMatchObject({ prior1996: true, effectiveFrom: '1996-01-01', effectiveTo: null, rationale: 'Mutually exclusive procedures' });
      expect(r.releases.map((x) => x.fileName)).toEqual(['ptp-practitioner-2026q1.txt']);
      // Indicator 9 rows in force are reported as such (the edit does not apply).
      expect(await ptp(db, PRACTITIONER, ['64450', '64449'], '2026-02-01')).toEqual(['64450>64449:9']);
    });

    it('honours date windows: a deletion date D ends the edit on D − 1; one pair may have several windows', async () => {
      expect(await ptp(db, PRACTITIONER, ['12001', '12002'], '2026-01-31')).toEqual(['12001>12002:0']);
      expect(await ptp(db, PRACTITIONER, ['12001', '12002'], '2026-02-01')).toEqual(['12001>12002:1']);
      const r = ok(await ptpConflicts(db.orm.em.fork(), PRACTITIONER, ['12002', '12001'], '2026-01-15'));
      expect(r.conflicts).toEqual([
        { column1: '12001', column2: '12002', modifierIndicator: '0', prior1996: false, effectiveFrom: '2025-01-01', effectiveTo: '2026-01-31', rationale: 'CPT Manual or CMS manual coding instruction' },
      ]);
      // Deleted on its effective date: never in force.
      expect(await ptp(db, PRACTITIONER, ['20610', '20604', '76942'], '2026-03-01')).toEqual(['20610>76942:1']);
    });

    it('says NO_DATA outside any release and for a setting with none', async () => {
      const before = await ptpConflicts(db.orm.em.fork(), PRACTITIONER, ['11042', '97597'], '2025-12-31');
      expect(before).toMatchObject({ status: 'NO_DATA', conflicts: [], releases: [] });
      expect((await ptpConflicts(db.orm.em.fork(), OUTPATIENT, ['11042', '97597'], '2026-02-01')).status).toBe('NO_DATA');
      await expect(ptpConflicts(db.orm.em.fork(), PRACTITIONER, ['11042'], '2026-02-30')).rejects.toThrow(/YYYY-MM-DD/);
    });

    it('replaces the table with the next quarter and counts added / changed / retired against it', async () => {
      const r = await importFile(db, ReferenceKind.NCCI_PTP, fixture('ptp-practitioner-2026q2.txt'), { setting: PRACTITIONER, effectiveFrom: '2026-04-01' });
      // added: 99214>99211, 20610>20611; changed: 99213>99211 indicator 1→0;
      // retired: 36591>36592 given a deletion date, 93000>93005 no longer listed.
      expect(r.counts).toEqual({ added: 2, changed: 1, retired: 2 });
      expect(r.rowsRead).toBe(11);
      const em = db.orm.em.fork();
      expect(await em.count(NcciPtpEdit, { setting: PRACTITIONER })).toBe(11);
      expect(await em.count(NcciPtpEdit, { release: r.release.id })).toBe(11);
      const releases = await em.find(ReferenceRelease, { kind: ReferenceKind.NCCI_PTP }, { orderBy: { effectiveFrom: 'asc' } });
      expect(releases.map((x) => [x.fileName, x.effectiveFrom, x.effectiveTo])).toEqual([
        ['ptp-practitioner-2026q1.txt', '2026-01-01', '2026-03-31'],
        ['ptp-practitioner-2026q2.txt', '2026-04-01', null],
      ]);
    });

    it('answers every covered date from the current table', async () => {
      expect(await ptp(db, PRACTITIONER, ['36591', '36592'], '2026-04-30')).toEqual(['36591>36592:0']);
      expect(await ptp(db, PRACTITIONER, ['36591', '36592'], '2026-05-01')).toEqual([]);
      expect(await ptp(db, PRACTITIONER, ['93000', '93005'], '2026-05-01')).toEqual([]);
      expect(await ptp(db, PRACTITIONER, ['99214', '99211', '99213'], '2026-04-01')).toEqual(['99213>99211:0', '99214>99211:1']);
      expect(await ptp(db, PRACTITIONER, ['99214', '99211'], '2026-03-31')).toEqual([]);
      const r = ok(await ptpConflicts(db.orm.em.fork(), PRACTITIONER, ['99213', '99211'], '2026-02-15'));
      expect(r.releases.map((x) => x.fileName)).toEqual(['ptp-practitioner-2026q1.txt']);
    });

    it('re-importing the same file changes nothing', async () => {
      const before = await counts(db);
      const r = await importFile(db, ReferenceKind.NCCI_PTP, fixture('ptp-practitioner-2026q2.txt'), { setting: PRACTITIONER, effectiveFrom: '2026-04-01' });
      expect(r.alreadyImported).toBe(true);
      expect(r.counts).toEqual({ added: 0, changed: 0, retired: 0 });
      expect(await counts(db)).toEqual(before);
    });

    it('the same rows in other bytes (LF line ends) count as no change', async () => {
      const lf = join(tmp, 'ptp-practitioner-2026q2-lf.txt');
      writeFileSync(lf, readFileSync(fixture('ptp-practitioner-2026q2.txt'), 'latin1').replace(/\r\n/g, '\n'), 'latin1');
      const r = await importFile(db, ReferenceKind.NCCI_PTP, lf, { setting: PRACTITIONER, effectiveFrom: '2026-04-01' });
      expect(r.alreadyImported).toBe(false);
      expect(r.counts).toEqual({ added: 0, changed: 0, retired: 0 });
      expect(await db.orm.em.fork().count(NcciPtpEdit, { setting: PRACTITIONER })).toBe(11);
      expect(await ptp(db, PRACTITIONER, ['99214', '99211', '99213'], '2026-04-01')).toEqual(['99213>99211:0', '99214>99211:1']);
    });

    it('a bad line names file, line and field and refuses the whole file; nothing changes', async () => {
      const before = await counts(db);
      const err = await refusal(importFile(db, ReferenceKind.NCCI_PTP, fixture('ptp-practitioner-2026q3-bad.txt'), { setting: PRACTITIONER, effectiveFrom: '2026-07-01' }));
      expect(err.message).toMatch(/1 bad line/);
      expect(err.problems).toEqual([{ file: 'ptp-practitioner-2026q3-bad.txt', line: 9, field: 'modifier indicator', message: expect.stringMatching(/0 .*1 .*9/) }]);
      expect(err.message).toContain('ptp-practitioner-2026q3-bad.txt:9: modifier indicator:');
      expect(await counts(db)).toEqual(before);
      expect(await ptp(db, PRACTITIONER, ['99214', '99211', '99213'], '2026-07-02')).toEqual(['99213>99211:0', '99214>99211:1']);
    });

    it('--skip-bad reports the line and imports the rest', async () => {
      const r = await importFile(db, ReferenceKind.NCCI_PTP, fixture('ptp-practitioner-2026q3-bad.txt'), { setting: PRACTITIONER, effectiveFrom: '2026-07-01', skipBad: true });
      expect(r.problems).toEqual([expect.objectContaining({ line: 9, field: 'modifier indicator' })]);
      expect(r.release.skipped).toBe(1);
      expect(r.rowsRead).toBe(11);
      expect(r.counts).toEqual({ added: 0, changed: 0, retired: 0 });
      expect(await ptp(db, PRACTITIONER, ['99215', '99211'], '2026-07-02')).toEqual([]);
    });
  });

  describe('PTP edits in quarterly part files (outpatient)', () => {
    it('a part replaces only the same part of the previous quarter', async () => {
      const opts = { setting: OUTPATIENT, effectiveFrom: '2026-04-01' };
      expect((await importFile(db, ReferenceKind.NCCI_PTP, fixture('ccioph-v321r0-f1.txt'), opts)).counts).toEqual({ added: 2, changed: 0, retired: 0 });
      expect((await importFile(db, ReferenceKind.NCCI_PTP, fixture('ccioph-v321r0-f2.txt'), opts)).counts).toEqual({ added: 2, changed: 0, retired: 0 });
      expect(await ptp(db, OUTPATIENT, ['11042', '97597', '93000', '93005'], '2026-05-01')).toEqual(['11042>97597:1', '93000>93005:0']);

      const q3 = await importFile(db, ReferenceKind.NCCI_PTP, fixture('ccioph-v322r0-f1.txt'), { setting: OUTPATIENT, effectiveFrom: '2026-07-01' });
      // 20610>20611 added; 20610>76942 given a deletion date (retired); 11042>97597 unchanged.
      expect(q3.counts).toEqual({ added: 1, changed: 0, retired: 1 });
      const em = db.orm.em.fork();
      expect(await em.count(NcciPtpEdit, { setting: OUTPATIENT })).toBe(5);
      // Part 2 of the previous quarter is still the current part 2.
      expect(await ptp(db, OUTPATIENT, ['93000', '93005', '20610', '20611', '76942'], '2026-08-01')).toEqual(['20610>20611:0', '93000>93005:0']);
      expect(await ptp(db, OUTPATIENT, ['20610', '76942'], '2026-07-31')).toEqual(['20610>76942:1']);
      // The practitioner table is untouched.
      expect(await em.count(NcciPtpEdit, { setting: PRACTITIONER })).toBe(11);
    });

    it('moving from whole-table files to parts: a part replaces the whole table’s rows of its column-1 codes', async () => {
      const q1 = readFileSync(fixture('ptp-practitioner-2026q1.txt'), 'latin1').split('\r\n');
      const header = q1.slice(0, 6);
      const rows = q1.filter((l) => /^(11042\t97597|12001\t12002)\t/.test(l));
      expect(rows).toHaveLength(3);
      const part = join(tmp, 'ccipra-v322r0-f1.txt');
      writeFileSync(part, [...header, ...rows, '11042\t11043\t\t20261001\t*\t0\tMutually exclusive procedures', ''].join('\r\n'), 'latin1');
      const r = await importFile(db, ReferenceKind.NCCI_PTP, part, { setting: PRACTITIONER, effectiveFrom: '2026-10-01' });
      // 11042>11043 added; 11042>97602 (column 1 of this part, not in it) retired; the rest unchanged.
      expect(r.counts).toEqual({ added: 1, changed: 0, retired: 1 });
      expect(await db.orm.em.fork().count(NcciPtpEdit, { setting: PRACTITIONER })).toBe(11);
      expect(await ptp(db, PRACTITIONER, ['11042', '11043', '97597', '97602', '99213', '99211'], '2026-10-02')).toEqual(['11042>11043:0', '11042>97597:1', '99213>99211:0']);
    });

    it('reads a whole table made by concatenating parts, repeated headers and all', async () => {
      const whole = join(tmp, 'ccioph-v323r0-all.txt');
      writeFileSync(whole, Buffer.concat([readFileSync(fixture('ccioph-v322r0-f1.txt')), readFileSync(fixture('ccioph-v321r0-f2.txt'))]));
      const r = await importFile(db, ReferenceKind.NCCI_PTP, whole, { setting: OUTPATIENT, effectiveFrom: '2026-10-01' });
      expect(r.rowsRead).toBe(5);
      expect(r.counts).toEqual({ added: 0, changed: 0, retired: 0 });
      expect(await db.orm.em.fork().count(NcciPtpEdit, { setting: OUTPATIENT })).toBe(5);
    });
  });

  describe('MUE, practitioner', () => {
    it('says NO_DATA before any release is loaded', async () => {
      expect((await mueFor(db.orm.em.fork(), PRACTITIONER, ['99213'], '2026-02-01')).status).toBe('NO_DATA');
    });

    it('imports a quarter past the quoted multi-line notice and the wrapped header', async () => {
      const r = await importFile(db, ReferenceKind.MUE, fixture('MCR_MUE_PractitionerServices_Eff_01-01-2026.csv'), { setting: PRACTITIONER, effectiveFrom: '2026-01-01' });
      expect(r.rowsRead).toBe(7);
      expect(r.counts).toEqual({ added: 7, changed: 0, retired: 0 });
      const m = okMue(await mueFor(db.orm.em.fork(), PRACTITIONER, ['71046', 'e0114', '11042', '0001U', '97110'], '2026-02-01'));
      expect(m.limits).toEqual([
        { code: '71046', found: true, units: 2, adjudicationIndicator: 3, rationale: 'Clinical: Data', effectiveFrom: '2026-01-01', effectiveTo: null },
        { code: 'E0114', found: true, units: 0, adjudicationIndicator: 3, rationale: 'CMS Policy', effectiveFrom: '2026-01-01', effectiveTo: null },
        { code: '11042', found: true, units: 1, adjudicationIndicator: 1, rationale: 'Anatomic Consideration', effectiveFrom: '2026-01-01', effectiveTo: null },
        { code: '0001U', found: true, units: 1, adjudicationIndicator: 2, rationale: 'Code Descriptor / CPT Instruction', effectiveFrom: '2026-01-01', effectiveTo: null },
        { code: '97110', found: false },
      ]);
      expect(m.releases.map((x) => x.fileName)).toEqual(['MCR_MUE_PractitionerServices_Eff_01-01-2026.csv']);
    });

    it('the next quarter: counts, closed and new windows, unchanged codes keep their row', async () => {
      const r = await importFile(db, ReferenceKind.MUE, fixture('MCR_MUE_PractitionerServices_Eff_04-01-2026.csv'), { setting: PRACTITIONER, effectiveFrom: '2026-04-01' });
      // added 97110, 36415; changed 71046 (units), J1885 (indicator); retired E0114.
      expect(r.counts).toEqual({ added: 2, changed: 2, retired: 1 });
      const em = db.orm.em.fork();
      expect(await em.count(MueLimit, { setting: PRACTITIONER })).toBe(7 + 2 + 2);
      expect(await em.count(MueLimit, { setting: PRACTITIONER, effectiveTo: null })).toBe(8);
      const codes = ['71046', 'J1885', 'E0114', '97110', '99213', '36415'];
      const unitsOn = async (date: string) =>
        okMue(await mueFor(db.orm.em.fork(), PRACTITIONER, codes, date)).limits.map((l) => (l.found ? `${l.code}=${l.units}/${l.adjudicationIndicator}` : `${l.code}=none`));
      expect(await unitsOn('2026-03-31')).toEqual(['71046=2/3', 'J1885=8/3', 'E0114=0/3', '97110=none', '99213=2/3', '36415=none']);
      expect(await unitsOn('2026-04-01')).toEqual(['71046=3/3', 'J1885=8/2', 'E0114=none', '97110=6/3', '99213=2/3', '36415=2/3']);
      const kept = okMue(await mueFor(db.orm.em.fork(), PRACTITIONER, ['99213', '36415'], '2026-05-01')).limits;
      expect(kept[0]).toMatchObject({ found: true, effectiveFrom: '2026-01-01', effectiveTo: null });
      expect(kept[1]).toMatchObject({ found: true, rationale: 'Nature of Service/Procedure', effectiveFrom: '2026-04-01' });
      const closed = okMue(await mueFor(db.orm.em.fork(), PRACTITIONER, ['71046'], '2026-01-10')).limits[0];
      expect(closed).toMatchObject({ units: 2, effectiveTo: '2026-03-31' });
    });

    it('re-importing the same file changes nothing', async () => {
      const before = await counts(db);
      const r = await importFile(db, ReferenceKind.MUE, fixture('MCR_MUE_PractitionerServices_Eff_04-01-2026.csv'), { setting: PRACTITIONER, effectiveFrom: '2026-04-01' });
      expect(r.alreadyImported).toBe(true);
      expect(await counts(db)).toEqual(before);
    });

    it('a corrected file for the same quarter counts against the current rows and leaves no empty windows', async () => {
      const corrected = join(tmp, 'MCR_MUE_PractitionerServices_Eff_04-01-2026-corrected.csv');
      writeFileSync(corrected, readFileSync(fixture('MCR_MUE_PractitionerServices_Eff_04-01-2026.csv'), 'latin1').replace('97110,6,', '97110,4,'), 'latin1');
      const r = await importFile(db, ReferenceKind.MUE, corrected, { setting: PRACTITIONER, effectiveFrom: '2026-04-01' });
      expect(r.counts).toEqual({ added: 0, changed: 1, retired: 0 });
      const em = db.orm.em.fork();
      expect(await em.count(MueLimit, { setting: PRACTITIONER, code: '97110' })).toBe(1);
      expect(okMue(await mueFor(em, PRACTITIONER, ['97110'], '2026-04-01')).limits[0]).toMatchObject({ units: 4 });
    });

    it('a bad line refuses the file (file:line:field) and nothing changes; --skip-bad skips it', async () => {
      const before = await counts(db);
      const name = 'MCR_MUE_PractitionerServices_Eff_07-01-2026.csv';
      const err = await refusal(importFile(db, ReferenceKind.MUE, fixture(name), { setting: PRACTITIONER, effectiveFrom: '2026-07-01' }));
      expect(err.problems).toEqual([{ file: name, line: 13, field: 'MUE value', message: expect.any(String) }]);
      expect(err.message).toContain(`${name}:13: MUE value:`);
      expect(await counts(db)).toEqual(before);

      const r = await importFile(db, ReferenceKind.MUE, fixture(name), { setting: PRACTITIONER, effectiveFrom: '2026-07-01', skipBad: true });
      expect(r.problems.map((p) => [p.line, p.field])).toEqual([[13, 'MUE value']]);
      expect(r.release.skipped).toBe(1);
      // Against the corrected April table: 97110 back to 6 units.
      expect(r.counts).toEqual({ added: 0, changed: 1, retired: 0 });
      expect(okMue(await mueFor(db.orm.em.fork(), PRACTITIONER, ['99214', '97110'], '2026-07-01')).limits).toEqual([
        { code: '99214', found: false },
        expect.objectContaining({ code: '97110', units: 6 }),
      ]);
    });

    it('refuses a code listed twice', async () => {
      const dup = join(tmp, 'MCR_MUE_DMESupplierServices_Eff_01-01-2026.csv');
      const text = readFileSync(fixture('MCR_MUE_DMESupplierServices_Eff_01-01-2026.csv'), 'latin1');
      writeFileSync(dup, `${text}E0114,2,2 Date of Service Edit: Policy,CMS Policy\r\n`, 'latin1');
      const err = await refusal(importFile(db, ReferenceKind.MUE, dup, { setting: DME, effectiveFrom: '2026-01-01' }));
      expect(err.problems).toEqual([expect.objectContaining({ field: 'HCPCS/CPT code', message: expect.stringMatching(/E0114 is listed twice \(first on line 10\)/) })]);
    });

    it('keeps settings apart (DME)', async () => {
      await importFile(db, ReferenceKind.MUE, fixture('MCR_MUE_DMESupplierServices_Eff_01-01-2026.csv'), { setting: DME, effectiveFrom: '2026-01-01' });
      const dme = okMue(await mueFor(db.orm.em.fork(), DME, ['E0114', '99213'], '2026-08-01')).limits;
      expect(dme).toEqual([expect.objectContaining({ code: 'E0114', units: 1, adjudicationIndicator: 2 }), { code: '99213', found: false }]);
      expect((await mueFor(db.orm.em.fork(), OUTPATIENT, ['E0114'], '2026-08-01')).status).toBe('NO_DATA');
    });
  });
});
