/**
 * Loop-aware reader of 005010X222A1 (837P) files into the neutral document of ./model.ts.
 *
 * The envelopes come from ../reader.ts (any separators, one or many segments per line, several
 * ISA/GS/ST per file). Within a transaction this walks the loops of the implementation guide:
 * 1000A/B; HL 20 → 2000A/2010AA (billing provider); HL 22 → 2000B/2010BA/2010BB (subscriber,
 * payer); HL 23 → 2000C/2010CA (patient, only when not the subscriber); CLM → 2300 with 2310A–F,
 * 2320/2330 (other payers); LX → 2400 with 2410/2420/2430/2440. Segments that are not mapped are
 * skipped, and a segment is only ever read in its own loop: the N3/N4 after NM1*87 (pay-to, 2010AB)
 * are not the billing address, the NM1*82 after a 2320 SBR (2330D, the other payer's rendering
 * provider) is not the claim's rendering provider, a REF*6R or DTP inside 2410–2440 is not the
 * line's.
 *
 * The hierarchy is read by position, as the guide lays the loops out (a 2000B follows its 2000A,
 * a 2000C its 2000B); HL02 parent ids that disagree are reported as warnings, because published
 * samples number them wrongly while their order is unambiguous.
 *
 * Refused with X12Error (segment position and reason, never a data value): anything that is not
 * an 837P 5010 (a 999/997/835, an 837I or 837D, version 4010), broken envelopes, data that
 * breaks its X12 type (a non-numeric amount, an impossible date), and mapped segments outside
 * their loop (an SV1 before LX, a CLM before any subscriber level, HI among the service lines).
 */
import { comps, el, readInterchanges, tokenize, X12Error, type Segment, type Separators } from '../reader';
import { decodeX12 } from './decode';
import type { Address837, At, BillingProvider837, Claim837, Demographics837, Diagnosis837, Line837, Name837, Patient837, Read837Result, Subscriber837, X12Warning } from './model';

/** 005010X222 (original), X222A1 (the adopted errata) and X222A2 (later errata) are one layout. */
export const VERSION_837P = '005010X222';
const DIAGNOSIS_QUALIFIERS = new Set(['ABK', 'ABF', 'BK', 'BF']);

/** A code value from the file, echoed in a message only when it looks like a code. */
function shown(v: string): string {
  return /^[A-Z0-9]{1,12}$/i.test(v) ? v : 'an unexpected value';
}

export function checkVersion(version: string, seg: Segment): void {
  if (version === '' || version.startsWith(VERSION_837P)) return;
  if (version.startsWith('005010X223')) throw new X12Error(seg.position, seg.id, `version ${shown(version)} is the institutional 837 (837I); only professional claims (837P, 005010X222A1) are imported`);
  if (version.startsWith('005010X224')) throw new X12Error(seg.position, seg.id, `version ${shown(version)} is the dental 837 (837D); only professional claims (837P, 005010X222A1) are imported`);
  if (version.startsWith('004010')) throw new X12Error(seg.position, seg.id, `version ${shown(version)} is 4010; only 5010 professional claims (005010X222A1) are imported`);
  throw new X12Error(seg.position, seg.id, `version ${shown(version)} is not 005010X222A1 (837P)`);
}

/**
 * Before the envelopes are checked: is this an 837P at all? A 999/997 acknowledgment or an 835
 * is refused for what it is, not for an envelope problem further down.
 */
function precheck(text: string): void {
  for (const chunk of tokenize(text)) {
    for (const s of chunk.segments) {
      if (s.id === 'GS') {
        const fid = el(s, 1);
        if (fid !== 'HC') {
          const what = fid === 'FA' ? ' (it holds acknowledgments, e.g. a 999 or 997)' : fid === 'HP' ? ' (it holds 835 remittances)' : '';
          throw new X12Error(s.position, 'GS', `functional group ${shown(fid)} is not HC (health care claims)${what}: this file is not an 837`);
        }
        checkVersion(el(s, 8), s);
      } else if (s.id === 'ST') {
        const type = el(s, 1);
        if (type !== '837') {
          const what = type === '999' || type === '997' ? ' (an acknowledgment)' : type === '835' ? ' (a remittance)' : '';
          throw new X12Error(s.position, 'ST', `transaction set ${shown(type)}${what} is not an 837 claim`);
        }
        checkVersion(el(s, 3), s);
      }
    }
  }
}

