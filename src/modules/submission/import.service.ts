/**
 * 837P import: a clearinghouse-style front door. A file is read whole first (src/x12/837p/reader):
 * when it is not a well-formed 5010 837P it is refused with the segment position and the reason,
 * and nothing is written. Otherwise each claim gets its own outcome, like a 277CA acknowledges
 * each claim of an accepted file:
 *
 * - IMPORTED: patients, providers (by NPI), payers (by payer id) and coverages (by patient, payer
 *   and member id) are found or created, the claim is stored (DRAFT, no encounter), then moved to
 *   READY through ClaimService.transition, which scrubs it. With ERROR findings it stays DRAFT with
 *   its scrub; when its payer has no rule set it stays DRAFT with a note.
 * - ALREADY_IMPORTED: a claim with the same patient control number (CLM01) and billing provider
 *   NPI exists (from an earlier import, or earlier in the same file): nothing is added. A re-import
 *   never duplicates a claim; corrected claims are sent as replacements (frequency 7).
 * - NOT_IMPORTED: the claim is well-formed X12 but claimflow cannot hold it as written (the
 *   problems say where and why): a patient without birth date, fractional units, a procedure code
 *   that is not CPT/HCPCS-shaped, a CLM01 already used by another billing provider (claim numbers
 *   are unique here, so 835 payments match by CLP01)… Its data is not kept.
 *
 * Everything after the read happens in one database transaction. Messages carry codes and
 * segment positions, never names, dates or identifiers from the file (they are PHI).
 */
import { toLocalDate } from '../../common/dates';
import { Sex } from '../../common/enums';
import { IssueCollector } from '../../common/errors';
import type { ServiceContext } from '../../server/context';
import type { Claim837, Name837, X12Warning } from '../../x12/837p/model';
import { read837p } from '../../x12/837p/reader';
import { X12Error } from '../../x12/reader';
import { Claim, ClaimDiagnosis, ClaimHistory, ClaimHistoryAction, ClaimLine } from '../claim/claim.entity';
import { ClaimFrequency, ClaimStatus } from '../claim/claim-status';
import { ClaimService } from '../claim/claim.service';
import { MAX_DIAGNOSES, MAX_LINES, MAX_MODIFIERS, MAX_POINTERS } from '../coding/coding.validation';
import { Coverage, CoverageOrder, SubscriberRelationship, X12_RELATIONSHIP_CODE } from '../coverage/coverage.entity';
import { Patient } from '../patient/patient.entity';
import { ClaimFilingIndicator, Payer } from '../payer/payer.entity';
import { Provider, ProviderEntityType } from '../provider/provider.entity';
import type { ClaimScrub } from '../scrub/scrub.entity';

export enum ImportedClaimStatus {
  IMPORTED = 'IMPORTED',
  ALREADY_IMPORTED = 'ALREADY_IMPORTED',
  NOT_IMPORTED = 'NOT_IMPORTED',
}

export interface X12Problem {
  position: number | null;
  segmentId: string | null;
  reason: string;
}

export interface ImportedClaimOutcome {
  /** Position of the CLM segment in the file. */
  position: number;
  patientControlNumber: string;
  status: ImportedClaimStatus;
  claim: Claim | null;
  scrub: ClaimScrub | null;
  notes: string[];
  problems: X12Problem[];
}

export interface ImportClaimsResult {
  status: 'IMPORTED' | 'REFUSED';
  /** Why a refused file was refused (segment position and reason). */
  problem: X12Problem | null;
  interchanges: number;
  transactions: number;
  claimsRead: number;
  imported: number;
  alreadyImported: number;
  notImported: number;
  /** Imported claims that reached READY (scrubbed clean). */
  ready: number;
  created: { patients: number; providers: number; payers: number; coverages: number };
  claims: ImportedClaimOutcome[];
  warnings: X12Warning[];
}

/** Timely filing and appeal limits for payers an import creates. Payer data: review them. */
const DEFAULT_LIMITS: Record<string, { timelyFilingDays: number; appealDays: number }> = {
  // Medicare: 12 months from the date of service (42 CFR 424.44); redetermination within 120 days (42 CFR 405.942).
  MB: { timelyFilingDays: 365, appealDays: 120 },
  MA: { timelyFilingDays: 365, appealDays: 120 },
  // Medicaid: 12 months (42 CFR 447.45(d)); appeals vary by state, 90 days is common.
  MC: { timelyFilingDays: 365, appealDays: 90 },
};
// Commercial contracts commonly allow 90–365 days: take the short end so nothing is filed late
// silently; ERISA plans allow at least 180 days to appeal (29 CFR 2560.503-1(h)(3)(i)).
const OTHER_LIMITS = { timelyFilingDays: 90, appealDays: 180 };

