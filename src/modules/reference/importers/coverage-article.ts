import type { EntityData } from '@mikro-orm/core';
import type { SqlEntityManager } from '@mikro-orm/knex';
import { isIcd10CmFormat, procedureSystemOf } from '../../../common/formats';
import { FieldError, ImportRefusedError } from '../import/errors';
import { splitCsv } from '../import/read-lines';
import type { ImportContext, ImportCounts, ImportOptions, Importer, ReleaseScope } from '../import/types';
import { ArticleDiagnosis, ArticleProcedure, ReferenceKind, ReferenceRelease } from '../reference.entities';

/**
 * Medicare Coverage Database (MCD) billing-and-coding article downloads ("current_article" CSV
 * zip), one file per import:
 *
 *   article_x_hcpc_code.csv        article_id, article_version, hcpc_code_id, hcpc_code_version,
 *                                  hcpc_code_group, range, last_updated, long_description, short_description
 *   article_x_icd10_covered.csv    article_id, article_version, icd10_code_id, icd10_code_version,
 *                                  icd10_covered_group, range, last_updated, sort_order, description, asterisk
 *   article_x_icd10_noncovered.csv article_id, article_version, icd10_code_id, icd10_code_version,
 *                                  icd10_noncovered_group, range, last_updated, sort_order, description
 *
 * (column names as used by public loaders of the CMS download; the column order is not relied on:
 * columns are found by header name, and only the ones below are read). Descriptions are never
 * stored — the HCPCS file carries AMA CPT descriptors. ICD-10 codes may carry the display dot.
 *
 * Which list a file is comes from its name (article_x_hcpc_code / article_x_icd10_covered /
 * article_x_icd10_noncovered, not the *_group paragraph files) or, failing that, its header. The
 * first date of service it applies to is given with --effective; the files carry no such date.
 * Each file is stored whole as one release (a snapshot); lookups use, per list, the newest release
 * starting on or before the date of service.
 */

export enum ArticleFile {
  HCPC_CODE = 'HCPC_CODE',
  ICD10_COVERED = 'ICD10_COVERED',
  ICD10_NONCOVERED = 'ICD10_NONCOVERED',
}

interface Layout {
  file: ArticleFile;
  /** The code column and the group column for this list. */
  codeColumn: string;
  groupColumn: string;
}

const LAYOUTS: Record<ArticleFile, Layout> = {
  [ArticleFile.HCPC_CODE]: { file: ArticleFile.HCPC_CODE, codeColumn: 'hcpc_code_id', groupColumn: 'hcpc_code_group' },
  [ArticleFile.ICD10_COVERED]: { file: ArticleFile.ICD10_COVERED, codeColumn: 'icd10_code_id', groupColumn: 'icd10_covered_group' },
  [ArticleFile.ICD10_NONCOVERED]: { file: ArticleFile.ICD10_NONCOVERED, codeColumn: 'icd10_code_id', groupColumn: 'icd10_noncovered_group' },
};

/** The list a file name names, or null (the *_group paragraph files are not these lists). */
export function articleFileFromName(fileName: string): ArticleFile | null {
  const name = fileName.toLowerCase();
  if (/article_x_hcpc_code(?!_group|_modifier)/.test(name)) return ArticleFile.HCPC_CODE;
  if (/article_x_icd10_noncovered(?!_group)/.test(name)) return ArticleFile.ICD10_NONCOVERED;
  if (/article_x_icd10_covered(?!_group)/.test(name)) return ArticleFile.ICD10_COVERED;
  return null;
}

/** The list a header describes, or null. */
export function articleFileFromHeader(columns: string[]): ArticleFile | null {
  const has = (c: string) => columns.includes(c);
  if (!has('article_id') || !has('article_version')) return null;
  if (has('hcpc_code_id') && has('hcpc_code_group')) return ArticleFile.HCPC_CODE;
  if (has('icd10_code_id') && has('icd10_covered_group')) return ArticleFile.ICD10_COVERED;
  if (has('icd10_code_id') && has('icd10_noncovered_group')) return ArticleFile.ICD10_NONCOVERED;
  return null;
}

export interface ArticleRow {
  articleId: string;
  articleVersion: number;
  codeGroup: number;
  code: string;
}

const NON_NEGATIVE_INT = /^[0-9]{1,9}$/;

function parseArticleId(raw: string): string {
  const v = raw.trim().toUpperCase();
  // MCD keys articles by number (52458); the display id adds an A (A52458).
  const m = /^A?([0-9]{1,12})$/.exec(v);
  if (!m) throw new FieldError('article_id', 'must be an article number');
  return String(Number(m[1]));
}

