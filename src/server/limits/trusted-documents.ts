import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { NextFunction, Request, Response } from 'express';
import {
  Kind,
  parse,
  print,
  validate,
  visit,
  type DefinitionNode,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import { ErrorCode } from '../../common/errors';
import { ConfigError } from '../../config';
import type { Logger } from '../logger';

/**
 * Trusted documents (a persisted-query safelist): in production, first-party clients send only
 * operations built into them, so the server runs only those and refuses everything else before
 * it is parsed, authorized or executed (OWASP GraphQL Cheat Sheet, "Allow-list queries"; Apollo's
 * production checklist, "safelisting with persisted queries").
 *
 * The manifest is JSON `{ "<sha256 hex of the text>": "<document text>" }`, the format GraphQL
 * Code Generator's persisted documents use with sha256. `claimflow trusted-documents` writes it
 * from `.graphql` files, one entry per operation with the fragments it uses, in canonical form.
 */
export type TrustedManifest = Record<string, string>;

export const TRUSTED_DOCUMENTS_VARIABLE = 'CLAIMFLOW_TRUSTED_DOCUMENTS';

export function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/**
 * One text per document regardless of layout: operations in their order, then fragments by
 * name, printed by graphql-js (comments and whitespace gone). Two documents with the same
 * canonical text are the same request.
 */
export function canonicalText(document: DocumentNode): string {
  const operations = document.definitions.filter((d) => d.kind !== Kind.FRAGMENT_DEFINITION);
  const fragments = document.definitions
    .filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION)
    .sort((a, b) => (a.name.value < b.name.value ? -1 : a.name.value > b.name.value ? 1 : 0));
  return print({ kind: Kind.DOCUMENT, definitions: [...operations, ...fragments] });
}

function graphqlFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) return graphqlFiles(path);
      return /\.(graphql|gql)$/.test(name) ? [path] : [];
    });
}

/**
 * Builds the manifest from every `.graphql`/`.gql` file under `dir`: each named operation with the
 * fragments it uses (fragments may live in any file). Every entry must validate against `schema`,
 * so a manifest never lists an operation the server would refuse anyway.
 */
export function buildTrustedManifest(dir: string, schema: GraphQLSchema): { manifest: TrustedManifest; operations: { name: string; hash: string }[] } {
  const operations: OperationDefinitionNode[] = [];
  const fragments = new Map<string, FragmentDefinitionNode>();
  const problems: string[] = [];
  for (const file of graphqlFiles(dir)) {
    const where = relative(dir, file);
    let doc: DocumentNode;
    try {
      doc = parse(readFileSync(file, 'utf8'));
    } catch (err) {
      problems.push(`${where}: ${(err as Error).message}`);
      continue;
    }
    for (const d of doc.definitions) {
      if (d.kind === Kind.FRAGMENT_DEFINITION) {
        if (fragments.has(d.name.value)) problems.push(`${where}: fragment ${d.name.value} is defined twice`);
        fragments.set(d.name.value, d);
      } else if (d.kind === Kind.OPERATION_DEFINITION) {
        if (!d.name) problems.push(`${where}: an operation has no name`);
        else if (operations.some((o) => o.name?.value === d.name!.value)) problems.push(`${where}: operation ${d.name.value} is defined twice`);
        else operations.push(d);
      }
    }
  }
  const manifest: TrustedManifest = {};
  const listed: { name: string; hash: string }[] = [];
  for (const op of operations.sort((a, b) => (a.name!.value < b.name!.value ? -1 : 1))) {
    const used = new Map<string, FragmentDefinitionNode>();
    const collect = (node: DefinitionNode) =>
      visit(node, {
        FragmentSpread(spread) {
          const name = spread.name.value;
          const fragment = fragments.get(name);
          if (!fragment || used.has(name)) return;
          used.set(name, fragment);
          collect(fragment);
        },
      });
    collect(op);
    const doc: DocumentNode = { kind: Kind.DOCUMENT, definitions: [op, ...used.values()] };
    const errors = validate(schema, doc);
    if (errors.length) {
      problems.push(...errors.map((e) => `${op.name!.value}: ${e.message}`));
      continue;
    }
    const text = canonicalText(doc);
    const hash = sha256(text);
    manifest[hash] = text;
    listed.push({ name: op.name!.value, hash });
  }
  if (problems.length) throw new Error(`cannot build the trusted-documents manifest:\n${problems.map((p) => `  ${p}`).join('\n')}`);
  return { manifest, operations: listed };
}

/** The manifest indexed for lookups by id and by canonical text. */
export class TrustedDocuments {
  private constructor(
    private readonly byId: ReadonlyMap<string, string>,
    private readonly byCanonical: ReadonlySet<string>,
    readonly size: number,
  ) {}

