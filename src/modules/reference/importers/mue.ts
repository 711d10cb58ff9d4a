import { addDays } from '../../../common/dates';
import { FieldError, ImportRefusedError } from '../import/errors';
import { splitCsv } from '../import/read-lines';
import type { ImportContext, ImportCounts, ImportOptions, Importer, ReleaseScope } from '../import/types';
import { EditSetting, ReferenceKind } from '../reference.entities';
import { invalidateNcciLookups } from '../lookups/ncci';
import { bulkInsert, editTableScope, execute, queryRows, type BulkColumn } from './ncci-ptp';

/**
 * NCCI medically unlikely edits (MUE), Medicare practitioner / outpatient hospital / DME supplier
 * services, in the CSV CMS ships in each quarterly zip (`MCR_MUE_PractitionerServices_Eff_<MM-DD-YYYY>.csv`,
 * `MCR_MUE_OutpatientHospitalServices_Eff_…`, `MCR_MUE_DMESupplierServices_Eff_…`). The file opens
 * with the AMA notice as one quoted CSV cell spanning several physical lines (`"Current Procedural
 * Terminology … herein.",,,`), then the column header whose first cell has a line break inside its
 * quotes:
 *
 *   "HCPCS/
 *   CPT Code",Practitioner Services MUE Values,MUE Adjudication Indicator,MUE Rationale
 *   0001U,1,2 Date of Service Edit: Policy,Code Descriptor / CPT Instruction
 *
 * MUE values are units (0 is a real value: the code is not payable in that setting). The
 * adjudication indicator (MAI) is text whose leading digit is the indicator: 1 Line Edit,
 * 2 Date of Service Edit: Policy, 3 Date of Service Edit: Clinical. The file carries no dates:
 * the quarter's first date comes from --effective (and must match the `Eff_` date of the name).
 *
 * Release semantics: the file is the whole table for its setting. Rows are effective-dated so a
 * date of service in an earlier quarter still gets that quarter's value: a code whose MUE is
 * unchanged keeps its row; a changed code's row is closed the day before the new release and a new
 * row starts; a code missing from the new file is closed (retired).
 */

export interface MueRow {
  code: string;
  units: number;
  adjudicationIndicator: 1 | 2 | 3;
  rationale: string | null;
}

const CODE = /^[0-9A-Z]{5}$/;
const HEADER = /MUE\s+Values|Adjudication\s+Indicator/i;
const DATA_SHAPE = /^"?[0-9A-Za-z]{5}"?\s*,\s*"?\d+"?\s*,/;
const SETTING_IN_HEADER: [RegExp, EditSetting][] = [
  [/practitioner/i, EditSetting.PRACTITIONER],
  [/outpatient|hospital/i, EditSetting.OUTPATIENT],
  [/dme|supplier/i, EditSetting.DME],
];

export const MUE_SETTINGS: readonly EditSetting[] = [EditSetting.PRACTITIONER, EditSetting.OUTPATIENT, EditSetting.DME];

/** `2 Date of Service Edit: Policy` → 2. */
export function parseMai(text: string): 1 | 2 | 3 {
  const m = /^\s*([123])(?:\s|$|[^0-9])/.exec(text);
  if (!m) throw new FieldError('MUE adjudication indicator', 'must start with 1, 2 or 3 (e.g. "2 Date of Service Edit: Policy")');
  return Number(m[1]) as 1 | 2 | 3;
}

export function parseMueFields(f: string[]): MueRow {
  if (f.length < 3) throw new FieldError('record', `has ${f.length} comma-separated fields; an MUE row has 4 (code, MUE value, adjudication indicator, rationale)`);
  const code = f[0]!.trim().toUpperCase();
  if (!CODE.test(code)) throw new FieldError('HCPCS/CPT code', 'must be a 5-character HCPCS/CPT code');
  const unitsRaw = f[1]!.trim();
  if (!/^\d{1,6}$/.test(unitsRaw)) throw new FieldError('MUE value', 'must be a whole number of units');
  const adjudicationIndicator = parseMai(f[2]!);
  const rationale = f.slice(3).join(',').trim().replace(/,+$/, '').trim();
  if (rationale.length > 100) throw new FieldError('MUE rationale', 'is longer than 100 characters');
  return { code, units: Number(unitsRaw), adjudicationIndicator, rationale: rationale || null };
}

const MUE_COLUMNS: readonly BulkColumn[] = [
  { name: 'setting', pgType: 'text' },
  { name: 'code', pgType: 'text' },
  { name: 'units', pgType: 'integer' },
  { name: 'adjudication_indicator', pgType: 'smallint' },
  { name: 'rationale', pgType: 'text' },
  { name: 'effective_from', pgType: 'date' },
  { name: 'effective_to', pgType: 'date' },
  { name: 'release_id', pgType: 'uuid' },
];

export class MueImporter implements Importer<MueRow> {
  readonly kind = ReferenceKind.MUE;
  readonly encoding = 'latin1' as const;
  readonly batchSize = 5000;
  private setting!: EditSetting;
  private headerSeen = false;
  private dataStarted = false;
  /** Code → line, to refuse a code listed twice (a table has one MUE per code). */
  private readonly lineOf = new Map<string, number>();

