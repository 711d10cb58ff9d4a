import { claimBalance, transactionBalance } from '../../src/x12/835/balance';
import { read835 } from '../../src/x12/835/read';
import { formatCents, parseCents, parseDate } from '../../src/x12/835/values';
import { X12Error } from '../../src/x12/reader';

/** The 835 reader on small hand-written transactions (no database). */

const ISA = 'ISA*00*          *00*          *ZZ*PAYER          *ZZ*CLINIC         *260101*1200*^*00501*000000001*0*T*:~';
function tx(body: string[], opts: { isa?: string; gs08?: string } = {}): string {
  const segs = ['BPR*I*0*C*NON************20260105', 'TRN*1*T1*1999999999', 'DTM*405*20260105', 'N1*PR*PAYER', 'N1*PE*CLINIC*XX*1234567893', ...body];
  return [opts.isa ?? ISA, `GS*HP*P*C*20260105*1200*1*X*${opts.gs08 ?? '005010X221A1'}~`, 'ST*835*0001~', ...segs.map((s) => `${s}~`), `SE*${segs.length + 2}*0001~`, 'GE*1*1~', 'IEA*1*000000001~'].join('\n');
}
function refusal(text: string): X12Error {
  try {
    read835(text);
  } catch (e) {
    if (e instanceof X12Error) return e;
    throw e;
  }
  throw new Error('not refused');
}

describe('X12 amounts, quantities and dates', () => {
  it('turns R-type decimals into exact cents', () => {
    const cents = (s: string) => {
      const r = parseCents(s);
      return r.ok ? r.cents : r.reason;
    };
    expect(['0.29', '0.1', '-42.58', '1.', '.5', '-0', '100', '007.10', '1.500', '21474836.47'].map(cents)).toEqual([29, 10, -4258, 100, 50, 0, 10_000, 710, 150, 2_147_483_647]);
    expect(['', '.', '-', '1e5', '12O', '1,00', '+5', '1.999', ' 1'].map(cents)).toEqual([
      'is not a decimal amount',
      'is not a decimal amount',
      'is not a decimal amount',
      'is not a decimal amount',
      'is not a decimal amount',
      'is not a decimal amount',
      'is not a decimal amount',
      'has more than two decimal places',
      'is not a decimal amount',
    ]);
    // Sums stay exact where floating point would not: 0.1 + 0.2.
    expect(formatCents(cents('0.1') as number + (cents('0.2') as number))).toBe('0.30');
    expect([formatCents(-4258), formatCents(5), formatCents(0)]).toEqual(['-42.58', '0.05', '0.00']);
  });

  it('reads CCYYMMDD calendar dates only', () => {
    expect([parseDate('20240229'), parseDate('20230229'), parseDate('20002316'), parseDate('2024-01-01')]).toEqual(['2024-02-29', null, null, null]);
  });
});

