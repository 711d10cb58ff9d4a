import { AuditAction } from '../audit/audit.entity';
import { recordWrite } from '../audit/audit.subscriber';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { InvalidArgumentError } from 'commander';
import type { MikroORM } from '@mikro-orm/core';
import { verifyToken } from '../../auth/jwt';
import type { Principal } from '../../auth/principal';
import { Roles } from '../../auth/principal';
import { AppError } from '../../common/errors';
import { loadConfig, type AppConfig } from '../../config';
import { createOrm, migrateUp } from '../../db/orm';
import type { RuleRegistry } from '../../rules-engine';
import { systemContext } from '../../seed/builders';
import type { ServiceContext } from '../../server/context';
import { createLogger } from '../../server/logger';
import { Claim } from '../claim/claim.entity';
import { ClaimStatus } from '../claim/claim-status';
import { ClaimService } from '../claim/claim.service';
import { SubmissionService } from './export.service';
import { ClaimImportService, ImportedClaimStatus } from './import.service';

function principalFrom(config: AppConfig, raw: string | undefined, what: string): Principal {
  const token = raw ?? process.env.CLAIMFLOW_TOKEN;
  if (!token) throw new InvalidArgumentError(`${what} needs a BILLER or ADMIN token: --token or CLAIMFLOW_TOKEN (see \`claimflow token\`)`);
  let principal: Principal;
  try {
    principal = verifyToken(config.jwtSecret, token);
  } catch (err) {
    throw new InvalidArgumentError(`token refused: ${(err as Error).message}`);
  }
  if (!(Roles.BILLING as readonly string[]).includes(principal.role)) throw new InvalidArgumentError(`role ${principal.role} may not do this (BILLER or ADMIN)`);
  return principal;
}

/** Opens the database and the payer rules (scrubbing needs them), runs `work`, closes both. */
async function withContext<T>(config: AppConfig, principal: Principal, work: (ctx: ServiceContext, orm: MikroORM) => Promise<T>): Promise<T> {
  const orm = await createOrm(config.database);
  let rules: RuleRegistry | null = null;
  try {
    await migrateUp(orm);
    try {
      const { loadRules } = await import('../../server/start');
      rules = await loadRules({ ...config, watchRules: false }, orm, createLogger('silent'));
    } catch (err) {
      process.stderr.write(`payer rules not loaded (${(err as Error).message.split('\n')[0]}); claims are not scrubbed\n`);
    }
    return await work({ ...systemContext(orm.em.fork(), principal, rules), requestId: 'cli' }, orm);
  } finally {
    rules?.close();
    await orm.close(true);
  }
}

/**
 * `claimflow import 837p <file>`: reads the file (UTF-8 or UTF-16), imports its claims and prints
 * one line per claim (position, CLM01, outcome, notes). Exit code 0 when the file was read
 * (whatever each claim's outcome), 1 when it was refused.
 */
