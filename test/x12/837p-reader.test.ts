import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeX12 } from '../../src/x12/837p/decode';
import { read837p } from '../../src/x12/837p/reader';
import { tokenize, X12Error } from '../../src/x12/reader';
import { claimContent, I5010_DIR, P5010_DIR, p5010Files, X12_DIR } from './content';

const bytes = (name: string) => readFileSync(join(P5010_DIR, name));
const text = (name: string) => decodeX12(bytes(name));
const clmCount = (t: string) => tokenize(t).reduce((n, c) => n + c.segments.filter((s) => s.id === 'CLM').length, 0);

function refusal(input: string | Uint8Array): X12Error {
  try {
    read837p(input);
  } catch (err) {
    if (err instanceof X12Error) return err;
    throw err;
  }
  throw new Error('expected the file to be refused');
}

describe('read837p on the real 5010 837P files', () => {
  const NOT_837P = new Set(['imsweb__x12_valid.x12.997', 'oopfactory__UnicodeExample.utf16.x12']);

  it.each(p5010Files().filter((f) => !NOT_837P.has(f)))('%s: every CLM becomes a claim with its lines', (name) => {
    const t = text(name);
    const read = read837p(bytes(name));
    expect(read.claims).toHaveLength(clmCount(t));
    expect(read.claims.length).toBeGreaterThan(0);
    for (const c of read.claims) {
      expect(c.lines.length).toBeGreaterThan(0);
      expect(c.billingProvider.name?.idQualifier).toBe('XX');
      expect(c.subscriber.payer).not.toBeNull();
      for (const l of c.lines) expect(l.serviceDateFrom).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
  });

  it('refuses the 997/999 acknowledgment in that folder as not an 837', () => {
    const err = refusal(bytes('imsweb__x12_valid.x12.997'));
    expect(err.position).toBe(2);
    expect(err.segmentId).toBe('GS');
    expect(err.reason).toMatch(/not an 837/);
  });

  it('decodes the UTF-16LE sample (no BOM) and refuses it for what it is: truncated after NM1*41, its ST never closed', () => {
    const raw = bytes('oopfactory__UnicodeExample.utf16.x12');
    expect(raw[1]).toBe(0);
    expect(decodeX12(raw).startsWith('ISA*00*')).toBe(true);
    const err = refusal(raw);
    expect([err.position, err.segmentId]).toEqual([3, 'ST']);
    expect(err.reason).toMatch(/not closed by SE/);
  });

  it('reads UTF-16LE and UTF-16BE with a byte-order mark, and UTF-8 with one, exactly like the plain file', () => {
    const t = text('linuxforhealth__demo.cob.example3.A.x12');
    const expected = read837p(t).claims.map(claimContent);
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(t, 'utf16le')]);
    const leNoBom = Buffer.from(t, 'utf16le');
    const be = Buffer.from(le);
    be.swap16();
    const utf8Bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(t, 'utf8')]);
    for (const b of [le, leNoBom, be, utf8Bom]) expect(read837p(b).claims.map(claimContent)).toEqual(expected);
  });

  it('reads several ISA, GS and ST envelopes in one file', () => {
    expect(read837p(bytes('imsweb__x12_multiple_isa.x12')).interchanges).toHaveLength(2);
    const gs = read837p(bytes('imsweb__x12_multiple_gs.x12'));
    expect(gs.transactions).toBe(3);
    expect(gs.claims.map((c) => c.transaction)).toEqual(['987654', '987654', '987654', '987654', '987654', '987654']);
    const big = read837p(bytes('imsweb__x12_multiple_transactions.x12'));
    expect([big.interchanges.length, big.transactions, big.claims.length]).toEqual([312, 312, 624]);
  });

  it('one or many segments per line, CRLF or not, indentation: the same claims', () => {
    const t = text('linuxforhealth__demo.drug.example10.2.x12');
    const expected = read837p(t).claims.map(claimContent);
    const oneLine = t.replace(/~\s*/g, '~');
    const perLine = oneLine.replace(/~/g, '~\r\n');
    const indented = oneLine.replace(/~/g, '~\n    ');
    for (const v of [oneLine, perLine, indented]) expect(read837p(v).claims.map(claimContent)).toEqual(expected);
  });

  it('any separators: the file rewritten with | > ! and a newline terminator reads the same', () => {
    const t = text('linuxforhealth__demo.example1.x12').replace(/~\s*/g, '~');
    const expected = read837p(t).claims.map(claimContent);
    const map: Record<string, string> = { '*': '|', ':': '>', '^': '!', '~': '\n' };
    const swapped = t.replace(/[*:^~]/g, (c) => map[c]!);
    expect(swapped).toMatch(/^ISA\|03\|/);
    expect(read837p(swapped).claims.map(claimContent)).toEqual(expected);
  });

  it('reads CLM05 written with another component separator than ISA16 declares, and says so', () => {
    const read = read837p(bytes('linuxforhealth__demo.example11.x12'));
    const c = read.claims[0]!;
    expect(claimContent(c)).toMatchObject({ clm05: '11:B:1', hi: ['496', '25000'] });
    expect(c.lines.map((l) => [l.procedureCode, l.modifiers, l.pointers])).toEqual([
      ['E0570', ['RR'], [1, 2]],
      ['A7003', ['NU'], [1]],
    ]);
    expect(read.warnings.map((w) => w.reason)).toEqual([expect.stringMatching(/CLM05 separates its components with ">"/)]);
  });
});