/** Reads an 837P file (text, or bytes in UTF-8/UTF-16). Throws X12Error when it cannot be read. */
export function read837p(input: string | Uint8Array): Read837Result {
  const text = typeof input === 'string' ? input.replace(/^\uFEFF/, '') : decodeX12(input);
  precheck(text);
  const interchanges = readInterchanges(text);
  const warnings: X12Warning[] = interchanges.flatMap((i) => i.warnings.map((w) => ({ position: w.position, segmentId: w.segmentId, reason: w.reason })));
  const claims: Claim837[] = [];
  let transactions = 0;
  for (const ic of interchanges) {
    for (const g of ic.groups) {
      for (const t of g.transactions) {
        transactions++;
        claims.push(...walkTransaction(t.segments, ic.separators, ic.controlNumber, t.controlNumber, warnings));
      }
    }
  }
  return { interchanges: interchanges.map((i) => ({ controlNumber: i.controlNumber, sender: i.sender, receiver: i.receiver })), transactions, claims, warnings };
}

// ---- data types (X12.6: R decimal, N0 integer, DT date) -------------------------------------

/** An R (decimal) amount in exact integer cents, from its text: no float math. */
export function parseAmountCents(raw: string, seg: Segment, element: string): number {
  const m = /^(-)?(\d*)(?:\.(\d*))?$/.exec(raw);
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) throw new X12Error(seg.position, seg.id, `${element} is not a decimal amount`);
  const frac = m[3] ?? '';
  if (/[1-9]/.test(frac.slice(2))) throw new X12Error(seg.position, seg.id, `${element} has more than 2 decimal places`);
  const cents = Number(m[2] || '0') * 100 + Number((frac + '00').slice(0, 2));
  if (!Number.isSafeInteger(cents)) throw new X12Error(seg.position, seg.id, `${element} is too large`);
  return m[1] ? -cents : cents;
}

/** An R (decimal) quantity, checked and kept as written. */
function parseDecimal(raw: string, seg: Segment, element: string): string {
  if (!/^-?(\d+(\.\d*)?|\.\d+)$/.test(raw)) throw new X12Error(seg.position, seg.id, `${element} is not a decimal number`);
  return raw;
}

/** CCYYMMDD → YYYY-MM-DD, a real calendar date. */
export function parseD8(raw: string, seg: Segment, element: string): string {
  const m = /^(\d{4})(\d{2})(\d{2})$/.exec(raw);
  if (m) {
    const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
    const days = new Date(Date.UTC(y, mo, 0)).getUTCDate();
    if (mo >= 1 && mo <= 12 && d >= 1 && d <= days) return `${m[1]}-${m[2]}-${m[3]}`;
  }
  throw new X12Error(seg.position, seg.id, `${element} is not a date (CCYYMMDD)`);
}

/** A diagnosis pointer (N0, 1–12). "1.00" is read as 1: a published sample writes it that way. */
function parsePointer(raw: string, seg: Segment, element: string): number {
  const m = /^(\d{1,2})(?:\.0*)?$/.exec(raw);
  if (!m) throw new X12Error(seg.position, seg.id, `${element} is not a diagnosis pointer (a whole number)`);
  return Number(m[1]);
}

// ---- segments -----------------------------------------------------------------------------

const at = (s: Segment): At => ({ position: s.position, segmentId: s.id });

function readName(s: Segment): Name837 {
  const type = el(s, 2);
  if (type !== '1' && type !== '2') throw new X12Error(s.position, s.id, 'NM102 must be 1 (person) or 2 (organization)');
  return {
    at: at(s),
    entity: type === '1' ? 'PERSON' : 'ORGANIZATION',
    last: el(s, 3),
    first: el(s, 4) || null,
    middle: el(s, 5) || null,
    suffix: el(s, 7) || null,
    idQualifier: el(s, 8) || null,
    id: el(s, 9) || null,
  };
}

