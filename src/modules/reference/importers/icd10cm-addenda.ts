import type { SqlEntityManager } from '@mikro-orm/knex';
import { addDays } from '../../../common/dates';
import { isIcd10CmFormat } from '../../../common/formats';
import { Code, CodeSystem } from '../../code/code.entity';
import { applyCodeSet, type CodeRow } from '../import/code-set';
import { FieldError, ImportRefusedError, type LineProblem } from '../import/errors';
import type { ImportContext, ImportCounts, ImportOptions, Importer, ReleaseScope } from '../import/types';
import { ReferenceKind, ReferenceRelease } from '../reference.entities';
import { fiscalYearScope } from './icd10cm';

/**
 * ICD-10-CM order-file addenda (CMS/CDC `icd10cm_order_addenda_<FY>.txt`): the changes from the
 * previous fiscal year's order file to this one. Fixed width, one change per line — the order-file
 * fields without the order number, behind a 13-character action label. Measured on
 * icd10cm_order_addenda_2026.txt (../shared/data/codes/icd10cm, README "codes/" table) and
 * checked against both order files:
 *   1–13  action, left-justified: "Add:", "Delete:", "Revise from:", "Revise to:"
 *   14    0 = header, 1 = valid for HIPAA-covered transactions (as order-file column 15)
 *   15    blank    16–22 code, no dot, left-justified    23 blank
 *   24–83 short description (60)    84 blank    85–end long description
 * A revision is two consecutive lines for the same code: "Revise from:" (old text) then
 * "Revise to:" (new text). A change of the billable flag is published as "Delete:" of the old
 * row followed by "Add:" of the new one (e.g. B880 in FY2026 became a header).
 * After the changes, CMS appends a summary ("Headers" / "Codes" sections with counts of
 * additions, deletions and revisions); those counts are checked against the lines read.
 */

type Action = 'ADD' | 'DELETE' | 'REVISE_FROM' | 'REVISE_TO';

const ACTIONS: Record<string, Action> = {
  'Add:': 'ADD',
  'Delete:': 'DELETE',
  'Revise from:': 'REVISE_FROM',
  'Revise to:': 'REVISE_TO',
};

export interface AddendaRow {
  action: Action;
  lineNo: number;
  code: string;
  billable: boolean;
  shortDescription: string;
  longDescription: string;
}

type SummaryKey = 'additions' | 'deletions' | 'revisions';

export function parseAddendaLine(line: string, lineNo: number): AddendaRow {
  const label = line.slice(0, 13).trim();
  const action = ACTIONS[label];
  if (!action) throw new FieldError('action (1–13)', 'must be "Add:", "Delete:", "Revise from:" or "Revise to:"');
  if (line.length < 24) throw new FieldError('record', `is ${line.length} characters; an addenda record has at least 24`);
  const flag = line[13];
  if (flag !== '0' && flag !== '1') throw new FieldError('valid-for-billing flag (14)', 'must be 0 or 1');
  if (line[14] !== ' ' || line[22] !== ' ') throw new FieldError('record', 'columns 15 and 23 must be blank (addenda layout)');
  const code = line.slice(15, 22).trim();
  if (!isIcd10CmFormat(code)) throw new FieldError('code (16–22)', 'is not an ICD-10-CM code');
  const shortDescription = line.slice(23, 83).trim();
  if (!shortDescription) throw new FieldError('short description (24–83)', 'is empty');
  const longDescription = line.slice(84).trim() || shortDescription;
  return { action, lineNo, code, billable: flag === '1', shortDescription, longDescription };
}

interface InForce {
  code: string;
  shortDescription: string | null;
  longDescription: string | null;
  billable: boolean;
}

export class Icd10CmAddendaImporter implements Importer<AddendaRow> {
  readonly kind = ReferenceKind.ICD10CM_ADDENDA;
  readonly encoding = 'latin1' as const;
  private rows: AddendaRow[] = [];
  private pendingFrom: AddendaRow | null = null;
  private inSummary = false;
  private readonly summary: Record<SummaryKey, number> = { additions: 0, deletions: 0, revisions: 0 };
  private summarySeen = false;

  scope(fileName: string, options: ImportOptions): ReleaseScope {
    const { effectiveFrom, effectiveTo } = fiscalYearScope(fileName, options);
    return { effectiveFrom, effectiveTo };
  }

  parse(line: string, lineNo: number): AddendaRow | null {
    const trimmed = line.trim();
    if (trimmed === 'Headers' || trimmed === 'Codes') {
      this.inSummary = true;
      return null;
    }
    if (this.inSummary) {
      const m = /^(\d+)\s+(additions|deletions|revisions)$/.exec(trimmed);
      if (m) {
        this.summary[m[2] as SummaryKey] += Number(m[1]);
        this.summarySeen = true;
      }
      return null; // the other summary lines ("… codes in icd10cm_order_2025.txt", "of which") carry no change
    }
    const row = parseAddendaLine(line, lineNo);
    const pending = this.pendingFrom;
    if (row.action === 'REVISE_TO') {
      if (!pending || pending.code !== row.code) throw new FieldError('action (1–13)', '"Revise to:" must directly follow "Revise from:" for the same code');
      this.pendingFrom = null;
    } else if (pending) {
      this.pendingFrom = null;
      throw new FieldError('action (1–13)', `"Revise from:" on line ${pending.lineNo} is not followed by "Revise to:" for ${pending.code}`);
    } else if (row.action === 'REVISE_FROM') {
      this.pendingFrom = row;
    }
    return row;
  }

