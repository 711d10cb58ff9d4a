/**
 * Denied claims for the denial tests, built through the real services: a claim walked from DRAFT
 * to DENIED (or another remitted status) as the 835 posting would leave it — payer claim control
 * number (CLP07) set — and its Denial rows via Builders.denial. Nothing is mocked.
 */
import { addDays, today } from '../../src/common/dates';
import { ClaimStatus } from '../../src/modules/claim/claim-status';
import { Claim, ClaimLine } from '../../src/modules/claim/claim.entity';
import type { ServiceLineInput } from '../../src/modules/coding/coding.inputs';
import type { Coverage } from '../../src/modules/coverage/coverage.entity';
import type { Patient } from '../../src/modules/patient/patient.entity';
import type { Payer } from '../../src/modules/payer/payer.entity';
import type { Provider } from '../../src/modules/provider/provider.entity';
import type { Builders } from '../../src/seed/builders';
import type { TestServer } from '../support/server';

export interface RemittedClaim {
  claim: Claim;
  payer: Payer;
  patient: Patient;
  coverage: Coverage;
  provider: Provider;
}

let pcn = 0;

/** A unique payer claim control number, as a payer would assign in CLP07. */
export function payerClaimNumber(): string {
  return `PCCN${Date.now().toString(36).toUpperCase()}${++pcn}`;
}

/**
 * A claim to `payer` (a new demo-commercial payer by default) moved along the lifecycle to
 * `status` (DENIED by default) with the payer claim number an 835 would have given it.
 */
export async function remittedClaim(
  b: Builders,
  opts: {
    payer?: Payer;
    status?: ClaimStatus;
    serviceDate?: string;
    diagnoses?: string[];
    lines?: ServiceLineInput[];
    payerClaimNumber?: string | null;
  } = {},
): Promise<RemittedClaim> {
  const payer = opts.payer ?? (await b.payer());
  const provider = await b.provider();
  const patient = await b.patient();
  const coverage = await b.coverage(patient, payer);
  const claim = await b.claim({
    patient,
    provider,
    coverage,
    status: opts.status ?? ClaimStatus.DENIED,
    serviceDate: opts.serviceDate ?? addDays(today(), -20),
    diagnoses: opts.diagnoses,
    lines: opts.lines,
  });
  claim.payerClaimNumber = opts.payerClaimNumber === undefined ? payerClaimNumber() : opts.payerClaimNumber;
  await b.ctx.em.flush();
  return { claim, payer, patient, coverage, provider };
}

/**
 * Moves a stored claim's dates of service `days` back (test setup for a claim that is old by
 * now: a real one would have been submitted in time back then, which today's scrub forbids).
 */
export async function ageClaim(t: TestServer, claimId: string, serviceDate: string): Promise<void> {
  const em = t.db.orm.em.fork();
  const claim = await em.findOneOrFail(Claim, { id: claimId });
  claim.serviceDateFrom = serviceDate;
  claim.serviceDateTo = serviceDate;
  for (const line of await em.find(ClaimLine, { claim: claimId })) line.serviceDate = serviceDate;
  await em.flush();
}

/** Rows per table, to show a refused request wrote nothing. */
export async function counts(t: TestServer): Promise<Record<string, number>> {
  return t.rowCounts();
}
