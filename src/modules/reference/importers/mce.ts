import type { EntityData } from '@mikro-orm/core';
import type { SqlEntityManager } from '@mikro-orm/knex';
import { addDays, toLocalDate } from '../../../common/dates';
import { isIcd10CmFormat } from '../../../common/formats';
import { FieldError, ImportRefusedError } from '../import/errors';
import type { ImportContext, ImportCounts, ImportOptions, Importer, ReleaseScope } from '../import/types';
import { CodeEdit, ReferenceKind } from '../reference.entities';
import { fiscalYearScope } from './icd10cm';

/**
 * CMS Medicare Code Editor (MCE) "simple" code edits, one MCE version (one fiscal year), as the
 * tab-separated list re-keyed from CMS's "Definitions of Medicare Code Edits" (chapter 1 code lists)
 * by nlindner/CMS_Issued_Codes_For_SQL (MCE_Simple_Code_Edits_v<NN>.txt; see that repository's
 * INFO__CMS_MCE_Simple_ICD_Code_Edits.md for the data dictionary):
 *
 *   MCE_Version  ICD_Version  MCE_Section  MCE_Subsection  MCE_Edit_Type  ICD_Code_Type  ICD_Code  ICD_Desc
 *
 * ICD_Code_Type is D (ICD-10-CM diagnosis) or P (ICD-10-PCS procedure); codes carry no dot.
 * MCE_Subsection is "_" where a section has none. One row per (code type, code, edit type).
 *
 * The file lists codes only; the ages belong to the edit and come from the MCE definitions of the
 * same version (chapter 1, "4. Age conflict"):
 *   4A Perinatal/Newborn — age 0 years only
 *   4B Pediatric         — age 0 through 17
 *   4C Maternity         — age 12 through 55 up to MCE v35 (FY2018); age 9 through 64 from v36
 *                          (FY2019, IPPS final rule) onwards, and so in v37 (FY2020) and later
 *   4D Adult             — age 15 through 124
 * and "5. Sex conflict": 5A/5B Female_Only (diagnoses/procedures), 5C/5D Male_Only.
 * Other edit types (manifestation or unacceptable principal diagnosis, questionable admission,
 * non-covered / limited-coverage procedures, …) are kept with no ages and no sex.
 */

export const AGE_EDIT_TYPES = ['Newborn_Only', 'Pediatric_Only', 'Maternity_Only', 'Adult_Only'] as const;
export const SEX_EDIT_TYPES = ['Female_Only', 'Male_Only'] as const;
export type AgeEditType = (typeof AGE_EDIT_TYPES)[number];
export type SexEditType = (typeof SEX_EDIT_TYPES)[number];

/** The ICD-10 edit types of the simple-edit list (MCE v33+). Others matching EDIT_TYPE_SHAPE are kept too. */
export const KNOWN_EDIT_TYPES: readonly string[] = [
  ...AGE_EDIT_TYPES,
  ...SEX_EDIT_TYPES,
  'Principal_Manifestation',
  'Principal_Questionable_Admit',
  'Principal_Unacceptable',
  'Noncovered_Always',
  'Noncovered_Over60',
  'Limited_Coverage',
  'Wrong_Performed',
  'Noncovered_LOS_96hr',
];
const EDIT_TYPE_SHAPE = /^[A-Z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)*$/;

/** First MCE version for ICD-10 (FY2016); earlier versions edit ICD-9 codes. */
export const FIRST_ICD10_MCE_VERSION = 33;
/** MCE v36 (FY2019) widened the maternity age range from 12–55 to 9–64. */
const MATERNITY_9_64_FROM_VERSION = 36;

/** Inclusive age range in whole years that an age edit allows, per the MCE definitions of that version. */
export function mceAgeRange(editType: string, mceVersion: number): { ageMin: number; ageMax: number } | null {
  switch (editType) {
    case 'Newborn_Only':
      return { ageMin: 0, ageMax: 0 };
    case 'Pediatric_Only':
      return { ageMin: 0, ageMax: 17 };
    case 'Maternity_Only':
      return mceVersion >= MATERNITY_9_64_FROM_VERSION ? { ageMin: 9, ageMax: 64 } : { ageMin: 12, ageMax: 55 };
    case 'Adult_Only':
      return { ageMin: 15, ageMax: 124 };
    default:
      return null;
  }
}

export function mceSex(editType: string): 'F' | 'M' | null {
  if (editType === 'Female_Only') return 'F';
  if (editType === 'Male_Only') return 'M';
  return null;
}

