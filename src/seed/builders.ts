import type { RuleRegistry } from '../rules-engine';
import type { EntityManager } from '@mikro-orm/core';
import type { Principal } from '../auth/principal';
import { addDays, today } from '../common/dates';
import { Role, Sex } from '../common/enums';
import { npiCheckDigit } from '../common/formats';
import { ClaimStatus } from '../modules/claim/claim-status';
import type { Claim } from '../modules/claim/claim.entity';
import { Code } from '../modules/code/code.entity';
import type { ServiceLineInput } from '../modules/coding/coding.inputs';
import { CoverageOrder, SubscriberRelationship, type Coverage } from '../modules/coverage/coverage.entity';
import type { CreateCoverageInput } from '../modules/coverage/coverage.inputs';
import { EncounterStatus, type Encounter } from '../modules/encounter/encounter.entity';
import type { CreatePatientInput } from '../modules/patient/patient.inputs';
import type { Patient } from '../modules/patient/patient.entity';
import { ClaimFilingIndicator, type Payer } from '../modules/payer/payer.entity';
import type { CreatePayerInput } from '../modules/payer/payer.inputs';
import { ProviderEntityType, type Provider } from '../modules/provider/provider.entity';
import type { CreateProviderInput } from '../modules/provider/provider.inputs';
import { AuditScope, attachAudit } from '../modules/audit/audit.scope';
import type { ServiceContext } from '../server/context';
import { createLogger } from '../server/logger';
import { createServices, type Services } from '../server/services';
import { DEMO_CODES, type DemoCode } from './reference-codes';
import { classifyAdjustment, DenialReasonClass, DenialScenario } from '../modules/denial/classify';
import { Denial, type DenialStatus } from '../modules/denial/denial.entity';

/** A context for work done by the system itself (seeding, tests) rather than a signed-in user. */
export function systemContext(em: EntityManager, principal: Principal = { sub: 'system', role: Role.ADMIN }, rules: RuleRegistry | null = null): ServiceContext {
  // Seeds, tests and CLI commands write through here: audited as the principal (src/modules/audit).
  return { em: attachAudit(em, new AuditScope(principal.sub, principal.role, null)), principal, requestId: 'system', logger: createLogger('silent'), rules };
}

/** Inserts code rows in one flush (no per-row validation: the lists are ours). */
export async function loadCodes(em: EntityManager, codes: DemoCode[] = DEMO_CODES): Promise<number> {
  for (const c of codes) {
    em.create(Code, {
      system: c.system,
      code: c.code,
      shortDescription: c.shortDescription ?? null,
      billable: c.billable ?? true,
      effectiveFrom: c.effectiveFrom,
      effectiveTo: c.effectiveTo ?? null,
    });
  }
  await em.flush();
  return codes.length;
}

/** A valid NPI from any 9-digit stem (appends the Luhn check digit). */
export function npiFrom(stem: string): string {
  return `${stem}${npiCheckDigit(stem)}`;
}

let counter = 0;
const next = () => ++counter;

/**
 * Seed builders: each makes a valid object through the real services (validation, history),
 * with defaults a test overrides only where it matters.
 */
export class Builders {
  readonly services: Services;

  constructor(readonly ctx: ServiceContext) {
    this.services = createServices(ctx);
  }

  payer(overrides: Partial<CreatePayerInput> = {}): Promise<Payer> {
    const n = next();
    return this.services.payers.create({
      name: `Demo Payer ${n}`,
      payerId: `DEMO${n}`,
      claimFilingIndicator: ClaimFilingIndicator.COMMERCIAL,
      timelyFilingDays: 90,
      appealDays: 180,
      ruleSetKey: 'demo-commercial',
      ...overrides,
    });
  }

  provider(overrides: Partial<CreateProviderInput> = {}): Promise<Provider> {
    const n = next();
    const stem = String(100000000 + n * 7919);
    return this.services.providers.create({
      npi: npiFrom(stem),
      entityType: ProviderEntityType.PERSON,
      lastNameOrOrganization: `Provider${String.fromCharCode(65 + (n % 26))}`,
      firstName: 'Pat',
      taxonomyCode: '207Q00000X',
      taxId: '123456789',
      isBilling: true,
      isRendering: true,
      addressLine1: '100 Main St',
      city: 'Springfield',
      state: 'IL',
      postalCode: '627010001',
      ...overrides,
    });
  }

  patient(overrides: Partial<CreatePatientInput> = {}): Promise<Patient> {
    return this.services.patients.create({
      firstName: 'Avery',
      lastName: 'Sample',
      birthDate: '1950-03-02',
      sex: Sex.F,
      addressLine1: '1 Elm St',
      city: 'Springfield',
      state: 'IL',
      postalCode: '62701',
      ...overrides,
    });
  }

  coverage(patient: Patient, payer: Payer, overrides: Partial<CreateCoverageInput> = {}): Promise<Coverage> {
    return this.services.coverages.create({
      patientId: patient.id,
      payerId: payer.id,
      memberId: `M${next()}X`,
      relationship: SubscriberRelationship.SELF,
      effectiveFrom: '2020-01-01',
      order: CoverageOrder.PRIMARY,
      ...overrides,
    });
  }

