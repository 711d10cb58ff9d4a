import { GraphQLError } from 'graphql';

/**
 * The closed list of `extensions.code` values claimflow returns. Clients may switch on these;
 * adding one is a schema-level change and belongs in the README's error table.
 */
export const ErrorCode = {
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  NOT_FOUND: 'NOT_FOUND',
  CONFLICT: 'CONFLICT',
  INVALID_STATUS_TRANSITION: 'INVALID_STATUS_TRANSITION',
  FAILED_PRECONDITION: 'FAILED_PRECONDITION',
  INTERNAL_SERVER_ERROR: 'INTERNAL_SERVER_ERROR',
  // Abuse limits (src/server/limits): refused before anything runs.
  /** Depth, aliases or estimated cost over the configured limit; `reason` says which (HTTP 400). */
  QUERY_LIMIT_EXCEEDED: 'QUERY_LIMIT_EXCEEDED',
  /** The token's request budget is spent; the Retry-After header says when to retry (HTTP 429). */
  RATE_LIMITED: 'RATE_LIMITED',
  /** Trusted-documents mode: the document is not in the manifest (HTTP 400). */
  DOCUMENT_NOT_TRUSTED: 'DOCUMENT_NOT_TRUSTED',
  // Raised by Apollo/graphql-js before our code runs.
  GRAPHQL_PARSE_FAILED: 'GRAPHQL_PARSE_FAILED',
  GRAPHQL_VALIDATION_FAILED: 'GRAPHQL_VALIDATION_FAILED',
  BAD_REQUEST: 'BAD_REQUEST',
  OPERATION_RESOLUTION_FAILURE: 'OPERATION_RESOLUTION_FAILURE',
  PERSISTED_QUERY_NOT_FOUND: 'PERSISTED_QUERY_NOT_FOUND',
  PERSISTED_QUERY_NOT_SUPPORTED: 'PERSISTED_QUERY_NOT_SUPPORTED',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** One problem with an input, located by its path (e.g. `input.lines.2.modifiers.0`). */
export interface InputIssue {
  path: string;
  /** Machine-readable reason, e.g. `FORMAT`, `UNKNOWN_CODE`, `NOT_EFFECTIVE`. */
  reason: string;
  /** Human-readable text. Never contains the rejected value (it may be PHI). */
  message: string;
}

/** Base for every error claimflow raises on purpose. Messages never carry input values. */
export class AppError extends GraphQLError {
  constructor(code: ErrorCode, message: string, extensions: Record<string, unknown> = {}, httpStatus?: number) {
    super(message, {
      extensions: { ...extensions, code, ...(httpStatus ? { http: { status: httpStatus } } : {}) },
    });
    this.name = 'AppError';
  }

  get code(): ErrorCode {
    return this.extensions.code as ErrorCode;
  }
}

export class BadUserInputError extends AppError {
  constructor(readonly issues: InputIssue[]) {
    const first = issues[0];
    const summary =
      issues.length === 1 && first
        ? `Invalid input at ${first.path}: ${first.message}`
        : `Invalid input: ${issues.length} problems (first at ${first?.path ?? '?'})`;
    super(ErrorCode.BAD_USER_INPUT, summary, { issues });
  }
}

export class NotFoundError extends AppError {
  constructor(entity: string, id: string) {
    super(ErrorCode.NOT_FOUND, `${entity} ${id} not found`, { entity, id });
  }
}

export class ConflictError extends AppError {
  constructor(entity: string, id: string, expectedVersion: number, actualVersion: number) {
    super(
      ErrorCode.CONFLICT,
      `${entity} ${id} was changed by someone else (you have version ${expectedVersion}, current is ${actualVersion}); reload and retry`,
      { entity, id, expectedVersion, actualVersion },
    );
  }
}

export class InvalidStatusTransitionError extends AppError {
  constructor(entity: string, id: string, from: string, to: string, allowed: readonly string[]) {
    super(
      ErrorCode.INVALID_STATUS_TRANSITION,
      `${entity} ${id} cannot move from ${from} to ${to}; allowed: ${allowed.length ? allowed.join(', ') : 'none'}`,
      { entity, id, from, to, allowed },
    );
  }
}

export class FailedPreconditionError extends AppError {
  constructor(reason: string, message: string, extensions: Record<string, unknown> = {}) {
    super(ErrorCode.FAILED_PRECONDITION, message, { ...extensions, reason });
  }
}

export class UnauthenticatedError extends AppError {
  constructor(message = 'Authentication required: send Authorization: Bearer <token>') {
    super(ErrorCode.UNAUTHENTICATED, message, {}, 401);
  }
}

export class ForbiddenError extends AppError {
  constructor(requiredRoles: readonly string[]) {
    super(ErrorCode.FORBIDDEN, `Your role may not perform this operation; it needs one of: ${requiredRoles.join(', ')}`, {
      requiredRoles,
    });
  }
}

/** Collects input problems so one response reports all of them. */
export class IssueCollector {
  readonly issues: InputIssue[] = [];

  add(path: string, reason: string, message: string): void {
    this.issues.push({ path, reason, message });
  }

  get ok(): boolean {
    return this.issues.length === 0;
  }

  throwIfAny(): void {
    if (this.issues.length > 0) throw new BadUserInputError(this.issues);
  }
}
