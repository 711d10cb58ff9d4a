import { Writable } from 'node:stream';
import { today } from '../../src/common/dates';
import { Role } from '../../src/common/enums';
import { createLogger } from '../../src/server/logger';
import { ImportRemittanceDocument } from '../generated/graphql';
import { rawGql } from '../support/raw-gql';
import { startTestServer, type TestServer } from '../support/server';
import { postingCounts, write835, type Remit835 } from './x12-835';

/** pino's JSON lines, kept in memory. */
function memoryLog() {
  const raw: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      raw.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  return { raw, logger: createLogger('info', stream) };
}

/**
 * What refuses an 835 and what does not: a refused file writes nothing (row counts), names the
 * segment position and the reason, and never repeats a value from the file. The files name a
 * patient (NM1*QC) and a member id that must appear in no response and no log line.
 */
describe('835 refusals', () => {
  const log = memoryLog();
  let t: TestServer;
  const day = today();
  const PHI = ['QUIXOTESQUE', 'ZEBULON', 'MEMBER99X'];
  const base = (over: Partial<Remit835> = {}): Remit835 => ({
    trace: `TRN-${Math.random().toString(36).slice(2, 10)}`,
    date: day,
    claims: [
      { pcn: 'PCN-A', status: '1', chargeCents: 10_000, paidCents: 8_000, services: [{ code: '99213', chargeCents: 10_000, paidCents: 8_000, cas: [['CO', '45', 2_000]] }] },
      { pcn: 'PCN-B', status: '1', chargeCents: 5_000, paidCents: 5_000 },
    ],
    ...over,
  });

  beforeAll(async () => {
    t = await startTestServer({ logger: log.logger });
  });
  afterAll(() => t.stop());

  async function refused(x12: string) {
    const before = await postingCounts(t);
    const res = await rawGql(t, ImportRemittanceDocument, { x12 }, { token: t.token(Role.BILLER) });
    expect(res.body.errors).toBeUndefined();
    const out = (res.body.data as { importRemittance: { status: string; problems: { position: number | null; segmentId: string | null; message: string }[] } }).importRemittance;
    expect(out.status).toBe('REFUSED');
    expect(await postingCounts(t)).toEqual(before);
    for (const v of PHI) expect(res.text).not.toContain(v);
    return out.problems;
  }

  /** Position of the first line starting with `prefix` (one segment per line, ISA is 1). */
  const positionOf = (x12: string, prefix: string, nth = 1) => {
    const lines = x12.split('\n');
    let seen = 0;
    for (const [i, l] of lines.entries()) if (l.startsWith(prefix) && ++seen === nth) return i + 1;
    throw new Error(`no ${prefix}`);
  };

  it('a truncated file (cut inside a claim, no SE/GE/IEA) is refused with the open transaction', async () => {
    const full = write835(base());
    const cut = full.slice(0, full.indexOf('CLP*PCN-B') + 12);
    expect(await refused(cut)).toEqual([{ position: 3, segmentId: 'ST', message: 'segment 3 (ST): transaction 0001 is not closed by SE' }]);
  });

  it('a CLP with a non-numeric amount is refused with its position', async () => {
    const x12 = write835(base()).replace('CLP*PCN-B*1*50.00*50.00', 'CLP*PCN-B*1*50.00*5O.00');
    const at = positionOf(x12, 'CLP*PCN-B');
    expect(await refused(x12)).toEqual([{ position: at, segmentId: 'CLP', message: `segment ${at} (CLP): CLP04 is not a decimal amount` }]);
  });

  it('amounts with more than two decimals, CAS reasons without amounts and loops out of place are refused', async () => {
    const three = write835(base()).replace('CLP*PCN-B*1*50.00', 'CLP*PCN-B*1*50.005');
    expect((await refused(three))[0]!.message).toMatch(/\(CLP\): CLP03 has more than two decimal places$/);
    const casNoAmount = write835(base()).replace('CAS*CO*45*20.00', 'CAS*CO*45*20.00**253');
    expect((await refused(casNoAmount))[0]!.message).toMatch(/\(CAS\): CAS06 \(amount for the reason in CAS05\) is empty$/);
    const svcFirst = write835(base()).replace('LX*1~\nCLP*PCN-A', 'LX*1~\nSVC*HC:99213*1*1~\nCLP*PCN-A');
    expect((await refused(svcFirst))[0]!.message).toMatch(/\(SVC\): SVC outside a claim payment \(loop 2100\)$/);
    const badGroup = write835(base()).replace('CAS*CO*45', 'CAS*XX*45');
    expect((await refused(badGroup))[0]!.message).toMatch(/\(CAS\): CAS01 is not a claim adjustment group code/);
    const longPcn = write835(base()).replace('CLP*PCN-B', `CLP*${'P'.repeat(39)}`);
    expect((await refused(longPcn))[0]!.message).toMatch(/\(CLP\): CLP01 is longer than 38 characters$/);
    const badStatus = write835(base()).replace('CLP*PCN-B*1*', 'CLP*PCN-B*9*');
    expect((await refused(badStatus))[0]!.message).toMatch(/\(CLP\): CLP02 is not a 5010 claim status code/);
  });

  it('an 837 (or anything that is not an 835) is refused; so is an empty body', async () => {
    const x12 = write835(base()).replace('ST*835*0001', 'ST*837*0001');
    expect(await refused(x12)).toEqual([{ position: 3, segmentId: 'ST', message: 'segment 3 (ST): transaction 1 is a 837, not an 835 remittance' }]);
    expect(await refused('   \n')).toEqual([{ position: null, segmentId: null, message: 'the file is empty' }]);
    expect((await refused('hello world'))[0]!.message).toMatch(/starts with ISA/);
  });

  it('a transaction that does not balance refuses the whole file, the balanced transactions with it', async () => {
    const good = base({ controlNumber: '0001' });
    const bad = base({ controlNumber: '0002', paymentCents: 12_999 });
    const x12 = write835([good, bad]);
    const bpr = positionOf(x12, 'BPR', 2);
    expect(await refused(x12)).toEqual([{ position: bpr, segmentId: 'BPR', message: 'the transaction does not balance: Σ CLP04 130.00 − Σ PLB 0.00 = 130.00, BPR02 is 129.99' }]);
  });

  it('acceptUnbalanced posts it, recorded as unbalanced with a warning', async () => {
    const x12 = write835(base({ paymentCents: 12_999 }));
    const res = await t.gql(ImportRemittanceDocument, { x12, acceptUnbalanced: true }, { role: Role.BILLER });
    const out = res.data!.importRemittance;
    expect(out.status).toBe('POSTED');
    expect(out.remittances[0]!.balanced).toBe(false);
    expect(out.warnings.filter((w) => w.code === 'TRANSACTION_UNBALANCED')).toEqual([
      { position: positionOf(x12, 'BPR'), segmentId: 'BPR', code: 'TRANSACTION_UNBALANCED', message: 'the transaction does not balance: Σ CLP04 130.00 − Σ PLB 0.00 = 130.00, BPR02 is 129.99', claimPaymentId: null },
    ]);
  });

  it('a claim that does not balance posts with balanced: false and a warning naming the segment', async () => {
    const x12 = write835(
      base({
        claims: [{ pcn: 'PCN-C', status: '1', chargeCents: 10_000, paidCents: 8_000, services: [{ code: '99213', chargeCents: 10_000, paidCents: 8_000, cas: [['CO', '45', 1_500]] }] }],
      }),
    );
    const res = await t.gql(ImportRemittanceDocument, { x12 }, { role: Role.BILLER });
    const out = res.data!.importRemittance;
    expect(out.status).toBe('POSTED');
    const p = out.claimPayments[0]!;
    expect(p.balanced).toBe(false);
    expect(p.services[0]!.balanced).toBe(false);
    expect(out.warnings.filter((w) => w.code !== 'UNMATCHED_CLAIM').map((w) => [w.code, w.position, w.message])).toEqual([
      ['SERVICE_UNBALANCED', positionOf(x12, 'SVC'), 'service line does not balance: SVC02 100.00 − CAS 15.00 = 85.00, SVC03 is 80.00'],
      ['CLAIM_UNBALANCED', positionOf(x12, 'CLP'), 'claim does not balance: CLP03 100.00 − CAS 15.00 = 85.00, CLP04 is 80.00'],
    ]);
  });

  it('a file whose second transaction is malformed writes nothing from the first', async () => {
    const x12 = write835([base({ controlNumber: '0001' }), base({ controlNumber: '0002' })]);
    const broken = x12.replace(/(ST\*835\*0002[\s\S]*?)CLP\*PCN-A\*1\*100\.00/, '$1CLP*PCN-A*1*1OO.00');
    const problems = await refused(broken);
    expect(problems[0]!.position).toBe(positionOf(broken, 'CLP*PCN-A', 2));
  });

  it('a payment and its reversal in the same file: the first is marked reversed by the second', async () => {
    const x12 = write835(
      base({
        claims: [
          { pcn: 'PCN-R', status: '1', chargeCents: 10_000, paidCents: 10_000, payerClaimNumber: 'ICN-R' },
          { pcn: 'PCN-R', status: '22', chargeCents: -10_000, paidCents: -10_000, payerClaimNumber: 'ICN-R' },
          { pcn: 'PCN-R', status: '1', chargeCents: 10_000, paidCents: 9_000, payerClaimNumber: 'ICN-R2', cas: [['CO', '45', 1_000]] },
        ],
      }),
    );
    const res = await t.gql(ImportRemittanceDocument, { x12 }, { role: Role.BILLER });
    const [first, reversal, correction] = res.data!.importRemittance.claimPayments;
    expect([first!.reversed, first!.reversedById, first!.reversesId]).toEqual([true, reversal!.id, null]);
    expect([reversal!.reversal, reversal!.reversesId, reversal!.statusEffect]).toEqual([true, first!.id, 'NO_CLAIM']);
    expect([correction!.reversed, correction!.reversesId]).toEqual([false, null]);
  });

  it('logs ids, counts and positions only: no name or member id from the file in any log line', async () => {
    await t.gql(ImportRemittanceDocument, { x12: write835(base()) }, { role: Role.BILLER });
    await new Promise((r) => setTimeout(r, 50));
    const lines = log.raw.join('\n');
    expect(lines).toContain('remittance posted');
    expect(lines).toContain('remittance refused');
    for (const v of [...PHI, 'PCN-A', 'PCN-B']) expect(lines).not.toContain(v);
  });
});