  async encounter(opts: {
    patient: Patient;
    provider: Provider;
    renderingProvider?: Provider;
    serviceDate?: string;
    placeOfService?: string;
    diagnoses?: string[];
    lines?: ServiceLineInput[];
    status?: EncounterStatus;
  }): Promise<Encounter> {
    const em = this.services.encounters;
    const encounter = await em.create({
      patientId: opts.patient.id,
      billingProviderId: opts.provider.id,
      renderingProviderId: (opts.renderingProvider ?? opts.provider).id,
      placeOfService: opts.placeOfService ?? '11',
      serviceDateFrom: opts.serviceDate ?? addDays(today(), -7),
      diagnoses: opts.diagnoses ?? ['E119', 'I10'],
      lines: opts.lines ?? [{ procedureCode: '99213', modifiers: [], units: 1, chargeCents: 12_500, diagnosisPointers: [1, 2] }],
    });
    if ((opts.status ?? EncounterStatus.CODED) !== EncounterStatus.OPEN) {
      return em.changeStatus({ id: encounter.id, version: encounter.version, status: EncounterStatus.CODED });
    }
    return encounter;
  }

  /** What a claim needs: a payer, a provider, a patient covered by the payer, a CODED encounter. */
  async codedVisit(): Promise<{ payer: Payer; provider: Provider; patient: Patient; coverage: Coverage; encounter: Encounter }> {
    const payer = await this.payer();
    const provider = await this.provider();
    const patient = await this.patient();
    const coverage = await this.coverage(patient, payer);
    const encounter = await this.encounter({ patient, provider });
    return { payer, provider, patient, coverage, encounter };
  }

  /** A claim created from a new coded encounter, then walked along the lifecycle to `status`. */
  async claim(opts: {
    patient: Patient;
    provider: Provider;
    renderingProvider?: Provider;
    coverage: Coverage;
    status?: ClaimStatus;
    serviceDate?: string;
    diagnoses?: string[];
    lines?: ServiceLineInput[];
  }): Promise<Claim> {
    const encounter = await this.encounter({ ...opts, status: EncounterStatus.CODED });
    let claim = await this.services.claims.createFromEncounter({ encounterId: encounter.id, coverageId: opts.coverage.id });
    for (const step of pathTo(opts.status ?? ClaimStatus.DRAFT)) {
      const result = await this.services.claims.transition(claim, step);
      if (!result.moved) throw new Error(`claim ${claim.id} did not move to ${step}: its scrub found ${result.scrub?.errorCount ?? '?'} ERROR(s)`);
      claim = result.claim;
    }
    return claim;
  }

  /**
   * A denial as 835 posting leaves it: classified from its group code and CARC (classify.ts),
   * dated today, appeal deadline = deniedOn + the payer's appealDays, for the whole claim or one
   * line. Tests of the denial module use it until they post real 835s.
   */
  async denial(
    claim: Claim,
    opts: { groupCode?: string; carc?: string; rarcs?: string[]; lineNumber?: number | null; amountCents?: number; deniedOn?: string; appealDeadline?: string | null; predictedByRuleId?: string | null; status?: DenialStatus } = {},
  ): Promise<Denial> {
    const em = this.ctx.em;
    const groupCode = opts.groupCode ?? 'CO';
    const carc = opts.carc ?? '16';
    // PR is patient responsibility, never a denial when posting; a test may still want one.
    const klass = classifyAdjustment({ group: groupCode === 'PR' ? 'CO' : groupCode, carc }) ?? { scenario: DenialScenario.NOT_COVERED, reasonClass: DenialReasonClass.OTHER };
    const line = opts.lineNumber ? ((await claim.lines.loadItems()).find((l) => l.lineNumber === opts.lineNumber) ?? null) : null;
    if (opts.lineNumber && !line) throw new Error(`claim ${claim.id} has no line ${opts.lineNumber}`);
    const payer = await claim.payer.load();
    const deniedOn = opts.deniedOn ?? today();
    const denial = em.create(Denial, {
      claim,
      line,
      lineNumber: line?.lineNumber ?? null,
      payer: payer!,
      groupCode,
      carc,
      rarcs: opts.rarcs ?? [],
      amountCents: opts.amountCents ?? line?.chargeCents ?? claim.totalChargeCents,
      scenario: klass.scenario,
      reasonClass: klass.reasonClass,
      deniedOn,
      appealDeadline: opts.appealDeadline === undefined ? addDays(deniedOn, payer!.appealDays) : opts.appealDeadline,
      predictedByRuleId: opts.predictedByRuleId ?? null,
      ...(opts.status ? { status: opts.status } : {}),
    });
    await em.flush();
    return denial;
  }
}

/** The statuses to pass through from DRAFT to reach `target`. */
export function pathTo(target: ClaimStatus): ClaimStatus[] {
  const S = ClaimStatus;
  const paths: Record<ClaimStatus, ClaimStatus[]> = {
    DRAFT: [],
    READY: [S.READY],
    SUBMITTED: [S.READY, S.SUBMITTED],
    ACCEPTED: [S.READY, S.SUBMITTED, S.ACCEPTED],
    REJECTED: [S.READY, S.SUBMITTED, S.REJECTED],
    PAID: [S.READY, S.SUBMITTED, S.ACCEPTED, S.PAID],
    PARTIALLY_PAID: [S.READY, S.SUBMITTED, S.ACCEPTED, S.PARTIALLY_PAID],
    DENIED: [S.READY, S.SUBMITTED, S.ACCEPTED, S.DENIED],
    APPEALED: [S.READY, S.SUBMITTED, S.ACCEPTED, S.DENIED, S.APPEALED],
    WRITTEN_OFF: [S.READY, S.SUBMITTED, S.ACCEPTED, S.DENIED, S.WRITTEN_OFF],
    VOIDED: [S.READY, S.SUBMITTED, S.ACCEPTED, S.PAID, S.VOIDED],
    REPLACED: [S.READY, S.SUBMITTED, S.ACCEPTED, S.DENIED, S.REPLACED],
  };
  return paths[target];
}