const FILING_CODES = new Set<string>(Object.values(ClaimFilingIndicator));
const RELATIONSHIP_BY_CODE = new Map(Object.entries(X12_RELATIONSHIP_CODE).map(([k, v]) => [v, k as SubscriberRelationship]));
const MAX_INT = 2_147_483_647;

interface MappedParty {
  entity: ProviderEntityType;
  last: string;
  first: string | null;
}

interface MappedClaim {
  billing: MappedParty & { npi: string; taxId: string | null; taxonomy: string | null; address: { line1: string; city: string; state: string; postalCode: string } | null };
  rendering: (MappedParty & { npi: string; taxonomy: string | null }) | null;
  payer: { payerId: string; name: string; filing: ClaimFilingIndicator };
  patient: { first: string; middle: string | null; last: string; birthDate: string; sex: Sex; line1: string; line2: string | null; city: string; state: string; postalCode: string };
  coverage: {
    memberId: string;
    groupNumber: string | null;
    relationship: SubscriberRelationship;
    order: CoverageOrder;
    subscriberFirst: string | null;
    subscriberLast: string | null;
    subscriberBirthDate: string | null;
    subscriberSex: Sex | null;
  };
  claim: {
    patientControlNumber: string;
    totalChargeCents: number;
    placeOfService: string;
    frequency: ClaimFrequency;
    payerClaimNumber: string | null;
    priorAuthNumber: string | null;
    serviceDateFrom: string;
    serviceDateTo: string;
    diagnoses: string[];
    lines: { lineNumber: number; procedureCode: string; modifiers: string[]; units: number; chargeCents: number; diagnosisPointers: number[]; serviceDate: string; lineControlNumber: string }[];
  };
}

const SEX = new Set<string>(['F', 'M', 'U']);

/**
 * Maps one read claim to what claimflow stores, or says why it cannot. Pure: no database. The
 * reasons name loops, segments and elements (005010X222A1), never values.
 */
