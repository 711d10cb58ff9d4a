import { addDays, ageOn } from '../common/dates';
import type { ScrubClaim, ScrubClaimLine } from './claim';
import type { ClaimReference, CodeStatus } from './reference';
import type { ReferenceFamily, RuleLevel } from './types';

/**
 * The facts rules can name. Each is computed from the claim and its prepared reference data
 * (ClaimReference): no fact does I/O, so a run is pure and its result depends only on its inputs.
 * This catalogue is the single source for validation (unknown facts, params, types), for the
 * JSON Schema's fact list, and for rules/README.md (a test checks every fact is documented).
 *
 * Deliberately absent: patient names, birth date and member id. Rules see age, sex and whether a
 * member id exists, so no message template can put PHI into a finding.
 */

export type FactType = 'string' | 'number' | 'boolean' | 'date' | 'string[]' | 'number[]';

export interface FactParamSpec {
  type: 'integer' | 'string';
  description: string;
  required?: boolean;
  enum?: readonly string[];
  min?: number;
}

export interface FactSpec {
  name: string;
  /** LINE facts exist only in line-level rules. */
  level: RuleLevel;
  type: FactType;
  nullable: boolean;
  description: string;
  params?: Record<string, FactParamSpec>;
  /** Reference families the value comes from (a finding names their releases). */
  families?: ReferenceFamily[];
  /** A condition using it, for the docs. */
  example: Record<string, unknown>;
}

/** The modifiers that may bypass an NCCI PTP edit with modifier indicator 1 (NCCI Policy Manual for Medicare Services, ch. I §E). */
export const NCCI_ASSOCIATED_MODIFIERS: ReadonlySet<string> = new Set([
  'E1', 'E2', 'E3', 'E4', 'FA', 'F1', 'F2', 'F3', 'F4', 'F5', 'F6', 'F7', 'F8', 'F9',
  'LC', 'LD', 'LM', 'LT', 'RC', 'RI', 'RT', 'TA', 'T1', 'T2', 'T3', 'T4', 'T5', 'T6', 'T7', 'T8', 'T9',
  '24', '25', '27', '57', '58', '59', '78', '79', '91', 'XE', 'XP', 'XS', 'XU',
]);

const filingParams: Record<string, FactParamSpec> = {
  months: { type: 'integer', min: 1, description: 'The limit in calendar months (give months or days).' },
  days: { type: 'integer', min: 1, description: 'The limit in days (give months or days).' },
  from: { type: 'string', enum: ['serviceDateFrom', 'serviceDateTo'], description: 'Which date of service the limit runs from (default serviceDateFrom).' },
};

const lineFilingParams: Record<string, FactParamSpec> = { months: filingParams.months!, days: filingParams.days! };

