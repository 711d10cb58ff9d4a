import { isLocalDate } from '../../common/dates';

/**
 * Element values of X12 data element types (X12.6; 005010 guides, appendix A.1.3.1):
 * R (decimal number: optional minus sign, optional decimal point, no exponent) and DT (CCYYMMDD).
 * Amounts become integer cents from the text itself, never through floating point.
 */

const DECIMAL = /^(-?)(\d*)(?:\.(\d*))?$/;

/** Largest amount a claim-level column holds (PostgreSQL integer): $21,474,836.47. */
export const MAX_CENTS = 2_147_483_647;

export type ParsedCents = { ok: true; cents: number } | { ok: false; reason: string };

/** Cents from an R-type amount ('12', '12.5', '-42.58', '.5'); at most two significant decimals. */
export function parseCents(raw: string): ParsedCents {
  const m = DECIMAL.exec(raw);
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) return { ok: false, reason: 'is not a decimal amount' };
  const whole = m[2] || '0';
  const frac = (m[3] ?? '').replace(/0+$/, '');
  if (frac.length > 2) return { ok: false, reason: 'has more than two decimal places' };
  if (whole.replace(/^0+/, '').length > 13) return { ok: false, reason: 'is too large' };
  const cents = Number(whole) * 100 + Number(frac.padEnd(2, '0'));
  return { ok: true, cents: m[1] === '-' && cents !== 0 ? -cents : cents };
}

export type ParsedQuantity = { ok: true; value: number } | { ok: false; reason: string };

/** A quantity (units): R type, kept as a number (units are not money). */
export function parseQuantity(raw: string): ParsedQuantity {
  const m = DECIMAL.exec(raw);
  if (!m || (m[2] === '' && (m[3] ?? '') === '') || (m[2] ?? '').length > 10) return { ok: false, reason: 'is not a decimal quantity' };
  return { ok: true, value: Number(raw) };
}

/** CCYYMMDD → YYYY-MM-DD, or null when it is not a calendar date. */
export function parseDate(raw: string): string | null {
  if (!/^\d{8}$/.test(raw)) return null;
  const d = `${raw.slice(0, 4)}-${raw.slice(4, 6)}-${raw.slice(6, 8)}`;
  return isLocalDate(d) ? d : null;
}

/** Cents as a decimal amount, for messages and for writing X12: -4258 → '-42.58'. */
export function formatCents(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}