  async load(_ctx: ImportContext, rows: AddendaRow[]): Promise<void> {
    this.rows.push(...rows);
  }

  async finish(ctx: ImportContext): Promise<ImportCounts> {
    const { em, release, fileName } = ctx;
    const start = release.effectiveFrom;
    const dayBefore = addDays(start, -1);
    if (this.pendingFrom) {
      throw new ImportRefusedError(`${fileName}: the file ends inside a revision`, [
        { file: fileName, line: this.pendingFrom.lineNo, field: 'action (1–13)', message: '"Revise from:" is not followed by "Revise to:"' },
      ]);
    }
    if (this.summarySeen && !ctx.options.skipBad) this.checkSummary(fileName);

    // An addenda file only lists changes: it needs the previous year in the database, and it
    // cannot be slid under a newer ICD-10-CM release.
    const icdKinds = [ReferenceKind.ICD10CM, ReferenceKind.ICD10CM_ADDENDA];
    const newer = await em.findOne(ReferenceRelease, { kind: { $in: icdKinds }, effectiveFrom: { $gt: start } });
    if (newer) {
      throw new ImportRefusedError(`${fileName}: a newer ICD-10-CM release (${newer.fileName}, from ${newer.effectiveFrom}) is already loaded; import releases in date order`);
    }
    const previous = await em.findOne(ReferenceRelease, {
      kind: { $in: icdKinds },
      id: { $ne: release.id },
      effectiveFrom: { $lte: dayBefore },
      $or: [{ effectiveTo: null }, { effectiveTo: { $gte: dayBefore } }],
    });
    if (!previous) {
      throw new ImportRefusedError(
        `${fileName}: no ICD-10-CM release covers ${dayBefore}; an addenda file lists only changes, so import the previous fiscal year's order file first`,
      );
    }

    // The codes in force the day before, with the changes applied in file order.
    const base = (await (em as SqlEntityManager)
      .createQueryBuilder(Code)
      .select(['code', 'shortDescription', 'longDescription', 'billable'])
      .where({ system: CodeSystem.ICD10CM, effectiveFrom: { $lte: dayBefore }, $or: [{ effectiveTo: null }, { effectiveTo: { $gte: dayBefore } }] })
      .execute('all')) as InForce[];
    const set = new Map<string, InForce>(base.map((r) => [r.code, r]));
    const problems: LineProblem[] = [];
    const problem = (row: AddendaRow, message: string) => problems.push({ file: fileName, line: row.lineNo, field: 'code (16–22)', message });
    for (const row of this.rows) {
      const now = set.get(row.code);
      if (row.action === 'DELETE' || row.action === 'REVISE_FROM') {
        if (!now) problem(row, `${row.code} is not in force on ${dayBefore}, so it cannot be ${row.action === 'DELETE' ? 'deleted' : 'revised'}`);
        else if (row.action === 'DELETE') set.delete(row.code);
      } else if (row.action === 'ADD' && now) {
        problem(row, `${row.code} is already in force on ${dayBefore}, so it cannot be added`);
      } else {
        set.set(row.code, { code: row.code, shortDescription: row.shortDescription, longDescription: row.longDescription, billable: row.billable });
      }
    }
    if (problems.length > 0) {
      throw new ImportRefusedError(`${fileName}: the addenda do not fit the ICD-10-CM codes in force on ${dayBefore}; nothing was imported`, problems);
    }

    const rows: CodeRow[] = [...set.values()].map((r) => ({
      system: CodeSystem.ICD10CM,
      code: r.code,
      shortDescription: r.shortDescription ?? null,
      longDescription: r.longDescription ?? null,
      billable: Boolean(r.billable),
    }));
    // The set holds every code in force the day before plus the changes, so "missing" means
    // exactly the deleted codes: codes the addenda do not mention stay as they are.
    return applyCodeSet(em, [CodeSystem.ICD10CM], rows, start, { retireMissing: true });
  }

  /** CMS's trailing summary counts additions/deletions/revisions over headers and codes. */
  private checkSummary(fileName: string): void {
    const count = (a: Action) => this.rows.filter((r) => r.action === a).length;
    const read: Record<SummaryKey, number> = { additions: count('ADD'), deletions: count('DELETE'), revisions: count('REVISE_TO') };
    const off = (Object.keys(read) as SummaryKey[]).filter((k) => read[k] !== this.summary[k]);
    if (off.length > 0) {
      throw new ImportRefusedError(
        `${fileName}: the file's summary does not match its lines (${off.map((k) => `${k}: summary ${this.summary[k]}, lines ${read[k]}`).join('; ')}); is it truncated?`,
      );
    }
  }
}