export const FACTS: readonly FactSpec[] = [
  // --- the claim ---
  { name: 'claim.frequency', level: 'CLAIM', type: 'string', nullable: false, description: 'CLM05-3 claim frequency: "1" original, "7" replacement, "8" void.', example: { fact: 'claim.frequency', operator: 'in', value: ['7', '8'] } },
  { name: 'claim.payerClaimNumber', level: 'CLAIM', type: 'string', nullable: true, description: "The payer's claim control number of the claim being replaced or voided (REF*F8); null when absent.", example: { fact: 'claim.payerClaimNumber', operator: 'equal', value: null } },
  { name: 'claim.priorAuthNumber', level: 'CLAIM', type: 'string', nullable: true, description: 'Prior authorization number (REF*G1); null when absent.', example: { fact: 'claim.priorAuthNumber', operator: 'equal', value: null } },
  { name: 'claim.placeOfService', level: 'CLAIM', type: 'string', nullable: false, description: 'CMS place-of-service code (CLM05-1).', example: { fact: 'claim.placeOfService', operator: 'in', value: ['21', '22', '23'] } },
  { name: 'claim.placeOfServiceStatus', level: 'CLAIM', type: 'string', nullable: false, families: ['POS'], description: 'Validity of the place of service on the from-date: VALID, NOT_EFFECTIVE, UNKNOWN or NO_DATA.', example: { fact: 'claim.placeOfServiceStatus', operator: 'in', value: ['UNKNOWN', 'NOT_EFFECTIVE'] } },
  { name: 'claim.serviceDateFrom', level: 'CLAIM', type: 'date', nullable: false, description: 'First date of service.', example: { fact: 'claim.serviceDateFrom', operator: 'dateBefore', value: '2026-01-01' } },
  { name: 'claim.serviceDateTo', level: 'CLAIM', type: 'date', nullable: false, description: 'Last date of service.', example: { fact: 'claim.serviceDateTo', operator: 'dateOnOrAfter', value: '2026-01-01' } },
  { name: 'claim.diagnoses', level: 'CLAIM', type: 'string[]', nullable: false, description: 'ICD-10-CM codes in HI order, without dots.', example: { fact: 'claim.diagnoses', operator: 'anyStartsWith', value: ['O'] } },
  { name: 'claim.diagnosisCount', level: 'CLAIM', type: 'number', nullable: false, description: 'How many diagnoses the claim carries.', example: { fact: 'claim.diagnosisCount', operator: 'equal', value: 0 } },
  { name: 'claim.procedureCodes', level: 'CLAIM', type: 'string[]', nullable: false, description: 'Distinct CPT/HCPCS codes of all lines.', example: { fact: 'claim.procedureCodes', operator: 'contains', value: '99213' } },
  { name: 'claim.lineCount', level: 'CLAIM', type: 'number', nullable: false, description: 'Number of service lines.', example: { fact: 'claim.lineCount', operator: 'greaterThan', value: 50 } },
  { name: 'claim.totalChargeCents', level: 'CLAIM', type: 'number', nullable: false, description: 'Sum of line charges in cents (CLM02).', example: { fact: 'claim.totalChargeCents', operator: 'greaterThan', value: 1000000 } },
  { name: 'claim.billingNpi', level: 'CLAIM', type: 'string', nullable: true, description: 'Billing provider NPI (loop 2010AA).', example: { fact: 'claim.billingNpi', operator: 'equal', value: null } },
  { name: 'claim.renderingNpi', level: 'CLAIM', type: 'string', nullable: true, description: 'Rendering provider NPI (loop 2310B); null when the billing provider rendered.', example: { fact: 'claim.renderingNpi', operator: 'equal', value: null } },
  { name: 'claim.invalidDiagnoses', level: 'CLAIM', type: 'string[]', nullable: false, families: ['ICD10CM'], description: 'Diagnoses not valid on the from-date: unknown to ICD-10-CM or not in effect (added later or deleted).', example: { fact: 'claim.invalidDiagnoses', operator: 'isEmpty', value: false } },
  { name: 'claim.nonBillableDiagnoses', level: 'CLAIM', type: 'string[]', nullable: false, families: ['ICD10CM'], description: 'Diagnoses that are ICD-10-CM headers (categories), not billable leaf codes.', example: { fact: 'claim.nonBillableDiagnoses', operator: 'isEmpty', value: false } },
  { name: 'claim.ageConflicts', level: 'CLAIM', type: 'string[]', nullable: false, families: ['MCE'], description: "Diagnoses whose CMS MCE age edit (newborn, pediatric, maternity, adult) excludes the patient's age on the from-date.", example: { fact: 'claim.ageConflicts', operator: 'isEmpty', value: false } },
  { name: 'claim.sexConflicts', level: 'CLAIM', type: 'string[]', nullable: false, families: ['MCE'], description: "Diagnoses whose CMS MCE sex edit excludes the patient's sex (F/M; U never conflicts).", example: { fact: 'claim.sexConflicts', operator: 'isEmpty', value: false } },
  // --- the patient and coverage (no identifiers) ---
  { name: 'patient.sex', level: 'CLAIM', type: 'string', nullable: true, description: 'F, M or U (unknown); null when not given.', example: { fact: 'patient.sex', operator: 'equal', value: 'U' } },
  { name: 'patient.ageYears', level: 'CLAIM', type: 'number', nullable: true, description: 'Age in whole years on the from-date; null when the birth date is unknown.', example: { fact: 'patient.ageYears', operator: 'lessThan', value: 18 } },
  { name: 'patient.hasMemberId', level: 'CLAIM', type: 'boolean', nullable: false, description: 'Whether a member/subscriber id is present (the id itself is never a fact).', example: { fact: 'patient.hasMemberId', operator: 'equal', value: false } },
  { name: 'coverage.status', level: 'CLAIM', type: 'string', nullable: false, description: 'ACTIVE (in force on every date of service), NOT_YET_EFFECTIVE (a date of service is before the coverage starts: CARC 26), TERMINATED (a date of service is after it ends: CARC 27), or UNKNOWN (dry runs without coverage dates).', example: { fact: 'coverage.status', operator: 'equal', value: 'TERMINATED' } },
  { name: 'coverage.active', level: 'CLAIM', type: 'boolean', nullable: true, description: 'Whether the coverage is in force on every date of service; null when the coverage dates are not known (dry runs without coverage).', example: { fact: 'coverage.active', operator: 'equal', value: false } },
  // --- filing ---
  { name: 'submission.date', level: 'CLAIM', type: 'date', nullable: false, description: 'The date the claim is (or would be) submitted.', example: { fact: 'submission.date', operator: 'dateAfter', value: '2026-12-31' } },
  { name: 'submission.daysFromService', level: 'CLAIM', type: 'number', nullable: false, description: 'Days from the first date of service to the submission date.', example: { fact: 'submission.daysFromService', operator: 'greaterThan', value: 90 } },
  { name: 'filing.deadline', level: 'CLAIM', type: 'date', nullable: false, params: filingParams, description: 'The last timely day for a limit in months or days from a date of service (a month limit lands on the same day of the month, or the month\'s last day).', example: { fact: 'filing.deadline', params: { months: 12 }, operator: 'dateBefore', value: { fact: 'submission.date' } } },
  { name: 'filing.limitExceeded', level: 'CLAIM', type: 'boolean', nullable: false, params: filingParams, description: 'Whether the submission date is after filing.deadline for the same params.', example: { fact: 'filing.limitExceeded', params: { days: 90 }, operator: 'equal', value: true } },
  { name: 'line.filingDeadline', level: 'LINE', type: 'date', nullable: false, params: lineFilingParams, description: "The last timely day for the line, counted from the line's date of service: Medicare measures professional claims with span dates per line item from-date (Claims Processing Manual ch. 1 §70.1).", example: { fact: 'line.filingDeadline', params: { months: 12 }, operator: 'dateBefore', value: { fact: 'submission.date' } } },
  { name: 'line.filingLimitExceeded', level: 'LINE', type: 'boolean', nullable: false, params: lineFilingParams, description: 'Whether the submission date is after line.filingDeadline for the same params.', example: { fact: 'line.filingLimitExceeded', params: { months: 12 }, operator: 'equal', value: true } },
  // --- reference data state ---
  { name: 'reference.missing', level: 'CLAIM', type: 'string[]', nullable: false, description: `Reference families with no release covering one of the claim's dates: checks that need them cannot run (never read as a pass). Values: ICD10CM, PROCEDURE_CODES, MODIFIERS, POS, NCCI_PTP, MUE, MCE, COVERAGE_ARTICLES.`, example: { fact: 'reference.missing', operator: 'contains', value: 'NCCI_PTP' } },
  { name: 'payerList', level: 'CLAIM', type: 'string[]', nullable: false, params: { name: { type: 'string', required: true, description: 'A list declared under "lists" in the payer\'s payer.json.' } }, description: "One of the payer's named code lists (prior-authorization codes, policy diagnoses, …). Mostly used as the value side of a condition.", example: { fact: 'line.code', operator: 'in', value: { fact: 'payerList', params: { name: 'prior-auth-procedures' } } } },
  // --- the service line (line-level rules only) ---
  { name: 'line.number', level: 'LINE', type: 'number', nullable: false, description: '1-based line number (LX01).', example: { fact: 'line.number', operator: 'greaterThan', value: 6 } },
  { name: 'line.code', level: 'LINE', type: 'string', nullable: false, description: 'CPT or HCPCS code (SV101-2).', example: { fact: 'line.code', operator: 'in', value: ['72148', '72149'] } },
  { name: 'line.codeStatus', level: 'LINE', type: 'string', nullable: false, families: ['PROCEDURE_CODES'], description: 'Validity of the code on the line\'s date: VALID, NOT_EFFECTIVE, UNKNOWN or NO_DATA.', example: { fact: 'line.codeStatus', operator: 'in', value: ['UNKNOWN', 'NOT_EFFECTIVE'] } },
  { name: 'line.modifiers', level: 'LINE', type: 'string[]', nullable: false, description: 'Modifiers in order (SV101-3..6).', example: { fact: 'line.modifiers', operator: 'contains', value: '25' } },
  { name: 'line.invalidModifiers', level: 'LINE', type: 'string[]', nullable: false, families: ['MODIFIERS'], description: 'Modifiers unknown or not in effect on the line\'s date.', example: { fact: 'line.invalidModifiers', operator: 'isEmpty', value: false } },
  { name: 'line.units', level: 'LINE', type: 'number', nullable: false, description: 'Units of service (SV104).', example: { fact: 'line.units', operator: 'greaterThan', value: 1 } },
  { name: 'line.chargeCents', level: 'LINE', type: 'number', nullable: false, description: 'Line charge in cents (SV102).', example: { fact: 'line.chargeCents', operator: 'equal', value: 0 } },
  { name: 'line.serviceDate', level: 'LINE', type: 'date', nullable: false, description: 'Date of service of the line (DTP*472).', example: { fact: 'line.serviceDate', operator: 'dateBefore', value: { fact: 'claim.serviceDateFrom' } } },
  { name: 'line.diagnosisPointers', level: 'LINE', type: 'number[]', nullable: false, description: '1-based positions into claim.diagnoses (SV107).', example: { fact: 'line.diagnosisPointers', operator: 'isEmpty', value: true } },
  { name: 'line.invalidPointers', level: 'LINE', type: 'number[]', nullable: false, description: 'Pointers that point past the last diagnosis.', example: { fact: 'line.invalidPointers', operator: 'isEmpty', value: false } },
  { name: 'line.diagnoses', level: 'LINE', type: 'string[]', nullable: false, description: 'The diagnosis codes the line points to, in pointer order.', example: { fact: 'line.diagnoses', operator: 'anyStartsWith', value: ['M54'] } },
  { name: 'line.ptpDeniedWith', level: 'LINE', type: 'string[]', nullable: false, families: ['NCCI_PTP'], params: { modifierOn: { type: 'string', enum: ['either', 'column2'], description: 'Where an NCCI-associated modifier bypasses an indicator-1 edit: on either code of the pair (default) or only on the column-two code.' } }, description: 'Column-one codes billed on other lines the same day for which this line is the column-two code of an NCCI PTP edit in force, not bypassed: indicator 0, or indicator 1 without an NCCI-associated modifier. Indicator 9 edits never count.', example: { fact: 'line.ptpDeniedWith', operator: 'isEmpty', value: false } },
  { name: 'line.ptpBypassedWith', level: 'LINE', type: 'string[]', nullable: false, families: ['NCCI_PTP'], params: { modifierOn: { type: 'string', enum: ['either', 'column2'], description: 'As for line.ptpDeniedWith: which codes of the pair may carry the bypassing modifier.' } }, description: 'Column-one codes of indicator-1 edits this line bypasses with an NCCI-associated modifier (for modifier-use audits).', example: { fact: 'line.ptpBypassedWith', operator: 'isEmpty', value: false } },
  { name: 'line.mueLimit', level: 'LINE', type: 'number', nullable: true, families: ['MUE'], description: 'The MUE units limit of the code on the line\'s date; null when the code has none or MUE data is missing.', example: { fact: 'line.mueLimit', operator: 'lessThan', value: { fact: 'line.mueUnits' } } },
  { name: 'line.mueIndicator', level: 'LINE', type: 'number', nullable: true, families: ['MUE'], description: 'MUE adjudication indicator: 1 line edit; 2 date-of-service edit (policy); 3 date-of-service edit (clinical).', example: { fact: 'line.mueIndicator', operator: 'equal', value: 2 } },
  { name: 'line.mueUnits', level: 'LINE', type: 'number', nullable: false, families: ['MUE'], description: "Units counted against the MUE: MAI 1 the line's units; MAI 2/3 the units of the code on that date on all lines of this claim plus the patient's other live claims from the same billing provider.", example: { fact: 'line.mueUnits', operator: 'greaterThan', value: 4 } },
  { name: 'line.mueExceeded', level: 'LINE', type: 'boolean', nullable: false, families: ['MUE'], description: 'Whether line.mueUnits exceeds line.mueLimit. For MAI 2/3 only the first line of the code and date reports it, so a day total is reported once.', example: { fact: 'line.mueExceeded', operator: 'equal', value: true } },
  { name: 'line.articleCoverage', level: 'LINE', type: 'string', nullable: false, families: ['COVERAGE_ARTICLES'], description: 'Medical necessity under the Medicare coverage articles listing the code: COVERED (a pointed diagnosis is in a covered group and not excluded), NOT_COVERED (the code is listed but no pointed diagnosis qualifies), NOT_LISTED (no loaded article lists the code), NO_DATA.', example: { fact: 'line.articleCoverage', operator: 'equal', value: 'NOT_COVERED' } },
  { name: 'line.articles', level: 'LINE', type: 'string[]', nullable: false, families: ['COVERAGE_ARTICLES'], description: 'Ids of the coverage articles listing the code (e.g. A52458).', example: { fact: 'line.articles', operator: 'contains', value: 'A52458' } },
  { name: 'line.duplicateOfLines', level: 'LINE', type: 'number[]', nullable: false, description: 'Earlier lines of this claim with the same code, date and modifiers (a repeated line; 76/77/91 make a repeat distinct).', example: { fact: 'line.duplicateOfLines', operator: 'isEmpty', value: false } },
  { name: 'line.duplicateOf', level: 'LINE', type: 'string[]', nullable: false, description: "Patient control numbers of the patient's other live claims with a line of the same code, date and modifiers.", example: { fact: 'line.duplicateOf', operator: 'isEmpty', value: false } },
];

