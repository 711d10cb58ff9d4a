import type { EntityManager } from '@mikro-orm/core';
import type { Knex, SqlEntityManager } from '@mikro-orm/knex';
import { toLocalDate } from '../../common/dates';
import { procedureSystemOf } from '../../common/formats';
import type { ClaimReference, CodeStatus, ReferenceFamily, ScrubClaim } from '../../rules-engine';
import type { AgeSexEditRef, ArticleRef, HistoryLine, MueRef, PtpEditRef } from '../../rules-engine/reference';
import { ClaimStatus } from '../claim/claim-status';
import { CodeSystem } from '../code/code.entity';
import { ArticleFile, articleFileOfRelease } from '../reference/importers/coverage-article';
import { AGE_EDIT_TYPES, SEX_EDIT_TYPES } from '../reference/importers/mce';
import { codeValidityMany, type CodeValidityQuery } from '../reference/lookups/code-validity';
import { mueFor, ptpConflicts, type MueLookup, type PtpLookup } from '../reference/lookups/ncci';
import { ArticleDiagnosis, ArticleProcedure, CodeEdit, EditSetting, ReferenceKind, ReferenceRelease } from '../reference/reference.entities';

/**
 * Gathers the reference data and claim history a batch of claims needs, before any rule runs.
 * Queries are per batch, not per claim, rule or line: code validity for every code of every
 * claim in 2 queries; NCCI PTP and MUE once per distinct date of service over the union of the
 * batch's codes (warm lookups come from the ncci cache); MCE and coverage articles once per
 * distinct from-date; claim history for every patient in the batch in 1 query.
 */

export interface ClaimToGather {
  claim: ScrubClaim;
  /** The stored claim's id (null for dry runs): it is left out of its own history. */
  claimId: string | null;
  patientId: string | null;
  billingProviderId: string | null;
  /** The claim a replacement/void refers to: not a duplicate of it. */
  originalClaimId: string | null;
}

/** Claims that count as billed for duplicates and MUE day totals. */
const LIVE_STATUSES = [
  ClaimStatus.READY,
  ClaimStatus.SUBMITTED,
  ClaimStatus.ACCEPTED,
  ClaimStatus.PAID,
  ClaimStatus.PARTIALLY_PAID,
  ClaimStatus.DENIED,
  ClaimStatus.APPEALED,
  ClaimStatus.WRITTEN_OFF,
];

/** Professional (837P) claims are edited against the practitioner NCCI and MUE tables. */
const SETTING = EditSetting.PRACTITIONER;

