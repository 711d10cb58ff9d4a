import { existsSync, mkdirSync, readFileSync, writeFileSync, chmodSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { dirname, resolve } from 'node:path';

/** Thrown when configuration is unusable; names the variable, never its value. */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    reason: string,
  ) {
    super(`${variable}: ${reason}`);
    this.name = 'ConfigError';
  }
}

export type DatabaseDialect = 'sqlite' | 'postgresql';

export interface DatabaseConfig {
  dialect: DatabaseDialect;
  /** SQLite file path, or a PostgreSQL connection URL. */
  url: string;
}

export interface AppConfig {
  env: 'development' | 'production' | 'test';
  port: number;
  host: string;
  dataDir: string;
  database: DatabaseConfig;
  jwtSecret: string;
  /** Where the JWT secret came from; logged at start so operators know. */
  jwtSecretSource: 'env' | 'file';
  logLevel: string;
  seedDemo: boolean;
  bodyLimit: string;
  /** Largest reference file accepted by the import mutation. */
  uploadLimitBytes: number;
  /** The payer rules directory (CLAIMFLOW_RULES_DIR, default rules/ of the project). */
  rulesDir: string;
  /** Reload rules when their files change (CLAIMFLOW_WATCH_RULES, default true). */
  watchRules: boolean;
  /** Serve the try-it page at `/` (CLAIMFLOW_PLAYGROUND, default: not in production). */
  playground: boolean;
  /** Abuse limits on each GraphQL document (README, "Security and deployment"). */
  limits: QueryLimitsConfig;
  /** Requests per principal (CLAIMFLOW_RATE_LIMIT_*); perMinute 0 turns the limit off. */
  rateLimit: { perMinute: number; burst: number };
  /** Trusted-documents manifest (CLAIMFLOW_TRUSTED_DOCUMENTS): when set, only its documents run. */
  trustedDocuments: string | null;
}

export interface QueryLimitsConfig {
  /** CLAIMFLOW_MAX_TOKENS: lexical tokens in a document; the parser stops past it. */
  maxTokens: number;
  /** CLAIMFLOW_MAX_DEPTH: field nesting, a root field being 1. */
  maxDepth: number;
  /** CLAIMFLOW_MAX_ALIASES: aliased fields in the operation. */
  maxAliases: number;
  /** CLAIMFLOW_MAX_COST: estimated fields resolved (pages × nested lists). */
  maxCost: number;
  /** CLAIMFLOW_COST_LIST_SIZE: items assumed in a list without `first` when estimating cost. */
  costListSize: number;
}

/**
 * Defaults: the deepest operation the project ships (test/operations) has depth 7, no aliases,
 * under 700 tokens, and the costliest (Remittances, 100 per page with their claim payments)
 * estimates ~1.14 million; test/security/limits.test.ts checks they all still fit.
 */
export const DEFAULT_LIMITS: QueryLimitsConfig = { maxTokens: 2000, maxDepth: 10, maxAliases: 15, maxCost: 1_500_000, costListSize: 10 };
export const DEFAULT_RATE_LIMIT = { perMinute: 600, burst: 120 };

/** The folder holding package.json: src/ under ts, dist/src/ once compiled. */
function findProjectRoot(start: string): string {
  let dir = start;
  while (!existsSync(resolve(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) return start;
    dir = parent;
  }
  return dir;
}

const PROJECT_ROOT = findProjectRoot(__dirname);

export function projectRoot(): string {
  return PROJECT_ROOT;
}

export function parseDatabaseUrl(raw: string | undefined, dataDir: string): DatabaseConfig {
  if (raw === undefined || raw.trim() === '') {
    return { dialect: 'sqlite', url: resolve(dataDir, 'claimflow.sqlite') };
  }
  const value = raw.trim();
  if (/^postgres(ql)?:\/\//i.test(value)) {
    try {
      new URL(value);
    } catch {
      throw new ConfigError('DATABASE_URL', 'is not a valid postgres:// URL');
    }
    return { dialect: 'postgresql', url: value };
  }
  if (/^sqlite:/i.test(value)) {
    const path = value.replace(/^sqlite:(\/\/)?/i, '');
    if (path === '') throw new ConfigError('DATABASE_URL', 'sqlite: URL needs a file path');
    return { dialect: 'sqlite', url: path === ':memory:' ? path : resolve(path) };
  }
  throw new ConfigError('DATABASE_URL', 'must start with postgres://, postgresql:// or sqlite:');
}

function parsePort(raw: string | undefined): number {
  if (raw === undefined || raw === '') return 4000;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ConfigError('PORT', 'must be an integer from 0 to 65535');
  }
  return port;
}

function parseMegabytes(variable: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw === '') return fallback * 1024 * 1024;
  const mb = Number(raw);
  if (!Number.isInteger(mb) || mb < 1 || mb > 4096) throw new ConfigError(variable, 'must be a whole number of megabytes from 1 to 4096');
  return mb * 1024 * 1024;
}

function parseBoolean(variable: string, raw: string | undefined, fallback: boolean): boolean {
  if (raw === undefined || raw === '') return fallback;
  if (raw === 'true' || raw === 'false') return raw === 'true';
  throw new ConfigError(variable, 'must be true or false');
}

