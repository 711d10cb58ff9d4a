import { CPT_PATTERN, MODIFIER_PATTERN } from '../../../common/formats';
import { CodeSystem } from '../../code/code.entity';
import { applyCodeSet, loadStoredCodes, type CodeRow } from '../import/code-set';
import { FieldError, ImportRefusedError } from '../import/errors';
import { splitCsv } from '../import/read-lines';
import type { ImportContext, ImportCounts, ImportOptions, Importer, ReleaseScope } from '../import/types';
import { ReferenceKind } from '../reference.entities';
import { indexStored, isCptModifier } from './hcpcs';

/**
 * CPT code numbers from a file the user supplies. CPT descriptors are AMA-copyrighted: claimflow
 * ships none, and this importer stores only what the user's (licensed) file contains.
 *
 * Accepted layouts (this is claimflow's own input format, not a CMS one):
 * - CSV with a header row naming a `code` column, and optionally `short_description` and
 *   `long_description` (other columns are ignored);
 * - a plain list, one code per line, no header.
 * Codes must have the CPT shape (src/common/formats.ts CPT_PATTERN: 4 digits then a digit, F, T
 * or U). Two-character CPT modifiers starting with a digit (25, 59, 1P…) are accepted too and
 * stored as modifiers.
 *
 * The file is the user's full CPT list for the period from --effective (required: a CPT file
 * carries no dates): CPT codes absent from it are retired the day before. Modifiers are retired
 * only when the file lists modifiers, and then only CPT (digit-first) ones, never HCPCS modifiers.
 */
export class CptImporter implements Importer<CodeRow> {
  readonly kind = ReferenceKind.CPT;
  private mode: 'csv' | 'plain' | null = null;
  private columns = { code: 0, short: -1, long: -1 };
  private readonly seen = new Set<string>();
  private readonly rows: CodeRow[] = [];

  scope(fileName: string, options: ImportOptions): ReleaseScope {
    if (!options.effectiveFrom) {
      throw new ImportRefusedError(`${fileName}: a CPT file carries no dates; pass --effective YYYY-MM-DD, the first date of service it applies to`);
    }
    return { effectiveFrom: options.effectiveFrom, effectiveTo: null };
  }

  isHeader(line: string): boolean {
    if (this.mode) return false;
    const cells = splitCsv(line).map((c) => c.trim().toLowerCase());
    if (!cells.includes('code')) {
      this.mode = 'plain';
      return false;
    }
    this.mode = 'csv';
    this.columns = { code: cells.indexOf('code'), short: cells.indexOf('short_description'), long: cells.indexOf('long_description') };
    return true;
  }

  parse(line: string): CodeRow {
    let raw: string;
    let short = '';
    let long = '';
    if (this.mode === 'csv') {
      const cells = splitCsv(line);
      raw = cells[this.columns.code] ?? '';
      if (this.columns.short >= 0) short = (cells[this.columns.short] ?? '').trim();
      if (this.columns.long >= 0) long = (cells[this.columns.long] ?? '').trim();
    } else {
      raw = line;
      if (/[,;\t]/.test(line.trim())) throw new FieldError('code', 'a file without a header row lists one code per line (add a header "code,short_description,long_description" for more columns)');
    }
    const code = raw.trim().toUpperCase();
    let system: CodeSystem;
    if (CPT_PATTERN.test(code)) system = CodeSystem.CPT;
    else if (MODIFIER_PATTERN.test(code) && isCptModifier(code)) system = CodeSystem.MODIFIER;
    else throw new FieldError('code', 'is not a CPT code (4 digits then a digit, F, T or U) or a CPT modifier (2 characters, first a digit)');
    if (short.length > 100) throw new FieldError('short_description', 'is longer than 100 characters');
    const key = `${system}|${code}`;
    if (this.seen.has(key)) throw new FieldError('code', `${code} appears twice`);
    this.seen.add(key);
    return { system, code, shortDescription: short || null, longDescription: long || null, billable: true };
  }

  async load(_ctx: ImportContext, rows: CodeRow[]): Promise<void> {
    this.rows.push(...rows);
  }

  async finish(ctx: ImportContext): Promise<ImportCounts> {
    const start = ctx.release.effectiveFrom;
    const withModifiers = this.rows.some((r) => r.system === CodeSystem.MODIFIER);
    if (!withModifiers) return applyCodeSet(ctx.em, [CodeSystem.CPT], this.rows, start, { retireMissing: true });
    // HCPCS modifiers are not the user's to retire: hand them back unchanged.
    const rows = [...this.rows];
    for (const { current } of indexStored(await loadStoredCodes(ctx.em, [CodeSystem.MODIFIER]), start).values()) {
      if (current && !isCptModifier(current.code)) rows.push({ ...current });
    }
    return applyCodeSet(ctx.em, [CodeSystem.CPT, CodeSystem.MODIFIER], rows, start, { retireMissing: true });
  }
}
