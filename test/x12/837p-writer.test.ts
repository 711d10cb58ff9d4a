import { read837p } from '../../src/x12/837p/reader';
import { write837p, type Envelope837, type ExportClaim, type ExportProvider } from '../../src/x12/837p/writer';
import { el, readInterchanges, type Segment } from '../../src/x12/reader';
import { X12WriteError } from '../../src/x12/writer';

const AT = new Date('2026-11-02T09:30:00Z');
const ENV: Envelope837 = {
  senderId: 'CLAIMFLOW',
  receiverId: 'CLEARINGHOUSE',
  usage: 'T',
  at: AT,
  interchangeControlNumber: 17,
  groupControlNumber: 17,
  firstTransactionControlNumber: 7,
  submitter: { name: 'ACME BILLING', id: 'CLAIMFLOW', contactName: 'BILLING OFFICE', contactPhone: '8005550100' },
  receiver: { name: 'CLEARINGHOUSE', id: 'CLEARINGHOUSE' },
};

const clinic: ExportProvider = {
  npi: '1234567893',
  name: { entity: 'ORGANIZATION', last: 'SPRINGFIELD CLINIC' },
  address: { line1: '100 MAIN ST', city: 'SPRINGFIELD', state: 'IL', postalCode: '627010001' },
  taxId: '123456789',
  taxonomy: '207Q00000X',
};
const doctor: ExportProvider = { npi: '1245319599', name: { entity: 'PERSON', last: 'RIVERA', first: 'PAT' }, address: null, taxId: null, taxonomy: '207R00000X' };

let n = 0;
function claim(o: Partial<ExportClaim> & { self?: boolean } = {}): ExportClaim {
  n++;
  const self = o.self ?? true;
  return {
    billingProvider: clinic,
    payer: { name: 'DEMO PAYER', payerId: 'DEMO1', filingIndicator: 'CI' },
    subscriber: { key: self ? 'cov-self' : 'cov-dep', responsibility: 'P', memberId: 'M123', groupNumber: 'G77', name: self ? null : { entity: 'PERSON', last: 'SAMPLE', first: 'JORDAN' } },
    patientRelationship: self ? null : '19',
    patient: { name: { entity: 'PERSON', last: 'SAMPLE', first: 'AVERY', middle: 'Q' }, address: { line1: '1 ELM ST', city: 'SPRINGFIELD', state: 'IL', postalCode: '62701' }, birthDate: '1950-03-02', sex: 'F' },
    patientControlNumber: `PCN${n}`,
    totalChargeCents: 12_505,
    placeOfService: '11',
    frequency: '1',
    payerClaimNumber: null,
    priorAuthNumber: null,
    diagnoses: ['E119', 'I10'],
    rendering: null,
    lines: [
      { procedureCode: '99213', modifiers: ['25'], chargeCents: 10_005, units: 1, pointers: [1, 2], serviceDate: '2026-10-01', lineControlNumber: `PCN${n}-1` },
      { procedureCode: '81002', modifiers: [], chargeCents: 2_500, units: 2, pointers: [2], serviceDate: '2026-10-01', lineControlNumber: `PCN${n}-2` },
    ],
    ...o,
  };
}

function segments(text: string): Segment[][] {
  const [ic] = readInterchanges(text);
  expect(ic!.warnings).toEqual([]);
  return ic!.groups[0]!.transactions.map((t) => t.segments);
}
const ids = (segs: Segment[]) => segs.map((s) => (s.id === 'NM1' || s.id === 'REF' || s.id === 'DTP' || s.id === 'PRV' ? `${s.id}*${el(s, 1)}` : s.id));

