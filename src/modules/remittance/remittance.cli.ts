import { readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { InvalidArgumentError } from 'commander';
import { verifyToken } from '../../auth/jwt';
import { Roles } from '../../auth/principal';
import type { Role } from '../../common/enums';
import { loadConfig } from '../../config';
import { createOrm, migrateUp } from '../../db/orm';
import type { RuleRegistry } from '../../rules-engine';
import { systemContext } from '../../seed/builders';
import { createLogger } from '../../server/logger';
import { formatCents } from '../../x12/835/values';
import { RemittanceImportStatus, RemittanceService } from './remittance.service';

/** Who may post remittances from the command line: the same roles as importRemittance. */
export const REMITTANCE_ROLES: readonly Role[] = Roles.BILLING;

/**
 * `claimflow import 835 <file>`: posts an 835 with a BILLER or ADMIN token, prints what was
 * posted (ids, amounts, counts, warnings by segment position) and returns the exit code:
 * 0 posted or already posted, 1 refused.
 */
export async function importRemittanceFile(file: string, opts: { token?: string; acceptUnbalanced?: boolean }): Promise<number> {
  const config = loadConfig();
  const token = opts.token ?? process.env.CLAIMFLOW_TOKEN;
  if (!token) throw new InvalidArgumentError('posting an 835 needs a BILLER or ADMIN token: --token or CLAIMFLOW_TOKEN (see `claimflow token`)');
  let principal;
  try {
    principal = verifyToken(config.jwtSecret, token);
  } catch (err) {
    throw new InvalidArgumentError(`token refused: ${(err as Error).message}`);
  }
  if (!REMITTANCE_ROLES.includes(principal.role)) throw new InvalidArgumentError(`role ${principal.role} may not post remittances (BILLER or ADMIN)`);
  const path = resolve(file);
  const bytes = readFileSync(path);
  const orm = await createOrm(config.database);
  try {
    await migrateUp(orm);
    // The rules in force predict which pre-submission rule should have caught each denial.
    let rules: RuleRegistry | null = null;
    try {
      const { loadRules } = await import('../../server/start');
      rules = await loadRules({ ...config, watchRules: false }, orm, createLogger('silent'));
    } catch (err) {
      process.stderr.write(`payer rules not loaded (${(err as Error).message.split('\n')[0]}); denials get no predicted rule\n`);
    }
    const ctx = { ...systemContext(orm.em.fork(), principal, rules), requestId: 'cli' };
    const started = Date.now();
    const result = await new RemittanceService(ctx).post(bytes, { acceptUnbalanced: opts.acceptUnbalanced ?? false, fileName: basename(path) });
    rules?.close();
    const name = basename(path);
    if (result.status === RemittanceImportStatus.REFUSED) {
      process.stderr.write(`claimflow import 835: ${name} refused; nothing was posted\n`);
      for (const p of result.problems) process.stderr.write(`  ${p.position === null ? '' : `segment ${p.position}${p.segmentId ? ` (${p.segmentId})` : ''}: `}${p.message.replace(/^segment \d+( \([A-Z0-9]+\))?: /, '')}\n`);
      if (result.message && result.message !== result.problems[0]?.message) process.stderr.write(`  ${result.message}\n`);
      return 1;
    }
    if (result.status === RemittanceImportStatus.ALREADY_POSTED) {
      process.stdout.write(`${name}: already posted (${result.remittances.map((r) => `remittance ${r.id}`).join(', ')}); nothing changed\n`);
      return 0;
    }
    for (const r of result.remittances) {
      process.stdout.write(
        `${name}: remittance ${r.id}, trace ${r.traceNumber ?? '(none)'}, ${r.paymentMethod} ${formatCents(r.paymentCents)}${r.balanced ? '' : ' (UNBALANCED, accepted)'}: ` +
          `${r.claimCount} claim payment(s), ${r.matchedCount} matched\n`,
      );
    }
    const unmatched = result.unmatchedClaimPaymentIds.length;
    process.stdout.write(`  ${result.claimPaymentIds.length} claim payment(s) posted, ${unmatched} unmatched, ${result.denials.length} denial(s) created in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
    for (const w of result.warnings) process.stdout.write(`  warning ${w.code}${w.position === null ? '' : ` at segment ${w.position}`}: ${w.message}\n`);
    return 0;
  } finally {
    await orm.close(true);
  }
}
