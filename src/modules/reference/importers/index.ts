import type { Importer } from '../import/types';
import { ReferenceKind } from '../reference.entities';
import { Icd10CmOrderImporter } from './icd10cm';

/** CLI names of the importable kinds, as `claimflow import <kind> <file>` takes them. */
export const IMPORT_KIND_NAMES: Record<string, ReferenceKind> = {
  icd10cm: ReferenceKind.ICD10CM,
};

/** A fresh importer (they keep per-run state) for a kind. */
export function importerFor(kind: ReferenceKind): Importer<unknown> {
  switch (kind) {
    case ReferenceKind.ICD10CM:
      return new Icd10CmOrderImporter() as Importer<unknown>;
    default:
      throw new Error(`no importer for ${kind} yet`);
  }
}