export const FACTS_BY_NAME: ReadonlyMap<string, FactSpec> = new Map(FACTS.map((f) => [f.name, f]));

/** Everything per claim that several facts share, computed once before any rule runs. */
export interface PreparedClaim {
  claim: ScrubClaim;
  ref: ClaimReference;
  lists: Readonly<Record<string, readonly string[]>>;
  claimValues: Record<string, unknown>;
  lineValues: Record<string, unknown>[];
  /** Per line, for the modifierOn=column2 variant of line.ptpDeniedWith. */
  ptpColumn2Only: string[][];
  /** Per line, for the modifierOn=column2 variant of line.ptpBypassedWith. */
  ptpBypassedColumn2Only: string[][];
}

const INVALID: ReadonlySet<CodeStatus> = new Set(['UNKNOWN', 'NOT_EFFECTIVE']);

export function prepareClaim(claim: ScrubClaim, ref: ClaimReference, lists: Readonly<Record<string, readonly string[]>>): PreparedClaim {
  const age = claim.patient.birthDate ? ageOn(claim.patient.birthDate, claim.serviceDateFrom) : null;
  const sex = claim.patient.sex;
  const ageConflicts: string[] = [];
  const sexConflicts: string[] = [];
  for (const dx of claim.diagnoses) {
    for (const e of ref.ageSex[dx] ?? []) {
      if (e.sex) {
        if ((sex === 'F' || sex === 'M') && sex !== e.sex && !sexConflicts.includes(dx)) sexConflicts.push(dx);
      } else if (age !== null && ((e.ageMin !== null && age < e.ageMin) || (e.ageMax !== null && age > e.ageMax)) && !ageConflicts.includes(dx)) {
        ageConflicts.push(dx);
      }
    }
  }
  const cov = claim.coverage;
  const coverageActive =
    cov === null ? null : (cov.effectiveFrom === null || cov.effectiveFrom <= claim.serviceDateFrom) && (cov.effectiveTo === null || claim.serviceDateTo <= cov.effectiveTo);

  const claimValues: Record<string, unknown> = {
    'claim.frequency': claim.frequency,
    'claim.payerClaimNumber': claim.payerClaimNumber,
    'claim.priorAuthNumber': claim.priorAuthNumber,
    'claim.placeOfService': claim.placeOfService,
    'claim.placeOfServiceStatus': ref.placeOfServiceStatus,
    'claim.serviceDateFrom': claim.serviceDateFrom,
    'claim.serviceDateTo': claim.serviceDateTo,
    'claim.diagnoses': claim.diagnoses,
    'claim.diagnosisCount': claim.diagnoses.length,
    'claim.procedureCodes': [...new Set(claim.lines.map((l) => l.code))],
    'claim.lineCount': claim.lines.length,
    'claim.totalChargeCents': claim.lines.reduce((s, l) => s + l.chargeCents, 0),
    'claim.billingNpi': claim.billingNpi,
    'claim.renderingNpi': claim.renderingNpi,
    'claim.invalidDiagnoses': claim.diagnoses.filter((d) => INVALID.has(ref.diagnosisStatus[d] ?? 'NO_DATA')),
    'claim.nonBillableDiagnoses': claim.diagnoses.filter((d) => ref.diagnosisStatus[d] === 'NOT_BILLABLE'),
    'claim.ageConflicts': ageConflicts,
    'claim.sexConflicts': sexConflicts,
    'patient.sex': sex,
    'patient.ageYears': age,
    'patient.hasMemberId': Boolean(claim.patient.memberId),
    'coverage.active': coverageActive,
    'coverage.status': cov === null ? 'UNKNOWN' : cov.effectiveFrom !== null && claim.serviceDateFrom < cov.effectiveFrom ? 'NOT_YET_EFFECTIVE' : cov.effectiveTo !== null && claim.serviceDateTo > cov.effectiveTo ? 'TERMINATED' : 'ACTIVE',
    'submission.date': claim.submittedDate,
    'submission.daysFromService': daysBetween(claim.serviceDateFrom, claim.submittedDate),
    'reference.missing': ref.missing,
  };

  const ptpEither: string[][] = [];
  const ptpColumn2: string[][] = [];
  const ptpBypassed: string[][] = [];
  const ptpBypassedColumn2: string[][] = [];
  const mueFlagged = new Set<string>();
  const lineValues = claim.lines.map((line, i) => {
    const { either, column2, bypassed, bypassedColumn2 } = ptpFor(claim.lines, i, ref);
    ptpEither.push(either);
    ptpColumn2.push(column2);
    ptpBypassed.push(bypassed);
    ptpBypassedColumn2.push(bypassedColumn2);
    const mue = ref.mueByDate[line.serviceDate]?.[line.code] ?? null;
    let mueUnits = line.units;
    let mueExceeded = false;
    if (mue && mue.indicator !== 1) {
      const key = `${line.serviceDate}|${line.code}`;
      mueUnits =
        claim.lines.filter((l) => l.code === line.code && l.serviceDate === line.serviceDate).reduce((s, l) => s + l.units, 0) +
        ref.history.filter((h) => h.sameProvider && h.code === line.code && h.serviceDate === line.serviceDate).reduce((s, h) => s + h.units, 0);
      if (mueUnits > mue.units && !mueFlagged.has(key)) {
        mueExceeded = true;
        mueFlagged.add(key);
      }
    } else if (mue) {
      mueExceeded = line.units > mue.units;
    }
    const pointed = line.diagnosisPointers.filter((p) => p <= claim.diagnoses.length).map((p) => claim.diagnoses[p - 1]!);
    const modKey = [...line.modifiers].sort().join(',');
    return {
      'line.number': i + 1,
      'line.code': line.code,
      'line.codeStatus': ref.procedureStatus[line.code] ?? 'NO_DATA',
      'line.modifiers': line.modifiers,
      'line.invalidModifiers': line.modifiers.filter((m) => INVALID.has(ref.modifierStatus[m] ?? 'NO_DATA')),
      'line.units': line.units,
      'line.chargeCents': line.chargeCents,
      'line.serviceDate': line.serviceDate,
      'line.diagnosisPointers': line.diagnosisPointers,
      'line.invalidPointers': line.diagnosisPointers.filter((p) => p > claim.diagnoses.length),
      'line.diagnoses': pointed,
      'line.ptpDeniedWith': either,
      'line.ptpBypassedWith': bypassed,
      'line.mueLimit': mue?.units ?? null,
      'line.mueIndicator': mue?.indicator ?? null,
      'line.mueUnits': mueUnits,
      'line.mueExceeded': mueExceeded,
      'line.articleCoverage': articleCoverage(line, pointed, ref),
      'line.articles': (ref.articles[line.code] ?? []).map((a) => a.id),
      'line.duplicateOfLines': claim.lines
        .slice(0, i)
        .map((l, j) => ({ l, n: j + 1 }))
        .filter(({ l }) => l.code === line.code && l.serviceDate === line.serviceDate && [...l.modifiers].sort().join(',') === modKey)
        .map(({ n }) => n),
      'line.duplicateOf': [
        ...new Set(
          ref.history.filter((h) => h.code === line.code && h.serviceDate === line.serviceDate && [...h.modifiers].sort().join(',') === modKey).map((h) => h.claimRef),
        ),
      ],
    } satisfies Record<string, unknown>;
  });
  return { claim, ref, lists, claimValues, lineValues, ptpColumn2Only: ptpColumn2, ptpBypassedColumn2Only: ptpBypassedColumn2 };
}

