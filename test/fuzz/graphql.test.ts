import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  buildSchema,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  print,
  typeFromAST,
  type DocumentNode,
  type GraphQLInputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import { Writable } from 'node:stream';
import { Role } from '../../src/common/enums';
import { ErrorCode } from '../../src/common/errors';
import { createLogger } from '../../src/server/logger';
import * as Operations from '../generated/graphql';
import { startTestServer, type TestServer } from '../support/server';
import { fuzzSeed, NASTY_STRINGS, rng, type Rng } from './prng';

/**
 * Fuzzing the GraphQL endpoint over real HTTP with an ADMIN token: every operation in
 * test/operations, each request made invalid on purpose — a variable of the wrong type (strings
 * for numbers, objects for strings, impossible dates, unknown enum values, SafeInt overflow), a
 * required variable or input field missing, an unknown input field, broken syntax, unknown or
 * absurdly deep selections, fragment cycles, wrong inline literals, an unknown operation name, a
 * malformed body — and, on top, huge / unicode / control-character strings and ids that name
 * nothing. The server must answer each one with a 4xx or a GraphQL error whose code is on the
 * closed list (never INTERNAL_SERVER_ERROR, never a 5xx), no response may repeat the planted
 * marker value (inputs may be PHI: OWASP GraphQL Cheat Sheet, "error handling"), and nothing may
 * be written.
 */
const CASES = 1100;
const CONCURRENCY = 8;
/** A PHI-like value planted in inputs. */
const MARKER = 'ZQXMARKER4471';
const CODES = new Set<string>(Object.values(ErrorCode));

const schema: GraphQLSchema = buildSchema(readFileSync(join(__dirname, '../../schema/schema.graphql'), 'utf8'));
const DOCUMENTS: { name: string; doc: DocumentNode; op: OperationDefinitionNode }[] = Object.entries(Operations)
  .filter(([name, v]) => name.endsWith('Document') && (v as DocumentNode)?.kind === 'Document')
  .map(([name, v]) => {
    const doc = v as DocumentNode;
    return { name, doc, op: doc.definitions.find((d): d is OperationDefinitionNode => d.kind === 'OperationDefinition')! };
  });

type Value = unknown;
type Path = (string | number)[];

const uuid = (r: Rng) =>
  'xxxxxxxx-xxxx-4xxx-8xxx-xxxxxxxxxxxx'.replace(/x/g, () => '0123456789abcdef'[r.int(16)]!);

/** Strings carrying the marker, in the shapes that break printers and parsers. */
function markedString(r: Rng): string {
  const nasty = r.pick(NASTY_STRINGS.filter((s) => s.length < 10_000));
  return r.pick([MARKER, `${nasty}${MARKER}`, `${MARKER}${nasty}`, `"${MARKER}"; \\`, `${MARKER}\u0000\u001f\ud800`, `${MARKER}${'🩺'.repeat(1000)}`, `${'x'.repeat(60_000)}${MARKER}`]);
}

/** A plausible value for a type (so the one broken part is what gets refused), sometimes decorated. */
function plausible(r: Rng, type: GraphQLInputType, depth = 0): Value {
  if (isNonNullType(type)) return plausible(r, type.ofType, depth);
  if (depth > 0 && r.chance(0.15)) return null;
  if (isListType(type)) return Array.from({ length: r.int(3) }, () => plausible(r, type.ofType as GraphQLInputType, depth + 1));
  if (isEnumType(type)) return r.pick(type.getValues()).name;
  if (isInputObjectType(type)) {
    const out: Record<string, Value> = {};
    for (const f of Object.values(type.getFields())) {
      if (isNonNullType(f.type) || (depth < 3 && r.chance(0.5))) out[f.name] = plausible(r, f.type, depth + 1);
    }
    return out;
  }
  switch (getNamedType(type).name) {
    case 'String':
      return r.chance(0.4) ? markedString(r) : r.pick(['x1', 'E11.9', '99214', 'A']);
    case 'ID':
      return r.chance(0.2) ? r.pick([MARKER, `${uuid(r)}${MARKER}`, '', '../../etc/passwd', "' OR 1=1 --"]) : uuid(r);
    case 'Int':
    case 'SafeInt':
      return r.pick([1, 2, 20]);
    case 'Float':
      return 1.5;
    case 'Boolean':
      return r.chance(0.5);
    case 'LocalDate':
      return '2026-01-02';
    case 'DateTimeISO':
      return '2026-01-02T03:04:05Z';
    default:
      return null; // Upload and unknown scalars: no JSON value is a valid one.
  }
}

