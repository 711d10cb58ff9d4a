import { isLocalDate } from '../common/dates';
import { normalizeCode, normalizeDiagnosisCode } from '../common/formats';

/**
 * A claim as the rules engine sees it: the shape of `claimflow scrub` input and of the GraphQL
 * dryRunClaim input, and what the server builds from a stored claim. Codes without dots.
 * Demographics needed by rules only; the member id is read only to say whether there is one.
 */
export interface ScrubClaim {
  id: string;
  payer: string;
  frequency: '1' | '7' | '8';
  payerClaimNumber: string | null;
  patient: { sex: 'F' | 'M' | 'U' | null; birthDate: string | null; memberId: string | null };
  /** The coverage's dates; absent when unknown (then `coverage.active` is null, never false). */
  coverage: { effectiveFrom: string | null; effectiveTo: string | null } | null;
  billingNpi: string | null;
  renderingNpi: string | null;
  placeOfService: string;
  serviceDateFrom: string;
  serviceDateTo: string;
  /** The date the claim is (or would be) submitted; defaults to today. */
  submittedDate: string;
  priorAuthNumber: string | null;
  diagnoses: string[];
  lines: ScrubClaimLine[];
}

export interface ScrubClaimLine {
  code: string;
  modifiers: string[];
  units: number;
  chargeCents: number;
  diagnosisPointers: number[];
  serviceDate: string;
}

/** A problem with claim input, at a JSON path like `$[2].lines[0].units`. */
export interface ClaimInputProblem {
  path: string;
  message: string;
}

const MAX_LINES = 50;
const MAX_DIAGNOSES = 12;
const CODE = /^[0-9A-Z]{1,8}$/;

/**
 * Checks and normalises one claim of `claimflow scrub` input. Structure and types are checked;
 * whether codes exist, pointers point at diagnoses, etc. is for the rules to say (as findings).
 * Problems never quote the value (it may be PHI): they name the path and what is expected.
 */
