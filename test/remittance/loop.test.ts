import { addDays, today } from '../../src/common/dates';
import { Role } from '../../src/common/enums';
import { ClaimStatus } from '../../src/modules/claim/claim-status';
import type { Claim } from '../../src/modules/claim/claim.entity';
import type { ServiceLineInput } from '../../src/modules/coding/coding.inputs';
import type { Payer } from '../../src/modules/payer/payer.entity';
import type { Provider } from '../../src/modules/provider/provider.entity';
import type { Builders } from '../../src/seed/builders';
import { ClaimPaymentsDocument, ImportRemittanceDocument } from '../generated/graphql';
import { startTestServer, type TestServer } from '../support/server';
import { postingCounts, write835, type Clp835 } from './x12-835';

/**
 * The revenue loop end to end: claims built and submitted here (ClaimService.submitClaims), an
 * 835 for them written in the test (CLP01 = their patient control numbers, REF*6R = their line
 * control numbers), posted over HTTP; then an appeal's payment and reversals (CLP02 22).
 */
describe('835 posting closes the loop', () => {
  let t: TestServer;
  let b: Builders;
  let payer: Payer;
  let provider: Provider;
  const day = today();
  const serviceDate = addDays(day, -7);
  const c: Record<'paid' | 'partial' | 'lineDenied' | 'late' | 'telehealth', Claim> = {} as never;
  const lcn = (claim: Claim, n: number) => claim.lines.getItems().find((l) => l.lineNumber === n)!.lineControlNumber;

  async function readyClaim(lines?: ServiceLineInput[], placeOfService?: string): Promise<Claim> {
    const patient = await b.patient();
    const coverage = await b.coverage(patient, payer);
    let claim = await b.claim({ patient, provider, coverage, lines, serviceDate });
    if (placeOfService) claim = await b.services.claims.update({ id: claim.id, version: claim.version, placeOfService });
    const moved = await b.services.claims.transition(claim, ClaimStatus.READY);
    expect(moved.moved).toBe(true);
    await claim.lines.init();
    return claim;
  }

  const line = (procedureCode: string, chargeCents: number): ServiceLineInput => ({ procedureCode, modifiers: [], units: 1, chargeCents, diagnosisPointers: [1] });

  beforeAll(async () => {
    t = await startTestServer();
    b = t.builders();
    payer = await b.payer({ appealDays: 120 });
    provider = await b.provider();
    c.paid = await readyClaim([line('99213', 12_500)]);
    c.partial = await readyClaim([line('99214', 20_000)]);
    c.lineDenied = await readyClaim([line('99213', 12_500), line('36415', 2_000), line('93000', 3_000)]);
    c.late = await readyClaim([line('99213', 12_500)]);
    // Telehealth place of service without modifier 95: the demo plan's DCH-COV-001 WARNING fires at the scrub.
    c.telehealth = await readyClaim([line('99213', 12_500)], '02');
    const sent = await b.services.claims.submitClaims(Object.values(c).map((x) => x.id));
    expect(sent.refused).toEqual([]);
    expect(sent.submitted.map((x) => x.status)).toEqual(Object.values(c).map(() => 'SUBMITTED'));
  });
  afterAll(() => t.stop());

  const readClaim = async (claim: Claim) => (await t.gql(ClaimPaymentsDocument, { id: claim.id })).data!.claim!;

  const fileA = () =>
    write835({
      trace: 'EFT-A-0001',
      date: day,
      claims: [
        { pcn: c.paid.patientControlNumber, status: '1', chargeCents: 12_500, paidCents: 12_500, payerClaimNumber: 'ICN-PAID', services: [{ code: '99213', chargeCents: 12_500, paidCents: 12_500, date: serviceDate, lineControlNumber: lcn(c.paid, 1) }] },
        {
          pcn: c.partial.patientControlNumber,
          status: '1',
          chargeCents: 20_000,
          paidCents: 12_000,
          patientRespCents: 3_000,
          payerClaimNumber: 'ICN-PARTIAL',
          services: [{ code: '99214', chargeCents: 20_000, paidCents: 12_000, date: serviceDate, lineControlNumber: lcn(c.partial, 1), cas: [['CO', '45', 5_000], ['PR', '2', 3_000]] }],
        },
        {
          pcn: c.lineDenied.patientControlNumber,
          status: '1',
          chargeCents: 17_500,
          paidCents: 10_000,
          payerClaimNumber: 'ICN-LINES',
          services: [
            { code: '99213', chargeCents: 12_500, paidCents: 10_000, date: serviceDate, lineControlNumber: lcn(c.lineDenied, 1), cas: [['CO', '45', 2_500]] },
            { code: '36415', chargeCents: 2_000, paidCents: 0, date: serviceDate, lineControlNumber: lcn(c.lineDenied, 2), cas: [['CO', '97', 2_000]], remarks: ['M15'] },
            // No REF*6R: matched by procedure code and date of service.
            { code: '93000', chargeCents: 3_000, paidCents: 0, date: serviceDate, cas: [['CO', '236', 3_000]] },
          ],
        },
        // Timely filing, whole claim, claim-level CAS with the RARC in MOA (no service lines).
        { pcn: c.late.patientControlNumber, status: '4', chargeCents: 12_500, paidCents: 0, payerClaimNumber: 'ICN-LATE', cas: [['CO', '29', 12_500]], moa: ['N211'] },
        {
          pcn: c.telehealth.patientControlNumber,
          status: '4',
          chargeCents: 12_500,
          paidCents: 0,
          payerClaimNumber: 'ICN-TELE',
          services: [{ code: '99213', chargeCents: 12_500, paidCents: 0, date: serviceDate, lineControlNumber: lcn(c.telehealth, 1), cas: [['CO', '4', 12_500]], remarks: ['M77'] }],
        },
        { pcn: 'NO-SUCH-CLAIM-1', status: '1', chargeCents: 5_000, paidCents: 5_000, services: [{ code: '99212', chargeCents: 5_000, paidCents: 5_000, date: serviceDate }] },
      ],
      // Interest paid with the claims (L6, negative: it increases the payment).
      plb: [{ reason: 'L6', reference: 'INT-2026', amountCents: -100 }],
    });

  it('posts payments per claim and line, moves the claims, stores CLP07, and creates exactly the actionable denials', async () => {
    const before = await postingCounts(t);
    const res = await t.gql(ImportRemittanceDocument, { x12: fileA() }, { role: Role.BILLER });
    expect(res.errors).toBeUndefined();
    const out = res.data!.importRemittance;
    expect(out.status).toBe('POSTED');
    expect(out.remittances).toHaveLength(1);
    expect(out.remittances[0]).toMatchObject({ paymentCents: 39_600, traceNumber: 'EFT-A-0001', balanced: true, claimCount: 6, matchedCount: 5, remittanceDate: day });
    expect(out.remittances[0]!.providerAdjustments).toEqual([expect.objectContaining({ reasonCode: 'L6', reference: 'INT-2026', amountCents: -100 })]);
    expect(out.unmatchedClaimPayments.map((p) => p.patientControlNumber)).toEqual(['NO-SUCH-CLAIM-1']);
    expect(out.warnings.map((w) => w.code)).toEqual(['UNMATCHED_CLAIM']);
    expect(out.claimPayments.every((p) => p.balanced)).toBe(true);

    // Statuses through the lifecycle, and the payer claim number (CLP07) on each claim.
    const status = async (claim: Claim) => {
      const r = await readClaim(claim);
      return [r.status, r.payerClaimNumber];
    };
    expect(await status(c.paid)).toEqual(['PAID', 'ICN-PAID']);
    expect(await status(c.partial)).toEqual(['PARTIALLY_PAID', 'ICN-PARTIAL']);
    expect(await status(c.lineDenied)).toEqual(['PARTIALLY_PAID', 'ICN-LINES']);
    expect(await status(c.late)).toEqual(['DENIED', 'ICN-LATE']);
    expect(await status(c.telehealth)).toEqual(['DENIED', 'ICN-TELE']);
    const paid = await readClaim(c.paid);
    expect(paid.history.at(-1)).toEqual({ action: 'STATUS_CHANGED', fromStatus: 'SUBMITTED', toStatus: 'PAID', changedFields: ['status', 'payerClaimNumber'], actor: 'test-biller' });
    expect(paid.payments).toHaveLength(1);
    expect(paid.payments[0]).toMatchObject({ statusEffect: 'MOVED', claimStatusBefore: 'SUBMITTED', claimStatusTarget: 'PAID', paidCents: 12_500 });

    // Lines: by REF*6R, and by code and date when the payer sent none.
    const lines = (await readClaim(c.lineDenied)).payments[0]!.services;
    expect(lines.map((s) => [s.procedureCode, s.lineMatch, s.claimLine?.lineNumber, s.paidCents])).toEqual([
      ['99213', 'LINE_CONTROL_NUMBER', 1, 10_000],
      ['36415', 'LINE_CONTROL_NUMBER', 2, 0],
      ['93000', 'CODE_AND_DATE', 3, 0],
    ]);
    expect(lines[1]!.adjustments.map((a) => [a.level, a.groupCode, a.carc, a.amountCents])).toEqual([['SERVICE', 'CO', '97', 2_000]]);

    // Denials: none for CO-45 or PR; one per (claim or line, CARC); the rule that should have caught each.
    const denials = out.denials.map((d) => ({ ...d, id: undefined })).sort((x, y) => x.carc.localeCompare(y.carc));
    const common = { groupCode: 'CO', status: 'OPEN', deniedOn: day, appealDeadline: addDays(day, 120) };
    expect(denials).toEqual([
      { ...common, id: undefined, lineNumber: 3, carc: '236', rarcs: [], amountCents: 3_000, scenario: 'NOT_SEPARATELY_PAYABLE', reasonClass: 'BUNDLING', predictedByRuleId: 'DCH-PTP-001', ruleFiredBeforeSubmission: false },
      { ...common, id: undefined, lineNumber: null, carc: '29', rarcs: ['N211'], amountCents: 12_500, scenario: 'NOT_COVERED', reasonClass: 'TIMELY_FILING', predictedByRuleId: 'DCH-FIL-001', ruleFiredBeforeSubmission: false },
      // The telehealth claim went out with DCH-COV-001's WARNING: the rule predicted it and fired.
      { ...common, id: undefined, lineNumber: 1, carc: '4', rarcs: ['M77'], amountCents: 12_500, scenario: 'INVALID_CLAIM_DATA', reasonClass: 'CODING', predictedByRuleId: 'DCH-COV-001', ruleFiredBeforeSubmission: true },
      // No shipped rule carries CARC 97: a missing rule, for compliance to see.
      { ...common, id: undefined, lineNumber: 2, carc: '97', rarcs: ['M15'], amountCents: 2_000, scenario: 'NOT_SEPARATELY_PAYABLE', reasonClass: 'BUNDLING', predictedByRuleId: null, ruleFiredBeforeSubmission: null },
    ]);
    const byClaim = new Map(out.claimPayments.map((p) => [p.claim?.id ?? p.patientControlNumber, p.denials!.map((d) => d.carc).sort()]));
    expect(byClaim.get(c.paid.id)).toEqual([]);
    expect(byClaim.get(c.partial.id)).toEqual([]);
    expect(byClaim.get(c.lineDenied.id)).toEqual(['236', '97']);
    expect(byClaim.get(c.late.id)).toEqual(['29']);
    expect(byClaim.get(c.telehealth.id)).toEqual(['4']);

    const after = await postingCounts(t);
    expect(after.Denial! - before.Denial!).toBe(4);
    expect(after.ClaimPayment! - before.ClaimPayment!).toBe(6);
    expect(after.ServicePayment! - before.ServicePayment!).toBe(7);
    expect(after.Adjustment! - before.Adjustment!).toBe(7);
    expect(after.ProviderAdjustment! - before.ProviderAdjustment!).toBe(1);
  });

  it('posts nothing the second time: the same file, or the same payment (TRN) in another envelope', async () => {
    const counts = await postingCounts(t);
    const same = await t.gql(ImportRemittanceDocument, { x12: fileA() }, { role: Role.BILLER });
    expect(same.data!.importRemittance).toMatchObject({ status: 'ALREADY_POSTED', claimPayments: [], denials: [] });
    const resent = write835({ trace: 'EFT-A-0001', date: day, claims: [] }, { interchange: '000000999' });
    const other = await t.gql(ImportRemittanceDocument, { x12: resent }, { role: Role.BILLER });
    expect(other.data!.importRemittance.status).toBe('ALREADY_POSTED');
    expect(other.data!.importRemittance.message).toMatch(/TRN/);
    expect(await postingCounts(t)).toEqual(counts);
    expect((await readClaim(c.paid)).history.filter((h) => h.toStatus === 'PAID')).toHaveLength(1);
  });

  it('an appealed claim that is paid moves on; reversals (CLP02 22) take payments back without deleting anything', async () => {
    // The biller appeals the timely-filing denial; the payer pays on appeal.
    const b2 = t.builders();
    const late = await b2.services.claims.mustGet(c.late.id);
    expect((await b2.services.claims.transition(late, ClaimStatus.APPEALED)).claim.status).toBe('APPEALED');
    const onAppeal: Clp835 = {
      pcn: c.late.patientControlNumber,
      status: '1',
      chargeCents: 12_500,
      paidCents: 10_000,
      payerClaimNumber: 'ICN-LATE-2',
      services: [{ code: '99213', chargeCents: 12_500, paidCents: 10_000, date: serviceDate, lineControlNumber: lcn(c.late, 1), cas: [['CO', '45', 2_500]] }],
    };
    const b = await t.gql(ImportRemittanceDocument, { x12: write835({ trace: 'EFT-B-0002', date: day, claims: [onAppeal] }, { interchange: '000000102' }) }, { role: Role.BILLER });
    expect(b.data!.importRemittance.status).toBe('POSTED');
    const appealPayment = b.data!.importRemittance.claimPayments[0]!;
    expect(appealPayment).toMatchObject({ statusEffect: 'MOVED', claimStatusBefore: 'APPEALED', claimStatusTarget: 'PARTIALLY_PAID', denials: [] });
    expect((await readClaim(c.late)).status).toBe('PARTIALLY_PAID');

    // The payer reverses the appeal payment and the partly denied claim's payment.
    const neg = (x: Clp835): Clp835 => ({
      ...x,
      status: '22',
      chargeCents: -x.chargeCents,
      paidCents: -x.paidCents,
      services: x.services?.map((s) => ({ ...s, chargeCents: -s.chargeCents, paidCents: -s.paidCents, cas: s.cas?.map(([g, r, a]) => [g, r, -Number(a)] as [string, string, number]) })),
    });
    const linesPaymentBefore = (await readClaim(c.lineDenied)).payments[0]!;
    const original: Clp835 = {
      pcn: c.lineDenied.patientControlNumber,
      status: '1',
      chargeCents: 17_500,
      paidCents: 10_000,
      payerClaimNumber: 'ICN-LINES',
      services: [
        { code: '99213', chargeCents: 12_500, paidCents: 10_000, date: serviceDate, lineControlNumber: lcn(c.lineDenied, 1), cas: [['CO', '45', 2_500]] },
        { code: '36415', chargeCents: 2_000, paidCents: 0, date: serviceDate, lineControlNumber: lcn(c.lineDenied, 2), cas: [['CO', '97', 2_000]] },
        { code: '93000', chargeCents: 3_000, paidCents: 0, date: serviceDate, cas: [['CO', '236', 3_000]] },
      ],
    };
    const before = await postingCounts(t);
    const res = await t.gql(ImportRemittanceDocument, { x12: write835({ trace: 'EFT-C-0003', date: day, claims: [neg(onAppeal), neg(original)] }, { interchange: '000000103' }) }, { role: Role.BILLER });
    const out = res.data!.importRemittance;
    expect(out.status).toBe('POSTED');
    expect(out.remittances[0]!.paymentCents).toBe(-20_000);
    expect(out.denials).toEqual([]);
    const [r1, r2] = out.claimPayments;

    // The appeal payment: reversed, and the claim goes back to APPEALED (PARTIALLY_PAID → APPEALED is allowed).
    expect(r1).toMatchObject({ reversal: true, reversesId: appealPayment.id, statusEffect: 'MOVED', claimStatusBefore: 'PARTIALLY_PAID', claimStatusTarget: 'APPEALED', claim: { status: 'APPEALED' } });
    const late2 = await readClaim(c.late);
    expect(late2.status).toBe('APPEALED');
    expect(late2.payments.map((p) => [p.statusCode, p.paidCents, p.reversed, p.reversedById])).toEqual([
      ['4', 0, false, null],
      ['1', 10_000, true, r1!.id],
      ['22', -10_000, false, null],
    ]);
    // The CO-29 denial belongs to the first payment, which was not reversed: still open.
    expect(late2.payments[0]!.denials!.map((d) => [d.carc, d.status])).toEqual([['29', 'OPEN']]);

    // The partly denied claim: reversed and its denials closed. It was adjudicated from SUBMITTED,
    // so it goes back to ACCEPTED (the payer holds it again), and the posting warns of nothing.
    expect(r2).toMatchObject({ reversal: true, reversesId: linesPaymentBefore.id, statusEffect: 'MOVED', claimStatusBefore: 'PARTIALLY_PAID', claimStatusTarget: 'ACCEPTED', claim: { status: 'ACCEPTED' } });
    expect(out.warnings).toEqual([]);
    const lines2 = await readClaim(c.lineDenied);
    expect(lines2.payments.map((p) => [p.statusCode, p.reversed])).toEqual([
      ['1', true],
      ['22', false],
    ]);
    expect(lines2.payments[0]!.denials!.map((d) => [d.carc, d.status]).sort()).toEqual([
      ['236', 'CLOSED'],
      ['97', 'CLOSED'],
    ]);
    const after = await postingCounts(t);
    expect(after.Denial).toBe(before.Denial);
    expect(after.ClaimPayment! - before.ClaimPayment!).toBe(2);
  });
});
