import 'reflect-metadata';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { lexicographicSortSchema, printSchema } from 'graphql';
import { signToken, verifyToken } from './auth/jwt';
import { isLocalDate } from './common/dates';
import { formatProblem, ImportRefusedError } from './modules/reference/import/errors';
import { IMPORT_KIND_NAMES } from './modules/reference/importers';
import { EditSetting } from './modules/reference/reference.entities';
import { IMPORT_ROLES, ReferenceService } from './modules/reference/reference.service';
import { systemContext } from './seed/builders';
import { Role } from './common/enums';
import { ConfigError, loadConfig, projectRoot, type DatabaseDialect } from './config';
import { createOrm, migrateUp } from './db/orm';
import { DEFAULT_TEST_PG_URL } from './db/scratch';
import { seedDemoIfEmpty } from './seed/demo';
import { buildAppSchema } from './server/schema';
import { createLogger } from './server/logger';
import { createMigration, migrationNeeded, writeMigrationIndex } from './cli/migrations';

const SCHEMA_FILE = resolve(projectRoot(), 'schema', 'schema.graphql');
const SCHEMA_HEADER = '# Generated from the code by `claimflow schema --write`. Do not edit: CI fails when it drifts.\n\n';

function parseDuration(raw: string): number {
  const m = /^(\d+)([smhd])$/.exec(raw);
  if (!m) throw new InvalidArgumentError('use a number and a unit: 30m, 8h, 7d');
  const n = Number(m[1]);
  return n * { s: 1, m: 60, h: 3600, d: 86400 }[m[2] as 's' | 'm' | 'h' | 'd'];
}

function pgBaseUrl(): string {
  const url = process.env.DATABASE_URL;
  if (url && /^postgres/i.test(url)) return url;
  return process.env.CLAIMFLOW_TEST_PG_URL || DEFAULT_TEST_PG_URL;
}

function dialects(raw: string | undefined): DatabaseDialect[] {
  if (!raw || raw === 'all') return ['sqlite', 'postgresql'];
  if (raw === 'sqlite' || raw === 'postgresql') return [raw];
  throw new InvalidArgumentError('dialect must be sqlite, postgresql or all');
}

export async function renderSchema(): Promise<string> {
  return SCHEMA_HEADER + printSchema(lexicographicSortSchema(await buildAppSchema())) + '\n';
}

const program = new Command();
program.name('claimflow').description('claimflow: claims API and payer-rules engine — command-line tasks').showHelpAfterError();

program
  .command('token')
  .description('print a signed access token (HS256) for a role')
  .addOption(new Option('--role <role>', 'VIEWER, CODER, BILLER, COMPLIANCE or ADMIN').choices(Object.values(Role)).makeOptionMandatory())
  .requiredOption('--sub <subject>', 'user id the token stands for (no patient data)')
  .option('--expires <duration>', 'lifetime such as 30m, 8h, 7d', parseDuration, 8 * 3600)
  .action((opts: { role: Role; sub: string; expires: number }) => {
    const config = loadConfig();
    if (!/^[A-Za-z0-9@._:-]{1,100}$/.test(opts.sub)) throw new InvalidArgumentError('--sub: letters, digits and @._:- only');
    process.stdout.write(`${signToken(config.jwtSecret, { sub: opts.sub, role: opts.role }, opts.expires)}\n`);
  });

const migrate = program.command('migrate').description('apply pending database migrations (DATABASE_URL, default SQLite)');
migrate.action(async () => {
  const config = loadConfig();
  const orm = await createOrm(config.database);
  try {
    const applied = await migrateUp(orm);
    process.stdout.write(applied.length ? `applied ${applied.length} migration(s):\n${applied.map((n) => `  ${n}\n`).join('')}` : 'database is up to date\n');
  } finally {
    await orm.close(true);
  }
});
migrate
  .command('check')
  .description('exit 1 when the entities need a migration that is not committed (both dialects by default)')
  .option('--dialect <dialect>', 'sqlite, postgresql or all', 'all')
  .action(async (opts: { dialect: string }) => {
    let failed = false;
    for (const d of dialects(opts.dialect)) {
      const { needed, diff } = await migrationNeeded(d, pgBaseUrl());
      if (needed) {
        failed = true;
        process.stdout.write(`${d}: entity changes have no migration. Run \`claimflow migrate create\`. Missing:\n${diff.map((l) => `  ${l}\n`).join('')}`);
      } else {
        process.stdout.write(`${d}: migrations are current\n`);
      }
    }
    process.exitCode = failed ? 1 : 0;
  });
