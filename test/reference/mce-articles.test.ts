import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ImportRefusedError } from '../../src/modules/reference/import/errors';
import { runImport, type ImportResult } from '../../src/modules/reference/import/runner';
import type { ImportOptions } from '../../src/modules/reference/import/types';
import { ArticleFile } from '../../src/modules/reference/importers/coverage-article';
import { importerFor } from '../../src/modules/reference/importers';
import { ageSexEdits, violatesAgeSex, type AgeSexEdit } from '../../src/modules/reference/lookups/age-sex';
import { coveredDiagnoses } from '../../src/modules/reference/lookups/coverage-articles';
import { ArticleDiagnosis, ArticleProcedure, CodeEdit, ReferenceKind, ReferenceRelease } from '../../src/modules/reference/reference.entities';
import { createTestDb, type TestDb } from '../support/db';

const FIXTURES = join(__dirname, '../fixtures/reference');
const SHARED_MCE = join(__dirname, '../../../shared/data/codes/mce/mce-simple-code-edits-v37-fy2020.tsv');

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'claimflow-mce-articles-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function fixture(name: string): string {
  return join(FIXTURES, name);
}

/** A copy of a fixture under another name, with one line (1-based) rewritten. */
function variant(source: string, name: string, edit?: { line: number; from: string; to: string }): string {
  const lines = readFileSync(fixture(source), 'utf8').split('\n');
  if (edit) {
    expect(lines[edit.line - 1]).toContain(edit.from);
    lines[edit.line - 1] = lines[edit.line - 1]!.replace(edit.from, edit.to);
  }
  const path = join(tmp, name);
  writeFileSync(path, lines.join('\n'));
  return path;
}

async function counts(db: TestDb) {
  const em = db.orm.em.fork();
  return {
    releases: await em.count(ReferenceRelease),
    edits: await em.count(CodeEdit),
    procedures: await em.count(ArticleProcedure),
    diagnoses: await em.count(ArticleDiagnosis),
  };
}

function importFile(db: TestDb, kind: ReferenceKind, path: string, opts: Partial<ImportOptions> = {}): Promise<ImportResult> {
  return runImport(db.orm.em.fork(), importerFor(kind), path, { actor: 'test', ...opts });
}

function edit(list: AgeSexEdit[] | undefined, editType: string): AgeSexEdit {
  const found = list?.find((e) => e.editType === editType);
  if (!found) throw new Error(`no ${editType} edit in ${JSON.stringify(list)}`);
  return found;
}

