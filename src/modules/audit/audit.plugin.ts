import type { ApolloServerPlugin } from '@apollo/server';
import type { OperationDefinitionNode } from 'graphql';
import { ErrorCode } from '../../common/errors';
import type { RequestContext } from '../../server/context';
import { AuditAction, AuditEvent } from './audit.entity';
import { auditEvents } from './audit.subscriber';

function rootFields(operation: OperationDefinitionNode | undefined | null): string | null {
  const names = operation?.selectionSet.selections.flatMap((s) => (s.kind === 'Field' ? [s.name.value] : [])) ?? [];
  return names.length ? names.join(',').slice(0, 100) : null;
}

/**
 * Names the operation for the write audit (the flush subscriber reads it from the request's
 * AuditScope) and, when the response is about to go out, records one READ_PHI event per entity
 * type with the ids whose PHI fields were resolved (HIPAA 45 CFR 164.312(b)): a read-only
 * request gets its row too. Ids only, never values.
 */
export function auditPlugin(): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ contextValue, operationName, operation }) {
          contextValue.audit.operation = (operationName ?? rootFields(operation))?.slice(0, 100) ?? null;
        },
        async willSendResponse({ contextValue, response }) {
          const scope = contextValue?.audit;
          if (!scope || scope.phiReads.size === 0) return;
          const at = new Date();
          const events = [...scope.phiReads].flatMap(([entity, ids]) => auditEvents(scope, AuditAction.READ_PHI, entity, [...ids], null, at));
          scope.phiReads.clear();
          try {
            await contextValue.em.fork().insertMany(AuditEvent, events);
          } catch (err) {
            // Fail closed: PHI does not leave without its audit row. Logged with entity names only.
            contextValue.logger.error({ err: (err as Error).name, entities: events.map((e) => e.entity) }, 'PHI read audit not recorded; response withheld');
            if (response.body.kind === 'single') {
              response.body.singleResult = {
                data: null,
                errors: [{ message: 'Internal server error', extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR, requestId: contextValue.requestId } }],
              };
            }
          }
        },
      };
    },
  };
}