migrate
  .command('create [name]')
  .description('write a migration for each dialect from the entity changes (PostgreSQL: uses a scratch database)')
  .option('--dialect <dialect>', 'sqlite, postgresql or all', 'all')
  .action(async (name: string | undefined, opts: { dialect: string }) => {
    for (const d of dialects(opts.dialect)) {
      const file = await createMigration(d, pgBaseUrl(), name);
      process.stdout.write(file ? `${d}: wrote migrations/${d}/${file}\n` : `${d}: no changes\n`);
      writeMigrationIndex(d);
    }
  });

program
  .command('schema')
  .description('print the GraphQL schema (SDL) built from the code')
  .option('--write', `write it to schema/schema.graphql`)
  .option('--check', 'exit 1 when schema/schema.graphql differs from the code')
  .action(async (opts: { write?: boolean; check?: boolean }) => {
    const sdl = await renderSchema();
    if (opts.check) {
      let committed = '';
      try {
        committed = readFileSync(SCHEMA_FILE, 'utf8');
      } catch {
        /* missing file counts as drift */
      }
      if (committed !== sdl) {
        process.stderr.write('schema/schema.graphql is out of date: run `claimflow schema --write` and commit it\n');
        process.exitCode = 1;
      } else {
        process.stdout.write('schema/schema.graphql is current\n');
      }
      return;
    }
    if (opts.write) {
      mkdirSync(dirname(SCHEMA_FILE), { recursive: true });
      writeFileSync(SCHEMA_FILE, sdl);
      process.stdout.write(`wrote ${SCHEMA_FILE}\n`);
      return;
    }
    process.stdout.write(sdl);
  });

program
  .command('trusted-documents <out> [dir]')
  .description('write the trusted-documents manifest ({ sha256: document }) for CLAIMFLOW_TRUSTED_DOCUMENTS from the .graphql operations under dir (default test/operations)')
  .action(async (out: string, dir: string | undefined) => {
    const { buildTrustedManifest } = await import('./server/limits/trusted-documents');
    const { manifest, operations } = buildTrustedManifest(resolve(dir ?? resolve(projectRoot(), 'test', 'operations')), await buildAppSchema());
    writeFileSync(resolve(out), `${JSON.stringify(manifest, null, 2)}\n`);
    for (const o of operations) process.stdout.write(`${o.hash}  ${o.name}\n`);
    process.stdout.write(`wrote ${operations.length} trusted documents to ${resolve(out)}\n`);
  });

