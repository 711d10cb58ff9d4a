import { stripVTControlCharacters } from 'node:util';

/** Statements that read or write data (not BEGIN/COMMIT/SAVEPOINT or PRAGMA). */
const DATA_STATEMENT = /^\s*(select|insert|update|delete|with)\b/i;

/** MikroORM's query log line → the SQL it ran (without the `[query]` tag, colours or timing). */
export function sqlOf(logLine: string): string {
  return stripVTControlCharacters(logLine)
    .replace(/^\[query\]\s*/, '')
    .replace(/\s*\[took [^\]]*\]\s*$/, '');
}

/** The data statements of a query log (test/support/db.ts `countQueries`). */
export function dataStatements(queries: readonly string[]): string[] {
  return queries.map(sqlOf).filter((sql) => DATA_STATEMENT.test(sql));
}

/** The main table of a statement (`from "claim_line" as c0` → claim_line). */
export function tableOf(sql: string): string {
  const m = /\b(?:from|into|update)\s+[`"]?([a-z_]+)[`"]?/i.exec(sql);
  return m?.[1] ?? '?';
}

/** Statements per main table: equal for a small and a large page when there is no N+1. */
export function perTable(statements: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const s of statements) counts[tableOf(s)] = (counts[tableOf(s)] ?? 0) + 1;
  return counts;
}
