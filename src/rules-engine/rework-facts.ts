import { addDays, isLocalDate } from '../common/dates';
import { daysBetween, type FactSpec } from './facts';

/**
 * The facts rework rules (rules/rework/*.json) can name: a denial, the claim it is on, the payer
 * and the patient's other coverage. Like the payer facts they are computed before any rule runs
 * from plain data (ReworkCase), so a run does no I/O. The catalogue drives validation, the JSON
 * Schema's fact list for rework files, and rules/README.md (a test checks each is documented).
 *
 * No patient identifiers: rules see codes, amounts, dates of the claim and whether other
 * coverage exists, never names, birth dates or member ids.
 */

/** A denial and its context as plain data: what the server gathers and rule tests write. */
export interface ReworkCase {
  /** The day the advice is for (the server uses today). */
  today: string;
  denial: {
    groupCode: string;
    carc: string;
    rarcs: string[];
    amountCents: number;
    scenario: string;
    reasonClass: string;
    deniedOn: string;
    appealDeadline: string | null;
    /** The denied line (LX), null for a claim-level denial. */
    lineNumber: number | null;
    predictedByRuleId: string | null;
  };
  claim: {
    status: string;
    frequency: string;
    payerClaimNumber: string | null;
    priorAuthNumber: string | null;
    placeOfService: string;
    serviceDateFrom: string;
    totalChargeCents: number;
    diagnoses: string[];
    lines: { lineNumber: number; code: string; modifiers: string[]; units: number; diagnosisPointers: number[] }[];
  };
  payer: { ruleSetKey: string | null; claimFilingIndicator: string; timelyFilingDays: number };
  /** Whether the patient has another coverage (another payer) in force on the first date of service. */
  otherCoverageActive: boolean;
}

const f = (name: string, type: FactSpec['type'], nullable: boolean, description: string, example: Record<string, unknown>): FactSpec => ({
  name,
  level: 'CLAIM',
  type,
  nullable,
  description,
  example,
});