program
  .command('import <kind> <file>')
  .description(`load a published reference file as one release (kinds: ${Object.keys(IMPORT_KIND_NAMES).join(', ')})`)
  .option('--skip-bad', 'report and skip bad lines instead of refusing the whole file')
  .option('--fiscal-year <year>', 'ICD-10-CM: fiscal year, when the file name does not say', (v) => Number(v))
  .option('--effective <date>', 'first date of service the file applies to (YYYY-MM-DD), when the file does not say')
  .addOption(new Option('--setting <setting>', 'NCCI/MUE table').choices(Object.values(EditSetting)))
  .option('--token <jwt>', 'an ADMIN or COMPLIANCE token (or CLAIMFLOW_TOKEN); 835: BILLER or ADMIN')
  .option('--accept-unbalanced', '835: post even when the payment does not balance (BPR02 ≠ Σ CLP04 − Σ PLB)')
  .option('--rule-set <key>', '837p: rule set for the payers the import creates (e.g. demo-commercial)')
  .action(async (kindName: string, file: string, opts: { skipBad?: boolean; fiscalYear?: number; effective?: string; setting?: EditSetting; token?: string; acceptUnbalanced?: boolean; ruleSet?: string }) => {
    // X12 837P claims (issue 5): imported as claims and scrubbed, with a BILLER or ADMIN token.
    if (kindName === '837p') {
      const { import837pFile } = await import('./modules/submission/submission.cli');
      process.exitCode = await import837pFile(file, { token: opts.token, ruleSet: opts.ruleSet });
      return;
    }
    // X12 835 remittances (issue 5): posted as payments, not loaded as a reference release.
    if (kindName === '835') {
      const { importRemittanceFile } = await import('./modules/remittance/remittance.cli');
      process.exitCode = await importRemittanceFile(file, { token: opts.token, acceptUnbalanced: opts.acceptUnbalanced });
      return;
    }
    const kind = IMPORT_KIND_NAMES[kindName];
    if (!kind) throw new InvalidArgumentError(`unknown kind; use one of: ${Object.keys(IMPORT_KIND_NAMES).join(', ')}`);
    if (opts.effective !== undefined && !isLocalDate(opts.effective)) throw new InvalidArgumentError('--effective must be a date YYYY-MM-DD');
    const config = loadConfig();
    const token = opts.token ?? process.env.CLAIMFLOW_TOKEN;
    if (!token) throw new InvalidArgumentError('importing needs an ADMIN or COMPLIANCE token: --token or CLAIMFLOW_TOKEN (see `claimflow token`)');
    let principal;
    try {
      principal = verifyToken(config.jwtSecret, token);
    } catch (err) {
      throw new InvalidArgumentError(`token refused: ${(err as Error).message}`);
    }
    if (!IMPORT_ROLES.includes(principal.role)) throw new InvalidArgumentError(`role ${principal.role} may not import reference data (ADMIN or COMPLIANCE)`);
    const orm = await createOrm(config.database);
    const tty = process.stderr.isTTY;
    try {
      await migrateUp(orm);
      const ctx = systemContext(orm.em.fork(), principal);
      const started = Date.now();
      const result = await new ReferenceService(ctx).importFile(kind, resolve(file), {
        skipBad: opts.skipBad,
        fiscalYear: opts.fiscalYear,
        effectiveFrom: opts.effective,
        setting: opts.setting,
        onProgress: (lines) => {
          if (!tty) return;
          process.stderr.write(lines < 0 ? '\r\x1b[K' : `\r${lines.toLocaleString('en-US')} lines read…`);
        },
      });
      const r = result.release;
      if (result.alreadyImported) {
        process.stdout.write(`${r.fileName}: already imported on ${r.importedAt.toISOString()} (release ${r.id}); nothing changed\n`);
        return;
      }
      for (const p of result.problems) process.stderr.write(`skipped ${formatProblem(p)}\n`);
      process.stdout.write(
        `${r.fileName}: ${kind}${r.setting ? ` ${r.setting}` : ''} release ${r.id}, effective ${r.effectiveFrom}${r.effectiveTo ? ` to ${r.effectiveTo}` : ''}\n` +
          `  ${result.rowsRead} rows read, ${result.counts.added} added, ${result.counts.changed} changed, ${result.counts.retired} retired, ${result.problems.length} skipped ` +
          `in ${((Date.now() - started) / 1000).toFixed(1)} s (sha256 ${r.sha256.slice(0, 12)}…)\n`,
      );
    } catch (err) {
      if (err instanceof ImportRefusedError) {
        process.stderr.write(`${tty ? '\r\x1b[K' : ''}claimflow import: ${err.message}\n`);
        process.exitCode = 1;
        return;
      }
      throw err;
    } finally {
      await orm.close(true);
    }
  });

program
  .command('export <kind>')
  .description('837p: submit claims (as submitClaims does) and write the 837P batch to a file; --batch writes an existing batch again')
  .option('--claims <ids>', 'claim ids, separated by commas')
  .option('--ready', 'every READY claim')
  .option('--batch <id>', 'an existing submission batch')
  .requiredOption('--out <file>', 'where to write the X12')
  .option('--token <jwt>', 'a BILLER or ADMIN token (or CLAIMFLOW_TOKEN)')
  .action(async (kind: string, opts: { claims?: string; ready?: boolean; batch?: string; out: string; token?: string }) => {
    if (kind !== '837p') throw new InvalidArgumentError('the only export kind is 837p');
    const { export837p } = await import('./modules/submission/submission.cli');
    process.exitCode = await export837p(opts);
  });

program
  .command('seed')
  .description('load the demo data set when the database is empty (applies migrations first)')
  .action(async () => {
    const config = loadConfig();
    const orm = await createOrm(config.database);
    try {
      await migrateUp(orm);
      const { loadRules } = await import('./server/start');
      const rules = await loadRules({ ...config, watchRules: false }, orm, createLogger('warn'));
      const summary = await seedDemoIfEmpty(orm.em.fork(), rules);
      process.stdout.write(summary ? `seeded: ${JSON.stringify(summary)}\n` : 'database already has data; nothing seeded\n');
    } finally {
      await orm.close(true);
    }
  });

const RULES_DIR = resolve(projectRoot(), 'rules');
const RULE_SCHEMA_FILE = resolve(RULES_DIR, 'rule-set.schema.json');

