/**
 * The 837P writer: claims (in the neutral shape below) → one 005010X222A1 interchange.
 *
 * Layout per transaction (implementation guide loops):
 *   ST, BHT, 1000A NM1*41 + PER, 1000B NM1*40,
 *   per billing provider: 2000A HL(20) [PRV*BI] + 2010AA NM1*85 (XX NPI), N3, N4, REF*EI;
 *     per subscriber (coverage): 2000B HL(22) SBR + 2010BA NM1*IL (MI member id) [N3 N4 DMG when
 *       the subscriber is the patient] + 2010BB NM1*PR (PI payer id);
 *       [2000C HL(23) PAT + 2010CA NM1*QC N3 N4 DMG — only when the patient is not the subscriber];
 *       per claim: 2300 CLM [REF*F8 on frequency 7/8] [REF*G1] HI [2310B NM1*82 + PRV*PE when the
 *         rendering provider is not the billing provider];
 *         per line: 2400 LX, SV1, DTP*472, REF*6R;
 *   SE.
 * HL ids run 1, 2, 3… within each transaction; HL04 says whether child levels follow. A batch of
 * more than `maxClaimsPerTransaction` claims is split into several transactions in one group:
 * the guide recommends at most 5000 CLM segments per ST–SE.
 */
import { X12Writer, stamp, type WriterOptions } from '../writer';
import { bht, clm, dmg, dtp472, hi, lx, n3, n4, nm1, pat, per, prv, ref, sbr, sv1, type Party, type PostalAddress } from './segments';

export const VERSION_837P_WRITTEN = '005010X222A1';
/** The 005010X222A1 guide (front matter, transaction set size) recommends limiting an ST–SE envelope to 5000 CLM segments. */
export const MAX_CLAIMS_PER_TRANSACTION = 5000;

export interface ExportProvider {
  npi: string;
  name: Party;
  address: PostalAddress | null;
  /** 9-digit EIN (REF*EI). */
  taxId: string | null;
  taxonomy: string | null;
}

export interface ExportLine {
  procedureCode: string;
  modifiers: readonly string[];
  chargeCents: number;
  units: number;
  pointers: readonly number[];
  /** YYYY-MM-DD. */
  serviceDate: string;
  lineControlNumber: string;
}

export interface ExportClaim {
  billingProvider: ExportProvider;
  payer: { name: string; payerId: string; filingIndicator: string };
  subscriber: {
    /** Claims with the same key share one 2000B (one coverage). */
    key: string;
    responsibility: 'P' | 'S' | 'T';
    memberId: string;
    groupNumber: string | null;
    /** The subscriber's name when they are not the patient (2010BA); ignored otherwise. */
    name: Party | null;
  };
  /** PAT01 when the patient is not the subscriber; null when they are (SBR02 = 18). */
  patientRelationship: string | null;
  patient: { name: Party; address: PostalAddress; birthDate: string; sex: string };
  patientControlNumber: string;
  totalChargeCents: number;
  placeOfService: string;
  frequency: string;
  payerClaimNumber: string | null;
  priorAuthNumber: string | null;
  diagnoses: readonly string[];
  rendering: { npi: string; name: Party; taxonomy: string | null } | null;
  lines: readonly ExportLine[];
}

export interface Envelope837 {
  senderQualifier?: string;
  senderId: string;
  receiverQualifier?: string;
  receiverId: string;
  usage: 'P' | 'T';
  at: Date;
  interchangeControlNumber: number;
  groupControlNumber: number;
  /** ST02 of the first transaction; the next ones follow (+1 each). */
  firstTransactionControlNumber: number;
  submitter: { name: string; id: string; contactName: string; contactPhone: string };
  receiver: { name: string; id: string };
}

export interface Written837 {
  text: string;
  transactions: { controlNumber: string; claimCount: number; segmentCount: number }[];
  /** For each input claim (same order), the ST02 of the transaction that carries it. */
  claimTransaction: string[];
}

export interface Write837Options extends WriterOptions {
  maxClaimsPerTransaction?: number;
}

export function transactionCountFor(claims: number, max = MAX_CLAIMS_PER_TRANSACTION): number {
  return Math.max(1, Math.ceil(claims / max));
}

/** ST02: at least 4 digits (ST02 is AN 4/9). */
export function transactionControlNumber(n: number): string {
  return String(n).padStart(4, '0');
}