export async function gatherReference(em: EntityManager, batch: readonly ClaimToGather[]): Promise<ClaimReference[]> {
  if (batch.length === 0) return [];
  // --- code validity: every code of every claim, one call ---
  const queries: CodeValidityQuery[] = [];
  const slots: { claim: number; kind: 'dx' | 'proc' | 'mod' | 'pos'; code: string }[] = [];
  batch.forEach(({ claim }, i) => {
    for (const dx of claim.diagnoses) {
      queries.push({ system: CodeSystem.ICD10CM, code: dx, date: claim.serviceDateFrom });
      slots.push({ claim: i, kind: 'dx', code: dx });
    }
    for (const l of claim.lines) {
      const system = procedureSystemOf(l.code) === 'HCPCS' ? CodeSystem.HCPCS : CodeSystem.CPT;
      queries.push({ system, code: l.code, date: l.serviceDate });
      slots.push({ claim: i, kind: 'proc', code: l.code });
      for (const m of l.modifiers) {
        queries.push({ system: CodeSystem.MODIFIER, code: m, date: l.serviceDate });
        slots.push({ claim: i, kind: 'mod', code: m });
      }
    }
    queries.push({ system: CodeSystem.POS, code: claim.placeOfService, date: claim.serviceDateFrom });
    slots.push({ claim: i, kind: 'pos', code: claim.placeOfService });
  });
  const validity = await codeValidityMany(em, queries);

  // --- NCCI PTP and MUE per distinct line date over the union of codes billed that date ---
  const codesByDate = new Map<string, Set<string>>();
  for (const { claim } of batch) for (const l of claim.lines) (codesByDate.get(l.serviceDate) ?? codesByDate.set(l.serviceDate, new Set()).get(l.serviceDate)!).add(l.code);
  const ptpByDate = new Map<string, PtpLookup>();
  const mueByDate = new Map<string, MueLookup>();
  // Per distinct date of service, over the codes the batch bills that date: one query each when
  // cold, none when the ncci lookup cache already holds the pairs. (Asking every date for the
  // whole batch's code set was measured slower: codes² cache probes per date, and a cache that
  // overflows its bound and starts over.)
  for (const [date, codes] of codesByDate) {
    ptpByDate.set(date, await ptpConflicts(em, SETTING, [...codes], date));
    mueByDate.set(date, await mueFor(em, SETTING, [...codes], date));
  }

  // --- MCE age/sex and coverage articles per distinct from-date ---
  const fromDates = new Map<string, { dx: Set<string>; procs: Set<string> }>();
  for (const { claim } of batch) {
    const e = fromDates.get(claim.serviceDateFrom) ?? { dx: new Set(), procs: new Set() };
    claim.diagnoses.forEach((d) => e.dx.add(d));
    claim.lines.forEach((l) => e.procs.add(l.code));
    fromDates.set(claim.serviceDateFrom, e);
  }
  const allDx = [...new Set([...fromDates.values()].flatMap((e) => [...e.dx]))];
  const allProcs = [...new Set([...fromDates.values()].flatMap((e) => [...e.procs]))];
  const ageSexByDate = await ageSexFor(em, allDx, [...fromDates.keys()]);
  const articlesByDate = await articlesFor(em as SqlEntityManager, allProcs, [...fromDates.keys()]);

  // --- history: the patients' other live claims around these dates, one query ---
  const history = await historyFor(em, batch);

  return batch.map(({ claim, claimId, billingProviderId, originalClaimId }, i) => {
    const missing = new Set<ReferenceFamily>();
    const releases: Partial<Record<ReferenceFamily, Set<string>>> = {};
    const addRelease = (f: ReferenceFamily, id: string | null | undefined) => {
      if (id) (releases[f] ??= new Set()).add(id);
    };
    const diagnosisStatus: Record<string, CodeStatus> = {};
    const procedureStatus: Record<string, CodeStatus> = {};
    const modifierStatus: Record<string, CodeStatus> = {};
    let placeOfServiceStatus: CodeStatus = 'NO_DATA';
    slots.forEach((s, k) => {
      if (s.claim !== i) return;
      const v = validity[k]!;
      const family: ReferenceFamily = s.kind === 'dx' ? 'ICD10CM' : s.kind === 'proc' ? 'PROCEDURE_CODES' : s.kind === 'mod' ? 'MODIFIERS' : 'POS';
      if (v.status === 'NO_DATA') missing.add(family);
      addRelease(family, v.releaseId);
      if (s.kind === 'dx') diagnosisStatus[s.code] = worst(diagnosisStatus[s.code], v.status);
      else if (s.kind === 'proc') procedureStatus[s.code] = worst(procedureStatus[s.code], v.status);
      else if (s.kind === 'mod') modifierStatus[s.code] = worst(modifierStatus[s.code], v.status);
      else placeOfServiceStatus = v.status;
    });

    const ptp: Record<string, PtpEditRef[]> = {};
    const mue: Record<string, Record<string, MueRef | null>> = {};
    for (const date of new Set(claim.lines.map((l) => l.serviceDate))) {
      const codes = new Set(claim.lines.filter((l) => l.serviceDate === date).map((l) => l.code));
      const p = ptpByDate.get(date)!;
      if (p.status === 'NO_DATA') missing.add('NCCI_PTP');
      else {
        p.releases.forEach((r) => addRelease('NCCI_PTP', r.id));
        ptp[date] = p.conflicts.filter((c) => codes.has(c.column1) && codes.has(c.column2)).map((c) => ({ column1: c.column1, column2: c.column2, modifierIndicator: c.modifierIndicator }));
      }
      const m = mueByDate.get(date)!;
      if (m.status === 'NO_DATA') missing.add('MUE');
      else {
        m.releases.forEach((r) => addRelease('MUE', r.id));
        mue[date] = Object.fromEntries(m.limits.filter((x) => codes.has(x.code)).map((x) => [x.code, x.found ? { units: x.units, indicator: x.adjudicationIndicator } : null]));
      }
    }

    const ageSex: ClaimReference['ageSex'] = {};
    const as = ageSexByDate.get(claim.serviceDateFrom)!;
    if (as.releaseId === null) missing.add('MCE');
    else {
      addRelease('MCE', as.releaseId);
      for (const dx of claim.diagnoses) ageSex[dx] = as.byCode.get(dx) ?? [];
    }

    const articles: Record<string, ArticleRef[]> = {};
    const art = articlesByDate.get(claim.serviceDateFrom)!;
    if (art.status === 'NO_DATA') missing.add('COVERAGE_ARTICLES');
    else {
      art.releaseIds.forEach((id) => addRelease('COVERAGE_ARTICLES', id));
      for (const l of claim.lines) if (art.byProcedure.has(l.code)) articles[l.code] = art.byProcedure.get(l.code)!;
    }

    const own: HistoryLine[] = history
      .filter((h) => h.patientId === batchPatient(batch, i) && h.claimId !== claimId && h.claimId !== originalClaimId)
      .map((h) => ({ claimRef: h.pcn, serviceDate: h.serviceDate, code: h.code, modifiers: h.modifiers, units: h.units, sameProvider: h.billingProviderId === billingProviderId }));

    return {
      releases: Object.fromEntries(Object.entries(releases).map(([k, v]) => [k, [...v].sort()])),
      missing: [...missing].sort(),
      diagnosisStatus,
      procedureStatus,
      modifierStatus,
      placeOfServiceStatus,
      ptpByDate: ptp,
      mueByDate: mue,
      ageSex,
      articles,
      history: own,
    };
  });
}