const rules = program.command('rules').description('payer rule sets: check, test, schema');
rules
  .command('check [dir]')
  .description('validate every rule file (exit 1 and list every problem); with a database configured, also check named codes exist')
  .option('--no-reference', 'skip the reference-data check (no database needed)')
  .action(async (dir: string | undefined, opts: { reference: boolean }) => {
    const target = resolve(dir ?? RULES_DIR);
    const { loadRuleDirectory, formatProblem: formatRuleProblem } = await import('./rules-engine');
    const withDb = opts.reference ? await openReferenceChecker() : null;
    try {
      const result = await loadRuleDirectory(target, { referenceChecker: withDb?.checker });
      if (!result.ok) {
        for (const p of result.problems) process.stdout.write(`${formatRuleProblem(p)}\n`);
        process.stdout.write(`${result.problems.length} problem(s); nothing would be loaded\n`);
        process.exitCode = 1;
        return;
      }
      for (const s of result.snapshot.ruleSets.values()) {
        process.stdout.write(`${s.key}: ${s.rules.length} rules (${s.rules.filter((r) => r.severity === 'ERROR').length} ERROR), version ${s.version.slice(0, 12)}\n`);
      }
      const rework = result.snapshot.rework;
      if (rework.rules.length) process.stdout.write(`rework: ${rework.rules.length} rules (${rework.rules.filter((r) => r.forbids.length).length} forbid actions), version ${rework.version.slice(0, 12)}\n`);
      process.stdout.write(`ok: ${result.snapshot.ruleSets.size} rule set(s)${withDb ? '' : ' (reference data not checked)'}\n`);
    } finally {
      await withDb?.close();
    }
  });
rules
  .command('test [dir]')
  .description('run the rule tests kept beside the rules (rules/<payer>/tests/*.json) and print a pass/fail table')
  .option('--payer <key>', 'only this rule set')
  .action(async (dir: string | undefined, opts: { payer?: string }) => {
    const { loadRuleDirectory, formatProblem: formatRuleProblem } = await import('./rules-engine');
    const { runRuleTests, formatRuleTestTable } = await import('./rules-engine/rule-tests');
    const result = await loadRuleDirectory(resolve(dir ?? RULES_DIR));
    if (!result.ok) {
      for (const p of result.problems) process.stdout.write(`${formatRuleProblem(p)}\n`);
      process.stdout.write('the rules do not load; fix them first (claimflow rules check)\n');
      process.exitCode = 1;
      return;
    }
    const results = await runRuleTests(result.snapshot, { only: opts.payer });
    process.stdout.write(`${formatRuleTestTable(results)}\n`);
    if (results.length === 0 || results.some((r) => !r.passed)) process.exitCode = 1;
  });
rules
  .command('schema')
  .description('print the JSON Schema of rule files')
  .option('--write', 'write it to rules/rule-set.schema.json')
  .option('--check', 'exit 1 when rules/rule-set.schema.json differs from the code')
  .action(async (opts: { write?: boolean; check?: boolean }) => {
    const { ruleSetSchema } = await import('./rules-engine');
    const text = `${JSON.stringify(ruleSetSchema(true), null, 2)}\n`;
    if (opts.check) {
      let committed = '';
      try {
        committed = readFileSync(RULE_SCHEMA_FILE, 'utf8');
      } catch {
        /* missing counts as drift */
      }
      if (committed !== text) {
        process.stderr.write('rules/rule-set.schema.json is out of date: run `claimflow rules schema --write` and commit it\n');
        process.exitCode = 1;
      } else process.stdout.write('rules/rule-set.schema.json is current\n');
      return;
    }
    if (opts.write) {
      writeFileSync(RULE_SCHEMA_FILE, text);
      process.stdout.write(`wrote ${RULE_SCHEMA_FILE}\n`);
      return;
    }
    process.stdout.write(text);
  });

