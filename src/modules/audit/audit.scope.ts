import type { EntityManager } from '@mikro-orm/core';
import type { PhiReadSink } from '../../auth/phi';

/**
 * Who is acting, for the audit trail. Carried on the EntityManager's logger context, which
 * MikroORM copies into every fork and every transaction's fork (by reference for a class
 * instance), so the flush subscriber finds it wherever a service writes. Holds ids only.
 */
export class AuditScope implements PhiReadSink {
  /** Set once the operation is known (Apollo didResolveOperation); null outside GraphQL. */
  operation: string | null = null;
  /** Entity name → ids whose PHI fields this request resolved. */
  readonly phiReads = new Map<string, Set<string>>();

  constructor(
    readonly actor: string,
    readonly role: string | null,
    readonly requestId: string | null,
  ) {}

  notePhiRead(entity: string, id: string): void {
    let ids = this.phiReads.get(entity);
    if (!ids) this.phiReads.set(entity, (ids = new Set()));
    ids.add(id);
  }
}

/** Work with no caller attached (should not happen in the API): still recorded, never anonymous-looking. */
export const UNATTRIBUTED = new AuditScope('system:unattributed', null, null);

const KEY = 'audit';

/** A fork of `em` whose writes are audited as `scope`. */
export function forkWithAudit(em: EntityManager, scope: AuditScope): EntityManager {
  return em.fork({ loggerContext: { [KEY]: scope } });
}

/** Attaches `scope` to an EntityManager already forked (CLI and seed contexts). */
export function attachAudit(em: EntityManager, scope: AuditScope): EntityManager {
  em.setLoggerContext({ ...em.getLoggerContext({ disableContextResolution: true }), [KEY]: scope });
  return em;
}

export function auditScopeOf(em: EntityManager): AuditScope {
  const scope = em.getLoggerContext({ disableContextResolution: true })[KEY];
  return scope instanceof AuditScope ? scope : UNATTRIBUTED;
}
