import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MikroORM } from '@mikro-orm/core';
import { Role, Sex } from '../../src/common/enums';
import { uuidv7 } from '../../src/common/ids';
import { loadConfig, type DatabaseConfig, type DatabaseDialect } from '../../src/config';
import { createOrm, migrateUp } from '../../src/db/orm';
import { createScratchPgDatabase, DEFAULT_TEST_PG_URL } from '../../src/db/scratch';
import { Claim, ClaimDiagnosis, ClaimLine } from '../../src/modules/claim/claim.entity';
import { ClaimStatus } from '../../src/modules/claim/claim-status';
import { ClaimService } from '../../src/modules/claim/claim.service';
import { Coverage, CoverageOrder, SubscriberRelationship } from '../../src/modules/coverage/coverage.entity';
import { Patient } from '../../src/modules/patient/patient.entity';
import { ClaimFilingIndicator, Payer } from '../../src/modules/payer/payer.entity';
import { Provider, ProviderEntityType } from '../../src/modules/provider/provider.entity';
import { ClaimScrub, ScrubTrigger } from '../../src/modules/scrub/scrub.entity';
import { SubmissionService } from '../../src/modules/submission/export.service';
import { systemContext, npiFrom } from '../../src/seed/builders';
import { createLogger } from '../../src/server/logger';
import { loadRules } from '../../src/server/start';
import { read837p } from '../../src/x12/837p/reader';

/**
 * 837P export benchmark (issue 5, item 8): N READY claims (default 10,000; 2 diagnoses and
 * 2 lines each, 50 billing providers, 2,000 patients, 20% of them dependents) are bulk-inserted
 * with a clean scrub under the rules in force, then
 *   e. export: load the claims with everything the 837P needs, write one interchange, store the
 *      batch (control numbers, text, one row per claim) — target < 10 s on PostgreSQL;
 *   s. submitClaims end to end (the same export plus SUBMITTED, history rows, one transaction).
 * Run: npm run build && node dist/test/bench/x12-837-bench.js [--db postgresql|sqlite] [--claims N]
 * PostgreSQL: CLAIMFLOW_BENCH_PG_URL or CLAIMFLOW_TEST_PG_URL (a scratch database is dropped after).
 */

const PAYER_KEY = 'demo-commercial';

export interface Bench837Result {
  dialect: DatabaseDialect;
  claims: number;
  exportMs: number;
  submitMs: number;
  bytes: number;
  transactions: number;
}

function chunks<T>(rows: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}

async function insertAll(orm: MikroORM, entity: Parameters<MikroORM['em']['insertMany']>[0], rows: object[]): Promise<void> {
  // PostgreSQL allows 65,535 bind parameters per statement.
  for (const part of chunks(rows, 1000)) await orm.em.fork().insertMany(entity, part as never[]);
}