export function mapClaim(c: Claim837): { mapped: MappedClaim | null; problems: X12Problem[]; notes: string[] } {
  const problems: X12Problem[] = [];
  const notes: string[] = [];
  const problem = (a: { position: number; segmentId: string } | null, reason: string) => problems.push({ position: a?.position ?? null, segmentId: a?.segmentId ?? null, reason });
  const fits = (a: { position: number; segmentId: string }, value: string | null | undefined, max: number, what: string) => {
    if (value && value.length > max) problem(a, `${what} is longer than the ${max} characters claimflow keeps`);
  };

  // 2010AA billing provider: NM1*85 with its NPI (NM108 = XX) is required.
  const bn = c.billingProvider.name;
  let billing: MappedClaim['billing'] | null = null;
  if (!bn) problem(c.billingProvider.at, '2010AA NM1*85 (billing provider) is missing');
  else if (bn.idQualifier !== 'XX' || !/^\d{10}$/.test(bn.id ?? '')) problem(bn.at, '2010AA NM109 must be the billing provider\'s 10-digit NPI (NM108 = XX)');
  else if (!bn.last) problem(bn.at, '2010AA NM103 (billing provider name) is empty');
  else {
    fits(bn.at, bn.last, 60, 'NM103');
    fits(bn.at, bn.first, 35, 'NM104');
    const a = c.billingProvider.address;
    if (a) {
      fits(a.at, a.line1, 55, 'N301');
      fits(a.at, a.city, 30, 'N401');
      fits(a.at, a.state, 2, 'N402');
      fits(a.at, a.postalCode, 15, 'N403');
    } else notes.push('2010AA has no N3/N4: the billing provider is stored without an address');
    const tin = (c.billingProvider.taxId ?? '').replace(/-/g, '');
    if (c.billingProvider.taxId && !/^\d{9}$/.test(tin)) notes.push('2010AA REF*EI is not a 9-digit EIN and is not kept');
    const taxonomy = c.billingProvider.taxonomy;
    billing = {
      npi: bn.id!,
      entity: bn.entity === 'PERSON' ? ProviderEntityType.PERSON : ProviderEntityType.ORGANIZATION,
      last: bn.last,
      first: bn.entity === 'PERSON' ? bn.first : null,
      taxId: /^\d{9}$/.test(tin) ? tin : null,
      taxonomy: taxonomy && taxonomy.length <= 10 ? taxonomy : null,
      address: a && a.line1 ? { line1: a.line1, city: a.city, state: a.state, postalCode: a.postalCode } : null,
    };
  }

  // 2310B rendering provider (only with an NPI; the line-level 2420A is not kept).
  let rendering: MappedClaim['rendering'] = null;
  const rn = c.rendering;
  if (rn) {
    if (rn.idQualifier !== 'XX' || !/^\d{10}$/.test(rn.id ?? '') || !rn.last) notes.push('2310B NM1*82 without an NPI and name is not kept');
    else {
      fits(rn.at, rn.last, 60, 'NM103');
      fits(rn.at, rn.first, 35, 'NM104');
      rendering = { npi: rn.id!, entity: rn.entity === 'PERSON' ? ProviderEntityType.PERSON : ProviderEntityType.ORGANIZATION, last: rn.last, first: rn.entity === 'PERSON' ? rn.first : null, taxonomy: c.renderingTaxonomy && c.renderingTaxonomy.length <= 10 ? c.renderingTaxonomy : null };
    }
  }

  // 2010BB payer.
  const s = c.subscriber;
  let payer: MappedClaim['payer'] | null = null;
  if (!s.payer) problem(s.at, '2010BB NM1*PR (payer) is missing');
  else if (!s.payer.id) problem(s.payer.at, '2010BB NM109 (payer id) is empty');
  else {
    fits(s.payer.at, s.payer.id, 80, 'NM109');
    fits(s.payer.at, s.payer.last, 60, 'NM103');
    const filing = s.filingIndicator && FILING_CODES.has(s.filingIndicator) ? (s.filingIndicator as ClaimFilingIndicator) : ClaimFilingIndicator.MUTUALLY_DEFINED;
    if (!s.filingIndicator || !FILING_CODES.has(s.filingIndicator)) notes.push('SBR09 (claim filing indicator) is missing or unknown: a new payer gets ZZ (mutually defined)');
    payer = { payerId: s.payer.id, name: s.payer.last || s.payer.id, filing };
  }

  // 2010BA subscriber and its member id.
  const sn = s.name;
  if (!sn) problem(s.at, '2010BA NM1*IL (subscriber) is missing');
  else if (!sn.id) problem(sn.at, '2010BA NM109 (member id) is empty');
  else {
    fits(sn.at, sn.id, 80, 'NM109');
    fits(s.at, s.groupNumber, 50, 'SBR03');
  }

  // The patient: 2010CA when there is a 2000C, else the subscriber (2010BA).
  const self = c.patient === null;
  const pLoop = self ? '2010BA' : '2010CA';
  const pn: Name837 | null = self ? sn : c.patient!.name;
  const pAddr = self ? s.address : c.patient!.address;
  const pDemo = self ? s.demographics : c.patient!.demographics;
  let patient: MappedClaim['patient'] | null = null;
  if (!pn) {
    if (!self) problem(c.patient!.at, '2010CA NM1*QC (patient) is missing');
  } else {
    if (!pn.last) problem(pn.at, `${pLoop} NM103 (the patient's last name) is empty`);
    fits(pn.at, pn.last, 60, 'NM103');
    fits(pn.at, pn.first, 60, 'NM104');
    fits(pn.at, pn.middle, 25, 'NM105');
    if (!pDemo?.birthDate) problem(pDemo?.at ?? pn.at, `${pLoop} DMG (the patient's birth date) is missing; the guide requires it for the patient and claimflow keeps no patient without one`);
    else if (pDemo.birthDate < '1900-01-01') problem(pDemo.at, `${pLoop} DMG02 is a placeholder birth date (before 1900), not the patient's`);
    if (!pAddr || !pAddr.line1 || !pAddr.city) problem(pAddr?.at ?? pn.at, `${pLoop} N3/N4 (the patient's address) are missing; the guide requires them for the patient`);
    else {
      fits(pAddr.at, pAddr.line1, 55, 'N301');
      fits(pAddr.at, pAddr.line2, 55, 'N302');
      fits(pAddr.at, pAddr.city, 30, 'N401');
      fits(pAddr.at, pAddr.state, 2, 'N402');
      fits(pAddr.at, pAddr.postalCode, 15, 'N403');
    }
    if (pDemo?.birthDate && pAddr) {
      const sex = pDemo.sex && SEX.has(pDemo.sex) ? (pDemo.sex as Sex) : Sex.U;
      if (sex === Sex.U && pDemo.sex !== 'U') notes.push(`${pLoop} DMG03 is missing or not F/M/U: stored as U (unknown)`);
      patient = { first: pn.first ?? '', middle: pn.middle, last: pn.last, birthDate: pDemo.birthDate, sex, line1: pAddr.line1, line2: pAddr.line2, city: pAddr.city, state: pAddr.state, postalCode: pAddr.postalCode };
    }
  }

  let relationship = SubscriberRelationship.SELF;
  if (!self) {
    const code = c.patient!.relationship;
    relationship = RELATIONSHIP_BY_CODE.get(code) ?? SubscriberRelationship.OTHER;
    if (relationship === SubscriberRelationship.SELF || !RELATIONSHIP_BY_CODE.has(code)) {
      relationship = SubscriberRelationship.OTHER;
      notes.push('2000C PAT01 is missing or not a patient relationship code: stored as OTHER (G8)');
    }
  } else if (s.relationship && s.relationship !== '18') notes.push('SBR02 is not 18 although there is no patient loop (2000C): the subscriber is read as the patient');
  const order = s.payerResponsibility === 'P' ? CoverageOrder.PRIMARY : s.payerResponsibility === 'S' ? CoverageOrder.SECONDARY : /^[TA-H]$/.test(s.payerResponsibility) ? CoverageOrder.TERTIARY : CoverageOrder.PRIMARY;
  if (!/^[PST]$/.test(s.payerResponsibility)) notes.push(/^[A-H]$/.test(s.payerResponsibility) ? 'SBR01 is beyond tertiary: stored as TERTIARY' : 'SBR01 is missing or unknown: stored as PRIMARY');
  const subDob = !self && s.demographics?.birthDate && s.demographics.birthDate >= '1900-01-01' ? s.demographics.birthDate : null;
  const subSex = !self && s.demographics?.sex && SEX.has(s.demographics.sex) ? (s.demographics.sex as Sex) : null;

  // 2300 claim.
  const pcn = c.patientControlNumber;
  fits(c.at, pcn, 38, 'CLM01');
  if (c.totalChargeCents < 0 || c.totalChargeCents > MAX_INT) problem(c.at, 'CLM02 is negative or larger than claimflow keeps');
  if (!/^\d{2}$/.test(c.placeOfService)) problem(c.at, 'CLM05-1 is not a two-digit place of service code');
  if (c.facilityQualifier !== 'B') notes.push('CLM05-2 is not B (place of service codes for professional services): read as B');
  const frequencies: string[] = Object.values(ClaimFrequency);
  if (!frequencies.includes(c.frequency)) problem(c.at, `CLM05-3 (claim frequency) must be 1, 7 or 8`);
  fits(c.at, c.payerClaimNumber, 50, 'REF*F8');
  fits(c.at, c.priorAuthNumber, 50, 'REF*G1');
  if ((c.frequency === '7' || c.frequency === '8') && !c.payerClaimNumber) notes.push('frequency 7/8 without REF*F8 (payer claim number)');

  const diagnoses = c.diagnoses.map((d) => d.code.toUpperCase().replace('.', ''));
  if (diagnoses.length > MAX_DIAGNOSES) problem(c.diagnoses[MAX_DIAGNOSES]!.at, `more than ${MAX_DIAGNOSES} diagnoses on a professional claim`);
  c.diagnoses.forEach((d, i) => {
    if (diagnoses[i]!.length > 8) problem(d.at, `HI diagnosis ${i + 1} is longer than an ICD-10-CM code`);
  });
  if (c.diagnoses.some((d) => d.qualifier === 'BK' || d.qualifier === 'BF')) notes.push('diagnoses are ICD-9-CM (BK/BF): kept as codes; they will not pass ICD-10-CM scrubbing until recoded');
  if (c.diagnoses.length === 0) notes.push('the claim has no diagnoses (HI)');

  if (c.lines.length > MAX_LINES) problem(c.lines[MAX_LINES]!.at, `more than ${MAX_LINES} service lines on a professional claim`);
  const lines: MappedClaim['claim']['lines'] = [];
  c.lines.forEach((l, i) => {
    const n = i + 1;
    const code = l.procedureCode.toUpperCase();
    if (l.procedureQualifier !== 'HC') problem(l.at, `line ${n}: SV101-1 is not HC; claimflow keeps CPT/HCPCS procedure codes only`);
    if (code.length > 5) problem(l.at, `line ${n}: SV101-2 is longer than a CPT/HCPCS code (5 characters)`);
    if (l.modifiers.length > MAX_MODIFIERS || l.modifiers.some((m) => m.length > 2)) problem(l.at, `line ${n}: SV101-3..6 modifiers must be 2 characters`);
    if (l.description) notes.push(`line ${n}: SV101-7 (description) is not kept`);
    if (l.chargeCents < 0 || l.chargeCents > MAX_INT) problem(l.at, `line ${n}: SV102 is negative or larger than claimflow keeps`);
    if (l.unitBasis === 'MJ') notes.push(`line ${n}: SV103 is MJ (minutes): kept as units, and claimflow sends UN`);
    else if (l.unitBasis !== 'UN') problem(l.at, `line ${n}: SV103 must be UN (units) or MJ (minutes)`);
    const whole = /^\d+(\.0*)?$/.test(l.units);
    if (!whole) problem(l.at, `line ${n}: SV104 (units) is not a whole number; claimflow keeps whole units`);
    const units = whole ? Number(l.units.split('.')[0]) : 0;
    if (whole && units > MAX_INT) problem(l.at, `line ${n}: SV104 is larger than claimflow keeps`);
    if (l.placeOfService && l.placeOfService !== c.placeOfService) notes.push(`line ${n}: SV105 differs from CLM05-1; claimflow keeps the claim's place of service`);
    if (l.pointers.length > MAX_POINTERS || l.pointers.some((p) => p < 1 || p > 12)) problem(l.at, `line ${n}: SV107 needs at most ${MAX_POINTERS} diagnosis pointers, each 1–12`);
    if (!l.serviceDateFrom) problem(l.at, `line ${n}: DTP*472 (date of service) is missing`);
    else if (l.serviceDateTo !== l.serviceDateFrom) notes.push(`line ${n}: DTP*472 is a range (RD8); the line keeps its first date`);
    fits(l.at, l.lineControlNumber, 50, 'REF*6R');
    lines.push({
      lineNumber: n,
      procedureCode: code,
      modifiers: l.modifiers.map((m) => m.toUpperCase()),
      units,
      chargeCents: l.chargeCents,
      diagnosisPointers: l.pointers,
      serviceDate: l.serviceDateFrom ?? '',
      lineControlNumber: l.lineControlNumber ?? `${pcn}-${n}`,
    });
  });
  const sum = c.lines.reduce((a, l) => a + l.chargeCents, 0);
  if (sum !== c.totalChargeCents) notes.push('CLM02 is not the sum of the line charges (SV102); CLM02 is kept as sent');

  if (problems.length > 0 || !billing || !payer || !patient || !sn?.id) return { mapped: null, problems, notes };
  const from = lines.reduce((m, l) => (l.serviceDate < m ? l.serviceDate : m), lines[0]!.serviceDate);
  const to = c.lines.reduce((m, l) => (l.serviceDateTo! > m ? l.serviceDateTo! : m), c.lines[0]!.serviceDateTo!);
  return {
    mapped: {
      billing,
      rendering,
      payer,
      patient,
      coverage: {
        memberId: sn.id,
        groupNumber: s.groupNumber,
        relationship,
        order,
        subscriberFirst: self ? null : sn.first,
        subscriberLast: self ? null : sn.last,
        subscriberBirthDate: subDob,
        subscriberSex: subSex,
      },
      claim: {
        patientControlNumber: pcn,
        totalChargeCents: c.totalChargeCents,
        placeOfService: c.placeOfService,
        frequency: c.frequency as ClaimFrequency,
        payerClaimNumber: c.payerClaimNumber,
        priorAuthNumber: c.priorAuthNumber,
        serviceDateFrom: from,
        serviceDateTo: to,
        diagnoses,
        lines,
      },
    },
    problems,
    notes,
  };
}

