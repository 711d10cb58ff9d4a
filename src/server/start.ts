import 'reflect-metadata';
import { createServer, type Server } from 'node:http';
import type { MikroORM } from '@mikro-orm/core';
import type { AppConfig } from '../config';
import { createOrm, migrateUp } from '../db/orm';
import { DbReferenceChecker } from '../modules/scrub/reference-checker';
import { formatProblem, RuleRegistry } from '../rules-engine';
import { createApp } from './app';
import type { Logger } from './logger';

export interface RunningServer {
  url: string;
  port: number;
  orm: MikroORM;
  rules: RuleRegistry;
  httpServer: Server;
  stop(): Promise<void>;
}

/** Raised when the rules directory does not load at start: the server does not start without rules. */
export class RulesRefusedError extends Error {}

/** Loads the payer rules (refusing to start on any problem) and watches them when configured. */
export async function loadRules(config: AppConfig, orm: MikroORM, logger: Logger): Promise<RuleRegistry> {
  const rules = new RuleRegistry(config.rulesDir, { referenceChecker: new DbReferenceChecker(orm.em.fork()), logger });
  const result = await rules.reload('startup');
  if (result.status === 'REFUSED') {
    throw new RulesRefusedError(`payer rules in ${config.rulesDir} do not load:\n${result.problems.map((p) => `  ${formatProblem(p)}`).join('\n')}`);
  }
  if (config.watchRules) rules.watch();
  return rules;
}

/** Migrates, loads the rules, builds the app and listens. Used by `npm start` and by HTTP tests. */
export async function startServer(config: AppConfig, logger: Logger, opts: { orm?: MikroORM } = {}): Promise<RunningServer> {
  const orm = opts.orm ?? (await createOrm(config.database));
  const applied = await migrateUp(orm);
  if (applied.length) logger.info({ migrations: applied }, 'applied migrations');
  const rules = await loadRules(config, orm, logger);
  const httpServer = createServer();
  const { app, apollo } = await createApp(orm, config, logger, rules, httpServer);
  httpServer.on('request', app);
  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(config.port, config.host, () => resolve());
  });
  const address = httpServer.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const shownHost = config.host === '0.0.0.0' || config.host === '127.0.0.1' ? 'localhost' : config.host;
  return {
    url: `http://${shownHost}:${port}`,
    port,
    orm,
    rules,
    httpServer,
    async stop() {
      rules.close();
      await apollo.stop();
      if (!opts.orm) await orm.close(true);
    },
  };
}