program
  .command('scrub <claims>')
  .description('scrub claims (a JSON array, or one claim; "-" reads stdin) against a payer rule set; prints a JSON array of findings per claim. Reference data comes from the configured database (DATABASE_URL, default SQLite)')
  .requiredOption('--payer <key>', 'rule-set key, e.g. medicare')
  .option('--rules <dir>', 'rules directory', RULES_DIR)
  .option('--explain', 'add each finding\'s condition tree with fact values')
  .option('--today <date>', 'submission date for claims without submittedDate (default today)')
  .action(async (file: string, opts: { payer: string; rules: string; explain?: boolean; today?: string }) => {
    const { loadRuleDirectory, formatProblem: formatRuleProblem, parseScrubClaim, evaluateClaim, explanationLines } = await import('./rules-engine');
    const { gatherReference } = await import('./modules/scrub/gather');
    const { findingFields } = await import('./modules/scrub/scrub.types');
    if (opts.today !== undefined && !isLocalDate(opts.today)) throw new InvalidArgumentError('--today must be a date YYYY-MM-DD');
    let text: string;
    try {
      text = file === '-' ? readFileSync(0, 'utf8') : readFileSync(resolve(file), 'utf8');
    } catch (e) {
      throw new InvalidArgumentError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? 'error'}`);
    }
    // Positions only: JSON.parse's own message quotes the text around the error, which may be PHI.
    const { parseJsonSource } = await import('./rules-engine/json-source');
    const parsed = parseJsonSource(text);
    if (!parsed.source) {
      for (const p of parsed.problems) process.stderr.write(`${file === '-' ? '<stdin>' : file}:${p.line}:${p.column}: ${p.message}\n`);
      process.stderr.write('claimflow scrub: the input is not JSON; nothing scrubbed\n');
      process.exitCode = 1;
      return;
    }
    const raw = parsed.source.value;
    const list = Array.isArray(raw) ? raw : [raw];
    const day = opts.today ?? new Date().toISOString().slice(0, 10);
    const problems: string[] = [];
    const claims = list.flatMap((c, i) => {
      const withPayer = c && typeof c === 'object' && !Array.isArray(c) ? { payer: opts.payer, ...(c as object) } : c;
      const { claim, problems: p } = parseScrubClaim(withPayer, `$[${i}]`, day);
      problems.push(...p.map((x) => `${x.path}: ${x.message}`));
      if (claim && claim.payer !== opts.payer) problems.push(`$[${i}].payer: is ${claim.payer} but --payer is ${opts.payer}`);
      return claim ? [claim] : [];
    });
    if (problems.length) {
      for (const p of problems) process.stderr.write(`${p}\n`);
      process.stderr.write(`claimflow scrub: ${problems.length} problem(s) in the input; nothing scrubbed\n`);
      process.exitCode = 1;
      return;
    }
    const loaded = await loadRuleDirectory(resolve(opts.rules));
    if (!loaded.ok) {
      for (const p of loaded.problems) process.stderr.write(`${formatRuleProblem(p)}\n`);
      process.exitCode = 1;
      return;
    }
    const set = loaded.snapshot.ruleSets.get(opts.payer);
    if (!set) throw new InvalidArgumentError(`no rule set "${opts.payer}" in ${opts.rules} (have: ${[...loaded.snapshot.ruleSets.keys()].join(', ')})`);
    const config = loadConfig();
    const orm = await createOrm(config.database);
    try {
      await migrateUp(orm);
      const refs = await gatherReference(orm.em.fork(), claims.map((claim) => ({ claim, claimId: null, patientId: null, billingProviderId: null, originalClaimId: null })));
      const out = [];
      for (const [i, claim] of claims.entries()) {
        const findings = await evaluateClaim(set, claim, refs[i]!);
        out.push({
          id: claim.id,
          ruleSet: set.key,
          ruleSetVersion: set.version,
          referenceMissing: refs[i]!.missing,
          clean: !findings.some((f) => f.severity === 'ERROR'),
          findings: findings.map((f) => ({ ...findingFields(f), ...(opts.explain ? { explanation: explanationLines(f.explanation) } : {}) })),
        });
      }
      process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
    } finally {
      await orm.close(true);
    }
  });

/** The database's reference tables, when one is configured and reachable; null otherwise. */
async function openReferenceChecker() {
  const config = loadConfig();
  const { DbReferenceChecker } = await import('./modules/scrub/reference-checker');
  try {
    const orm = await createOrm(config.database);
    await migrateUp(orm);
    return { checker: new DbReferenceChecker(orm.em.fork()), close: () => orm.close(true) };
  } catch (err) {
    process.stderr.write(`reference data not checked: database unavailable (${(err as Error).message})\n`);
    return null;
  }
}

program.parseAsync(process.argv).catch((err: unknown) => {
  if (err instanceof ConfigError || err instanceof InvalidArgumentError) {
    process.stderr.write(`claimflow: ${err.message}\n`);
    process.exit(2);
  }
  const e = err as { name?: string; code?: string; message?: string };
  process.stderr.write(`claimflow: ${e?.name ?? 'Error'}${e?.code ? ` (${e.code})` : ''}: ${e?.message ?? ''}\n`);
  process.exit(1);
});
