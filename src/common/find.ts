import type { EntityManager, EntityName, FilterQuery, Loaded } from '@mikro-orm/core';
import { UUID_PATTERN } from './ids';

/**
 * Loads a record by the id a client sent. Anything that is not an id this API issues is simply
 * not found: PostgreSQL's uuid columns would otherwise answer it with a driver error.
 */
export function findById<T extends { id: string }>(em: EntityManager, entity: EntityName<T>, id: string | null | undefined): Promise<Loaded<T> | null> {
  if (id == null || !UUID_PATTERN.test(id)) return Promise.resolve(null);
  return em.findOne(entity, { id } as unknown as FilterQuery<T>) as Promise<Loaded<T> | null>;
}
