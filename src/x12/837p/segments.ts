/**
 * Typed builders for the 837P segments claimflow writes (005010X222A1). Each returns the segment's
 * elements in order; the X12Writer adds separators, cleans data and counts. Element notes cite
 * the implementation guide where a value decides behaviour.
 */
import { composite, d8, formatAmount, seg, X12WriteError, type SegmentData } from '../writer';

export interface Party {
  entity: 'PERSON' | 'ORGANIZATION';
  /** Last name or organization name. */
  last: string;
  first?: string | null;
  middle?: string | null;
  suffix?: string | null;
}

export interface PostalAddress {
  line1: string;
  line2?: string | null;
  city: string;
  state: string;
  postalCode: string;
}

/** 2300 HI: at most 12 diagnosis composites (HI01–HI12). */
export const MAX_HI_DIAGNOSES = 12;
/** SV101-3..6: four procedure modifiers; SV107: four diagnosis pointers. */
export const MAX_SV1_MODIFIERS = 4;
export const MAX_SV1_POINTERS = 4;

/** BHT: 0019 information source/receiver hierarchy, 00 original, CH chargeable (a claim, not an encounter report). */
export function bht(reference: string, date: string, time: string): SegmentData {
  return seg('BHT', '0019', '00', reference, date, time, 'CH');
}

/**
 * NM1. A person is NM102 = 1 with last/first/middle/suffix; an organization is 2 and carries only
 * NM103 (the guide marks NM104–NM107 "not used" for non-persons).
 */
export function nm1(entityId: string, party: Party, idQualifier?: string | null, id?: string | null): SegmentData {
  const person = party.entity === 'PERSON';
  return seg('NM1', entityId, person ? '1' : '2', party.last, person ? party.first : null, person ? party.middle : null, null, person ? party.suffix : null, id ? idQualifier : null, id);
}

export function n3(a: PostalAddress): SegmentData {
  return seg('N3', a.line1, a.line2);
}

export function n4(a: PostalAddress): SegmentData {
  return seg('N4', a.city, a.state, a.postalCode);
}

/** DMG*D8*CCYYMMDD*sex (F, M, U). */
export function dmg(birthDate: string, sex: string): SegmentData {
  return seg('DMG', 'D8', d8(birthDate), sex);
}

export function ref(qualifier: string, value: string): SegmentData {
  return seg('REF', qualifier, value);
}

/** 1000A PER: IC information contact, TE telephone. */
export function per(name: string, phone: string): SegmentData {
  return seg('PER', 'IC', name, 'TE', phone);
}

/** PRV*BI (billing, 2000A) or PRV*PE (performing, 2310B) with a NUCC taxonomy code (PXC). */
export function prv(code: 'BI' | 'PE', taxonomy: string): SegmentData {
  return seg('PRV', code, 'PXC', taxonomy);
}

/**
 * 2000B SBR: SBR01 payer responsibility (P/S/T), SBR02 = 18 only when the patient is the
 * subscriber (otherwise the relationship goes in 2000C PAT01), SBR03 group number, SBR09 claim
 * filing indicator.
 */
export function sbr(responsibility: 'P' | 'S' | 'T', patientIsSubscriber: boolean, groupNumber: string | null, filingIndicator: string): SegmentData {
  return seg('SBR', responsibility, patientIsSubscriber ? '18' : null, groupNumber, null, null, null, null, null, filingIndicator);
}

export function pat(relationshipCode: string): SegmentData {
  return seg('PAT', relationshipCode);
}

/**
 * CLM: CLM01 patient control number, CLM02 total charge, CLM05 POS:B:frequency (B = place of
 * service codes for professional claims), CLM06 Y provider signature on file, CLM07 A assigned,
 * CLM08 Y benefits assignment certified, CLM09 Y release of information.
 */
export function clm(patientControlNumber: string, totalChargeCents: number, placeOfService: string, frequency: string): SegmentData {
  return seg('CLM', patientControlNumber, formatAmount(totalChargeCents), null, null, composite(placeOfService, 'B', frequency), 'Y', 'A', 'Y', 'Y');
}

/** HI: ABK principal ICD-10-CM diagnosis, ABF the others, in claim order. */
export function hi(codes: readonly string[]): SegmentData {
  if (codes.length === 0) throw new X12WriteError('HI needs at least one diagnosis');
  if (codes.length > MAX_HI_DIAGNOSES) throw new X12WriteError(`HI carries at most ${MAX_HI_DIAGNOSES} diagnoses on a professional claim`);
  return seg('HI', ...codes.map((c, i) => composite(i === 0 ? 'ABK' : 'ABF', c)));
}

export function lx(n: number): SegmentData {
  return seg('LX', n);
}

/**
 * SV1: HC:code:mod1..mod4, charge, UN, units, SV105, SV106 unused, pointers. SV105 is left empty:
 * claimflow's lines share the claim's place of service, and the guide says "Required when the
 * Place of Service Code for this service line is different than the Place of Service Code
 * reported in CLM05-1. If not required by this implementation guide, do not send."
 */
export function sv1(line: { procedureCode: string; modifiers: readonly string[]; chargeCents: number; units: number; pointers: readonly number[] }): SegmentData {
  if (line.modifiers.length > MAX_SV1_MODIFIERS) throw new X12WriteError(`SV1 carries at most ${MAX_SV1_MODIFIERS} modifiers`);
  if (line.pointers.length > MAX_SV1_POINTERS) throw new X12WriteError(`SV107 carries at most ${MAX_SV1_POINTERS} diagnosis pointers`);
  if (!Number.isSafeInteger(line.units) || line.units < 0) throw new X12WriteError('SV104 units must be a whole number');
  return seg('SV1', composite('HC', line.procedureCode, ...line.modifiers), formatAmount(line.chargeCents), 'UN', line.units, null, null, composite(...line.pointers));
}

/** DTP*472*D8: the line's date of service. */
export function dtp472(date: string): SegmentData {
  return seg('DTP', '472', 'D8', d8(date));
}