  /**
   * Loads and checks the manifest at start: unreadable JSON, a key that is not the sha256 of its
   * text, or a document the schema refuses stops the server (ConfigError names the variable).
   */
  static load(path: string, schema: GraphQLSchema, maxTokens: number): TrustedDocuments {
    const fail = (reason: string): never => {
      throw new ConfigError(TRUSTED_DOCUMENTS_VARIABLE, reason);
    };
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(path, 'utf8'));
    } catch (err) {
      return fail(`cannot read the manifest as JSON (${(err as NodeJS.ErrnoException).code ?? 'invalid JSON'})`);
    }
    if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return fail('the manifest must be a JSON object { "<sha256>": "<document>" }');
    const byId = new Map<string, string>();
    const byCanonical = new Set<string>();
    for (const [id, text] of Object.entries(raw as Record<string, unknown>)) {
      if (typeof text !== 'string') return fail(`entry ${id} is not a string`);
      if (!/^[0-9a-f]{64}$/.test(id) || sha256(text) !== id) return fail(`entry ${id} is not the sha256 of its document`);
      let doc: DocumentNode;
      try {
        doc = parse(text, { maxTokens });
      } catch {
        return fail(`entry ${id} does not parse within ${maxTokens} tokens`);
      }
      if (validate(schema, doc).length) return fail(`entry ${id} does not validate against the schema`);
      byId.set(id, text);
      byCanonical.add(canonicalText(doc));
    }
    if (byId.size === 0) return fail('the manifest lists no documents');
    return new TrustedDocuments(byId, byCanonical, byId.size);
  }

  text(id: string): string | undefined {
    return this.byId.get(id);
  }

  /** True when `query` is a listed document, exactly or up to layout (canonical form). */
  admits(query: string, maxTokens: number): boolean {
    if (this.byId.has(sha256(query))) return true;
    try {
      return this.byCanonical.has(canonicalText(parse(query, { maxTokens })));
    } catch {
      return false;
    }
  }
}

type RefusalReason = 'UNKNOWN_DOCUMENT_ID' | 'DOCUMENT_MISMATCH' | 'NOT_LISTED' | 'ID_NEEDS_POST';

const MESSAGES: Record<RefusalReason, string> = {
  UNKNOWN_DOCUMENT_ID: 'This server runs only trusted documents, and the document id is not in its manifest',
  DOCUMENT_MISMATCH: 'The query sent is not the trusted document its id names',
  NOT_LISTED: 'This server runs only trusted documents, and this query is not in its manifest',
  ID_NEEDS_POST: 'A trusted document sent by id must be sent by POST',
};

interface GraphqlBody {
  query?: unknown;
  documentId?: unknown;
  extensions?: { persistedQuery?: { sha256Hash?: unknown } } & Record<string, unknown>;
}

/** `documentId` ("sha256:<hex>" or "<hex>", the trusted-documents convention) or Apollo's APQ hash. */
function idOf(body: GraphqlBody): string | undefined {
  if (typeof body.documentId === 'string') return body.documentId.replace(/^sha256:/, '');
  const hash = body.extensions?.persistedQuery?.sha256Hash;
  return typeof hash === 'string' ? hash : undefined;
}

function paramsOfGet(req: Request): GraphqlBody {
  const params = new URL(req.originalUrl, 'http://x').searchParams;
  let extensions: GraphqlBody['extensions'];
  try {
    extensions = JSON.parse(params.get('extensions') ?? 'null') ?? undefined;
  } catch {
    extensions = undefined;
  }
  return { query: params.get('query') ?? undefined, documentId: params.get('documentId') ?? undefined, extensions };
}

/**
 * Express middleware in front of Apollo. A POST naming a listed id gets the listed text as its
 * query, so the client's text (if any) is never what runs; a full query runs only when listed.
 * Arrays (batches) and bodies without a document pass through: Apollo refuses those itself.
 */
export function trustedDocumentsMiddleware(docs: TrustedDocuments, maxTokens: number) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const refuse = (reason: RefusalReason) => {
      (res.locals.logger as Logger | undefined)?.warn({ reason }, 'untrusted document refused');
      res.status(400).json({
        errors: [{ message: MESSAGES[reason], extensions: { code: ErrorCode.DOCUMENT_NOT_TRUSTED, reason, requestId: res.locals.requestId as string } }],
      });
    };
    const isGet = req.method === 'GET';
    const body: unknown = isGet ? paramsOfGet(req) : req.body;
    if (!body || typeof body !== 'object' || Array.isArray(body)) return next();
    const request = body as GraphqlBody;
    const id = idOf(request);
    const query = typeof request.query === 'string' && request.query !== '' ? request.query : undefined;
    if (id !== undefined) {
      // Apollo reads a GET's parameters from the URL itself, so its query cannot be swapped here.
      if (isGet) return refuse('ID_NEEDS_POST');
      const text = docs.text(id);
      if (text === undefined) return refuse('UNKNOWN_DOCUMENT_ID');
      if (query !== undefined && query !== text && canonicalOf(query, maxTokens) !== canonicalOf(text, maxTokens)) return refuse('DOCUMENT_MISMATCH');
      request.query = text;
      delete request.documentId;
      if (request.extensions) delete request.extensions.persistedQuery;
      return next();
    }
    if (query === undefined) return next();
    return docs.admits(query, maxTokens) ? next() : refuse('NOT_LISTED');
  };
}

function canonicalOf(text: string, maxTokens: number): string | undefined {
  try {
    return canonicalText(parse(text, { maxTokens }));
  } catch {
    return undefined;
  }
}
