import type { EntityManager } from '@mikro-orm/core';
import { BaseSqlitePlatform } from '@mikro-orm/better-sqlite';
import type { Knex, SqlEntityManager } from '@mikro-orm/knex';
import { addDays, isLocalDate } from '../../../common/dates';
import { FieldError, ImportRefusedError } from '../import/errors';
import type { ImportContext, ImportCounts, ImportOptions, Importer, ReleaseScope } from '../import/types';
import { EditSetting, ReferenceKind } from '../reference.entities';
import { invalidateNcciLookups } from '../lookups/ncci';

/**
 * NCCI procedure-to-procedure (PTP) edits, Medicare practitioner (`ccipra-v<NNN>r<N>-f<1-4>.txt`)
 * or outpatient hospital (`ccioph-…`) services, as the tab-delimited text CMS ships inside each
 * quarterly zip (latin1, CRLF). The file opens with an AMA notice line, a title line
 * ("Column1/Column2 Edits") and a column header wrapped over four physical lines; then one edit
 * per line:
 *
 *   Column 1 ⇥ Column 2 ⇥ * (in existence prior to 1996) or empty ⇥ effective date YYYYMMDD ⇥
 *   deletion date YYYYMMDD or * (none) ⇥ modifier indicator 0/1/9 ⇥ PTP edit rationale
 *
 * Each quarter's practitioner and outpatient tables are split into four part files (-f1 … -f4)
 * because of spreadsheet row limits. A file is cumulative: deleted edits stay listed with their
 * deletion dates, and one pair may have several rows with different windows (even the same
 * effective date twice, one row deleted the day it took effect). A deletion date D means the edit
 * does not apply on or after D, so the row is stored with effectiveTo = D − 1 (a row deleted on its
 * effective date is never in force).
 *
 * Release semantics: a file replaces, for its setting, the rows of the previous release of the
 * same part (-fN) — or all the setting's rows when the file is not a part — so lookups read one
 * current table per setting; the release records of earlier quarters stay, with their counts.
 * (Deleting rather than keeping old rows is safe because each file restates the whole history.)
 */

export interface PtpRow {
  column1: string;
  column2: string;
  prior1996: boolean;
  effectiveFrom: string;
  /** Day before the deletion date; null when the file says `*`. */
  effectiveTo: string | null;
  modifierIndicator: '0' | '1' | '9';
  rationale: string | null;
}

const CODE = /^[0-9A-Z]{5}$/;
const YYYYMMDD = /^(\d{4})(\d{2})(\d{2})$/;
/** Words of CMS's notice, title and wrapped column header; such lines are skipped anywhere in a file. */
const HEADER_WORDS = /copyright|american medical association|column ?1|column ?2|prior to 1996|in existence|effective|deletion|modifier|=not allowed|=allowed|=no data|=not applicable|edit rationale|^\s*date\s*$/i;

export const PTP_SETTINGS: readonly EditSetting[] = [EditSetting.PRACTITIONER, EditSetting.OUTPATIENT];

/** `YYYYMMDD` → `YYYY-MM-DD`, or null when it is not a calendar date. */
export function parseCmsDate(raw: string): string | null {
  const m = YYYYMMDD.exec(raw);
  if (!m) return null;
  const iso = `${m[1]}-${m[2]}-${m[3]}`;
  return isLocalDate(iso) ? iso : null;
}

/** The part number of a split quarterly file (`ccipra-v321r0-f2.txt` → 2), or null for a whole table. */
export function ptpPartOf(fileName: string): number | null {
  const m = /[-_]f([1-9])(?:\.[A-Za-z0-9]+)?$/i.exec(fileName);
  return m ? Number(m[1]) : null;
}

/** The setting a CMS file name states, if it states one. */
function settingFromFileName(fileName: string): EditSetting | null {
  if (/ccipra|practitioner/i.test(fileName)) return EditSetting.PRACTITIONER;
  if (/ccioph|outpatient|hospital/i.test(fileName)) return EditSetting.OUTPATIENT;
  if (/dme/i.test(fileName)) return EditSetting.DME;
  return null;
}

