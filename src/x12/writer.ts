/**
 * A small typed X12 writer: segments, composites and repetitions with the separators of the
 * interchange, the ISA fixed-width header, and the ISA/GS/ST … SE/GE/IEA envelopes with exact
 * counts. It knows no transaction: src/x12/837p/writer.ts builds the 837P with it.
 *
 * Escaping policy. X12 has no escape character (X12.5 / 005010 implementation guides, appendix B:
 * a delimiter may not appear inside data), so a data value that contains a separator would break
 * the structure. The writer therefore never writes a separator inside data:
 * - in ordinary data elements, every separator character (element, component, repetition,
 *   segment), line breaks, tabs and other control characters become a space, and the value is
 *   trimmed (X12 suppresses trailing spaces in AN elements); letters with diacritics lose them
 *   (José → Jose) and any other character outside printable ASCII becomes a space, because the
 *   5010 guides limit data to the basic and extended character sets;
 * - identifiers that route or match the file (ISA06/ISA08 sender and receiver, GS02/GS03) are
 *   never altered: a separator or non-printable character in them is refused (X12WriteError);
 * - the separators themselves must be four different single printable characters that are not
 *   letters, digits or space, so that no code value (all alphanumeric) can ever collide with one.
 */
import type { Separators } from './reader';

/** `*` element, `:` component, `^` repetition, `~` segment terminator: the usual 5010 choice. */
export const DEFAULT_SEPARATORS: Readonly<Separators> = { element: '*', component: ':', repetition: '^', segment: '~' };

export class X12WriteError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'X12WriteError';
  }
}

/** A scalar data element: text, a whole number, or nothing (an empty element). */
export type Value = string | number | null | undefined;

/** A composite data element (e.g. SV101 = HC:99213:25): components in order. */
export class Composite {
  constructor(readonly components: readonly Value[]) {}
}

/** A repeated data element, joined with the repetition separator (ISA11). */
export class Repeated {
  constructor(readonly repeats: readonly (Value | Composite)[]) {}
}

export type Element = Value | Composite | Repeated;

/** One segment: its id and elements 01..n. */
export interface SegmentData {
  id: string;
  elements: readonly Element[];
}

export const composite = (...components: Value[]): Composite => new Composite(components);
export const seg = (id: string, ...elements: Element[]): SegmentData => ({ id, elements });

export interface WriterOptions {
  separators?: Partial<Separators>;
  /** A line break after each segment terminator (allowed by X12; easier to read). Default false. */
  newline?: boolean;
}

/** Checks that the separators can delimit any data this writer emits. */
export function checkSeparators(s: Separators): void {
  const all = [s.element, s.component, s.repetition ?? '', s.segment];
  for (const [name, c] of [['element', s.element], ['component', s.component], ['repetition', s.repetition ?? ''], ['segment', s.segment]] as const) {
    if (c.length !== 1) throw new X12WriteError(`the ${name} separator must be exactly one character`);
    if (/[A-Za-z0-9 ]/.test(c) || c.charCodeAt(0) < 0x21 || c.charCodeAt(0) > 0x7e) {
      throw new X12WriteError(`the ${name} separator must be a printable character that is not a letter, digit or space`);
    }
  }
  if (new Set(all).size !== all.length) throw new X12WriteError('the element, component, repetition and segment separators must all differ');
}

/**
 * Dollars from integer cents, exact, without float math and without trailing zeros after the
 * decimal point (X12 R type: 125, 125.5, 125.05, 0.05).
 */
export function formatAmount(cents: number): string {
  if (!Number.isSafeInteger(cents)) throw new X12WriteError('an amount must be a whole number of cents');
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  const dollars = Math.floor(abs / 100);
  const rest = abs % 100;
  if (rest === 0) return `${sign}${dollars}`;
  const frac = String(rest).padStart(2, '0').replace(/0$/, '');
  return `${sign}${dollars}.${frac}`;
}

/** CCYYMMDD from a YYYY-MM-DD date (DTP D8, DMG02). */
export function d8(date: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new X12WriteError('a date must be YYYY-MM-DD');
  return date.replace(/-/g, '');
}

export interface InterchangeHeader {
  /** ISA05/ISA07 qualifier (ZZ mutually defined, 30 federal tax id, 27/28 carrier…). */
  senderQualifier?: string;
  senderId: string;
  receiverQualifier?: string;
  receiverId: string;
  /** ISA09/ISA10 and GS04/GS05 are taken from this instant, in UTC. */
  at: Date;
  /** ISA13: 1..999999999, written as 9 digits. */
  controlNumber: number;
  /** ISA15: P production, T test. */
  usage: 'P' | 'T';
  /** ISA14: ask for a TA1 interchange acknowledgment. */
  acknowledgmentRequested?: boolean;
}

