import { addDays, isLocalDate } from '../../../common/dates';
import { HCPCS_PATTERN, MODIFIER_PATTERN } from '../../../common/formats';
import { CodeSystem } from '../../code/code.entity';
import { applyCodeSet, loadStoredCodes, type CodeRow, type StoredCodeRow } from '../import/code-set';
import { FieldError, ImportRefusedError } from '../import/errors';
import { splitCsv } from '../import/read-lines';
import type { ImportContext, ImportCounts, ImportOptions, Importer, ReleaseScope } from '../import/types';
import { ReferenceKind } from '../reference.entities';

/**
 * CMS HCPCS Level II alpha-numeric file ("ANWEB", published quarterly as xlsx/txt) saved as CSV
 * with its header row: HCPC, SEQNUM, RECID, LONG DESCRIPTION, SHORT DESCRIPTION, PRICE1…4,
 * MULT_PI, CIM1…3, MCM1…3, STATUTE, LABCERT1…8, XREF1…5, COV, ASC_GRP, ASC_DT, OPPS, OPPS_PI,
 * OPPS_DT, PROCNOTE, BETOS, TOS1…5, ANEST_BU, ADD DT, ACT EFF DT, TERM DT, ACTION CD
 * (header of ../shared/data/codes/hcpcs/hcpcs-level2-2020q4-anweb.csv). Columns are found by
 * header name; without a header the order above is assumed.
 *
 * Record identification code (RECID), per the CMS HCPCS record layout (field REC_IDENT_CD, as
 * transcribed at https://datacodes.net/DClayoutHCPCS.htm): 3 = first line of a procedure,
 * 4 = second, third… line of its long description, 7 = first line of a modifier, 8 = further
 * modifier description lines. Continuation lines follow their first line (next SEQNUM) and
 * carry only text; their long description is appended with a space (G0503 in the 2020q4 file).
 *
 * Dates are YYYYMMDD. ADD DT = date the code was added; ACT EFF DT = date the last action
 * (ACTION CD) took effect (blank on 116 records of the 2020q4 file); TERM DT = termination date.
 * TERM DT is the last valid day, not the first invalid one — measured on the file, as the CMS
 * record layout text was not at hand: in all 629 terminated records of the 2020q4 file TERM DT
 * is the day before ACT EFF DT of the discontinuation (e.g. C9055: action D effective 2020-10-01,
 * TERM DT 2020-09-30). So a row's effectiveTo is TERM DT itself, not the day before.
 *
 * How rows become effective-dated code rows (see finish):
 * - a code not yet stored starts at ADD DT;
 * - a stored code whose text changed gets a new row from ACT EFF DT (old wording kept before);
 * - a code terminated before the release starts closes the stored row at TERM DT, or, when the
 *   code was never stored, is kept as history from ADD DT to TERM DT;
 * - the file is the full Level II list: HCPCS codes and HCPCS modifiers absent from it are
 *   retired the day before the release. CPT modifiers (they start with a digit: 25, 59, 1P…)
 *   are not in this file and are never touched; CPT codes are another system altogether.
 */

const COLUMNS = ['HCPC', 'SEQNUM', 'RECID', 'LONG DESCRIPTION', 'SHORT DESCRIPTION', 'ADD DT', 'ACT EFF DT', 'TERM DT'] as const;
type Column = (typeof COLUMNS)[number];
/** Positions in the CMS ANWEB column order (used when the file has no header). */
const DEFAULT_COLUMNS: Record<Column, number> = {
  HCPC: 0,
  SEQNUM: 1,
  RECID: 2,
  'LONG DESCRIPTION': 3,
  'SHORT DESCRIPTION': 4,
  'ADD DT': 44,
  'ACT EFF DT': 45,
  'TERM DT': 46,
};

const QUARTER_MONTH: Record<string, string> = { jan: '01', apr: '04', jul: '07', oct: '10' };

/**
 * The quarter a file applies to: --effective, else its name — `2020q4` / `2020-Q4`, CMS's
 * `HCPC2021_JAN_ANWEB…` or `october-2020-alpha-numeric-hcpcs-file`.
 */
export function hcpcsQuarterStart(fileName: string, options: ImportOptions): string {
  if (options.effectiveFrom) return options.effectiveFrom;
  const name = fileName.toLowerCase();
  const q = /(20\d{2})[-_ ]?q([1-4])(?![0-9])/.exec(name);
  if (q) return `${q[1]}-${String((Number(q[2]) - 1) * 3 + 1).padStart(2, '0')}-01`;
  const ym = /(20\d{2})[-_ ]?(jan|apr|jul|oct)/.exec(name);
  if (ym) return `${ym[1]}-${QUARTER_MONTH[ym[2]!]}-01`;
  const my = /(jan|apr|jul|oct)[a-z]*[-_ ]?(20\d{2})/.exec(name);
  if (my) return `${my[2]}-${QUARTER_MONTH[my[1]!]}-01`;
  throw new ImportRefusedError(
    `${fileName}: cannot tell the quarter from the file name (e.g. 2020q4, HCPC2021_JAN); pass --effective YYYY-MM-DD, the first day the file applies to`,
  );
}

