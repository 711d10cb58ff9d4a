import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { NASTY_STRINGS, type Rng } from './prng';

/** The shared X12 samples, read in place (never copied into the project). */
export const X12_DIR = join(__dirname, '../../../shared/data/x12');

/** Text samples of one folder, small enough to mutate a thousand times (the 370 kB one is left out). */
export function samples(sub: string): { name: string; text: string }[] {
  const dir = join(X12_DIR, sub);
  return readdirSync(dir)
    .filter((n) => n.endsWith('.x12') && !n.includes('utf16') && statSync(join(dir, n)).size < 20_000)
    .sort()
    .map((name) => ({ name, text: readFileSync(join(dir, name), 'utf8') }));
}

interface Layout {
  element: string;
  terminator: string;
  /** Segments without their terminator, line breaks kept as the file had them. */
  segments: string[];
}

function layout(text: string): Layout {
  const isa = text.indexOf('ISA');
  let element = '*';
  let terminator = '~';
  if (isa >= 0 && text.length > isa + 105) {
    element = text[isa + 3]!;
    terminator = text[isa + 105]!;
  } else {
    const st = /^\s*ST(.)/.exec(text);
    if (st) element = st[1]!;
  }
  return { element, terminator, segments: text.split(terminator) };
}

const join_ = (l: Layout) => l.segments.join(l.terminator);

/** Segments that carry structure (envelopes, counts, loops): the interesting ones to break. */
const STRUCTURAL = /^\s*(ISA|IEA|GS|GE|ST|SE|HL|CLM|SV1|LX|CLP|SVC|BPR|TRN|CAS|PLB|NM1|SBR|HI|DTP|DTM|AMT|QTY)\b/;

function segmentIndex(r: Rng, l: Layout): number {
  const structural = l.segments.map((s, i) => (STRUCTURAL.test(s) ? i : -1)).filter((i) => i >= 0);
  return structural.length && r.chance(0.7) ? r.pick(structural) : r.int(l.segments.length);
}

function setElement(r: Rng, l: Layout, value: (old: string) => string): string {
  const i = segmentIndex(r, l);
  const parts = l.segments[i]!.split(l.element);
  if (parts.length < 2) return 'no element to change';
  const n = 1 + r.int(parts.length - 1);
  parts[n] = value(parts[n]!);
  l.segments[i] = parts.join(l.element);
  return `${parts[0]!.trim()}${String(n).padStart(2, '0')}`;
}

/** A PHI-like value planted in elements: no refusal reason or warning may repeat it. */
export const X12_MARKER = 'ZQXMARKER4471';

const WEIRD_VALUES = [
  X12_MARKER,
  `${X12_MARKER}:${X12_MARKER}`,
  ...NASTY_STRINGS.filter((s) => s.length < 1000),
  '-1',
  '-0.01',
  '0.001',
  '1.2.3',
  '99999999999999999999.99',
  '1e5',
  '.',
  '-',
  '00000000',
  '20261331',
  '20260230',
  '99999999',
  'RD8',
  'D8',
  '20260101-20251231',
  'HC:99213:25:59:XE:GT:ZZ',
  'ABK:Z00.00',
  '1:2:3:4:5:6:7',
  'A'.repeat(100_000),
  '9'.repeat(5_000),
];

type Mutation = (r: Rng, l: Layout) => string;

