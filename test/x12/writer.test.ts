import { el, readInterchanges, reps, comps } from '../../src/x12/reader';
import { checkSeparators, composite, formatAmount, Repeated, X12Writer, X12WriteError } from '../../src/x12/writer';

const AT = new Date('2026-11-02T14:05:09Z');

/** One interchange with one group and one transaction around `body`. */
function envelope(w: X12Writer, body: (w: X12Writer) => void, opts: { transactions?: number } = {}): string {
  w.beginInterchange({ senderId: 'SENDER1', receiverId: 'RECEIVER22', at: AT, controlNumber: 42, usage: 'T' });
  w.beginGroup({ functionalId: 'HC', senderCode: 'SENDER1', receiverCode: 'RECEIVER22', controlNumber: 42, version: '005010X222A1' });
  for (let i = 0; i < (opts.transactions ?? 1); i++) {
    w.beginTransaction('837', String(1001 + i), '005010X222A1');
    body(w);
    w.endTransaction();
  }
  w.endGroup();
  w.endInterchange();
  return w.toString();
}

describe('X12Writer', () => {
  it('writes the ISA with its fixed widths: 106 characters, ids padded to 15, a 9-digit ISA13, YYMMDD and HHMM', () => {
    const text = envelope(new X12Writer(), (w) => w.segment('BHT', '0019', '00', 'REF', '20261102', '1405', 'CH'));
    const isa = text.slice(0, text.indexOf('~') + 1);
    expect(isa).toHaveLength(106);
    const f = isa.slice(0, -1).split('*');
    expect(f).toHaveLength(17);
    expect(f[2]).toBe(' '.repeat(10));
    expect(f[4]).toBe(' '.repeat(10));
    expect(f[6]).toBe('SENDER1        ');
    expect(f[8]).toBe('RECEIVER22     ');
    expect(f[9]).toBe('261102');
    expect(f[10]).toBe('1405');
    expect(f[11]).toBe('^');
    expect(f[12]).toBe('00501');
    expect(f[13]).toBe('000000042');
    expect(f[15]).toBe('T');
    expect(f[16]).toBe(':');
    expect(text).toContain('GS*HC*SENDER1*RECEIVER22*20261102*1405*42*X*005010X222A1~');
    expect(text.endsWith('IEA*1*000000042~')).toBe(true);
  });

  it('counts exactly: SE01 includes ST and SE, GE01 the transactions, IEA01 the groups; the reader finds no envelope warning', () => {
    const text = envelope(
      new X12Writer(),
      (w) => {
        w.segment('BHT', '0019', '00', 'X', '20261102', '1405', 'CH');
        w.segment('REF', 'EI', '123456789');
        w.segment('REF', 'G1', 'A1');
      },
      { transactions: 3 },
    );
    const [ic] = readInterchanges(text);
    expect(ic!.warnings).toEqual([]);
    expect(ic!.groups[0]!.transactions.map((t) => [t.controlNumber, t.segments.length, el(t.segments.at(-1)!, 1)])).toEqual([
      ['1001', 5, '5'],
      ['1002', 5, '5'],
      ['1003', 5, '5'],
    ]);
    expect(text).toContain('GE*3*42~');
  });

  it('numbers HL segments 1, 2, 3… per transaction with parents and HL04 child flags, restarting in each transaction', () => {
    const text = envelope(
      new X12Writer(),
      (w) => {
        const a = w.hl(null, '20', true);
        const b = w.hl(a, '22', true);
        w.hl(b, '23', false);
        w.hl(a, '22', false);
      },
      { transactions: 2 },
    );
    const hls = readInterchanges(text)[0]!.groups[0]!.transactions.map((t) => t.segments.filter((s) => s.id === 'HL').map((s) => s.elements.join('*')));
    expect(hls).toEqual([
      ['1**20*1', '2*1*22*1', '3*2*23*0', '4*1*22*0'],
      ['1**20*1', '2*1*22*1', '3*2*23*0', '4*1*22*0'],
    ]);
    const w = new X12Writer();
    w.beginInterchange({ senderId: 'A', receiverId: 'B', at: AT, controlNumber: 1, usage: 'T' });
    w.beginGroup({ functionalId: 'HC', senderCode: 'AA', receiverCode: 'BB', controlNumber: 1, version: '005010X222A1' });
    w.beginTransaction('837', '0001', '005010X222A1');
    expect(() => w.hl(5, '22', false)).toThrow(X12WriteError);
  });

  it('drops trailing empty elements and components, keeps inner empty ones', () => {
    const text = envelope(new X12Writer(), (w) => {
      w.segment('SV1', composite('HC', '99213', '25', null, null), '125', 'UN', 1, null, null, composite(1, 2), null, '');
      w.segment('NM1', '85', '2', 'ACME CLINIC', null, null, null, null, 'XX', '1234567893');
    });
    expect(text).toContain('~SV1*HC:99213:25*125*UN*1***1:2~');
    expect(text).toContain('~NM1*85*2*ACME CLINIC*****XX*1234567893~');
  });

  it('writes repetitions with ISA11 and reads them back', () => {
    const text = envelope(new X12Writer(), (w) => w.segment('REF', 'XX', new Repeated(['A1', 'B2', 'C3'])));
    const [ic] = readInterchanges(text);
    const ref = ic!.groups[0]!.transactions[0]!.segments.find((s) => s.id === 'REF')!;
    expect(reps(ref, 2, ic!.separators)).toEqual(['A1', 'B2', 'C3']);
  });

  it('escaping policy: separators, line breaks and control characters inside data become spaces; diacritics are dropped; the structure holds', () => {
    const w = new X12Writer({ newline: true });
    const text = envelope(w, (x) => {
      x.segment('NM1', 'QC', '1', "O'BRIEN*SMITH", 'ANN~MARIE', 'J:R', null, 'III^', null, null);
      x.segment('N3', 'LINE ONE\r\nLINE TWO\t3', 'APT\u00075');
      x.segment('N4', 'SÃO JOSÉ', 'CA', '95131');
    });
    const [ic] = readInterchanges(text);
    expect(ic!.warnings).toEqual([]);
    const segs = ic!.groups[0]!.transactions[0]!.segments;
    const nm1 = segs.find((s) => s.id === 'NM1')!;
    expect(nm1.elements).toEqual(['QC', '1', "O'BRIEN SMITH", 'ANN MARIE', 'J R', '', 'III']);
    expect(segs.find((s) => s.id === 'N3')!.elements).toEqual(['LINE ONE  LINE TWO 3', 'APT 5']);
    expect(segs.find((s) => s.id === 'N4')!.elements).toEqual(['SAO JOSE', 'CA', '95131']);
    // One segment per line with the newline option, and nothing else on the line.
    expect(text.split('\n').filter(Boolean).every((line) => line.endsWith('~') && line.indexOf('~') === line.length - 1)).toBe(true);
  });

  it('other separators: any four distinct printable non-alphanumeric characters, read back identically', () => {
    const w = new X12Writer({ separators: { element: '|', component: '>', repetition: '!', segment: "'" } });
    const text = envelope(w, (x) => {
      x.segment('SV1', composite('HC', '99213', '25'), '125.5', 'UN', 2, null, null, composite(1, 2, 3));
      x.segment('NM1', 'IL', '1', 'A|B>C!D\'E');
    });
    expect(text.startsWith('ISA|00|')).toBe(true);
    const [ic] = readInterchanges(text);
    expect(ic!.separators).toEqual({ element: '|', component: '>', repetition: '!', segment: "'" });
    expect(ic!.warnings).toEqual([]);
    const segs = ic!.groups[0]!.transactions[0]!.segments;
    const sv1 = segs.find((s) => s.id === 'SV1')!;
    expect(comps(sv1, 1, ic!.separators)).toEqual(['HC', '99213', '25']);
    expect(comps(sv1, 7, ic!.separators)).toEqual(['1', '2', '3']);
    expect(segs.find((s) => s.id === 'NM1')!.elements).toEqual(['IL', '1', 'A B C D E']);
  });

  it('refuses separators that could collide with data, and routing ids that contain a separator', () => {
    expect(() => checkSeparators({ element: 'A', component: ':', repetition: '^', segment: '~' })).toThrow(/not a letter/);
    expect(() => checkSeparators({ element: '*', component: '*', repetition: '^', segment: '~' })).toThrow(/must all differ/);
    expect(() => checkSeparators({ element: '**', component: ':', repetition: '^', segment: '~' })).toThrow(/exactly one character/);
    expect(() => checkSeparators({ element: ' ', component: ':', repetition: '^', segment: '~' })).toThrow(X12WriteError);
    expect(() => new X12Writer({ separators: { segment: '\n' } })).toThrow(X12WriteError);
    const w = new X12Writer({ separators: { element: '|' } });
    expect(() => w.beginInterchange({ senderId: 'A|B', receiverId: 'R', at: AT, controlNumber: 1, usage: 'T' })).toThrow(/separator/);
    expect(() => new X12Writer().beginInterchange({ senderId: 'WAY-TOO-LONG-SENDER-ID', receiverId: 'R', at: AT, controlNumber: 1, usage: 'T' })).toThrow(/1–15/);
    expect(() => new X12Writer().beginInterchange({ senderId: 'S', receiverId: 'R', at: AT, controlNumber: 1_000_000_000, usage: 'T' })).toThrow(/ISA13/);
  });

  it('refuses to end with an envelope open, or to write a segment outside a transaction', () => {
    const w = new X12Writer();
    expect(() => w.segment('CLM', 'X')).toThrow(/outside a transaction/);
    w.beginInterchange({ senderId: 'S', receiverId: 'R', at: AT, controlNumber: 1, usage: 'T' });
    expect(() => w.toString()).toThrow(/still open/);
  });
});

describe('formatAmount', () => {
  it('writes dollars exactly from integer cents, without trailing zeros', () => {
    expect([0, 5, 50, 100, 12500, 12550, 12505, 99_999_999, -150, 1].map(formatAmount)).toEqual(['0', '0.05', '0.5', '1', '125', '125.5', '125.05', '999999.99', '-1.5', '0.01']);
  });

  it('refuses fractions of a cent', () => {
    expect(() => formatAmount(12.5)).toThrow(X12WriteError);
  });
});
