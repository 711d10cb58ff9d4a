import { comps, el, readInterchanges, shown, X12Error, type Segment, type Separators, type Transaction } from '../reader';
import type {
  Adjustment835,
  ClaimPayment835,
  Procedure835,
  ProviderAdjustment835,
  Remittance835,
  Remittance835File,
  ServicePayment835,
  X12Warning,
} from './model';
import { MAX_CENTS, parseCents, parseDate, parseQuantity } from './values';

/**
 * A loop-aware reader of 005010X221A1 (835) transactions into the neutral model (model.ts).
 *
 * What refuses the file (X12Error naming the segment position and the reason, never a value):
 * a transaction that is not an 835 or not version 5010 (4010 remittances differ in loops and code
 * lists), a missing or repeated BPR, CLP/SVC/CAS/LQ outside their loops, an amount or quantity that
 * is present but not a decimal number, a claim without CLP01 or with an unknown CLP02, a CAS or
 * PLB reason without its amount, a segment after the PLB summary.
 *
 * What is accepted with a warning, because real payers' files have it (see the sample files in
 * ../shared/data/x12/835/5010): an empty CLP03/CLP04 or SVC02/SVC03 (read as 0 — e.g. the last
 * CLP of OopFactory's Example1, the third SVC of the Blue Cross NC sample), an SVC01 without a
 * procedure code, a date that is not a calendar date (read as absent — e.g. BPR16 20002316 in
 * LinuxForHealth's managed-care sample), group code CR (retired in 5010), a missing version.
 */

/** CLP02 claim status codes of 005010X221A1. */
export const CLAIM_STATUS_CODES = new Set(['1', '2', '3', '4', '19', '20', '21', '22', '23', '25']);
/** CAS01 claim adjustment group codes; CR (corrections and reversals) was retired in 5010 but still appears. */
const GROUP_CODES = new Set(['CO', 'PR', 'OA', 'PI', 'CR']);

export function read835(text: string): Remittance835File {
  const warnings: X12Warning[] = [];
  const transactions: Remittance835[] = [];
  for (const ic of readInterchanges(text)) {
    for (const w of ic.warnings) warnings.push({ position: w.position, segmentId: w.segmentId, code: 'ENVELOPE', message: w.reason });
    for (const group of ic.groups) {
      for (const tx of group.transactions) {
        const st = tx.segments[0]!;
        if (tx.type !== '835') throw new X12Error(st.position, 'ST', `transaction ${transactions.length + 1} is a ${tx.type ? shown(tx.type) : 'transaction without ST01'}, not an 835 remittance`);
        checkVersion(tx, warnings);
        if ((ic.controlNumber ?? '').length > 9 || group.controlNumber.length > 9) throw new X12Error(st.position, 'ST', 'ISA13 or GS06 (control number) is longer than 9 characters');
        const reader = new TransactionReader(tx, ic.separators, warnings);
        transactions.push(reader.read({ interchangeControlNumber: ic.controlNumber, groupControlNumber: group.controlNumber || null, transactionIndex: transactions.length }));
      }
    }
  }
  if (transactions.length === 0) throw new X12Error(null, null, 'the file holds no 835 transaction (ST*835)');
  return { transactions, warnings };
}

/**
 * 5010 only: GS08 / ST03 005010X221A1 (or a bare 5010 as some senders write it). 4010
 * (004010X091A1) and unknown versions are refused rather than misread.
 */
function checkVersion(tx: Transaction, warnings: X12Warning[]): void {
  const st = tx.segments[0]!;
  const v = tx.version.trim().toUpperCase();
  if (v === '') {
    warnings.push({ position: st.position, segmentId: 'ST', code: 'VERSION_MISSING', message: 'no GS08 or ST03 version; read as 005010X221A1' });
    return;
  }
  if (/^(00)?5010/.test(v)) {
    if (/X\d{3}/.test(v) && !v.includes('X221')) throw new X12Error(st.position, 'ST', `version ${safe(v)} is not the 835 implementation guide (005010X221A1)`);
    if (v !== '005010X221A1') warnings.push({ position: st.position, segmentId: 'ST', code: 'VERSION', message: `version ${safe(v)} read as 005010X221A1` });
    return;
  }
  const what = v.startsWith('004010') ? `a 4010 remittance (${safe(v)})` : `version ${safe(v)}`;
  throw new X12Error(st.position, 'ST', `${what}, not 5010: only 005010X221A1 remittances are posted`);
}