  scope(fileName: string, options: ImportOptions): ReleaseScope {
    const scope = editTableScope('MUE tables', fileName, options, MUE_SETTINGS);
    const eff = /Eff_(\d{2})-(\d{2})-(\d{4})/i.exec(fileName);
    if (eff) {
      const named = `${eff[3]}-${eff[1]}-${eff[2]}`;
      if (named !== scope.effectiveFrom) {
        throw new ImportRefusedError(`${fileName}: the file name says effective ${named} but --effective is ${scope.effectiveFrom}; check the quarter`);
      }
    }
    this.setting = scope.setting;
    return scope;
  }

  /**
   * Lines before the column header are the AMA notice (a quoted cell over several lines) and are
   * passed over; the header is checked against --setting; after it every line is a data line.
   */
  parse(line: string, lineNo: number): MueRow | null {
    if (!this.dataStarted) {
      if (HEADER.test(line)) {
        this.headerSeen = true;
        for (const [re, setting] of SETTING_IN_HEADER) {
          if (re.test(line)) {
            if (setting !== this.setting) throw new ImportRefusedError(`line ${lineNo}: the column header is for ${setting} MUEs but --setting is ${this.setting}`);
            break;
          }
        }
        return null;
      }
      if (!this.headerSeen && !DATA_SHAPE.test(line)) return null;
      this.dataStarted = true;
    }
    const row = parseMueFields(splitCsv(line));
    const first = this.lineOf.get(row.code);
    if (first !== undefined) throw new FieldError('HCPCS/CPT code', `${row.code} is listed twice (first on line ${first})`);
    this.lineOf.set(row.code, lineNo);
    return row;
  }

  async load(ctx: ImportContext, rows: MueRow[]): Promise<void> {
    const start = ctx.release.effectiveFrom;
    await bulkInsert(
      ctx.em,
      'mue_limit',
      MUE_COLUMNS,
      rows.map((r) => [this.setting, r.code, r.units, r.adjudicationIndicator, r.rationale, start, null, ctx.release.id]),
    );
  }

  /**
   * Against the setting's current rows (open: no effective-to), in SQL:
   * added = codes new to the table; changed = codes whose units, indicator or rationale differ;
   * retired = codes the new file no longer lists. Unchanged codes keep their row (and its start).
   */
  async finish(ctx: ImportContext): Promise<ImportCounts> {
    const em = ctx.em;
    const id = ctx.release.id;
    const start = ctx.release.effectiveFrom;
    const s = this.setting;
    const current = `o.setting = ? and o.release_id <> ? and o.effective_to is null`;
    const identical = `o.units = n.units and o.adjudication_indicator = n.adjudication_indicator and coalesce(o.rationale, '') = coalesce(n.rationale, '')`;
    const [c] = await queryRows<{ added: number | string | null; changed: number | string | null }>(
      em,
      `select
         sum(case when not exists (select 1 from "mue_limit" o where ${current} and o.code = n.code) then 1 else 0 end) as added,
         sum(case when exists (select 1 from "mue_limit" o where ${current} and o.code = n.code)
                   and not exists (select 1 from "mue_limit" o where ${current} and o.code = n.code and ${identical}) then 1 else 0 end) as changed
       from "mue_limit" n where n.setting = ? and n.release_id = ?`,
      [s, id, s, id, s, id, s, id],
    );
    const [r] = await queryRows<{ retired: number | string }>(
      em,
      `select count(*) as retired from "mue_limit" o where ${current} and not exists (select 1 from "mue_limit" n where n.release_id = ? and n.code = o.code)`,
      [s, id, id],
    );
    // Close (or, when it started with this quarter — a corrected file — drop) each current row
    // that no identical new row continues; then drop the new rows that merely repeat a kept row.
    const notContinued = `not exists (select 1 from "mue_limit" n where n.release_id = ? and n.code = "mue_limit".code
       and n.units = "mue_limit".units and n.adjudication_indicator = "mue_limit".adjudication_indicator
       and coalesce(n.rationale, '') = coalesce("mue_limit".rationale, ''))`;
    const currentHere = `setting = ? and release_id <> ? and effective_to is null`;
    await execute(em, `delete from "mue_limit" where ${currentHere} and effective_from >= ? and ${notContinued}`, [s, id, start, id]);
    await execute(em, `update "mue_limit" set effective_to = ? where ${currentHere} and ${notContinued}`, [addDays(start, -1), s, id, id]);
    await execute(
      em,
      `delete from "mue_limit" where release_id = ? and exists (select 1 from "mue_limit" o where ${current} and o.code = "mue_limit".code
         and o.units = "mue_limit".units and o.adjudication_indicator = "mue_limit".adjudication_indicator
         and coalesce(o.rationale, '') = coalesce("mue_limit".rationale, ''))`,
      [id, s, id],
    );
    invalidateNcciLookups();
    return { added: Number(c?.added ?? 0), changed: Number(c?.changed ?? 0), retired: Number(r?.retired ?? 0) };
  }
}
