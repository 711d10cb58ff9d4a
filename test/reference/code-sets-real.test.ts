import { join } from 'node:path';
import { CodeSystem } from '../../src/modules/code/code.entity';
import { codeValidityMany } from '../../src/modules/reference/lookups/code-validity';
import { ReferenceKind } from '../../src/modules/reference/reference.entities';
import { createTestDb, type TestDb } from '../support/db';
import { counted, HAVE_SHARED, importFile, inForce, orderFileCodes, SHARED } from './code-set-helpers';

// The published files in ../shared/data (read in place, never copied into the project). Kept apart
// from code-sets.test.ts because a full ICD-10-CM year and its addenda take most of this file's time.
if (!HAVE_SHARED) console.log(`code-sets-real.test: ${SHARED} not found: skipping the tests on the real ICD-10-CM, HCPCS and POS files (CI has them)`);

const codes = (...p: string[]) => join(SHARED, 'codes', ...p);

(HAVE_SHARED ? describe : describe.skip)('code-set importers on the real files in ../shared/data', () => {
  let db: TestDb;
  beforeAll(async () => {
    db = await createTestDb();
  });
  afterAll(async () => {
    await db?.close();
  });

  it('ICD-10-CM FY2025, then the FY2026 addenda, gives exactly the FY2026 order file', async () => {
    const fy2025 = await importFile(db, ReferenceKind.ICD10CM, codes('icd10cm', 'icd10cm_order_2025.txt'));
    expect(counted(fy2025)).toEqual({ added: 97584, changed: 0, retired: 0, alreadyImported: false });
    const addenda = await importFile(db, ReferenceKind.ICD10CM_ADDENDA, codes('icd10cm', 'icd10cm_order_addenda_2026.txt'));
    // 630 Add, 28 Delete, 45 Revise pairs: 16 codes are deleted and re-added with the other
    // billable flag (counted as changed), so 614 added, 45 + 16 changed, 28 − 16 retired.
    expect(counted(addenda)).toEqual({ added: 614, changed: 61, retired: 12, alreadyImported: false });
    expect(addenda.rowsRead).toBe(748);
    const viaAddenda = await inForce(db.orm.em.fork(), CodeSystem.ICD10CM, '2025-10-01');
    expect(viaAddenda.size).toBe(98186);
    // Same codes, flags and texts as the FY2026 order file itself. (Importing that file on top
    // then adds, changes and retires nothing; left out here to keep this file fast.)
    expect(viaAddenda).toEqual(orderFileCodes(codes('icd10cm', 'icd10cm_order_2026.txt')));
  });

  it('HCPCS Level II, October 2020', async () => {
    const r = await importFile(db, ReferenceKind.HCPCS, codes('hcpcs', 'hcpcs-level2-2020q4-anweb.csv'));
    // 6,825 procedure and 371 modifier first lines, one continuation; 629 codes were terminated
    // before 2020-10-01 and are kept as history.
    expect(counted(r)).toEqual({ added: 7196, changed: 0, retired: 0, alreadyImported: false });
    expect(r.rowsRead).toBe(7197);
    expect(r.release.effectiveFrom).toBe('2020-10-01');
    const em = db.orm.em.fork();
    const procedures = await inForce(em, CodeSystem.HCPCS, '2020-10-01');
    const modifiers = await inForce(em, CodeSystem.MODIFIER, '2020-10-01');
    expect(procedures.size + modifiers.size).toBe(7196 - 629);
    const [j1100, c9055, g0503, lt] = await codeValidityMany(em, [
      { system: CodeSystem.HCPCS, code: 'J1100', date: '2020-10-01' },
      { system: CodeSystem.HCPCS, code: 'C9055', date: '2020-10-01' }, // discontinued: TERM DT 2020-09-30
      { system: CodeSystem.HCPCS, code: 'G0503', date: '2020-10-01' },
      { system: CodeSystem.MODIFIER, code: 'LT', date: '2020-10-01' },
    ]);
    expect([j1100!.status, c9055!.status, g0503!.status, lt!.status]).toEqual(['VALID', 'NOT_EFFECTIVE', 'NOT_EFFECTIVE', 'VALID']);
    expect(c9055!.code).toMatchObject({ effectiveTo: '2020-09-30' });
    expect(g0503!.code!.longDescription).toMatch(/other treatment goals and are prepared for discharge from active treatment$/);
  });

  it('place of service', async () => {
    const r = await importFile(db, ReferenceKind.POS, codes('place-of-service.csv'), { effectiveFrom: '2025-01-01' });
    // 100 codes, 48 of them "Unassigned".
    expect(counted(r)).toEqual({ added: 52, changed: 0, retired: 0, alreadyImported: false });
  });
});
