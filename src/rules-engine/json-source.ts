import { findNodeAtLocation, getNodeValue, parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';

/**
 * Strict JSON with positions: syntax errors and schema errors point at a line and column, which
 * JSON.parse cannot do. Comments and trailing commas are refused (the files are JSON, and other
 * tools read them); duplicate keys are refused (JSON.parse would silently keep the last one).
 */
export interface JsonSource {
  text: string;
  root: Node | undefined;
  value: unknown;
  lineStarts: number[];
}

export interface JsonSyntaxProblem {
  pointer: string;
  line: number;
  column: number;
  message: string;
}

/**
 * Deepest nesting accepted. The shipped rule files nest 8 levels (the schema 11); the parser,
 * the checks and json-rules-engine all recurse, so a file nested thousands deep (a bad generator,
 * a paste gone wrong) overflowed the stack and threw instead of being refused with a position.
 */
export const MAX_JSON_DEPTH = 64;

/**
 * Longest string accepted (the shipped files' longest is under 500 characters). An unknown fact or
 * operator name is compared with every known one for a "did you mean" (edit distance, length ×
 * length): a 1 MB name kept the loader busy for a minute, during which no reload could run.
 */
export const MAX_JSON_STRING = 4000;

/** Offset of the first `{` or `[` deeper than `limit` (outside strings), or -1. */
function tooDeepAt(text: string, limit: number): number {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \\ */) i++;
      else if (c === 34 /* " */) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 || c === 91) {
      if (++depth > limit) return i;
    } else if (c === 125 || c === 93) depth--;
  }
  return -1;
}

export function parseJsonSource(text: string): { source: JsonSource | null; problems: JsonSyntaxProblem[] } {
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) lineStarts.push(i + 1);
  const deep = tooDeepAt(text, MAX_JSON_DEPTH);
  if (deep >= 0) {
    return { source: null, problems: [{ pointer: '', ...position({ lineStarts }, deep), message: `nested more than ${MAX_JSON_DEPTH} levels deep; split the conditions (shared conditions, more rules)` }] };
  }
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  const source: JsonSource = { text, root, value: undefined, lineStarts };
  const problems: JsonSyntaxProblem[] = errors.map((e) => ({ pointer: '', ...position(source, e.offset), message: `JSON syntax: ${describe(printParseErrorCode(e.error))}` }));
  if (problems.length === 0 && root) {
    walkObjects(root, '', (node, pointer) => {
      const seen = new Set<string>();
      for (const prop of node.children ?? []) {
        const key = prop.children?.[0]?.value as string;
        if (seen.has(key)) problems.push({ pointer: `${pointer}/${escapePointer(key)}`, ...position(source, prop.offset), message: `duplicate key "${key}"` });
        // Building the value would set the object's prototype instead of a property.
        if (key === '__proto__') problems.push({ pointer: `${pointer}/${escapePointer(key)}`, ...position(source, prop.offset), message: 'the key "__proto__" is not allowed' });
        seen.add(key);
      }
    });
    walkStrings(root, '', (node, pointer) => {
      if (String(node.value).length > MAX_JSON_STRING) problems.push({ pointer, ...position(source, node.offset), message: `a string longer than ${MAX_JSON_STRING} characters` });
    });
  }
  if (problems.length > 0 || !root) return { source: null, problems: problems.length ? problems : [{ pointer: '', line: 1, column: 1, message: 'JSON syntax: the file is empty' }] };
  source.value = getNodeValue(root);
  return { source, problems };
}

function describe(code: string): string {
  const words: Record<string, string> = {
    InvalidSymbol: 'unexpected character',
    InvalidNumberFormat: 'invalid number',
    PropertyNameExpected: 'property name expected',
    ValueExpected: 'value expected',
    ColonExpected: 'colon expected',
    CommaExpected: 'comma expected',
    CloseBraceExpected: 'closing brace } expected',
    CloseBracketExpected: 'closing bracket ] expected',
    EndOfFileExpected: 'end of file expected (text after the closing brace)',
    InvalidCommentToken: 'comments are not allowed',
    UnexpectedEndOfComment: 'comments are not allowed',
    UnexpectedEndOfString: 'unterminated string',
    UnexpectedEndOfNumber: 'unterminated number',
    InvalidUnicode: 'invalid unicode escape',
    InvalidEscapeCharacter: 'invalid escape character',
    InvalidCharacter: 'invalid character in string',
  };
  return words[code] ?? code;
}

/** Every string node, keys included (a key's pointer is the property's). */
function walkStrings(node: Node, pointer: string, visit: (node: Node, pointer: string) => void): void {
  if (node.type === 'string') visit(node, pointer);
  else if (node.type === 'object') {
    for (const prop of node.children ?? []) {
      const keyNode = prop.children?.[0];
      const child = prop.children?.[1];
      const at = `${pointer}/${escapePointer(String(keyNode?.value))}`;
      if (keyNode) visit(keyNode, pointer);
      if (child) walkStrings(child, at, visit);
    }
  } else if (node.type === 'array') (node.children ?? []).forEach((c, i) => walkStrings(c, `${pointer}/${i}`, visit));
}

function walkObjects(node: Node, pointer: string, visit: (node: Node, pointer: string) => void): void {
  if (node.type === 'object') {
    visit(node, pointer);
    for (const prop of node.children ?? []) {
      const key = prop.children?.[0]?.value as string;
      const child = prop.children?.[1];
      if (child) walkObjects(child, `${pointer}/${escapePointer(key)}`, visit);
    }
  } else if (node.type === 'array') {
    (node.children ?? []).forEach((c, i) => walkObjects(c, `${pointer}/${i}`, visit));
  }
}

export function escapePointer(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

export function position(source: Pick<JsonSource, 'lineStarts'>, offset: number): { line: number; column: number } {
  let lo = 0;
  let hi = source.lineStarts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (source.lineStarts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo + 1, column: offset - source.lineStarts[lo]! + 1 };
}

/** Line and column of the value at a JSON pointer (or of its nearest existing parent). */
export function locate(source: JsonSource, pointer: string): { line: number; column: number } {
  if (!source.root) return { line: 1, column: 1 };
  const segments = pointer === '' ? [] : pointer.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  for (let n = segments.length; n >= 0; n--) {
    const path = segments.slice(0, n).map((s) => (/^[0-9]+$/.test(s) ? Number(s) : s));
    const node = findNodeAtLocation(source.root, path);
    if (node) {
      // Point at the property name when there is one: that is the line an editor shows.
      const at = node.parent?.type === 'property' ? node.parent.offset : node.offset;
      return position(source, at);
    }
  }
  return { line: 1, column: 1 };
}
