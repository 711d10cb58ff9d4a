import { OptimisticLockError, type EntityManager } from '@mikro-orm/core';
import { ConflictError } from './errors';

/** Refuses an update made against a version other than the current one. */
export function assertVersion(entityName: string, entity: { id: string; version: number }, expected: number): void {
  if (entity.version !== expected) throw new ConflictError(entityName, entity.id, expected, entity.version);
}

/**
 * Flushes; a concurrent writer that committed between our read and our write makes the
 * versioned UPDATE match no row, which MikroORM reports as OptimisticLockError → CONFLICT.
 */
export async function flushOrConflict(em: EntityManager, entityName: string, entity: { id: string; version: number }): Promise<void> {
  try {
    await em.flush();
  } catch (err) {
    if (err instanceof OptimisticLockError) {
      em.clear();
      throw new ConflictError(entityName, entity.id, entity.version, entity.version + 1);
    }
    throw err;
  }
}

/** Names of the fields an update actually changes (for history; values are never recorded). */
export function changedFields<T extends object>(entity: T, patch: Partial<T>): (keyof T & string)[] {
  return (Object.keys(patch) as (keyof T & string)[]).filter((k) => patch[k] !== undefined && !sameValue(entity[k], patch[k]));
}

function sameValue(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) || Array.isArray(b)) return JSON.stringify(a) === JSON.stringify(b);
  return (a ?? null) === (b ?? null);
}

/** Copies the defined fields of `patch` onto `entity`. */
export function applyPatch<T extends object>(entity: T, patch: Partial<T>): void {
  for (const [k, v] of Object.entries(patch)) {
    if (v !== undefined) (entity as Record<string, unknown>)[k] = v;
  }
}