/**
 * NCCI PTP among the lines billed the same day (NCCI Policy Manual ch. I): the column-two code is
 * denied unless the edit's indicator is 1 and an NCCI-associated modifier is reported.
 */
function ptpFor(lines: readonly ScrubClaimLine[], i: number, ref: ClaimReference): { either: string[]; column2: string[]; bypassed: string[]; bypassedColumn2: string[] } {
  const line = lines[i]!;
  const edits = ref.ptpByDate[line.serviceDate] ?? [];
  const either = new Set<string>();
  const column2 = new Set<string>();
  const bypassed = new Set<string>();
  const bypassedColumn2 = new Set<string>();
  const mine = line.modifiers.some((m) => NCCI_ASSOCIATED_MODIFIERS.has(m));
  for (let j = 0; j < lines.length; j++) {
    const other = lines[j]!;
    if (j === i || other.serviceDate !== line.serviceDate || other.code === line.code) continue;
    for (const e of edits) {
      if (e.column2 !== line.code || e.column1 !== other.code || e.modifierIndicator === '9') continue;
      if (e.modifierIndicator === '0') {
        either.add(other.code);
        column2.add(other.code);
        continue;
      }
      const theirs = other.modifiers.some((m) => NCCI_ASSOCIATED_MODIFIERS.has(m));
      if (!mine) column2.add(other.code);
      else bypassedColumn2.add(other.code);
      if (mine || theirs) bypassed.add(other.code);
      else either.add(other.code);
    }
  }
  return { either: [...either], column2: [...column2], bypassed: [...bypassed], bypassedColumn2: [...bypassedColumn2] };
}