/** Each mutation edits the layout in place and says what it did (positions and kinds, no values). */
const MUTATIONS: Record<string, Mutation> = {
  dropSegment: (r, l) => {
    const i = segmentIndex(r, l);
    l.segments.splice(i, 1);
    return `dropped segment ${i}`;
  },
  duplicateSegment: (r, l) => {
    const i = segmentIndex(r, l);
    l.segments.splice(i, 0, l.segments[i]!);
    return `duplicated segment ${i}`;
  },
  swapSegments: (r, l) => {
    const i = segmentIndex(r, l);
    const j = r.int(l.segments.length);
    [l.segments[i], l.segments[j]] = [l.segments[j]!, l.segments[i]!];
    return `swapped segments ${i} and ${j}`;
  },
  moveSegment: (r, l) => {
    const i = segmentIndex(r, l);
    const [s] = l.segments.splice(i, 1);
    const j = r.int(l.segments.length + 1);
    l.segments.splice(j, 0, s!);
    return `moved segment ${i} to ${j}`;
  },
  wrongCount: (r, l) => {
    const counts = l.segments.map((s, i) => (/^\s*(SE|GE|IEA)\b/.test(s) ? i : -1)).filter((i) => i >= 0);
    if (!counts.length) return 'no count segment';
    const i = r.pick(counts);
    const parts = l.segments[i]!.split(l.element);
    parts[1] = r.pick(['0', '-1', '1', String(1 + r.int(100000)), '', 'X', '9'.repeat(30)]);
    l.segments[i] = parts.join(l.element);
    return `count of segment ${i} changed`;
  },
  wrongControlNumber: (r, l) => {
    const i = l.segments.findIndex((s) => /^\s*(ST|SE|GS|GE|ISA|IEA)\b/.test(s) && r.chance(0.4));
    if (i < 0) return 'no control segment';
    const parts = l.segments[i]!.split(l.element);
    const n = parts[0]!.trim() === 'ISA' ? 13 : 2;
    if (parts.length > n) parts[n] = r.pick(['', '0', '000000001', 'ABC', '9'.repeat(40)]);
    l.segments[i] = parts.join(l.element);
    return `control number of segment ${i} changed`;
  },
  truncate: (r, l) => {
    const text = join_(l);
    const at = r.int(text.length);
    l.segments = text.slice(0, at).split(l.terminator);
    return `truncated at ${at}`;
  },
  weirdElement: (r, l) => `element ${setElement(r, l, () => r.pick(WEIRD_VALUES))} set to an odd value`,
  emptyElement: (r, l) => `element ${setElement(r, l, () => '')} emptied`,
  extraElements: (r, l) => {
    const i = segmentIndex(r, l);
    l.segments[i] += l.element.repeat(1 + r.int(40)) + 'X';
    return `extra elements on segment ${i}`;
  },
  numberTwist: (r, l) =>
    `number in ${setElement(r, l, (old) =>
      /\d/.test(old) ? old.replace(/\d+(\.\d+)?/, r.pick(['-1', '0', '1.999', '99999999999999', '1e3', '.5', '-', '2147483648', '00'])) : old,
    )} changed`,
  byteFlip: (r, l) => {
    const text = join_(l);
    if (!text.length) return 'empty';
    const at = r.int(text.length);
    const c = r.pick([l.element, l.terminator, ':', '^', '\n', '\r', '\u0000', '\u00e9', '\ufffd', 'Z', '0', ' ', '*', '~', '|', String.fromCharCode(r.int(256))]);
    l.segments = (text.slice(0, at) + c + text.slice(at + 1)).split(l.terminator);
    return `byte ${at} flipped`;
  },
  separatorChange: (r, l) => {
    const text = join_(l);
    const isa = text.indexOf('ISA');
    const which = r.int(3);
    if (isa < 0) {
      l.segments = text.replace(/^(\s*ST)./, `$1${r.pick(['|', 'A', '~', ':'])}`).split(l.terminator);
      return 'ST separator changed';
    }
    // Element separator (ISA position 4), component separator (ISA16), terminator (after ISA16).
    const pos = isa + [3, 104, 105][which]!;
    const c = r.pick(['*', '|', '^', ':', '~', '\n', 'A', '5', ' ', '\u00a7', '!']);
    l.segments = (text.slice(0, pos) + c + text.slice(pos + 1)).split(l.terminator);
    return `separator ${['element', 'component', 'segment'][which]} changed`;
  },
  isaLength: (r, l) => {
    const i = l.segments.findIndex((s) => /^\s*ISA\b/.test(s));
    if (i < 0) return 'no ISA';
    l.segments[i] = r.chance(0.5) ? l.segments[i]!.replace(/ {2,}/, ' ') : l.segments[i]!.replace(/ /, '   ');
    return 'ISA length changed';
  },
  unknownSegment: (r, l) => {
    const i = r.int(l.segments.length);
    l.segments.splice(i, 0, `${r.pick(['ZZZ', 'X', '12', 'NM1', 'CLM', 'SV1', 'CLP', 'SVC', 'HL', 'LX', 'CAS', 'ST', 'SE', 'GS', 'ISA', 'IEA'])}${l.element}${r.pick(WEIRD_VALUES.filter((v) => v.length < 200))}`);
    return `segment inserted at ${i}`;
  },
  hugeElement: (r, l) => `element ${setElement(r, l, () => r.pick(['A', '9', ':', ' ']).repeat(50_000 + r.int(200_000)))} made huge`,
  lineBreaks: (r, l) => {
    l.segments = l.segments.map((s) => (r.chance(0.3) ? s.replace(/\*/, '*\r\n') : s));
    return 'line breaks inside segments';
  },
  concatenated: (r, l) => {
    const text = join_(l);
    l.segments = (text + (r.chance(0.5) ? '\n' : '') + text.slice(0, r.int(text.length))).split(l.terminator);
    return 'file repeated (partly)';
  },
};

export const MUTATION_NAMES = Object.keys(MUTATIONS);

/** One to three mutations of a sample, described without any of its content. */
export function mutateX12(r: Rng, text: string): { text: string; what: string[] } {
  const l = layout(text);
  const what: string[] = [];
  const n = 1 + r.int(3);
  for (let k = 0; k < n; k++) {
    const name = r.pick(MUTATION_NAMES);
    what.push(`${name}: ${MUTATIONS[name]!(r, l)}`);
  }
  return { text: join_(l), what };
}

/** Random byte edits on the encoded file (invalid UTF-8, NULs, BOMs): for readers given bytes. */
export function mutateBytes(r: Rng, text: string): { bytes: Buffer; what: string[] } {
  const bytes = Buffer.from(text, 'utf8');
  const what: string[] = [];
  const n = 1 + r.int(4);
  let out = bytes;
  for (let k = 0; k < n; k++) {
    const kind = r.int(4);
    if (kind === 0) {
      const at = r.int(out.length);
      out[at] = r.int(256);
      what.push(`byte ${at} replaced`);
    } else if (kind === 1) {
      out = Buffer.concat([r.pick([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from([0xff, 0xfe]), Buffer.from([0xfe, 0xff])]), out]);
      what.push('BOM prefixed');
    } else if (kind === 2) {
      const at = r.int(out.length);
      out = Buffer.concat([out.subarray(0, at), Buffer.from([r.pick([0x00, 0x80, 0xc3, 0xed, 0xf0, 0xff])]), out.subarray(at)]);
      what.push(`invalid byte inserted at ${at}`);
    } else {
      out = out.subarray(0, r.int(out.length));
      what.push('cut');
    }
  }
  return { bytes: out, what };
}