function checkLength(seg: Segment, value: string, name: string, max: number): string {
  if (value.length > max) throw new X12Error(seg.position, seg.id, `${name} is longer than ${max} characters`);
  return value;
}

/** Codes and versions may be echoed; anything else is cut to a safe shape. */
function safe(v: string): string {
  return v.replace(/[^A-Z0-9.]/gi, '').slice(0, 20);
}

type Meta = Pick<Remittance835, 'interchangeControlNumber' | 'groupControlNumber' | 'transactionIndex'>;

class TransactionReader {
  private state: 'header' | 'payer' | 'payee' | 'claims' | 'summary' = 'header';
  private claim: ClaimPayment835 | null = null;
  private service: ServicePayment835 | null = null;
  private headerNumber: string | null = null;

  constructor(
    private readonly tx: Transaction,
    private readonly sep: Separators,
    private readonly warnings: X12Warning[],
  ) {}

  read(meta: Meta): Remittance835 {
    const segs = this.tx.segments;
    const st = segs[0]!;
    const bpr = segs[1];
    if (!bpr || bpr.id !== 'BPR') throw new X12Error(bpr?.position ?? st.position, bpr?.id ?? 'ST', 'BPR (financial information) must follow ST');
    const doc: Remittance835 = {
      ...meta,
      transactionControlNumber: checkLength(st, this.tx.controlNumber, 'ST02', 9),
      version: checkLength(st, this.tx.version, 'GS08/ST03', 12),
      position: st.position,
      endPosition: segs[segs.length - 1]!.position,
      paymentPosition: bpr.position,
      handlingCode: this.str(bpr, 1, 'BPR01', 2),
      paymentCents: this.money(bpr, 2, 'BPR02', 'refuse', Number.MAX_SAFE_INTEGER)!,
      creditDebit: this.str(bpr, 3, 'BPR03', 2),
      paymentMethod: this.str(bpr, 4, 'BPR04', 3),
      paymentDate: this.date(bpr, 16, 'BPR16'),
      traceType: null,
      traceNumber: null,
      traceOriginatorId: null,
      productionDate: null,
      payerName: null,
      payerIdentifier: null,
      payeeName: null,
      payeeIdQualifier: null,
      payeeId: null,
      claims: [],
      providerAdjustments: [],
    };
    if (!doc.handlingCode) throw new X12Error(bpr.position, 'BPR', 'BPR01 (transaction handling code) is empty');

    for (let i = 2; i < segs.length - 1; i++) {
      const seg = segs[i]!;
      if (this.state === 'summary' && seg.id !== 'PLB') throw new X12Error(seg.position, seg.id, 'only PLB may follow the first PLB (summary) before SE');
      switch (seg.id) {
        case 'BPR':
          throw new X12Error(seg.position, seg.id, 'a second BPR in one transaction');
        case 'TRN':
          if (this.state === 'header' && doc.traceNumber === null) {
            doc.traceType = this.str(seg, 1, 'TRN01', 2) || null;
            doc.traceNumber = this.str(seg, 2, 'TRN02', 50) || null;
            doc.traceOriginatorId = this.str(seg, 3, 'TRN03', 10) || null;
          }
          break;
        case 'DTM':
          this.dtm(seg, doc);
          break;
        case 'N1':
          this.n1(seg, doc);
          break;
        case 'REF':
          this.ref(seg, doc);
          break;
        case 'LX':
          this.closeClaim(doc);
          this.state = 'claims';
          this.headerNumber = el(seg, 1) || null;
          break;
        case 'CLP':
          this.closeClaim(doc);
          this.state = 'claims';
          this.claim = this.clp(seg);
          break;
        case 'CAS': {
          const target = this.service ?? this.claim;
          if (!target) throw new X12Error(seg.position, seg.id, 'CAS outside a claim payment (loop 2100) or service payment (loop 2110)');
          target.adjustments.push(...this.cas(seg));
          break;
        }
        case 'NM1':
          if (this.claim && !this.service) {
            this.claim.parties.push({ entity: el(seg, 1), lastName: el(seg, 3), firstName: el(seg, 4), idQualifier: el(seg, 8), id: el(seg, 9) });
          }
          break;
        case 'MIA':
          // MIA05 and MIA20–MIA23: claim payment remark codes (inpatient adjudication).
          this.needClaim(seg).remarkCodes.push(...[5, 20, 21, 22, 23].map((n) => this.str(seg, n, `MIA${String(n).padStart(2, '0')}`, 50)).filter(Boolean));
          break;
        case 'MOA':
          // MOA03–MOA07: claim payment remark codes (outpatient adjudication).
          this.needClaim(seg).remarkCodes.push(...[3, 4, 5, 6, 7].map((n) => this.str(seg, n, `MOA${String(n).padStart(2, '0')}`, 50)).filter(Boolean));
          break;
        case 'AMT': {
          const target = this.service ?? this.claim;
          if (!target) break;
          const qualifier = this.str(seg, 1, 'AMT01', 3);
          const cents = this.money(seg, 2, 'AMT02', 'refuse', MAX_CENTS)!;
          target.amounts.push({ qualifier, amountCents: cents });
          if (this.service && qualifier === 'B6') this.service.allowedCents = cents;
          break;
        }
        case 'SVC':
          if (!this.claim) throw new X12Error(seg.position, seg.id, 'SVC outside a claim payment (loop 2100)');
          this.service = this.svc(seg);
          this.claim.services.push(this.service);
          break;
        case 'LQ':
          if (!this.service) throw new X12Error(seg.position, seg.id, 'LQ outside a service payment (loop 2110)');
          // LQ01 HE: claim payment remark code (RARC); RX is an NCPDP reject reason, not a RARC.
          if (el(seg, 1) === 'HE' && el(seg, 2)) this.service.remarkCodes.push(this.str(seg, 2, 'LQ02', 30));
          break;
        case 'PLB':
          this.closeClaim(doc);
          this.state = 'summary';
          doc.providerAdjustments.push(...this.plb(seg));
          break;
        default:
          // N3, N4, PER, RDM, CUR, NTE, TS3, TS2, QTY…: nothing the posting needs.
          break;
      }
    }
    this.closeClaim(doc);
    return doc;
  }

