import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Role } from '../../src/common/enums';
import { ImportRemittanceDocument, RemittanceDocument, RemittancesDocument } from '../generated/graphql';
import { rawGqlUpload } from '../support/raw-gql';
import { startTestServer, type TestServer } from '../support/server';
import { postingCounts } from './x12-835';

/**
 * The real 835 files in ../shared/data/x12/835 (see shared/data/README.md): every 5010 one posts
 * (they pay claims that do not exist here, so every claim payment is stored unmatched and
 * reported), posting it again posts nothing, and the 4010 ones are refused as not 5010.
 */
const DIR = join(__dirname, '../../../shared/data/x12/835');
const read = (version: string, name: string) => readFileSync(join(DIR, version, name), 'utf8');

interface Expected {
  transactions: number;
  claims: number;
  services: number;
  paymentCents: number;
  trace: string;
  /** Claims that do not balance (005010X221A1 1.10.2), by CLP position. */
  unbalancedClaims: number[];
  acceptUnbalanced?: boolean;
}

/** Counts from shared/data/README.md's table and from reading each file. */
const EXPECTED: Record<string, Expected> = {
  'edi835parser__blue_cross_nc_sample.no-envelope.x12': { transactions: 1, claims: 1, services: 3, paymentCents: 192_286, trace: '02790758', unbalancedClaims: [] },
  'edi835parser__united_healthcare_legacy_sample.x12': { transactions: 1, claims: 2, services: 5, paymentCents: 34_999, trace: '1234567890', unbalancedClaims: [] },
  'linuxforhealth__cob-contractural-adjustment.x12': { transactions: 1, claims: 1, services: 1, paymentCents: 3_400, trace: '0063158ABC', unbalancedClaims: [] },
  'linuxforhealth__managed-care.x12': { transactions: 1, claims: 2, services: 2, paymentCents: 94_500, trace: '7170066655', unbalancedClaims: [] },
  // SVC*HC*24599.00*1766.50*187.50: the procedure code went into its own element, so SVC02/03 are off.
  'linuxforhealth__tertiary-payment.x12': { transactions: 1, claims: 1, services: 1, paymentCents: 18_750, trace: '0012524879', unbalancedClaims: [16] },
  // BPR02 5.75 = Σ CLP04, but the file also has a PLB of −1.27: it does not balance (7.02 expected).
  'oopfactory__Example1.x12': { transactions: 1, claims: 10, services: 9, paymentCents: 575, trace: 'A04B001017.07504', unbalancedClaims: [], acceptUnbalanced: true },
  'pyx12__835_mult_loops.x12': { transactions: 1, claims: 1, services: 3, paymentCents: 0, trace: '000000000', unbalancedClaims: [] },
};

