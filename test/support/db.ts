import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MikroORM } from '@mikro-orm/core';
import type { DatabaseConfig, DatabaseDialect } from '../../src/config';
import { createOrm, migrateUp, type OrmOptions } from '../../src/db/orm';
import { createScratchPgDatabase, DEFAULT_TEST_PG_URL } from '../../src/db/scratch';

/** Which database this jest run targets: `npm run test:sqlite` / `npm run test:pg`. */
export function testDialect(): DatabaseDialect {
  const raw = process.env.CLAIMFLOW_TEST_DB ?? 'sqlite';
  if (raw !== 'sqlite' && raw !== 'postgresql') throw new Error(`CLAIMFLOW_TEST_DB must be sqlite or postgresql`);
  return raw;
}

export function testPgUrl(): string {
  return process.env.CLAIMFLOW_TEST_PG_URL || DEFAULT_TEST_PG_URL;
}

export interface TestDb {
  dialect: DatabaseDialect;
  config: DatabaseConfig;
  orm: MikroORM;
  /** SQL statements seen since the last reset (only when created with `countQueries`). */
  queries: string[];
  close(): Promise<void>;
}

/**
 * A fresh, migrated database for one test file: a temp SQLite file, or a scratch PostgreSQL
 * database created beside CLAIMFLOW_TEST_PG_URL and dropped afterwards.
 */
export async function createTestDb(opts: { countQueries?: boolean } = {}): Promise<TestDb> {
  const dialect = testDialect();
  const queries: string[] = [];
  const ormOpts: OrmOptions = opts.countQueries ? { onQuery: (sql) => queries.push(sql) } : {};
  let config: DatabaseConfig;
  let dispose: () => Promise<void>;
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'claimflow-test-'));
    config = { dialect, url: join(dir, 'test.sqlite') };
    dispose = async () => rmSync(dir, { recursive: true, force: true });
  } else {
    const scratch = await createScratchPgDatabase(testPgUrl(), 'claimflow_test');
    config = { dialect, url: scratch.url };
    dispose = () => scratch.drop();
  }
  const orm = await createOrm(config, ormOpts);
  await migrateUp(orm);
  queries.length = 0;
  return {
    dialect,
    config,
    orm,
    queries,
    async close() {
      await orm.close(true);
      await dispose();
    },
  };
}
