import type { EntityManager, EntityName } from '@mikro-orm/core';
import type { SqlEntityManager } from '@mikro-orm/knex';
import { ConflictError } from '../../common/errors';
import { AuditAction } from '../audit/audit.entity';
import { recordWrite } from '../audit/audit.subscriber';

/**
 * Bulk reads and writes for posting large 835 files (10,000 claims in under 10 s on PostgreSQL,
 * test/bench/x12-835-bench.ts). MikroORM's own paths cost too much at that size: every entity is
 * hydrated and tracked, and every statement has its values inlined into the SQL text
 * (AbstractSqlConnection.execute formats the query), which for tens of thousands of rows takes
 * seconds. These helpers go through the same connection and transaction with bound parameters,
 * and convert values the way MikroORM stores them: JSON as JSON text; dates, booleans and
 * numbers left to the driver (knex's better-sqlite3 client stores dates as epoch milliseconds
 * and booleans as 0/1, as MikroORM does on SQLite).
 */

/** Bound parameters per statement: under SQLite's 32,766 and PostgreSQL's 65,535. */
const MAX_PARAMS = 20_000;

function knexOf(em: EntityManager) {
  const sql = em as SqlEntityManager;
  const knex = sql.getKnex();
  const trx = sql.getTransactionContext();
  return { knex, trx };
}

/** `select <columns> from <table> where <column> in (…)`, in chunks; raw rows (column names). */
export async function selectIn(em: EntityManager, table: string, columns: readonly string[], column: string, values: readonly string[]): Promise<Record<string, unknown>[]> {
  const { knex, trx } = knexOf(em);
  const out: Record<string, unknown>[] = [];
  for (let i = 0; i < values.length; i += 1000) {
    const q = knex.select(...columns).from(table).whereIn(column, values.slice(i, i + 1000));
    if (trx) q.transacting(trx);
    out.push(...((await q) as Record<string, unknown>[]));
  }
  return out;
}

/** JSON columns arrive parsed (PostgreSQL jsonb) or as text (SQLite). */
export function jsonValue<T>(v: unknown): T {
  return (typeof v === 'string' ? JSON.parse(v) : v) as T;
}

/**
 * Multi-row INSERTs of plain rows keyed by property name (relations by primary key). Every row
 * must carry the same keys; defaults of the entity class are not applied.
 */
export async function bulkInsert(em: EntityManager, entity: EntityName<object>, rows: readonly Record<string, unknown>[]): Promise<void> {
  if (rows.length === 0) return;
  const meta = em.getMetadata().get(entity as string);
  const props = Object.keys(rows[0]!).map((key) => {
    const prop = meta.properties[key as never] as { fieldNames: string[]; type: string; columnTypes: string[] } | undefined;
    if (!prop) throw new Error(`${meta.className} has no property ${key}`);
    return { key, column: prop.fieldNames[0]!, json: prop.type === 'json' || ['json', 'jsonb'].includes(prop.columnTypes[0] ?? '') };
  });
  const { knex, trx } = knexOf(em);
  // The statement text is built here (knex's insert builder normalizes every row object: seconds
  // for 20,000 rows); values stay bound parameters.
  const quote = (name: string) => em.getPlatform().quoteIdentifier(name);
  const head = `insert into ${quote(meta.tableName)} (${props.map((p) => quote(p.column)).join(', ')}) values `;
  const tuple = `(${props.map(() => '?').join(', ')})`;
  const perStatement = Math.max(1, Math.floor(MAX_PARAMS / props.length));
  for (let i = 0; i < rows.length; i += perStatement) {
    const chunk = rows.slice(i, i + perStatement);
    const bindings: unknown[] = [];
    for (const r of chunk) {
      for (const p of props) {
        const v = r[p.key];
        bindings.push(v === undefined || v === null ? null : p.json ? JSON.stringify(v) : v);
      }
    }
    const q = knex.raw(head + chunk.map(() => tuple).join(', '), bindings as never[]);
    if (trx) q.transacting(trx);
    await q;
  }
  // These rows bypass the unit of work, so its audit subscriber: record them here, same transaction.
  await recordWrite(em, AuditAction.CREATE, meta.className, rows.map((r) => String(r.id)));
}

export interface ClaimWrite {
  id: string;
  status: string;
  payerClaimNumber: string | null;
  /** The version the posting read: the row must still have it. */
  version: number;
}

/**
 * Writes claims' status and payer claim number, version + 1, in a few statements. Each row must
 * still have the version it was read with: a claim changed by someone else meanwhile fails the
 * posting with CONFLICT (the caller's transaction rolls back; nothing is written).
 */
export async function updateClaims(em: EntityManager, claims: readonly ClaimWrite[], at: Date): Promise<void> {
  const { knex, trx } = knexOf(em);
  for (let i = 0; i < claims.length; i += 500) {
    const chunk = claims.slice(i, i + 500);
    const whens = chunk.map(() => 'when ? then ?').join(' ');
    const sql =
      `update claim set status = case id ${whens} end, payer_claim_number = case id ${whens} end, version = version + 1, updated_at = ? ` +
      `where ${chunk.map(() => '(id = ? and version = ?)').join(' or ')}`;
    const bindings = [...chunk.flatMap((c) => [c.id, c.status]), ...chunk.flatMap((c) => [c.id, c.payerClaimNumber]), at, ...chunk.flatMap((c) => [c.id, c.version])];
    const q = knex.raw(sql, bindings as never[]);
    if (trx) q.transacting(trx);
    const res = (await q) as { rowCount?: number; changes?: number };
    const affected = res.rowCount ?? res.changes;
    if (affected !== chunk.length) {
      const now = await selectIn(em, 'claim', ['id', 'version'], 'id', chunk.map((c) => c.id));
      const current = new Map(now.map((r) => [r.id as string, Number(r.version)]));
      const stale = chunk.find((c) => current.get(c.id) !== c.version) ?? chunk[0]!;
      throw new ConflictError('Claim', stale.id, stale.version, current.get(stale.id) ?? stale.version + 1);
    }
  }
  await recordWrite(em, AuditAction.UPDATE, 'Claim', claims.map((c) => c.id), ['status', 'payerClaimNumber']);
}
