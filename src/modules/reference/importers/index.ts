import type { Importer } from '../import/types';
import { ReferenceKind } from '../reference.entities';
import { CoverageArticleImporter } from './coverage-article';
import { CptImporter } from './cpt';
import { HcpcsImporter } from './hcpcs';
import { Icd10CmOrderImporter } from './icd10cm';
import { MueImporter } from './mue';
import { NcciPtpImporter } from './ncci-ptp';
import { Icd10CmAddendaImporter } from './icd10cm-addenda';
import { PlaceOfServiceImporter } from './pos';
import { MceImporter } from './mce';

/** CLI names of the importable kinds, as `claimflow import <kind> <file>` takes them. */
export const IMPORT_KIND_NAMES: Record<string, ReferenceKind> = {
  icd10cm: ReferenceKind.ICD10CM,
  'ncci-ptp': ReferenceKind.NCCI_PTP,
  mue: ReferenceKind.MUE,
  'icd10cm-addenda': ReferenceKind.ICD10CM_ADDENDA,
  hcpcs: ReferenceKind.HCPCS,
  pos: ReferenceKind.POS,
  cpt: ReferenceKind.CPT,
  mce: ReferenceKind.MCE,
  'coverage-article': ReferenceKind.COVERAGE_ARTICLE,
};

/** A fresh importer (they keep per-run state) for a kind. */
export function importerFor(kind: ReferenceKind): Importer<unknown> {
  switch (kind) {
    case ReferenceKind.ICD10CM:
      return new Icd10CmOrderImporter() as Importer<unknown>;
    case ReferenceKind.NCCI_PTP:
      return new NcciPtpImporter() as Importer<unknown>;
    case ReferenceKind.MUE:
      return new MueImporter() as Importer<unknown>;
    case ReferenceKind.ICD10CM_ADDENDA:
      return new Icd10CmAddendaImporter() as Importer<unknown>;
    case ReferenceKind.HCPCS:
      return new HcpcsImporter() as Importer<unknown>;
    case ReferenceKind.POS:
      return new PlaceOfServiceImporter() as Importer<unknown>;
    case ReferenceKind.CPT:
      return new CptImporter() as Importer<unknown>;
    case ReferenceKind.MCE:
      return new MceImporter() as Importer<unknown>;
    case ReferenceKind.COVERAGE_ARTICLE:
      return new CoverageArticleImporter() as Importer<unknown>;
    default:
      throw new Error(`no importer for ${kind} yet`);
  }
}
