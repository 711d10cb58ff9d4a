import type { MigrationObject } from '@mikro-orm/core';
import type { DatabaseDialect } from '../config';
import { postgresqlMigrations } from '../../migrations/postgresql';
import { sqliteMigrations } from '../../migrations/sqlite';

/**
 * Migrations are compiled in (not discovered from disk) so the same list runs under ts (tests)
 * and from dist/ (server, CLI). `claimflow migrate create` regenerates the index files.
 */
export function migrationsFor(dialect: DatabaseDialect): MigrationObject[] {
  return dialect === 'sqlite' ? sqliteMigrations : postgresqlMigrations;
}