const patientKey = (p: { last: string; first: string; birthDate: string }) => `${p.last.toUpperCase()}|${p.first.toUpperCase()}|${p.birthDate}`;

export class ClaimImportService {
  constructor(private readonly ctx: ServiceContext) {}

  /** Checks the optional rule-set key for new payers (BAD_USER_INPUT when it cannot be used). */
  private checkRuleSetKey(key: string | null | undefined): string | null {
    if (key == null || key === '') return null;
    const issues = new IssueCollector();
    if (!/^[a-z0-9][a-z0-9-]{0,59}$/.test(key)) issues.add('ruleSetKey', 'FORMAT', 'must be lower-case letters, digits and -');
    else {
      const snap = this.ctx.rules?.currentOrNull();
      if (snap && !snap.ruleSets.has(key)) issues.add('ruleSetKey', 'NOT_LOADED', 'names no rule set in force (see ruleSets)');
    }
    issues.throwIfAny();
    return key;
  }

  async importX12(input: string | Uint8Array, opts: { ruleSetKey?: string | null } = {}): Promise<ImportClaimsResult> {
    const ruleSetKey = this.checkRuleSetKey(opts.ruleSetKey);
    const empty = { interchanges: 0, transactions: 0, claimsRead: 0, imported: 0, alreadyImported: 0, notImported: 0, ready: 0, created: { patients: 0, providers: 0, payers: 0, coverages: 0 }, claims: [], warnings: [] };
    let read;
    try {
      read = read837p(input);
    } catch (err) {
      if (!(err instanceof X12Error)) throw err;
      this.ctx.logger.info({ position: err.position, segmentId: err.segmentId, reason: err.reason }, '837P refused');
      return { status: 'REFUSED', problem: { position: err.position, segmentId: err.segmentId, reason: err.reason }, ...empty };
    }
    const mapped = read.claims.map((c) => ({ read: c, ...mapClaim(c) }));
    const result = await this.ctx.em.transactional((em) => this.store({ ...this.ctx, em }, mapped, ruleSetKey));
    const out: ImportClaimsResult = {
      status: 'IMPORTED',
      problem: null,
      interchanges: read.interchanges.length,
      transactions: read.transactions,
      claimsRead: read.claims.length,
      imported: result.claims.filter((c) => c.status === ImportedClaimStatus.IMPORTED).length,
      alreadyImported: result.claims.filter((c) => c.status === ImportedClaimStatus.ALREADY_IMPORTED).length,
      notImported: result.claims.filter((c) => c.status === ImportedClaimStatus.NOT_IMPORTED).length,
      ready: result.claims.filter((c) => c.status === ImportedClaimStatus.IMPORTED && c.claim?.status === ClaimStatus.READY).length,
      created: result.created,
      claims: result.claims,
      warnings: read.warnings,
    };
    this.ctx.logger.info(
      { claimsRead: out.claimsRead, imported: out.imported, alreadyImported: out.alreadyImported, notImported: out.notImported, ready: out.ready, claimIds: out.claims.filter((c) => c.status === ImportedClaimStatus.IMPORTED).map((c) => c.claim!.id) },
      '837P imported',
    );
    return out;
  }

