/**
 * Bytes of an X12 file → text. X12 itself is 8-bit text, but files arrive as UTF-8 (with or
 * without a byte-order mark), as Windows "Unicode" (UTF-16LE, with or without BOM) or, rarely,
 * UTF-16BE. Every interchange starts with "ISA" (or "ST" when bare), so a UTF-16 file without a
 * BOM shows itself by a zero byte beside the first ASCII letter. Bytes that are not valid UTF-8
 * are read as Latin-1 (ISO 8859-1), which maps every byte to one character, so positions hold.
 */
export function decodeX12(bytes: Uint8Array): string {
  const b = bytes;
  if (b.length >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) return utf8OrLatin1(b.subarray(3));
  if (b.length >= 2 && b[0] === 0xff && b[1] === 0xfe) return new TextDecoder('utf-16le').decode(b.subarray(2));
  if (b.length >= 2 && b[0] === 0xfe && b[1] === 0xff) return new TextDecoder('utf-16be').decode(b.subarray(2));
  if (b.length >= 4 && b[0] !== 0 && b[1] === 0 && b[2] !== 0 && b[3] === 0) return new TextDecoder('utf-16le').decode(b);
  if (b.length >= 4 && b[0] === 0 && b[1] !== 0 && b[2] === 0 && b[3] !== 0) return new TextDecoder('utf-16be').decode(b);
  return utf8OrLatin1(b);
}

function utf8OrLatin1(b: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(b);
  } catch {
    return new TextDecoder('latin1').decode(b);
  }
}
