import { resolve } from 'node:path';
import 'reflect-metadata';
import { Role } from '../../src/common/enums';
import { addDays } from '../../src/common/dates';
import { encodeCursor } from '../../src/common/pagination';
import { ClaimStatus } from '../../src/modules/claim/claim-status';
import { CodeSystem } from '../../src/modules/code/code.entity';
import { EncounterStatus } from '../../src/modules/encounter/encounter.entity';
import type { Coverage } from '../../src/modules/coverage/coverage.entity';
import type { Patient } from '../../src/modules/patient/patient.entity';
import type { Payer } from '../../src/modules/payer/payer.entity';
import type { Provider } from '../../src/modules/provider/provider.entity';
import { DEMO_CODES } from '../../src/seed/reference-codes';
import {
  ClaimsPageDocument,
  CodesDocument,
  EncountersDocument,
  PatientsDocument,
  type ClaimFilter,
  type ClaimsPageQuery,
  type EncounterFilter,
} from '../generated/graphql';
import { startTestServer, type TestServer } from '../support/server';

interface SeededClaim {
  id: string;
  patientId: string;
  payerId: string;
  status: ClaimStatus;
  serviceDateFrom: string;
  patientControlNumber: string;
}

interface SeededEncounter {
  id: string;
  status: EncounterStatus;
  serviceDateFrom: string;
}

const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
const ids = (rows: { id: string }[]) => rows.map((r) => r.id);

