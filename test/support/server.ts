import 'reflect-metadata';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print, type GraphQLFormattedError } from 'graphql';
import { signToken } from '../../src/auth/jwt';
import { Role } from '../../src/common/enums';
import { loadConfig, type AppConfig } from '../../src/config';
import { ENTITIES } from '../../src/db/entities';
import { createLogger, type Logger } from '../../src/server/logger';
import { startServer, type RunningServer } from '../../src/server/start';
import { Builders, loadCodes, systemContext } from '../../src/seed/builders';
import { createTestDb, type TestDb } from './db';

export interface GqlResult<T> {
  status: number;
  data?: T | null;
  errors?: GraphQLFormattedError[];
}

export interface TestServer {
  url: string;
  db: TestDb;
  config: AppConfig;
  server: RunningServer;
  token(role: Role, sub?: string): string;
  /** POSTs a typed document over real HTTP. `token: null` sends no Authorization header. */
  gql<T, V extends Record<string, unknown>>(
    doc: TypedDocumentNode<T, V>,
    variables?: V,
    opts?: { token?: string | null; role?: Role; headers?: Record<string, string> },
  ): Promise<GqlResult<T>>;
  /** Builders acting as a system user on a fresh EntityManager. */
  builders(): Builders;
  /** Rows per entity: compare before/after to show a refused request wrote nothing. */
  rowCounts(): Promise<Record<string, number>>;
  stop(): Promise<void>;
}

/** Starts the real server (Express + Apollo) on 127.0.0.1 with a random port and a fresh database. */
export async function startTestServer(
  opts: { countQueries?: boolean; seedCodes?: boolean; env?: NodeJS.ProcessEnv; logger?: Logger } = {},
): Promise<TestServer> {
  const db = await createTestDb({ countQueries: opts.countQueries });
  const base = loadConfig({ ...process.env, ...opts.env });
  const config: AppConfig = { ...base, port: 0, host: '127.0.0.1', database: db.config, watchRules: opts.env?.CLAIMFLOW_WATCH_RULES === 'true' };
  const server = await startServer(config, opts.logger ?? createLogger(config.logLevel), { orm: db.orm });
  if (opts.seedCodes !== false) await loadCodes(db.orm.em.fork());
  const url = `http://127.0.0.1:${server.port}`;
  const token = (role: Role, sub = `test-${role.toLowerCase()}`) => signToken(config.jwtSecret, { sub, role }, 3600);
  return {
    url,
    db,
    config,
    server,
    token,
    async gql(doc, variables, o = {}) {
      const headers: Record<string, string> = { 'content-type': 'application/json', ...(o.headers ?? {}) };
      const bearer = o.token === undefined ? token(o.role ?? Role.ADMIN) : o.token;
      if (bearer) headers.authorization = `Bearer ${bearer}`;
      const res = await fetch(`${url}/graphql`, { method: 'POST', headers, body: JSON.stringify({ query: print(doc), variables }) });
      const body = (await res.json()) as { data?: never; errors?: GraphQLFormattedError[] };
      return { status: res.status, data: body.data, errors: body.errors };
    },
    builders() {
      return new Builders(systemContext(db.orm.em.fork(), undefined, server.rules));
    },
    async rowCounts() {
      const em = db.orm.em.fork();
      const counts: Record<string, number> = {};
      for (const entity of ENTITIES) counts[entity.name] = await em.count(entity, {});
      return counts;
    },
    async stop() {
      await server.stop();
      server.httpServer.close();
      await db.close();
    },
  };
}
