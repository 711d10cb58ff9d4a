import { isIcd10CmFormat, isValidNpi, normalizeDiagnosisCode, npiCheckDigit, procedureSystemOf } from '../../src/common/formats';
import { ageOn, isLocalDate } from '../../src/common/dates';
import { uuidv7 } from '../../src/common/ids';

describe('NPI check digit (CMS: Luhn over 80840 + the first nine digits)', () => {
  it('accepts the CMS worked example 1234567893', () => {
    expect(npiCheckDigit('123456789')).toBe(3);
    expect(isValidNpi('1234567893')).toBe(true);
  });

  it('rejects every other last digit, wrong lengths and non-digits', () => {
    for (let d = 0; d <= 9; d++) if (d !== 3) expect(isValidNpi(`123456789${d}`)).toBe(false);
    expect(isValidNpi('123456789')).toBe(false);
    expect(isValidNpi('12345678930')).toBe(false);
    expect(isValidNpi('12345678a3')).toBe(false);
  });
});

describe('ICD-10-CM format', () => {
  it.each(['E119', 'I10', 'Z0000', 'S72001A', 'M1A071', 'C4A0', 'U071', 'O80', 'QA00', 'QA001'])('accepts %s', (code) => {
    expect(isIcd10CmFormat(code)).toBe(true);
  });
  it.each(['E11.9', '119', 'E', 'E1', 'E1190000', 'e119', '1E19', 'E-19'])('rejects %s', (code) => {
    expect(isIcd10CmFormat(code)).toBe(false);
  });
  it('normalizes the dotted display form to the X12 form', () => {
    expect(normalizeDiagnosisCode(' e11.9 ')).toBe('E119');
    expect(normalizeDiagnosisCode('S72.001A')).toBe('S72001A');
    expect(normalizeDiagnosisCode('I10')).toBe('I10');
  });
});

describe('procedure code sets', () => {
  it('tells CPT from HCPCS Level II by shape', () => {
    expect(procedureSystemOf('99213')).toBe('CPT');
    expect(procedureSystemOf('0001U')).toBe('CPT');
    expect(procedureSystemOf('3008F')).toBe('CPT');
    expect(procedureSystemOf('0075T')).toBe('CPT');
    expect(procedureSystemOf('J1100')).toBe('HCPCS');
    expect(procedureSystemOf('G0008')).toBe('HCPCS');
    expect(procedureSystemOf('W1234')).toBeNull();
    expect(procedureSystemOf('9921')).toBeNull();
  });
});

describe('calendar dates', () => {
  it('accepts real dates only', () => {
    expect(isLocalDate('2024-02-29')).toBe(true);
    expect(isLocalDate('2023-02-29')).toBe(false);
    expect(isLocalDate('2024-13-01')).toBe(false);
    expect(isLocalDate('2024-1-01')).toBe(false);
  });
  it('computes age on the date of service', () => {
    expect(ageOn('1950-03-02', '2026-03-01')).toBe(75);
    expect(ageOn('1950-03-02', '2026-03-02')).toBe(76);
  });
});

describe('UUIDv7 ids', () => {
  it('sort in creation order, even within one millisecond', () => {
    const ids = Array.from({ length: 2000 }, () => uuidv7());
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids[0]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