describe('Relay pagination and filters', () => {
  let t: TestServer;
  let payers: Payer[];
  let provider: Provider;
  let patients: Patient[];
  let coverages: Coverage[];
  const claims: SeededClaim[] = [];
  const encounters: SeededEncounter[] = [];

  const CLAIM_STATUSES = [ClaimStatus.DRAFT, ClaimStatus.SUBMITTED, ClaimStatus.DENIED];
  const CLAIM_COUNT = 24;

  beforeAll(async () => {
    // Claims in every status with fixed 2024 dates: a payer without rules, so no filing limit stops them at READY.
    t = await startTestServer({ env: { CLAIMFLOW_RULES_DIR: resolve(__dirname, '../fixtures/rules-lenient') } });
    const b = t.builders();
    payers = [await b.payer({ ruleSetKey: 'lenient' }), await b.payer({ ruleSetKey: 'lenient' })];
    provider = await b.provider();
    patients = [];
    for (const lastName of ['Smith', 'Smithers', 'Blacksmith', 'Jones']) patients.push(await b.patient({ lastName }));
    coverages = [];
    for (let i = 0; i < patients.length; i++) coverages.push(await b.coverage(patients[i]!, payers[i % 2]!));

    for (let i = 0; i < CLAIM_COUNT; i++) {
      const p = i % patients.length;
      const claim = await b.claim({
        patient: patients[p]!,
        coverage: coverages[p]!,
        provider,
        serviceDate: addDays('2024-03-01', i),
        status: CLAIM_STATUSES[i % CLAIM_STATUSES.length],
      });
      claims.push({
        id: claim.id,
        patientId: patients[p]!.id,
        payerId: payers[p % 2]!.id,
        status: claim.status,
        serviceDateFrom: claim.serviceDateFrom,
        patientControlNumber: claim.patientControlNumber,
      });
      encounters.push({ id: claim.encounter!.id, status: EncounterStatus.BILLED, serviceDateFrom: claim.serviceDateFrom });
    }
    for (let i = 0; i < 3; i++) {
      const e = await b.encounter({ patient: patients[i]!, provider, serviceDate: addDays('2023-06-01', i), status: EncounterStatus.OPEN });
      encounters.push({ id: e.id, status: EncounterStatus.OPEN, serviceDateFrom: e.serviceDateFrom });
    }
    for (let i = 0; i < 2; i++) {
      const e = await b.encounter({ patient: patients[i]!, provider, serviceDate: addDays('2023-07-01', i), status: EncounterStatus.CODED });
      encounters.push({ id: e.id, status: EncounterStatus.CODED, serviceDateFrom: e.serviceDateFrom });
    }
  }, 120_000);
  afterAll(() => t.stop());

  async function claimsPage(variables: { first?: number; after?: string; filter?: ClaimFilter }) {
    const res = await t.gql(ClaimsPageDocument, variables, { role: Role.VIEWER });
    expect(res.errors).toBeUndefined();
    return res.data!.claims;
  }

  /** Follows endCursor until hasNextPage is false; returns every page. */
  async function allClaimPages(first: number, filter?: ClaimFilter) {
    const pages: ClaimsPageQuery['claims'][] = [];
    let after: string | undefined;
    for (let guard = 0; guard < 100; guard++) {
      const page = await claimsPage({ first, after, filter });
      pages.push(page);
      if (!page.pageInfo.hasNextPage) return pages;
      after = page.pageInfo.endCursor!;
    }
    throw new Error('pagination did not terminate');
  }

  async function allClaimIds(filter: ClaimFilter): Promise<string[]> {
    return (await allClaimPages(100, filter)).flatMap((p) => p.edges.map((e) => e.node.id));
  }

  describe('claims connection', () => {
    it('walks every page with first/after: no duplicates, no omissions, stable id order, correct pageInfo', async () => {
      const pages = await allClaimPages(5);
      expect(pages).toHaveLength(Math.ceil(CLAIM_COUNT / 5));
      const seen = pages.flatMap((p) => p.edges.map((e) => e.node.id));
      expect(seen).toHaveLength(CLAIM_COUNT);
      expect(new Set(seen).size).toBe(CLAIM_COUNT);
      expect(seen).toEqual(ids([...claims].sort(byId)));

      pages.forEach((page, i) => {
        const last = i === pages.length - 1;
        expect(page.totalCount).toBe(CLAIM_COUNT);
        expect(page.edges).toHaveLength(last ? CLAIM_COUNT - 5 * i : 5);
        expect(page.pageInfo.hasNextPage).toBe(!last);
        expect(page.pageInfo.hasPreviousPage).toBe(i > 0);
        expect(page.pageInfo.startCursor).toBe(page.edges[0]!.cursor);
        expect(page.pageInfo.endCursor).toBe(page.edges[page.edges.length - 1]!.cursor);
        // Cursors are opaque: they do not show the id.
        for (const e of page.edges) expect(e.cursor).not.toContain(e.node.id);
      });

      // The same request twice gives the same page.
      const again = await claimsPage({ first: 5, after: pages[1]!.pageInfo.endCursor! });
      expect(again.edges).toEqual(pages[2]!.edges);
    });

    it('past the last item: an empty page with hasNextPage false and null cursors', async () => {
      const pages = await allClaimPages(100);
      expect(pages).toHaveLength(1);
      const end = await claimsPage({ first: 10, after: pages[0]!.pageInfo.endCursor! });
      expect(end.edges).toEqual([]);
      expect(end.pageInfo).toEqual({ hasNextPage: false, hasPreviousPage: true, startCursor: null, endCursor: null });
      expect(end.totalCount).toBe(CLAIM_COUNT);
    });

    it('uses 20 when first is omitted and accepts exactly 100', async () => {
      const dflt = await claimsPage({});
      expect(dflt.edges).toHaveLength(20);
      expect(dflt.pageInfo.hasNextPage).toBe(true);
      const max = await claimsPage({ first: 100 });
      expect(max.edges).toHaveLength(CLAIM_COUNT);
      expect(max.pageInfo.hasNextPage).toBe(false);
    });

    it('keyset paging is stable while rows are inserted: a new claim shows up once, at the end', async () => {
      const first = await claimsPage({ first: 10 });
      const b = t.builders();
      const extra = await b.claim({ patient: patients[0]!, coverage: coverages[0]!, provider, serviceDate: '2024-01-15' });
      try {
        const rest: string[] = [];
        let after = first.pageInfo.endCursor!;
        for (;;) {
          const page = await claimsPage({ first: 10, after });
          rest.push(...page.edges.map((e) => e.node.id));
          if (!page.pageInfo.hasNextPage) break;
          after = page.pageInfo.endCursor!;
        }
        const all = [...first.edges.map((e) => e.node.id), ...rest];
        expect(new Set(all).size).toBe(all.length);
        expect(all).toEqual([...ids([...claims].sort(byId)), extra.id]);
      } finally {
        // Later tests compute their expectations from these lists, so they include the extra claim.
        claims.push({
          id: extra.id,
          patientId: patients[0]!.id,
          payerId: payers[0]!.id,
          status: extra.status,
          serviceDateFrom: extra.serviceDateFrom,
          patientControlNumber: extra.patientControlNumber,
        });
        encounters.push({ id: extra.encounter!.id, status: EncounterStatus.BILLED, serviceDateFrom: extra.serviceDateFrom });
      }
    });

    it.each([
      ['first: 101', { first: 101 }, 'first'],
      ['first: 0', { first: 0 }, 'first'],
      ['first: -5', { first: -5 }, 'first'],
      ['a garbage cursor', { after: 'garbage!!' }, 'after'],
      ['a base64 cursor that is not ours', { after: Buffer.from('v2:12345').toString('base64url') }, 'after'],
      ['a cursor around a non-uuid', { after: Buffer.from('v1:1 OR 1=1').toString('base64url') }, 'after'],
    ])('refuses %s with BAD_USER_INPUT naming the argument', async (_label, variables, path) => {
      const res = await t.gql(ClaimsPageDocument, variables, { role: Role.VIEWER });
      expect(res.data ?? null).toBeNull();
      expect(res.errors).toHaveLength(1);
      expect(res.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', issues: [expect.objectContaining({ path })] });
      expect((res.errors![0]!.extensions!.issues as unknown[]).length).toBe(1);
    });

    it('reports a bad first and a bad after together', async () => {
      const res = await t.gql(ClaimsPageDocument, { first: 1000, after: 'nope' }, { role: Role.VIEWER });
      const issues = res.errors![0]!.extensions!.issues as { path: string }[];
      expect(issues.map((i) => i.path).sort()).toEqual(['after', 'first']);
    });

    it('a well-formed cursor for an id that does not exist pages from that position', async () => {
      const sorted = [...claims].sort(byId);
      const page = await claimsPage({ first: 100, after: encodeCursor('00000000-0000-7000-8000-000000000000') });
      expect(ids(page.edges.map((e) => e.node))).toEqual(ids(sorted));
    });
  });

  describe('claim filters', () => {
    const seeded = () => claims.slice(0, CLAIM_COUNT);

    it('by a list of statuses', async () => {
      const want = seeded().filter((c) => c.status === ClaimStatus.SUBMITTED || c.status === ClaimStatus.DENIED);
      expect(want.length).toBeGreaterThan(0);
      const got = await allClaimIds({ status: ['SUBMITTED', 'DENIED'] });
      expect(got).toEqual(ids(want.sort(byId)));
      const drafts = await claimsPage({ first: 100, filter: { status: ['DRAFT'] } });
      // The extra claim from the keyset test is a DRAFT too.
      expect(drafts.edges.every((e) => e.node.status === 'DRAFT')).toBe(true);
      expect(drafts.totalCount).toBe(claims.filter((c) => c.status === ClaimStatus.DRAFT).length);
    });

    it('by payer', async () => {
      for (const payer of payers) {
        const want = claims.filter((c) => c.payerId === payer.id).sort(byId);
        const page = await claimsPage({ first: 100, filter: { payerId: payer.id } });
        expect(ids(page.edges.map((e) => e.node))).toEqual(ids(want));
        expect(page.totalCount).toBe(want.length);
      }
    });

    it('by patient', async () => {
      for (const patient of patients) {
        const want = claims.filter((c) => c.patientId === patient.id).sort(byId);
        expect(want.length).toBeGreaterThan(0);
        expect(await allClaimIds({ patientId: patient.id })).toEqual(ids(want));
      }
    });

    it('by service date range (inclusive at both ends), open-ended on either side', async () => {
      const inRange = (from?: string, to?: string) =>
        ids(claims.filter((c) => (!from || c.serviceDateFrom >= from) && (!to || c.serviceDateFrom <= to)).sort(byId));
      const between = await allClaimIds({ serviceDateFrom: '2024-03-05', serviceDateTo: '2024-03-10' });
      expect(between).toHaveLength(6);
      expect(between).toEqual(inRange('2024-03-05', '2024-03-10'));
      expect(await allClaimIds({ serviceDateFrom: '2024-03-20' })).toEqual(inRange('2024-03-20'));
      expect(await allClaimIds({ serviceDateTo: '2024-03-02' })).toEqual(inRange(undefined, '2024-03-02'));
      expect(await allClaimIds({ serviceDateFrom: '2024-03-07', serviceDateTo: '2024-03-07' })).toEqual(inRange('2024-03-07', '2024-03-07'));
      expect(await allClaimIds({ serviceDateFrom: '2030-01-01' })).toEqual([]);
    });

    it('by exact patient control number', async () => {
      const target = claims[7]!;
      const page = await claimsPage({ first: 10, filter: { patientControlNumber: target.patientControlNumber } });
      expect(page.edges.map((e) => e.node)).toEqual([expect.objectContaining({ id: target.id, patientControlNumber: target.patientControlNumber })]);
      const padded = await claimsPage({ first: 10, filter: { patientControlNumber: ` ${target.patientControlNumber} ` } });
      expect(ids(padded.edges.map((e) => e.node))).toEqual([target.id]);
      // Exact, not a prefix match.
      const prefix = await claimsPage({ first: 10, filter: { patientControlNumber: target.patientControlNumber.slice(0, 6) } });
      expect(prefix.edges).toEqual([]);
      expect(prefix.totalCount).toBe(0);
    });

    it('refuses a malformed id in a filter with BAD_USER_INPUT at its path (was a driver error on PostgreSQL)', async () => {
      const bad = await t.gql(ClaimsPageDocument, { first: 5, filter: { payerId: 'abc', patientId: patients[0]!.id } }, { role: Role.VIEWER });
      expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', issues: [expect.objectContaining({ path: 'filter.payerId', reason: 'FORMAT' })] });
      const badPatient = await t.gql(ClaimsPageDocument, { first: 5, filter: { patientId: "x' OR 1=1 --" } }, { role: Role.VIEWER });
      expect(badPatient.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', issues: [expect.objectContaining({ path: 'filter.patientId' })] });
      const badEncounter = await t.gql(EncountersDocument, { first: 5, filter: { patientId: 'abc' } }, { role: Role.VIEWER });
      expect(badEncounter.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', issues: [expect.objectContaining({ path: 'filter.patientId' })] });
      // A well-formed id nobody has is simply no match.
      const unknown = await claimsPage({ first: 5, filter: { payerId: '01900000-0000-7000-8000-000000000000' } });
      expect(unknown.edges).toEqual([]);
      expect(unknown.totalCount).toBe(0);
    });

    it('combines filters (AND) and pages within the filtered set', async () => {
      const payer = payers[1]!;
      const want = ids(
        claims
          .filter((c) => c.payerId === payer.id && c.status !== ClaimStatus.DRAFT && c.serviceDateFrom >= '2024-03-03')
          .sort(byId),
      );
      expect(want.length).toBeGreaterThan(2);
      const filter: ClaimFilter = { payerId: payer.id, status: ['SUBMITTED', 'DENIED'], serviceDateFrom: '2024-03-03' };
      const pages = await allClaimPages(2, filter);
      expect(pages.flatMap((p) => p.edges.map((e) => e.node.id))).toEqual(want);
      for (const p of pages) expect(p.totalCount).toBe(want.length);
    });
  });

  describe('encounter filters', () => {
    async function encounterIds(filter: EncounterFilter, first = 2): Promise<string[]> {
      const out: string[] = [];
      let after: string | undefined;
      for (;;) {
        const res = await t.gql(EncountersDocument, { first, after, filter }, { role: Role.VIEWER });
        expect(res.errors).toBeUndefined();
        const page = res.data!.encounters;
        out.push(...page.edges.map((e) => e.node.id));
        if (!page.pageInfo.hasNextPage) return out;
        after = page.pageInfo.endCursor!;
      }
    }
    const want = (pred: (e: SeededEncounter) => boolean) => ids(encounters.filter(pred).sort(byId));

    it('by status', async () => {
      expect(await encounterIds({ status: ['OPEN'] })).toEqual(want((e) => e.status === EncounterStatus.OPEN));
      expect(await encounterIds({ status: ['CODED'] })).toEqual(want((e) => e.status === EncounterStatus.CODED));
      expect(await encounterIds({ status: ['OPEN', 'CODED'] })).toHaveLength(5);
      expect(await encounterIds({ status: ['BILLED'] }, 100)).toEqual(want((e) => e.status === EncounterStatus.BILLED));
    });

    it('by service date range', async () => {
      const got = await encounterIds({ serviceDateFrom: '2023-06-02', serviceDateTo: '2023-07-01' });
      expect(got).toHaveLength(3);
      expect(got).toEqual(want((e) => e.serviceDateFrom >= '2023-06-02' && e.serviceDateFrom <= '2023-07-01'));
    });

    it('by status and date together, with totalCount', async () => {
      const res = await t.gql(
        EncountersDocument,
        { first: 100, filter: { status: ['BILLED'], serviceDateFrom: '2024-03-01', serviceDateTo: '2024-03-03' } },
        { role: Role.VIEWER },
      );
      expect(res.errors).toBeUndefined();
      expect(res.data!.encounters.totalCount).toBe(3);
      expect(res.data!.encounters.edges.map((e) => e.node.serviceDateFrom).sort()).toEqual(['2024-03-01', '2024-03-02', '2024-03-03']);
      expect(res.data!.encounters.edges.every((e) => e.node.status === 'BILLED')).toBe(true);
    });
  });

  describe('patient and code filters', () => {
    async function lastNames(lastNamePrefix: string): Promise<string[]> {
      // Names are PHI: a role that reads them (src/auth/phi.ts).
      const res = await t.gql(PatientsDocument, { first: 100, filter: { lastNamePrefix } }, { role: Role.BILLER });
      expect(res.errors).toBeUndefined();
      return res.data!.patients.edges.map((e) => e.node.lastName!).sort();
    }

    it('patients by last-name prefix, case-insensitive, wildcards taken literally', async () => {
      expect(await lastNames('Smi')).toEqual(['Smith', 'Smithers']);
      expect(await lastNames('smith')).toEqual(['Smith', 'Smithers']);
      expect(await lastNames('SMITHE')).toEqual(['Smithers']);
      expect(await lastNames('Black')).toEqual(['Blacksmith']);
      // A LIKE wildcard typed by the user must not widen the search.
      expect(await lastNames('%mith')).toEqual([]);
      expect(await lastNames('_mith')).toEqual([]);
      expect(await lastNames('Zz')).toEqual([]);
    });

    it('patients page with first/after', async () => {
      const p1 = await t.gql(PatientsDocument, { first: 3 }, { role: Role.VIEWER });
      expect(p1.data!.patients.totalCount).toBe(4);
      expect(p1.data!.patients.pageInfo.hasNextPage).toBe(true);
      const p2 = await t.gql(PatientsDocument, { first: 3, after: p1.data!.patients.pageInfo.endCursor }, { role: Role.VIEWER });
      expect(p2.data!.patients.pageInfo.hasNextPage).toBe(false);
      const all = [...p1.data!.patients.edges, ...p2.data!.patients.edges].map((e) => e.node.id);
      expect(all).toEqual(ids([...patients].sort(byId)));
    });

    async function codes(variables: { system?: CodeSystem; search?: string; effectiveOn?: string; first?: number }) {
      const res = await t.gql(CodesDocument, variables, { role: Role.VIEWER });
      expect(res.errors).toBeUndefined();
      return res.data!.codes;
    }

    it('codes by system', async () => {
      const cpt = await codes({ system: CodeSystem.CPT, first: 100 });
      const expected = DEMO_CODES.filter((c) => c.system === CodeSystem.CPT).length;
      expect(cpt.totalCount).toBe(expected);
      expect(cpt.edges).toHaveLength(expected);
      expect(cpt.edges.every((e) => e.node.system === 'CPT')).toBe(true);
      const pos = await codes({ system: CodeSystem.POS, first: 5 });
      expect(pos.edges).toHaveLength(5);
      expect(pos.pageInfo.hasNextPage).toBe(true);
    });

    it('codes by search: code prefix (dot optional) or description words', async () => {
      const prefix = await codes({ system: CodeSystem.ICD10CM, search: 'M545' });
      expect(prefix.edges.map((e) => e.node.code).sort()).toEqual(['M545', 'M5450']);
      const dotted = await codes({ system: CodeSystem.ICD10CM, search: 'm54.5' });
      expect(dotted.edges.map((e) => e.node.code).sort()).toEqual(['M545', 'M5450']);
      const words = await codes({ search: 'low back' });
      expect(words.edges.map((e) => e.node.code).sort()).toEqual(['M545', 'M5450']);
      const e11 = await codes({ system: CodeSystem.ICD10CM, search: 'E11' });
      expect(e11.edges.map((e) => e.node.code).sort()).toEqual(['E11', 'E1165', 'E119']);
      // Words match in any order, each one somewhere in the description.
      const reordered = await codes({ search: 'back  LOW' });
      expect(reordered.edges.map((e) => e.node.code).sort()).toEqual(['M545', 'M5450']);
      const both = await codes({ search: 'diabetes hyperglycemia' });
      expect(both.edges.map((e) => e.node.code)).toEqual(['E1165']);
    });

    it('codes by effectiveOn: M545 ends 2021-09-30, M5450 starts 2021-10-01', async () => {
      const before = await codes({ system: CodeSystem.ICD10CM, search: 'M545', effectiveOn: '2021-09-30' });
      expect(before.edges.map((e) => [e.node.code, e.node.effectiveTo])).toEqual([['M545', '2021-09-30']]);
      const after = await codes({ system: CodeSystem.ICD10CM, search: 'M545', effectiveOn: '2021-10-01' });
      expect(after.edges.map((e) => [e.node.code, e.node.effectiveFrom])).toEqual([['M5450', '2021-10-01']]);
      expect(after.totalCount).toBe(1);
      const cpt2020 = await codes({ system: CodeSystem.CPT, search: '99201', effectiveOn: '2020-12-31' });
      expect(cpt2020.edges.map((e) => e.node.code)).toEqual(['99201']);
      const cpt2021 = await codes({ system: CodeSystem.CPT, search: '99201', effectiveOn: '2021-01-01' });
      expect(cpt2021.edges).toEqual([]);
    });
  });
});
