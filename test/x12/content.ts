import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Claim837 } from '../../src/x12/837p/model';

/** The shared X12 samples (../shared/data, beside the clone; never copied into the project). */
export const X12_DIR = join(__dirname, '../../../shared/data/x12');
export const P5010_DIR = join(X12_DIR, '837p/5010');
export const I5010_DIR = join(X12_DIR, '837i/5010');

export const p5010Files = (): string[] => readdirSync(P5010_DIR).sort();

/**
 * The claim-level content an 837P round trip must keep: CLM01/02/05, HI codes, SV1 codes,
 * modifiers, units, charges and pointers, DTP*472 dates, NPIs and the member id. The rendering NPI
 * is the effective one (2310B, else the billing provider: the guide omits 2310B when they match).
 * Line dates are the first date of a DTP*472 (claimflow keeps one date per line).
 */
export function claimContent(c: Claim837) {
  const billingNpi = c.billingProvider.name?.id ?? null;
  return {
    clm01: c.patientControlNumber,
    clm02: c.totalChargeCents,
    clm05: `${c.placeOfService}:${c.facilityQualifier}:${c.frequency}`,
    payerClaimNumber: c.payerClaimNumber,
    priorAuthNumber: c.priorAuthNumber,
    hi: c.diagnoses.map((d) => d.code),
    billingNpi,
    renderingNpi: c.rendering?.id ?? billingNpi,
    memberId: c.subscriber.name?.id ?? null,
    payerId: c.subscriber.payer?.id ?? null,
    lines: c.lines.map((l) => ({
      code: l.procedureCode,
      modifiers: l.modifiers,
      units: Number(l.units),
      chargeCents: l.chargeCents,
      pointers: l.pointers,
      date: l.serviceDateFrom,
    })),
  };
}