/**
 * --setting and --effective are required for NCCI/MUE tables: the files state neither reliably.
 * A file name that names another setting than --setting is refused (a likely mix-up).
 */
export function editTableScope(label: string, fileName: string, options: ImportOptions, allowed: readonly EditSetting[]): ReleaseScope & { setting: EditSetting } {
  const settings = allowed.join(' or ');
  if (!options.setting) throw new ImportRefusedError(`${fileName}: ${label} needs --setting ${settings}`);
  if (!allowed.includes(options.setting)) throw new ImportRefusedError(`${fileName}: ${label} come per setting ${settings}, not ${options.setting}`);
  const named = settingFromFileName(fileName);
  if (named && named !== options.setting) {
    throw new ImportRefusedError(`${fileName}: the file name says ${named} but --setting is ${options.setting}; check which table this is`);
  }
  if (!options.effectiveFrom) {
    throw new ImportRefusedError(`${fileName}: ${label} need --effective YYYY-MM-DD, the first date of service the release applies to (the quarter start, e.g. 2026-04-01)`);
  }
  if (!isLocalDate(options.effectiveFrom)) throw new ImportRefusedError(`${fileName}: --effective must be a date YYYY-MM-DD`);
  return { effectiveFrom: options.effectiveFrom, effectiveTo: null, setting: options.setting };
}

export function isSqlite(em: EntityManager): boolean {
  return em.getPlatform() instanceof BaseSqlitePlatform;
}

/** The knex handle that runs inside the EntityManager's transaction, when it has one. */
export function knexOf(em: EntityManager): Knex | Knex.Transaction {
  return (em.getTransactionContext<Knex.Transaction>() ?? (em as SqlEntityManager).getKnex()) as Knex | Knex.Transaction;
}

/** Bound variables per statement: under SQLite's 32766 (and PostgreSQL's 65535). */
const MAX_VARIABLES = 30_000;

/** A column to bulk-insert and its PostgreSQL type (for the array form of the insert). */
export interface BulkColumn {
  name: string;
  pgType: 'text' | 'boolean' | 'date' | 'uuid' | 'integer' | 'smallint';
}

/** Rows per PostgreSQL statement: one array parameter per column, so no variable limit applies. */
const PG_ROWS_PER_STATEMENT = 10_000;

/**
 * Multi-row INSERTs with bound parameters — no entities, no unit of work: a million rows never sit
 * in the identity map. SQLite: `values (?, …), (?, …)` chunked under its 32766-variable limit.
 * PostgreSQL: one array per column through `unnest` (1.5× as fast as a values list here, and
 * free of the 65535-parameter limit).
 */
export async function bulkInsert(em: EntityManager, table: string, columns: readonly BulkColumn[], rows: readonly unknown[][]): Promise<void> {
  if (rows.length === 0) return;
  const knex = knexOf(em);
  const head = `insert into "${table}" (${columns.map((c) => `"${c.name}"`).join(', ')}) `;
  if (!isSqlite(em)) {
    const sql = `${head}select * from unnest(${columns.map((c) => `?::${c.pgType}[]`).join(', ')})`;
    for (let i = 0; i < rows.length; i += PG_ROWS_PER_STATEMENT) {
      const chunk = rows.slice(i, i + PG_ROWS_PER_STATEMENT);
      const arrays = columns.map((_, k) => chunk.map((row) => row[k]));
      await knex.raw(sql, arrays as unknown as Knex.RawBinding[]);
    }
    return;
  }
  const perStatement = Math.max(1, Math.floor(MAX_VARIABLES / columns.length));
  const tuple = `(${columns.map(() => '?').join(', ')})`;
  let fullChunkSql: string | null = null;
  for (let i = 0; i < rows.length; i += perStatement) {
    const chunk = rows.slice(i, i + perStatement);
    let sql: string;
    if (chunk.length === perStatement) {
      fullChunkSql ??= `${head}values ${new Array<string>(perStatement).fill(tuple).join(', ')}`;
      sql = fullChunkSql;
    } else {
      sql = `${head}values ${new Array<string>(chunk.length).fill(tuple).join(', ')}`;
    }
    const bindings: unknown[] = [];
    for (const row of chunk) for (const v of row) bindings.push(v);
    await knex.raw(sql, bindings as Knex.RawBinding[]);
  }
}