describe('MCE age and sex edits (fixtures in the simple-edit TSV layout)', () => {
  let db: TestDb;
  beforeAll(async () => {
    db = await createTestDb();
  });
  afterAll(() => db.close());

  it('reports NO_DATA before any MCE release is loaded', async () => {
    expect(await ageSexEdits(db.orm.em.fork(), ['N80.0'], '2018-03-01')).toEqual({ status: 'NO_DATA', date: '2018-03-01' });
  });

  it('imports one MCE version as a fiscal-year release with ages and sex from that version', async () => {
    const r = await importFile(db, ReferenceKind.MCE, fixture('mce_simple_edits_v35_fy2018_sample.tsv'));
    expect(r.alreadyImported).toBe(false);
    expect(r.rowsRead).toBe(13);
    expect(r.counts).toEqual({ added: 13, changed: 0, retired: 0 });
    expect(r.release).toMatchObject({ kind: ReferenceKind.MCE, effectiveFrom: '2017-10-01', effectiveTo: '2018-09-30', rowsRead: 13, added: 13 });
    const em = db.orm.em.fork();
    // v35: maternity is 12–55; other edit types are kept with no ages and no sex.
    expect(await em.findOneOrFail(CodeEdit, { code: 'O80', editType: 'Maternity_Only' })).toMatchObject({ codeType: 'D', ageMin: 12, ageMax: 55, sex: null, effectiveFrom: '2017-10-01', effectiveTo: null });
    expect(await em.findOneOrFail(CodeEdit, { code: '0UT90ZZ', editType: 'Female_Only' })).toMatchObject({ codeType: 'P', sex: 'F', ageMin: null });
    expect(await em.findOneOrFail(CodeEdit, { code: 'Z5189' })).toMatchObject({ editType: 'Principal_Unacceptable', ageMin: null, ageMax: null, sex: null });
  });

  it('re-importing the same file, or the same list in other bytes, changes nothing', async () => {
    const before = await counts(db);
    const same = await importFile(db, ReferenceKind.MCE, fixture('mce_simple_edits_v35_fy2018_sample.tsv'));
    expect(same.alreadyImported).toBe(true);
    expect(await counts(db)).toEqual(before);

    const crlf = join(tmp, 'mce_simple_edits_v35_fy2018_crlf.tsv');
    writeFileSync(crlf, readFileSync(fixture('mce_simple_edits_v35_fy2018_sample.tsv'), 'utf8').replace(/\n/g, '\r\n'));
    const again = await importFile(db, ReferenceKind.MCE, crlf);
    expect(again.alreadyImported).toBe(false);
    expect(again.counts).toEqual({ added: 0, changed: 0, retired: 0 });
    expect((await counts(db)).edits).toBe(before.edits);
  });

  it('refuses a file with a bad line as a whole, naming file, line and field, and changes nothing', async () => {
    const before = await counts(db);
    const bad = variant('mce_simple_edits_v36_fy2019_sample.tsv', 'mce_simple_edits_v36_fy2019_bad.tsv', { line: 4, from: '\tPediatric_Only\tD\t', to: '\tPediatric_Only\tX\t' });
    const err = await importFile(db, ReferenceKind.MCE, bad).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ImportRefusedError);
    expect((err as ImportRefusedError).problems).toEqual([{ file: 'mce_simple_edits_v36_fy2019_bad.tsv', line: 4, field: 'ICD_Code_Type', message: 'must be D (diagnosis) or P (procedure)' }]);
    expect((err as Error).message).toContain('mce_simple_edits_v36_fy2019_bad.tsv:4: ICD_Code_Type:');
    expect((err as Error).message).not.toContain('A4851');
    expect(await counts(db)).toEqual(before);
  });

  it('refuses a file whose MCE version is not the fiscal year it is imported as', async () => {
    const before = await counts(db);
    const path = variant('mce_simple_edits_v36_fy2019_sample.tsv', 'mce_edits.tsv');
    await expect(importFile(db, ReferenceKind.MCE, path)).rejects.toThrow(/fiscal year|--fiscal-year/);
    await expect(importFile(db, ReferenceKind.MCE, path, { fiscalYear: 2021 })).rejects.toThrow(/MCE v36 is for fiscal year 2019/);
    expect(await counts(db)).toEqual(before);
  });

  it('--skip-bad imports the rest, then the corrected file for the same year replaces it', async () => {
    const bad = join(tmp, 'mce_simple_edits_v36_fy2019_bad.tsv');
    const skipped = await importFile(db, ReferenceKind.MCE, bad, { skipBad: true });
    expect(skipped.problems).toEqual([expect.objectContaining({ line: 4, field: 'ICD_Code_Type' })]);
    expect(skipped.release).toMatchObject({ effectiveFrom: '2018-10-01', effectiveTo: '2019-09-30', skipped: 1, rowsRead: 12 });
    // Against FY2018: A1814 adult edit new; O80 maternity widened to 9–64; Z3A01 maternity gone and A4851 (the bad line) absent.
    expect(skipped.counts).toEqual({ added: 1, changed: 1, retired: 2 });

    const good = await importFile(db, ReferenceKind.MCE, fixture('mce_simple_edits_v36_fy2019_sample.tsv'));
    expect(good.counts).toEqual({ added: 1, changed: 0, retired: 0 });
    const em = db.orm.em.fork();
    const maternity = await em.find(CodeEdit, { code: 'O80', editType: 'Maternity_Only' }, { orderBy: { effectiveFrom: 'asc' } });
    expect(maternity.map((e) => [e.ageMin, e.ageMax, e.effectiveFrom, e.effectiveTo])).toEqual([
      [12, 55, '2017-10-01', '2018-09-30'],
      [9, 64, '2018-10-01', null],
    ]);
    expect(await em.findOneOrFail(CodeEdit, { code: 'Z3A01', editType: 'Maternity_Only' })).toMatchObject({ effectiveTo: '2018-09-30' });
  });

  it('answers age and sex edits per code on a date, and NO_DATA outside the loaded fiscal years', async () => {
    const em = db.orm.em.fork();
    const fy19 = await ageSexEdits(em, ['N80.0', 'Z00.110', 'O80', 'N400', 'I10', 'Z5189', 'Z3A01'], '2019-03-01');
    if (fy19.status !== 'OK') throw new Error('expected data');
    expect(fy19.release).toMatchObject({ fileName: 'mce_simple_edits_v36_fy2019_sample.tsv', effectiveFrom: '2018-10-01' });
    expect(fy19.byCode.get('I10')).toEqual([]);
    expect(fy19.byCode.get('Z5189')).toEqual([]); // principal-diagnosis edits are not age/sex edits
    expect(fy19.byCode.get('Z3A01')).toEqual([]); // its maternity edit was retired in FY2019

    // A Female_Only code for a male patient.
    const female = edit(fy19.byCode.get('N80.0'), 'Female_Only');
    expect(female).toEqual({ kind: 'SEX', editType: 'Female_Only', ageMin: null, ageMax: null, sex: 'F' });
    expect(violatesAgeSex(female, { ageYears: 40, sex: 'M' })).toBe(true);
    expect(violatesAgeSex(female, { ageYears: 40, sex: 'F' })).toBe(false);
    expect(violatesAgeSex(female, { ageYears: 40, sex: 'U' })).toBe(false);

    // A Newborn_Only code for a 40-year-old.
    const newborn = edit(fy19.byCode.get('Z00.110'), 'Newborn_Only');
    expect(newborn).toMatchObject({ kind: 'AGE', ageMin: 0, ageMax: 0 });
    expect(violatesAgeSex(newborn, { ageYears: 40, sex: 'F' })).toBe(true);
    expect(violatesAgeSex(newborn, { ageYears: 0, sex: 'F' })).toBe(false);

    const adult = edit(fy19.byCode.get('N400'), 'Adult_Only');
    expect(violatesAgeSex(adult, { ageYears: 14, sex: 'M' })).toBe(true);
    expect(violatesAgeSex(edit(fy19.byCode.get('N400'), 'Male_Only'), { ageYears: 60, sex: 'F' })).toBe(true);

    // Maternity ages follow the MCE version: a 10-year-old fits 9–64 (FY2019) but not 12–55 (FY2018).
    expect(violatesAgeSex(edit(fy19.byCode.get('O80'), 'Maternity_Only'), { ageYears: 10, sex: 'F' })).toBe(false);
    const fy18 = await ageSexEdits(em, ['O80'], '2018-03-01');
    if (fy18.status !== 'OK') throw new Error('expected data');
    expect(violatesAgeSex(edit(fy18.byCode.get('O80'), 'Maternity_Only'), { ageYears: 10, sex: 'F' })).toBe(true);
    expect(violatesAgeSex(edit(fy18.byCode.get('O80'), 'Maternity_Only'), { ageYears: 56, sex: 'F' })).toBe(true);

    expect(await ageSexEdits(em, ['N80.0'], '2017-09-30')).toEqual({ status: 'NO_DATA', date: '2017-09-30' });
    expect(await ageSexEdits(em, ['N80.0'], '2019-10-01')).toEqual({ status: 'NO_DATA', date: '2019-10-01' });
  });
});

