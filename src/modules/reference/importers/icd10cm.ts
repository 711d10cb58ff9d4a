import { isIcd10CmFormat } from '../../../common/formats';
import { CodeSystem } from '../../code/code.entity';
import { applyCodeSet, type CodeRow } from '../import/code-set';
import { FieldError, ImportRefusedError } from '../import/errors';
import type { ImportContext, ImportOptions, Importer, ReleaseScope } from '../import/types';
import { ReferenceKind } from '../reference.entities';

/**
 * ICD-10-CM "order file" (CMS/CDC icd10cm_order_<FY>.txt), fixed width, per the layout in CMS's
 * "ICD-10-CM Order Files" document:
 *   1–5   order number, zero-filled      6  blank
 *   7–13  code, no dot, left-justified   14 blank
 *   15    0 = header (not valid on a claim), 1 = valid for HIPAA-covered transactions
 *   16    blank    17–76 short description    77 blank    78–end long description
 * A fiscal year runs October 1 of the year before through September 30.
 */
export function fiscalYearScope(fileName: string, options: ImportOptions): ReleaseScope & { fiscalYear: number } {
  const fromName = /(?:^|[^0-9])(20[0-9]{2})(?:[^0-9]|$)/.exec(fileName);
  const fiscalYear = options.fiscalYear ?? (fromName ? Number(fromName[1]) : NaN);
  if (!Number.isInteger(fiscalYear) || fiscalYear < 2016 || fiscalYear > 2100) {
    throw new ImportRefusedError(`${fileName}: cannot tell the fiscal year from the file name; pass --fiscal-year YYYY`);
  }
  return { fiscalYear, effectiveFrom: `${fiscalYear - 1}-10-01`, effectiveTo: `${fiscalYear}-09-30` };
}

export function parseOrderLine(line: string): CodeRow {
  if (line.length < 17) throw new FieldError('record', `is ${line.length} characters; an order-file record has at least 17`);
  if (!/^[0-9]{5}$/.test(line.slice(0, 5))) throw new FieldError('order number (1–5)', 'must be 5 digits');
  const code = line.slice(6, 13).trim();
  if (!isIcd10CmFormat(code)) throw new FieldError('code (7–13)', 'is not an ICD-10-CM code');
  const flag = line[14];
  if (flag !== '0' && flag !== '1') throw new FieldError('valid-for-billing flag (15)', 'must be 0 or 1');
  const shortDescription = line.slice(16, 76).trim();
  const longDescription = line.slice(77).trim();
  if (!shortDescription) throw new FieldError('short description (17–76)', 'is empty');
  return { system: CodeSystem.ICD10CM, code, shortDescription, longDescription: longDescription || shortDescription, billable: flag === '1' };
}

export class Icd10CmOrderImporter implements Importer<CodeRow> {
  readonly kind = ReferenceKind.ICD10CM;
  readonly encoding = 'latin1' as const;
  private rows: CodeRow[] = [];

  scope(fileName: string, options: ImportOptions): ReleaseScope {
    const { effectiveFrom, effectiveTo } = fiscalYearScope(fileName, options);
    return { effectiveFrom, effectiveTo };
  }

  parse(line: string): CodeRow {
    return parseOrderLine(line);
  }

  async load(_ctx: ImportContext, rows: CodeRow[]): Promise<void> {
    // The diff needs the whole year at once; ~100k rows is a few MB.
    this.rows.push(...rows);
  }

  finish(ctx: ImportContext) {
    // A code absent from the new year's file is no longer valid from October 1.
    return applyCodeSet(ctx.em, [CodeSystem.ICD10CM], this.rows, ctx.release.effectiveFrom, { retireMissing: true });
  }
}