function articleCoverage(line: ScrubClaimLine, pointed: string[], ref: ClaimReference): string {
  if (ref.missing.includes('COVERAGE_ARTICLES')) return 'NO_DATA';
  const articles = ref.articles[line.code] ?? [];
  if (articles.length === 0) return 'NOT_LISTED';
  const ok = articles.some((a) => pointed.some((dx) => a.coveredDiagnoses.includes(dx) && !a.nonCoveredDiagnoses.includes(dx)));
  return ok ? 'COVERED' : 'NOT_COVERED';
}

export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/** Same day of the month `months` later, or that month's last day (Feb 29 + 12 months → Feb 28). */
export function addMonths(date: string, months: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const total = y * 12 + (m - 1) + months;
  const ny = Math.floor(total / 12);
  const nm = (total % 12) + 1;
  const last = new Date(Date.UTC(ny, nm, 0)).getUTCDate();
  return `${String(ny).padStart(4, '0')}-${String(nm).padStart(2, '0')}-${String(Math.min(d, last)).padStart(2, '0')}`;
}

/**
 * Medicare's limit is "12 months, or 1 calendar year, after the date of service" (42 CFR 424.44;
 * Medicare Claims Processing Manual ch. 1 §70.1: a service on 3/1 must be filed by 3/1 of the
 * next year), so the deadline day itself is timely.
 */