/** Runs one statement in the EntityManager's transaction and returns its rows. */
export async function queryRows<T>(em: EntityManager, sql: string, bindings: readonly unknown[] = []): Promise<T[]> {
  const res = (await knexOf(em).raw(sql, bindings as Knex.RawBinding[])) as unknown;
  // better-sqlite3 hands back the rows; pg a result object with `rows`.
  if (Array.isArray(res)) return res as T[];
  return ((res as { rows?: T[] }).rows ?? []) as T[];
}

/** Runs one statement and returns how many rows it changed. */
export async function execute(em: EntityManager, sql: string, bindings: readonly unknown[] = []): Promise<number> {
  const res = (await knexOf(em).raw(sql, bindings as Knex.RawBinding[])) as unknown;
  if (res && typeof res === 'object' && 'changes' in res) return Number((res as { changes: number }).changes);
  if (res && typeof res === 'object' && 'rowCount' in res) return Number((res as { rowCount: number }).rowCount);
  return 0;
}

/** `IN (?, ?, …)` for a list (never empty). */
export function placeholders(n: number): string {
  return new Array<string>(n).fill('?').join(', ');
}

/** One data line of a PTP file → a row. Throws FieldError naming the field. */
export function parsePtpFields(f: string[]): PtpRow {
  if (f.length < 6) throw new FieldError('record', `has ${f.length} tab-separated fields; a PTP edit has 7 (column 1, column 2, pre-1996 flag, effective date, deletion date, modifier indicator, rationale)`);
  const column1 = f[0]!.trim().toUpperCase();
  if (!CODE.test(column1)) throw new FieldError('column 1', 'must be a 5-character HCPCS/CPT code');
  const column2 = f[1]!.trim().toUpperCase();
  if (!CODE.test(column2)) throw new FieldError('column 2', 'must be a 5-character HCPCS/CPT code');
  const flag = f[2]!.trim();
  if (flag !== '' && flag !== '*') throw new FieldError('prior-to-1996 flag', 'must be * or empty');
  const effectiveFrom = parseCmsDate(f[3]!.trim());
  if (!effectiveFrom) throw new FieldError('effective date', 'must be a date YYYYMMDD');
  const deletionRaw = f[4]!.trim();
  let effectiveTo: string | null = null;
  if (deletionRaw !== '*') {
    const deletion = parseCmsDate(deletionRaw);
    if (!deletion) throw new FieldError('deletion date', 'must be a date YYYYMMDD or * (not deleted)');
    effectiveTo = addDays(deletion, -1);
  }
  const modifierIndicator = f[5]!.trim();
  if (modifierIndicator !== '0' && modifierIndicator !== '1' && modifierIndicator !== '9') {
    throw new FieldError('modifier indicator', 'must be 0 (not allowed), 1 (allowed) or 9 (not applicable)');
  }
  const rationale = f.slice(6).join(' ').trim();
  if (rationale.length > 200) throw new FieldError('PTP edit rationale', 'is longer than 200 characters');
  return { column1, column2, prior1996: flag === '*', effectiveFrom, effectiveTo, modifierIndicator, rationale: rationale || null };
}

