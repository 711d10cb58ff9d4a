import { ChangeSetType, wrap, type EntityManager, type EventSubscriber, type FlushEventArgs } from '@mikro-orm/core';
import { AuditAction, AuditEvent } from './audit.entity';
import { auditScopeOf, type AuditScope } from './audit.scope';

/** Ids per audit row: keeps one row readable and under any driver's text limits. */
export const IDS_PER_EVENT = 1000;

/** Bookkeeping columns every update touches; not "what changed". */
const NOT_CHANGES = new Set(['version', 'updatedAt']);

const ACTION: Record<ChangeSetType, AuditAction | null> = {
  [ChangeSetType.CREATE]: AuditAction.CREATE,
  [ChangeSetType.UPDATE]: AuditAction.UPDATE,
  [ChangeSetType.DELETE]: AuditAction.DELETE,
  [ChangeSetType.UPDATE_EARLY]: AuditAction.UPDATE,
  [ChangeSetType.DELETE_EARLY]: AuditAction.DELETE,
};

/** New AuditEvent objects for `ids` (chunked), not yet persisted. */
export function auditEvents(scope: AuditScope, action: AuditAction, entity: string, ids: readonly string[], changedFields: readonly string[] | null = null, at = new Date()): AuditEvent[] {
  const out: AuditEvent[] = [];
  for (let i = 0; i < ids.length; i += IDS_PER_EVENT) {
    const ev = new AuditEvent();
    ev.at = at;
    ev.actor = scope.actor;
    ev.role = scope.role;
    ev.requestId = scope.requestId;
    ev.operation = scope.operation;
    ev.action = action;
    ev.entity = entity;
    ev.entityIdsJson = JSON.stringify(ids.slice(i, i + IDS_PER_EVENT));
    ev.changedFieldsJson = changedFields && changedFields.length ? JSON.stringify([...changedFields].sort()) : null;
    out.push(ev);
  }
  return out;
}

/**
 * Records every write that goes through the unit of work, in the same flush — so in the same
 * transaction: a rolled-back write leaves no audit row, and no write commits without one
 * (HIPAA 45 CFR 164.312(b)). One event per entity type and action per flush, with the ids and,
 * for updates, the names of the changed properties. Writes that bypass the unit of work (bulk
 * inserts) call `recordWrite` themselves.
 */
export class AuditSubscriber implements EventSubscriber {
  onFlush({ em, uow }: FlushEventArgs): void {
    const groups = new Map<string, { action: AuditAction; entity: string; ids: string[]; fields: Set<string> }>();
    for (const cs of uow.getChangeSets()) {
      if (cs.entity instanceof AuditEvent) continue;
      const action = ACTION[cs.type];
      if (!action) continue;
      const key = `${cs.name}\u0000${action}`;
      let g = groups.get(key);
      if (!g) groups.set(key, (g = { action, entity: cs.name, ids: [], fields: new Set() }));
      g.ids.push(String(wrap(cs.entity, true).getSerializedPrimaryKey()));
      if (action === AuditAction.UPDATE && cs.payload) for (const k of Object.keys(cs.payload)) if (!NOT_CHANGES.has(k)) g.fields.add(k);
    }
    if (groups.size === 0) return;
    const scope = auditScopeOf(em as EntityManager);
    const at = new Date();
    for (const g of groups.values()) {
      for (const ev of auditEvents(scope, g.action, g.entity, g.ids, g.action === AuditAction.UPDATE ? [...g.fields] : null, at)) uow.computeChangeSet(ev);
    }
  }
}

/**
 * An explicit audit row for a write that bypassed the unit of work (raw bulk INSERT/UPDATE):
 * inserted through `em`, so inside the caller's transaction.
 */
export async function recordWrite(em: EntityManager, action: AuditAction, entity: string, ids: readonly string[], changedFields: readonly string[] | null = null): Promise<void> {
  if (ids.length === 0) return;
  const events = auditEvents(auditScopeOf(em), action, entity, ids, changedFields);
  await em.insertMany(AuditEvent, events);
}