export class CoverageArticleImporter implements Importer<ArticleRow> {
  readonly kind = ReferenceKind.COVERAGE_ARTICLE;
  readonly batchSize = 2000;
  private fileName = '';
  private file: ArticleFile | null = null;
  private index: { articleId: number; articleVersion: number; code: number; group: number; width: number } | null = null;
  /** Start of a record whose quoted field runs over a line break. */
  private pending: string | null = null;
  /** (article, group, code) → article versions listing it, for the added/changed/retired counts. */
  private keys = new Map<string, string>();
  private seen = new Set<string>();

  /** The list this import holds (known once the header is read). */
  get articleFile(): ArticleFile | null {
    return this.file;
  }

  scope(fileName: string, options: ImportOptions): ReleaseScope {
    this.fileName = fileName;
    this.file = articleFileFromName(fileName);
    if (!options.effectiveFrom) {
      throw new ImportRefusedError(`${fileName}: coverage article files carry no dates; pass --effective YYYY-MM-DD (first date of service they apply to)`);
    }
    return { effectiveFrom: options.effectiveFrom, effectiveTo: null };
  }

  isHeader(line: string, lineNo: number): boolean {
    if (lineNo !== 1) return false;
    const columns = splitCsv(line).map((c) => c.trim().toLowerCase());
    const fromHeader = articleFileFromHeader(columns);
    if (!fromHeader) {
      throw new ImportRefusedError(
        `${this.fileName}: the first line is not an MCD article header (article_id, article_version and hcpc_code_id/hcpc_code_group, icd10_code_id/icd10_covered_group or icd10_code_id/icd10_noncovered_group)`,
      );
    }
    if (this.file && this.file !== fromHeader) {
      throw new ImportRefusedError(`${this.fileName}: the file name says ${this.file} but the header is ${fromHeader}`);
    }
    this.file = fromHeader;
    const layout = LAYOUTS[fromHeader];
    this.index = {
      articleId: columns.indexOf('article_id'),
      articleVersion: columns.indexOf('article_version'),
      code: columns.indexOf(layout.codeColumn),
      group: columns.indexOf(layout.groupColumn),
      width: columns.length,
    };
    return true;
  }

