import { randomBytes } from 'node:crypto';
import { MikroORM } from '@mikro-orm/core';
import { PostgreSqlDriver } from '@mikro-orm/postgresql';

export const DEFAULT_TEST_PG_URL = 'postgres://postgres@127.0.0.1:5432/test';

/** A throw-away PostgreSQL database next to `baseUrl`'s, for tests and migration checks. */
export async function createScratchPgDatabase(baseUrl: string, prefix = 'claimflow_tmp'): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `${prefix}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const admin = await MikroORM.init({ driver: PostgreSqlDriver, clientUrl: baseUrl, entities: [], discovery: { warnWhenNoEntities: false }, allowGlobalContext: true, debug: false });
  try {
    await admin.em.getConnection().execute(`create database "${name}"`);
  } finally {
    await admin.close(true);
  }
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const again = await MikroORM.init({ driver: PostgreSqlDriver, clientUrl: baseUrl, entities: [], discovery: { warnWhenNoEntities: false }, allowGlobalContext: true, debug: false });
      try {
        await again.em.getConnection().execute(`drop database if exists "${name}" with (force)`);
      } finally {
        await again.close(true);
      }
    },
  };
}
