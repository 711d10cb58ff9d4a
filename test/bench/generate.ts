import { createWriteStream } from 'node:fs';
import { once } from 'node:events';

/**
 * Synthetic NCCI tables in CMS's layouts for the benchmark: invented code numbers (5 digits from
 * 10000 up), never real edits. Deterministic, so runs compare.
 */

export const POOL_SIZE = 12_000;
export const PARTNERS_PER_CODE = 100;

export function poolCode(i: number): string {
  return String(10_000 + (((i % POOL_SIZE) + POOL_SIZE) % POOL_SIZE));
}

/** Column-2 partner j of column-1 code index c (distinct for j < 100: 113 is prime to POOL_SIZE). */
export function partnerIndex(c: number, j: number): number {
  return (c * 7 + j * 113 + 1) % POOL_SIZE;
}

const PTP_HEADER = [
  'CPT only copyright 2025 American Medical Association.  All rights reserved.\t\t\t\t\t\t',
  'Column1/Column2 Edits\t\t\t\t\t\t',
  'Column 1\tColumn 2\t*=in existence\tEffective\tDeletion\tModifier\tPTP Edit Rationale',
  '\t\tprior to 1996\tDate\tDate\t0=not allowed\t',
  '\t\t\t\t*=no data\t1=allowed\t',
  '\t\t\t\t\t9=not applicable\t',
];
const RATIONALES = ['Standards of medical / surgical practice', 'Mutually exclusive procedures', 'CPT Manual or CMS manual coding instruction', 'Misuse of Column Two code with Column One code'];

/**
 * Writes `rows` PTP rows (tab-delimited, CRLF, latin1) to `path`: 100 partners per column-1 code;
 * every 10th pair has two windows (deleted, then re-added with another modifier indicator).
 * `next` writes the following quarter: about 0.1 % of pairs change indicator, 0.1 % get a
 * deletion date, 0.1 % are dropped, and 1,000 new pairs are added.
 */
export async function writePtpFile(path: string, rows: number, next = false): Promise<void> {
  const out = createWriteStream(path, { encoding: 'latin1' });
  let buf = PTP_HEADER.join('\r\n') + '\r\n';
  let written = 0;
  let c = 0;
  let j = 0;
  while (written < rows) {
    const c1 = poolCode(c);
    const c2 = poolCode(partnerIndex(c, j));
    const rationale = RATIONALES[(c + j) % RATIONALES.length]!;
    const pre = (c + j) % 17 === 0 ? '*' : '';
    if (j % 10 === 9 && written + 1 < rows) {
      buf += `${c1}\t${c2}\t${pre}\t20150101\t20200101\t0\t${rationale}\r\n`;
      buf += `${c1}\t${c2}\t${pre}\t20200101\t*\t1\t${rationale}\r\n`;
      written += 2;
    } else {
      const k = c * PARTNERS_PER_CODE + j;
      let mod = (c + j) % 23 === 0 ? '9' : (c + j) % 3 === 0 ? '0' : '1';
      let deletion = '*';
      if (next && k % 1000 === 1) mod = mod === '0' ? '1' : '0';
      if (next && k % 1000 === 2) deletion = '20260401';
      if (!(next && k % 1000 === 3)) {
        buf += `${c1}\t${c2}\t${pre}\t${2000 + ((c + j) % 26)}0101\t${deletion}\t${mod}\t${rationale}\r\n`;
      }
      written++;
    }
    if (++j === PARTNERS_PER_CODE) {
      j = 0;
      c++;
    }
    if (buf.length > 1 << 20) {
      if (!out.write(buf)) await once(out, 'drain');
      buf = '';
    }
  }
  if (next) {
    for (let n = 0; n < 1000; n++) buf += `${poolCode(n)}\t${poolCode(partnerIndex(n, PARTNERS_PER_CODE + 1))}\t\t20260401\t*\t1\t${RATIONALES[0]}\r\n`;
  }
  out.end(buf);
  await once(out, 'finish');
}

/** An MUE table (CMS CSV layout with the quoted AMA notice) for every pool code. */
export async function writeMueFile(path: string): Promise<void> {
  const out = createWriteStream(path, { encoding: 'latin1' });
  let text =
    '"Current Procedural Terminology (CPT) codes, descriptions and other data only are copyright 2025 American Medical Association. All rights reserved. \r\n\r\n' +
    'Applicable FARS/DFARS Restrictions Apply to Government Use. ",,,\r\n' +
    '"HCPCS/\r\nCPT Code",Practitioner Services MUE Values,MUE Adjudication Indicator,MUE Rationale\r\n';
  const mai = ['1 Line Edit', '2 Date of Service Edit: Policy', '3 Date of Service Edit: Clinical'];
  for (let i = 0; i < POOL_SIZE; i++) text += `${poolCode(i)},${1 + (i % 6)},${mai[i % 3]},Clinical: Data\r\n`;
  out.end(text);
  await once(out, 'finish');
}

/** Ten codes of one claim with several PTP pairs among them. */
export function claimCodes(): string[] {
  const codes = new Set<string>();
  for (let c = 0; c < 5; c++) {
    codes.add(poolCode(c));
    codes.add(poolCode(partnerIndex(c, 9)));
  }
  return [...codes];
}
