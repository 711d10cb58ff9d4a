// Loaded by jest before every test file.
import 'reflect-metadata';
process.env.NODE_ENV = 'test';
process.env.LOG_LEVEL = process.env.LOG_LEVEL ?? 'silent';
process.env.CLAIMFLOW_JWT_SECRET = process.env.CLAIMFLOW_JWT_SECRET ?? 'test-secret-that-is-long-enough-for-hs256-0123456789';