export function write837p(claims: readonly ExportClaim[], env: Envelope837, opts: Write837Options = {}): Written837 {
  if (claims.length === 0) throw new Error('an 837P needs at least one claim');
  const max = opts.maxClaimsPerTransaction ?? MAX_CLAIMS_PER_TRANSACTION;
  const w = new X12Writer(opts);
  // Group by billing provider, then subscriber; keep the input order otherwise (stable sort).
  const order = claims.map((_, i) => i).sort((a, b) => {
    const x = claims[a]!;
    const y = claims[b]!;
    return x.billingProvider.npi.localeCompare(y.billingProvider.npi) || x.subscriber.key.localeCompare(y.subscriber.key) || a - b;
  });
  const { date, time } = stamp(env.at);
  w.beginInterchange({ senderQualifier: env.senderQualifier, senderId: env.senderId, receiverQualifier: env.receiverQualifier, receiverId: env.receiverId, at: env.at, controlNumber: env.interchangeControlNumber, usage: env.usage });
  w.beginGroup({ functionalId: 'HC', senderCode: env.senderId, receiverCode: env.receiverId, controlNumber: env.groupControlNumber, version: VERSION_837P_WRITTEN });
  const transactions: Written837['transactions'] = [];
  const claimTransaction = new Array<string>(claims.length);
  for (let start = 0, t = 0; start < order.length; start += max, t++) {
    const chunk = order.slice(start, start + max);
    const st02 = transactionControlNumber(env.firstTransactionControlNumber + t);
    w.beginTransaction('837', st02, VERSION_837P_WRITTEN);
    w.write(bht(st02, date, time.slice(0, 4)));
    // 1000A submitter (46 = electronic transmitter identification number) and 1000B receiver.
    w.write(nm1('41', { entity: 'ORGANIZATION', last: env.submitter.name }, '46', env.submitter.id));
    w.write(per(env.submitter.contactName, env.submitter.contactPhone));
    w.write(nm1('40', { entity: 'ORGANIZATION', last: env.receiver.name }, '46', env.receiver.id));
    let i = 0;
    while (i < chunk.length) {
      const billing = claims[chunk[i]!]!.billingProvider;
      const bp = w.hl(null, '20', true);
      if (billing.taxonomy) w.write(prv('BI', billing.taxonomy));
      w.write(nm1('85', billing.name, 'XX', billing.npi));
      if (billing.address) {
        w.write(n3(billing.address));
        w.write(n4(billing.address));
      }
      if (billing.taxId) w.write(ref('EI', billing.taxId));
      while (i < chunk.length && claims[chunk[i]!]!.billingProvider.npi === billing.npi) {
        const first = claims[chunk[i]!]!;
        const self = first.patientRelationship === null;
        const sub = w.hl(bp, '22', !self);
        w.write(sbr(first.subscriber.responsibility, self, first.subscriber.groupNumber, first.payer.filingIndicator));
        if (self) {
          w.write(nm1('IL', first.patient.name, 'MI', first.subscriber.memberId));
          w.write(n3(first.patient.address));
          w.write(n4(first.patient.address));
          w.write(dmg(first.patient.birthDate, first.patient.sex));
        } else {
          // 2010BA N3/N4/DMG are required only when the subscriber is the patient.
          w.write(nm1('IL', first.subscriber.name ?? { entity: 'PERSON', last: '' }, 'MI', first.subscriber.memberId));
        }
        w.write(nm1('PR', { entity: 'ORGANIZATION', last: first.payer.name }, 'PI', first.payer.payerId));
        if (!self) {
          w.hl(sub, '23', false);
          w.write(pat(first.patientRelationship!));
          // 2010CA NM108/NM109 are not used in 5010: the patient is named, not identified.
          w.write(nm1('QC', first.patient.name));
          w.write(n3(first.patient.address));
          w.write(n4(first.patient.address));
          w.write(dmg(first.patient.birthDate, first.patient.sex));
        }
        const key = first.subscriber.key;
        while (i < chunk.length && claims[chunk[i]!]!.billingProvider.npi === billing.npi && claims[chunk[i]!]!.subscriber.key === key) {
          const index = chunk[i]!;
          writeClaim(w, claims[index]!);
          claimTransaction[index] = st02;
          i++;
        }
      }
    }
    const segmentCount = w.endTransaction();
    transactions.push({ controlNumber: st02, claimCount: chunk.length, segmentCount });
  }
  w.endGroup();
  w.endInterchange();
  return { text: w.toString(), transactions, claimTransaction };
}

function writeClaim(w: X12Writer, c: ExportClaim): void {
  w.write(clm(c.patientControlNumber, c.totalChargeCents, c.placeOfService, c.frequency));
  // REF*F8: "Required when CLM05-3 (Claim Frequency Code) indicates this claim is a replacement or void to a previously adjudicated claim."
  if ((c.frequency === '7' || c.frequency === '8') && c.payerClaimNumber) w.write(ref('F8', c.payerClaimNumber));
  if (c.priorAuthNumber) w.write(ref('G1', c.priorAuthNumber));
  if (c.diagnoses.length > 0) w.write(hi(c.diagnoses));
  // 2310B: "Required when the Rendering Provider NM1 information is different than that carried in the 2010AA Billing Provider loop."
  if (c.rendering && c.rendering.npi !== c.billingProvider.npi) {
    w.write(nm1('82', c.rendering.name, 'XX', c.rendering.npi));
    if (c.rendering.taxonomy) w.write(prv('PE', c.rendering.taxonomy));
  }
  c.lines.forEach((line, n) => {
    w.write(lx(n + 1));
    w.write(sv1({ procedureCode: line.procedureCode, modifiers: line.modifiers, chargeCents: line.chargeCents, units: line.units, pointers: line.pointers }));
    w.write(dtp472(line.serviceDate));
    w.write(ref('6R', line.lineControlNumber));
  });
}