describe('loops: every segment is read in its own loop', () => {
  it('2310B rendering provider, not the 2330D other-payer rendering provider after a 2320 SBR', () => {
    const [c] = read837p(bytes('linuxforhealth__demo.cob.example3.C.x12')).claims;
    expect(c!.rendering?.id).toBe('1999996666');
    expect(c!.subscriber.payer?.id).toBe('567890');
    expect(c!.subscriber.payerResponsibility).toBe('S');
    // The 2320/2330 loops (other subscriber, other payer) change nothing of the claim's own.
    expect(c!.subscriber.name?.id).toBe('22233444');
    expect(claimContent(c!).lines.map((l) => l.date)).toEqual(['2005-10-03', '2005-10-03', '2005-10-03']);
  });

  it('2330G NM1*85 (the other payer\'s billing provider) is not the claim\'s, 2310B is; REF*6R is the line control number', () => {
    const [c] = read837p(bytes('oopfactory__ST1309-XX.x12')).claims;
    expect(c!.billingProvider.name?.last).toBe('ABC PEDIATRIC ORTHOPAED');
    expect(c!.rendering?.last).toBe('DOE');
    expect(c!.lines.map((l) => l.lineControlNumber)).toEqual(['17053', '17054']);
    expect(c!.patient?.relationship).toBe('19');
  });

  it('the pay-to address (2010AB) is not the billing address, the service facility (2310C) not the patient\'s', () => {
    const [c] = read837p(bytes('linuxforhealth__demo.cob.example3.A.x12')).claims;
    expect(c!.billingProvider.address).toMatchObject({ line1: '1234 SEAWAY ST', city: 'MIAMI', postalCode: '33111' });
    expect(c!.patient?.address).toMatchObject({ line1: '236 N MAIN ST', postalCode: '33413' });
    const [p] = read837p(bytes('oopfactory-hipaa__ProfessionalClaim1.x12')).claims;
    expect(p!.rendering?.id).toBe('1234567890');
    // A 2420A rendering provider on line 2 stays with the line (not kept), not with the claim.
    expect(p!.lines).toHaveLength(7);
  });

  it('2410 drug data (LIN, CTP, REF*XZ) and 2420E ordering providers are not the line\'s own segments', () => {
    const [c] = read837p(bytes('linuxforhealth__demo.drug.example10.2.x12')).claims;
    expect(c!.lines.map((l) => [l.procedureCode, l.units, l.lineControlNumber, l.serviceDateFrom, l.serviceDateTo])).toEqual([
      ['S9500', '7.00', null, '2004-02-01', '2004-02-07'],
      ['S5001', '7.00', null, '2004-02-01', '2004-02-07'],
      ['S5000', '14.00', null, '2004-02-01', '2004-02-07'],
      ['S5000', '7.00', null, '2004-02-01', '2004-02-07'],
      ['S5000', '14.00', null, '2004-02-01', '2004-02-07'],
      ['S5000', '7.00', null, '2004-02-01', '2004-02-07'],
    ]);
  });

  it('the patient is the subscriber when there is no 2000C; a 2000C names the patient and PAT01', () => {
    const [self] = read837p(bytes('linuxforhealth__demo.example6.x12')).claims;
    expect(self!.patient).toBeNull();
    expect(self!.subscriber.relationship).toBe('18');
    expect(self!.subscriber.demographics).toMatchObject({ birthDate: '1925-01-10', sex: 'M' });
    const [dep] = read837p(bytes('linuxforhealth__demo.autoaccident.x12')).claims;
    expect(dep!.patient).toMatchObject({ relationship: '21', demographics: { birthDate: '1948-06-01', sex: 'M' } });
  });

  it('reads the hierarchy by position when HL02 parents are wrong, and warns', () => {
    const read = read837p(bytes('imsweb__x12_valid.x12'));
    expect(read.claims.map((c) => [c.patientControlNumber, c.subscriber.name?.first])).toEqual([
      ['A37YH556', 'JOHN'],
      ['A37YH667', 'DAVID'],
    ]);
    expect(read.warnings.some((w) => w.segmentId === 'HL' && /read by position/.test(w.reason))).toBe(true);
    // HI*BK*8901*BF*87200: qualifier and code as separate elements, read as pairs.
    expect(read.claims[0]!.diagnoses.map((d) => `${d.qualifier}:${d.code}`)).toEqual(['BK:8901', 'BF:87200', 'BF:5559']);
  });
});