export function parseScrubClaim(raw: unknown, path: string, today: string): { claim: ScrubClaim | null; problems: ClaimInputProblem[] } {
  const problems: ClaimInputProblem[] = [];
  const bad = (p: string, message: string) => problems.push({ path: p, message });
  if (!isObject(raw)) {
    bad(path, 'must be an object');
    return { claim: null, problems };
  }
  const str = (key: string, obj: Record<string, unknown>, p: string, opts: { required?: boolean; max?: number; pattern?: RegExp; hint?: string } = {}): string | null => {
    const v = obj[key];
    if (v === undefined || v === null || v === '') {
      if (opts.required) bad(`${p}.${key}`, 'is required');
      return null;
    }
    if (typeof v !== 'string') {
      bad(`${p}.${key}`, 'must be a string');
      return null;
    }
    const t = v.trim();
    if (opts.max && t.length > opts.max) bad(`${p}.${key}`, `must be at most ${opts.max} characters`);
    else if (opts.pattern && !opts.pattern.test(t)) bad(`${p}.${key}`, opts.hint ?? 'has the wrong format');
    return t;
  };
  const date = (key: string, obj: Record<string, unknown>, p: string, required: boolean): string | null => {
    const v = str(key, obj, p, { required });
    if (v !== null && !isLocalDate(v)) {
      bad(`${p}.${key}`, 'must be a date YYYY-MM-DD');
      return null;
    }
    return v;
  };

  const id = str('id', raw, path, { required: true, max: 64 });
  const payer = str('payer', raw, path, { required: true, max: 60, pattern: /^[a-z0-9][a-z0-9-]*$/, hint: 'must be a rule-set key: lower-case letters, digits and -' });
  const frequency = str('frequency', raw, path, { pattern: /^[178]$/, hint: 'must be "1", "7" or "8"' }) ?? '1';
  const payerClaimNumber = str('payerClaimNumber', raw, path, { max: 50 });
  const priorAuthNumber = str('priorAuthNumber', raw, path, { max: 50 });
  const billingNpi = str('billingNpi', raw, path, { pattern: /^[0-9]{10}$/, hint: 'must be 10 digits' });
  const renderingNpi = str('renderingNpi', raw, path, { pattern: /^[0-9]{10}$/, hint: 'must be 10 digits' });
  const placeOfService = str('placeOfService', raw, path, { required: true, pattern: /^[0-9]{2}$/, hint: 'must be 2 digits' });
  const serviceDateFrom = date('serviceDateFrom', raw, path, true);
  const serviceDateTo = date('serviceDateTo', raw, path, false) ?? serviceDateFrom;
  const submittedDate = date('submittedDate', raw, path, false) ?? today;
  if (serviceDateFrom && serviceDateTo && serviceDateTo < serviceDateFrom) bad(`${path}.serviceDateTo`, 'must not be before serviceDateFrom');

  let patient: ScrubClaim['patient'] = { sex: null, birthDate: null, memberId: null };
  if (raw.patient === undefined || raw.patient === null) bad(`${path}.patient`, 'is required');
  else if (!isObject(raw.patient)) bad(`${path}.patient`, 'must be an object');
  else {
    const sex = str('sex', raw.patient, `${path}.patient`, { pattern: /^[FMU]$/, hint: 'must be F, M or U' });
    patient = {
      sex: sex as ScrubClaim['patient']['sex'],
      birthDate: date('birthDate', raw.patient, `${path}.patient`, false),
      memberId: str('memberId', raw.patient, `${path}.patient`, { max: 80 }),
    };
  }

  let coverage: ScrubClaim['coverage'] = null;
  if (raw.coverage !== undefined && raw.coverage !== null) {
    if (!isObject(raw.coverage)) bad(`${path}.coverage`, 'must be an object');
    else coverage = { effectiveFrom: date('effectiveFrom', raw.coverage, `${path}.coverage`, false), effectiveTo: date('effectiveTo', raw.coverage, `${path}.coverage`, false) };
  }

  const diagnoses: string[] = [];
  if (!Array.isArray(raw.diagnoses)) bad(`${path}.diagnoses`, 'must be an array of ICD-10-CM codes');
  else {
    if (raw.diagnoses.length > MAX_DIAGNOSES) bad(`${path}.diagnoses`, `must have at most ${MAX_DIAGNOSES} codes (HI holds 12)`);
    raw.diagnoses.forEach((d, i) => {
      if (typeof d !== 'string' || !CODE.test(normalizeDiagnosisCode(d))) bad(`${path}.diagnoses[${i}]`, 'must be an ICD-10-CM code (letters and digits)');
      else diagnoses.push(normalizeDiagnosisCode(d));
    });
  }

  const lines: ScrubClaimLine[] = [];
  if (!Array.isArray(raw.lines) || raw.lines.length === 0) bad(`${path}.lines`, 'must be a non-empty array');
  else {
    if (raw.lines.length > MAX_LINES) bad(`${path}.lines`, `must have at most ${MAX_LINES} lines (005010X222A1 loop 2400 repeats 50 times)`);
    raw.lines.forEach((l, i) => {
      const lp = `${path}.lines[${i}]`;
      if (!isObject(l)) {
        bad(lp, 'must be an object');
        return;
      }
      const code = str('code', l, lp, { required: true });
      if (code !== null && !CODE.test(normalizeCode(code))) bad(`${lp}.code`, 'must be a CPT or HCPCS code (letters and digits)');
      const modifiers: string[] = [];
      if (l.modifiers !== undefined && l.modifiers !== null) {
        if (!Array.isArray(l.modifiers)) bad(`${lp}.modifiers`, 'must be an array');
        else {
          if (l.modifiers.length > 4) bad(`${lp}.modifiers`, 'must have at most 4 modifiers (SV101-3..6)');
          l.modifiers.forEach((m, j) => {
            if (typeof m !== 'string' || !/^[0-9A-Z]{2}$/.test(m.trim().toUpperCase())) bad(`${lp}.modifiers[${j}]`, 'must be a 2-character modifier');
            else modifiers.push(m.trim().toUpperCase());
          });
        }
      }
      const units = l.units ?? 1;
      if (typeof units !== 'number' || !Number.isInteger(units) || units < 1 || units > 9999) bad(`${lp}.units`, 'must be an integer from 1 to 9999');
      const chargeCents = l.chargeCents ?? 0;
      if (typeof chargeCents !== 'number' || !Number.isInteger(chargeCents) || chargeCents < 0 || chargeCents > 99_999_999_99) bad(`${lp}.chargeCents`, 'must be a non-negative integer number of cents');
      const pointers: number[] = [];
      if (!Array.isArray(l.diagnosisPointers)) bad(`${lp}.diagnosisPointers`, 'must be an array of 1-based diagnosis positions');
      else {
        if (l.diagnosisPointers.length > 4) bad(`${lp}.diagnosisPointers`, 'must have at most 4 pointers (SV107)');
        l.diagnosisPointers.forEach((p, j) => {
          if (typeof p !== 'number' || !Number.isInteger(p) || p < 1 || p > 12) bad(`${lp}.diagnosisPointers[${j}]`, 'must be an integer from 1 to 12');
          else pointers.push(p);
        });
      }
      const serviceDate = date('serviceDate', l, lp, false) ?? serviceDateFrom;
      if (code !== null) {
        lines.push({ code: normalizeCode(code), modifiers, units: units as number, chargeCents: chargeCents as number, diagnosisPointers: pointers, serviceDate: serviceDate ?? '' });
      }
    });
  }
  if (problems.length > 0) return { claim: null, problems };
  return {
    claim: {
      id: id!,
      payer: payer!,
      frequency: frequency as ScrubClaim['frequency'],
      payerClaimNumber,
      patient,
      coverage,
      billingNpi,
      renderingNpi,
      placeOfService: placeOfService!,
      serviceDateFrom: serviceDateFrom!,
      serviceDateTo: serviceDateTo!,
      submittedDate,
      priorAuthNumber,
      diagnoses,
      lines,
    },
    problems,
  };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