const PTP_COLUMNS: readonly BulkColumn[] = [
  { name: 'setting', pgType: 'text' },
  { name: 'column1', pgType: 'text' },
  { name: 'column2', pgType: 'text' },
  { name: 'prior1996', pgType: 'boolean' },
  { name: 'effective_from', pgType: 'date' },
  { name: 'effective_to', pgType: 'date' },
  { name: 'modifier_indicator', pgType: 'text' },
  { name: 'rationale', pgType: 'text' },
  { name: 'release_id', pgType: 'uuid' },
];

export class NcciPtpImporter implements Importer<PtpRow> {
  readonly kind = ReferenceKind.NCCI_PTP;
  readonly encoding = 'latin1' as const;
  /** Rows handed to each `load`: one INSERT on PostgreSQL, four on SQLite. */
  readonly batchSize = 10_000;
  private setting!: EditSetting;
  private inserted = 0;
  private dataStarted = false;

  scope(fileName: string, options: ImportOptions): ReleaseScope {
    const scope = editTableScope('NCCI PTP edits', fileName, options, PTP_SETTINGS);
    this.setting = scope.setting;
    return scope;
  }

  /**
   * The notice, title and wrapped header lines are recognised by content (so a file made by
   * concatenating the four parts, headers and all, reads too). A line with a code-shaped column 1
   * or an 8-digit date is a data line and must parse.
   */
  parse(line: string): PtpRow | null {
    const f = line.split('\t');
    const first = (f[0] ?? '').trim();
    const looksLikeData = CODE.test(first.toUpperCase()) || f.some((x) => /^\d{8}$/.test(x.trim()));
    if (!looksLikeData) {
      if (!this.dataStarted || HEADER_WORDS.test(line)) return null;
      throw new FieldError('record', 'is neither a PTP edit nor a CMS header line');
    }
    this.dataStarted = true;
    return parsePtpFields(f);
  }

  async load(ctx: ImportContext, rows: PtpRow[]): Promise<void> {
    const sqlite = isSqlite(ctx.em);
    const releaseId = ctx.release.id;
    const values = rows.map((r) => [
      this.setting,
      r.column1,
      r.column2,
      sqlite ? (r.prior1996 ? 1 : 0) : r.prior1996,
      r.effectiveFrom,
      r.effectiveTo,
      r.modifierIndicator,
      r.rationale,
      releaseId,
    ]);
    await bulkInsert(ctx.em, 'ncci_ptp_edit', PTP_COLUMNS, values);
    this.inserted += rows.length;
  }