describe('what read837p refuses (X12Error: segment position and reason)', () => {
  const good = () => text('linuxforhealth__demo.example1.x12').replace(/~\s*/g, '~');
  /** Position of the first segment with this id (1-based, as the reader counts). */
  const positionOf = (t: string, prefix: string) => t.split('~').findIndex((s) => s.startsWith(prefix)) + 1;

  it.each(readdirSync(I5010_DIR).sort())('837I %s: not professional', (name) => {
    const err = refusal(readFileSync(join(I5010_DIR, name)));
    expect(err.reason).toMatch(/institutional|837I/);
  });

  it('an 837I mislabelled as 005010X222 is still refused by its content (CLM05-2 = A, SV2)', () => {
    const t = good().replace('11:B:1', '13:A:1');
    expect(refusal(t).reason).toMatch(/CLM05-2 is A/);
    const sv2 = good().replace('SV1*HC:99213*40.00*UN*1.00***1', 'SV2*0300*HC:99213*40*UN*1');
    expect(refusal(sv2).segmentId).toBe('SV2');
  });

  it('4010 and 835 files', () => {
    expect(refusal(readFileSync(join(X12_DIR, '837p/4010/linuxforhealth__patient-is-subscriber.x12'))).reason).toMatch(/4010/);
    const remit = readdirSync(join(X12_DIR, '835/5010'))[0]!;
    expect(refusal(readFileSync(join(X12_DIR, '835/5010', remit))).reason).toMatch(/not an 837|835/);
  });

  it('a truncated file', () => {
    const t = good();
    const err = refusal(t.slice(0, t.indexOf('LX*3')));
    expect(err.reason).toMatch(/not closed/);
    expect(err.position).toBeGreaterThan(0);
  });

  it('a transaction without SE', () => {
    const t = good();
    const err = refusal(t.replace(/SE\*\d+\*0021~/, ''));
    expect(err.segmentId).toBe('GE');
    expect(err.position).toBe(positionOf(t, 'SE*'));
    expect(err.reason).toMatch(/no SE/);
  });

  it('a bad segment id', () => {
    const t = good().replace('LX*2~', 'LX*2~9Z*1~');
    const err = refusal(t);
    expect(err.reason).toMatch(/not a segment/);
    expect(err.position).toBe(positionOf(t, '9Z*'));
  });

  it('a CLM with a non-numeric amount', () => {
    const t = good().replace('CLM*26463774*100.00*', 'CLM*26463774*1OO.00*');
    const err = refusal(t);
    expect([err.position, err.segmentId, err.reason]).toEqual([positionOf(t, 'CLM*'), 'CLM', 'CLM02 is not a decimal amount']);
    // The message names the position and element, never the value.
    expect(err.message).not.toContain('1OO');
  });

  it('amounts, units, dates and pointers that break their X12 types', () => {
    expect(refusal(good().replace('SV1*HC:99213*40.00*', 'SV1*HC:99213*40.001*')).reason).toBe('SV102 has more than 2 decimal places');
    expect(refusal(good().replace('*UN*1.00***1~', '*UN*one***1~')).reason).toBe('SV104 is not a decimal number');
    expect(refusal(good().replace('DTP*472*D8*20061003', 'DTP*472*D8*20061332')).reason).toBe('DTP03 is not a date (CCYYMMDD)');
    expect(refusal(good().replace('*UN*1.00***1~', '*UN*1.00***A~')).reason).toMatch(/SV107-1 is not a diagnosis pointer/);
  });

  it('mapped segments outside their loop', () => {
    expect(refusal(good().replace('LX*1~SV1', 'SV1*HC:99211*1*UN*1~LX*1~SV1')).reason).toMatch(/SV1 outside a service line/);
    expect(refusal(good().replace('LX*2~', 'LX*2~HI*ABK:I10~')).reason).toMatch(/HI \(diagnoses\) among the service lines/);
    const noSubscriber = good().replace(/HL\*2\*1\*22\*1~.*?HL\*3\*2\*23\*0~/, '');
    expect(refusal(noSubscriber).reason).toMatch(/patient level \(HL03 23\) comes before any subscriber level|claim \(CLM\) comes before/);
    expect(refusal(good().replace('LX*4~SV1*HC:86663*10.00*UN*1.00***2~', 'LX*4~')).reason).toMatch(/has no SV1/);
  });
});
