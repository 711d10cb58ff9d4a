import { cpSync, mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { addDays, today } from '../../src/common/dates';
import { Role } from '../../src/common/enums';
import { ClaimStatus } from '../../src/modules/claim/claim-status';
import { CodeSystem } from '../../src/modules/code/code.entity';
import { runImport } from '../../src/modules/reference/import/runner';
import { importerFor } from '../../src/modules/reference/importers';
import { EditSetting, ReferenceKind } from '../../src/modules/reference/reference.entities';
import { loadCodes } from '../../src/seed/builders';
import {
  ClaimFindingsDocument,
  DryRunClaimDocument,
  MoveClaimDocument,
  ReloadRuleSetsDocument,
  RuleSetsDocument,
  RulesStatusDocument,
  ScrubClaimDocument,
  SubmitClaimsDocument,
  UpdateClaimDocument,
} from '../generated/graphql';
import { startTestServer, type TestServer } from '../support/server';

/**
 * Scrubbing through the API, on a copy of the shipped rules (so a test can change a rule file and
 * reload): the move to READY, scrubClaim, dryRunClaim, submitClaims, reloadRuleSets.
 */
describe('payer rules over HTTP', () => {
  let t: TestServer;
  let rulesDir: string;
  beforeAll(async () => {
    rulesDir = mkdtempSync(join(tmpdir(), 'claimflow-rules-'));
    cpSync(resolve(__dirname, '../../rules'), rulesDir, { recursive: true });
    t = await startTestServer({ env: { CLAIMFLOW_RULES_DIR: rulesDir } });
  });
  afterAll(async () => {
    await t.stop();
    rmSync(rulesDir, { recursive: true, force: true });
  });

  /** A DRAFT claim for the demo commercial payer (the builders' default rule set). */
  async function draftClaim(lines?: { procedureCode: string; modifiers?: string[]; units: number; chargeCents: number; diagnosisPointers: number[] }[], opts: { diagnoses?: string[]; serviceDate?: string; ruleSetKey?: string } = {}) {
    const b = t.builders();
    const payer = await b.payer(opts.ruleSetKey ? { ruleSetKey: opts.ruleSetKey } : {});
    const provider = await b.provider();
    const patient = await b.patient();
    const coverage = await b.coverage(patient, payer);
    const claim = await b.claim({ patient, provider, coverage, lines: lines?.map((l) => ({ modifiers: [], ...l })), diagnoses: opts.diagnoses, serviceDate: opts.serviceDate });
    return { claim, patient, provider, coverage, payer };
  }

  it('moving a claim with an ERROR finding to READY keeps it DRAFT and returns the findings as data', async () => {
    // 72148 is on the demo commercial plan's prior-authorization list; the claim has no auth number.
    const { claim } = await draftClaim([{ procedureCode: '72148', units: 1, chargeCents: 90_000, diagnosisPointers: [1] }], { diagnoses: ['M5416'] });
    const res = await t.gql(MoveClaimDocument, { input: { id: claim.id, version: claim.version, status: ClaimStatus.READY } }, { role: Role.BILLER });
    expect(res.errors).toBeUndefined();
    const out = res.data!.changeClaimStatus;
    expect(out.moved).toBe(false);
    expect(out.claim.status).toBe('DRAFT');
    expect(out.scrub!.trigger).toBe('READY');
    expect(out.scrub!.clean).toBe(false);
    const auth = out.scrub!.findings.find((f) => f.ruleId === 'DCH-AUTH-001')!;
    expect(auth).toMatchObject({ severity: 'ERROR', category: 'AUTHORIZATION', carc: '197', line: 1 });
    expect(auth.message).toContain('72148');
    // The explanation says which conditions held with which values.
    expect(auth.explanation.filter((s) => s.kind === 'FACT').map((s) => [s.fact, s.factValue, s.result])).toEqual([
      ['line.code', '"72148"', true],
      ['claim.priorAuthNumber', 'null', true],
    ]);
    expect(out.scrub!.errorCount).toBe(out.scrub!.findings.filter((f) => f.severity === 'ERROR').length);

    // The stored scrub is what the claim shows afterwards.
    const read = await t.gql(ClaimFindingsDocument, { id: claim.id });
    expect(read.data!.claim!.lastScrub!.id).toBe(out.scrub!.id);
    expect(read.data!.claim!.findings.map((f) => f.ruleId)).toEqual(out.scrub!.findings.map((f) => f.ruleId));
  });

  it('after the fix the claim moves to READY, and submitClaims sends it', async () => {
    const { claim } = await draftClaim([{ procedureCode: '72148', units: 1, chargeCents: 90_000, diagnosisPointers: [1] }], { diagnoses: ['M5416'] });
    const refused = await t.gql(MoveClaimDocument, { input: { id: claim.id, version: claim.version, status: ClaimStatus.READY } }, { role: Role.BILLER });
    expect(refused.data!.changeClaimStatus.moved).toBe(false);
    const fixed = await t.gql(UpdateClaimDocument, { input: { id: claim.id, version: refused.data!.changeClaimStatus.claim.version, priorAuthNumber: 'PA-778812' } }, { role: Role.BILLER });
    expect(fixed.errors).toBeUndefined();
    const ready = await t.gql(MoveClaimDocument, { input: { id: claim.id, version: fixed.data!.updateClaim.claim.version, status: ClaimStatus.READY } }, { role: Role.BILLER });
    expect(ready.data!.changeClaimStatus).toMatchObject({ moved: true, claim: { status: 'READY' } });
    expect(ready.data!.changeClaimStatus.scrub!.findings.filter((f) => f.severity === 'ERROR')).toEqual([]);

    const sent = await t.gql(SubmitClaimsDocument, { ids: [claim.id] }, { role: Role.BILLER });
    expect(sent.errors).toBeUndefined();
    expect(sent.data!.submitClaims.refused).toEqual([]);
    expect(sent.data!.submitClaims.submitted).toEqual([expect.objectContaining({ id: claim.id, status: 'SUBMITTED' })]);
    expect(sent.data!.submitClaims.submitted[0]!.submittedAt).not.toBeNull();
  });

  it('submitClaims refuses what it cannot send, as data, and sends the rest in the same call', async () => {
    const good = await draftClaim();
    const readyGood = await t.gql(MoveClaimDocument, { input: { id: good.claim.id, version: good.claim.version, status: ClaimStatus.READY } }, { role: Role.BILLER });
    expect(readyGood.data!.changeClaimStatus.moved).toBe(true);
    const draft = await draftClaim();
    const missing = '0192f000-0000-7000-8000-000000000000';
    const res = await t.gql(SubmitClaimsDocument, { ids: [good.claim.id, draft.claim.id, missing] }, { role: Role.BILLER });
    expect(res.errors).toBeUndefined();
    expect(res.data!.submitClaims.submitted.map((c) => c.id)).toEqual([good.claim.id]);
    expect(res.data!.submitClaims.refused.map((r) => [r.claimId, r.reason])).toEqual([
      [draft.claim.id, 'NOT_READY'],
      [missing, 'NOT_FOUND'],
    ]);
  });

  it('a rule change after READY: submitClaims scrubs again under the new version and refuses the claim', async () => {
    const { claim } = await draftClaim([{ procedureCode: '99214', units: 1, chargeCents: 15_000, diagnosisPointers: [1] }]);
    const ready = await t.gql(MoveClaimDocument, { input: { id: claim.id, version: claim.version, status: ClaimStatus.READY } }, { role: Role.BILLER });
    expect(ready.data!.changeClaimStatus.moved).toBe(true);
    const before = await t.gql(RuleSetsDocument, {});
    const oldVersion = before.data!.ruleSets.find((s) => s.key === 'demo-commercial')!.version;

    // Compliance adds a list entry: 99214 now needs prior authorization on this plan.
    const payerFile = join(rulesDir, 'demo-commercial', 'payer.json');
    const original = readFileSync(payerFile, 'utf8');
    try {
      const manifest = JSON.parse(original) as { lists: Record<string, string[]> };
      manifest.lists['prior-auth-procedures']!.push('99214');
      writeFileSync(payerFile, `${JSON.stringify(manifest, null, 2)}\n`);
      const reload = await t.gql(ReloadRuleSetsDocument, {}, { role: Role.COMPLIANCE });
      expect(reload.data!.reloadRuleSets.status).toBe('LOADED');
      const newVersion = reload.data!.reloadRuleSets.ruleSets.find((s) => s.key === 'demo-commercial')!.version;
      expect(newVersion).not.toBe(oldVersion);

      const stale = await t.gql(ClaimFindingsDocument, { id: claim.id });
      expect(stale.data!.claim!.lastScrub!.rulesCurrent).toBe(false);

      const res = await t.gql(SubmitClaimsDocument, { ids: [claim.id] }, { role: Role.BILLER });
      expect(res.data!.submitClaims.submitted).toEqual([]);
      const [refusal] = res.data!.submitClaims.refused;
      expect(refusal).toMatchObject({ claimId: claim.id, reason: 'HAS_ERRORS', claim: { status: 'READY' } });
      expect(refusal!.scrub).toMatchObject({ trigger: 'SUBMIT', ruleSetVersion: newVersion, rulesCurrent: true });
      expect(refusal!.scrub!.findings.map((f) => f.ruleId)).toContain('DCH-AUTH-001');
    } finally {
      writeFileSync(payerFile, original);
      await t.gql(ReloadRuleSetsDocument, {}, { role: Role.COMPLIANCE });
    }
  });

  it('a broken rule file is refused with its location; the rules in force stay and keep scrubbing', async () => {
    const status0 = await t.gql(RulesStatusDocument, {});
    const file = join(rulesDir, 'medicare', 'filing.json');
    const original = readFileSync(file, 'utf8');
    try {
      writeFileSync(file, original.replace('"severity": "ERROR"', '"severity": "FATAL"').replace(/\n}\s*$/, '\n,}\n'));
      const res = await t.gql(ReloadRuleSetsDocument, {}, { role: Role.COMPLIANCE });
      expect(res.errors).toBeUndefined();
      expect(res.data!.reloadRuleSets.status).toBe('REFUSED');
      expect(res.data!.reloadRuleSets.version).toBe(status0.data!.rulesStatus.version);
      const [problem] = res.data!.reloadRuleSets.problems;
      expect(problem).toMatchObject({ file: 'medicare/filing.json', message: expect.stringMatching(/JSON syntax/) });
      expect(problem!.line).toBeGreaterThan(1);
      const status = await t.gql(RulesStatusDocument, {});
      expect(status.data!.rulesStatus.version).toBe(status0.data!.rulesStatus.version);
      expect(status.data!.rulesStatus.problems).toHaveLength(res.data!.reloadRuleSets.problems.length);

      const { claim } = await draftClaim();
      const scrub = await t.gql(ScrubClaimDocument, { id: claim.id }, { role: Role.BILLER });
      expect(scrub.errors).toBeUndefined();
      expect(scrub.data!.scrubClaim.scrub.trigger).toBe('MANUAL');
    } finally {
      writeFileSync(file, original);
      const back = await t.gql(ReloadRuleSetsDocument, {}, { role: Role.COMPLIANCE });
      expect(back.data!.reloadRuleSets.problems).toEqual([]);
    }
  });

  const exampleClaim = (overrides: Record<string, unknown> = {}) => ({
    id: 'C1',
    payer: 'medicare',
    frequency: '1',
    patient: { sex: 'F', birthDate: '1950-03-02', memberId: '1EG4TE5MK73' },
    billingNpi: '1234567893',
    renderingNpi: '1234567893',
    placeOfService: '11',
    serviceDateFrom: '2026-03-02',
    serviceDateTo: '2026-03-02',
    submittedDate: '2026-04-01',
    diagnoses: ['E119', 'I10'],
    lines: [{ code: '99213', modifiers: ['25'], units: 1, chargeCents: 12000, diagnosisPointers: [1, 2], serviceDate: '2026-03-02' }],
    ...overrides,
  });

  it('dryRunClaim scrubs a payload, stores nothing, and names the Medicare 12-month limit', async () => {
    const before = await t.rowCounts();
    const onTime = await t.gql(DryRunClaimDocument, { input: exampleClaim({ submittedDate: '2027-03-02' }) }, { role: Role.BILLER });
    expect(onTime.errors).toBeUndefined();
    expect(onTime.data!.dryRunClaim.findings.map((f) => f.ruleId)).not.toContain('MCR-FIL-001');
    const late = await t.gql(DryRunClaimDocument, { input: exampleClaim({ submittedDate: '2027-03-03' }) }, { role: Role.BILLER });
    const filing = late.data!.dryRunClaim.findings.find((f) => f.ruleId === 'MCR-FIL-001')!;
    expect(filing).toMatchObject({ severity: 'ERROR', category: 'FILING', carc: '29', line: 1 });
    expect(filing.message).toContain('2027-03-02');
    expect(late.data!.dryRunClaim.clean).toBe(false);
    expect(await t.rowCounts()).toEqual(before);
  });

  it('dryRunClaim refuses malformed input with paths, never echoing patient data', async () => {
    const res = await t.gql(DryRunClaimDocument, { input: exampleClaim({ patient: { sex: 'Q', birthDate: '1950-02-30', memberId: '1EG4TE5MK73' }, lines: [{ code: '99213', units: 0, diagnosisPointers: [13] }] }) }, { role: Role.BILLER });
    expect(res.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
    const paths = (res.errors![0]!.extensions!.issues as { path: string }[]).map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['input.patient.sex', 'input.patient.birthDate', 'input.lines[0].units', 'input.lines[0].diagnosisPointers[0]']));
    const text = JSON.stringify(res.errors);
    expect(text).not.toContain('1950-02-30');
    expect(text).not.toContain('1EG4TE5MK73');
  });

  it('facts come from the reference tables: an NCCI PTP pair imported from a CMS file fires on the column-two line', async () => {
    await runImport(t.db.orm.em.fork(), importerFor(ReferenceKind.NCCI_PTP), resolve(__dirname, '../fixtures/reference/ptp-practitioner-2026q1.txt'), {
      actor: 'test',
      setting: EditSetting.PRACTITIONER,
      effectiveFrom: '2026-01-01',
    });
    await loadCodes(t.db.orm.em.fork(), [{ system: CodeSystem.CPT, code: '93005', effectiveFrom: '2000-01-01' }]);
    // 93000/93005 is an indicator-0 pair in the fixture (as in CMS's table): never paid together.
    const { claim } = await draftClaim(
      [
        { procedureCode: '93000', units: 1, chargeCents: 5_000, diagnosisPointers: [1] },
        { procedureCode: '93005', units: 1, chargeCents: 3_000, diagnosisPointers: [1] },
      ],
      { ruleSetKey: 'medicare', serviceDate: '2026-03-02' },
    );
    const res = await t.gql(ScrubClaimDocument, { id: claim.id }, { role: Role.CODER });
    const findings = res.data!.scrubClaim.scrub.findings;
    const ptp = findings.find((f) => f.ruleId === 'COMMON-PTP-001')!;
    expect(ptp).toMatchObject({ severity: 'ERROR', category: 'NCCI_PTP', line: 2 });
    expect(ptp.message).toContain('93000');
    expect(ptp.referenceReleases).toHaveLength(1);
    // With the PTP table loaded, its "could not be checked" warning is gone.
    expect(findings.map((f) => f.ruleId)).not.toContain('COMMON-REF-PTP');
  });

  const importFixture = (kind: ReferenceKind, name: string, opts: { effectiveFrom?: string } = {}) =>
    runImport(t.db.orm.em.fork(), importerFor(kind), resolve(__dirname, '../fixtures/reference', name), { actor: 'test', ...opts });

  it('MCE sex edits from an imported CMS file: a female-only diagnosis on a male patient', async () => {
    await importFixture(ReferenceKind.MCE, 'mce_simple_edits_v36_fy2019_sample.tsv');
    const claim = exampleClaim({ patient: { sex: 'M', birthDate: '1950-03-02', memberId: '1EG4TE5MK73' }, serviceDateFrom: '2019-03-01', serviceDateTo: '2019-03-01', submittedDate: '2019-03-05', diagnoses: ['N800'], lines: [{ code: '99213', units: 1, chargeCents: 12000, diagnosisPointers: [1] }] });
    const male = await t.gql(DryRunClaimDocument, { input: claim }, { role: Role.CODER });
    const sex = male.data!.dryRunClaim.findings.find((f) => f.ruleId === 'COMMON-SEX-001')!;
    expect(sex).toMatchObject({ severity: 'ERROR', carc: '10', line: null });
    expect(sex.message).toContain('N800');
    expect(sex.referenceReleases).toHaveLength(1);
    const female = await t.gql(DryRunClaimDocument, { input: { ...claim, patient: { ...claim.patient, sex: 'F' } } }, { role: Role.CODER });
    expect(female.data!.dryRunClaim.findings.map((f) => f.ruleId)).not.toContain('COMMON-SEX-001');
    expect(female.data!.dryRunClaim.findings.map((f) => f.ruleId)).not.toContain('COMMON-REF-MCE');
  });

  it('coverage articles from imported MCD lists: a listed procedure needs a covered diagnosis', async () => {
    for (const f of ['article_x_hcpc_code.csv', 'article_x_icd10_covered.csv', 'article_x_icd10_noncovered.csv']) await importFixture(ReferenceKind.COVERAGE_ARTICLE, f, { effectiveFrom: '2025-01-01' });
    // In the fixture, A56789 lists 93880 and covers I6521; Z136 (screening) is listed as not covered.
    const base = exampleClaim({ serviceDateFrom: '2025-02-03', serviceDateTo: '2025-02-03', submittedDate: '2025-02-10', lines: [{ code: '93880', units: 1, chargeCents: 30000, diagnosisPointers: [1] }] });
    const screening = await t.gql(DryRunClaimDocument, { input: { ...base, diagnoses: ['Z136'] } }, { role: Role.CODER });
    const mn = screening.data!.dryRunClaim.findings.find((f) => f.ruleId === 'MCR-MN-001')!;
    expect(mn).toMatchObject({ severity: 'ERROR', category: 'MEDICAL_NECESSITY', carc: '50', line: 1 });
    expect(mn.message).toContain('A56789');
    expect(mn.referenceReleases).toHaveLength(3);
    const stenosis = await t.gql(DryRunClaimDocument, { input: { ...base, diagnoses: ['I6521'] } }, { role: Role.CODER });
    expect(stenosis.data!.dryRunClaim.findings.map((f) => f.ruleId)).not.toContain('MCR-MN-001');
    expect(stenosis.data!.dryRunClaim.findings.map((f) => f.ruleId)).not.toContain('MCR-MN-003');
  });

  it('a second claim for the same service on the same day is a duplicate of the first', async () => {
    const first = await draftClaim();
    const ready = await t.gql(MoveClaimDocument, { input: { id: first.claim.id, version: first.claim.version, status: ClaimStatus.READY } }, { role: Role.BILLER });
    expect(ready.data!.changeClaimStatus.moved).toBe(true);
    const b = t.builders();
    const second = await b.claim({ patient: first.patient, provider: first.provider, coverage: first.coverage, serviceDate: first.claim.serviceDateFrom });
    const res = await t.gql(MoveClaimDocument, { input: { id: second.id, version: second.version, status: ClaimStatus.READY } }, { role: Role.BILLER });
    expect(res.data!.changeClaimStatus.moved).toBe(false);
    const dup = res.data!.changeClaimStatus.scrub!.findings.find((f) => f.category === 'DUPLICATE')!;
    expect(dup.line).toBe(1);
    expect(dup.message).toContain(first.claim.patientControlNumber);
  });

  it('findings carry codes and dates, never patient names, birth dates or member ids', async () => {
    const { claim, patient, coverage } = await draftClaim(undefined, { serviceDate: addDays(today(), -200) });
    const res = await t.gql(ScrubClaimDocument, { id: claim.id }, { role: Role.BILLER });
    const text = JSON.stringify(res.data);
    expect(res.data!.scrubClaim.scrub.findings.map((f) => f.ruleId)).toContain('DCH-FIL-001');
    for (const phi of [patient.firstName, patient.lastName, patient.birthDate, coverage.memberId]) expect(text).not.toContain(phi);
  });
});