export const REWORK_FACTS: readonly FactSpec[] = [
  // --- the denial ---
  f('denial.groupCode', 'string', false, 'CAS01 claim adjustment group code: CO (contractual obligation), OA (other adjustment), PI (payer initiated) or PR (patient responsibility).', { fact: 'denial.groupCode', operator: 'equal', value: 'CO' }),
  f('denial.carc', 'string', false, 'Claim Adjustment Reason Code (X12 code list 139), without the group.', { fact: 'denial.carc', operator: 'in', value: ['97', '236'] }),
  f('denial.rarcs', 'string[]', false, 'Remittance Advice Remark Codes sent with it (LQ*HE on the line, MOA/MIA on the claim).', { fact: 'denial.rarcs', operator: 'contains', value: 'N211' }),
  f('denial.amountCents', 'number', false, 'The unpaid amount, integer cents.', { fact: 'denial.amountCents', operator: 'lessThan', value: 1000 }),
  f('denial.scenario', 'string', false, 'CAQH CORE business scenario: ADDITIONAL_INFORMATION_REQUIRED, INVALID_CLAIM_DATA, NOT_COVERED, NOT_SEPARATELY_PAYABLE.', { fact: 'denial.scenario', operator: 'equal', value: 'NOT_SEPARATELY_PAYABLE' }),
  f('denial.reasonClass', 'string', false, 'Work queue: CODING, ELIGIBILITY, AUTHORIZATION, TIMELY_FILING, MEDICAL_NECESSITY, DUPLICATE, BUNDLING, OTHER.', { fact: 'denial.reasonClass', operator: 'equal', value: 'BUNDLING' }),
  f('denial.level', 'string', false, 'LINE when a service line was denied, CLAIM when the whole claim was.', { fact: 'denial.level', operator: 'equal', value: 'LINE' }),
  f('denial.deniedOn', 'date', false, 'The remittance date.', { fact: 'denial.deniedOn', operator: 'dateBefore', value: '2026-01-01' }),
  f('denial.daysSinceDenied', 'number', false, 'Days from the remittance date to today.', { fact: 'denial.daysSinceDenied', operator: 'greaterThan', value: 60 }),
  f('denial.appealDeadline', 'date', true, "Last day to appeal (the remittance date plus the payer's appeal days); null when unknown.", { fact: 'denial.appealDeadline', operator: 'dateBefore', value: '2026-12-31' }),
  f('denial.appealDeadlinePassed', 'boolean', false, 'Whether today is after the appeal deadline (false when the deadline is unknown).', { fact: 'denial.appealDeadlinePassed', operator: 'equal', value: true }),
  f('denial.appealDaysLeft', 'number', true, 'Days from today to the appeal deadline (negative once passed); null when unknown.', { fact: 'denial.appealDaysLeft', operator: 'lessThan', value: 14 }),
  f('denial.predicted', 'boolean', false, 'Whether a pre-submission payer rule with the same CARC and category should have caught it (predictedByRuleId is set).', { fact: 'denial.predicted', operator: 'equal', value: false }),
  f('denial.lineCode', 'string', true, 'CPT/HCPCS code of the denied line; null for a claim-level denial.', { fact: 'denial.lineCode', operator: 'in', value: ['20610', '97110'] }),
  f('denial.lineModifiers', 'string[]', false, 'Modifiers of the denied line (empty for a claim-level denial).', { fact: 'denial.lineModifiers', operator: 'disjoint', value: ['59', 'XE', 'XS', 'XP', 'XU'] }),
  f('denial.lineUnits', 'number', true, 'Units of the denied line; null for a claim-level denial.', { fact: 'denial.lineUnits', operator: 'greaterThan', value: 1 }),
  f('denial.lineDiagnoses', 'string[]', false, 'The diagnoses the denied line points to (all the claim\'s diagnoses for a claim-level denial).', { fact: 'denial.lineDiagnoses', operator: 'anyStartsWith', value: ['Z'] }),
  // --- the claim it is on ---
  f('claim.status', 'string', false, 'Status of the denied claim (DENIED, PARTIALLY_PAID, PAID, APPEALED, …).', { fact: 'claim.status', operator: 'equal', value: 'PARTIALLY_PAID' }),
  f('claim.frequency', 'string', false, 'CLM05-3 of the denied claim: "1" original, "7" replacement, "8" void.', { fact: 'claim.frequency', operator: 'equal', value: '7' }),
  f('claim.payerClaimNumber', 'string', true, "The payer's claim control number (835 CLP07); null when the payer sent none. A replacement or void needs it (REF*F8).", { fact: 'claim.payerClaimNumber', operator: 'equal', value: null }),
  f('claim.priorAuthNumber', 'string', true, 'Prior authorization number on the claim (REF*G1); null when absent.', { fact: 'claim.priorAuthNumber', operator: 'equal', value: null }),
  f('claim.placeOfService', 'string', false, 'CMS place-of-service code (CLM05-1).', { fact: 'claim.placeOfService', operator: 'in', value: ['02', '10'] }),
  f('claim.diagnoses', 'string[]', false, 'ICD-10-CM codes of the claim in HI order, without dots.', { fact: 'claim.diagnoses', operator: 'anyStartsWith', value: ['M17'] }),
  f('claim.procedureCodes', 'string[]', false, 'Distinct CPT/HCPCS codes of all lines.', { fact: 'claim.procedureCodes', operator: 'contains', value: '99213' }),
  f('claim.modifiers', 'string[]', false, 'Distinct modifiers of all lines.', { fact: 'claim.modifiers', operator: 'contains', value: 'GA' }),
  f('claim.totalChargeCents', 'number', false, 'Total charge of the claim, integer cents (CLM02).', { fact: 'claim.totalChargeCents', operator: 'greaterThan', value: 100000 }),
  f('claim.serviceDateFrom', 'date', false, 'First date of service.', { fact: 'claim.serviceDateFrom', operator: 'dateBefore', value: '2026-01-01' }),
  f('claim.daysFromService', 'number', false, 'Days from the first date of service to today.', { fact: 'claim.daysFromService', operator: 'greaterThan', value: 300 }),
  // --- the payer and the resubmission ---
  f('payer.ruleSetKey', 'string', true, "The payer's rule-set key (e.g. medicare); null when it has none. Lets a rework rule apply to one payer.", { fact: 'payer.ruleSetKey', operator: 'equal', value: 'medicare' }),
  f('payer.claimFilingIndicator', 'string', false, 'X12 SBR09 claim filing indicator of the payer: MB Medicare Part B, MC Medicaid, CI commercial, BL Blue Cross Blue Shield, …', { fact: 'payer.claimFilingIndicator', operator: 'in', value: ['MA', 'MB'] }),
  f('payer.timelyFilingDays', 'number', false, "The payer's timely filing limit in days from the date of service (Payer.timelyFilingDays).", { fact: 'payer.timelyFilingDays', operator: 'lessThan', value: 180 }),
  f('resubmission.filingDeadline', 'date', false, "Last day a replacement claim is timely: the first date of service plus the payer's timely filing days.", { fact: 'resubmission.filingDeadline', operator: 'dateBefore', value: '2026-12-31' }),
  f('resubmission.filingDaysLeft', 'number', false, 'Days from today to resubmission.filingDeadline (negative once passed).', { fact: 'resubmission.filingDaysLeft', operator: 'lessThan', value: 15 }),
  f('resubmission.filingDeadlinePassed', 'boolean', false, 'Whether a replacement claim sent today would be past the timely filing limit.', { fact: 'resubmission.filingDeadlinePassed', operator: 'equal', value: true }),
  // --- other coverage ---
  f('coverage.otherActive', 'boolean', false, "Whether the patient has another coverage, with another payer, in force on the first date of service (bill it instead: CO-22, CO-27, CO-109).", { fact: 'coverage.otherActive', operator: 'equal', value: true }),
];