function parseInteger(variable: string, raw: string | undefined, fallback: number, min: number, max: number): number {
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(n) || n < min || n > max) throw new ConfigError(variable, `must be a whole number from ${min} to ${max}`);
  return n;
}

function parseEnv(raw: string | undefined): AppConfig['env'] {
  if (raw === 'production' || raw === 'test') return raw;
  return 'development';
}

/**
 * Development convenience: without CLAIMFLOW_JWT_SECRET, a random secret is created once under
 * the data directory (mode 0600) so tokens survive restarts. Production must set the variable.
 */
export function resolveJwtSecret(
  env: AppConfig['env'],
  fromEnv: string | undefined,
  dataDir: string,
): { secret: string; source: 'env' | 'file' } {
  if (fromEnv !== undefined && fromEnv !== '') {
    if (fromEnv.length < 32) {
      throw new ConfigError('CLAIMFLOW_JWT_SECRET', 'must be at least 32 characters');
    }
    return { secret: fromEnv, source: 'env' };
  }
  if (env === 'production') {
    throw new ConfigError('CLAIMFLOW_JWT_SECRET', 'is required when NODE_ENV=production');
  }
  const file = resolve(dataDir, 'jwt-secret');
  if (existsSync(file)) {
    const secret = readFileSync(file, 'utf8').trim();
    if (secret.length >= 32) return { secret, source: 'file' };
  }
  mkdirSync(dirname(file), { recursive: true });
  const secret = randomBytes(48).toString('base64url');
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return { secret, source: 'file' };
}

export function loadConfig(environment: NodeJS.ProcessEnv = process.env): AppConfig {
  const env = parseEnv(environment.NODE_ENV);
  const dataDir = resolve(environment.CLAIMFLOW_DATA_DIR || resolve(PROJECT_ROOT, 'data'));
  const database = parseDatabaseUrl(environment.DATABASE_URL, dataDir);
  const { secret, source } = resolveJwtSecret(env, environment.CLAIMFLOW_JWT_SECRET, dataDir);
  const seedRaw = environment.CLAIMFLOW_SEED_DEMO;
  if (seedRaw !== undefined && !['true', 'false', ''].includes(seedRaw)) {
    throw new ConfigError('CLAIMFLOW_SEED_DEMO', 'must be true or false');
  }
  return {
    env,
    port: parsePort(environment.PORT),
    host: environment.HOST || (env === 'production' ? '0.0.0.0' : '127.0.0.1'),
    dataDir,
    database,
    jwtSecret: secret,
    jwtSecretSource: source,
    logLevel: environment.LOG_LEVEL || (env === 'test' ? 'silent' : 'info'),
    seedDemo: seedRaw === undefined || seedRaw === '' ? env !== 'production' : seedRaw === 'true',
    bodyLimit: environment.CLAIMFLOW_BODY_LIMIT || '1mb',
    uploadLimitBytes: parseMegabytes('CLAIMFLOW_UPLOAD_LIMIT_MB', environment.CLAIMFLOW_UPLOAD_LIMIT_MB, 256),
    rulesDir: resolve(environment.CLAIMFLOW_RULES_DIR || resolve(PROJECT_ROOT, 'rules')),
    watchRules: parseBoolean('CLAIMFLOW_WATCH_RULES', environment.CLAIMFLOW_WATCH_RULES, true),
    playground: parseBoolean('CLAIMFLOW_PLAYGROUND', environment.CLAIMFLOW_PLAYGROUND, env !== 'production'),
    limits: {
      maxTokens: parseInteger('CLAIMFLOW_MAX_TOKENS', environment.CLAIMFLOW_MAX_TOKENS, DEFAULT_LIMITS.maxTokens, 100, 1_000_000),
      maxDepth: parseInteger('CLAIMFLOW_MAX_DEPTH', environment.CLAIMFLOW_MAX_DEPTH, DEFAULT_LIMITS.maxDepth, 2, 100),
      maxAliases: parseInteger('CLAIMFLOW_MAX_ALIASES', environment.CLAIMFLOW_MAX_ALIASES, DEFAULT_LIMITS.maxAliases, 0, 10_000),
      maxCost: parseInteger('CLAIMFLOW_MAX_COST', environment.CLAIMFLOW_MAX_COST, DEFAULT_LIMITS.maxCost, 1, 1_000_000_000),
      costListSize: parseInteger('CLAIMFLOW_COST_LIST_SIZE', environment.CLAIMFLOW_COST_LIST_SIZE, DEFAULT_LIMITS.costListSize, 1, 10_000),
    },
    rateLimit: {
      // Off by default under tests only: test files send hundreds of requests with one token.
      perMinute: parseInteger('CLAIMFLOW_RATE_LIMIT_PER_MINUTE', environment.CLAIMFLOW_RATE_LIMIT_PER_MINUTE, env === 'test' ? 0 : DEFAULT_RATE_LIMIT.perMinute, 0, 1_000_000),
      burst: parseInteger('CLAIMFLOW_RATE_LIMIT_BURST', environment.CLAIMFLOW_RATE_LIMIT_BURST, DEFAULT_RATE_LIMIT.burst, 1, 1_000_000),
    },
    trustedDocuments: environment.CLAIMFLOW_TRUSTED_DOCUMENTS ? resolve(environment.CLAIMFLOW_TRUSTED_DOCUMENTS) : null,
  };
}
