import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../../src/config';

const tempDir = () => mkdtempSync(join(tmpdir(), 'claimflow-config-'));

describe('configuration', () => {
  it('defaults to an SQLite file under the data directory', () => {
    const dir = tempDir();
    const c = loadConfig({ CLAIMFLOW_DATA_DIR: dir });
    expect(c.database).toEqual({ dialect: 'sqlite', url: join(dir, 'claimflow.sqlite') });
    expect(c.port).toBe(4000);
  });

  it('uses PostgreSQL for a postgres:// DATABASE_URL', () => {
    const c = loadConfig({ CLAIMFLOW_DATA_DIR: tempDir(), DATABASE_URL: 'postgres://u@db.example:5432/claims' });
    expect(c.database.dialect).toBe('postgresql');
  });

  it('names a bad variable without repeating its value', () => {
    const secretish = 'mysql://root:hunter2@x/db';
    try {
      loadConfig({ CLAIMFLOW_DATA_DIR: tempDir(), DATABASE_URL: secretish });
      throw new Error('expected a ConfigError');
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).variable).toBe('DATABASE_URL');
      expect((err as Error).message).not.toContain('hunter2');
    }
    expect(() => loadConfig({ CLAIMFLOW_DATA_DIR: tempDir(), PORT: 'eighty' })).toThrow(/PORT/);
  });

  it('refuses production without CLAIMFLOW_JWT_SECRET', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', CLAIMFLOW_DATA_DIR: tempDir() })).toThrow(/CLAIMFLOW_JWT_SECRET.*required/);
  });

  it('refuses a short secret', () => {
    expect(() => loadConfig({ CLAIMFLOW_DATA_DIR: tempDir(), CLAIMFLOW_JWT_SECRET: 'short' })).toThrow(/at least 32/);
  });

  it('in development creates one local secret (mode 0600) and keeps it across restarts', () => {
    const dir = tempDir();
    const first = loadConfig({ CLAIMFLOW_DATA_DIR: dir });
    const second = loadConfig({ CLAIMFLOW_DATA_DIR: dir });
    expect(first.jwtSecretSource).toBe('file');
    expect(first.jwtSecret).toBe(second.jwtSecret);
    expect(first.jwtSecret.length).toBeGreaterThanOrEqual(32);
    expect(readFileSync(join(dir, 'jwt-secret'), 'utf8').trim()).toBe(first.jwtSecret);
    expect(statSync(join(dir, 'jwt-secret')).mode & 0o777).toBe(0o600);
  });
});