/** N READY claims with a clean scrub under the rule set in force, inserted in bulk. */
export async function seed(orm: MikroORM, n: number, ruleSetVersion: string, tag: number): Promise<string[]> {
  const now = new Date();
  const base = { createdAt: now, updatedAt: now, version: 1 };
  const payers = Array.from({ length: 5 }, (_, i) => ({ id: uuidv7(), ...base, name: `Bench Payer ${tag}-${i}`, payerId: `BENCH${tag}X${i}`, claimFilingIndicator: ClaimFilingIndicator.COMMERCIAL, timelyFilingDays: 365, appealDays: 180, ruleSetKey: PAYER_KEY }));
  const providers = Array.from({ length: 50 }, (_, i) => ({
    id: uuidv7(),
    ...base,
    npi: npiFrom(String(400000000 + tag * 100_000 + i * 13)),
    entityType: ProviderEntityType.ORGANIZATION,
    lastNameOrOrganization: `BENCH CLINIC ${i}`,
    firstName: null,
    taxonomyCode: '207Q00000X',
    taxId: '123456789',
    isBilling: true,
    isRendering: false,
    addressLine1: `${i} MAIN ST`,
    city: 'SPRINGFIELD',
    state: 'IL',
    postalCode: '627010001',
  }));
  const patients = Array.from({ length: 2000 }, (_, i) => ({
    id: uuidv7(),
    ...base,
    firstName: `FIRST${i}`,
    middleName: null,
    lastName: `BENCHPATIENT${i}`,
    birthDate: `19${String(40 + (i % 50)).padStart(2, '0')}-0${1 + (i % 9)}-1${i % 10}`,
    sex: i % 2 ? Sex.F : Sex.M,
    addressLine1: `${i} ELM ST`,
    addressLine2: null,
    city: 'SPRINGFIELD',
    state: 'IL',
    postalCode: '62701',
  }));
  const coverages = patients.map((p, i) => ({
    id: uuidv7(),
    ...base,
    patient: p.id,
    payer: payers[i % payers.length]!.id,
    memberId: `MBR${i}`,
    groupNumber: `G${i % 40}`,
    relationship: i % 5 === 0 ? SubscriberRelationship.CHILD : SubscriberRelationship.SELF,
    subscriberFirstName: i % 5 === 0 ? 'PARENT' : null,
    subscriberLastName: i % 5 === 0 ? p.lastName : null,
    subscriberBirthDate: null,
    subscriberSex: null,
    effectiveFrom: '2020-01-01',
    effectiveTo: null,
    order: CoverageOrder.PRIMARY,
  }));
  const claims: object[] = [];
  const diagnoses: object[] = [];
  const lines: object[] = [];
  const scrubs: object[] = [];
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const id = uuidv7();
    ids.push(id);
    const cov = coverages[i % coverages.length]!;
    const pcn = `B${tag}X${String(i).padStart(7, '0')}`;
    const day = `2026-10-${String(1 + (i % 28)).padStart(2, '0')}`;
    claims.push({
      id,
      ...base,
      patient: cov.patient,
      payer: cov.payer,
      coverage: cov.id,
      encounter: null,
      billingProvider: providers[i % providers.length]!.id,
      renderingProvider: null,
      originalClaim: null,
      patientControlNumber: pcn,
      claimType: 'PROFESSIONAL',
      frequency: '1',
      payerClaimNumber: null,
      priorAuthNumber: i % 10 === 0 ? `AUTH${i}` : null,
      placeOfService: '11',
      serviceDateFrom: day,
      serviceDateTo: day,
      totalChargeCents: 12_500 + 2_550,
      status: ClaimStatus.READY,
      submittedAt: null,
    });
    diagnoses.push({ id: uuidv7(), claim: id, position: 1, code: 'E119' }, { id: uuidv7(), claim: id, position: 2, code: 'I10' });
    lines.push(
      { id: uuidv7(), claim: id, lineNumber: 1, procedureCode: '99213', modifiers: ['25'], units: 1, chargeCents: 12_500, diagnosisPointers: [1, 2], serviceDate: day, lineControlNumber: `${pcn}-1` },
      { id: uuidv7(), claim: id, lineNumber: 2, procedureCode: '81002', modifiers: [], units: 1, chargeCents: 2_550, diagnosisPointers: [2], serviceDate: day, lineControlNumber: `${pcn}-2` },
    );
    scrubs.push({ id: uuidv7(), claim: id, claimVersion: 1, ruleSetKey: PAYER_KEY, ruleSetVersion, trigger: ScrubTrigger.READY, at: now, actor: 'bench', errorCount: 0, warningCount: 0 });
  }
  await insertAll(orm, Payer, payers);
  await insertAll(orm, Provider, providers);
  await insertAll(orm, Patient, patients);
  await insertAll(orm, Coverage, coverages);
  await insertAll(orm, Claim, claims);
  await insertAll(orm, ClaimDiagnosis, diagnoses);
  await insertAll(orm, ClaimLine, lines);
  await insertAll(orm, ClaimScrub, scrubs);
  return ids;
}

