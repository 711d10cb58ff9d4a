import { dirname, join, resolve } from 'node:path';
import type { Express, Response } from 'express';
import { projectRoot } from '../config';

/**
 * The try-it page at `/`: GraphiQL with a token box. Every asset is served from node_modules or
 * this repository — the page loads nothing from a CDN.
 */
const ASSETS: Record<string, { module: string; file: string; type: string }> = {
  'react.js': { module: 'react', file: 'umd/react.production.min.js', type: 'text/javascript' },
  'react-dom.js': { module: 'react-dom', file: 'umd/react-dom.production.min.js', type: 'text/javascript' },
  'graphiql.js': { module: 'graphiql', file: 'graphiql.min.js', type: 'text/javascript' },
  'graphiql.css': { module: 'graphiql', file: 'graphiql.min.css', type: 'text/css' },
};

const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  // GraphiQL sets element styles at run time.
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

function packageDir(name: string): string {
  return dirname(require.resolve(`${name}/package.json`));
}

function pageDir(): string {
  return resolve(projectRoot(), 'src', 'server', 'playground');
}

function secure(res: Response): void {
  res.setHeader('Content-Security-Policy', CSP);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
}

export function mountPlayground(app: Express): void {
  app.get('/', (_req, res) => {
    secure(res);
    res.sendFile(join(pageDir(), 'index.html'));
  });
  app.get('/playground/app.js', (_req, res) => {
    secure(res);
    res.type('text/javascript').sendFile(join(pageDir(), 'app.js'));
  });
  app.get('/playground/app.css', (_req, res) => {
    secure(res);
    res.type('text/css').sendFile(join(pageDir(), 'app.css'));
  });
  app.get('/playground/vendor/:asset', (req, res) => {
    const asset = ASSETS[req.params.asset as string];
    if (!asset) {
      res.status(404).end();
      return;
    }
    secure(res);
    res.setHeader('Cache-Control', 'public, max-age=86400');
    res.type(asset.type).sendFile(join(packageDir(asset.module), asset.file));
  });
}
