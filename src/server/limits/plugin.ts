import type { ApolloServerPlugin } from '@apollo/server';
import type { RequestContext } from '../context';
import { measureOperation } from './analyze';
import { QueryLimitError } from './errors';

export interface QueryLimits {
  maxDepth: number;
  maxAliases: number;
  maxCost: number;
  /** Items assumed in a list without `first` when estimating cost. */
  costListSize: number;
}

/**
 * Refuses an operation over the depth, alias or cost limit before it executes (OWASP GraphQL
 * Cheat Sheet, "Denial of Service": depth, amount and cost limiting).
 *
 * This runs in `didResolveOperation`, after graphql-js validation and before execution, rather
 * than as a `validationRules` entry: Apollo rewrites the code of every validation error to
 * GRAPHQL_VALIDATION_FAILED, while an error thrown here keeps its own code and HTTP status; and
 * here the request's variables are known, so `first: $n` is costed by its real value. The
 * document's size is bounded earlier, at parse time (`parseOptions.maxTokens`).
 */
export function queryLimitsPlugin(limits: QueryLimits): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, operation, request, contextValue }) {
          // No operation selected: execution refuses it (OPERATION_RESOLUTION_FAILURE).
          if (!operation) return;
          const m = measureOperation(schema, document, operation, request.variables, { listSize: limits.costListSize });
          const refuse = (error: QueryLimitError): never => {
            contextValue.logger.warn({ operationName: operation.name?.value ?? null, reason: error.extensions.reason, ...m }, 'query limit exceeded');
            throw error;
          };
          if (m.depth > limits.maxDepth) refuse(new QueryLimitError('DEPTH', `Query depth ${m.depth} exceeds the limit of ${limits.maxDepth}`));
          if (m.aliases > limits.maxAliases) refuse(new QueryLimitError('ALIASES', `Query uses ${m.aliases} aliases; the limit is ${limits.maxAliases}`));
          if (m.cost > limits.maxCost) {
            refuse(new QueryLimitError('COST', `Query's estimated cost ${m.cost} exceeds the limit of ${limits.maxCost}; ask for smaller pages or fewer nested lists`));
          }
        },
      };
    },
  };
}