function readDemographics(s: Segment): Demographics837 {
  const format = el(s, 1);
  const raw = el(s, 2);
  if (raw && format !== 'D8') throw new X12Error(s.position, s.id, 'DMG01 must be D8 (a CCYYMMDD date)');
  return { at: at(s), birthDate: raw ? parseD8(raw, s, 'DMG02') : null, sex: el(s, 3) || null };
}

type Loop =
  | 'HEADER'
  | '2000A'
  | '2010AA'
  | '2010A-OTHER'
  | '2000B'
  | '2010BA'
  | '2010BB'
  | '2010B-OTHER'
  | '2000C'
  | '2010CA'
  | '2010C-OTHER'
  | '2300'
  | '2310B'
  | '2310-OTHER'
  | '2320'
  | '2400'
  | '2400-SUB';

/**
 * The component separator a transaction really uses. Some published samples declare ":" in ISA16
 * and write "11>B>1" in CLM05. CLM05 is always three components (POS, B, frequency), so when the
 * first CLM05 has none of the declared separator but exactly that shape with another punctuation
 * character, that character is the one the sender used (reported as a warning).
 */
function effectiveSeparators(segments: Segment[], sep: Separators, warn: (s: Segment, reason: string) => void): Separators {
  const first = segments.find((s) => s.id === 'CLM');
  if (!first) return sep;
  const clm05 = el(first, 5);
  if (clm05.includes(sep.component)) return sep;
  const m = /^[0-9A-Z]{1,2}([^0-9A-Za-z\s])[A-Z]\1[0-9A-Z]$/.exec(clm05);
  if (!m || m[1] === sep.element || m[1] === sep.segment || m[1] === sep.repetition) return sep;
  warn(first, `CLM05 separates its components with "${m[1]}" although ISA16 declares "${sep.component}"; the transaction is read with "${m[1]}"`);
  return { ...sep, component: m[1]! };
}

