/**
 * Code-set formats checked at the boundary, before any lookup.
 *
 * Sources:
 * - ICD-10-CM: CDC/NCHS ICD-10-CM Official Guidelines §I.A (3–7 characters; first alpha, the rest
 *   alphanumeric; dot after the third is display only and X12 omits it — 005010X222A1 HI segment
 *   note). The second character is not always a digit: FY2026 added category QA0 (neurodevelopmental
 *   disorders related to specific genetic conditions), seen in icd10cm_order_2026.txt.
 * - CPT: AMA, 5 characters: Category I/II/III/PLA = 4 digits + digit, F, T or U.
 * - HCPCS Level II: CMS, one letter A–V followed by 4 digits.
 * - Modifiers: two alphanumeric characters (CPT and HCPCS Level II modifier lists).
 * - Place of service: CMS POS code set, two digits.
 * - NPI: 10 digits with a Luhn check digit computed over the prefix 80840 + the first 9 digits
 *   (CMS, "Requirements for National Provider Identifier Check Digit", 45 CFR 162.406).
 */

export const ICD10CM_PATTERN = /^[A-Z][0-9A-Z][0-9A-Z][0-9A-Z]{0,4}$/;
export const CPT_PATTERN = /^[0-9]{4}[0-9FTU]$/;
export const HCPCS_PATTERN = /^[A-V][0-9]{4}$/;
export const MODIFIER_PATTERN = /^[0-9A-Z]{2}$/;
export const POS_PATTERN = /^[0-9]{2}$/;
export const NPI_PATTERN = /^[0-9]{10}$/;
export const TIN_PATTERN = /^[0-9]{9}$/;
/** NUCC Health Care Provider Taxonomy: 10 characters ending in X. */
export const TAXONOMY_PATTERN = /^[0-9]{3}[0-9A-Z]{6}X$/;

/** `E11.9` and `e119` become `E119` (the X12 form). Returns the input trimmed/upper-cased otherwise. */
export function normalizeDiagnosisCode(raw: string): string {
  return raw.trim().toUpperCase().replace(/^([A-Z0-9]{3})\.([A-Z0-9]{1,4})$/, '$1$2');
}

export function normalizeCode(raw: string): string {
  return raw.trim().toUpperCase();
}

export function isIcd10CmFormat(code: string): boolean {
  return ICD10CM_PATTERN.test(code);
}

export type ProcedureSystem = 'CPT' | 'HCPCS';

/** Which procedure code set a code's shape belongs to, or null when it fits neither. */
export function procedureSystemOf(code: string): ProcedureSystem | null {
  if (CPT_PATTERN.test(code)) return 'CPT';
  if (HCPCS_PATTERN.test(code)) return 'HCPCS';
  return null;
}

export function npiCheckDigit(first9: string): number {
  const digits = `80840${first9}`;
  let sum = 0;
  // Luhn: double every second digit from the right of the payload (the check digit is appended).
  for (let i = digits.length - 1, double = true; i >= 0; i--, double = !double) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return (10 - (sum % 10)) % 10;
}

export function isValidNpi(npi: string): boolean {
  if (!NPI_PATTERN.test(npi)) return false;
  return npiCheckDigit(npi.slice(0, 9)) === npi.charCodeAt(9) - 48;
}