function batchPatient(batch: readonly ClaimToGather[], i: number): string | null {
  return batch[i]!.patientId;
}

const RANK: Record<CodeStatus, number> = { VALID: 0, NOT_BILLABLE: 1, NOT_EFFECTIVE: 2, UNKNOWN: 3, NO_DATA: 4 };
/** A code billed on several dates keeps its worst status. */
function worst(a: CodeStatus | undefined, b: CodeStatus): CodeStatus {
  return a === undefined || RANK[b] > RANK[a] ? b : a;
}

interface ArticleLookup {
  status: 'OK' | 'NO_DATA';
  releaseIds: string[];
  byProcedure: Map<string, ArticleRef[]>;
}

const covers = (r: { effectiveFrom: string | Date; effectiveTo?: string | Date | null }, date: string) =>
  toLocalDate(r.effectiveFrom) <= date && (r.effectiveTo == null || date <= toLocalDate(r.effectiveTo));

interface AgeSexOnDate {
  releaseId: string | null;
  byCode: Map<string, AgeSexEditRef[]>;
}

/**
 * MCE age and sex edits (modules/reference/lookups/age-sex.ts) for many diagnoses over many dates
 * of service in two queries: the MCE releases around the dates, then every edit of the codes in
 * force somewhere in that window, split by date in memory.
 */
async function ageSexFor(em: EntityManager, codes: string[], dates: string[]): Promise<Map<string, AgeSexOnDate>> {
  const sorted = [...dates].sort();
  const [min, max] = [sorted[0]!, sorted[sorted.length - 1]!];
  const releases = await em.find(
    ReferenceRelease,
    { kind: ReferenceKind.MCE, effectiveFrom: { $lte: max }, $or: [{ effectiveTo: null }, { effectiveTo: { $gte: min } }] },
    { orderBy: { effectiveFrom: 'desc', importedAt: 'desc' } },
  );
  const rows =
    releases.length && codes.length
      ? await em.find(CodeEdit, {
          codeType: 'D',
          code: { $in: codes },
          editType: { $in: [...AGE_EDIT_TYPES, ...SEX_EDIT_TYPES] },
          effectiveFrom: { $lte: max },
          $or: [{ effectiveTo: null }, { effectiveTo: { $gte: min } }],
        })
      : [];
  const out = new Map<string, AgeSexOnDate>();
  for (const date of dates) {
    const release = releases.find((r) => covers(r, date)) ?? null;
    const byCode = new Map<string, AgeSexEditRef[]>();
    if (release) {
      for (const r of rows) {
        if (!covers(r, date)) continue;
        const list = byCode.get(r.code) ?? [];
        list.push({ editType: r.editType, ageMin: r.ageMin ?? null, ageMax: r.ageMax ?? null, sex: r.sex === 'F' || r.sex === 'M' ? r.sex : null });
        byCode.set(r.code, list);
      }
    }
    out.set(date, { releaseId: release?.id ?? null, byCode });
  }
  return out;
}

interface ArticleLookup {
  status: 'OK' | 'NO_DATA';
  releaseIds: string[];
  byProcedure: Map<string, ArticleRef[]>;
}

/**
 * Coverage articles (modules/reference/lookups/coverage-articles.ts) for many procedures over many
 * dates in three queries: the article releases, the procedure lists of the releases in force on
 * any of the dates, and the diagnosis lists of the articles found. Per date, each of the three
 * lists comes from its newest release started on or before the date.
 */
