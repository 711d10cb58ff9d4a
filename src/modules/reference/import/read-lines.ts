import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

/** SHA-256 of a file, streamed (a 100 MB file never sits in memory). */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * Yields the lines of a text file with 1-based line numbers. CMS files arrive with CRLF or LF
 * and sometimes a UTF-8 byte-order mark; both are removed. Files that are not UTF-8 (CMS has
 * published Windows-1252 text) are read as latin1 when `encoding` says so.
 */
export async function* readLines(path: string, encoding: BufferEncoding = 'utf8'): AsyncGenerator<{ line: string; lineNo: number }> {
  const rl = createInterface({ input: createReadStream(path, { encoding }), crlfDelay: Infinity });
  let lineNo = 0;
  for await (const raw of rl) {
    lineNo++;
    const line = lineNo === 1 ? raw.replace(/^\uFEFF/, '') : raw;
    yield { line, lineNo };
  }
}

/** Splits one CSV record (RFC 4180 quoting). Records spanning lines are not used by CMS files we read. */
export function splitCsv(line: string, delimiter = ','): string[] {
  const out: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted) {
      if (c === '"') {
        if (line[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += c;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === delimiter) {
      out.push(field);
      field = '';
    } else field += c;
  }
  out.push(field);
  return out;
}
