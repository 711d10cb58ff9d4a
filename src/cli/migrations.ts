import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MikroORM } from '@mikro-orm/core';
import type { DatabaseConfig, DatabaseDialect } from '../config';
import { createOrm, migrateUp, migrationsSourceDir } from '../db/orm';
import { createScratchPgDatabase } from '../db/scratch';

/**
 * Objects hand-written in migrations that the ORM does not model (code search: the SQLite FTS5
 * table code_fts with its triggers; on PostgreSQL the generated column code_search_words and its
 * GIN index).
 * The checks leave them out; their own tests show they work.
 */
const RAW_SQL_OBJECTS = /code_search_words|code_fts/;

/** Runs `fn` against an empty database of the dialect with every committed migration applied. */
async function withMigratedScratch<T>(dialect: DatabaseDialect, pgBaseUrl: string, fn: (db: DatabaseConfig) => Promise<T>): Promise<T> {
  if (dialect === 'sqlite') return fn({ dialect, url: ':memory:' });
  const scratch = await createScratchPgDatabase(pgBaseUrl, 'claimflow_migcheck');
  try {
    return await fn({ dialect, url: scratch.url });
  } finally {
    await scratch.drop();
  }
}

/** True when the entities describe a schema the committed migrations do not produce. */
export async function migrationNeeded(dialect: DatabaseDialect, pgBaseUrl: string): Promise<{ needed: boolean; diff: string[] }> {
  if (dialect === 'sqlite') return sqliteMigrationNeeded();
  return withMigratedScratch(dialect, pgBaseUrl, async (db) => {
    const orm = await createOrm(db);
    try {
      await migrateUp(orm);
      const diff = await orm.getSchemaGenerator().getUpdateSchemaSQL({ wrap: false, safe: false });
      const statements = diff
        .split('\n')
        .filter((l) => l.trim() !== '' && !/^(pragma|set )/i.test(l.trim()) && !RAW_SQL_OBJECTS.test(l));
      return { needed: statements.length > 0, diff: statements };
    } finally {
      await orm.close(true);
    }
  });
}

/**
 * SQLite: builds one database from the committed migrations and one straight from the entities,
 * then compares what SQLite itself reports (columns, indexes, foreign keys, CHECK clauses). The
 * ORM's own SQLite introspection misreads enum CHECKs, so it is not trusted for this.
 */
async function sqliteMigrationNeeded(): Promise<{ needed: boolean; diff: string[] }> {
  const fromMigrations = await createOrm({ dialect: 'sqlite', url: ':memory:' });
  const fromEntities = await createOrm({ dialect: 'sqlite', url: ':memory:' });
  try {
    await migrateUp(fromMigrations);
    await fromEntities.getSchemaGenerator().createSchema();
    const a = await sqliteFingerprint(fromMigrations);
    const b = await sqliteFingerprint(fromEntities);
    const diff = [
      ...[...b].filter((l) => !a.has(l)).map((l) => `missing: ${l}`),
      ...[...a].filter((l) => !b.has(l)).map((l) => `unexpected: ${l}`),
    ];
    return { needed: diff.length > 0, diff };
  } finally {
    await fromMigrations.close(true);
    await fromEntities.close(true);
  }
}

async function sqliteFingerprint(orm: MikroORM): Promise<Set<string>> {
  const conn = orm.em.getConnection();
  const lines = new Set<string>();
  const tables = await conn.execute<{ name: string; sql: string }[]>(
    "select name, sql from sqlite_master where type = 'table' and name not like 'sqlite_%' and name <> 'mikro_orm_migrations' and name not like 'code_fts%'",
  );
  for (const { name, sql } of tables) {
    for (const c of await conn.execute<{ name: string; type: string; notnull: number; dflt_value: string | null; pk: number }[]>(`pragma table_info(\`${name}\`)`)) {
      lines.add(`column ${name}.${c.name} ${c.type.toLowerCase()} notnull=${c.notnull} default=${c.dflt_value} pk=${c.pk}`);
    }
    for (const i of await conn.execute<{ name: string; unique: number; origin: string }[]>(`pragma index_list(\`${name}\`)`)) {
      const cols: { name: string }[] = await conn.execute(`pragma index_info(\`${i.name}\`)`);
      lines.add(`index ${name}(${cols.map((c) => c.name).join(',')}) unique=${i.unique}`);
    }
    for (const f of await conn.execute<{ table: string; from: string; to: string; on_update: string; on_delete: string }[]>(`pragma foreign_key_list(\`${name}\`)`)) {
      lines.add(`fk ${name}.${f.from} -> ${f.table}.${f.to} update=${f.on_update} delete=${f.on_delete}`);
    }
    for (const m of sql.matchAll(/`(\w+)` [^,]*?check \((.*?)\)\)/g)) {
      lines.add(`check ${name}.${m[1]} ${m[2]})`);
    }
  }
  return lines;
}

/**
 * Writes a migration from the difference between the migrated scratch database and the entities.
 * SQLite caveat: MikroORM 6.6 misreads enum CHECK constraints when it introspects SQLite, so a
 * generated SQLite migration may rebuild unchanged tables; trim it until `migrate check` passes.
 */
export async function createMigration(dialect: DatabaseDialect, pgBaseUrl: string, name?: string): Promise<string | null> {
  return withMigratedScratch(dialect, pgBaseUrl, async (db) => {
    const orm = await createOrm(db);
    try {
      await migrateUp(orm);
      const result = await orm.getMigrator().createMigration(migrationsSourceDir(dialect), false, false, name);
      if (!result.fileName) return null;
      writeMigrationIndex(dialect);
      return result.fileName;
    } finally {
      await orm.close(true);
    }
  });
}

/** Regenerates migrations/<dialect>/index.ts from the migration files in the folder. */
export function writeMigrationIndex(dialect: DatabaseDialect): void {
  const dir = migrationsSourceDir(dialect);
  const files = readdirSync(dir)
    .filter((f) => /^Migration\d{14}.*\.ts$/.test(f))
    .map((f) => f.replace(/\.ts$/, ''))
    .sort();
  const imports = files.map((f, i) => `import { ${f} as M${i} } from './${f}';`).join('\n');
  const entries = files.map((f, i) => `  { name: '${f}', class: M${i} },`).join('\n');
  const body = `// Generated by \`claimflow migrate create\`: the ordered list of ${dialect} migrations.
import type { MigrationObject } from '@mikro-orm/core';
${imports}

export const ${dialect}Migrations: MigrationObject[] = [
${entries}
];
`;
  writeFileSync(join(dir, 'index.ts'), body.replace(/\n\n\n/g, '\n\n'));
}
