import type { EntityManager } from '@mikro-orm/core';
import type { RuleRegistry } from '../rules-engine';
import { addDays, today } from '../common/dates';
import { Role, Sex } from '../common/enums';
import { EncounterStatus } from '../modules/encounter/encounter.entity';
import { ClaimStatus } from '../modules/claim/claim-status';
import { CoverageOrder, SubscriberRelationship } from '../modules/coverage/coverage.entity';
import { Payer, ClaimFilingIndicator } from '../modules/payer/payer.entity';
import { ProviderEntityType } from '../modules/provider/provider.entity';
import { classifyAdjustment } from '../modules/denial/classify';
import { DenialStatus } from '../modules/denial/denial.entity';
import { predictRule } from '../modules/denial/predict';
import { Builders, loadCodes, npiFrom, systemContext } from './builders';

export interface SeedSummary {
  codes: number;
  payers: number;
  providers: number;
  patients: number;
  claims: number;
}

/**
 * A demo office: a Medicare-like payer and a commercial payer, a group practice with two
 * clinicians, five fictitious patients, and claims in several lifecycle states. Every name and
 * number here is invented. Runs only when the database has no payers.
 */
export async function seedDemoIfEmpty(rootEm: EntityManager, rules: RuleRegistry | null): Promise<SeedSummary | null> {
  if ((await rootEm.count(Payer, {})) > 0) return null;
  // All or nothing: a failure half-way leaves the database empty, so the next start retries.
  return rootEm.transactional((em) => seed(em, rules));
}

