import { HeaderMap } from '@apollo/server';
import { AppError, ErrorCode } from '../../common/errors';

export type QueryLimitReason = 'DEPTH' | 'ALIASES' | 'COST';

/** An operation over a shape limit. Numbers go in the message: they are not input values. */
export class QueryLimitError extends AppError {
  constructor(reason: QueryLimitReason, message: string) {
    super(ErrorCode.QUERY_LIMIT_EXCEEDED, message, { reason }, 400);
  }
}

/** The principal's token bucket is empty. HTTP 429 with Retry-After (RFC 9110 §10.2.3). */
export class RateLimitedError extends AppError {
  constructor(readonly retryAfterSeconds: number) {
    super(ErrorCode.RATE_LIMITED, `Too many requests for this token; retry after ${retryAfterSeconds} s`, {
      http: { status: 429, headers: new HeaderMap([['retry-after', String(retryAfterSeconds)]]) },
    });
  }
}