export async function bench837Export(dialect: DatabaseDialect, n = 10_000): Promise<Bench837Result> {
  let config: DatabaseConfig;
  let dispose: () => Promise<void>;
  if (dialect === 'postgresql') {
    const scratch = await createScratchPgDatabase(process.env.CLAIMFLOW_BENCH_PG_URL || process.env.CLAIMFLOW_TEST_PG_URL || DEFAULT_TEST_PG_URL, 'claimflow_bench837');
    config = { dialect, url: scratch.url };
    dispose = () => scratch.drop();
  } else {
    const dir = mkdtempSync(join(tmpdir(), 'claimflow-bench837-'));
    config = { dialect, url: join(dir, 'bench.sqlite') };
    dispose = async () => rmSync(dir, { recursive: true, force: true });
  }
  const orm = await createOrm(config);
  try {
    await migrateUp(orm);
    const rules = await loadRules({ ...loadConfig(), database: config, watchRules: false }, orm, createLogger('silent'));
    try {
      const version = rules.currentOrNull()!.ruleSets.get(PAYER_KEY)!.version;
      // Two sets of N claims: one for the export alone, one for submitClaims.
      const forExport = await seed(orm, n, version, 1);
      const forSubmit = await seed(orm, n, version, 2);
      const principal = { sub: 'bench', role: Role.BILLER };

      // e. export: claims by id → 837P → stored batch, in one transaction.
      let t0 = performance.now();
      const batch = await orm.em.fork().transactional((em) => new SubmissionService(systemContext(em, principal, rules)).createBatch(forExport));
      const exportMs = performance.now() - t0;
      const read = read837p(batch.x12);
      if (read.claims.length !== n) throw new Error(`the export holds ${read.claims.length} claims, expected ${n}`);

      // s. submitClaims end to end.
      t0 = performance.now();
      const result = await new ClaimService(systemContext(orm.em.fork(), principal, rules)).submitClaims(forSubmit, { limit: n });
      const submitMs = performance.now() - t0;
      if (result.submitted.length !== n) throw new Error(`submitClaims sent ${result.submitted.length} of ${n} claims (refused: ${result.refused[0]?.reason ?? '-'})`);
      return { dialect, claims: n, exportMs, submitMs, bytes: batch.x12.length, transactions: batch.transactionCount };
    } finally {
      rules.close();
    }
  } finally {
    await orm.close(true);
    await dispose();
  }
}

function parseArgs(argv: string[]): { dbs: DatabaseDialect[]; claims: number } {
  const out = { dbs: ['postgresql'] as DatabaseDialect[], claims: 10_000 };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--db' && argv[i + 1]) out.dbs = argv[++i] === 'all' ? ['postgresql', 'sqlite'] : [argv[i] as DatabaseDialect];
    else if (argv[i] === '--claims' && argv[i + 1]) out.claims = Number(argv[++i]);
  }
  return out;
}

export function printBench837(results: Bench837Result[]): void {
  for (const r of results) {
    const target = r.dialect === 'postgresql' ? (r.exportMs < 10_000 ? 'met' : 'MISSED') : 'n/a';
    console.log(
      `837P export ${r.dialect}: ${r.claims.toLocaleString('en-US')} claims → ${(r.bytes / 1e6).toFixed(1)} MB in ${r.transactions} transaction set(s): ` +
        `export ${(r.exportMs / 1000).toFixed(2)} s (target < 10 s on PostgreSQL: ${target}), submitClaims end to end ${(r.submitMs / 1000).toFixed(2)} s`,
    );
  }
}

if (require.main === module) {
  const args = parseArgs(process.argv.slice(2));
  (async () => {
    const results: Bench837Result[] = [];
    for (const d of args.dbs) results.push(await bench837Export(d, args.claims));
    printBench837(results);
  })().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