  private needClaim(seg: Segment): ClaimPayment835 {
    if (!this.claim || this.service) throw new X12Error(seg.position, seg.id, `${seg.id} outside a claim payment (loop 2100, before its services)`);
    return this.claim;
  }

  private closeClaim(doc: Remittance835): void {
    if (this.claim) doc.claims.push(this.claim);
    this.claim = null;
    this.service = null;
  }

  /** An identifier or code element, refused when longer than the X12 element allows (and our column holds). */
  private str(seg: Segment, n: number, name: string, max: number): string {
    return checkLength(seg, el(seg, n), name, max);
  }

  private warn(seg: Segment, code: string, message: string): void {
    this.warnings.push({ position: seg.position, segmentId: seg.id, code, message });
  }

  /**
   * An amount element. 'refuse': empty is an error; 'zero': empty reads as 0 with a warning;
   * 'optional': empty is null. Present but not a decimal number always refuses.
   */
  private money(seg: Segment, n: number, name: string, empty: 'refuse' | 'zero' | 'optional', max = MAX_CENTS): number | null {
    const raw = el(seg, n);
    if (raw === '') {
      if (empty === 'refuse') throw new X12Error(seg.position, seg.id, `${name} (amount) is empty`);
      if (empty === 'optional') return null;
      this.warn(seg, 'MISSING_AMOUNT', `${name} is empty (required); read as 0`);
      return 0;
    }
    const p = parseCents(raw);
    if (!p.ok) throw new X12Error(seg.position, seg.id, `${name} ${p.reason}`);
    if (Math.abs(p.cents) > max) throw new X12Error(seg.position, seg.id, `${name} is too large`);
    return p.cents;
  }

  private quantity(seg: Segment, n: number, name: string): number | null {
    const raw = el(seg, n);
    if (raw === '') return null;
    const q = parseQuantity(raw);
    if (!q.ok) throw new X12Error(seg.position, seg.id, `${name} ${q.reason}`);
    return q.value;
  }

  private date(seg: Segment, n: number, name: string): string | null {
    const raw = el(seg, n);
    if (raw === '') return null;
    const d = parseDate(raw);
    if (d === null) this.warn(seg, 'INVALID_DATE', `${name} is not a calendar date (CCYYMMDD); ignored`);
    return d;
  }