/** `20201001` (CMS) or `2020-10-01` → LocalDate; FieldError otherwise. */
export function cmsDate(raw: string, field: string): string {
  const v = raw.trim();
  const iso = /^\d{8}$/.test(v) ? `${v.slice(0, 4)}-${v.slice(4, 6)}-${v.slice(6, 8)}` : v;
  if (!isLocalDate(iso)) throw new FieldError(field, 'must be a date YYYYMMDD');
  return iso;
}

/** Per system|code: all stored rows, and the one applyCodeSet treats as current on `start`. */
export function indexStored(rows: StoredCodeRow[], start: string): Map<string, { history: StoredCodeRow[]; current: StoredCodeRow | null }> {
  const index = new Map<string, { history: StoredCodeRow[]; current: StoredCodeRow | null }>();
  for (const r of rows) {
    const key = `${r.system}|${r.code}`;
    let entry = index.get(key);
    if (!entry) index.set(key, (entry = { history: [], current: null }));
    entry.history.push(r);
    if (r.effectiveTo == null || r.effectiveTo >= start) entry.current = r;
  }
  return index;
}

/** CPT modifiers are numeric (25, 59) or digit-first (1P…8P); HCPCS Level II modifiers start with a letter. */
export const isCptModifier = (code: string): boolean => /^[0-9]/.test(code);

type HcpcsLine =
  | { kind: 'first'; lineNo: number; system: CodeSystem; code: string; longDescription: string; shortDescription: string; addDt: string; actEffDt: string | null; termDt: string | null }
  | { kind: 'more'; lineNo: number; code: string; text: string };

export class HcpcsImporter implements Importer<HcpcsLine> {
  readonly kind = ReferenceKind.HCPCS;
  private columns: Record<Column, number> = { ...DEFAULT_COLUMNS };
  private width = Math.max(...Object.values(DEFAULT_COLUMNS)) + 1;
  private last: { code: string; recid: string } | null = null;
  private readonly seen = new Set<string>();
  private readonly records: Extract<HcpcsLine, { kind: 'first' }>[] = [];
  private fileName = '';

  scope(fileName: string, options: ImportOptions): ReleaseScope {
    this.fileName = fileName;
    return { effectiveFrom: hcpcsQuarterStart(fileName, options), effectiveTo: null };
  }

  isHeader(line: string): boolean {
    const cells = splitCsv(line).map((c) => c.trim().toUpperCase());
    if (cells[0] !== 'HCPC') return false;
    const missing = COLUMNS.filter((c) => !cells.includes(c));
    if (missing.length > 0) throw new ImportRefusedError(`${this.fileName}: the header lacks column(s) ${missing.join(', ')} (CMS HCPCS ANWEB layout)`);
    for (const c of COLUMNS) this.columns[c] = cells.indexOf(c);
    this.width = Math.max(...Object.values(this.columns)) + 1;
    return true;
  }

  parse(line: string, lineNo: number): HcpcsLine {
    const cells = splitCsv(line);
    if (cells.length < this.width) throw new FieldError('record', `has ${cells.length} fields; the HCPCS layout needs ${this.width}`);
    const get = (c: Column) => cells[this.columns[c]]!.trim();
    const code = get('HCPC').toUpperCase();
    const recid = get('RECID');
    if (!/^\d{1,5}$/.test(get('SEQNUM'))) throw new FieldError('SEQNUM', 'must be a number');
    if (recid === '4' || recid === '8') {
      const first = recid === '4' ? '3' : '7';
      if (!this.last || this.last.code !== code || this.last.recid !== first) {
        throw new FieldError('RECID', `a continuation line (${recid}) must follow the first line (${first}) of the same code`);
      }
      return { kind: 'more', lineNo, code, text: get('LONG DESCRIPTION') };
    }
    this.last = null;
    if (recid !== '3' && recid !== '7') throw new FieldError('RECID', 'must be 3 (procedure), 4 (its continuation), 7 (modifier) or 8 (its continuation)');
    const system = recid === '3' ? CodeSystem.HCPCS : CodeSystem.MODIFIER;
    if (recid === '3' && !HCPCS_PATTERN.test(code)) throw new FieldError('HCPC', 'is not a HCPCS Level II code (a letter A–V and 4 digits)');
    if (recid === '7' && !MODIFIER_PATTERN.test(code)) throw new FieldError('HCPC', 'is not a two-character modifier');
    const longDescription = get('LONG DESCRIPTION');
    const shortDescription = get('SHORT DESCRIPTION');
    if (!longDescription && !shortDescription) throw new FieldError('LONG DESCRIPTION', 'is empty, and so is SHORT DESCRIPTION');
    if (shortDescription.length > 100) throw new FieldError('SHORT DESCRIPTION', 'is longer than 100 characters');
    if (!get('ADD DT')) throw new FieldError('ADD DT', 'is empty');
    const addDt = cmsDate(get('ADD DT'), 'ADD DT');
    const actEffDt = get('ACT EFF DT') ? cmsDate(get('ACT EFF DT'), 'ACT EFF DT') : null;
    const termDt = get('TERM DT') ? cmsDate(get('TERM DT'), 'TERM DT') : null;
    if (termDt && termDt < addDt) throw new FieldError('TERM DT', 'is before ADD DT');
    const key = `${system}|${code}`;
    if (this.seen.has(key)) throw new FieldError('HCPC', `${code} appears twice`);
    this.seen.add(key);
    this.last = { code, recid };
    return { kind: 'first', lineNo, system, code, longDescription, shortDescription, addDt, actEffDt, termDt };
  }