describe('read835', () => {
  it('reads loops 2100/2110: six CAS triplets, composites, remark codes, references, dates, PLB pairs', () => {
    const file = read835(
      tx([
        'LX*1',
        'CLP*PCN1*1*600*100*50*12*ICN1*11*1',
        'CAS*CO*16*10**18*20*2*96*30**4*40**97*50*1*236*300*3',
        'NM1*QC*1*DOE*JANE****MI*M123',
        'MOA***MA01*N211',
        'MIA*0****N59',
        'REF*F8*OLDICN',
        'REF*EA*MRN999',
        'DTM*232*20251201',
        'DTM*233*20251202',
        'AMT*AU*600',
        'SVC*HC:99213:25:59*600*100*0450*2**1.5',
        'DTM*150*20251201',
        'DTM*151*20251202',
        'CAS*PR*1*50',
        'REF*6R*LINE-1',
        'AMT*B6*150',
        'LQ*HE*M15',
        'LQ*RX*99',
        'PLB*1234567893*20251231*WO:ICN9*10*L6*-2.5*FB:X*0*CV*1*50*1*72*1',
      ]),
    );
    expect(file.warnings).toEqual([]);
    const [t] = file.transactions;
    expect(t).toMatchObject({ transactionControlNumber: '0001', version: '005010X221A1', handlingCode: 'I', paymentCents: 0, paymentDate: '2026-01-05', traceNumber: 'T1', traceOriginatorId: '1999999999', productionDate: '2026-01-05', payerName: 'PAYER', payeeId: '1234567893' });
    const c = t!.claims[0]!;
    expect(c).toMatchObject({ headerNumber: '1', patientControlNumber: 'PCN1', statusCode: '1', chargeCents: 60_000, paidCents: 10_000, patientResponsibilityCents: 5_000, payerClaimNumber: 'ICN1', facilityCode: '11', frequencyCode: '1' });
    expect(c.adjustments.map((a) => [a.group, a.reasonCode, a.amountCents, a.quantity])).toEqual([
      ['CO', '16', 1_000, null],
      ['CO', '18', 2_000, 2],
      ['CO', '96', 3_000, null],
      ['CO', '4', 4_000, null],
      ['CO', '97', 5_000, 1],
      ['CO', '236', 30_000, 3],
    ]);
    expect(c.remarkCodes).toEqual(['MA01', 'N211', 'N59']);
    expect(c.references).toEqual([{ qualifier: 'F8', value: 'OLDICN' }, { qualifier: 'EA', value: 'MRN999' }]);
    expect([c.statementFrom, c.statementTo]).toEqual(['2025-12-01', '2025-12-02']);
    expect(c.amounts).toEqual([{ qualifier: 'AU', amountCents: 60_000 }]);
    const s = c.services[0]!;
    expect(s).toMatchObject({ procedure: { qualifier: 'HC', code: '99213', modifiers: ['25', '59'] }, chargeCents: 60_000, paidCents: 10_000, revenueCode: '0450', unitsPaid: 2, submittedUnits: 1.5, serviceDateFrom: '2025-12-01', serviceDateTo: '2025-12-02', lineControlNumber: 'LINE-1', allowedCents: 15_000, remarkCodes: ['M15'] });
    expect(t!.providerAdjustments.map((p) => [p.reasonCode, p.reference, p.amountCents])).toEqual([
      ['WO', 'ICN9', 1_000],
      ['L6', null, -250],
      ['FB', 'X', 0],
      ['CV', null, 100],
      ['50', null, 100],
      ['72', null, 100],
    ]);
    expect(t!.providerAdjustments[0]).toMatchObject({ providerId: '1234567893', fiscalPeriodDate: '2025-12-31' });
  });

  it('balances per the guide: lines, claims (with claim-level CAS), transaction with PLB', () => {
    const [t] = read835(
      tx(['CLP*A*1*100*70**12', 'CAS*CO*A2*10', 'SVC*HC:99213*100*80', 'CAS*CO*45*20', 'CLP*B*1*50*40**12', 'SVC*HC:99213*50*45', 'CAS*CO*45*5', 'PLB*1*20261231*L6*-5'].map((s) => s)).replace('BPR*I*0*', 'BPR*I*115*'),
    ).transactions;
    expect(claimBalance(t!.claims[0]!)).toEqual({ balanced: true, warnings: [] });
    const b = claimBalance(t!.claims[1]!);
    expect(b.balanced).toBe(false);
    expect(b.warnings.map((w) => w.code)).toEqual(['CLAIM_UNBALANCED', 'CLAIM_SERVICES_UNBALANCED']);
    expect(transactionBalance(t!)).toEqual({ balanced: true, expectedCents: 11_500, claimPaidCents: 11_000, providerAdjustmentCents: -500 });
  });

  it('refuses what it cannot read, naming the segment position and never a value', () => {
    expect(refusal(tx(['CAS*CO*45*10'])).message).toBe('segment 9 (CAS): CAS outside a claim payment (loop 2100) or service payment (loop 2110)');
    expect(refusal(tx(['CLP*A*1*10*10', 'LQ*HE*N1'])).message).toBe('segment 10 (LQ): LQ outside a service payment (loop 2110)');
    expect(refusal(tx(['CLP*A*1*10*10', 'PLB*1*20260101*L6*1', 'CLP*B*1*1*1'])).message).toBe('segment 11 (CLP): only PLB may follow the first PLB (summary) before SE');
    expect(refusal(tx(['CLP*A*1*10*10', 'N1*PR*LATE'])).message).toBe('segment 10 (N1): N1 (payer or payee) after the claim payments');
    expect(refusal(tx(['CLP*SECRETNAME*1*1O*10'])).message).toBe('segment 9 (CLP): CLP03 is not a decimal amount');
    expect(refusal(tx(['CLP**1*10*10'])).message).toBe('segment 9 (CLP): CLP01 (patient control number) is empty');
    expect(refusal(tx(['CLP*A*1*10*10', 'SVC*HC:99213:ABC*10*10'])).message).toBe('segment 10 (SVC): SVC01-3 is longer than 2 characters');
    expect(refusal(tx(['CLP*A*1*10*10', 'PLB*1*20260101*L6'])).message).toBe('segment 10 (PLB): PLB04 (amount) is empty');
    expect(refusal(tx([]).replace('BPR*I*0*', 'BPR*I*x*')).message).toBe('segment 4 (BPR): BPR02 is not a decimal amount');
    expect(refusal(tx([]).replace(/BPR[^~]*~\n/, '')).message).toBe('segment 4 (TRN): BPR (financial information) must follow ST');
  });

  it('refuses 4010 and other guides, reads a bare 5010 with a warning', () => {
    expect(refusal(tx([], { gs08: '004010X091A1' })).message).toBe('segment 3 (ST): a 4010 remittance (004010X091A1), not 5010: only 005010X221A1 remittances are posted');
    expect(refusal(tx([], { gs08: '005010X222A1' })).message).toBe('segment 3 (ST): version 005010X222A1 is not the 835 implementation guide (005010X221A1)');
    expect(read835(tx([], { gs08: '5010' })).warnings).toEqual([{ position: 3, segmentId: 'ST', code: 'VERSION', message: 'version 5010 read as 005010X221A1' }]);
  });

  it('accepts what real payers send, with warnings: empty required amounts, bad dates, CR, SVC01 without a code', () => {
    const file = read835(tx(['CLP*A*22', 'CLP*B*1*10*10', 'SVC*HC******10*10', 'CAS*CR*18*0', 'DTM*472*20261340']));
    expect(file.warnings.map((w) => [w.position, w.code])).toEqual([
      [9, 'MISSING_AMOUNT'],
      [9, 'MISSING_AMOUNT'],
      [11, 'PROCEDURE_MISSING'],
      [11, 'MISSING_AMOUNT'],
      [11, 'MISSING_AMOUNT'],
      [12, 'RETIRED_GROUP_CODE'],
      [13, 'INVALID_DATE'],
    ]);
    const [a, b] = file.transactions[0]!.claims;
    expect([a!.chargeCents, a!.paidCents, b!.services[0]!.chargeCents, b!.services[0]!.unitsPaid, b!.services[0]!.serviceDateFrom]).toEqual([0, 0, 0, 1, null]);
  });

  it('reads several transactions, any separators, one or many segments per line', () => {
    const one = tx(['CLP*A*1*10*10']).replace('BPR*I*0*', 'BPR*I*10*');
    const isa = 'ISA|00|          |00|          |ZZ|PAYER          |ZZ|CLINIC         |260101|1200|^|00501|000000002|0|T|>!';
    const other = one.replace(ISA, isa).replace(/~\n/g, '!').replace(/~/g, '!').replace(/\*/g, '|').replace('IEA|1|000000001', 'IEA|1|000000002');
    const file = read835(`${one}\n${other}`);
    expect(file.transactions.map((t) => [t.transactionIndex, t.interchangeControlNumber, t.claims[0]!.paidCents])).toEqual([
      [0, '000000001', 1_000],
      [1, '000000002', 1_000],
    ]);
  });
});
