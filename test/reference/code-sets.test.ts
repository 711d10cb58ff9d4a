import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signToken } from '../../src/auth/jwt';
import { Role } from '../../src/common/enums';
import { createScratchPgDatabase } from '../../src/db/scratch';
import { Code, CodeSystem } from '../../src/modules/code/code.entity';
import { codeValidity, codeValidityMany } from '../../src/modules/reference/lookups/code-validity';
import { ReferenceKind, ReferenceRelease } from '../../src/modules/reference/reference.entities';
import { createTestDb, testDialect, testPgUrl, type TestDb } from '../support/db';
import { sqlOf } from '../support/sql-log';
import { counted, counts, fixture, importFile, inForce, orderFileCodes, refusal, ROOT, rowsOf } from './code-set-helpers';

// Small fixtures in each published layout (test/fixtures/reference): ICD-10-CM order files and
// addenda (lines taken from the public-domain CDC/CMS FY2025/FY2026 files), HCPCS ANWEB CSV rows
// (CMS, public domain; dates and one wording changed by hand for the second quarter), place of
// service rows (CMS), and CPT code numbers without AMA descriptions. The real files are
// exercised in code-sets-real.test.ts.

describe('code-set importers on fixtures in the published layouts', () => {
  let db: TestDb;
  let tmp: string;
  beforeAll(async () => {
    db = await createTestDb({ countQueries: true });
    tmp = mkdtempSync(join(tmpdir(), 'claimflow-codesets-'));
  });
  afterAll(async () => {
    await db?.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  describe('ICD-10-CM addenda', () => {
    it('refuses addenda when no release covers the day before the fiscal year', async () => {
      const before = await counts(db);
      const err = await refusal(importFile(db, ReferenceKind.ICD10CM_ADDENDA, fixture('icd10cm-addenda-fy2026-mini.txt')));
      expect(err.message).toMatch(/no ICD-10-CM release covers 2025-09-30.*order file first/);
      expect(await counts(db)).toEqual(before);
    });

    it('loads the FY2025 order file', async () => {
      const r = await importFile(db, ReferenceKind.ICD10CM, fixture('icd10cm-order-fy2025-mini.txt'));
      expect(counted(r)).toEqual({ added: 8, changed: 0, retired: 0, alreadyImported: false });
    });

    it('refuses a file with a bad line, naming file:line:field, and changes nothing', async () => {
      const before = await counts(db);
      const err = await refusal(importFile(db, ReferenceKind.ICD10CM_ADDENDA, fixture('icd10cm-addenda-fy2026-bad-flag.txt')));
      expect(err.problems).toEqual([expect.objectContaining({ file: 'icd10cm-addenda-fy2026-bad-flag.txt', line: 3, field: 'valid-for-billing flag (14)' })]);
      expect(err.message).toContain('icd10cm-addenda-fy2026-bad-flag.txt:3: valid-for-billing flag (14): must be 0 or 1');
      expect(await counts(db)).toEqual(before);
    });

    it('refuses addenda that do not fit the loaded year (delete of a code not in force)', async () => {
      const before = await counts(db);
      const err = await refusal(importFile(db, ReferenceKind.ICD10CM_ADDENDA, fixture('icd10cm-addenda-fy2026-no-fit.txt')));
      expect(err.problems).toEqual([expect.objectContaining({ line: 3, field: 'code (16–22)', message: expect.stringMatching(/T7807XA is not in force on 2025-09-30/) })]);
      expect(await counts(db)).toEqual(before);
    });

    it('refuses a "Revise to:" without its "Revise from:", and a file whose summary does not match its lines', async () => {
      const before = await counts(db);
      const lines = readFileSync(fixture('icd10cm-addenda-fy2026-mini.txt'), 'latin1').split('\r\n');
      const unpaired = join(tmp, 'addenda-fy2026-unpaired.txt');
      writeFileSync(unpaired, lines.filter((l) => !l.startsWith('Revise from:')).join('\r\n'), 'latin1');
      const err = await refusal(importFile(db, ReferenceKind.ICD10CM_ADDENDA, unpaired));
      expect(err.problems).toEqual([expect.objectContaining({ line: 5, field: 'action (1–13)' })]);
      const truncated = join(tmp, 'addenda-fy2026-truncated.txt');
      writeFileSync(truncated, lines.filter((l) => !l.includes('Z910121')).join('\r\n'), 'latin1');
      expect((await refusal(importFile(db, ReferenceKind.ICD10CM_ADDENDA, truncated))).message).toMatch(/summary does not match its lines \(additions: summary 6, lines 5\)/);
      expect(await counts(db)).toEqual(before);
    });

    it('applies adds, deletes and revisions from October 1 and leaves other codes alone', async () => {
      const r = await importFile(db, ReferenceKind.ICD10CM_ADDENDA, fixture('icd10cm-addenda-fy2026-mini.txt'));
      // added B8801 B8809 Z910120 Z910121; changed L02212 (revised) B880 Z91012 (became headers); retired S301XXA S301XXD
      expect(counted(r)).toEqual({ added: 4, changed: 3, retired: 2, alreadyImported: false });
      expect(r.release).toMatchObject({ kind: ReferenceKind.ICD10CM_ADDENDA, effectiveFrom: '2025-10-01', effectiveTo: '2026-09-30', rowsRead: 12 });

      expect(await rowsOf(db, CodeSystem.ICD10CM, 'S301XXA')).toEqual([expect.objectContaining({ from: '2024-10-01', to: '2025-09-30' })]);
      expect(await rowsOf(db, CodeSystem.ICD10CM, 'B8801')).toEqual([expect.objectContaining({ from: '2025-10-01', to: null, billable: true })]);
      expect(await rowsOf(db, CodeSystem.ICD10CM, 'B880')).toEqual([
        expect.objectContaining({ from: '2024-10-01', to: '2025-09-30', billable: true }),
        expect.objectContaining({ from: '2025-10-01', to: null, billable: false }),
      ]);
      // Revised: the old wording stays for dates before October 1.
      expect(await rowsOf(db, CodeSystem.ICD10CM, 'L02212')).toEqual([
        expect.objectContaining({ from: '2024-10-01', to: '2025-09-30', short: 'Cutaneous abscess of back [any part, except buttock]' }),
        expect.objectContaining({ from: '2025-10-01', to: null, short: 'Cutaneous abscess of back', long: 'Cutaneous abscess of back [any part, except buttock and flank]' }),
      ]);
      // Not mentioned: untouched.
      expect(await rowsOf(db, CodeSystem.ICD10CM, 'I10')).toEqual([expect.objectContaining({ from: '2024-10-01', to: null })]);
    });

    it('re-importing the same addenda changes nothing', async () => {
      const before = await counts(db);
      const r = await importFile(db, ReferenceKind.ICD10CM_ADDENDA, fixture('icd10cm-addenda-fy2026-mini.txt'));
      expect(r.alreadyImported).toBe(true);
      expect(await counts(db)).toEqual(before);
    });

    it('gives the same codes in force on 2025-10-01 as the FY2026 order file', async () => {
      const viaAddenda = await inForce(db.orm.em.fork(), CodeSystem.ICD10CM, '2025-10-01');
      const r = await importFile(db, ReferenceKind.ICD10CM, fixture('icd10cm-order-fy2026-mini.txt'));
      expect(counted(r)).toEqual({ added: 0, changed: 0, retired: 0, alreadyImported: false });
      expect(viaAddenda).toEqual(orderFileCodes(fixture('icd10cm-order-fy2026-mini.txt')));
    });

    it('codeValidity reports each status, and NO_DATA outside the loaded fiscal years', async () => {
      const em = db.orm.em.fork();
      const status = async (code: string, date: string) => (await codeValidity(em, CodeSystem.ICD10CM, code, date)).status;
      expect(await status('B88.01', '2025-10-01')).toBe('VALID');
      expect(await status('B8801', '2025-09-30')).toBe('NOT_EFFECTIVE');
      expect(await status('B880', '2025-09-30')).toBe('VALID');
      expect(await status('B880', '2025-10-01')).toBe('NOT_BILLABLE');
      expect(await status('E11', '2025-01-15')).toBe('NOT_BILLABLE');
      expect(await status('S30.1XXA', '2025-10-01')).toBe('NOT_EFFECTIVE');
      expect(await status('Z99999', '2025-10-01')).toBe('UNKNOWN');
      expect(await status('I10', '2024-09-30')).toBe('NO_DATA');
      expect(await status('I10', '2026-10-01')).toBe('NO_DATA');
      const valid = await codeValidity(em, CodeSystem.ICD10CM, 'i10', '2025-10-01');
      expect(valid).toMatchObject({ status: 'VALID', codeValue: 'I10', code: expect.objectContaining({ code: 'I10' }) });
      const release = await em.findOneOrFail(ReferenceRelease, valid.releaseId!);
      expect(release.effectiveFrom).toBe('2025-10-01');
      const noData = await codeValidity(em, CodeSystem.ICD10CM, 'I10', '2026-10-01');
      expect(noData.releaseId).toBeNull();
    });
  });

  describe('HCPCS Level II (ANWEB CSV)', () => {
    it('refuses a file whose name does not give the quarter when --effective is missing', async () => {
      const noQuarter = join(tmp, 'anweb.csv');
      copyFileSync(fixture('hcpcs-2020q4-mini.csv'), noQuarter);
      const err = await refusal(importFile(db, ReferenceKind.HCPCS, noQuarter));
      expect(err.message).toMatch(/anweb\.csv: cannot tell the quarter.*--effective/);
    });

    it('refuses a bad line by default, naming file:line:field, and changes nothing', async () => {
      const em = db.orm.em.fork();
      // Rows that exist before: a CPT modifier (never in the HCPCS file) and a HCPCS code the file lacks.
      em.create(Code, { system: CodeSystem.MODIFIER, code: '25', effectiveFrom: '2000-01-01' });
      em.create(Code, { system: CodeSystem.HCPCS, code: 'A9999', shortDescription: 'Fixture code', effectiveFrom: '2000-01-01' });
      await em.flush();
      const before = await counts(db);
      const err = await refusal(importFile(db, ReferenceKind.HCPCS, fixture('hcpcs-2020q4-bad.csv')));
      expect(err.message).toContain('hcpcs-2020q4-bad.csv:3: RECID:');
      expect(await counts(db)).toEqual(before);
    });

    it('refuses a continuation line that does not follow the first line of its code', async () => {
      const lines = readFileSync(fixture('hcpcs-2020q4-mini.csv'), 'utf8').split('\r\n');
      const stray = join(tmp, 'hcpcs-2020q4-stray.csv');
      writeFileSync(stray, lines.filter((l) => !l.startsWith('G0503,0010,3,')).join('\r\n'));
      const err = await refusal(importFile(db, ReferenceKind.HCPCS, stray));
      expect(err.problems).toEqual([expect.objectContaining({ line: 6, field: 'RECID', message: expect.stringMatching(/continuation line \(4\) must follow/) })]);
    });

    it('--skip-bad skips and reports the bad line', async () => {
      const r = await importFile(db, ReferenceKind.HCPCS, fixture('hcpcs-2020q4-bad.csv'), { skipBad: true });
      expect(r.problems).toEqual([expect.objectContaining({ file: 'hcpcs-2020q4-bad.csv', line: 3, field: 'RECID' })]);
      expect(r.release.skipped).toBe(1);
      // A0021 C9055 E0114 G0503 (codes), GA LT RT (modifiers); A9999 is not in the full list: retired.
      expect(counted(r)).toEqual({ added: 7, changed: 0, retired: 1, alreadyImported: false });
      expect(r.release.effectiveFrom).toBe('2020-10-01');
    });

    it('the corrected file for the same quarter adds the skipped code', async () => {
      const r = await importFile(db, ReferenceKind.HCPCS, fixture('hcpcs-2020q4-mini.csv'));
      expect(counted(r)).toEqual({ added: 1, changed: 0, retired: 0, alreadyImported: false });
      expect(await rowsOf(db, CodeSystem.HCPCS, 'A4206')).toEqual([expect.objectContaining({ from: '1985-01-01', to: null })]);
      // Continuation lines (RECID 4 and 8) are joined to the long description.
      const [g0503] = await rowsOf(db, CodeSystem.HCPCS, 'G0503');
      expect(g0503!.long).toMatch(/and\/or other treatment goals and are prepared for discharge from active treatment$/);
      expect(g0503).toMatchObject({ from: '2017-01-01', to: '2017-12-31' }); // TERM DT is the last valid day
      const [ga] = await rowsOf(db, CodeSystem.MODIFIER, 'GA');
      expect(ga!.long).toBe('Waiver of liability statement issued as required by payer policy, individual case');
      expect(await rowsOf(db, CodeSystem.HCPCS, 'C9055')).toEqual([expect.objectContaining({ from: '2020-01-01', to: '2020-09-30' })]);
      expect(await rowsOf(db, CodeSystem.HCPCS, 'A9999')).toEqual([expect.objectContaining({ to: '2020-09-30' })]);
      expect(await rowsOf(db, CodeSystem.MODIFIER, '25')).toEqual([expect.objectContaining({ to: null })]);
    });

    it('re-importing the same file changes nothing', async () => {
      const before = await counts(db);
      expect((await importFile(db, ReferenceKind.HCPCS, fixture('hcpcs-2020q4-mini.csv'))).alreadyImported).toBe(true);
      expect(await counts(db)).toEqual(before);
    });

    it('the next quarter adds, revises, terminates and retires; CPT modifiers stay', async () => {
      const r = await importFile(db, ReferenceKind.HCPCS, fixture('hcpcs-2021q1-mini.csv'));
      // added J1100; changed A4206 (new wording from ACT EFF DT); retired A0021 (TERM DT 2021-03-31), E0114 and RT (absent)
      expect(counted(r)).toEqual({ added: 1, changed: 1, retired: 3, alreadyImported: false });
      const a4206 = await rowsOf(db, CodeSystem.HCPCS, 'A4206');
      expect(a4206).toEqual([
        expect.objectContaining({ from: '1985-01-01', to: '2020-12-31', long: 'Syringe with needle, sterile, 1 cc or less, each' }),
        expect.objectContaining({ from: '2021-01-01', to: null, long: expect.stringContaining('(fixture: revised wording)') }),
      ]);
      expect(await rowsOf(db, CodeSystem.HCPCS, 'A0021')).toEqual([expect.objectContaining({ to: '2021-03-31' })]);
      expect(await rowsOf(db, CodeSystem.HCPCS, 'E0114')).toEqual([expect.objectContaining({ to: '2020-12-31' })]);
      expect(await rowsOf(db, CodeSystem.MODIFIER, 'RT')).toEqual([expect.objectContaining({ to: '2020-12-31' })]);
      expect(await rowsOf(db, CodeSystem.MODIFIER, '25')).toEqual([expect.objectContaining({ to: null })]);
      // The previous release now ends the day before.
      const releases = await db.orm.em.fork().find(ReferenceRelease, { kind: ReferenceKind.HCPCS }, { orderBy: { effectiveFrom: 'asc', importedAt: 'asc' } });
      expect(releases.map((x) => [x.effectiveFrom, x.effectiveTo])).toEqual([
        ['2020-10-01', '2020-12-31'],
        ['2020-10-01', '2020-12-31'],
        ['2021-01-01', null],
      ]);
    });

    it('refuses an older release after a newer one', async () => {
      const older = join(tmp, 'anweb-older.csv');
      writeFileSync(older, readFileSync(fixture('hcpcs-2020q4-mini.csv'), 'utf8') + '\r\n');
      const before = await counts(db);
      const err = await refusal(importFile(db, ReferenceKind.HCPCS, older, { effectiveFrom: '2020-07-01' }));
      expect(err.message).toMatch(/anweb-older\.csv: a newer HCPCS release \(.+, from 20[0-9-]+\) is already loaded; import releases in date order/);
      expect(await counts(db)).toEqual(before);
    });

    it('codeValidity for HCPCS codes and modifiers by date', async () => {
      const em = db.orm.em.fork();
      const results = await codeValidityMany(em, [
        { system: CodeSystem.HCPCS, code: 'j1100', date: '2021-02-01' },
        { system: CodeSystem.HCPCS, code: 'J1100', date: '2020-12-31' },
        { system: CodeSystem.HCPCS, code: 'C9055', date: '2020-10-01' },
        { system: CodeSystem.HCPCS, code: 'E0114', date: '2020-12-31' },
        { system: CodeSystem.HCPCS, code: 'E0114', date: '2021-01-01' },
        { system: CodeSystem.HCPCS, code: 'A0021', date: '2021-04-01' },
        { system: CodeSystem.HCPCS, code: 'Q9999', date: '2021-01-01' },
        { system: CodeSystem.HCPCS, code: 'A0021', date: '2020-09-30' },
        { system: CodeSystem.MODIFIER, code: 'lt', date: '2021-01-01' },
        { system: CodeSystem.MODIFIER, code: '25', date: '2021-01-01' },
      ]);
      expect(results.map((x) => x.status)).toEqual([
        'VALID',
        'NOT_EFFECTIVE',
        'NOT_EFFECTIVE',
        'VALID',
        'NOT_EFFECTIVE',
        'NOT_EFFECTIVE',
        'UNKNOWN',
        'NO_DATA', // before the first HCPCS release
        'VALID',
        'NO_DATA', // CPT modifiers are vouched for by a CPT release: none loaded yet
      ]);
    });
  });

  describe('place of service', () => {
    it('requires --effective when the file name carries no date', async () => {
      const err = await refusal(importFile(db, ReferenceKind.POS, fixture('pos-mini.csv')));
      expect(err.message).toMatch(/pos-mini\.csv: .*pass --effective/);
    });

    it('loads assigned codes (name → short, description → long), skipping "Unassigned"', async () => {
      const r = await importFile(db, ReferenceKind.POS, fixture('pos-mini.csv'), { effectiveFrom: '2025-01-01' });
      expect(counted(r)).toEqual({ added: 8, changed: 0, retired: 0, alreadyImported: false });
      expect(await rowsOf(db, CodeSystem.POS, '00')).toEqual([]);
      const [tele] = await rowsOf(db, CodeSystem.POS, '02');
      expect(tele).toMatchObject({ from: '2025-01-01', short: 'Telehealth Provided Other than in Patient’s Home', long: expect.stringMatching(/^TELEHEALTH \(EFFECTIVE JANUARY 1, 2022\)/) });
      expect((await codeValidity(db.orm.em.fork(), CodeSystem.POS, '11', '2025-06-01')).status).toBe('VALID');
      expect((await codeValidity(db.orm.em.fork(), CodeSystem.POS, '00', '2025-06-01')).status).toBe('UNKNOWN');
      expect((await codeValidity(db.orm.em.fork(), CodeSystem.POS, '11', '2024-12-31')).status).toBe('NO_DATA');
    });

    it('a file named with its date needs no --effective; absent codes are retired', async () => {
      const dated = join(tmp, 'pos-2026-01-01.csv');
      writeFileSync(dated, readFileSync(fixture('pos-mini.csv'), 'utf8').replace(/^26,.*\n/m, ''));
      const r = await importFile(db, ReferenceKind.POS, dated);
      expect(counted(r)).toEqual({ added: 0, changed: 0, retired: 1, alreadyImported: false });
      expect(await rowsOf(db, CodeSystem.POS, '26')).toEqual([expect.objectContaining({ to: '2025-12-31' })]);
    });
  });

  describe('CPT (user-supplied codes)', () => {
    it('requires --effective', async () => {
      const err = await refusal(importFile(db, ReferenceKind.CPT, fixture('cpt-codes.csv')));
      expect(err.message).toMatch(/cpt-codes\.csv: a CPT file carries no dates; pass --effective/);
    });

    it('refuses a code that is not CPT-shaped, naming file:line:field', async () => {
      const before = await counts(db);
      const err = await refusal(importFile(db, ReferenceKind.CPT, fixture('cpt-bad.csv'), { effectiveFrom: '2025-01-01' }));
      expect(err.message).toContain('cpt-bad.csv:3: code: is not a CPT code');
      expect(await counts(db)).toEqual(before);
    });

    it('loads a CSV with a header: codes, optional descriptions, CPT modifiers', async () => {
      const r = await importFile(db, ReferenceKind.CPT, fixture('cpt-codes.csv'), { effectiveFrom: '2025-01-01' });
      // 99213 99214 0001U 1234F; modifier 59 (25 was already stored, without text: unchanged)
      expect(counted(r)).toEqual({ added: 5, changed: 0, retired: 0, alreadyImported: false });
      expect(await rowsOf(db, CodeSystem.CPT, '99213')).toEqual([expect.objectContaining({ from: '2025-01-01', short: 'Office visit (clinic label)', long: null })]);
      expect(await rowsOf(db, CodeSystem.CPT, '99214')).toEqual([expect.objectContaining({ short: null, long: null })]);
      // HCPCS modifiers are not the CPT file's to retire.
      expect(await rowsOf(db, CodeSystem.MODIFIER, 'LT')).toEqual([expect.objectContaining({ to: null })]);
      expect((await codeValidity(db.orm.em.fork(), CodeSystem.MODIFIER, '25', '2025-03-01')).status).toBe('VALID');
    });

    it('loads a plain one-code-per-line file as the next release', async () => {
      const r = await importFile(db, ReferenceKind.CPT, fixture('cpt-plain.txt'), { effectiveFrom: '2026-01-01' });
      // added 99215; changed 99213 (its text is gone); retired 1234F; modifiers untouched (none listed)
      expect(counted(r)).toEqual({ added: 1, changed: 1, retired: 1, alreadyImported: false });
      expect(await rowsOf(db, CodeSystem.CPT, '99213')).toEqual([
        expect.objectContaining({ from: '2025-01-01', to: '2025-12-31', short: 'Office visit (clinic label)' }),
        expect.objectContaining({ from: '2026-01-01', to: null, short: null }),
      ]);
      expect(await rowsOf(db, CodeSystem.MODIFIER, '59')).toEqual([expect.objectContaining({ to: null })]);
    });

    it('refuses an out-of-order release', async () => {
      const older = join(tmp, 'cpt-older.txt');
      writeFileSync(older, '99213\n');
      const err = await refusal(importFile(db, ReferenceKind.CPT, older, { effectiveFrom: '2024-01-01' }));
      expect(err.message).toMatch(/cpt-older\.txt: a newer CPT release \(.+\) is already loaded/);
    });
  });

  it('codeValidityMany checks a 10-line claim in two queries', async () => {
    const em = db.orm.em.fork();
    const claim = [
      { system: CodeSystem.ICD10CM, code: 'I10', date: '2025-11-03' },
      { system: CodeSystem.ICD10CM, code: 'E119', date: '2025-11-03' },
      { system: CodeSystem.ICD10CM, code: 'Z91012', date: '2025-11-03' },
      { system: CodeSystem.CPT, code: '99213', date: '2025-11-03' },
      { system: CodeSystem.CPT, code: '99215', date: '2025-11-03' },
      { system: CodeSystem.HCPCS, code: 'J1100', date: '2025-11-03' },
      { system: CodeSystem.MODIFIER, code: '25', date: '2025-11-03' },
      { system: CodeSystem.MODIFIER, code: 'LT', date: '2025-11-03' },
      { system: CodeSystem.POS, code: '11', date: '2025-11-03' },
      { system: CodeSystem.POS, code: '26', date: '2025-11-03' },
    ];
    db.queries.length = 0;
    const results = await codeValidityMany(em, claim);
    // MikroORM's query log lines: "[query] select … [took n ms]", possibly coloured.
    const statements = db.queries.map(sqlOf).filter((q) => /^\s*(select|with)\b/i.test(q));
    expect(statements).toHaveLength(2);
    expect(results.map((r) => r.status)).toEqual(['VALID', 'VALID', 'NOT_BILLABLE', 'VALID', 'NOT_EFFECTIVE', 'VALID', 'VALID', 'VALID', 'VALID', 'VALID']);
  });

  it('claimflow import exits 1 on a refused file and names file:line:field on stderr', async () => {
    if (!existsSync(join(ROOT, 'dist', 'src', 'cli.js'))) throw new Error('dist/ is missing: run `npm run build` (npm test does) before these tests');
    const scratch = testDialect() === 'postgresql' ? await createScratchPgDatabase(testPgUrl(), 'claimflow_cli_import') : null;
    try {
      const out = spawnSync(process.execPath, [join(ROOT, 'bin', 'claimflow.js'), 'import', 'cpt', fixture('cpt-bad.csv'), '--effective', '2025-01-01'], {
        cwd: ROOT,
        env: {
          ...process.env,
          DATABASE_URL: scratch?.url ?? `sqlite:${join(tmp, 'cli.sqlite')}`,
          CLAIMFLOW_TOKEN: signToken(process.env.CLAIMFLOW_JWT_SECRET!, { sub: 'compliance-1', role: Role.COMPLIANCE }, 600),
        },
        encoding: 'utf8',
        timeout: 30_000,
      });
      expect(out.stderr).toContain('cpt-bad.csv:3: code: is not a CPT code');
      expect(out.status).toBe(1);
      expect(out.stdout).toBe('');
    } finally {
      await scratch?.drop();
    }
  });
});
