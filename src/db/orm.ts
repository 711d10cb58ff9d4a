import { MikroORM, type Options } from '@mikro-orm/core';
import { BetterSqliteDriver } from '@mikro-orm/better-sqlite';
import { PostgreSqlDriver } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { projectRoot, type DatabaseConfig, type DatabaseDialect } from '../config';
import { AuditSubscriber } from '../modules/audit/audit.subscriber';
import { ENTITIES } from './entities';
import { migrationsFor } from './migrations';

export interface OrmOptions {
  /** Called with every SQL statement; tests count statements with it. */
  onQuery?: (sql: string) => void;
}

/** Where a dialect's migration sources live (used when creating new migrations). */
export function migrationsSourceDir(dialect: DatabaseDialect): string {
  return resolve(projectRoot(), 'migrations', dialect);
}

export function ormOptions(db: DatabaseConfig, opts: OrmOptions = {}): Options {
  const common: Options = {
    entities: ENTITIES,
    // Entity and column names are fixed by decorators; discovery by reflection of TS types only.
    discovery: { warnWhenNoEntities: true, requireEntitiesArray: true },
    forceUtcTimezone: true,
    // Every flush writes its audit rows in the same transaction (src/modules/audit).
    subscribers: [new AuditSubscriber()],
    allowGlobalContext: false,
    // The schema is owned by migrations; the ORM never alters it on its own.
    ensureDatabase: false,
    extensions: [Migrator],
    migrations: {
      tableName: 'mikro_orm_migrations',
      path: migrationsSourceDir(db.dialect),
      migrationsList: migrationsFor(db.dialect),
      transactional: true,
      allOrNothing: true,
      snapshot: false,
      emit: 'ts',
    },
    debug: opts.onQuery ? ['query'] : false,
    logger: opts.onQuery ? (message: string) => opts.onQuery?.(message) : () => undefined,
  };
  if (db.dialect === 'sqlite') {
    if (db.url !== ':memory:') mkdirSync(dirname(db.url), { recursive: true });
    return { ...common, driver: BetterSqliteDriver, dbName: db.url } as Options;
  }
  return {
    ...common,
    driver: PostgreSqlDriver,
    clientUrl: db.url,
    pool: { min: 0, max: 10 },
  } as Options;
}

export async function createOrm(db: DatabaseConfig, opts: OrmOptions = {}): Promise<MikroORM> {
  const orm = await MikroORM.init(ormOptions(db, opts));
  if (db.dialect === 'sqlite') {
    // Foreign keys are off by default in SQLite; WAL lets readers run during a write.
    await orm.em.getConnection().execute('PRAGMA foreign_keys = ON');
    if (db.url !== ':memory:') await orm.em.getConnection().execute('PRAGMA journal_mode = WAL');
  }
  return orm;
}

/** Applies pending migrations; returns the names applied. */
export async function migrateUp(orm: MikroORM): Promise<string[]> {
  const applied = await orm.getMigrator().up();
  return applied.map((m) => m.name);
}
