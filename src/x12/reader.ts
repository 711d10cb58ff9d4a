/**
 * A small X12 reader: splits an interchange into segments, elements, repetitions and components
 * with the separators the file declares, and checks the envelopes (ISA/IEA, GS/GE, ST/SE counts
 * and control numbers). It knows no transaction: the 837P and 835 readers walk its segments.
 *
 * Separators (X12.5 / 005010 implementation guides, appendix B): the element separator is the
 * 4th character of ISA, the component separator ISA16, the segment terminator the character after
 * ISA16, the repetition separator ISA11 (from version 00501; older files carry "U" there).
 * Line breaks after the terminator are allowed; a file may hold one or many segments per line
 * and several ISA, GS and ST envelopes. A transaction without an envelope (ST…SE only) is read
 * with the separators of its own ST segment.
 */

export interface Separators {
  element: string;
  component: string;
  repetition: string | null;
  segment: string;
}

export interface Segment {
  id: string;
  /** Elements 1..n as raw text (index 0 is element 01). */
  elements: string[];
  /** 1-based position of the segment in the file. */
  position: number;
}

export class X12Error extends Error {
  constructor(
    readonly position: number | null,
    readonly segmentId: string | null,
    readonly reason: string,
  ) {
    super(position === null ? reason : `segment ${position}${segmentId ? ` (${segmentId})` : ''}: ${reason}`);
    this.name = 'X12Error';
  }
}

export interface Transaction {
  /** ST01, e.g. 837 or 835. */
  type: string;
  controlNumber: string;
  /** ST03 or the GS08 version, e.g. 005010X222A1. */
  version: string;
  /** Segments from ST to SE inclusive. */
  segments: Segment[];
}

export interface FunctionalGroup {
  functionalId: string;
  sender: string;
  receiver: string;
  controlNumber: string;
  version: string;
  transactions: Transaction[];
}

/** A count or control number that does not match: reported, not fatal (many real files have them). */
export interface EnvelopeWarning {
  position: number;
  segmentId: string;
  reason: string;
}

export interface Interchange {
  /** Null for a bare ST…SE file. */
  controlNumber: string | null;
  sender: string | null;
  receiver: string | null;
  separators: Separators;
  groups: FunctionalGroup[];
  warnings: EnvelopeWarning[];
}

/**
 * An envelope value (control number, count, transaction type) echoed in a message only when it
 * looks like one: a damaged file can put anything there, including 100 kB or patient data.
 */
export function shown(v: string): string {
  return /^[A-Za-z0-9]{1,12}$/.test(v) ? v : '(not a valid value)';
}

/** The value of element n (1-based) of a segment, trimmed; '' when absent. */
export function el(seg: Segment, n: number): string {
  return (seg.elements[n - 1] ?? '').trim();
}

/** Component m (1-based) of element n. */
export function comp(seg: Segment, n: number, m: number, sep: Separators): string {
  return (el(seg, n).split(sep.component)[m - 1] ?? '').trim();
}

/** All components of element n. */
export function comps(seg: Segment, n: number, sep: Separators): string[] {
  const v = el(seg, n);
  return v === '' ? [] : v.split(sep.component).map((c) => c.trim());
}

/** Repetitions of element n (one when the file has no repetition separator). */
export function reps(seg: Segment, n: number, sep: Separators): string[] {
  const v = el(seg, n);
  if (v === '') return [];
  return sep.repetition ? v.split(sep.repetition) : [v];
}

function separatorsFromIsa(text: string, start: number): Separators {
  // ISA is fixed length: 106 characters including the terminator; element 16 is one character.
  const element = text[start + 3]!;
  const fields = text.slice(start, start + 106).split(element);
  if (fields.length < 17 || fields[0] !== 'ISA') throw new X12Error(1, 'ISA', 'the ISA segment is not 106 characters with 16 elements, so its separators cannot be read');
  const component = fields[16]![0]!;
  const segment = fields[16]![1]!;
  const version = fields[12]!;
  const isa11 = fields[11]!;
  const repetition = version >= '00501' && !/[A-Za-z0-9 ]/.test(isa11) ? isa11 : null;
  if ([element, component, segment].some((c) => c === undefined || /[A-Za-z0-9]/.test(c))) throw new X12Error(1, 'ISA', 'separators must not be letters or digits');
  return { element, component, repetition, segment };
}

interface Chunk {
  separators: Separators;
  segments: Segment[];
}

/**
 * Splits raw text into segments, dropping line breaks around terminators. Each interchange is
 * read with its own ISA's separators, so files that concatenate interchanges from different
 * senders are read correctly.
 */