  async load(_ctx: ImportContext, rows: HcpcsLine[]): Promise<void> {
    for (const row of rows) {
      if (row.kind === 'first') this.records.push(row);
      else {
        const rec = this.records[this.records.length - 1];
        // parse() guarantees the first line came just before; it may have been skipped as bad.
        if (rec?.code === row.code && row.text) rec.longDescription = rec.longDescription ? `${rec.longDescription} ${row.text}` : row.text;
      }
    }
  }

  async finish(ctx: ImportContext): Promise<ImportCounts> {
    const start = ctx.release.effectiveFrom;
    const systems = [CodeSystem.HCPCS, CodeSystem.MODIFIER];
    const stored = indexStored(await loadStoredCodes(ctx.em, systems), start);
    const rows: CodeRow[] = [];
    // applyCodeSet counts a newly set termination date as "changed"; report it as "retired".
    let terminated = 0;
    for (const rec of this.records) {
      const entry = stored.get(`${rec.system}|${rec.code}`);
      const cur = entry?.current ?? null;
      const longDescription = rec.longDescription || rec.shortDescription;
      const shortDescription = rec.shortDescription || longDescription.slice(0, 100);
      const base = { system: rec.system, code: rec.code, shortDescription, longDescription, billable: true, effectiveTo: rec.termDt };
      if (rec.termDt && rec.termDt < start) {
        // Terminated before this release: close what is open, keep history never seen, else leave.
        if (cur && rec.termDt >= cur.effectiveFrom) {
          rows.push({ ...base, effectiveFrom: cur.effectiveFrom });
          terminated++;
        } else if (!entry) rows.push({ ...base, effectiveFrom: rec.addDt });
        continue;
      }
      if (!cur) {
        // New, or back after a termination: start at ADD DT, after any earlier stored window.
        const lastEnd = entry?.history.reduce((m, r) => (r.effectiveTo && r.effectiveTo > m ? r.effectiveTo : m), '') ?? '';
        const from = lastEnd && addDays(lastEnd, 1) > rec.addDt ? addDays(lastEnd, 1) : rec.addDt;
        rows.push({ ...base, effectiveFrom: from });
        continue;
      }
      const textChanged = cur.shortDescription !== shortDescription || cur.longDescription !== longDescription || !cur.billable;
      const changeFrom = rec.actEffDt && textChanged && rec.actEffDt > cur.effectiveFrom && (!rec.termDt || rec.actEffDt <= rec.termDt) ? rec.actEffDt : null;
      // applyCodeSet closes the stored row the day before a later start, or corrects it in place.
      rows.push({ ...base, effectiveFrom: changeFrom ?? cur.effectiveFrom });
      if (rec.termDt && cur.effectiveTo == null) terminated++;
    }
    // CPT modifiers are not in this file: hand them back unchanged so they are not retired.
    const inFile = new Set(this.records.map((r) => `${r.system}|${r.code}`));
    for (const [key, entry] of stored) {
      const cur = entry.current;
      if (!cur || cur.system !== CodeSystem.MODIFIER || !isCptModifier(cur.code) || inFile.has(key)) continue;
      rows.push({ ...cur });
    }
    const counts = await applyCodeSet(ctx.em, systems, rows, start, { retireMissing: true });
    return { added: counts.added, changed: counts.changed - terminated, retired: counts.retired + terminated };
  }
}