describe('MCE v37 (FY2020) from ../shared/data', () => {
  const present = existsSync(SHARED_MCE);
  let db: TestDb | undefined;
  beforeAll(async () => {
    if (!present) {
      console.log(`skipping the real MCE file: ${SHARED_MCE} is missing (../shared/data not present)`);
      return;
    }
    db = await createTestDb();
  });
  afterAll(() => db?.close());

  it('imports the whole list with the v37 ages, once', async () => {
    if (!db) return;
    const started = Date.now();
    const r = await importFile(db, ReferenceKind.MCE, SHARED_MCE);
    const seconds = (Date.now() - started) / 1000;
    console.log(`MCE v37: ${r.rowsRead} rows, ${r.counts.added} added in ${seconds.toFixed(2)} s (${db.dialect})`);
    expect(r.rowsRead).toBe(14153);
    expect(r.counts).toEqual({ added: 14153, changed: 0, retired: 0 });
    expect(r.release).toMatchObject({ effectiveFrom: '2019-10-01', effectiveTo: '2020-09-30' });

    const em = db.orm.em.fork();
    const byType = async (editType: string, codeType = 'D') => em.count(CodeEdit, { editType, codeType });
    expect(await byType('Newborn_Only')).toBe(41);
    expect(await byType('Pediatric_Only')).toBe(114);
    expect(await byType('Maternity_Only')).toBe(2372);
    expect(await byType('Adult_Only')).toBe(771);
    expect(await byType('Female_Only')).toBe(3135);
    expect(await byType('Female_Only', 'P')).toBe(2294);
    expect(await byType('Male_Only')).toBe(529);
    expect(await byType('Male_Only', 'P')).toBe(1916);
    expect(await em.count(CodeEdit, { editType: 'Maternity_Only', $or: [{ ageMin: { $ne: 9 } }, { ageMax: { $ne: 64 } }] })).toBe(0);

    const before = await counts(db);
    expect((await importFile(db, ReferenceKind.MCE, SHARED_MCE)).alreadyImported).toBe(true);
    expect(await counts(db)).toEqual(before);

    const found = await ageSexEdits(em, ['O80', 'Z00.110', 'N40.0', 'I10'], '2020-01-15');
    if (found.status !== 'OK') throw new Error('expected data');
    expect(found.byCode.get('O80')!.map((e) => [e.editType, e.ageMin, e.ageMax, e.sex])).toEqual([
      ['Female_Only', null, null, 'F'],
      ['Maternity_Only', 9, 64, null],
    ]);
    expect(found.byCode.get('Z00.110')!.map((e) => e.editType)).toEqual(['Newborn_Only']);
    expect(found.byCode.get('N40.0')!.map((e) => e.editType)).toEqual(['Adult_Only', 'Male_Only']);
    expect(found.byCode.get('I10')).toEqual([]);
    expect((await ageSexEdits(em, ['O80'], '2020-10-01')).status).toBe('NO_DATA');
  });
});