/** MCE versions follow the fiscal year: v33 = FY2016 … v37 = FY2020 (mid-year v41.1 is still FY2024). */
export function mceVersionFiscalYear(mceVersion: number): number {
  return Math.floor(mceVersion) + 1983;
}

const ICD10PCS_PATTERN = /^[0-9A-HJ-NP-Z]{7}$/;

export const MCE_COLUMNS = ['MCE_Version', 'ICD_Version', 'MCE_Section', 'MCE_Subsection', 'MCE_Edit_Type', 'ICD_Code_Type', 'ICD_Code', 'ICD_Desc'] as const;

export interface MceRow {
  mceVersion: number;
  codeType: 'D' | 'P';
  code: string;
  editType: string;
}

/** One data line of the simple-edit TSV. Messages never repeat the value (it may be anything). */
export function parseMceLine(line: string): MceRow {
  const f = line.split('\t');
  if (f.length < 7) throw new FieldError('record', `has ${f.length} tab-separated fields; the MCE layout has 8 (${MCE_COLUMNS.join(', ')})`);
  const [version, icdVersion, section, subsection, editType, codeType, rawCode] = f.map((v) => v.trim()) as [string, string, string, string, string, string, string];
  if (!/^[0-9]{2}(?:\.[0-9]{1,2})?$/.test(version)) throw new FieldError('MCE_Version', 'must be a version number such as 37 or 41.1');
  const mceVersion = Number(version);
  if (mceVersion < FIRST_ICD10_MCE_VERSION) throw new FieldError('MCE_Version', `is before v${FIRST_ICD10_MCE_VERSION}, the first MCE for ICD-10`);
  if (icdVersion !== '10') throw new FieldError('ICD_Version', 'must be 10 (ICD-9 edits are not imported)');
  if (!/^[0-9]{1,2}$/.test(section)) throw new FieldError('MCE_Section', 'must be a section number');
  if (!/^(?:[A-Z]|_)$/.test(subsection)) throw new FieldError('MCE_Subsection', 'must be a letter or _');
  if (!EDIT_TYPE_SHAPE.test(editType) || editType.length > 40) throw new FieldError('MCE_Edit_Type', 'is not an MCE edit type name (such as Female_Only)');
  if (codeType !== 'D' && codeType !== 'P') throw new FieldError('ICD_Code_Type', 'must be D (diagnosis) or P (procedure)');
  const code = rawCode.toUpperCase();
  if (codeType === 'D' && !isIcd10CmFormat(code)) throw new FieldError('ICD_Code', 'is not an ICD-10-CM code (no dot)');
  if (codeType === 'P' && !ICD10PCS_PATTERN.test(code)) throw new FieldError('ICD_Code', 'is not an ICD-10-PCS code (7 characters)');
  if ((AGE_EDIT_TYPES as readonly string[]).includes(editType) && codeType !== 'D') throw new FieldError('ICD_Code_Type', 'age edits apply to diagnoses (D) only');
  return { mceVersion, codeType, code, editType };
}

interface StoredEdit {
  id: string;
  codeType: string;
  code: string;
  editType: string;
  ageMin: number | null;
  ageMax: number | null;
  sex: string | null;
  effectiveFrom: string | Date;
  effectiveTo: string | Date | null;
}

const CHUNK = 500;

export class MceImporter implements Importer<MceRow> {
  readonly kind = ReferenceKind.MCE;
  readonly batchSize = 5000;
  private rows: MceRow[] = [];
  private version: number | null = null;
  private fiscalYear = 0;
  private fileName = '';

  scope(fileName: string, options: ImportOptions): ReleaseScope {
    const { fiscalYear, effectiveFrom } = fiscalYearScope(fileName, options);
    const effectiveTo = `${fiscalYear}-09-30`;
    this.fiscalYear = fiscalYear;
    this.fileName = fileName;
    // A mid-year MCE version (e.g. v41.1 from April 1) starts later in its fiscal year: --effective.
    const from = options.effectiveFrom ?? effectiveFrom;
    if (from < effectiveFrom || from > effectiveTo) {
      throw new ImportRefusedError(`${fileName}: --effective ${from} is outside fiscal year ${fiscalYear} (${effectiveFrom}..${effectiveTo})`);
    }
    return { effectiveFrom: from, effectiveTo };
  }

  isHeader(line: string, lineNo: number): boolean {
    if (lineNo !== 1 || !line.startsWith('MCE_Version')) return false;
    const cols = line.split('\t').map((c) => c.trim());
    if (MCE_COLUMNS.some((c, i) => cols[i] !== c)) {
      throw new ImportRefusedError(`${this.fileName}: the header is not the MCE simple-edit layout (${MCE_COLUMNS.join(', ')})`);
    }
    return true;
  }