/** A value of the wrong kind for the type: graphql-js must refuse it while coercing variables. */
function wrong(r: Rng, type: GraphQLInputType, nullIsWrong = true): Value {
  if (isNonNullType(type)) return nullIsWrong && r.chance(0.3) ? null : wrong(r, type.ofType, false);
  // A bare value is coerced as a one-item list: it must be wrong as an item, and not null (a null
  // list is legal where the list itself is nullable).
  if (isListType(type)) return r.chance(0.5) ? [wrong(r, type.ofType as GraphQLInputType)] : wrong(r, type.ofType as GraphQLInputType, false);
  if (isEnumType(type)) return r.pick([MARKER, `${type.getValues()[0]!.name.toLowerCase()}${MARKER}`, 7, { v: MARKER }, [MARKER]]);
  if (isInputObjectType(type)) return r.pick([MARKER, 42, [MARKER], true]);
  switch (getNamedType(type).name) {
    case 'String':
      return r.pick([42, 1.5, true, { v: MARKER }, [[MARKER]]]);
    case 'ID':
      return r.pick([1.5, true, { id: MARKER }, [[MARKER]]]);
    case 'Int':
      return r.pick([`1${MARKER}`, 1.5, 2 ** 31, -(2 ** 31) - 1, true, { n: MARKER }, '1']);
    case 'SafeInt':
      return r.pick([`1${MARKER}`, 1.5, 2 ** 53, true, { n: MARKER }]);
    case 'Float':
      return r.pick([`1.5${MARKER}`, true, { n: MARKER }]);
    case 'Boolean':
      return r.pick([`true${MARKER}`, 1, 'true', { b: MARKER }]);
    case 'LocalDate':
      return r.pick(['2026-02-30', '2026-13-01', `2026-01-01${MARKER}`, MARKER, 20260101, '0000-00-00', '2026-1-1', { d: MARKER }]);
    case 'DateTimeISO':
      return r.pick(['2026-02-30T10:00:00Z', MARKER, `2026-01-01T00:00:00Z${MARKER}`, { d: MARKER }, true]);
    default:
      return r.pick([MARKER, { file: MARKER }, 1]);
  }
}

interface Node {
  path: Path;
  type: GraphQLInputType;
}

/** Every position in the variables, with its declared type. */
function positions(type: GraphQLInputType, value: Value, path: Path, out: Node[]): void {
  out.push({ path, type });
  const inner = isNonNullType(type) ? type.ofType : type;
  if (isListType(inner) && Array.isArray(value)) value.forEach((v, i) => positions(inner.ofType as GraphQLInputType, v, [...path, i], out));
  else if (isInputObjectType(inner) && value && typeof value === 'object') {
    for (const f of Object.values(inner.getFields())) if (f.name in (value as object)) positions(f.type, (value as Record<string, Value>)[f.name], [...path, f.name], out);
  }
}

function setAt(root: Record<string, Value>, path: Path, v: Value): void {
  let cur = root as Record<string | number, Value>;
  for (const k of path.slice(0, -1)) cur = cur[k] as Record<string | number, Value>;
  cur[path[path.length - 1]!] = v;
}
function getAt(root: Record<string, Value>, path: Path): Value {
  return path.reduce<Value>((cur, k) => (cur as Record<string | number, Value>)?.[k], root);
}
function deleteAt(root: Record<string, Value>, path: Path): void {
  let cur = root as Record<string | number, Value>;
  for (const k of path.slice(0, -1)) cur = cur[k] as Record<string | number, Value>;
  delete cur[path[path.length - 1]!];
}

interface Request {
  what: string;
  /** The exact body sent (a string: some cases are not JSON at all). */
  body: string;
  /** Well-typed: a read may answer with data (null or empty) instead of an error. */
  reachesResolvers?: boolean;
}