export function filingDeadline(claim: ScrubClaim, params: Record<string, unknown>, fromDate?: string): string {
  const from = fromDate ?? (params.from === 'serviceDateTo' ? claim.serviceDateTo : claim.serviceDateFrom);
  if (typeof params.months === 'number') return addMonths(from, params.months);
  return addDays(from, typeof params.days === 'number' ? params.days : 0);
}

/** The value of a fact in one run: `line` is the line index for line-level runs. */
export function factValue(prepared: PreparedClaim, name: string, params: Record<string, unknown> | undefined, line: number | null): unknown {
  switch (name) {
    case 'filing.deadline':
      return filingDeadline(prepared.claim, params ?? {});
    case 'filing.limitExceeded':
      return prepared.claim.submittedDate > filingDeadline(prepared.claim, params ?? {});
    case 'payerList':
      return prepared.lists[String(params?.name)] ?? [];
    case 'line.filingDeadline':
      if (line === null) return undefined;
      return filingDeadline(prepared.claim, params ?? {}, prepared.claim.lines[line]!.serviceDate);
    case 'line.filingLimitExceeded':
      if (line === null) return undefined;
      return prepared.claim.submittedDate > filingDeadline(prepared.claim, params ?? {}, prepared.claim.lines[line]!.serviceDate);
    case 'line.ptpBypassedWith':
      if (line === null) return undefined;
      return params?.modifierOn === 'column2' ? prepared.ptpBypassedColumn2Only[line] : prepared.lineValues[line]![name];
    case 'line.ptpDeniedWith':
      if (line === null) return undefined;
      return params?.modifierOn === 'column2' ? prepared.ptpColumn2Only[line] : prepared.lineValues[line]![name];
  }
  if (name in prepared.claimValues) return prepared.claimValues[name];
  if (line !== null) return prepared.lineValues[line]![name];
  return undefined;
}
