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
 */
export function stripInputValues(message: string): string {
  return message
    .replace(/(Variable "\$[^"]+" got invalid value) .*? (at "[^"]*")/s, '$1 $2')
    .replace(/(Variable "\$[^"]+" got invalid value) [^;]*;/s, '$1;')
    .replace(/(Expected value of type "[^"]+", found) [^;]*(;|$)/s, '$1 an invalid value$2')
    .replace(/(cannot represent [^:]*value): .*$/s, '$1.')
    .replace(/Value "[^"]*" does not exist in/, 'Value does not exist in')
    .replace(/(Expected type "[^"]+")\. .*(must be .*)$/s, '$1. $2');
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