export async function import837pFile(file: string, opts: { token?: string; ruleSet?: string }): Promise<number> {
  const config = loadConfig();
  const principal = principalFrom(config, opts.token, 'importing claims');
  const path = resolve(file);
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    throw new InvalidArgumentError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  const name = basename(path);
  return withContext(config, principal, async (ctx) => {
    const started = Date.now();
    let result;
    try {
      result = await new ClaimImportService(ctx).importX12(bytes, { ruleSetKey: opts.ruleSet ?? null });
    } catch (err) {
      if (err instanceof AppError) {
        process.stderr.write(`claimflow import 837p: ${err.message}\n`);
        return 1;
      }
      throw err;
    }
    if (result.status === 'REFUSED') {
      const p = result.problem!;
      process.stderr.write(`claimflow import 837p: ${name} refused${p.position === null ? '' : ` at segment ${p.position}${p.segmentId ? ` (${p.segmentId})` : ''}`}: ${p.reason}; nothing was imported\n`);
      return 1;
    }
    for (const c of result.claims) {
      const state = c.status === ImportedClaimStatus.NOT_IMPORTED ? 'NOT_IMPORTED' : `${c.status} ${c.claim!.status} claim ${c.claim!.id}`;
      process.stdout.write(`segment ${c.position} CLM ${c.patientControlNumber}: ${state}\n`);
      for (const p of c.problems) process.stdout.write(`    problem${p.position === null ? '' : ` at segment ${p.position}${p.segmentId ? ` (${p.segmentId})` : ''}`}: ${p.reason}\n`);
      for (const n of c.notes) process.stdout.write(`    note: ${n}\n`);
    }
    for (const w of result.warnings.slice(0, 20)) process.stdout.write(`  warning at segment ${w.position} (${w.segmentId}): ${w.reason}\n`);
    if (result.warnings.length > 20) process.stdout.write(`  … ${result.warnings.length - 20} more warning(s)\n`);
    const c = result.created;
    process.stdout.write(
      `${name}: ${result.interchanges} interchange(s), ${result.transactions} transaction(s), ${result.claimsRead} claim(s): ${result.imported} imported (${result.ready} READY), ` +
        `${result.alreadyImported} already imported, ${result.notImported} not imported; created ${c.patients} patient(s), ${c.providers} provider(s), ${c.payers} payer(s), ${c.coverages} coverage(s) ` +
        `in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
    );
    return 0;
  });
}

/**
 * `claimflow export 837p`: submits claims (submitClaims: scrub check, SUBMITTED, a new batch with
 * its control numbers) and writes the batch's 837P to --out; or, with --batch, writes an existing
 * batch again. Exit code 0 when a file was written, 1 when nothing was submitted.
 */
export async function export837p(opts: { claims?: string; ready?: boolean; batch?: string; out: string; token?: string }): Promise<number> {
  const chosen = [opts.claims !== undefined, opts.ready === true, opts.batch !== undefined].filter(Boolean).length;
  if (chosen !== 1) throw new InvalidArgumentError('give exactly one of --claims <id,id…>, --ready or --batch <id>');
  const config = loadConfig();
  const principal = principalFrom(config, opts.token, 'exporting claims');
  const out = resolve(opts.out);
  return withContext(config, principal, async (ctx) => {
    const write = (text: string) => {
      mkdirSync(dirname(out), { recursive: true });
      writeFileSync(out, text);
    };
    if (opts.batch !== undefined) {
      const submissions = new SubmissionService(ctx);
      const batch = await submissions.mustGet(opts.batch).catch((err: unknown) => {
        if (err instanceof AppError) throw new InvalidArgumentError(`--batch: ${err.message}`);
        throw err;
      });
      const x12 = await submissions.x12Of(batch);
      // The 837P text is PHI: its read is audited before it leaves (HIPAA 45 CFR 164.312(b)).
      await recordWrite(ctx.em, AuditAction.READ_PHI, 'SubmissionBatch', [batch.id]);
      write(x12);
      process.stdout.write(`batch ${batch.id} (ISA13 ${batch.interchangeControlNumber}, ${batch.claimCount} claim(s)) written to ${out}\n`);
      return 0;
    }
    let ids: string[];
    if (opts.ready) {
      // A separate unit of work: partially loaded claims must not sit in the identity map submitClaims uses.
      const rows = await ctx.em.fork().find(Claim, { status: ClaimStatus.READY }, { fields: ['id'], orderBy: { id: 'asc' } });
      ids = rows.map((r) => r.id);
      if (ids.length === 0) {
        process.stderr.write('no READY claims; nothing exported\n');
        return 1;
      }
    } else {
      ids = opts.claims!.split(',').map((s) => s.trim()).filter(Boolean);
      if (ids.length === 0) throw new InvalidArgumentError('--claims needs claim ids separated by commas');
    }
    const started = Date.now();
    let result;
    try {
      // The command line is not bound by the GraphQL limit of 500 claims per call.
      result = await new ClaimService(ctx).submitClaims(ids, { limit: Number.MAX_SAFE_INTEGER });
    } catch (err) {
      if (err instanceof AppError) {
        process.stderr.write(`claimflow export 837p: ${err.message}\n`);
        return 1;
      }
      throw err;
    }
    for (const r of result.refused) process.stderr.write(`refused claim ${r.claimId}: ${r.reason} (${r.message})\n`);
    if (!result.batch) {
      process.stderr.write('no claim was submitted; nothing written\n');
      return 1;
    }
    const b = result.batch;
    write(b.x12);
    process.stdout.write(
      `${result.submitted.length} claim(s) SUBMITTED in batch ${b.id}: ISA13 ${b.interchangeControlNumber}, GS06 ${b.groupControlNumber}, ST02 ${b.transactionControlNumbers.join(',')}; ` +
        `${result.refused.length} refused; written to ${out} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
    );
    return 0;
  });
}