  /**
   * Counts against the rows this release replaces, in SQL (the tables are millions of rows):
   * a row is identified by (column 1, column 2, effective date) —
   * - added: a new row whose key the previous rows lack;
   * - retired: a previous row whose key the new file lacks, or a new row that gives an edit in
   *   force before (no deletion date) a deletion date — the edit was deleted this release;
   * - changed: a new row whose key exists with other values (modifier indicator, rationale,
   *   pre-1996 flag, another deletion date);
   * - a row identical to a previous one counts as nothing.
   * Then the replaced rows are deleted (their release records stay).
   */
  async finish(ctx: ImportContext): Promise<ImportCounts> {
    const em = ctx.em;
    const releaseId = ctx.release.id;
    const old = await this.replacedRows(ctx);
    const counts: ImportCounts = { added: 0, changed: 0, retired: 0 };
    const oldWhere = old.where('o');
    const anyOld = await queryRows(em, `select 1 as x from "ncci_ptp_edit" o where ${oldWhere} limit 1`, old.bindings);
    if (anyOld.length === 0) {
      counts.added = this.inserted;
    } else {
      const sameKey = `o.setting = n.setting and o.column1 = n.column1 and o.column2 = n.column2 and o.effective_from = n.effective_from`;
      const identical =
        `coalesce(o.effective_to, '9999-12-31') = coalesce(n.effective_to, '9999-12-31') and o.modifier_indicator = n.modifier_indicator ` +
        `and o.prior1996 = n.prior1996 and coalesce(o.rationale, '') = coalesce(n.rationale, '')`;
      const perNew = await queryRows<{ kind: string; n: number | string }>(
        em,
        `select kind, count(*) as n from (select case
           when exists (select 1 from "ncci_ptp_edit" o where ${oldWhere} and ${sameKey} and ${identical}) then 'same'
           when not exists (select 1 from "ncci_ptp_edit" o where ${oldWhere} and ${sameKey}) then 'added'
           when n.effective_to is not null and exists (select 1 from "ncci_ptp_edit" o where ${oldWhere} and ${sameKey} and o.effective_to is null) then 'retired'
           else 'changed' end as kind
         from "ncci_ptp_edit" n where n.setting = ? and n.release_id = ?) x group by kind`,
        [...old.bindings, ...old.bindings, ...old.bindings, this.setting, releaseId],
      );
      for (const r of perNew) {
        if (r.kind === 'added') counts.added = Number(r.n);
        else if (r.kind === 'changed') counts.changed = Number(r.n);
        else if (r.kind === 'retired') counts.retired += Number(r.n);
      }
      const dropped = await queryRows<{ n: number | string }>(
        em,
        `select count(*) as n from "ncci_ptp_edit" o where ${oldWhere}
           and not exists (select 1 from "ncci_ptp_edit" n where n.setting = o.setting and n.column1 = o.column1 and n.column2 = o.column2
                           and n.effective_from = o.effective_from and n.release_id = ?)`,
        [...old.bindings, releaseId],
      );
      counts.retired += Number(dropped[0]?.n ?? 0);
      await execute(em, `delete from "ncci_ptp_edit" where ${old.where('"ncci_ptp_edit"')}`, old.bindings);
    }
    invalidateNcciLookups();
    return counts;
  }

  /**
   * Which stored rows this file replaces, as a SQL condition on a table alias. A whole-table file
   * replaces every row of its setting. Part N replaces the rows of earlier part-N releases and,
   * while moving from whole-table releases to parts, the rows of those whose column 1 appears in
   * this part (parts split the table by column 1, so four parts replace it all).
   */
  private async replacedRows(ctx: ImportContext): Promise<{ where: (alias: string) => string; bindings: unknown[] }> {
    const part = ptpPartOf(ctx.fileName);
    const base = (a: string) => `${a}.setting = ? and ${a}.release_id <> ?`;
    if (part === null) return { where: base, bindings: [this.setting, ctx.release.id] };
    const releases = await queryRows<{ id: string; file_name: string }>(
      ctx.em,
      `select r.id, r.file_name from "reference_release" r where r.kind = ? and r.setting = ? and r.id <> ?
         and exists (select 1 from "ncci_ptp_edit" o where o.release_id = r.id)`,
      [ReferenceKind.NCCI_PTP, this.setting, ctx.release.id],
    );
    const sameParts = releases.filter((r) => ptpPartOf(r.file_name) === part).map((r) => r.id);
    const wholes = releases.filter((r) => ptpPartOf(r.file_name) === null).map((r) => r.id);
    const alternatives: ((a: string) => string)[] = [];
    const bindings: unknown[] = [this.setting, ctx.release.id];
    if (sameParts.length > 0) {
      alternatives.push((a) => `${a}.release_id in (${placeholders(sameParts.length)})`);
      bindings.push(...sameParts);
    }
    if (wholes.length > 0) {
      alternatives.push(
        (a) => `(${a}.release_id in (${placeholders(wholes.length)}) and ${a}.column1 in (select p.column1 from "ncci_ptp_edit" p where p.release_id = ?))`,
      );
      bindings.push(...wholes, ctx.release.id);
    }
    if (alternatives.length === 0) return { where: () => '1 = 0', bindings: [] };
    return { where: (a) => `${base(a)} and (${alternatives.map((f) => f(a)).join(' or ')})`, bindings };
  }
}