  private dtm(seg: Segment, doc: Remittance835): void {
    const q = el(seg, 1);
    if (this.service) {
      if (q !== '472' && q !== '150' && q !== '151') return;
      const d = this.date(seg, 2, `DTM*${q}`);
      if (q === '472' || q === '150') this.service.serviceDateFrom = d;
      if (q === '472' || q === '151') this.service.serviceDateTo = d;
    } else if (this.claim) {
      if (q === '232') this.claim.statementFrom = this.date(seg, 2, 'DTM*232');
      else if (q === '233') this.claim.statementTo = this.date(seg, 2, 'DTM*233');
      else if (q === '050') this.claim.receivedDate = this.date(seg, 2, 'DTM*050');
    } else if (this.state === 'header' && q === '405') {
      doc.productionDate = this.date(seg, 2, 'DTM*405');
    }
  }

  private n1(seg: Segment, doc: Remittance835): void {
    if (this.state === 'claims' || this.state === 'summary') throw new X12Error(seg.position, seg.id, 'N1 (payer or payee) after the claim payments');
    const who = el(seg, 1);
    if (who === 'PR') {
      this.state = 'payer';
      doc.payerName = this.str(seg, 2, 'N102', 60) || null;
      doc.payerIdentifier = this.str(seg, 4, 'N104', 80) || doc.payerIdentifier;
    } else if (who === 'PE') {
      this.state = 'payee';
      doc.payeeName = this.str(seg, 2, 'N102', 60) || null;
      doc.payeeIdQualifier = this.str(seg, 3, 'N103', 2) || null;
      doc.payeeId = this.str(seg, 4, 'N104', 80) || null;
    }
  }

  private ref(seg: Segment, doc: Remittance835): void {
    const ref = { qualifier: this.str(seg, 1, 'REF01', 3), value: this.str(seg, 2, 'REF02', 50) };
    if (this.service) {
      if (ref.qualifier === '6R') this.service.lineControlNumber = ref.value || null;
      this.service.references.push(ref);
    } else if (this.claim) {
      this.claim.references.push(ref);
    } else if (this.state === 'payer' && ref.qualifier === '2U' && !doc.payerIdentifier) {
      // 1000A REF*2U: additional payer identification, used when N1*PR carries no id.
      doc.payerIdentifier = ref.value || null;
    }
  }

  private clp(seg: Segment): ClaimPayment835 {
    const pcn = this.str(seg, 1, 'CLP01', 38);
    if (!pcn) throw new X12Error(seg.position, seg.id, 'CLP01 (patient control number) is empty');
    const status = el(seg, 2);
    if (!CLAIM_STATUS_CODES.has(status)) throw new X12Error(seg.position, seg.id, 'CLP02 is not a 5010 claim status code (1, 2, 3, 4, 19–23, 25)');
    return {
      position: seg.position,
      headerNumber: this.headerNumber,
      patientControlNumber: pcn,
      statusCode: status,
      chargeCents: this.money(seg, 3, 'CLP03', 'zero')!,
      paidCents: this.money(seg, 4, 'CLP04', 'zero')!,
      patientResponsibilityCents: this.money(seg, 5, 'CLP05', 'optional'),
      filingIndicator: this.str(seg, 6, 'CLP06', 2) || null,
      payerClaimNumber: this.str(seg, 7, 'CLP07', 50) || null,
      facilityCode: this.str(seg, 8, 'CLP08', 2) || null,
      frequencyCode: this.str(seg, 9, 'CLP09', 1) || null,
      adjustments: [],
      parties: [],
      remarkCodes: [],
      references: [],
      statementFrom: null,
      statementTo: null,
      receivedDate: null,
      amounts: [],
      services: [],
    };
  }