  parse(line: string): ArticleRow | null {
    const record = this.pending === null ? line : `${this.pending}\n${line}`;
    // An odd number of quotes: a quoted description continues on the next line.
    if ((record.match(/"/g)?.length ?? 0) % 2 === 1) {
      this.pending = record;
      return null;
    }
    this.pending = null;
    const idx = this.index;
    const layout = this.file ? LAYOUTS[this.file] : null;
    if (!idx || !layout) throw new ImportRefusedError(`${this.fileName}: no header line; MCD article files start with one`);
    const f = splitCsv(record);
    if (f.length < idx.width) throw new FieldError('record', `has ${f.length} fields; the header names ${idx.width}`);
    const articleId = parseArticleId(f[idx.articleId]!);
    const version = f[idx.articleVersion]!.trim();
    if (!NON_NEGATIVE_INT.test(version)) throw new FieldError('article_version', 'must be a whole number');
    const group = f[idx.group]!.trim();
    // A code listed outside any numbered group is kept as group 0.
    if (group !== '' && !NON_NEGATIVE_INT.test(group)) throw new FieldError(layout.groupColumn, 'must be a whole number');
    const raw = f[idx.code]!.trim().toUpperCase();
    let code: string;
    if (layout.file === ArticleFile.HCPC_CODE) {
      if (procedureSystemOf(raw) === null) throw new FieldError(layout.codeColumn, 'is not a CPT or HCPCS Level II code');
      code = raw;
    } else {
      if (raw.includes('-')) throw new FieldError(layout.codeColumn, 'is a code range; list the codes one per line');
      code = raw.replace('.', '');
      if (!isIcd10CmFormat(code)) throw new FieldError(layout.codeColumn, 'is not an ICD-10-CM code');
    }
    return { articleId, articleVersion: Number(version), codeGroup: group === '' ? 0 : Number(group), code };
  }

  async load(ctx: ImportContext, rows: ArticleRow[]): Promise<void> {
    const fresh: ArticleRow[] = [];
    for (const r of rows) {
      const full = `${r.articleId}|${r.articleVersion}|${r.codeGroup}|${r.code}`;
      if (this.seen.has(full)) continue; // the same line twice adds nothing
      this.seen.add(full);
      fresh.push(r);
      const key = `${r.articleId}|${r.codeGroup}|${r.code}`;
      const versions = this.keys.get(key);
      this.keys.set(key, versions === undefined ? String(r.articleVersion) : [...versions.split(','), String(r.articleVersion)].sort().join(','));
    }
    if (fresh.length === 0) return;
    const release = ctx.release.id;
    if (this.file === ArticleFile.HCPC_CODE) {
      const data: EntityData<ArticleProcedure>[] = fresh.map((r) => ({ articleId: r.articleId, articleVersion: r.articleVersion, codeGroup: r.codeGroup, hcpcCode: r.code, release }));
      for (let i = 0; i < data.length; i += 500) await ctx.em.insertMany(ArticleProcedure, data.slice(i, i + 500));
    } else {
      const covered = this.file === ArticleFile.ICD10_COVERED;
      const data: EntityData<ArticleDiagnosis>[] = fresh.map((r) => ({ articleId: r.articleId, articleVersion: r.articleVersion, codeGroup: r.codeGroup, icd10Code: r.code, covered, release }));
      for (let i = 0; i < data.length; i += 500) await ctx.em.insertMany(ArticleDiagnosis, data.slice(i, i + 500));
    }
  }

  /**
   * Counts against the previous release of the same list: an (article, group, code) new to the list
   * is added, one gone is retired, one whose article version moved is changed.
   */
  async finish(ctx: ImportContext): Promise<ImportCounts> {
    if (this.pending !== null) throw new ImportRefusedError(`${this.fileName}: the file ends inside a quoted field; nothing was imported`);
    const file = this.file!;
    const previous = await latestArticleRelease(ctx.em as SqlEntityManager, file, ctx.release.effectiveFrom, ctx.release.id);
    const before = previous ? await releaseKeys(ctx.em as SqlEntityManager, file, previous.id) : new Map<string, string>();
    let added = 0;
    let changed = 0;
    for (const [key, versions] of this.keys) {
      const was = before.get(key);
      if (was === undefined) added++;
      else if (was !== versions) changed++;
    }
    let retired = 0;
    for (const key of before.keys()) if (!this.keys.has(key)) retired++;
    articleFileCache.set(ctx.release.id, file);
    return { added, changed, retired };
  }
}

async function releaseKeys(em: SqlEntityManager, file: ArticleFile, releaseId: string): Promise<Map<string, string>> {
  const rows = (
    file === ArticleFile.HCPC_CODE
      ? await em.createQueryBuilder(ArticleProcedure).select(['articleId', 'articleVersion', 'codeGroup', 'hcpcCode']).where({ release: releaseId }).execute('all')
      : await em.createQueryBuilder(ArticleDiagnosis).select(['articleId', 'articleVersion', 'codeGroup', 'icd10Code']).where({ release: releaseId }).execute('all')
  ) as { articleId: string; articleVersion: number; codeGroup: number; hcpcCode?: string; icd10Code?: string }[];
  const keys = new Map<string, string>();
  for (const r of rows) {
    const key = `${r.articleId}|${r.codeGroup}|${r.hcpcCode ?? r.icd10Code}`;
    const versions = keys.get(key);
    keys.set(key, versions === undefined ? String(r.articleVersion) : [...versions.split(','), String(r.articleVersion)].sort().join(','));
  }
  return keys;
}

/** Release id → which list it holds. Releases never change once committed. */
const articleFileCache = new Map<string, ArticleFile>();

/** Which list an imported release holds, from its rows (every release has at least one). */
export async function articleFileOfRelease(em: SqlEntityManager, releaseId: string): Promise<ArticleFile | null> {
  const cached = articleFileCache.get(releaseId);
  if (cached) return cached;
  let file: ArticleFile | null = null;
  const proc = await em.createQueryBuilder(ArticleProcedure).select(['id']).where({ release: releaseId }).limit(1).execute('all');
  if (proc.length > 0) file = ArticleFile.HCPC_CODE;
  else {
    const dx = (await em.createQueryBuilder(ArticleDiagnosis).select(['covered']).where({ release: releaseId }).limit(1).execute('all')) as { covered: boolean | number }[];
    if (dx.length > 0) file = dx[0]!.covered ? ArticleFile.ICD10_COVERED : ArticleFile.ICD10_NONCOVERED;
  }
  if (file) {
    if (articleFileCache.size > 10_000) articleFileCache.clear();
    articleFileCache.set(releaseId, file);
  }
  return file;
}

/**
 * The release of one list in force on a date: the newest one starting on or before it (a later
 * import of the same start date — a corrected file — wins). Article releases are open-ended: the
 * import runner closes every earlier COVERAGE_ARTICLE release when any of the three lists arrives,
 * so `effectiveTo` is not consulted here; a list's release is replaced only by that list's next one.
 */
export async function latestArticleRelease(em: SqlEntityManager, file: ArticleFile, date: string, excludeId?: string): Promise<ReferenceRelease | null> {
  const candidates = await em.find(
    ReferenceRelease,
    { kind: ReferenceKind.COVERAGE_ARTICLE, effectiveFrom: { $lte: date }, ...(excludeId ? { id: { $ne: excludeId } } : {}) },
    { orderBy: { effectiveFrom: 'desc', importedAt: 'desc', id: 'desc' } },
  );
  for (const r of candidates) if ((await articleFileOfRelease(em, r.id)) === file) return r;
  return null;
}