function walkTransaction(segments: Segment[], declared: Separators, interchange: string | null, transaction: string, warnings: X12Warning[]): Claim837[] {
  const out: Claim837[] = [];
  const warn = (s: Segment, reason: string) => warnings.push({ position: s.position, segmentId: s.id, reason });
  const sep = effectiveSeparators(segments, declared, warn);
  let loop: Loop = 'HEADER';
  let level: '20' | '22' | '23' | null = null;
  let billing: BillingProvider837 | null = null;
  let subscriber: Subscriber837 | null = null;
  let patient: Patient837 | null = null;
  let claim: Claim837 | null = null;
  let line: (Line837 & { hasSv1: boolean }) | null = null;
  const hlIds = new Set<string>();
  /** N3 waiting for its N4, per address-bearing loop. */
  let pendingN3: Segment | null = null;

  const finishLine = () => {
    if (!line) return;
    if (!line.hasSv1) throw new X12Error(line.at.position, 'LX', 'this service line (2400) has no SV1');
    const { hasSv1: _drop, ...done } = line;
    claim!.lines.push(done);
    line = null;
  };
  const finishClaim = () => {
    if (!claim) return;
    finishLine();
    if (claim.lines.length === 0) throw new X12Error(claim.at.position, 'CLM', 'this claim has no service line (loop 2400: LX and SV1)');
    out.push(claim);
    claim = null;
  };
  const address = (s: Segment): Address837 | null => {
    // N4 completes the N3 before it; an N4 alone (a foreign address without street) is kept too.
    const n3 = pendingN3;
    pendingN3 = null;
    return { at: at(n3 ?? s), line1: n3 ? el(n3, 1) : '', line2: n3 ? el(n3, 2) || null : null, city: el(s, 1), state: el(s, 2), postalCode: el(s, 3) };
  };

  for (const s of segments) {
    switch (s.id) {
      case 'ST':
      case 'BHT':
        continue;
      case 'SE':
        finishClaim();
        continue;
      case 'HL': {
        finishClaim();
        pendingN3 = null;
        const id = el(s, 1);
        const parent = el(s, 2);
        const code = el(s, 3);
        if (!/^\d+$/.test(id)) throw new X12Error(s.position, 'HL', 'HL01 is not a number');
        if (hlIds.has(id)) warn(s, `HL01 ${id} repeats an earlier HL id of this transaction (read by position)`);
        hlIds.add(id);
        if (code === '20') {
          if (parent) warn(s, 'a billing provider level (HL03 20) has a parent id (read as the top level)');
          billing = { at: at(s), hlId: id, taxonomy: null, name: null, address: null, taxId: null };
          subscriber = null;
          patient = null;
          level = '20';
          loop = '2000A';
        } else if (code === '22') {
          if (!billing) throw new X12Error(s.position, 'HL', 'a subscriber level (HL03 22) comes before any billing provider level (20)');
          if (parent !== billing.hlId) warn(s, `HL02 does not name the billing provider level before it (HL ${billing.hlId}); read by position`);
          subscriber = { at: at(s), hlId: id, payerResponsibility: '', relationship: null, groupNumber: null, filingIndicator: null, name: null, address: null, demographics: null, payer: null };
          patient = null;
          level = '22';
          loop = '2000B';
        } else if (code === '23') {
          if (!subscriber) throw new X12Error(s.position, 'HL', 'a patient level (HL03 23) comes before any subscriber level (22)');
          if (parent !== subscriber.hlId) warn(s, `HL02 does not name the subscriber level before it (HL ${subscriber.hlId}); read by position`);
          patient = { at: at(s), hlId: id, relationship: '', name: null, address: null, demographics: null };
          level = '23';
          loop = '2000C';
        } else {
          throw new X12Error(s.position, 'HL', `HL03 ${shown(code)} is not a level of the 837P (20 billing provider, 22 subscriber, 23 patient)`);
        }
        continue;
      }
      case 'PRV':
        if (loop === '2000A' && el(s, 1) === 'BI') billing!.taxonomy = el(s, 3) || null;
        else if (loop === '2310B' && el(s, 1) === 'PE') claim!.renderingTaxonomy = el(s, 3) || null;
        continue;
      case 'SBR':
        if (claim) {
          // 2320: the claim's other payers. Everything up to the first LX belongs to 2320/2330.
          finishLine();
          loop = '2320';
        } else if (level === '22' && subscriber) {
          subscriber.payerResponsibility = el(s, 1);
          subscriber.relationship = el(s, 2) || null;
          subscriber.groupNumber = el(s, 3) || null;
          subscriber.filingIndicator = el(s, 9) || null;
          loop = '2000B';
        } else {
          warn(s, 'an SBR outside a subscriber level is ignored');
        }
        continue;
      case 'PAT':
        if (!claim && level === '23' && patient) patient.relationship = el(s, 1);
        continue;
      case 'NM1': {
        pendingN3 = null;
        const code = el(s, 1);
        if (claim) {
          if (loop === '2400' || loop === '2400-SUB') loop = '2400-SUB';
          else if (loop === '2320') continue; // 2330A–G: other subscriber, other payer and its providers
          else if (code === '82') {
            claim.rendering = readName(s);
            loop = '2310B';
          } else loop = '2310-OTHER';
          continue;
        }
        if (level === null) continue; // 1000A submitter, 1000B receiver
        if (level === '20') {
          if (code === '85') {
            billing!.name = readName(s);
            loop = '2010AA';
          } else loop = '2010A-OTHER';
        } else if (level === '22') {
          if (code === 'IL') {
            subscriber!.name = readName(s);
            loop = '2010BA';
          } else if (code === 'PR') {
            subscriber!.payer = readName(s);
            loop = '2010BB';
          } else loop = '2010B-OTHER';
        } else {
          if (code === 'QC') {
            patient!.name = readName(s);
            loop = '2010CA';
          } else loop = '2010C-OTHER';
        }
        continue;
      }
      case 'N3':
        pendingN3 = loop === '2010AA' || loop === '2010BA' || loop === '2010CA' ? s : null;
        continue;
      case 'N4':
        if (loop === '2010AA') billing!.address = address(s);
        else if (loop === '2010BA') subscriber!.address = address(s);
        else if (loop === '2010CA') patient!.address = address(s);
        pendingN3 = null;
        continue;
      case 'DMG':
        if (loop === '2010BA') subscriber!.demographics = readDemographics(s);
        else if (loop === '2010CA') patient!.demographics = readDemographics(s);
        continue;
      case 'REF': {
        const q = el(s, 1);
        if (loop === '2010AA' && q === 'EI') billing!.taxId = el(s, 2) || null;
        else if (loop === '2300' && q === 'F8') claim!.payerClaimNumber = el(s, 2) || null;
        else if (loop === '2300' && q === 'G1') claim!.priorAuthNumber = el(s, 2) || null;
        else if (loop === '2400' && q === '6R') line!.lineControlNumber = el(s, 2) || null;
        continue;
      }
      case 'CLM': {
        finishClaim();
        pendingN3 = null;
        if (!subscriber || !billing || level === '20') throw new X12Error(s.position, 'CLM', 'a claim (CLM) comes before any subscriber level (HL03 22)');
        const pcn = el(s, 1);
        if (!pcn) throw new X12Error(s.position, 'CLM', 'CLM01 (patient control number) is empty');
        const clm05 = comps(s, 5, sep);
        const facility = clm05[1] ?? '';
        if (facility === 'A') throw new X12Error(s.position, 'CLM', 'CLM05-2 is A (a UB-04 bill type): this is an institutional claim (837I); only professional claims (837P) are imported');
        claim = {
          at: at(s),
          interchange,
          transaction,
          billingProvider: billing,
          subscriber,
          patient: level === '23' ? patient : null,
          patientControlNumber: pcn,
          totalChargeCents: parseAmountCents(el(s, 2), s, 'CLM02'),
          placeOfService: clm05[0] ?? '',
          facilityQualifier: facility,
          frequency: clm05[2] ?? '',
          payerClaimNumber: null,
          priorAuthNumber: null,
          diagnoses: [],
          rendering: null,
          renderingTaxonomy: null,
          lines: [],
        };
        loop = '2300';
        continue;
      }
      case 'HI':
        if (!claim) throw new X12Error(s.position, 'HI', 'HI (diagnoses) outside a claim (loop 2300)');
        if (line) throw new X12Error(s.position, 'HI', 'HI (diagnoses) among the service lines: it belongs to loop 2300, before the first LX');
        if (loop === '2320') continue;
        claim.diagnoses.push(...readDiagnoses(s, sep, warn));
        continue;
      case 'LX': {
        if (!claim) throw new X12Error(s.position, 'LX', 'a service line (LX) outside a claim (CLM)');
        finishLine();
        const n = el(s, 1);
        if (!/^\d{1,6}$/.test(n)) throw new X12Error(s.position, 'LX', 'LX01 is not a line number');
        if (Number(n) !== claim.lines.length + 1) warn(s, `LX01 ${n} is not the line's position in its claim (${claim.lines.length + 1}); lines are kept in file order`);
        line = { at: at(s), assignedNumber: Number(n), procedureQualifier: '', procedureCode: '', modifiers: [], description: null, chargeCents: 0, unitBasis: '', units: '', placeOfService: null, pointers: [], serviceDateFrom: null, serviceDateTo: null, lineControlNumber: null, hasSv1: false };
        loop = '2400';
        continue;
      }
      case 'SV1': {
        if (!line || loop !== '2400') throw new X12Error(s.position, 'SV1', 'SV1 outside a service line (loop 2400 starts with LX)');
        if (line.hasSv1) throw new X12Error(s.position, 'SV1', 'a second SV1 in one service line');
        const proc = comps(s, 1, sep);
        if (!proc[0] || !proc[1]) throw new X12Error(s.position, 'SV1', 'SV101 needs a qualifier and a procedure code (e.g. HC:99213)');
        line.procedureQualifier = proc[0];
        line.procedureCode = proc[1];
        line.modifiers = proc.slice(2, 6).filter((m) => m !== '');
        line.description = proc[6] || null;
        line.chargeCents = parseAmountCents(el(s, 2), s, 'SV102');
        line.unitBasis = el(s, 3);
        if (!el(s, 4)) throw new X12Error(s.position, 'SV1', 'SV104 (units) is empty');
        line.units = parseDecimal(el(s, 4), s, 'SV104');
        line.placeOfService = el(s, 5) || null;
        line.pointers = comps(s, 7, sep).filter((p) => p !== '').map((p, i) => parsePointer(p, s, `SV107-${i + 1}`));
        line.hasSv1 = true;
        continue;
      }
      case 'SV2':
      case 'CL1':
        throw new X12Error(s.position, s.id, `${s.id} is an institutional segment: this is an 837I; only professional claims (837P) are imported`);
      case 'SV3':
        throw new X12Error(s.position, s.id, 'SV3 is a dental segment: this is an 837D; only professional claims (837P) are imported');
      case 'DTP':
        if (loop === '2400' && el(s, 1) === '472') {
          const format = el(s, 2);
          const value = el(s, 3);
          if (format === 'D8') line!.serviceDateFrom = line!.serviceDateTo = parseD8(value, s, 'DTP03');
          else if (format === 'RD8') {
            const [a, b] = value.split('-');
            line!.serviceDateFrom = parseD8(a ?? '', s, 'DTP03');
            line!.serviceDateTo = parseD8(b ?? '', s, 'DTP03');
            if (line!.serviceDateTo < line!.serviceDateFrom) throw new X12Error(s.position, 'DTP', 'DTP03 ends before it starts');
          } else throw new X12Error(s.position, 'DTP', 'DTP02 must be D8 or RD8');
        }
        continue;
      case 'LIN':
      case 'SVD':
      case 'LQ':
        // 2410 drug, 2430 line adjudication, 2440 form: nothing in them is the line's own.
        if (line) loop = '2400-SUB';
        continue;
      default:
        continue;
    }
  }
  finishClaim();
  return out;
}

