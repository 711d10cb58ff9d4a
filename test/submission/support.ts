import { addDays, today } from '../../src/common/dates';
import { npiFrom } from '../../src/seed/builders';
import { write837p, type ExportClaim } from '../../src/x12/837p/writer';

let seq = 0;

/**
 * A small, current 837P written by claimflow's own writer: one claim with codes the demo code
 * table knows, for a payer id no other test uses (so the import creates the payer).
 */
export function synthetic837(o: { payerId: string; pcn?: string; diagnoses?: string[]; procedureCode?: string; lines?: number; npiStem?: string } ): { text: string; pcn: string } {
  seq++;
  const pcn = o.pcn ?? `SYN${Date.now().toString(36).toUpperCase()}${seq}`;
  const date = addDays(today(), -10);
  const npi = npiFrom(o.npiStem ?? String(300000000 + seq * 7));
  const claim: ExportClaim = {
    billingProvider: { npi, name: { entity: 'ORGANIZATION', last: 'SYNTHETIC CLINIC' }, address: { line1: '9 OAK ST', city: 'SPRINGFIELD', state: 'IL', postalCode: '627010009' }, taxId: '987654321', taxonomy: '207Q00000X' },
    payer: { name: 'SYNTHETIC PAYER', payerId: o.payerId, filingIndicator: 'CI' },
    subscriber: { key: 'k', responsibility: 'P', memberId: `MEM${seq}`, groupNumber: null, name: null },
    patientRelationship: null,
    patient: { name: { entity: 'PERSON', last: 'TESTPATIENT', first: `PAT${seq}` }, address: { line1: '1 ELM ST', city: 'SPRINGFIELD', state: 'IL', postalCode: '62701' }, birthDate: '1960-04-05', sex: 'M' },
    patientControlNumber: pcn,
    totalChargeCents: 12_500 * (o.lines ?? 1),
    placeOfService: '11',
    frequency: '1',
    payerClaimNumber: null,
    priorAuthNumber: null,
    diagnoses: o.diagnoses ?? ['E119'],
    rendering: null,
    lines: Array.from({ length: o.lines ?? 1 }, (_, i) => ({ procedureCode: o.procedureCode ?? '99213', modifiers: [], chargeCents: 12_500, units: 1, pointers: [1], serviceDate: date, lineControlNumber: `${pcn}-${i + 1}` })),
  };
  const text = write837p([claim], {
    senderId: 'SYNTH',
    receiverId: 'CLAIMFLOW',
    usage: 'T',
    at: new Date(),
    interchangeControlNumber: seq,
    groupControlNumber: seq,
    firstTransactionControlNumber: seq,
    submitter: { name: 'SYNTH', id: 'SYNTH', contactName: 'X', contactPhone: '8005550100' },
    receiver: { name: 'CLAIMFLOW', id: 'CLAIMFLOW' },
  }).text;
  return { text, pcn };
}