export const REWORK_FACTS_BY_NAME: ReadonlyMap<string, FactSpec> = new Map(REWORK_FACTS.map((x) => [x.name, x]));

/** Every rework fact's value for one denial. Pure: the same case always gives the same values. */
export function reworkFactValues(c: ReworkCase): Record<string, unknown> {
  const d = c.denial;
  const line = d.lineNumber === null ? null : (c.claim.lines.find((l) => l.lineNumber === d.lineNumber) ?? null);
  const pointed = line ? line.diagnosisPointers.filter((p) => p >= 1 && p <= c.claim.diagnoses.length).map((p) => c.claim.diagnoses[p - 1]!) : c.claim.diagnoses;
  const filingDeadline = addDays(c.claim.serviceDateFrom, c.payer.timelyFilingDays);
  const appealDaysLeft = d.appealDeadline ? daysBetween(c.today, d.appealDeadline) : null;
  return {
    'denial.groupCode': d.groupCode,
    'denial.carc': d.carc,
    'denial.rarcs': d.rarcs,
    'denial.amountCents': d.amountCents,
    'denial.scenario': d.scenario,
    'denial.reasonClass': d.reasonClass,
    'denial.level': d.lineNumber === null ? 'CLAIM' : 'LINE',
    'denial.deniedOn': d.deniedOn,
    'denial.daysSinceDenied': daysBetween(d.deniedOn, c.today),
    'denial.appealDeadline': d.appealDeadline,
    'denial.appealDeadlinePassed': appealDaysLeft !== null && appealDaysLeft < 0,
    'denial.appealDaysLeft': appealDaysLeft,
    'denial.predicted': d.predictedByRuleId !== null,
    'denial.lineCode': line?.code ?? null,
    'denial.lineModifiers': line?.modifiers ?? [],
    'denial.lineUnits': line?.units ?? null,
    'denial.lineDiagnoses': pointed,
    'claim.status': c.claim.status,
    'claim.frequency': c.claim.frequency,
    'claim.payerClaimNumber': c.claim.payerClaimNumber,
    'claim.priorAuthNumber': c.claim.priorAuthNumber,
    'claim.placeOfService': c.claim.placeOfService,
    'claim.diagnoses': c.claim.diagnoses,
    'claim.procedureCodes': [...new Set(c.claim.lines.map((l) => l.code))],
    'claim.modifiers': [...new Set(c.claim.lines.flatMap((l) => l.modifiers))],
    'claim.totalChargeCents': c.claim.totalChargeCents,
    'claim.serviceDateFrom': c.claim.serviceDateFrom,
    'claim.daysFromService': daysBetween(c.claim.serviceDateFrom, c.today),
    'payer.ruleSetKey': c.payer.ruleSetKey,
    'payer.claimFilingIndicator': c.payer.claimFilingIndicator,
    'payer.timelyFilingDays': c.payer.timelyFilingDays,
    'resubmission.filingDeadline': filingDeadline,
    'resubmission.filingDaysLeft': daysBetween(c.today, filingDeadline),
    'resubmission.filingDeadlinePassed': c.today > filingDeadline,
    'coverage.otherActive': c.otherCoverageActive,
  };
}

/** Problems with a hand-written case (rule tests): path and what is expected, never the value. */
export function checkReworkCase(c: ReworkCase, path: string): string[] {
  const out: string[] = [];
  for (const [p, v] of [
    ['today', c.today],
    ['denial.deniedOn', c.denial.deniedOn],
    ['claim.serviceDateFrom', c.claim.serviceDateFrom],
  ] as const) {
    if (!isLocalDate(v)) out.push(`${path}.${p} must be a date YYYY-MM-DD`);
  }
  if (c.denial.appealDeadline !== null && !isLocalDate(c.denial.appealDeadline)) out.push(`${path}.denial.appealDeadline must be a date YYYY-MM-DD or null`);
  if (c.denial.lineNumber !== null && !c.claim.lines.some((l) => l.lineNumber === c.denial.lineNumber)) out.push(`${path}.denial.lineNumber names no line of the claim`);
  return out;
}
