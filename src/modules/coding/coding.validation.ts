import type { IssueCollector } from '../../common/errors';
import {
  MODIFIER_PATTERN,
  POS_PATTERN,
  isIcd10CmFormat,
  normalizeCode,
  normalizeDiagnosisCode,
  procedureSystemOf,
} from '../../common/formats';
import { isLocalDate, today } from '../../common/dates';
import { integer } from '../../common/validate';
import { CodeSystem } from '../code/code.entity';
import type { CodeCheck, CodeService } from '../code/code.service';
import type { ServiceLineInput } from './coding.inputs';

/**
 * Limits of the 837P (005010X222A1): HI carries at most 12 diagnoses (2300 HI, 12 composites),
 * loop 2400 repeats at most 50 times per claim, SV1 holds 4 modifiers and 4 pointers.
 */
export const MAX_DIAGNOSES = 12;
export const MAX_LINES = 50;
export const MAX_MODIFIERS = 4;
export const MAX_POINTERS = 4;
/** SV102 is R 1/18; we cap a line at $999,999.99 to stay clear of Int overflow on totals. */
export const MAX_LINE_CHARGE_CENTS = 99_999_999;

export interface CodingInput {
  placeOfService: string;
  serviceDateFrom: string;
  serviceDateTo: string;
  diagnoses: string[];
  lines: ServiceLineInput[];
}

export interface CleanLine {
  lineNumber: number;
  procedureCode: string;
  modifiers: string[];
  units: number;
  chargeCents: number;
  diagnosisPointers: number[];
  serviceDate: string;
}

export interface CleanCoding {
  placeOfService: string;
  serviceDateFrom: string;
  serviceDateTo: string;
  diagnoses: string[];
  lines: CleanLine[];
}

/**
 * Checks formats, internal consistency and — with one query — that every code exists and is
 * effective on its date of service. `paths` name where each part sits in the GraphQL input.
 */
export async function validateCoding(
  input: CodingInput,
  codes: CodeService,
  issues: IssueCollector,
  paths: { root: string; diagnoses: string; lines: string },
): Promise<CleanCoding> {
  const { root } = paths;
  const checks: CodeCheck[] = [];
  const pos = normalizeCode(input.placeOfService ?? '');
  const from = input.serviceDateFrom;
  const to = input.serviceDateTo;
  const datesOk = isLocalDate(from) && isLocalDate(to);

  if (!POS_PATTERN.test(pos)) issues.add(`${root}.placeOfService`, 'FORMAT', 'must be a two-digit CMS place-of-service code');
  else if (datesOk) checks.push({ system: CodeSystem.POS, code: pos, date: from, path: `${root}.placeOfService` });

  if (datesOk) {
    if (to < from) issues.add(`${root}.serviceDateTo`, 'BEFORE_START', 'must not be before serviceDateFrom');
    if (from > today()) issues.add(`${root}.serviceDateFrom`, 'IN_FUTURE', 'a service cannot be billed before it happens');
    else if (to > today()) issues.add(`${root}.serviceDateTo`, 'IN_FUTURE', 'a service cannot be billed before it happens');
  }

  const diagnoses = input.diagnoses.map(normalizeDiagnosisCode);
  if (diagnoses.length > MAX_DIAGNOSES) {
    issues.add(paths.diagnoses, 'TOO_MANY', `at most ${MAX_DIAGNOSES} diagnoses fit on a professional claim`);
  }
  const seen = new Map<string, number>();
  diagnoses.forEach((code, i) => {
    const path = `${paths.diagnoses}.${i}`;
    if (!isIcd10CmFormat(code)) {
      issues.add(path, 'FORMAT', 'is not an ICD-10-CM code (letter, digit, then 1–5 letters/digits)');
      return;
    }
    if (seen.has(code)) issues.add(path, 'DUPLICATE', `repeats diagnosis ${seen.get(code)! + 1}`);
    seen.set(code, i);
    // ICD-10-CM validity follows the fiscal year of the (first) date of service.
    if (datesOk) checks.push({ system: CodeSystem.ICD10CM, code, date: from, path, mustBeBillable: true });
  });

  if (input.lines.length > MAX_LINES) issues.add(paths.lines, 'TOO_MANY', `at most ${MAX_LINES} service lines fit on a professional claim`);

  const lines: CleanLine[] = input.lines.map((line, i) => {
    const lp = `${paths.lines}.${i}`;
    const procedureCode = normalizeCode(line.procedureCode ?? '');
    const system = procedureSystemOf(procedureCode);
    const serviceDate = line.serviceDate ?? from;
    if (!system) issues.add(`${lp}.procedureCode`, 'FORMAT', 'is neither a CPT code (5 characters) nor a HCPCS Level II code (letter + 4 digits)');

    if (line.serviceDate != null && datesOk && (line.serviceDate < from || line.serviceDate > to)) {
      issues.add(`${lp}.serviceDate`, 'OUT_OF_RANGE', 'must fall within serviceDateFrom..serviceDateTo');
    }
    const lineDateOk = isLocalDate(serviceDate);
    if (system && lineDateOk) checks.push({ system: system === 'CPT' ? CodeSystem.CPT : CodeSystem.HCPCS, code: procedureCode, date: serviceDate, path: `${lp}.procedureCode`, mustBeBillable: true });

    const modifiers = (line.modifiers ?? []).map(normalizeCode);
    if (modifiers.length > MAX_MODIFIERS) issues.add(`${lp}.modifiers`, 'TOO_MANY', `at most ${MAX_MODIFIERS} modifiers per line`);
    modifiers.forEach((m, j) => {
      const mp = `${lp}.modifiers.${j}`;
      if (!MODIFIER_PATTERN.test(m)) issues.add(mp, 'FORMAT', 'must be two letters or digits');
      else if (modifiers.indexOf(m) !== j) issues.add(mp, 'DUPLICATE', 'repeats a modifier on this line');
      else if (lineDateOk) checks.push({ system: CodeSystem.MODIFIER, code: m, date: serviceDate, path: mp });
    });

    integer(issues, `${lp}.units`, line.units, { min: 1, max: 9999, required: true });
    integer(issues, `${lp}.chargeCents`, line.chargeCents, { min: 1, max: MAX_LINE_CHARGE_CENTS, required: true });

    const pointers = line.diagnosisPointers ?? [];
    if (pointers.length < 1 || pointers.length > MAX_POINTERS) {
      issues.add(`${lp}.diagnosisPointers`, 'COUNT', `needs 1 to ${MAX_POINTERS} diagnosis pointers`);
    }
    pointers.forEach((p, j) => {
      const pp = `${lp}.diagnosisPointers.${j}`;
      if (!Number.isInteger(p) || p < 1 || p > diagnoses.length) {
        issues.add(pp, 'OUT_OF_RANGE', `must point at one of the ${diagnoses.length} diagnoses (1..${diagnoses.length})`);
      } else if (pointers.indexOf(p) !== j) {
        issues.add(pp, 'DUPLICATE', 'points at the same diagnosis twice');
      }
    });

    return {
      lineNumber: i + 1,
      procedureCode,
      modifiers,
      units: line.units,
      chargeCents: line.chargeCents,
      diagnosisPointers: pointers,
      serviceDate,
    };
  });

  await codes.checkCodes(checks, issues);
  return { placeOfService: pos, serviceDateFrom: from, serviceDateTo: to, diagnoses, lines };
}
