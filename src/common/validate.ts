import type { EntityManager } from '@mikro-orm/core';
import { BaseSqlitePlatform } from '@mikro-orm/better-sqlite';
import { isLocalDate, today } from './dates';
import { IssueCollector } from './errors';
import { UUID_PATTERN } from './ids';

/**
 * Small field checks used by services. Each adds an issue naming the path and never the value.
 * Returns the cleaned value (trimmed) or undefined when it failed.
 */
export function text(
  issues: IssueCollector,
  path: string,
  value: string | null | undefined,
  opts: { max: number; required?: boolean; pattern?: RegExp; patternHint?: string },
): string | null | undefined {
  if (value === undefined || value === null) {
    if (opts.required) issues.add(path, 'REQUIRED', 'is required');
    return value;
  }
  const trimmed = value.trim();
  if (trimmed === '') {
    if (opts.required) issues.add(path, 'REQUIRED', 'must not be blank');
    return opts.required ? undefined : null;
  }
  if (trimmed.length > opts.max) {
    issues.add(path, 'TOO_LONG', `must be at most ${opts.max} characters`);
    return undefined;
  }
  // X12 treats ~ * : ^ as delimiters in common use; they cannot travel inside an element.
  // eslint-disable-next-line no-control-regex -- control characters are exactly what we refuse
  if (/[~*:^|\\]/.test(trimmed) || /[\u0000-\u001f]/.test(trimmed)) {
    issues.add(path, 'INVALID_CHARACTERS', 'contains characters that cannot be sent in X12 (~ * : ^ | \\ or control characters)');
    return undefined;
  }
  if (opts.pattern && !opts.pattern.test(trimmed)) {
    issues.add(path, 'FORMAT', opts.patternHint ?? 'has the wrong format');
    return undefined;
  }
  return trimmed;
}

export function integer(
  issues: IssueCollector,
  path: string,
  value: number | null | undefined,
  opts: { min: number; max: number; required?: boolean },
): number | null | undefined {
  if (value === undefined || value === null) {
    if (opts.required) issues.add(path, 'REQUIRED', 'is required');
    return value;
  }
  if (!Number.isInteger(value) || value < opts.min || value > opts.max) {
    issues.add(path, 'OUT_OF_RANGE', `must be a whole number from ${opts.min} to ${opts.max}`);
    return undefined;
  }
  return value;
}

export function pastOrTodayDate(issues: IssueCollector, path: string, value: string | null | undefined): void {
  if (value == null) return;
  if (!isLocalDate(value)) {
    issues.add(path, 'FORMAT', 'must be a calendar date YYYY-MM-DD');
  } else if (value > today()) {
    issues.add(path, 'IN_FUTURE', 'must not be in the future');
  }
}

export function dateRange(
  issues: IssueCollector,
  fromPath: string,
  from: string | null | undefined,
  toPath: string,
  to: string | null | undefined,
): void {
  if (from && to && to < from) {
    issues.add(toPath, 'BEFORE_START', `must not be before ${fromPath}`);
  }
}

export const US_STATE_PATTERN = /^[A-Z]{2}$/;
export const POSTAL_CODE_PATTERN = /^[0-9]{5}([0-9]{4})?$/;

/**
 * Makes user text safe inside a LIKE pattern on both dialects. SQLite has no default LIKE
 * escape character, so wildcards are dropped rather than escaped.
 */
export function likeSafe(value: string): string {
  // Control characters too: no stored text has them (text() refuses them), and a NUL inside a
  // bound parameter is a driver error on both databases (found by test/fuzz/graphql.test.ts).
  // eslint-disable-next-line no-control-regex
  return value.trim().replace(/[\\%_\u0000-\u001f]/g, '');
}

/**
 * A case-insensitive LIKE condition for both dialects. MikroORM sends `$ilike` as ILIKE, which
 * only PostgreSQL knows (SQLite fails with a syntax error); SQLite's LIKE already ignores ASCII case.
 */
export function ilike(em: EntityManager, pattern: string): { $ilike: string } | { $like: string } {
  return em.getPlatform() instanceof BaseSqlitePlatform ? { $like: pattern } : { $ilike: pattern };
}

/**
 * Text arguments of list filters that are compared as they are (no LIKE): no stored value holds a
 * control character, and a NUL would reach the driver as an error (INTERNAL_SERVER_ERROR).
 */
export function assertTextFilters(values: Record<string, string | null | undefined>): void {
  const issues = new IssueCollector();
  for (const [path, value] of Object.entries(values)) {
    // eslint-disable-next-line no-control-regex -- a NUL in a bound parameter is a driver error on both databases
    if (value != null && /[\u0000-\u001f]/.test(value)) issues.add(path, 'INVALID_CHARACTERS', 'contains control characters');
  }
  issues.throwIfAny();
}

/**
 * Id arguments of list filters must look like the ids this API issues: PostgreSQL's uuid columns
 * answer anything else with a driver error (SQLite would just match nothing).
 */
export function assertIdFilters(ids: Record<string, string | null | undefined>): void {
  const issues = new IssueCollector();
  for (const [path, value] of Object.entries(ids)) {
    if (value != null && !UUID_PATTERN.test(value)) issues.add(path, 'FORMAT', 'is not an id this API issued');
  }
  issues.throwIfAny();
}
