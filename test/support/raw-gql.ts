import { print, type DocumentNode, type GraphQLFormattedError } from 'graphql';
import { Role } from '../../src/common/enums';
import type { TestServer } from './server';

export interface RawResult {
  status: number;
  /** The response body exactly as sent, for "does this value appear anywhere" checks. */
  text: string;
  body: { data?: Record<string, unknown> | null; errors?: GraphQLFormattedError[]; [k: string]: unknown };
}

/**
 * POSTs a document (typed or plain text) and keeps the raw body. `token: null` sends no
 * Authorization header; `authorization` sends that header verbatim. A fixed x-request-id keeps
 * random ids out of bodies that tests search for rejected values.
 */
export async function rawGql(
  t: TestServer,
  query: string | DocumentNode,
  variables?: Record<string, unknown>,
  opts: { token?: string | null; authorization?: string; requestId?: string } = {},
): Promise<RawResult> {
  const headers: Record<string, string> = { 'content-type': 'application/json', 'x-request-id': opts.requestId ?? 'test-request-0001' };
  if (opts.authorization !== undefined) headers.authorization = opts.authorization;
  else {
    const bearer = opts.token === undefined ? t.token(Role.ADMIN) : opts.token;
    if (bearer) headers.authorization = `Bearer ${bearer}`;
  }
  const res = await fetch(`${t.url}/graphql`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ query: typeof query === 'string' ? query : print(query), variables }),
  });
  const text = await res.text();
  return { status: res.status, text, body: JSON.parse(text) as RawResult['body'] };
}