  /** CAS01 group, then up to six triplets: reason (02, 05, …), amount (03, 06, …), quantity (04, 07, …). */
  private cas(seg: Segment): Adjustment835[] {
    const group = el(seg, 1);
    if (!group) throw new X12Error(seg.position, seg.id, 'CAS01 (group code) is empty');
    if (!GROUP_CODES.has(group)) throw new X12Error(seg.position, seg.id, 'CAS01 is not a claim adjustment group code (CO, PR, OA, PI)');
    if (group === 'CR') this.warn(seg, 'RETIRED_GROUP_CODE', 'group code CR was retired in 5010; kept as sent');
    const out: Adjustment835[] = [];
    for (let k = 0; k < 6; k++) {
      const r = 2 + k * 3;
      const reason = this.str(seg, r, `CAS${String(r).padStart(2, '0')}`, 5);
      const amount = el(seg, r + 1);
      if (!reason && !amount && !el(seg, r + 2)) continue;
      const name = `CAS${String(r).padStart(2, '0')}`;
      if (!reason) throw new X12Error(seg.position, seg.id, `${name} (reason code) is empty but its amount is given`);
      if (!amount) throw new X12Error(seg.position, seg.id, `CAS${String(r + 1).padStart(2, '0')} (amount for the reason in ${name}) is empty`);
      out.push({
        position: seg.position,
        group,
        reasonCode: reason,
        amountCents: this.money(seg, r + 1, `CAS${String(r + 1).padStart(2, '0')}`, 'refuse')!,
        quantity: this.quantity(seg, r + 2, `CAS${String(r + 2).padStart(2, '0')}`),
      });
    }
    if (out.length === 0) throw new X12Error(seg.position, seg.id, 'CAS has no reason code');
    return out;
  }

  private procedure(seg: Segment, n: number): Procedure835 | null {
    const parts = comps(seg, n, this.sep);
    if (parts.length === 0) return null;
    const name = `SVC${String(n).padStart(2, '0')}`;
    return {
      qualifier: checkLength(seg, parts[0] ?? '', `${name}-1`, 48),
      code: checkLength(seg, parts[1] ?? '', `${name}-2`, 48),
      modifiers: parts.slice(2, 6).filter(Boolean).map((m, i) => checkLength(seg, m, `${name}-${i + 3}`, 2)),
    };
  }

  private svc(seg: Segment): ServicePayment835 {
    const procedure = this.procedure(seg, 1);
    if (!procedure) throw new X12Error(seg.position, seg.id, 'SVC01 (procedure) is empty');
    if (!procedure.code) this.warn(seg, 'PROCEDURE_MISSING', 'SVC01 has no procedure code (SVC01-2); the line is matched by REF*6R only');
    return {
      position: seg.position,
      procedure,
      chargeCents: this.money(seg, 2, 'SVC02', 'zero')!,
      paidCents: this.money(seg, 3, 'SVC03', 'zero')!,
      revenueCode: this.str(seg, 4, 'SVC04', 48) || null,
      // SVC05: "If not present, the value is assumed to be one" (005010X221A1 2110 SVC05).
      unitsPaid: this.quantity(seg, 5, 'SVC05') ?? 1,
      submittedProcedure: this.procedure(seg, 6),
      submittedUnits: this.quantity(seg, 7, 'SVC07'),
      serviceDateFrom: null,
      serviceDateTo: null,
      adjustments: [],
      lineControlNumber: null,
      references: [],
      allowedCents: null,
      amounts: [],
      remarkCodes: [],
    };
  }

  /** PLB01 provider, PLB02 fiscal period date, then up to six pairs: reason:reference (03, 05, …) and amount (04, 06, …). */
  private plb(seg: Segment): ProviderAdjustment835[] {
    const providerId = this.str(seg, 1, 'PLB01', 50);
    const fiscalPeriodDate = this.date(seg, 2, 'PLB02');
    const out: ProviderAdjustment835[] = [];
    for (let k = 0; k < 6; k++) {
      const c = 3 + k * 2;
      const parts = comps(seg, c, this.sep);
      const amount = el(seg, c + 1);
      if (parts.length === 0 && !amount) continue;
      const name = `PLB${String(c).padStart(2, '0')}`;
      if (!parts[0]) throw new X12Error(seg.position, seg.id, `${name} (adjustment reason) is empty but its amount is given`);
      out.push({
        position: seg.position,
        providerId,
        fiscalPeriodDate,
        reasonCode: checkLength(seg, parts[0], `${name}-1`, 2),
        reference: checkLength(seg, parts[1] ?? '', `${name}-2`, 50) || null,
        amountCents: this.money(seg, c + 1, `PLB${String(c + 1).padStart(2, '0')}`, 'refuse')!,
      });
    }
    if (out.length === 0) throw new X12Error(seg.position, seg.id, 'PLB has no adjustment');
    return out;
  }
}
