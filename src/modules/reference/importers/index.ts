import type { Importer } from '../import/types';
import { ReferenceKind } from '../reference.entities';
import { CoverageArticleImporter } from './coverage-article';
import { CptImporter } from './cpt';
import { HcpcsImporter } from './hcpcs';
import { Icd10CmOrderImporter } from './icd10cm';
import { Icd10CmAddendaImporter } from './icd10cm-addenda';
import { MceImporter } from './mce';
import { MueImporter } from './mue';
import { NcciPtpImporter } from './ncci-ptp';
import { PlaceOfServiceImporter } from './pos';

/** One importer class per kind (a `Record`, so a new kind without an importer does not compile). */
const IMPORTERS: Record<ReferenceKind, new () => Importer<unknown>> = {
  [ReferenceKind.ICD10CM]: Icd10CmOrderImporter,
  [ReferenceKind.ICD10CM_ADDENDA]: Icd10CmAddendaImporter,
  [ReferenceKind.HCPCS]: HcpcsImporter,
  [ReferenceKind.POS]: PlaceOfServiceImporter,
  [ReferenceKind.CPT]: CptImporter,
  [ReferenceKind.NCCI_PTP]: NcciPtpImporter,
  [ReferenceKind.MUE]: MueImporter,
  [ReferenceKind.MCE]: MceImporter,
  [ReferenceKind.COVERAGE_ARTICLE]: CoverageArticleImporter,
};

/** CLI names of the importable kinds, as `claimflow import <kind> <file>` takes them. */
export const IMPORT_KIND_NAMES: Record<string, ReferenceKind> = {
  icd10cm: ReferenceKind.ICD10CM,
  'icd10cm-addenda': ReferenceKind.ICD10CM_ADDENDA,
  hcpcs: ReferenceKind.HCPCS,
  pos: ReferenceKind.POS,
  cpt: ReferenceKind.CPT,
  'ncci-ptp': ReferenceKind.NCCI_PTP,
  mue: ReferenceKind.MUE,
  mce: ReferenceKind.MCE,
  'coverage-article': ReferenceKind.COVERAGE_ARTICLE,
};

/** A fresh importer for a kind: importers keep per-run state. */
export function importerFor(kind: ReferenceKind): Importer<unknown> {
  return new IMPORTERS[kind]();
}
