import { isLocalDate } from '../../../common/dates';
import { POS_PATTERN } from '../../../common/formats';
import { CodeSystem } from '../../code/code.entity';
import { applyCodeSet, type CodeRow } from '../import/code-set';
import { FieldError, ImportRefusedError } from '../import/errors';
import { splitCsv } from '../import/read-lines';
import type { ImportContext, ImportCounts, ImportOptions, Importer, ReleaseScope } from '../import/types';
import { ReferenceKind } from '../reference.entities';

/**
 * CMS Place of Service code set as CSV with a header `pos_code,name,description`
 * (../shared/data/codes/place-of-service.csv, transcribed from the CMS POS code set: two-digit
 * codes 00–99, each with a name and a long description that may carry "(EFFECTIVE …)" notes).
 * Columns are found by header name; without a header the order code, name, description is assumed.
 *
 * - short description = name, long description = description (or the name when empty);
 * - codes named "Unassigned" are not codes: they are skipped, so a code that becomes
 *   unassigned is retired;
 * - the file is the full list: codes absent from it are retired the day before it applies;
 * - the "(EFFECTIVE …)" dates inside descriptions are history, kept as text only.
 *
 * The file does not say when it applies: pass --effective YYYY-MM-DD, or name the file with
 * the date (e.g. pos-2025-04-01.csv). Today's date is never assumed — a release must say which
 * dates of service it covers.
 */
export function posEffectiveFrom(fileName: string, options: ImportOptions): string {
  if (options.effectiveFrom) return options.effectiveFrom;
  const m = /(?:^|[^0-9])(20\d{2})-?(\d{2})-?(\d{2})(?:[^0-9]|$)/.exec(fileName);
  const fromName = m ? `${m[1]}-${m[2]}-${m[3]}` : null;
  if (fromName && isLocalDate(fromName)) return fromName;
  throw new ImportRefusedError(`${fileName}: the place-of-service file does not say when it applies; pass --effective YYYY-MM-DD (or put the date in the file name)`);
}

export class PlaceOfServiceImporter implements Importer<CodeRow> {
  readonly kind = ReferenceKind.POS;
  private columns = { code: 0, name: 1, description: 2 };
  private readonly seen = new Set<string>();
  private readonly rows: CodeRow[] = [];
  private fileName = '';

  scope(fileName: string, options: ImportOptions): ReleaseScope {
    this.fileName = fileName;
    return { effectiveFrom: posEffectiveFrom(fileName, options), effectiveTo: null };
  }

  isHeader(line: string): boolean {
    const cells = splitCsv(line).map((c) => c.trim().toLowerCase());
    if (!cells.includes('pos_code')) return false;
    if (!cells.includes('name')) throw new ImportRefusedError(`${this.fileName}: the header has pos_code but no name column`);
    this.columns = { code: cells.indexOf('pos_code'), name: cells.indexOf('name'), description: cells.indexOf('description') };
    return true;
  }

  parse(line: string): CodeRow | null {
    const cells = splitCsv(line);
    const raw = (cells[this.columns.code] ?? '').trim();
    // Spreadsheets drop the leading zero of 01–09.
    const code = /^[0-9]$/.test(raw) ? `0${raw}` : raw;
    if (!POS_PATTERN.test(code)) throw new FieldError('pos_code', 'must be two digits');
    const name = (cells[this.columns.name] ?? '').trim();
    if (!name) throw new FieldError('name', 'is empty');
    if (name.length > 100) throw new FieldError('name', 'is longer than 100 characters');
    if (this.seen.has(code)) throw new FieldError('pos_code', `${code} appears twice`);
    this.seen.add(code);
    if (/^unassigned\.?$/i.test(name)) return null;
    const description = this.columns.description >= 0 ? (cells[this.columns.description] ?? '').trim() : '';
    return { system: CodeSystem.POS, code, shortDescription: name, longDescription: description || name, billable: true };
  }

  async load(_ctx: ImportContext, rows: CodeRow[]): Promise<void> {
    this.rows.push(...rows);
  }

  finish(ctx: ImportContext): Promise<ImportCounts> {
    return applyCodeSet(ctx.em, [CodeSystem.POS], this.rows, ctx.release.effectiveFrom, { retireMissing: true });
  }
}
