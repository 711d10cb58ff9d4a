import type { Adjustment835, ClaimPayment835, Remittance835, ServicePayment835, X12Warning } from './model';
import { formatCents } from './values';

/**
 * Balancing, 005010X221A1 section 1.10.2 (and X12 RFIs 358, 689, 2348):
 * - service line:  SVC02 − Σ 2110 CAS amounts = SVC03
 * - claim:         CLP03 − Σ 2100 CAS − Σ 2110 CAS = CLP04, and when service lines are sent,
 *                  Σ SVC03 − Σ 2100 CAS = CLP04 (claim-level adjustments are never repeated on lines)
 * - transaction:   BPR02 = Σ CLP04 − Σ PLB amounts (a positive PLB amount reduces the payment)
 * Reversals (CLP02 22) balance the same way with their negative amounts.
 */

const sum = (xs: readonly Adjustment835[]) => xs.reduce((s, a) => s + a.amountCents, 0);

export function serviceBalance(s: ServicePayment835): { balanced: boolean; expectedCents: number } {
  const expectedCents = s.chargeCents - sum(s.adjustments);
  return { balanced: expectedCents === s.paidCents, expectedCents };
}

export interface ClaimBalance {
  balanced: boolean;
  /** One warning per failed check (the claim's and each service's), with positions. */
  warnings: X12Warning[];
}

export function claimBalance(c: ClaimPayment835): ClaimBalance {
  const warnings: X12Warning[] = [];
  for (const s of c.services) {
    const b = serviceBalance(s);
    if (!b.balanced) {
      warnings.push({
        position: s.position,
        segmentId: 'SVC',
        code: 'SERVICE_UNBALANCED',
        message: `service line does not balance: SVC02 ${formatCents(s.chargeCents)} − CAS ${formatCents(sum(s.adjustments))} = ${formatCents(b.expectedCents)}, SVC03 is ${formatCents(s.paidCents)}`,
      });
    }
  }
  const claimCas = sum(c.adjustments);
  const serviceCas = c.services.reduce((t, s) => t + sum(s.adjustments), 0);
  const expected = c.chargeCents - claimCas - serviceCas;
  if (expected !== c.paidCents) {
    warnings.push({
      position: c.position,
      segmentId: 'CLP',
      code: 'CLAIM_UNBALANCED',
      message: `claim does not balance: CLP03 ${formatCents(c.chargeCents)} − CAS ${formatCents(claimCas + serviceCas)} = ${formatCents(expected)}, CLP04 is ${formatCents(c.paidCents)}`,
    });
  }
  if (c.services.length > 0) {
    const servicePaid = c.services.reduce((t, s) => t + s.paidCents, 0);
    if (servicePaid - claimCas !== c.paidCents) {
      warnings.push({
        position: c.position,
        segmentId: 'CLP',
        code: 'CLAIM_SERVICES_UNBALANCED',
        message: `service payments do not add up to the claim payment: Σ SVC03 ${formatCents(servicePaid)} − claim-level CAS ${formatCents(claimCas)} = ${formatCents(servicePaid - claimCas)}, CLP04 is ${formatCents(c.paidCents)}`,
      });
    }
  }
  return { balanced: warnings.length === 0, warnings };
}

export interface TransactionBalance {
  balanced: boolean;
  expectedCents: number;
  claimPaidCents: number;
  providerAdjustmentCents: number;
}

export function transactionBalance(t: Remittance835): TransactionBalance {
  const claimPaidCents = t.claims.reduce((s, c) => s + c.paidCents, 0);
  const providerAdjustmentCents = t.providerAdjustments.reduce((s, p) => s + p.amountCents, 0);
  const expectedCents = claimPaidCents - providerAdjustmentCents;
  return { balanced: expectedCents === t.paymentCents, expectedCents, claimPaidCents, providerAdjustmentCents };
}

export function transactionBalanceMessage(t: Remittance835, b: TransactionBalance): string {
  return `the transaction does not balance: Σ CLP04 ${formatCents(b.claimPaidCents)} − Σ PLB ${formatCents(b.providerAdjustmentCents)} = ${formatCents(b.expectedCents)}, BPR02 is ${formatCents(t.paymentCents)}`;
}
