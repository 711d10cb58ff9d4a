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

/**
 * Sends a GraphQL multipart request (one file at `variables.<filePath>`), as a browser or
 * apollo-upload-client would, with the preflight header Apollo's CSRF prevention asks for.
 */
export async function rawGqlUpload(
  t: TestServer,
  query: string | DocumentNode,
  variables: Record<string, unknown>,
  file: { path: string; name: string; content: string | Uint8Array },
  opts: { token?: string | null; requestId?: string; preflight?: boolean } = {},
): Promise<RawResult> {
  const form = new FormData();
  form.append('operations', JSON.stringify({ query: typeof query === 'string' ? query : print(query), variables }));
  form.append('map', JSON.stringify({ 0: [`variables.${file.path}`] }));
  form.append('0', new Blob([file.content]), file.name);
  const headers: Record<string, string> = { 'x-request-id': opts.requestId ?? 'test-request-0001' };
  if (opts.preflight !== false) headers['apollo-require-preflight'] = 'true';
  const bearer = opts.token === undefined ? t.token(Role.ADMIN) : opts.token;
  if (bearer) headers.authorization = `Bearer ${bearer}`;
  const res = await fetch(`${t.url}/graphql`, { method: 'POST', headers, body: form });
  const text = await res.text();
  return { status: res.status, text, body: JSON.parse(text) as RawResult['body'] };
}
