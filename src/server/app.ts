import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { expressMiddleware } from '@as-integrations/express5';
import express, { type Request, type Response } from 'express';
import { graphqlUploadExpress } from 'graphql-upload-minimal';
import type { MikroORM } from '@mikro-orm/core';
import type { GraphQLSchema } from 'graphql';
import { bearerToken, TokenError, verifyToken } from '../auth/jwt';
import { UnauthenticatedError } from '../common/errors';
import type { AppConfig } from '../config';
import type { RuleRegistry } from '../rules-engine';
import { buildRequestContext, type RequestContext } from './context';
import { describeForLog, formatError, httpErrorMiddleware, isUnexpected } from './format-error';
import { RateLimitedError } from './limits/errors';
import { queryLimitsPlugin } from './limits/plugin';
import { RateLimiter } from './limits/rate-limit';
import { TrustedDocuments, trustedDocumentsMiddleware } from './limits/trusted-documents';
import type { Logger } from './logger';
import { mountPlayground } from './playground';
import { auditPlugin } from '../modules/audit/audit.plugin';
import { buildAppSchema } from './schema';

const REQUEST_ID_PATTERN = /^[A-Za-z0-9._-]{8,64}$/;

/** Logs unexpected errors once, with the request id and without PHI, and tags responses. */
function errorLoggingPlugin(): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors({ errors, contextValue, operationName }) {
          for (const error of errors) {
            if (isUnexpected(error.originalError ?? error, error.extensions?.code)) {
              contextValue.logger.error({ operationName, path: error.path, ...describeForLog(error.originalError ?? error) }, 'unexpected error');
            }
          }
        },
        async willSendResponse({ response, contextValue }) {
          if (response.body.kind === 'single' && response.body.singleResult.errors) {
            for (const e of response.body.singleResult.errors) {
              if (e.extensions) (e.extensions as Record<string, unknown>).requestId = contextValue.requestId;
            }
          }
        },
      };
    },
  };
}

export interface App {
  app: express.Express;
  apollo: ApolloServer<RequestContext>;
  schema: GraphQLSchema;
}

export async function createApp(orm: MikroORM, config: AppConfig, logger: Logger, rules: RuleRegistry | null, httpServer?: Server): Promise<App> {
  const schema = await buildAppSchema();
  const production = config.env === 'production';
  const { limits } = config;
  const trusted = config.trustedDocuments ? TrustedDocuments.load(config.trustedDocuments, schema, limits.maxTokens) : null;
  if (trusted) logger.info({ documents: trusted.size }, 'trusted documents only');
  const rateLimiter = config.rateLimit.perMinute > 0 ? new RateLimiter(config.rateLimit) : null;
  // Apollo's production checklist and the OWASP GraphQL Cheat Sheet: no introspection, no
  // batching (one request, one operation: limits and rate limits count operations), bounded
  // documents, no schema hints in errors.
  const apollo = new ApolloServer<RequestContext>({
    schema,
    formatError,
    csrfPrevention: true,
    allowBatchedHttpRequests: false,
    introspection: !production,
    includeStacktraceInErrorResponses: false,
    hideSchemaDetailsFromClientErrors: production,
    // graphql-js stops lexing past the limit, before any tree is built: GRAPHQL_PARSE_FAILED.
    parseOptions: { maxTokens: limits.maxTokens },
    // With trusted documents, automatic persisted queries would let a client register new ones.
    ...(trusted ? { persistedQueries: false as const } : {}),
    plugins: [
      // Cache hints are unused; the plugin costs ~30–45 % CPU on nested lists (shared STACK.md).
      ApolloServerPluginCacheControlDisabled(),
      ApolloServerPluginLandingPageDisabled(),
      errorLoggingPlugin(),
      queryLimitsPlugin(limits),
      auditPlugin(), // issue 6 audit trail (src/modules/audit): operation name for write audits, READ_PHI rows
      ...(httpServer ? [ApolloServerPluginDrainHttpServer({ httpServer })] : []),
    ],
  });
  await apollo.start();

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);

  app.use((req: Request, res: Response, next) => {
    const incoming = req.header('x-request-id');
    const requestId = incoming && REQUEST_ID_PATTERN.test(incoming) ? incoming : randomUUID();
    const started = process.hrtime.bigint();
    res.locals.requestId = requestId;
    res.locals.logger = logger.child({ requestId });
    res.setHeader('x-request-id', requestId);
    res.on('finish', () => {
      res.locals.logger.info(
        { method: req.method, path: req.path, status: res.statusCode, ms: Number(process.hrtime.bigint() - started) / 1e6 },
        'request',
      );
    });
    next();
  });

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });

  if (config.playground) mountPlayground(app);

  app.use(
    '/graphql',
    // Multipart requests (GraphQL multipart request spec) carry reference files; Apollo's CSRF
    // prevention still requires a preflight header on them. One file per request.
    graphqlUploadExpress({ maxFileSize: config.uploadLimitBytes, maxFiles: 1 }),
    express.json({ limit: config.bodyLimit }),
    ...(trusted ? [trustedDocumentsMiddleware(trusted, limits.maxTokens)] : []),
    expressMiddleware(apollo, {
      context: async ({ req, res }): Promise<RequestContext> => {
        const requestId = res.locals.requestId as string;
        const log = res.locals.logger as Logger;
        const token = bearerToken(req.header('authorization'));
        if (!token) throw new UnauthenticatedError();
        let principal;
        try {
          principal = verifyToken(config.jwtSecret, token);
        } catch (err) {
          if (err instanceof TokenError) {
            log.warn({ reason: err.message }, 'token refused');
            throw new UnauthenticatedError(`Authentication failed: ${err.message}`);
          }
          throw err;
        }
        const requestLog = log.child({ sub: principal.sub, role: principal.role });
        // Keyed by who the token stands for, not the token: a refreshed token shares the budget,
        // and garbage tokens (refused above) cannot create buckets. The token is never logged.
        const retryAfter = rateLimiter?.take(`${principal.sub}\u0000${principal.role}`) ?? 0;
        if (retryAfter > 0) {
          requestLog.warn({ retryAfter }, 'rate limited');
          throw new RateLimitedError(retryAfter);
        }
        return buildRequestContext(orm, principal, requestId, requestLog, rules);
      },
    }),
  );

  // Malformed JSON or multipart bodies, oversize requests, unknown charsets or encodings: a clear
  // JSON 4xx with the request id, never Express's HTML page (which shows the stack and echoes input).
  app.use(httpErrorMiddleware(config.bodyLimit));

  return { app, apollo, schema };
}