/**
 * HI01–HI12: qualifier:code composites. Only diagnosis qualifiers are read (ABK/ABF ICD-10-CM,
 * BK/BF ICD-9-CM); other code lists in HI (anesthesia BP, condition codes BG, …) are skipped.
 */
function readDiagnoses(s: Segment, sep: Separators, warn: (s: Segment, reason: string) => void): Diagnosis837[] {
  const out: Diagnosis837[] = [];
  const n = s.elements.length;
  for (let i = 1; i <= n; i++) {
    const parts = comps(s, i, sep);
    if (parts.length === 0) continue;
    const qualifier = parts[0]!;
    let code = parts[1] ?? '';
    if (parts.length === 1) {
      // A published sample writes HI*BK*8901*BF*87200: qualifier and code as two elements. Read
      // the pair only when it is unambiguous (a diagnosis qualifier, then a bare code).
      const next = comps(s, i + 1, sep);
      if (DIAGNOSIS_QUALIFIERS.has(qualifier) && next.length === 1 && !DIAGNOSIS_QUALIFIERS.has(next[0]!)) {
        code = next[0]!;
        warn(s, `HI0${i} and HI0${i + 1} hold a qualifier and a code as separate elements; read as one composite`);
        i++;
      } else {
        throw new X12Error(s.position, 'HI', `HI${String(i).padStart(2, '0')} is not a qualifier:code composite`);
      }
    }
    if (!DIAGNOSIS_QUALIFIERS.has(qualifier)) continue;
    if (!code) throw new X12Error(s.position, 'HI', `HI${String(i).padStart(2, '0')} has a qualifier but no diagnosis code`);
    out.push({ at: { position: s.position, segmentId: 'HI' }, qualifier, code });
  }
  return out;
}
