import type { GraphQLFormattedError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import { AppError, ErrorCode } from '../common/errors';

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
 * The one place errors are shaped for clients. Expected errors (AppError) keep their code and
 * safe details; graphql-js request errors keep their code with values stripped; anything else is
 * masked as INTERNAL_SERVER_ERROR (the original is logged by the error-logging plugin).
 */
export function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const original = unwrapResolverError(error);
  if (original instanceof AppError) {
    const extensions = Object.fromEntries(Object.entries(original.extensions).filter(([k]) => SAFE_EXTENSION_KEYS.has(k)));
    return { message: original.message, locations: formatted.locations, path: formatted.path, extensions };
  }
  const code = formatted.extensions?.code;
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
  return !(typeof code === 'string' && PASS_THROUGH_CODES.has(code));
}

/**
 * What of an unexpected error may go to the log. Driver errors embed the SQL with its bound
 * parameters (PHI), so for those only the class name and driver code are kept.
 */
export function describeForLog(error: unknown): Record<string, unknown> {
  const original = unwrapResolverError(error) as { name?: string; code?: unknown; message?: string; stack?: string };
  const name = original?.name ?? 'Error';
  if (/Exception$|DriverException|SqliteError|DatabaseError/.test(name) || typeof original?.code === 'string') {
    return { errorName: name, driverCode: original?.code };
  }
  return { errorName: name, errorMessage: original?.message, stack: original?.stack };
}