const json = (query: string, variables?: Value, extra: Record<string, Value> = {}) => JSON.stringify({ query, variables, ...extra });

/** One invalid request for an operation. Every branch produces a request graphql must refuse. */
function invalidRequest(r: Rng, d: (typeof DOCUMENTS)[number]): Request {
  const text = print(d.doc);
  const defs = d.op.variableDefinitions ?? [];
  const variables: Record<string, Value> = {};
  const typed: Node[] = [];
  for (const def of defs) {
    const type = typeFromAST(schema, def.type as never) as GraphQLInputType;
    const name = def.variable.name.value;
    variables[name] = plausible(r, type);
    positions(type, variables[name], [name], typed);
  }
  const ids = typed.filter((n) => getNamedType(n.type).name === 'ID' && typeof getAt(variables, n.path) === 'string');
  if (ids.length && r.chance(0.25)) {
    // Past graphql-js into the resolvers: well-typed, but every id names nothing (or is not an
    // id at all), so the service must refuse it (NOT_FOUND / BAD_USER_INPUT, or a null read).
    for (const n of ids) setAt(variables, n.path, r.chance(0.7) ? uuid(r) : r.pick([MARKER, `${uuid(r)}${MARKER}`, `${MARKER}${'9'.repeat(5000)}`, '']));
    return { what: 'ids that name nothing', body: json(text, variables), reachesResolvers: true };
  }
  const strings = typed.filter((n) => getNamedType(n.type).name === 'String' && typeof getAt(variables, n.path) === 'string');
  if (d.op.operation === 'mutation' && strings.length && r.chance(0.2)) {
    // Past graphql-js into the services with writes: every string carries a control character
    // (which no stored text may hold), so the service must refuse the input.
    for (const n of strings) setAt(variables, n.path, `${String(getAt(variables, n.path)).slice(0, 50)}${r.pick(['\u0000', '\u0001', '\u001b[2J', '\r\n', '\u0007'])}${MARKER}`);
    return { what: 'control characters in every string of a write', body: json(text, variables), reachesResolvers: true };
  }
  if (d.op.operation === 'query' && r.chance(0.2)) {
    // Reads write nothing, so they may be well-typed: odd strings (NUL, lone surrogates, 60 kB)
    // in every filter reach the services and the database.
    for (const n of typed) if (getNamedType(n.type).name === 'String' && typeof getAt(variables, n.path) === 'string') setAt(variables, n.path, markedString(r));
    return { what: 'odd strings in a read', body: json(text, variables), reachesResolvers: true };
  }
  const kinds = ['syntax', 'unknownSelection', 'deep', 'fragmentCycle', 'literal', 'operationName', 'body'];
  if (typed.length) kinds.push('wrongType', 'wrongType', 'wrongType', 'wrongType', 'missingRequired', 'unknownInputField', 'unknownInputField');
  const kind = r.pick(kinds);
  switch (kind) {
    case 'wrongType': {
      const n = r.pick(typed);
      // Plain `null` where the declared type is nullable is legal: wrong() never returns it there.
      setAt(variables, n.path, wrong(r, n.type));
      return { what: `${kind} at ${n.path.join('.')}`, body: json(text, variables) };
    }
    case 'missingRequired': {
      const required = typed.filter((n) => isNonNullType(n.type) && getAt(variables, n.path) !== undefined && typeof n.path[n.path.length - 1] === 'string');
      if (!required.length) {
        const n = r.pick(typed);
        setAt(variables, n.path, wrong(r, n.type));
        return { what: `wrongType at ${n.path.join('.')}`, body: json(text, variables) };
      }
      const n = r.pick(required);
      if (n.path.length === 1) delete variables[n.path[0] as string];
      else deleteAt(variables, n.path);
      return { what: `${kind} ${n.path.join('.')}`, body: json(text, variables) };
    }
    case 'unknownInputField': {
      const objects = typed.filter((n) => isInputObjectType(isNonNullType(n.type) ? n.type.ofType : n.type) && getAt(variables, n.path) && typeof getAt(variables, n.path) === 'object');
      if (!objects.length) {
        const n = r.pick(typed);
        setAt(variables, n.path, wrong(r, n.type));
        return { what: `wrongType at ${n.path.join('.')}`, body: json(text, variables) };
      }
      const n = r.pick(objects);
      (getAt(variables, n.path) as Record<string, Value>)[r.pick(['notAField', 'ssn', '__proto__x', 'constructor'])] = markedString(r);
      return { what: `${kind} at ${n.path.join('.')}`, body: json(text, variables) };
    }
    case 'syntax': {
      const at = 1 + r.int(text.length - 1);
      const broken = r.pick([
        text.slice(0, at),
        `${text.slice(0, at)}${r.pick(['{', '}', '(', ')', '$', '!', '@', '&', '%', '"', '"""', '...', '[', '|'])}${text.slice(at)}`,
        `${text} }`,
        text.replace(/\{/, '{ "unterminated'),
        `${text.slice(0, at)}"${MARKER}${text.slice(at)}`,
      ]);
      return { what: `${kind} at ${at}`, body: json(broken, variables) };
    }
    case 'unknownSelection':
      return { what: kind, body: json(text.replace(/\{/, `{ notAField${r.chance(0.5) ? `(arg: "${MARKER}")` : ''} `), variables) };
    case 'deep': {
      const depth = r.pick([12, 50, 400, 3000]);
      if (r.chance(0.5)) {
        // Real fields in a cycle (claim → encounter → claims → …): valid against the schema, so
        // only the depth limit refuses it (OWASP GraphQL Cheat Sheet, "query depth limiting").
        const pairs = Math.ceil(depth / 2);
        return { what: `${kind} valid ${depth}`, body: json(`query Deep { claims(first: 1) { edges { node { ${'encounter { claims { '.repeat(pairs)}id${' } }'.repeat(pairs)} } } } }`) };
      }
      const field = r.pick(['__typename', 'claims', 'a']);
      return { what: `${kind} ${depth}`, body: json(`query Deep { ${`${field} { `.repeat(depth)}id${' }'.repeat(depth)} }`) };
    }
    case 'fragmentCycle':
      return { what: kind, body: json(`${text}\nfragment Loop on Query { ...Loop2 }\nfragment Loop2 on Query { ...Loop }`, variables) };
    case 'literal': {
      const uses = [...text.matchAll(/\(([a-zA-Z]+): \$[a-zA-Z]+/g)];
      if (!uses.length) return { what: 'unknownSelection', body: json(text.replace(/\{/, '{ notAField '), variables) };
      const hit = r.pick(uses);
      const literal = r.pick([`{zz: "${MARKER}"}`, `"${MARKER}"`, `[{zz: "${MARKER}"}]`, `${MARKER}_ENUM`, '1.5e400', '"2026-02-30"', 'null']);
      const start = hit.index! + hit[0].indexOf('$');
      const end = start + /\$[a-zA-Z]+/.exec(text.slice(start))![0].length;
      return { what: `${kind} for ${hit[1]}`, body: json(text.slice(0, start) + literal + text.slice(end), variables) };
    }
    case 'operationName':
      return { what: kind, body: json(text, variables, { operationName: r.pick([`No${MARKER}`, 'Nope', 42, { n: 1 }]) }) };
    default: {
      const which = r.int(8);
      const bodies = [
        JSON.stringify({ query: text, variables: MARKER }),
        JSON.stringify({ query: text, variables: [MARKER] }),
        JSON.stringify({ query: 42, variables }),
        JSON.stringify({ variables }),
        JSON.stringify([{ query: text, variables }, { query: text }]),
        `{"query": ${JSON.stringify(text)}, "variables": {"${MARKER}": `,
        JSON.stringify({ query: text, variables, extensions: { persistedQuery: { version: 1, sha256Hash: MARKER } } }),
        JSON.stringify(MARKER),
      ];
      return { what: `body ${which}`, body: bodies[which]! };
    }
  }
}

interface Failure {
  case: number;
  op: string;
  what: string;
  problem: string;
}

describe('GraphQL endpoint under fuzzing', () => {
  const seed = fuzzSeed('graphql', 20261125);
  let t: TestServer;
  /** Error-level log lines (unexpected errors): there must be none, and none may carry the marker. */
  const logged: string[] = [];
  beforeAll(async () => {
    const stream = new Writable({
      write(chunk: Buffer, _enc, done) {
        for (const line of chunk.toString().split('\n')) if (/"level":(50|60)/.test(line) || line.includes(MARKER)) logged.push(line);
        done();
      },
    });
    t = await startTestServer({ logger: createLogger('info', stream) });
  });
  afterAll(() => t.stop());

  const post = async (body: unknown) => {
    const res = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${t.token(Role.ADMIN)}`, 'x-request-id': 'fuzz-regression-1' },
      body: JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, text, body: JSON.parse(text) as { data?: Record<string, unknown> | null; errors?: { message: string; extensions: Record<string, unknown> }[] } };
  };

  // Regressions found by this fuzzing; each names the bug it fixed.
  it('bug: an automatic persisted query whose hash does not match was masked as INTERNAL_SERVER_ERROR and logged as unexpected', async () => {
    const from = logged.length;
    const res = await post({ query: '{ payers(first: 1) { totalCount } }', extensions: { persistedQuery: { version: 1, sha256Hash: MARKER } } });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ message: 'provided sha does not match query', extensions: { code: 'BAD_REQUEST', requestId: 'fuzz-regression-1' } }]);
    expect(logged.slice(from)).toEqual([]);
  });

  it('bug: DateTimeISO coercion errors and unknown operation names repeated the value sent', async () => {
    const date = await post({ query: 'query($f: AuditEventFilter) { auditEvents(first: 1, filter: $f) { totalCount } }', variables: { f: { to: `2026-01-01T00:00:00Z${MARKER}` } } });
    expect(date.body.errors?.[0]).toMatchObject({ message: 'Variable "$f" got invalid value at "f.to"; DateTime cannot represent an invalid date-time-string.', extensions: { code: 'BAD_USER_INPUT' } });
    const op = await post({ query: '{ payers(first: 1) { totalCount } }', operationName: `No${MARKER}` });
    expect(op.body.errors?.[0]?.extensions.code).toBe('OPERATION_RESOLUTION_FAILURE');
    for (const r of [date, op]) expect(r.text).not.toContain(MARKER);
  });

  it('bug: NOT_FOUND repeated whatever was sent as the id (any length)', async () => {
    const res = await post({ query: 'mutation($i: ChangeClaimStatusInput!) { changeClaimStatus(input: $i) { moved } }', variables: { i: { id: `${MARKER}${'9'.repeat(5000)}`, version: 1, status: 'READY' } } });
    expect(res.body.errors).toEqual([expect.objectContaining({ message: 'Claim (not an id this API issued) not found', extensions: { code: 'NOT_FOUND', entity: 'Claim', requestId: 'fuzz-regression-1' } })]);
    // An id this API issued is still named: it is what the client needs to see.
    const id = '01a2035a-2f82-7000-8e85-cd17e902a21e';
    const known = await post({ query: 'mutation($i: ChangeClaimStatusInput!) { changeClaimStatus(input: $i) { moved } }', variables: { i: { id, version: 1, status: 'READY' } } });
    expect(known.body.errors?.[0]).toMatchObject({ message: `Claim ${id} not found`, extensions: { code: 'NOT_FOUND', id } });
  });

  it('bug: a NUL character in a read filter reached the database driver (INTERNAL_SERVER_ERROR)', async () => {
    const nul = `a\u0000${MARKER}`;
    const reads: [string, Record<string, unknown>, 'data' | 'BAD_USER_INPUT'][] = [
      ['query($s: String) { payers(first: 1, search: $s) { totalCount } }', { s: nul }, 'data'],
      ['query($s: String) { patients(first: 1, filter: { lastNamePrefix: $s }) { totalCount } }', { s: nul }, 'data'],
      ['query($s: String!) { code(system: CPT, code: $s) { code } }', { s: nul }, 'data'],
      ['query($s: String) { providers(first: 1, filter: { npi: $s }) { totalCount } }', { s: nul }, 'BAD_USER_INPUT'],
      ['query($s: String) { claims(first: 1, filter: { patientControlNumber: $s }) { totalCount } }', { s: nul }, 'BAD_USER_INPUT'],
      ['query($s: String) { auditEvents(first: 1, filter: { actor: $s, entity: $s }) { totalCount } }', { s: nul }, 'BAD_USER_INPUT'],
    ];
    for (const [query, variables, expected] of reads) {
      const res = await post({ query, variables });
      expect(res.text).not.toContain(MARKER);
      if (expected === 'data') expect({ query, errors: res.body.errors }).toEqual({ query, errors: undefined });
      else expect({ query, codes: res.body.errors?.map((e) => [e.extensions.code, (e.extensions.issues as { reason: string }[])[0]!.reason]) }).toEqual({ query, codes: [['BAD_USER_INPUT', 'INVALID_CHARACTERS']] });
    }
  });

  it(`answers each of ${CASES} invalid requests with a clear refusal, echoes no input, writes nothing`, async () => {
    expect(DOCUMENTS.length).toBeGreaterThan(50);
    const r = rng(seed);
    const token = t.token(Role.ADMIN);
    const failures: Failure[] = [];
    const codes = new Map<string, number>();
    const before = await t.rowCounts();
    const cases = Array.from({ length: CASES }, (_, i) => {
      const d = DOCUMENTS[i % DOCUMENTS.length]!;
      return { i, d, req: invalidRequest(r, d) };
    });

    const send = async ({ i, d, req }: (typeof cases)[number]) => {
      let text = '';
      const fail = (problem: string) => {
        failures.push({ case: i, op: d.name, what: req.what, problem });
        if (process.env.FUZZ_DEBUG) process.stdout.write(`[fail] ${i} ${d.name} ${req.what} ${problem} :: ${text.slice(0, 400)} <= ${req.body.slice(req.body.indexOf(`"variables"`)).slice(0, 600)}\n`);
      };
      const res = await fetch(`${t.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-request-id': `fuzz-${seed}-${i}` },
        body: req.body,
      });
      text = await res.text();
      if (res.status >= 500) fail(`HTTP ${res.status}`);
      if (text.includes(MARKER)) fail('the response repeats the planted value');
      let body: { errors?: { message?: unknown; extensions?: { code?: unknown } }[] };
      try {
        body = JSON.parse(text) as typeof body;
      } catch {
        fail(`HTTP ${res.status} with a body that is not JSON`);
        return;
      }
      if (!Array.isArray(body.errors) || body.errors.length === 0) {
        // Refusals may come back as data (submitClaims): rowCounts below shows nothing was written.
        if (!req.reachesResolvers) fail(`HTTP ${res.status}: an invalid request was answered without an error`);
        return;
      }
      for (const e of body.errors) {
        const code = String(e.extensions?.code);
        codes.set(code, (codes.get(code) ?? 0) + 1);
        if (!CODES.has(code)) fail(`code ${code} is not on the closed list`);
        if (code === ErrorCode.INTERNAL_SERVER_ERROR) fail('INTERNAL_SERVER_ERROR');
        if (typeof e.message !== 'string' || e.message === '' || e.message.length > 2000) fail('an error without a short message');
      }
    };

    for (let k = 0; k < cases.length; k += CONCURRENCY) {
      await Promise.all(cases.slice(k, k + CONCURRENCY).map(send));
    }
    const kinds: Record<string, number> = {};
    for (const c of cases) {
      const k = c.req.what.replace(/ (at|for|of|from) .*$| \d+$/, '').replace(/^missingRequired .*/, 'missingRequired');
      kinds[k] = (kinds[k] ?? 0) + 1;
    }
    process.stdout.write(`[fuzz] graphql: ${CASES} requests over ${DOCUMENTS.length} operations; kinds ${JSON.stringify(kinds)}; codes ${JSON.stringify(Object.fromEntries(codes))}\n`);
    if (process.env.FUZZ_DEBUG) for (const l of logged) process.stdout.write(`[log] ${l.slice(0, 1500)}\n`);
    expect(failures.slice(0, 12)).toEqual([]);
    expect(await t.rowCounts()).toEqual(before);
    expect(logged.slice(0, 5)).toEqual([]);
  });
});
