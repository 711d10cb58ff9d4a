import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import { AppError, ErrorCode, NotFoundError } from '../common/errors';
import { UUID_PATTERN } from '../common/ids';

/** Extensions an AppError may carry to clients: ids, paths, codes — never input values. */
const SAFE_EXTENSION_KEYS = new Set([
  'code',
  'issues',
  'entity',
  'id',
  'expectedVersion',
  'actualVersion',
  'from',
  'to',
  'allowed',
  'reason',
  'requiredRoles',
  'requestId',
]);

/**
 * graphql-js repeats rejected input values in its coercion messages ("got invalid value
 * {…birthDate…}"). A birth date or member id is PHI, so those values are cut out.
 *
 * The printed value is skipped by reading it (quoted strings with escapes, nested {…}/[…]),
 * not by searching for the next `;`: a value such as an address "Apt 5; rear" contains one.
 */
export function stripInputValues(message: string): string {
  const variable = /^(Variable "\$[^"]+" got invalid value) /.exec(message);
  if (variable) {
    // `Variable "$v" got invalid value <value>[ at "<path>"]; <reason>`
    const end = endOfPrintedValue(message, variable[0].length, (i) => message.startsWith(' at "', i) || message.startsWith('; ', i));
    return variable[1] + stripReason(message.slice(end));
  }
  return stripReason(message);
}

function stripReason(message: string): string {
  let out = message;
  const found = /Expected value of type "[^"]+", found /.exec(out);
  if (found) {
    // `Expected value of type "T", found <literal>; <reason>` or `… found <literal>.`
    const start = found.index + found[0].length;
    const end = endOfPrintedValue(out, start, (i) => out.startsWith('; ', i) || (i === out.length - 1 && out[i] === '.'));
    out = `${out.slice(0, start)}an invalid value${out.slice(end)}`;
  }
  return out
    .replace(/(cannot represent [^:]*value): .*$/s, '$1.')
    // graphql-scalars (DateTimeISO): "DateTime cannot represent an invalid date-time-string <value>."
    .replace(/(cannot represent an invalid (?:date-time-string|Unix timestamp))\s.*$/s, '$1.')
    .replace(/(cannot represent non string or Date type)\s.*$/s, '$1.')
    // Apollo quotes the request's operationName back.
    .replace(/^Unknown operation named ".*"\.$/s, 'Unknown operation named: operationName names no operation of the document.')
    .replace(/Value ".*" does not exist in ("[^"]+" enum)/s, 'Value does not exist in $1')
    .replace(/(Expected type "[^"]+")\. .*(must be .*)$/s, '$1. $2');
}

/**
 * Index just past a value as graphql-js prints it (`inspect` for variables, `print` for
 * literals): strings in double or triple quotes, lists and objects nested to any depth.
 */
function endOfPrintedValue(s: string, start: number, isEnd: (i: number) => boolean): number {
  let depth = 0;
  let i = start;
  while (i < s.length) {
    const c = s[i];
    if (c === '"') {
      if (s.startsWith('"""', i)) {
        let j = i + 3;
        while (j < s.length && !(s.startsWith('"""', j) && s[j - 1] !== '\\')) j++;
        i = Math.min(s.length, j + 3);
      } else {
        let j = i + 1;
        while (j < s.length && s[j] !== '"') j += s[j] === '\\' ? 2 : 1;
        i = Math.min(s.length, j + 1);
      }
      continue;
    }
    if (depth === 0 && isEnd(i)) return i;
    if (c === '{' || c === '[') depth++;
    else if ((c === '}' || c === ']') && depth > 0) depth--;
    i++;
  }
  return s.length;
}

const PASS_THROUGH_CODES = new Set<string>([
  ErrorCode.GRAPHQL_PARSE_FAILED,
  ErrorCode.GRAPHQL_VALIDATION_FAILED,
  ErrorCode.BAD_USER_INPUT,
  ErrorCode.BAD_REQUEST,
  ErrorCode.OPERATION_RESOLUTION_FAILURE,
  ErrorCode.PERSISTED_QUERY_NOT_FOUND,
  ErrorCode.PERSISTED_QUERY_NOT_SUPPORTED,
]);

/**
 * Apollo's own request errors that carry an HTTP 400 but no code (an automatic persisted query
 * whose sha256Hash does not match its query): a client mistake, not a server fault. Only errors
 * raised outside execution (no path) qualify; a resolver's error without a code stays unexpected.
 */
function requestErrorCode(formatted: GraphQLFormattedError, error: unknown): string | undefined {
  // Apollo fills a missing code with INTERNAL_SERVER_ERROR before formatError: read the raw error.
  const raw = error instanceof GraphQLError ? error : null;
  if (raw && raw.extensions?.code === undefined && !raw.originalError && !raw.path) {
    const status = (raw.extensions?.http as { status?: number } | undefined)?.status;
    if (status === 400) return ErrorCode.BAD_REQUEST;
  }
  const code = formatted.extensions?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * The one place errors are shaped for clients. Expected errors (AppError) keep their code and
 * safe details; graphql-js request errors keep their code with values stripped; anything else is
 * masked as INTERNAL_SERVER_ERROR (the original is logged by the error-logging plugin).
 */
export function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const original = unwrapResolverError(error);
  if (original instanceof AppError) {
    const extensions = Object.fromEntries(Object.entries(original.extensions).filter(([k]) => SAFE_EXTENSION_KEYS.has(k)));
    let message = original.message;
    // NotFoundError repeats the id it was asked for. An id this API issued is safe to repeat;
    // anything else is whatever the client sent (up to the body limit, possibly PHI).
    if (original instanceof NotFoundError && typeof extensions.id === 'string' && !UUID_PATTERN.test(extensions.id)) {
      message = message.replace(extensions.id, '(not an id this API issued)');
      delete extensions.id;
    }
    return { message, locations: formatted.locations, path: formatted.path, extensions };
  }
  const code = requestErrorCode(formatted, error);
  if (typeof code === 'string' && PASS_THROUGH_CODES.has(code)) {
    return { message: stripInputValues(formatted.message), locations: formatted.locations, path: formatted.path, extensions: { code } };
  }
  return {
    message: 'Internal server error',
    locations: formatted.locations,
    path: formatted.path,
    extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR },
  };
}