export function tokenize(text: string): Chunk[] {
  const body = text.replace(/^\uFEFF/, '');
  let at = body.search(/\S/);
  if (at < 0) throw new X12Error(null, null, 'the file is empty');
  const chunks: Chunk[] = [];
  let position = 0;
  while (at >= 0 && at < body.length) {
    let separators: Separators;
    if (body.startsWith('ISA', at)) separators = separatorsFromIsa(body, at);
    else if (body.startsWith('ST', at) && chunks.length === 0) {
      const element = body[at + 2]!;
      const m = /^ST.[^\r\n]*?([~'!\n])/.exec(body.slice(at));
      if (!m || /[A-Za-z0-9]/.test(element)) throw new X12Error(1, 'ST', 'cannot tell the separators of a file without an ISA segment');
      separators = { element, component: ':', repetition: '^', segment: m[1]! };
    } else {
      throw new X12Error(position + 1, null, chunks.length === 0 ? 'an X12 file starts with ISA (or ST for a bare transaction)' : 'expected ISA after IEA');
    }
    const segments: Segment[] = [];
    let end = body.length;
    let cursor = at;
    while (cursor < body.length) {
      const stop = body.indexOf(separators.segment, cursor);
      const raw = body.slice(cursor, stop < 0 ? body.length : stop);
      cursor = stop < 0 ? body.length : stop + 1;
      const s = raw.replace(/^[\r\n\s]+|[\r\n]+$/g, '');
      if (s.trim() === '') continue;
      const parts = s.split(separators.element);
      const id = parts[0]!.trim();
      position++;
      if (!/^[A-Z][A-Z0-9]{1,2}$/.test(id)) throw new X12Error(position, null, 'not a segment: a segment starts with a 2–3 character id');
      if (/[\r\n]/.test(s)) throw new X12Error(position, id, 'a line break inside a segment (is the segment terminator right?)');
      segments.push({ id, elements: parts.slice(1), position });
      if (id === 'IEA') {
        end = cursor;
        break;
      }
    }
    chunks.push({ separators, segments });
    const next = body.slice(end).search(/\S/);
    at = next < 0 ? -1 : end + next;
  }
  return chunks;
}

/** Reads every envelope of a file and checks the counts and control numbers. */
export function readInterchanges(text: string): Interchange[] {
  const out: Interchange[] = [];
  for (const chunk of tokenize(text)) out.push(...readChunk(chunk));
  return out;
}

/**
 * Structure (every ST closed by SE, GS by GE, ISA by IEA) is required; counts and control-number
 * echoes that disagree are collected as warnings, because published sample files and real
 * senders get them wrong and the transactions are still readable. Our own output is exact.
 */
function readChunk({ separators, segments }: Chunk): Interchange[] {
  const out: Interchange[] = [];
  let i = 0;
  let warnings: EnvelopeWarning[] = [];
  const expect = (cond: boolean, seg: Segment, reason: string) => {
    if (!cond) warnings.push({ position: seg.position, segmentId: seg.id, reason });
  };
  const readGroupBody = (groupVersion: string): Transaction[] => {
    const transactions: Transaction[] = [];
    while (i < segments.length && segments[i]!.id === 'ST') {
      const st = segments[i]!;
      const start = i;
      i++;
      while (i < segments.length && segments[i]!.id !== 'SE') {
        const id = segments[i]!.id;
        if (id === 'ST' || id === 'GE' || id === 'IEA' || id === 'GS' || id === 'ISA') throw new X12Error(segments[i]!.position, id, `transaction ${shown(el(st, 2))} has no SE before this segment`);
        i++;
      }
      if (i >= segments.length) throw new X12Error(st.position, 'ST', `transaction ${shown(el(st, 2))} is not closed by SE`);
      const se = segments[i]!;
      const count = i - start + 1;
      expect(el(se, 1) === String(count), se, `SE01 says ${el(se, 1) ? shown(el(se, 1)) : 'nothing'} segments, the transaction has ${count}`);
      expect(el(se, 2) === el(st, 2), se, `SE02 ${shown(el(se, 2))} does not match ST02 ${shown(el(st, 2))}`);
      transactions.push({ type: el(st, 1), controlNumber: el(st, 2), version: el(st, 3) || groupVersion, segments: segments.slice(start, i + 1) });
      i++;
    }
    return transactions;
  };

  while (i < segments.length) {
    const seg = segments[i]!;
    if (seg.id === 'ST') {
      // A bare transaction (no envelope).
      warnings = [];
      const transactions = readGroupBody('');
      out.push({ controlNumber: null, sender: null, receiver: null, separators, groups: [{ functionalId: '', sender: '', receiver: '', controlNumber: '', version: '', transactions }], warnings });
      continue;
    }
    if (seg.id !== 'ISA') throw new X12Error(seg.position, seg.id, `expected ISA, found ${seg.id}`);
    const isa = seg;
    warnings = [];
    i++;
    // TA1 (interchange acknowledgment) may sit between ISA and the first GS.
    while (i < segments.length && segments[i]!.id === 'TA1') i++;
    const groups: FunctionalGroup[] = [];
    while (i < segments.length && segments[i]!.id === 'GS') {
      const gs = segments[i]!;
      i++;
      const transactions = readGroupBody(el(gs, 8));
      const ge = segments[i];
      if (!ge || ge.id !== 'GE') throw new X12Error(ge?.position ?? gs.position, ge?.id ?? 'GS', `group ${shown(el(gs, 6))} is not closed by GE`);
      expect(el(ge, 1) === String(transactions.length), ge, `GE01 says ${shown(el(ge, 1))} transactions, the group has ${transactions.length}`);
      expect(el(ge, 2) === el(gs, 6), ge, `GE02 ${shown(el(ge, 2))} does not match GS06 ${shown(el(gs, 6))}`);
      groups.push({ functionalId: el(gs, 1), sender: el(gs, 2), receiver: el(gs, 3), controlNumber: el(gs, 6), version: el(gs, 8), transactions });
      i++;
    }
    const iea = segments[i];
    if (!iea || iea.id !== 'IEA') throw new X12Error(iea?.position ?? isa.position, iea?.id ?? 'ISA', `interchange ${shown(el(isa, 13))} is not closed by IEA`);
    expect(el(iea, 1) === String(groups.length), iea, `IEA01 says ${shown(el(iea, 1))} groups, the interchange has ${groups.length}`);
    expect(el(iea, 2) === el(isa, 13), iea, `IEA02 ${shown(el(iea, 2))} does not match ISA13 ${shown(el(isa, 13))}`);
    out.push({ controlNumber: el(isa, 13), sender: el(isa, 6), receiver: el(isa, 8), separators, groups, warnings });
    i++;
  }
  return out;
}