async function articlesFor(em: SqlEntityManager, codes: string[], dates: string[]): Promise<Map<string, ArticleLookup>> {
  const max = [...dates].sort().pop()!;
  const releases = await em.find(ReferenceRelease, { kind: ReferenceKind.COVERAGE_ARTICLE, effectiveFrom: { $lte: max } }, { orderBy: { effectiveFrom: 'desc', importedAt: 'desc', id: 'desc' } });
  const fileOf = new Map<string, ArticleFile | null>();
  for (const r of releases) fileOf.set(r.id, await articleFileOfRelease(em, r.id));
  const latest = (file: ArticleFile, date: string) => releases.find((r) => toLocalDate(r.effectiveFrom) <= date && fileOf.get(r.id) === file) ?? null;
  const perDate = new Map(dates.map((d) => [d, { proc: latest(ArticleFile.HCPC_CODE, d), covered: latest(ArticleFile.ICD10_COVERED, d), nonCovered: latest(ArticleFile.ICD10_NONCOVERED, d) }]));
  const procReleaseIds = [...new Set([...perDate.values()].filter((p) => p.proc && p.covered).map((p) => p.proc!.id))];
  const procRows =
    procReleaseIds.length && codes.length
      ? await em.find(ArticleProcedure, { hcpcCode: { $in: codes }, release: { $in: procReleaseIds } }, { fields: ['articleId', 'hcpcCode', 'release'] })
      : [];
  const articleIds = [...new Set(procRows.map((r) => r.articleId))];
  const dxReleaseIds = [...new Set([...perDate.values()].flatMap((p) => [p.covered?.id, p.nonCovered?.id]).filter((x): x is string => Boolean(x)))];
  const dx = articleIds.length
    ? ((await em
        .createQueryBuilder(ArticleDiagnosis)
        .select(['articleId', 'icd10Code', 'covered', 'release'])
        .where({ articleId: { $in: articleIds }, release: { $in: dxReleaseIds } })
        .execute('all')) as { articleId: string; icd10Code: string; covered: boolean | number; release: string }[])
    : [];
  const out = new Map<string, ArticleLookup>();
  for (const [date, rel] of perDate) {
    if (!rel.proc || !rel.covered) {
      out.set(date, { status: 'NO_DATA', releaseIds: [], byProcedure: new Map() });
      continue;
    }
    const dxReleases = new Set([rel.covered.id, ...(rel.nonCovered ? [rel.nonCovered.id] : [])]);
    const lists = new Map<string, ArticleRef>();
    const byProcedure = new Map<string, ArticleRef[]>();
    for (const p of procRows) {
      if (p.release.id !== rel.proc.id) continue;
      let article = lists.get(p.articleId);
      if (!article) {
        article = { id: `A${p.articleId}`, coveredDiagnoses: [], nonCoveredDiagnoses: [] };
        for (const d of dx) {
          if (d.articleId !== p.articleId || !dxReleases.has(d.release)) continue;
          (d.covered ? article.coveredDiagnoses : article.nonCoveredDiagnoses).push(d.icd10Code);
        }
        lists.set(p.articleId, article);
      }
      const list = byProcedure.get(p.hcpcCode) ?? [];
      if (!list.includes(article)) list.push(article);
      byProcedure.set(p.hcpcCode, list);
    }
    out.set(date, { status: 'OK', releaseIds: [...dxReleases, rel.proc.id].sort(), byProcedure });
  }
  return out;
}

interface HistoryRow {
  claimId: string;
  pcn: string;
  patientId: string;
  billingProviderId: string;
  serviceDate: string;
  code: string;
  modifiers: string[];
  units: number;
}

async function historyFor(em: EntityManager, batch: readonly ClaimToGather[]): Promise<HistoryRow[]> {
  const patients = [...new Set(batch.map((b) => b.patientId).filter((p): p is string => p !== null))];
  if (patients.length === 0) return [];
  const dates = batch.flatMap((b) => b.claim.lines.map((l) => l.serviceDate)).sort();
  // Raw rows, not entities: other patients' claims must not enter the request's identity map half-loaded.
  const knex = (em.getTransactionContext<Knex.Transaction>() ?? (em as SqlEntityManager).getKnex()) as Knex;
  const rows = (await knex
    .select('c.id as claim_id', 'c.patient_control_number as pcn', 'c.patient_id', 'c.billing_provider_id', 'l.service_date', 'l.procedure_code', 'l.modifiers', 'l.units')
    .from('claim_line as l')
    .join('claim as c', 'c.id', 'l.claim_id')
    .whereIn('c.patient_id', patients)
    .whereIn('c.status', LIVE_STATUSES)
    .whereBetween('l.service_date', [dates[0]!, dates[dates.length - 1]!])) as {
    claim_id: string;
    pcn: string;
    patient_id: string;
    billing_provider_id: string;
    service_date: string | Date;
    procedure_code: string;
    modifiers: string | string[];
    units: number | string;
  }[];
  return rows.map((r) => ({
    claimId: r.claim_id,
    pcn: r.pcn,
    patientId: r.patient_id,
    billingProviderId: r.billing_provider_id,
    serviceDate: toLocalDate(r.service_date),
    code: r.procedure_code,
    modifiers: typeof r.modifiers === 'string' ? (JSON.parse(r.modifiers) as string[]) : r.modifiers,
    units: Number(r.units),
  }));
}
