import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import type { SqlEntityManager } from '@mikro-orm/knex';
import { Role } from '../../src/common/enums';
import { loadConfig, type DatabaseDialect } from '../../src/config';
import { createOrm } from '../../src/db/orm';
import { ClaimService } from '../../src/modules/claim/claim.service';
import { RemittanceService } from '../../src/modules/remittance/remittance.service';
import { ClaimImportService } from '../../src/modules/submission/import.service';
import { systemContext } from '../../src/seed/builders';
import { createLogger } from '../../src/server/logger';
import { loadRules } from '../../src/server/start';

/**
 * One unit of work for the crash-safety tests (test/crash), in a process of its own so the test
 * can SIGKILL it while the work's database transaction is open:
 *
 *   node dist/test/crash/child.js <post835|import837|submit> <sqlite|postgresql> <url> <input file>
 *
 * post835: RemittanceService.post of the file; import837: ClaimImportService.importX12 (every
 * claim stored and scrubbed under demo-commercial); submit: ClaimService.submitClaims of the claim
 * ids in the file (a JSON array).
 *
 * stdout, one line each: `MARK ready` once the ORM and the rules are up; `MARK sql:<verb>[:<table>]`
 * the first time a kind of statement is seen (`sql:begin`, `sql:insert:claim_payment`, …,
 * `sql:commit`; from the ORM's query log, after the statement ran, and from knex's query event, as
 * it is sent); `RESULT <json>` when the work returned. The parent waits for a marker and kills; the
 * markers are the evidence of where the process was. With CRASH_HOLD_AT=<marker> the process also
 * stops at that marker until killed.
 */

type Job = 'post835' | 'import837' | 'submit';

const seen = new Set<string>();

/** CRASH_HOLD_AT=<marker>: a fail point. The process stops there, its transaction open, until killed. */
const holdAt = process.env.CRASH_HOLD_AT;

function mark(name: string): void {
  if (seen.has(name)) return;
  seen.add(name);
  // Writes to a pipe are synchronous on Linux: the line has left this process when write returns.
  process.stdout.write(`MARK ${name}\n`);
  // Blocks the thread (no event loop turn, so no COMMIT can be sent) while the parent's SIGKILL
  // arrives: the kill lands inside the transaction however busy the machine is. Without a kill
  // the work goes on after 20 s.
  if (name === holdAt) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20_000);
}

/** `sql:insert:claim_payment` from a logged statement (MikroORM's `[query] <sql> [took …]`). */
export function statementKind(message: string): string | null {
  // eslint-disable-next-line no-control-regex
  const sql = message.replace(/\u001b\[[0-9;]*m/g, '').replace(/^\s*\[query\]\s*/, '').trim().toLowerCase();
  const verb = /^(begin|commit|rollback|savepoint|release|select|insert|update|delete|with|pragma)\b/.exec(sql)?.[1];
  if (!verb) return null;
  const table = /^(?:insert into|update|delete from)\s+[`"]?([a-z0-9_]+)/.exec(sql)?.[1];
  return table ? `sql:${verb}:${table}` : `sql:${verb}`;
}

async function main(): Promise<void> {
  const [job, dialect, url, input] = process.argv.slice(2) as [Job, DatabaseDialect, string, string];
  const database = { dialect, url };
  const orm = await createOrm(database, {
    onQuery: (message) => {
      const kind = statementKind(message);
      if (kind) mark(kind);
    },
  });
  // Bulk reads and writes (src/modules/remittance/bulk.ts, the 837P export) go to knex directly,
  // past the ORM's query log: knex reports them on its 'query' event, before they run.
  (orm.em as SqlEntityManager).getKnex().on('query', (q: { sql?: string }) => {
    const kind = q.sql ? statementKind(q.sql) : null;
    if (kind) mark(kind);
  });
  const rules = await loadRules({ ...loadConfig(), database, watchRules: false }, orm, createLogger('silent'));
  try {
    const ctx = systemContext(orm.em.fork(), { sub: `crash-${job}`, role: Role.BILLER }, rules);
    mark('ready');
    let result: unknown;
    if (job === 'post835') {
      const r = await new RemittanceService(ctx).post(readFileSync(input));
      result = { status: r.status, claimPayments: r.claimPaymentIds.length, denials: r.denials.length, message: r.message };
    } else if (job === 'import837') {
      const r = await new ClaimImportService(ctx).importX12(readFileSync(input), { ruleSetKey: 'demo-commercial' });
      result = { status: r.status, imported: r.imported, alreadyImported: r.alreadyImported, notImported: r.notImported, ready: r.ready };
    } else if (job === 'submit') {
      const ids = JSON.parse(readFileSync(input, 'utf8')) as string[];
      const r = await new ClaimService(ctx).submitClaims(ids, { limit: ids.length });
      result = { submitted: r.submitted.length, refused: r.refused.map((x) => x.reason), batchId: r.batch?.id ?? null };
    } else {
      throw new Error(`unknown job ${String(job)}`);
    }
    process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
  } finally {
    rules.close();
    await orm.close(true);
  }
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  });
}