  private async store(ctx: ServiceContext, items: { read: Claim837; mapped: MappedClaim | null; problems: X12Problem[]; notes: string[] }[], ruleSetKey: string | null) {
    const em = ctx.em;
    const created = { patients: 0, providers: 0, payers: 0, coverages: 0 };
    const good = items.flatMap((i) => (i.mapped ? [i.mapped] : []));

    // What exists already, in a fixed number of queries.
    const pcns = [...new Set(items.map((i) => i.read.patientControlNumber))];
    const npis = [...new Set(good.flatMap((m) => [m.billing.npi, ...(m.rendering ? [m.rendering.npi] : [])]))];
    const payerIds = [...new Set(good.map((m) => m.payer.payerId))];
    const births = [...new Set(good.map((m) => m.patient.birthDate))];
    const members = [...new Set(good.map((m) => m.coverage.memberId))];
    // One after the other: a transaction is one connection, which runs one query at a time.
    const existingClaims = pcns.length ? await em.find(Claim, { patientControlNumber: { $in: pcns } }, { populate: ['billingProvider'] }) : [];
    const providers = npis.length ? await em.find(Provider, { npi: { $in: npis } }) : [];
    const payers = payerIds.length ? await em.find(Payer, { payerId: { $in: payerIds } }) : [];
    const patients = births.length ? await em.find(Patient, { birthDate: { $in: births } }) : [];
    const coverages = members.length ? await em.find(Coverage, { memberId: { $in: members } }) : [];
    const claimByPcn = new Map<string, { claim: Claim; npi: string; earlier: boolean }>(existingClaims.map((c) => [c.patientControlNumber, { claim: c, npi: c.billingProvider.getEntity().npi, earlier: false }]));
    const providerByNpi = new Map(providers.map((p) => [p.npi, p]));
    const payerById = new Map(payers.map((p) => [p.payerId, p]));
    const patientByKey = new Map(patients.map((p) => [patientKey({ last: p.lastName, first: p.firstName, birthDate: toLocalDate(p.birthDate) }), p]));
    const coverageByKey = new Map(coverages.map((c) => [`${c.patient.id}|${c.payer.id}|${c.memberId}`, c]));

    // A new coverage starts at the earliest date of service this file bills under it.
    const coverageStart = new Map<string, string>();
    for (const m of good) {
      const k = `${patientKey(m.patient)}|${m.payer.payerId}|${m.coverage.memberId}`;
      const cur = coverageStart.get(k);
      if (!cur || m.claim.serviceDateFrom < cur) coverageStart.set(k, m.claim.serviceDateFrom);
    }

    const provider = (p: MappedParty & { npi: string; taxonomy: string | null }, role: 'billing' | 'rendering', extra?: MappedClaim['billing']): Provider => {
      let found = providerByNpi.get(p.npi);
      if (!found) {
        found = em.create(Provider, {
          npi: p.npi,
          entityType: p.entity,
          lastNameOrOrganization: p.last,
          firstName: p.first,
          taxonomyCode: p.taxonomy,
          taxId: extra?.taxId ?? null,
          isBilling: role === 'billing',
          isRendering: role === 'rendering',
          addressLine1: extra?.address?.line1 ?? null,
          city: extra?.address?.city ?? null,
          state: extra?.address?.state ?? null,
          postalCode: extra?.address?.postalCode ?? null,
        });
        providerByNpi.set(p.npi, found);
        created.providers++;
      } else if (role === 'billing' && !found.isBilling) found.isBilling = true;
      else if (role === 'rendering' && !found.isRendering) found.isRendering = true;
      return found;
    };

    const outcomes: ImportedClaimOutcome[] = [];
    const toScrub: { outcome: ImportedClaimOutcome; claim: Claim; payer: Payer }[] = [];
    for (const item of items) {
      const c = item.read;
      const outcome: ImportedClaimOutcome = { position: c.at.position, patientControlNumber: c.patientControlNumber, status: ImportedClaimStatus.NOT_IMPORTED, claim: null, scrub: null, notes: [...item.notes], problems: [...item.problems] };
      outcomes.push(outcome);
      const npi = c.billingProvider.name?.id ?? null;
      const existing = claimByPcn.get(c.patientControlNumber);
      if (existing && existing.npi === npi) {
        outcome.status = ImportedClaimStatus.ALREADY_IMPORTED;
        outcome.claim = existing.claim;
        outcome.notes = [existing.earlier ? 'the same claim (CLM01 and billing NPI) came earlier in this file' : 'this claim (CLM01 and billing NPI) was imported before; nothing changed'];
        if (existing.claim.totalChargeCents !== c.totalChargeCents) outcome.notes.push('the stored claim has a different CLM02: send corrections as a replacement claim (frequency 7)');
        outcome.problems = [];
        continue;
      }
      if (existing) {
        outcome.problems.push({ position: c.at.position, segmentId: 'CLM', reason: 'CLM01 is already used by a claim of another billing provider; claim numbers are unique in claimflow' });
        continue;
      }
      const m = item.mapped;
      if (!m) continue;

      const billing = provider(m.billing, 'billing', m.billing);
      const rendering = m.rendering ? provider(m.rendering, 'rendering') : null;
      let payer = payerById.get(m.payer.payerId);
      if (!payer) {
        const limits = DEFAULT_LIMITS[m.payer.filing] ?? OTHER_LIMITS;
        payer = em.create(Payer, { name: m.payer.name, payerId: m.payer.payerId, claimFilingIndicator: m.payer.filing, ...limits, ruleSetKey });
        payerById.set(m.payer.payerId, payer);
        created.payers++;
        outcome.notes.push(`a new payer was created with ${limits.timelyFilingDays} days timely filing and ${limits.appealDays} days to appeal: review them`);
      }
      const pk = patientKey(m.patient);
      let patient = patientByKey.get(pk);
      if (!patient) {
        const p = m.patient;
        patient = em.create(Patient, { firstName: p.first, middleName: p.middle, lastName: p.last, birthDate: p.birthDate, sex: p.sex, addressLine1: p.line1, addressLine2: p.line2, city: p.city, state: p.state, postalCode: p.postalCode });
        patientByKey.set(pk, patient);
        created.patients++;
      }
      const ck = `${patient.id}|${payer.id}|${m.coverage.memberId}`;
      let coverage = coverageByKey.get(ck);
      if (!coverage) {
        const v = m.coverage;
        coverage = em.create(Coverage, {
          patient,
          payer,
          memberId: v.memberId,
          groupNumber: v.groupNumber,
          relationship: v.relationship,
          subscriberFirstName: v.subscriberFirst,
          subscriberLastName: v.subscriberLast,
          subscriberBirthDate: v.subscriberBirthDate,
          subscriberSex: v.subscriberSex,
          effectiveFrom: coverageStart.get(`${pk}|${m.payer.payerId}|${v.memberId}`) ?? m.claim.serviceDateFrom,
          effectiveTo: null,
          order: v.order,
        });
        coverageByKey.set(ck, coverage);
        created.coverages++;
      } else if (!coverage.isActiveOn(m.claim.serviceDateFrom)) outcome.notes.push('the coverage found for this claim is not in force on its date of service');

      const mc = m.claim;
      const claim = em.create(Claim, {
        patient,
        payer,
        coverage,
        encounter: null,
        billingProvider: billing,
        renderingProvider: rendering,
        patientControlNumber: mc.patientControlNumber,
        frequency: mc.frequency,
        payerClaimNumber: mc.payerClaimNumber,
        priorAuthNumber: mc.priorAuthNumber,
        placeOfService: mc.placeOfService,
        serviceDateFrom: mc.serviceDateFrom,
        serviceDateTo: mc.serviceDateTo,
        totalChargeCents: mc.totalChargeCents,
      });
      mc.diagnoses.forEach((code, i) => em.create(ClaimDiagnosis, { claim, position: i + 1, code }));
      for (const l of mc.lines) em.create(ClaimLine, { claim, ...l });
      em.create(ClaimHistory, { claim, action: ClaimHistoryAction.CREATED, actor: ctx.principal.sub, actorRole: ctx.principal.role, requestId: ctx.requestId, changedFields: ['*'], claimVersion: 1 });
      claimByPcn.set(mc.patientControlNumber, { claim, npi: m.billing.npi, earlier: true });
      outcome.status = ImportedClaimStatus.IMPORTED;
      outcome.claim = claim;
      toScrub.push({ outcome, claim, payer });
    }
    await em.flush();

    // Scrub: READY through the claim lifecycle, which scrubs against the payer's rules.
    const claims = new ClaimService(ctx);
    const snapshot = ctx.rules?.currentOrNull() ?? null;
    for (const { outcome, claim, payer } of toScrub) {
      const key = payer.ruleSetKey;
      if (!snapshot) {
        outcome.notes.push('no payer rules are loaded here: the claim stays DRAFT');
        continue;
      }
      if (!key || !snapshot.ruleSets.has(key)) {
        outcome.notes.push(key ? 'the payer\'s rule set is not loaded: the claim stays DRAFT' : 'the payer has no rule set (ruleSetKey): the claim stays DRAFT until one is assigned and it is moved to READY');
        continue;
      }
      const moved = await claims.transition(claim, ClaimStatus.READY);
      outcome.scrub = moved.scrub;
      if (!moved.moved) outcome.notes.push(`the scrub found ${moved.scrub?.errorCount ?? 0} ERROR finding(s): the claim stays DRAFT`);
    }
    return { claims: outcomes, created };
  }
}