export interface GroupHeader {
  /** GS01, e.g. HC for health care claims. */
  functionalId: string;
  senderCode: string;
  receiverCode: string;
  /** GS06: 1..999999999. */
  controlNumber: number;
  /** GS08, e.g. 005010X222A1. */
  version: string;
}

const ISA_ID = /^[A-Za-z0-9 .@&()/,'+=-]{1,15}$/;

/**
 * Writes one interchange. Segments are appended in order; begin/end calls write the envelopes
 * and keep the counts (SE01 segments in the transaction including ST and SE, GE01 transactions,
 * IEA01 groups), so the counts are exact by construction.
 */
export class X12Writer {
  readonly separators: Separators;
  private readonly newline: boolean;
  private readonly out: string[] = [];
  private readonly badData: RegExp;
  private interchange: InterchangeHeader | null = null;
  private group: { header: GroupHeader; transactions: number } | null = null;
  private transaction: { controlNumber: string; segments: number } | null = null;
  private groups = 0;
  private hlCounter = 0;

  constructor(opts: WriterOptions = {}) {
    this.separators = { ...DEFAULT_SEPARATORS, ...opts.separators };
    checkSeparators(this.separators);
    this.newline = opts.newline ?? false;
    const esc = (c: string) => c.replace(/[\\\]^-]/g, '\\$&');
    const seps = [this.separators.element, this.separators.component, this.separators.repetition ?? '', this.separators.segment].map(esc).join('');
    // Separators, control characters and anything outside printable ASCII.
     
    this.badData = new RegExp(`[${seps}\\u0000-\\u001f\\u007f-\\uffff]`, 'g');
  }

  /** A data value made safe for this interchange (see the escaping policy at the top). */
  clean(value: string): string {
    let v = value;
    // Fast path: plain printable ASCII without separators needs no work.
    this.badData.lastIndex = 0;
    if (!this.badData.test(v)) return v.trim();
    // Drop diacritics first (é → e), then blank what is left.
    v = v.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
    this.badData.lastIndex = 0;
    return v.replace(this.badData, ' ').trim();
  }

  private value(v: Value): string {
    if (v === null || v === undefined) return '';
    if (typeof v === 'number') {
      if (!Number.isSafeInteger(v)) throw new X12WriteError('numeric elements must be whole numbers; format amounts with formatAmount');
      return String(v);
    }
    return this.clean(v);
  }

  private compositeText(c: Composite): string {
    const parts = c.components.map((x) => this.value(x));
    while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
    return parts.join(this.separators.component);
  }

  private elementText(e: Element): string {
    if (e instanceof Composite) return this.compositeText(e);
    if (e instanceof Repeated) {
      if (!this.separators.repetition) throw new X12WriteError('this interchange has no repetition separator');
      const parts = e.repeats.map((r) => (r instanceof Composite ? this.compositeText(r) : this.value(r)));
      while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
      return parts.join(this.separators.repetition);
    }
    return this.value(e);
  }

  private raw(text: string): void {
    this.out.push(text, this.separators.segment);
    if (this.newline) this.out.push('\n');
  }

  /** Appends one segment; trailing empty elements are dropped (X12.6: no trailing delimiters). */
  segment(id: string, ...elements: Element[]): void {
    if (!/^[A-Z][A-Z0-9]{1,2}$/.test(id)) throw new X12WriteError('a segment id is 2–3 upper-case letters or digits');
    if (!this.transaction && !['ISA', 'GS', 'GE', 'IEA'].includes(id)) throw new X12WriteError(`segment ${id} written outside a transaction`);
    const parts = elements.map((e) => this.elementText(e));
    while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
    this.raw(parts.length ? `${id}${this.separators.element}${parts.join(this.separators.element)}` : id);
    if (this.transaction) this.transaction.segments++;
  }

  write(s: SegmentData): void {
    this.segment(s.id, ...s.elements);
  }

  /** ISA: 16 fixed-width elements (X12.5; 005010 guides appendix B). 106 characters with the terminator. */
  beginInterchange(h: InterchangeHeader): void {
    if (this.interchange) throw new X12WriteError('an interchange is already open');
    const ctl = h.controlNumber;
    if (!Number.isSafeInteger(ctl) || ctl < 1 || ctl > 999_999_999) throw new X12WriteError('ISA13 must be 1..999999999');
    for (const [name, id] of [['ISA06 sender id', h.senderId], ['ISA08 receiver id', h.receiverId]] as const) {
      if (this.containsSeparator(id)) throw new X12WriteError(`${name} contains a separator character; choose other separators`);
      if (!ISA_ID.test(id) || id.trim() === '') throw new X12WriteError(`${name} must be 1–15 printable characters`);
    }
    const qualifier = (q: string | undefined) => {
      const v = q ?? 'ZZ';
      if (!/^[A-Z0-9]{2}$/.test(v)) throw new X12WriteError('ISA05/ISA07 qualifiers are 2 characters');
      return v;
    };
    const { date, time } = stamp(h.at);
    const rep = this.separators.repetition;
    if (!rep) throw new X12WriteError('005010 interchanges need a repetition separator (ISA11)');
    const fields = [
      'ISA',
      '00',
      ' '.repeat(10),
      '00',
      ' '.repeat(10),
      qualifier(h.senderQualifier),
      h.senderId.padEnd(15, ' '),
      qualifier(h.receiverQualifier),
      h.receiverId.padEnd(15, ' '),
      date.slice(2),
      time.slice(0, 4),
      rep,
      '00501',
      String(ctl).padStart(9, '0'),
      h.acknowledgmentRequested ? '1' : '0',
      h.usage,
      this.separators.component,
    ];
    const isa = fields.join(this.separators.element);
    if (isa.length !== 105) throw new X12WriteError('ISA must be 105 characters before its terminator');
    this.raw(isa);
    this.interchange = h;
    this.groups = 0;
  }

  beginGroup(g: GroupHeader): void {
    if (!this.interchange) throw new X12WriteError('GS needs an open interchange');
    if (this.group) throw new X12WriteError('a functional group is already open');
    if (!Number.isSafeInteger(g.controlNumber) || g.controlNumber < 1 || g.controlNumber > 999_999_999) throw new X12WriteError('GS06 must be 1..999999999');
    for (const [name, id] of [['GS02', g.senderCode], ['GS03', g.receiverCode]] as const) {
      if (!ISA_ID.test(id) || this.containsSeparator(id)) throw new X12WriteError(`${name} must be 2–15 printable characters without separators`);
    }
    const { date, time } = stamp(this.interchange.at);
    this.segment('GS', g.functionalId, g.senderCode, g.receiverCode, date, time.slice(0, 4), g.controlNumber, 'X', g.version);
    this.group = { header: g, transactions: 0 };
  }

  /** ST; returns nothing — endTransaction writes SE with the exact count. HL numbering restarts. */
  beginTransaction(type: string, controlNumber: string, version: string): void {
    if (!this.group) throw new X12WriteError('ST needs an open functional group');
    if (this.transaction) throw new X12WriteError('a transaction is already open');
    if (!/^[A-Za-z0-9]{4,9}$/.test(controlNumber)) throw new X12WriteError('ST02 must be 4–9 letters or digits');
    this.transaction = { controlNumber, segments: 0 };
    this.hlCounter = 0;
    this.segment('ST', type, controlNumber, version);
  }

  /**
   * HL: the next hierarchical id (1, 2, 3… within the transaction), its parent's id, the level
   * code and HL04 (1 when child HLs follow, 0 when none do). Returns the new id.
   */
  hl(parent: number | null, levelCode: string, hasChildren: boolean): number {
    const id = ++this.hlCounter;
    if (parent !== null && (parent < 1 || parent >= id)) throw new X12WriteError('an HL parent must be an earlier HL of the same transaction');
    this.segment('HL', id, parent, levelCode, hasChildren ? '1' : '0');
    return id;
  }

  /** Segments so far in the open transaction, ST included. */
  get transactionSegmentCount(): number {
    return this.transaction?.segments ?? 0;
  }

  endTransaction(): number {
    if (!this.transaction || !this.group) throw new X12WriteError('no open transaction');
    const count = this.transaction.segments + 1;
    this.segment('SE', count, this.transaction.controlNumber);
    this.transaction = null;
    this.group.transactions++;
    return count;
  }

  endGroup(): void {
    if (!this.group) throw new X12WriteError('no open group');
    if (this.transaction) throw new X12WriteError('close the transaction before its group');
    this.segment('GE', this.group.transactions, this.group.header.controlNumber);
    this.group = null;
    this.groups++;
  }

  endInterchange(): void {
    if (!this.interchange) throw new X12WriteError('no open interchange');
    if (this.group) throw new X12WriteError('close the group before the interchange');
    this.segment('IEA', this.groups, String(this.interchange.controlNumber).padStart(9, '0'));
    this.interchange = null;
  }

  toString(): string {
    if (this.interchange || this.group || this.transaction) throw new X12WriteError('an envelope is still open');
    return this.out.join('');
  }

  private containsSeparator(v: string): boolean {
    const s = this.separators;
    return [s.element, s.component, s.repetition ?? '', s.segment].some((c) => c !== '' && v.includes(c));
  }
}

/** CCYYMMDD and HHMMSS of an instant, in UTC. */
export function stamp(at: Date): { date: string; time: string } {
  const iso = at.toISOString();
  return { date: iso.slice(0, 10).replace(/-/g, ''), time: iso.slice(11, 19).replace(/:/g, '') };
}