/** True for errors we did not raise on purpose: they are logged (without PHI) and masked. */
export function isUnexpected(error: unknown, code: unknown): boolean {
  const original = unwrapResolverError(error);
  if (original instanceof AppError) return false;
  if (code === undefined) code = requestErrorCode({ message: '' }, error);
  return !(typeof code === 'string' && PASS_THROUGH_CODES.has(code));
}

const DRIVER_NAME = /Exception$|DriverException|SqliteError|DatabaseError/;
/** Statements as drivers and MikroORM quote them: "insert into `patient` (…) values ('…')". */
const SQL_TEXT = /\b(insert\s+into|select\b[\s\S]*\bfrom|update\b[\s\S]*\bset|delete\s+from|values\s*\(|returning)\b|Key \(/i;

interface ErrorLike {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  stack?: unknown;
  cause?: unknown;
}

function isDriverError(e: ErrorLike | null | undefined): boolean {
  return !!e && ((typeof e.name === 'string' && DRIVER_NAME.test(e.name)) || typeof e.code === 'string' || typeof e.code === 'number');
}

/**
 * Messages of errors we did not raise may still quote what they were given: MikroORM's
 * `findOneOrFail` prints its filter (`Patient not found ({ memberId: '…' })`), a wrapped driver
 * error repeats the SQL with its parameters, `JSON.parse` and `BigInt` (SyntaxError) quote a
 * slice of their input without reliable delimiters. So a SyntaxError's message or one quoting
 * SQL is withheld; otherwise the message is kept up to its first quote and digit runs (dates,
 * ids, amounts) are cut. What is left is the error's wording, which is what points at the code.
 */
export function redactLogMessage(message: string, name = 'Error'): string {
  if (name === 'SyntaxError') return '[withheld: a SyntaxError quotes its input]';
  if (SQL_TEXT.test(message)) return '[withheld: the message quotes SQL]';
  const quote = message.search(/['"`]/);
  const unquoted = quote < 0 ? message : `${message.slice(0, quote)}[…]`;
  return unquoted.replace(/\d[\d./:-]{2,}\d|\d{4,}/g, '#').slice(0, 300);
}

/** The stack's frames only: its first line(s) repeat the message. */
function framesOnly(stack: unknown): string | undefined {
  if (typeof stack !== 'string') return undefined;
  return stack
    .split('\n')
    .filter((l) => /^\s+at /.test(l))
    .slice(0, 20)
    .join('\n');
}

/**
 * What of an unexpected error may go to the log (HIPAA 45 CFR 164.312(b): the audit trail records
 * that something failed and where, not the PHI involved). Driver errors embed the SQL with its
 * bound parameters (and PostgreSQL's "Key (col)=(value)" detail), so for those — or any error
 * caused by one — only the class names and the driver code are kept. Other errors keep a
 * redacted message and the stack frames without the message line.
 */
export function describeForLog(error: unknown): Record<string, unknown> {
  const original = unwrapResolverError(error) as ErrorLike | null | undefined;
  const name = typeof original?.name === 'string' ? original.name : 'Error';
  const chain: ErrorLike[] = [];
  for (let e: unknown = original; e && typeof e === 'object' && chain.length < 5; e = (e as ErrorLike).cause) chain.push(e as ErrorLike);
  const driver = chain.find((e) => isDriverError(e));
  if (driver) {
    const driverName = typeof driver.name === 'string' ? driver.name : 'Error';
    return { errorName: name, ...(driver !== original ? { causeName: driverName } : {}), driverCode: driver.code };
  }
  const message = typeof original?.message === 'string' ? redactLogMessage(original.message, name) : undefined;
  return { errorName: name, errorMessage: message, stack: framesOnly(original?.stack) };
}

/** Client-facing wording for errors raised before GraphQL runs (body parsers, multipart upload). */
function httpErrorMessage(err: { type?: unknown; status?: unknown }, bodyLimit: string): string {
  switch (err.type) {
    case 'entity.too.large':
      return `Request body exceeds ${bodyLimit}`;
    case 'entity.parse.failed':
      return 'Request body is not valid JSON';
    case 'charset.unsupported':
      return 'Unsupported charset: send UTF-8 JSON';
    case 'encoding.unsupported':
      return 'Unsupported content encoding';
    case 'request.aborted':
      return 'Request aborted';
    default:
      if (err.status === 413) return 'Request or uploaded file too large';
      // graphql-upload's errors name the field and repeat what it could not read.
      return 'Malformed request: send a JSON body or a GraphQL multipart request';
  }
}

interface HttpErrorLike {
  type?: unknown;
  status?: unknown;
  statusCode?: unknown;
}

/**
 * What Express sends for an error raised before Apollo (body-parser, graphql-upload): JSON in
 * the GraphQL error shape with a code from the closed list and the request id — never Express's
 * default HTML page, which carries the stack trace (file paths) and the parser's message (it
 * repeats a declared charset or a multipart field). 4xx are client mistakes (BAD_REQUEST, not
 * logged as unexpected); anything else is masked (INTERNAL_SERVER_ERROR) and logged without PHI.
 * OWASP GraphQL Cheat Sheet ("Don't return excessive errors"); Apollo production checklist.
 */
export function httpErrorResponse(
  err: unknown,
  bodyLimit: string,
  contentType = '',
): { status: number; body: { errors: GraphQLFormattedError[] }; unexpected: boolean } {
  const e = (err ?? {}) as HttpErrorLike;
  // On a multipart request the only code before GraphQL is the multipart parser: busboy throws
  // plain Errors ("Malformed content type", "Unexpected end of form") and graphql-upload answers
  // a body with neither `operations` nor `map` with a 500. Both describe the client's request.
  const multipart = /^multipart\/form-data\b/i.test(contentType);
  const declared = typeof e.status === 'number' ? e.status : typeof e.statusCode === 'number' ? e.statusCode : 500;
  const raw = multipart && declared >= 500 ? 400 : declared;
  if (raw >= 400 && raw < 500) {
    return { status: raw, body: { errors: [{ message: httpErrorMessage(e, bodyLimit), extensions: { code: ErrorCode.BAD_REQUEST } }] }, unexpected: false };
  }
  return { status: 500, body: { errors: [{ message: 'Internal server error', extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } }] }, unexpected: true };
}

/** Express error middleware built on httpErrorResponse; `res.locals` carries requestId and logger. */
export function httpErrorMiddleware(bodyLimit: string) {
  return (
    err: unknown,
    req: { headers: Record<string, string | string[] | undefined> },
    res: {
      headersSent: boolean;
      locals: Record<string, unknown>;
      status(code: number): { json(body: unknown): unknown };
    },
    next: (e?: unknown) => void,
  ): void => {
    if (res.headersSent) {
      next(err);
      return;
    }
    const type = req.headers['content-type'];
    const out = httpErrorResponse(err, bodyLimit, typeof type === 'string' ? type : '');
    const requestId = typeof res.locals.requestId === 'string' ? res.locals.requestId : undefined;
    for (const e of out.body.errors) (e.extensions as Record<string, unknown>).requestId = requestId;
    const logger = res.locals.logger as { error(obj: object, msg: string): void } | undefined;
    if (out.unexpected) logger?.error(describeForLog(err), 'unexpected error');
    res.status(out.status).json(out.body);
  };
}