  parse(line: string): MceRow {
    const row = parseMceLine(line);
    if (this.version === null) {
      this.version = row.mceVersion;
      const fy = mceVersionFiscalYear(row.mceVersion);
      if (fy !== this.fiscalYear) {
        throw new ImportRefusedError(
          `${this.fileName}: MCE v${row.mceVersion} is for fiscal year ${fy}, but the release is fiscal year ${this.fiscalYear} (file name or --fiscal-year); nothing was imported`,
        );
      }
    } else if (row.mceVersion !== this.version) {
      throw new FieldError('MCE_Version', `differs from the file's first data line (v${this.version}); one file is one MCE version`);
    }
    return row;
  }

  async load(_ctx: ImportContext, rows: MceRow[]): Promise<void> {
    // The diff needs the whole version at once; ~14k rows.
    this.rows.push(...rows);
  }

  /**
   * Full-list replacement, effective-dated per row like the code sets: an edit new in this version
   * starts with the release; one whose ages or sex differ is closed the day before and re-opened
   * with the new values (changed); one absent from the file is closed the day before (retired);
   * unchanged edits are left alone, so re-importing a version changes nothing.
   */
  async finish(ctx: ImportContext): Promise<ImportCounts> {
    const em = ctx.em as SqlEntityManager;
    const start = ctx.release.effectiveFrom;
    const dayBefore = addDays(start, -1);
    const version = this.version ?? FIRST_ICD10_MCE_VERSION;
    const existing = (await em
      .createQueryBuilder(CodeEdit)
      .select(['id', 'codeType', 'code', 'editType', 'ageMin', 'ageMax', 'sex', 'effectiveFrom', 'effectiveTo'])
      .where({ $or: [{ effectiveTo: null }, { effectiveTo: { $gte: start } }] })
      .execute('all')) as StoredEdit[];
    const current = new Map<string, StoredEdit>();
    for (const e of existing) current.set(`${e.codeType}|${e.code}|${e.editType}`, e);

    const inserts: EntityData<CodeEdit>[] = [];
    const release = ctx.release.id;
    const updates: { id: string; set: EntityData<CodeEdit> }[] = [];
    const seen = new Set<string>();
    let added = 0;
    let changed = 0;
    for (const row of this.rows) {
      const key = `${row.codeType}|${row.code}|${row.editType}`;
      if (seen.has(key)) continue; // a repeated line adds nothing
      seen.add(key);
      const ages = mceAgeRange(row.editType, version);
      const values = { ageMin: ages?.ageMin ?? null, ageMax: ages?.ageMax ?? null, sex: mceSex(row.editType) };
      const now = current.get(key);
      if (!now) {
        inserts.push({ codeType: row.codeType, code: row.code, editType: row.editType, ...values, effectiveFrom: start, effectiveTo: null, release });
        added++;
        continue;
      }
      const same = (now.ageMin ?? null) === values.ageMin && (now.ageMax ?? null) === values.ageMax && (now.sex ?? null) === values.sex && now.effectiveTo == null;
      if (same) continue;
      changed++;
      if (toLocalDate(now.effectiveFrom) >= start) {
        updates.push({ id: now.id, set: { ...values, effectiveTo: null } });
      } else {
        updates.push({ id: now.id, set: { effectiveTo: dayBefore } });
        inserts.push({ codeType: row.codeType, code: row.code, editType: row.editType, ...values, effectiveFrom: start, effectiveTo: null, release });
      }
    }

    const closing: string[] = [];
    const deleting: string[] = [];
    for (const [key, e] of current) {
      if (seen.has(key) || e.effectiveTo != null) continue;
      // An edit that started with this same fiscal year (a corrected file) never existed for it.
      if (toLocalDate(e.effectiveFrom) >= start) deleting.push(e.id);
      else closing.push(e.id);
    }
    for (const u of updates) await em.nativeUpdate(CodeEdit, { id: u.id }, u.set);
    for (let i = 0; i < closing.length; i += CHUNK) await em.nativeUpdate(CodeEdit, { id: { $in: closing.slice(i, i + CHUNK) } }, { effectiveTo: dayBefore });
    for (let i = 0; i < deleting.length; i += CHUNK) await em.nativeDelete(CodeEdit, { id: { $in: deleting.slice(i, i + CHUNK) } });
    for (let i = 0; i < inserts.length; i += CHUNK) await em.insertMany(CodeEdit, inserts.slice(i, i + CHUNK));
    return { added, changed, retired: closing.length + deleting.length };
  }
}
