import type { EntityManager } from '@mikro-orm/core';
import { toLocalDate } from '../../../common/dates';
import { normalizeDiagnosisCode } from '../../../common/formats';
import { AGE_EDIT_TYPES, SEX_EDIT_TYPES } from '../importers/mce';
import { CodeEdit, ReferenceKind, ReferenceRelease } from '../reference.entities';

/**
 * Age and sex edits of the CMS Medicare Code Editor on diagnosis codes, as in force on a date of
 * service (see importers/mce.ts for where the ages come from). Denials they predict: CO-6 (age),
 * CO-7 (sex).
 */

export interface AgeSexEdit {
  /** AGE for Newborn/Pediatric/Maternity/Adult_Only, SEX for Female/Male_Only. */
  kind: 'AGE' | 'SEX';
  /** The MCE edit name as published, e.g. Maternity_Only. */
  editType: string;
  /** Inclusive age range in whole years (AGE edits). */
  ageMin: number | null;
  ageMax: number | null;
  /** The only sex the code fits (SEX edits). */
  sex: 'F' | 'M' | null;
}

export interface ReleaseRef {
  id: string;
  fileName: string;
  sha256: string;
  effectiveFrom: string;
  effectiveTo: string | null;
}

export type AgeSexLookup =
  /** No MCE release covers the date: the edits cannot be checked — never read this as a pass. */
  | { status: 'NO_DATA'; date: string }
  | {
      status: 'OK';
      date: string;
      /** The MCE release in force on the date. */
      release: ReleaseRef;
      /** Every requested code (as given) → its edits on that date; an empty list means none apply. */
      byCode: Map<string, AgeSexEdit[]>;
    };

const AGE_SEX_TYPES: string[] = [...AGE_EDIT_TYPES, ...SEX_EDIT_TYPES];

export function releaseRef(r: ReferenceRelease): ReleaseRef {
  return { id: r.id, fileName: r.fileName, sha256: r.sha256, effectiveFrom: toLocalDate(r.effectiveFrom), effectiveTo: r.effectiveTo ? toLocalDate(r.effectiveTo) : null };
}

/** The age and sex edits that apply to each diagnosis code (with or without the dot) on a date of service. */
export async function ageSexEdits(em: EntityManager, codes: readonly string[], date: string): Promise<AgeSexLookup> {
  const release = await em.findOne(
    ReferenceRelease,
    { kind: ReferenceKind.MCE, effectiveFrom: { $lte: date }, $or: [{ effectiveTo: null }, { effectiveTo: { $gte: date } }] },
    { orderBy: { effectiveFrom: 'desc', importedAt: 'desc' } },
  );
  if (!release) return { status: 'NO_DATA', date };
  const normalized = new Map<string, string>();
  for (const c of codes) normalized.set(c, normalizeDiagnosisCode(c));
  const wanted = [...new Set(normalized.values())];
  const rows = wanted.length
    ? await em.find(
        CodeEdit,
        {
          codeType: 'D',
          code: { $in: wanted },
          editType: { $in: AGE_SEX_TYPES },
          effectiveFrom: { $lte: date },
          $or: [{ effectiveTo: null }, { effectiveTo: { $gte: date } }],
        },
        { orderBy: { code: 'asc', editType: 'asc' } },
      )
    : [];
  const byNormalized = new Map<string, AgeSexEdit[]>();
  for (const r of rows) {
    const list = byNormalized.get(r.code) ?? [];
    list.push({
      kind: r.sex ? 'SEX' : 'AGE',
      editType: r.editType,
      ageMin: r.ageMin ?? null,
      ageMax: r.ageMax ?? null,
      sex: r.sex === 'F' || r.sex === 'M' ? r.sex : null,
    });
    byNormalized.set(r.code, list);
  }
  const byCode = new Map<string, AgeSexEdit[]>();
  for (const [given, norm] of normalized) byCode.set(given, byNormalized.get(norm) ?? []);
  return { status: 'OK', date, release: releaseRef(release), byCode };
}

/**
 * Whether a patient conflicts with one edit. Age is whole years on the date of service (see
 * common/dates ageOn). Sex U (unknown) or a missing age cannot conflict here: the required-data
 * checks report missing demographics; MCE itself has separate "invalid age/sex" edits for that.
 */
export function violatesAgeSex(edit: Pick<AgeSexEdit, 'ageMin' | 'ageMax' | 'sex'>, patient: { ageYears?: number | null; sex?: string | null }): boolean {
  const { ageYears, sex } = patient;
  if (edit.sex && (sex === 'F' || sex === 'M') && sex !== edit.sex) return true;
  if (ageYears != null && Number.isFinite(ageYears)) {
    if (edit.ageMin != null && ageYears < edit.ageMin) return true;
    if (edit.ageMax != null && ageYears > edit.ageMax) return true;
  }
  return false;
}