describe('write837p: structure (read back with src/x12/reader.ts)', () => {
  it('lays out 1000A/B, 2000A/2010AA, 2000B/2010BA/2010BB, 2300, 2400 with exact counts and no envelope warning', () => {
    const text = write837p([claim()], ENV).text;
    const [tx] = segments(text);
    expect(ids(tx!)).toEqual([
      'ST', 'BHT', 'NM1*41', 'PER', 'NM1*40',
      'HL', 'PRV*BI', 'NM1*85', 'N3', 'N4', 'REF*EI',
      'HL', 'SBR', 'NM1*IL', 'N3', 'N4', 'DMG', 'NM1*PR',
      'CLM', 'HI',
      'LX', 'SV1', 'DTP*472', 'REF*6R',
      'LX', 'SV1', 'DTP*472', 'REF*6R',
      'SE',
    ]);
    expect(el(tx!.at(-1)!, 1)).toBe(String(tx!.length));
    expect(text).toContain('~ST*837*0007*005010X222A1~BHT*0019*00*0007*20261102*0930*CH~');
    expect(text).toContain('~NM1*85*2*SPRINGFIELD CLINIC*****XX*1234567893~N3*100 MAIN ST~N4*SPRINGFIELD*IL*627010001~REF*EI*123456789~');
    expect(text).toContain('~HL*2*1*22*0~SBR*P*18*G77******CI~NM1*IL*1*SAMPLE*AVERY*Q***MI*M123~');
    expect(text).toContain('~DMG*D8*19500302*F~NM1*PR*2*DEMO PAYER*****PI*DEMO1~');
    expect(text).toContain('~CLM*PCN1*125.05***11:B:1*Y*A*Y*Y~HI*ABK:E119*ABF:I10~');
    expect(text).toContain('~LX*1~SV1*HC:99213:25*100.05*UN*1***1:2~DTP*472*D8*20261001~REF*6R*PCN1-1~');
    expect(text).toContain('~LX*2~SV1*HC:81002*25*UN*2***2~');
    expect(text.endsWith('~GE*1*17~IEA*1*000000017~')).toBe(true);
  });

  it('writes 2000C/2010CA only when the patient is not the subscriber (and 2010BA then has no N3/N4/DMG)', () => {
    const self = segments(write837p([claim({ self: true })], ENV).text)[0]!;
    expect(self.filter((s) => s.id === 'HL').map((s) => s.elements.join('*'))).toEqual(['1**20*1', '2*1*22*0']);
    expect(ids(self)).not.toContain('PAT');
    expect(ids(self)).not.toContain('NM1*QC');

    const dep = segments(write837p([claim({ self: false })], ENV).text)[0]!;
    expect(dep.filter((s) => s.id === 'HL').map((s) => s.elements.join('*'))).toEqual(['1**20*1', '2*1*22*1', '3*2*23*0']);
    const i = ids(dep);
    expect(i.slice(i.indexOf('SBR'), i.indexOf('CLM'))).toEqual(['SBR', 'NM1*IL', 'NM1*PR', 'HL', 'PAT', 'NM1*QC', 'N3', 'N4', 'DMG']);
    const sbr = dep.find((s) => s.id === 'SBR')!;
    expect(el(sbr, 2)).toBe('');
    expect(dep.find((s) => s.id === 'PAT')!.elements).toEqual(['19']);
    expect(dep.find((s) => s.id === 'NM1' && el(s, 1) === 'IL')!.elements).toEqual(['IL', '1', 'SAMPLE', 'JORDAN', '', '', '', 'MI', 'M123']);
    // 2010CA: NM108/NM109 are not used in 5010.
    expect(dep.find((s) => s.id === 'NM1' && el(s, 1) === 'QC')!.elements).toEqual(['QC', '1', 'SAMPLE', 'AVERY', 'Q']);
  });

  it('REF*F8 only on frequency 7 and 8, REF*G1 when there is a prior authorization', () => {
    const refs = (c: ExportClaim) => segments(write837p([c], ENV).text)[0]!.filter((s) => s.id === 'REF' && el(s, 1) !== '6R' && el(s, 1) !== 'EI').map((s) => s.elements.join('*'));
    expect(refs(claim({ frequency: '7', payerClaimNumber: 'PAYER-778' }))).toEqual(['F8*PAYER-778']);
    expect(refs(claim({ frequency: '8', payerClaimNumber: 'PAYER-779' }))).toEqual(['F8*PAYER-779']);
    expect(refs(claim({ frequency: '1', payerClaimNumber: 'PAYER-780' }))).toEqual([]);
    expect(refs(claim({ priorAuthNumber: 'PA-1' }))).toEqual(['G1*PA-1']);
    const t = write837p([claim({ frequency: '7', payerClaimNumber: 'P1', priorAuthNumber: 'PA-2' })], ENV).text;
    expect(t).toMatch(/~CLM\*PCN\d+\*125\.05\*\*\*11:B:7\*Y\*A\*Y\*Y~REF\*F8\*P1~REF\*G1\*PA-2~HI\*/);
  });

  it('HI carries up to 12 diagnoses (ABK then ABF); a 13th is refused', () => {
    const twelve = ['A000', 'B001', 'C002', 'D003', 'E004', 'F005', 'G006', 'H007', 'I008', 'J009', 'K010', 'L011'];
    const hi = segments(write837p([claim({ diagnoses: twelve })], ENV).text)[0]!.find((s) => s.id === 'HI')!;
    expect(hi.elements).toEqual(twelve.map((d, i) => `${i === 0 ? 'ABK' : 'ABF'}:${d}`));
    expect(() => write837p([claim({ diagnoses: [...twelve, 'M012'] })], ENV)).toThrow(X12WriteError);
  });

  it('2310B only when the rendering provider is not the billing provider', () => {
    const withDoc = segments(write837p([claim({ rendering: { npi: doctor.npi, name: doctor.name, taxonomy: doctor.taxonomy } })], ENV).text)[0]!;
    const i = ids(withDoc);
    expect(i.slice(i.indexOf('HI'), i.indexOf('LX'))).toEqual(['HI', 'NM1*82', 'PRV*PE']);
    expect(withDoc.find((s) => s.id === 'NM1' && el(s, 1) === '82')!.elements).toEqual(['82', '1', 'RIVERA', 'PAT', '', '', '', 'XX', '1245319599']);
    const same = ids(segments(write837p([claim({ rendering: { npi: clinic.npi, name: clinic.name, taxonomy: null } })], ENV).text)[0]!);
    expect(same).not.toContain('NM1*82');
  });

  it('groups claims under one 2000A per billing provider and one 2000B per coverage, HL parents pointing up', () => {
    const other: ExportProvider = { ...clinic, npi: '1679576722', name: { entity: 'ORGANIZATION', last: 'OTHER CLINIC' } };
    const claims = [claim(), claim({ self: false }), claim(), claim({ billingProvider: other })];
    const tx = segments(write837p(claims, ENV).text)[0]!;
    expect(tx.filter((s) => s.id === 'HL').map((s) => s.elements.join('*'))).toEqual(['1**20*1', '2*1*22*1', '3*2*23*0', '4*1*22*0', '5**20*1', '6*5*22*0']);
    // Within a group the input order is kept.
    expect(tx.filter((s) => s.id === 'CLM').map((s) => el(s, 1))).toEqual([claims[1]!.patientControlNumber, claims[0]!.patientControlNumber, claims[2]!.patientControlNumber, claims[3]!.patientControlNumber]);
  });

  it('splits a large batch into several transactions (ST02 consecutive, each SE exact), in one group and interchange', () => {
    const claims = Array.from({ length: 5 }, () => claim());
    const out = write837p(claims, ENV, { maxClaimsPerTransaction: 2 });
    expect(out.transactions.map((t) => [t.controlNumber, t.claimCount])).toEqual([
      ['0007', 2],
      ['0008', 2],
      ['0009', 1],
    ]);
    expect(out.claimTransaction).toEqual(['0007', '0007', '0008', '0008', '0009']);
    const txs = segments(out.text);
    expect(txs.map((t) => t.length)).toEqual(out.transactions.map((t) => t.segmentCount));
    // HL numbering restarts in each transaction.
    expect(txs.map((t) => t.filter((s) => s.id === 'HL').map((s) => el(s, 1)))).toEqual([['1', '2'], ['1', '2'], ['1', '2']]);
    expect(out.text).toContain('~GE*3*17~');
  });

  it('reads back (read837p) to the same claim content, separators in data replaced by spaces', () => {
    const c = claim({ self: false, rendering: { npi: doctor.npi, name: doctor.name, taxonomy: null }, priorAuthNumber: 'PA-9' });
    c.patient = { ...c.patient, name: { entity: 'PERSON', last: "O'BRIEN*SMITH", first: 'ANN:MARIE' } };
    const [back] = read837p(write837p([c], ENV).text).claims;
    expect(back!.patient!.name).toMatchObject({ last: "O'BRIEN SMITH", first: 'ANN MARIE' });
    expect(back!.patientControlNumber).toBe(c.patientControlNumber);
    expect(back!.totalChargeCents).toBe(12_505);
    expect(back!.priorAuthNumber).toBe('PA-9');
    expect(back!.rendering?.id).toBe(doctor.npi);
    expect(back!.diagnoses.map((d) => `${d.qualifier}:${d.code}`)).toEqual(['ABK:E119', 'ABF:I10']);
    expect(back!.lines.map((l) => [l.procedureCode, l.modifiers, l.chargeCents, l.units, l.pointers, l.serviceDateFrom, l.lineControlNumber])).toEqual(
      c.lines.map((l) => [l.procedureCode, l.modifiers, l.chargeCents, String(l.units), l.pointers, l.serviceDate, l.lineControlNumber]),
    );
  });
});
