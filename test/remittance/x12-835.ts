import type { EntityClass } from '@mikro-orm/core';
import { Claim, ClaimHistory } from '../../src/modules/claim/claim.entity';
import { Denial } from '../../src/modules/denial/denial.entity';
import { Adjustment, ClaimPayment, ProviderAdjustment, Remittance, ServicePayment } from '../../src/modules/remittance/remittance.entity';
import { formatCents } from '../../src/x12/835/values';
import type { TestServer } from '../support/server';

/**
 * Writes 835 files for tests: an ISA/GS/ST envelope with exact counts around the segments a test
 * gives, amounts in cents written as X12 decimals. Segments are written as arrays of elements.
 */

export type Seg = (string | number | null)[];

export interface Svc835 {
  code: string;
  modifiers?: string[];
  chargeCents: number;
  paidCents: number;
  units?: number;
  date?: string;
  lineControlNumber?: string;
  cas?: [group: string, ...triplets: (string | number)[]][];
  remarks?: string[];
}

export interface Clp835 {
  pcn: string;
  status: string;
  chargeCents: number;
  paidCents: number;
  patientRespCents?: number;
  payerClaimNumber?: string;
  cas?: [group: string, ...triplets: (string | number)[]][];
  moa?: string[];
  services?: Svc835[];
  /** Extra segments after NM1 (e.g. REF, DTM). */
  extra?: Seg[];
}

export interface Remit835 {
  controlNumber?: string;
  paymentCents?: number;
  trace: string;
  payerTin?: string;
  date: string;
  claims: Clp835[];
  plb?: { reason: string; reference?: string; amountCents: number }[];
}

const ymd = (d: string) => d.replace(/-/g, '');
const money = (c: number) => formatCents(c);

/** A CAS triplet list: amounts given in cents are written as decimals. */
function cas(c: [string, ...(string | number)[]]): Seg {
  const [group, ...rest] = c;
  const out: Seg = ['CAS', group];
  for (let i = 0; i < rest.length; i += 2) out.push(String(rest[i]), money(Number(rest[i + 1])));
  return out;
}

export function transactionSegments(r: Remit835): Seg[] {
  const paid = r.paymentCents ?? r.claims.reduce((s, c) => s + c.paidCents, 0) - (r.plb ?? []).reduce((s, p) => s + p.amountCents, 0);
  const segs: Seg[] = [
    ['BPR', 'I', money(paid), 'C', 'ACH', 'CCP', '01', '011000015', 'DA', '123456', '1512345678', '', '01', '011000028', 'DA', '654321', ymd(r.date)],
    ['TRN', '1', r.trace, r.payerTin ?? '1512345678'],
    ['DTM', '405', ymd(r.date)],
    ['N1', 'PR', 'DEMO PAYER'],
    ['N3', '1 PAYER WAY'],
    ['N4', 'SPRINGFIELD', 'IL', '62701'],
    ['N1', 'PE', 'DEMO CLINIC', 'XX', '1234567893'],
    ['LX', '1'],
  ];
  for (const c of r.claims) {
    segs.push(['CLP', c.pcn, c.status, money(c.chargeCents), money(c.paidCents), c.patientRespCents === undefined ? '' : money(c.patientRespCents), '12', c.payerClaimNumber ?? '']);
    for (const x of c.cas ?? []) segs.push(cas(x));
    segs.push(['NM1', 'QC', '1', 'QUIXOTESQUE', 'ZEBULON', '', '', '', 'MI', 'MEMBER99X']);
    if (c.moa) segs.push(['MOA', '', '', ...c.moa]);
    for (const e of c.extra ?? []) segs.push(e);
    for (const s of c.services ?? []) {
      segs.push(['SVC', ['HC', s.code, ...(s.modifiers ?? [])].join(':'), money(s.chargeCents), money(s.paidCents), '', String(s.units ?? 1)]);
      if (s.date) segs.push(['DTM', '472', ymd(s.date)]);
      for (const x of s.cas ?? []) segs.push(cas(x));
      if (s.lineControlNumber) segs.push(['REF', '6R', s.lineControlNumber]);
      for (const rk of s.remarks ?? []) segs.push(['LQ', 'HE', rk]);
    }
  }
  if (r.plb?.length) segs.push(['PLB', '1234567893', `${r.date.slice(0, 4)}1231`, ...r.plb.flatMap((p) => [p.reference ? `${p.reason}:${p.reference}` : p.reason, money(p.amountCents)])]);
  return segs;
}

/** One interchange with one group and the given transactions; `~` terminators, one segment per line. */
export function write835(transactions: Remit835[] | Remit835, opts: { interchange?: string } = {}): string {
  const list = Array.isArray(transactions) ? transactions : [transactions];
  const icn = (opts.interchange ?? '000000101').padStart(9, '0');
  const date = list[0]!.date;
  const lines: string[] = [
    `ISA*00*          *00*          *ZZ*DEMOPAYER      *ZZ*DEMOCLINIC     *${ymd(date).slice(2)}*1200*^*00501*${icn}*0*T*:`,
    `GS*HP*DEMOPAYER*DEMOCLINIC*${ymd(date)}*1200*1*X*005010X221A1`,
  ];
  list.forEach((r, i) => {
    const st = r.controlNumber ?? String(i + 1).padStart(4, '0');
    const body = transactionSegments(r).map((s) => s.map((e) => (e === null ? '' : String(e))).join('*').replace(/\*+$/, ''));
    lines.push(`ST*835*${st}*005010X221A1`, ...body, `SE*${body.length + 2}*${st}`);
  });
  lines.push(`GE*${list.length}*1`, `IEA*1*${icn}`);
  return lines.map((l) => `${l}~`).join('\n') + '\n';
}

/** Rows of the tables a posting writes (and the claim tables it changes): compare before and after. */
export async function postingCounts(t: TestServer): Promise<Record<string, number>> {
  const em = t.db.orm.em.fork();
  const out: Record<string, number> = {};
  for (const e of [Remittance, ClaimPayment, ServicePayment, Adjustment, ProviderAdjustment, Denial, Claim, ClaimHistory] as EntityClass<object>[]) out[e.name] = await em.count(e, {});
  return out;
}
