import 'reflect-metadata';
import { signToken } from './auth/jwt';
import { Role } from './common/enums';
import { ConfigError, loadConfig } from './config';
import { seedDemoIfEmpty } from './seed/demo';
import { createLogger } from './server/logger';
import { RulesRefusedError, startServer } from './server/start';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`claimflow: configuration error: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const logger = createLogger(config.logLevel);
  logger.info({ env: config.env, database: config.database.dialect, jwtSecret: config.jwtSecretSource }, 'starting');
  let server;
  try {
    server = await startServer(config, logger);
  } catch (err) {
    if (err instanceof RulesRefusedError) {
      process.stderr.write(`claimflow: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  if (config.seedDemo) {
    const seeded = await seedDemoIfEmpty(server.orm.em.fork(), server.rules);
    if (seeded) logger.info(seeded, 'seeded demo data');
  }
  logger.info({ url: `${server.url}/graphql` }, 'listening');
  // pino writes asynchronously; let its lines out first so the banner is the last thing shown.
  await new Promise<void>((resolve) => logger.flush(() => resolve()));
  if (config.env !== 'production') {
    const token = signToken(config.jwtSecret, { sub: 'demo-admin', role: Role.ADMIN }, 12 * 3600);
    process.stdout.write(
      `\n  claimflow is running\n` +
        `  GraphQL:  ${server.url}/graphql\n` +
        `  Try it:   ${server.url}/#token=${token}\n` +
        `  Demo token (ADMIN, 12 h): ${token}\n` +
        `  Other roles: npx claimflow token --role BILLER --sub alice\n\n`,
    );
  }
  const shutdown = (signal: string) => {
    logger.info({ signal }, 'shutting down');
    server.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((err: unknown) => {
  const e = err as { name?: string; code?: string };
  process.stderr.write(`claimflow: failed to start (${e?.name ?? 'Error'}${e?.code ? ` ${e.code}` : ''})\n`);
  if (process.env.NODE_ENV !== 'production' && err instanceof Error) process.stderr.write(`${err.stack}\n`);
  process.exit(1);
});