describe('real 835 files', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(() => t.stop());

  it('the test knows every 5010 file in the shared folder', () => {
    expect(readdirSync(join(DIR, '5010')).sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(Object.keys(EXPECTED))('%s posts every claim payment (unmatched here); posting it again posts nothing', async (name) => {
    const e = EXPECTED[name]!;
    const x12 = read('5010', name);
    const res = await t.gql(ImportRemittanceDocument, { x12, acceptUnbalanced: e.acceptUnbalanced ?? null }, { role: Role.BILLER });
    expect(res.errors).toBeUndefined();
    const out = res.data!.importRemittance;
    expect(out.problems).toEqual([]);
    expect(out.status).toBe('POSTED');
    expect(out.remittances).toHaveLength(e.transactions);
    const r = out.remittances[0]!;
    expect(r).toMatchObject({ paymentCents: e.paymentCents, traceNumber: e.trace, claimCount: e.claims, matchedCount: 0, postedBy: 'test-biller', postedByRole: 'BILLER', balanced: !e.acceptUnbalanced });
    expect(out.claimPayments).toHaveLength(e.claims);
    expect(out.claimPayments.reduce((s, p) => s + p.services.length, 0)).toBe(e.services);
    // None of these claims exists here: each is stored unmatched and reported.
    expect(out.unmatchedClaimPayments).toHaveLength(e.claims);
    expect(out.claimPayments.every((p) => p.claim === null && p.statusEffect === 'NO_CLAIM')).toBe(true);
    expect(out.warnings.filter((w) => w.code === 'UNMATCHED_CLAIM').map((w) => w.claimPaymentId).sort()).toEqual(out.claimPayments.map((p) => p.id).sort());
    expect(out.claimPayments.filter((p) => !p.balanced).map((p) => p.position)).toEqual(e.unbalancedClaims);
    expect(out.denials).toEqual([]);
    // Σ CLP04 − Σ PLB is what the file says it paid, unless it was accepted unbalanced.
    const plb = r.providerAdjustments.reduce((s, p) => s + p.amountCents, 0);
    if (!e.acceptUnbalanced) expect(out.claimPayments.reduce((s, p) => s + p.paidCents, 0) - plb).toBe(e.paymentCents);

    const counts = await postingCounts(t);
    const again = await t.gql(ImportRemittanceDocument, { x12, acceptUnbalanced: e.acceptUnbalanced ?? null }, { role: Role.BILLER });
    expect(again.data!.importRemittance).toMatchObject({ status: 'ALREADY_POSTED', claimPayments: [], denials: [] });
    expect(again.data!.importRemittance.remittances.map((x) => x.id)).toEqual(out.remittances.map((x) => x.id));
    expect(await postingCounts(t)).toEqual(counts);

    // What was stored reads back the same.
    const stored = await t.gql(RemittanceDocument, { id: r.id });
    expect(stored.data!.remittance!.claimPayments.map((p) => [p.patientControlNumber, p.statusCode, p.chargeCents, p.paidCents])).toEqual(
      out.claimPayments.map((p) => [p.patientControlNumber, p.statusCode, p.chargeCents, p.paidCents]),
    );
  });

  it('reads CAS triplets, composites with the file\'s own separator, remark codes and AMT as sent (United Healthcare sample)', async () => {
    const list = await t.gql(RemittancesDocument, { first: 100 });
    const uhc = list.data!.remittances.edges.map((e) => e.node).find((n) => n.traceNumber === '1234567890')!;
    const second = uhc.claimPayments[1]!;
    expect(second).toMatchObject({ patientControlNumber: '001-18604-358', statusCode: '1', chargeCents: 81_624, paidCents: 26_107, patientResponsibilityCents: 11_513, payerClaimNumber: 'ATL2819897800', balanced: true });
    const third = second.services[2]!;
    // SVC*HC>B4154*328.5*29.05**178 with ISA16 '>'; CAS*PR*2*5.13**1*110 carries two triplets.
    expect(third).toMatchObject({ procedureQualifier: 'HC', procedureCode: 'B4154', chargeCents: 32_850, paidCents: 2_905, unitsPaid: 178, serviceDateFrom: '2021-01-01', lineControlNumber: '123456789014', allowedCents: 14_418, balanced: true, lineMatch: 'NONE' });
    expect(third.adjustments.map((a) => [a.groupCode, a.carc, a.amountCents, a.quantity])).toEqual([
      ['PR', '2', 513, null],
      ['PR', '1', 11_000, null],
      ['CO', '45', 18_432, null],
    ]);
    const managed = list.data!.remittances.edges.map((e) => e.node).find((n) => n.traceNumber === '7170066655')!;
    // Claim-level CAS (CO-A2) with service lines: Σ SVC03 − claim CAS = CLP04 (500 − 50 = 450).
    expect(managed.claimPayments[0]!.adjustments.map((a) => [a.level, a.groupCode, a.carc, a.amountCents])).toEqual([['CLAIM', 'CO', 'A2', 5_000]]);
    expect(managed.claimPayments[0]!.balanced).toBe(true);
    // BPR16 20002316 is not a date: read as absent, the production date (DTM*405) dates the remittance.
    expect(managed).toMatchObject({ paymentDate: null, productionDate: '2002-03-14', remittanceDate: '2002-03-14' });
    const pyx = list.data!.remittances.edges.map((e) => e.node).find((n) => n.traceNumber === '000000000')!;
    expect(pyx.claimPayments[0]!.services.map((s) => s.remarkCodes)).toEqual([['N14'], ['N14'], ['N14']]);
  });

  it('OopFactory Example1 does not balance: refused with the BPR position and nothing written, posted only when accepted', async () => {
    // A fresh server: the shared one already holds this file (posted with acceptUnbalanced above).
    const fresh = await startTestServer();
    try {
      const x12 = read('5010', 'oopfactory__Example1.x12');
      const before = await postingCounts(fresh);
      const res = await fresh.gql(ImportRemittanceDocument, { x12 }, { role: Role.BILLER });
      const out = res.data!.importRemittance;
      expect(out.status).toBe('REFUSED');
      expect(out.problems).toEqual([{ position: 4, segmentId: 'BPR', message: 'the transaction does not balance: Σ CLP04 5.75 − Σ PLB -1.27 = 7.02, BPR02 is 5.75' }]);
      expect(out.message).toMatch(/acceptUnbalanced/);
      expect(await postingCounts(fresh)).toEqual(before);

      const accepted = await fresh.gql(ImportRemittanceDocument, { x12, acceptUnbalanced: true }, { role: Role.BILLER });
      const a = accepted.data!.importRemittance;
      expect(a.status).toBe('POSTED');
      expect(a.remittances[0]!.balanced).toBe(false);
      expect(a.warnings.find((w) => w.code === 'TRANSACTION_UNBALANCED')).toMatchObject({ position: 4, segmentId: 'BPR' });
      // Reversals (CLP02 22) of payments never posted here are recorded and reported.
      expect(a.claimPayments.filter((p) => p.reversal).map((p) => [p.position, p.chargeCents, p.paidCents, p.reversesId])).toEqual([
        [76, -4_258, -4_258, null],
        [85, -8_676, -8_676, null],
        [98, 0, 0, null],
      ]);
      expect(a.warnings.filter((w) => w.code === 'NOTHING_TO_REVERSE').map((w) => w.position)).toEqual([76, 85, 98]);
      // The last CLP has no amounts at all: read as 0 with a warning for each.
      expect(a.warnings.filter((w) => w.code === 'MISSING_AMOUNT').map((w) => [w.position, w.message])).toEqual([
        [98, 'CLP03 is empty (required); read as 0'],
        [98, 'CLP04 is empty (required); read as 0'],
      ]);
      expect(a.remittances[0]!.providerAdjustments).toEqual([
        expect.objectContaining({ providerIdentifier: '123456', fiscalPeriodDate: '1996-09-30', reasonCode: 'CV', reference: '9876514', amountCents: -127 }),
      ]);
    } finally {
      await fresh.stop();
    }
  });

  it.each(readdirSync(join(DIR, '4010')))('4010 file %s is refused as not 5010, and nothing is written', async (name) => {
    const before = await postingCounts(t);
    const res = await t.gql(ImportRemittanceDocument, { x12: read('4010', name) }, { role: Role.BILLER });
    expect(res.errors).toBeUndefined();
    const out = res.data!.importRemittance;
    expect(out.status).toBe('REFUSED');
    expect(out.problems).toHaveLength(1);
    expect(out.problems[0]).toMatchObject({ position: 3, segmentId: 'ST' });
    expect(out.problems[0]!.message).toMatch(/not 5010: only 005010X221A1 remittances are posted$/);
    expect(await postingCounts(t)).toEqual(before);
  });

  it('takes a file as a multipart upload too (over the JSON body limit), and keeps its name', async () => {
    const fresh = await startTestServer();
    try {
      const content = read('5010', 'linuxforhealth__managed-care.x12');
      const res = await rawGqlUpload(
        fresh,
        'mutation($input: ImportRemittanceFileInput!) { importRemittanceFile(input: $input) { status remittances { fileName traceNumber claimCount } } }',
        { input: { file: null } },
        { path: 'input.file', name: 'managed-care.835', content },
        { token: fresh.token(Role.BILLER) },
      );
      expect(res.body.errors).toBeUndefined();
      expect(res.body.data).toEqual({ importRemittanceFile: { status: 'POSTED', remittances: [{ fileName: 'managed-care.835', traceNumber: '7170066655', claimCount: 2 }] } });
      // The same bytes as JSON: already posted (same SHA-256).
      const again = await fresh.gql(ImportRemittanceDocument, { x12: content }, { role: Role.ADMIN });
      expect(again.data!.importRemittance.status).toBe('ALREADY_POSTED');
    } finally {
      await fresh.stop();
    }
  });

  it('is FORBIDDEN to roles that do not post payments', async () => {
    for (const role of [Role.VIEWER, Role.CODER, Role.COMPLIANCE]) {
      const res = await t.gql(ImportRemittanceDocument, { x12: read('5010', 'pyx12__835_mult_loops.x12') }, { role });
      expect(res.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    }
  });
});
