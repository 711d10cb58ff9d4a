import 'reflect-metadata';
import { createServer, type Server } from 'node:http';
import type { MikroORM } from '@mikro-orm/core';
import type { AppConfig } from '../config';
import { createOrm, migrateUp } from '../db/orm';
import { createApp } from './app';
import type { Logger } from './logger';

export interface RunningServer {
  url: string;
  port: number;
  orm: MikroORM;
  httpServer: Server;
  stop(): Promise<void>;
}

/** Migrates, builds the app and listens. Used by `npm start` and by HTTP tests. */
export async function startServer(config: AppConfig, logger: Logger, opts: { orm?: MikroORM } = {}): Promise<RunningServer> {
  const orm = opts.orm ?? (await createOrm(config.database));
  const applied = await migrateUp(orm);
  if (applied.length) logger.info({ migrations: applied }, 'applied migrations');
  const httpServer = createServer();
  const { app, apollo } = await createApp(orm, config, logger, httpServer);
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
    httpServer,
    async stop() {
      await apollo.stop();
      if (!opts.orm) await orm.close(true);
    },
  };
}