async function seed(em: EntityManager, rules: RuleRegistry | null): Promise<SeedSummary> {
  const codes = await loadCodes(em);
  const b = new Builders(systemContext(em, { sub: 'system:demo-seed', role: Role.ADMIN }, rules));

  const medicare = await b.payer({
    name: 'Demo Medicare Part B',
    payerId: 'DEMOMCR01',
    claimFilingIndicator: ClaimFilingIndicator.MEDICARE_PART_B,
    // Medicare: 12 months from the date of service (42 CFR 424.44).
    timelyFilingDays: 365,
    appealDays: 120,
    ruleSetKey: 'medicare',
  });
  const commercial = await b.payer({
    name: 'Demo Commercial Health',
    payerId: 'DEMOCOM01',
    claimFilingIndicator: ClaimFilingIndicator.COMMERCIAL,
    timelyFilingDays: 90,
    appealDays: 180,
    ruleSetKey: 'demo-commercial',
  });

  const practice = await b.provider({
    npi: npiFrom('123456789'),
    entityType: ProviderEntityType.ORGANIZATION,
    lastNameOrOrganization: 'Riverbend Family Medicine',
    firstName: null,
    taxonomyCode: '261QP2300X',
    taxId: '371234567',
    isBilling: true,
    isRendering: false,
    addressLine1: '200 River Rd',
    city: 'Springfield',
    state: 'IL',
    postalCode: '627040001',
  });
  const drOne = await b.provider({
    npi: npiFrom('198765432'),
    lastNameOrOrganization: 'Okafor',
    firstName: 'Ngozi',
    taxonomyCode: '207Q00000X',
    isBilling: false,
    isRendering: true,
    taxId: null,
  });
  const drTwo = await b.provider({
    npi: npiFrom('155544433'),
    lastNameOrOrganization: 'Lindqvist',
    firstName: 'Erik',
    taxonomyCode: '207R00000X',
    isBilling: false,
    isRendering: true,
    taxId: null,
  });

  const people = [
    { firstName: 'Avery', lastName: 'Sample', birthDate: '1948-05-14', sex: Sex.F },
    { firstName: 'Jordan', lastName: 'Example', birthDate: '1952-11-02', sex: Sex.M },
    { firstName: 'Morgan', lastName: 'Placeholder', birthDate: '1939-07-21', sex: Sex.F },
    { firstName: 'Riley', lastName: 'Fictitious', birthDate: '1985-02-09', sex: Sex.M },
    { firstName: 'Casey', lastName: 'Madeup', birthDate: '2012-09-30', sex: Sex.F },
  ];
  const patients = [];
  for (const p of people) patients.push(await b.patient({ ...p, addressLine1: '12 Demo Ave', city: 'Springfield', state: 'IL', postalCode: '62702' }));
  const [avery, jordan, morgan, riley, casey] = patients as [typeof patients[0], typeof patients[0], typeof patients[0], typeof patients[0], typeof patients[0]];

  const mcr = (p: typeof avery, memberId: string) => b.coverage(p, medicare, { memberId, effectiveFrom: '2013-01-01' });
  const averyMcr = await mcr(avery, '1EG4TE5MK73');
  const jordanMcr = await mcr(jordan, '2FH5UF6NL84');
  const morganMcr = await mcr(morgan, '3GJ6VG7PM95');
  const rileyCom = await b.coverage(riley, commercial, { memberId: 'DCH0012345', groupNumber: 'GRP-778', effectiveFrom: '2024-01-01' });
  const caseyCom = await b.coverage(casey, commercial, {
    memberId: 'DCH0012346',
    groupNumber: 'GRP-778',
    relationship: SubscriberRelationship.CHILD,
    subscriberFirstName: 'Riley',
    subscriberLastName: 'Fictitious',
    subscriberBirthDate: '1985-02-09',
    subscriberSex: Sex.M,
    effectiveFrom: '2024-01-01',
  });
  await b.coverage(jordan, commercial, { memberId: 'DCH0099881', effectiveFrom: '2022-01-01', order: CoverageOrder.SECONDARY });

  const day = (n: number) => addDays(today(), -n);
  const visit = { patient: avery, provider: practice };
  const plan: Array<Parameters<Builders['claim']>[0]> = [
    { ...visit, coverage: averyMcr, status: ClaimStatus.DRAFT, serviceDate: day(3), diagnoses: ['E119', 'I10'], lines: [
      { procedureCode: '99214', modifiers: ['25'], units: 1, chargeCents: 18_500, diagnosisPointers: [1, 2] },
      { procedureCode: '83036', units: 1, chargeCents: 4_200, diagnosisPointers: [1] },
      { procedureCode: '36415', units: 1, chargeCents: 1_500, diagnosisPointers: [1] },
    ] },
    { patient: jordan, provider: practice, coverage: jordanMcr, status: ClaimStatus.READY, serviceDate: day(6), diagnoses: ['M1711'], lines: [
      { procedureCode: '99213', modifiers: ['25'], units: 1, chargeCents: 12_500, diagnosisPointers: [1] },
      { procedureCode: '20610', modifiers: ['RT'], units: 1, chargeCents: 22_000, diagnosisPointers: [1] },
      { procedureCode: 'J3301', units: 4, chargeCents: 3_200, diagnosisPointers: [1] },
    ] },
    { patient: morgan, provider: practice, coverage: morganMcr, status: ClaimStatus.SUBMITTED, serviceDate: day(12), diagnoses: ['J069', 'R059'] },
    { patient: morgan, provider: practice, coverage: morganMcr, status: ClaimStatus.ACCEPTED, serviceDate: day(25), diagnoses: ['I10', 'E785'], lines: [
      { procedureCode: '99213', units: 1, chargeCents: 12_500, diagnosisPointers: [1, 2] },
      { procedureCode: '80061', units: 1, chargeCents: 6_800, diagnosisPointers: [2] },
    ] },
    { patient: avery, provider: practice, coverage: averyMcr, status: ClaimStatus.PAID, serviceDate: day(48), diagnoses: ['Z23'], lines: [
      { procedureCode: '90686', units: 1, chargeCents: 4_500, diagnosisPointers: [1] },
      { procedureCode: 'G0008', units: 1, chargeCents: 2_500, diagnosisPointers: [1] },
    ] },
    { patient: riley, provider: practice, coverage: rileyCom, status: ClaimStatus.DENIED, serviceDate: day(40), diagnoses: ['M5450'], lines: [
      { procedureCode: '99214', units: 1, chargeCents: 18_500, diagnosisPointers: [1] },
      { procedureCode: '97110', units: 3, chargeCents: 13_500, diagnosisPointers: [1] },
    ] },
    { patient: casey, provider: practice, coverage: caseyCom, status: ClaimStatus.PARTIALLY_PAID, serviceDate: day(35), diagnoses: ['J45909'], lines: [
      { procedureCode: '99213', units: 1, chargeCents: 12_500, diagnosisPointers: [1] },
      { procedureCode: '81002', units: 1, chargeCents: 1_800, diagnosisPointers: [1] },
    ] },
    { patient: riley, provider: practice, coverage: rileyCom, status: ClaimStatus.REJECTED, serviceDate: day(20), diagnoses: ['N390'], lines: [
      { procedureCode: '99212', units: 1, chargeCents: 9_000, diagnosisPointers: [1] },
      { procedureCode: '81002', units: 1, chargeCents: 1_800, diagnosisPointers: [1] },
    ] },
    { patient: jordan, provider: practice, coverage: jordanMcr, status: ClaimStatus.APPEALED, serviceDate: day(70), diagnoses: ['M1712'], lines: [
      { procedureCode: '73562', modifiers: ['LT'], units: 1, chargeCents: 9_500, diagnosisPointers: [1] },
    ] },
  ];
  const claims = [];
  for (const [i, claim] of plan.entries()) {
    claims.push(await b.claim({ ...claim, renderingProvider: i % 2 === 0 ? drOne : drTwo }));
  }

  // The billers' work queue: the denials an 835 would have left on the denied, partly paid and
  // appealed claims above, each with the payer rule that should have caught it (if any).
  const [, , , , , rileyDenied, caseyPartly, , jordanAppealed] = claims as [typeof claims[0], ...typeof claims];
  // An 835 gives each adjudicated claim the payer's claim control number (CLP07), which a
  // replacement or void must quote (REF*F8).
  for (const [i, claim] of claims.entries()) {
    if ([ClaimStatus.PAID, ClaimStatus.PARTIALLY_PAID, ClaimStatus.DENIED, ClaimStatus.APPEALED].includes(claim.status)) claim.payerClaimNumber = `DEMOICN${String(i + 1).padStart(6, '0')}`;
  }
  await em.flush();
  const snapshot = rules?.current() ?? null;
  const denial = async (claim: typeof rileyDenied, opts: Parameters<Builders['denial']>[1] & { carc: string }) => {
    const payer = await claim.payer.load();
    const ruleSet = payer?.ruleSetKey ? (snapshot?.ruleSets.get(payer.ruleSetKey) ?? null) : null;
    const klass = classifyAdjustment({ group: 'CO', carc: opts.carc });
    const predicted = klass ? predictRule(ruleSet, { carc: opts.carc, reasonClass: klass.reasonClass, lineLevel: Boolean(opts.lineNumber) }, { serviceDateFrom: claim.serviceDateFrom }) : null;
    return b.denial(claim, { ...opts, predictedByRuleId: predicted?.id ?? null });
  };
  // 97110 without the prior authorization the commercial plan requires (CO-197).
  await denial(rileyDenied!, { carc: '197', lineNumber: 2, deniedOn: day(25) });
  // The E/M line: the diagnosis does not support it (CO-16 with M76, missing/incomplete diagnosis).
  await denial(rileyDenied!, { carc: '16', rarcs: ['M76'], lineNumber: 1, deniedOn: day(25) });
  // 81002 bundled into the visit (CO-97).
  await denial(caseyPartly!, { carc: '97', rarcs: ['M15'], lineNumber: 2, deniedOn: day(20) });
  // Medical necessity, already appealed.
  await denial(jordanAppealed!, { carc: '50', rarcs: ['N115'], lineNumber: 1, deniedOn: day(50), status: DenialStatus.APPEALED });
  // One encounter still being coded, for the coders' queue.
  await b.encounter({
    patient: casey,
    provider: practice,
    renderingProvider: drTwo,
    serviceDate: day(1),
    diagnoses: ['J069'],
    lines: [{ procedureCode: '99213', units: 1, chargeCents: 12_500, diagnosisPointers: [1] }],
    status: EncounterStatus.OPEN,
  });

  return { codes, payers: 2, providers: 3, patients: patients.length, claims: plan.length };
}