describe('Medicare coverage article lists (fixtures in the MCD download layout)', () => {
  let db: TestDb;
  beforeAll(async () => {
    db = await createTestDb();
  });
  afterAll(() => db.close());

  it('reports NO_DATA while the lists are not loaded, naming the missing ones', async () => {
    expect(await coveredDiagnoses(db.orm.em.fork(), '93880', '2025-02-01')).toEqual({
      status: 'NO_DATA',
      date: '2025-02-01',
      missing: [ArticleFile.HCPC_CODE, ArticleFile.ICD10_COVERED],
    });
  });

  it('needs --effective', async () => {
    await expect(importFile(db, ReferenceKind.COVERAGE_ARTICLE, fixture('article_x_hcpc_code.csv'))).rejects.toThrow(/--effective/);
  });

  it('imports each list as a release and answers covered diagnoses per article', async () => {
    const hcpc = await importFile(db, ReferenceKind.COVERAGE_ARTICLE, fixture('article_x_hcpc_code.csv'), { effectiveFrom: '2025-01-01' });
    expect(hcpc).toMatchObject({ rowsRead: 5, counts: { added: 5, changed: 0, retired: 0 } });
    expect(hcpc.release).toMatchObject({ effectiveFrom: '2025-01-01', effectiveTo: null });
    expect(await coveredDiagnoses(db.orm.em.fork(), '93880', '2025-02-01')).toMatchObject({ status: 'NO_DATA', missing: [ArticleFile.ICD10_COVERED] });

    // The quoted description running over a line break is one record.
    const covered = await importFile(db, ReferenceKind.COVERAGE_ARTICLE, fixture('article_x_icd10_covered.csv'), { effectiveFrom: '2025-01-01' });
    expect(covered).toMatchObject({ rowsRead: 5, counts: { added: 5, changed: 0, retired: 0 } });
    const noncovered = await importFile(db, ReferenceKind.COVERAGE_ARTICLE, fixture('article_x_icd10_noncovered.csv'), { effectiveFrom: '2025-01-01' });
    expect(noncovered).toMatchObject({ rowsRead: 1, counts: { added: 1, changed: 0, retired: 0 } });

    const em = db.orm.em.fork();
    const res = await coveredDiagnoses(em, '93880', '2025-02-01');
    if (res.status !== 'OK') throw new Error('expected data');
    expect(res.releases).toMatchObject({
      procedures: { fileName: 'article_x_hcpc_code.csv' },
      covered: { fileName: 'article_x_icd10_covered.csv' },
      nonCovered: { fileName: 'article_x_icd10_noncovered.csv' },
    });
    expect(res.articles).toEqual([
      {
        articleId: '56789',
        displayId: 'A56789',
        articleVersion: 12,
        procedureGroups: [1, 2],
        coveredGroups: [
          { group: 1, codes: ['I6521', 'I6522', 'I6523'] },
          { group: 2, codes: ['G459'] },
        ],
        nonCoveredGroups: [{ group: 1, codes: ['Z136'] }],
        otherVersions: [],
      },
      { articleId: '57000', displayId: 'A57000', articleVersion: 3, procedureGroups: [1], coveredGroups: [{ group: 1, codes: ['R55'] }], nonCoveredGroups: [], otherVersions: [] },
    ]);

    // A procedure no article lists: no limit from articles — data present, so not NO_DATA.
    expect(await coveredDiagnoses(em, '99213', '2025-02-01')).toMatchObject({ status: 'OK', articles: [] });
    expect((await coveredDiagnoses(em, 'G0108', '2025-02-01')) as { articles: unknown[] }).toMatchObject({ articles: [{ articleId: '57000' }] });
    // Before the first release: missing, never a pass.
    expect(await coveredDiagnoses(em, '93880', '2024-12-31')).toMatchObject({ status: 'NO_DATA' });
  });

  it('re-importing the same file changes nothing', async () => {
    const before = await counts(db);
    const again = await importFile(db, ReferenceKind.COVERAGE_ARTICLE, fixture('article_x_icd10_covered.csv'), { effectiveFrom: '2025-01-01' });
    expect(again.alreadyImported).toBe(true);
    expect(await counts(db)).toEqual(before);
  });

  it('refuses a bad line naming file, line and field; --skip-bad skips it', async () => {
    const before = await counts(db);
    const bad = variant('article_x_hcpc_code.csv', 'article_x_hcpc_code_2025q2.csv', { line: 3, from: '93882', to: '9388' });
    const err = await importFile(db, ReferenceKind.COVERAGE_ARTICLE, bad, { effectiveFrom: '2025-04-01' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ImportRefusedError);
    expect((err as ImportRefusedError).problems).toEqual([{ file: 'article_x_hcpc_code_2025q2.csv', line: 3, field: 'hcpc_code_id', message: 'is not a CPT or HCPCS Level II code' }]);
    expect((err as Error).message).toContain('article_x_hcpc_code_2025q2.csv:3: hcpc_code_id:');
    expect(await counts(db)).toEqual(before);

    const skipped = await importFile(db, ReferenceKind.COVERAGE_ARTICLE, bad, { effectiveFrom: '2025-04-01', skipBad: true });
    expect(skipped).toMatchObject({ rowsRead: 4, counts: { added: 0, changed: 0, retired: 1 }, release: { skipped: 1 } });
    const em = db.orm.em.fork();
    // The new procedure list applies from April 1; the covered list of January 1 still applies.
    const april = await coveredDiagnoses(em, '93882', '2025-04-15');
    expect(april).toMatchObject({ status: 'OK', articles: [], releases: { procedures: { fileName: 'article_x_hcpc_code_2025q2.csv' }, covered: { fileName: 'article_x_icd10_covered.csv' } } });
    expect(await coveredDiagnoses(em, '93882', '2025-03-31')).toMatchObject({ status: 'OK', articles: [{ articleId: '56789', procedureGroups: [1] }] });
  });

  it('recognises a list by its header when the name does not say, whatever the column order', async () => {
    const r = await importFile(db, ReferenceKind.COVERAGE_ARTICLE, fixture('mcd-dx-list-2025q3.csv'), { effectiveFrom: '2025-07-01' });
    // Against the January covered list: I65.29 new, G45.9 gone, R55's article moved to version 4.
    expect(r).toMatchObject({ rowsRead: 5, counts: { added: 1, changed: 1, retired: 1 } });
    const res = await coveredDiagnoses(db.orm.em.fork(), '93880', '2025-07-02');
    if (res.status !== 'OK') throw new Error('expected data');
    expect(res.articles.find((a) => a.articleId === '56789')!.coveredGroups).toEqual([{ group: 1, codes: ['I6521', 'I6522', 'I6523', 'I6529'] }]);
    expect(res.articles.find((a) => a.articleId === '57000')).toMatchObject({ articleVersion: 3, otherVersions: [4] });
  });

  it('refuses a file whose name and header disagree, or that has no header', async () => {
    const before = await counts(db);
    const path = join(tmp, 'article_x_icd10_noncovered_2025q4.csv');
    writeFileSync(path, readFileSync(fixture('article_x_icd10_covered.csv'), 'utf8').replace(/2025-01-10/g, '2025-09-26'));
    await expect(importFile(db, ReferenceKind.COVERAGE_ARTICLE, path, { effectiveFrom: '2025-10-01' })).rejects.toThrow(/name says ICD10_NONCOVERED but the header is ICD10_COVERED/);
    const headless = join(tmp, 'article_x_hcpc_code_headless.csv');
    writeFileSync(headless, readFileSync(fixture('article_x_hcpc_code.csv'), 'utf8').split('\n').slice(1).join('\n'));
    await expect(importFile(db, ReferenceKind.COVERAGE_ARTICLE, headless, { effectiveFrom: '2025-10-01' })).rejects.toThrow(/not an MCD article header/);
    expect(await counts(db)).toEqual(before);
  });
});
