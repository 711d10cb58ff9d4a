import type { EntityManager } from '@mikro-orm/core';
import type { SqlEntityManager } from '@mikro-orm/knex';
import { normalizeCode } from '../../../common/formats';
import { ArticleFile, latestArticleRelease } from '../importers/coverage-article';
import { ArticleDiagnosis, ArticleProcedure } from '../reference.entities';
import { releaseRef, type ReleaseRef } from './age-sex';

/**
 * Medical necessity under Medicare billing-and-coding articles: for a procedure, the articles that
 * list it and the ICD-10-CM codes each article accepts (by group) or names as not covered.
 *
 * An article's groups relate to each other only in its paragraph text (e.g. "group 2 codes must be
 * billed with a group 1 code"), which the code-list files do not carry: the groups are returned as
 * listed and the rules engine decides how to combine them.
 */

export interface CodeGroup {
  group: number;
  codes: string[];
}

export interface ArticleCoverage {
  /** MCD article number, e.g. 52458. */
  articleId: string;
  /** As MCD displays it, e.g. A52458. */
  displayId: string;
  /** Article version of the procedure list entry. */
  articleVersion: number;
  /** Groups of the article's procedure list that hold the procedure. */
  procedureGroups: number[];
  /** Covered ICD-10-CM codes by group (codes without the dot). */
  coveredGroups: CodeGroup[];
  /** ICD-10-CM codes the article names as not covered, by group. */
  nonCoveredGroups: CodeGroup[];
  /** Article versions seen in the diagnosis lists when they differ from articleVersion (lists from different downloads). */
  otherVersions: number[];
}

export type CoveredDiagnosesLookup =
  /** The procedure list or the covered-diagnosis list is not loaded for the date: cannot be checked — never a pass. */
  | { status: 'NO_DATA'; date: string; missing: ArticleFile[] }
  | {
      status: 'OK';
      date: string;
      releases: { procedures: ReleaseRef; covered: ReleaseRef; nonCovered: ReleaseRef | null };
      /** Articles listing the procedure; empty when none does (no article limits it — not the same as NO_DATA). */
      articles: ArticleCoverage[];
    };

/** Covered (and non-covered) diagnoses for a CPT/HCPCS code under each article listing it, on a date of service. */
export async function coveredDiagnoses(em: EntityManager, procedureCode: string, date: string): Promise<CoveredDiagnosesLookup> {
  const sem = em as SqlEntityManager;
  const procRel = await latestArticleRelease(sem, ArticleFile.HCPC_CODE, date);
  const coveredRel = await latestArticleRelease(sem, ArticleFile.ICD10_COVERED, date);
  const nonCoveredRel = await latestArticleRelease(sem, ArticleFile.ICD10_NONCOVERED, date);
  if (!procRel || !coveredRel) {
    const missing = [...(procRel ? [] : [ArticleFile.HCPC_CODE]), ...(coveredRel ? [] : [ArticleFile.ICD10_COVERED])];
    return { status: 'NO_DATA', date, missing };
  }
  const releases = { procedures: releaseRef(procRel), covered: releaseRef(coveredRel), nonCovered: nonCoveredRel ? releaseRef(nonCoveredRel) : null };
  const code = normalizeCode(procedureCode);
  const procRows = await em.find(ArticleProcedure, { hcpcCode: code, release: procRel.id }, { orderBy: { articleId: 'asc', codeGroup: 'asc' } });
  if (procRows.length === 0) return { status: 'OK', date, releases, articles: [] };

  const articles = new Map<string, ArticleCoverage>();
  for (const p of procRows) {
    const a = articles.get(p.articleId) ?? {
      articleId: p.articleId,
      displayId: `A${p.articleId}`,
      articleVersion: p.articleVersion,
      procedureGroups: [],
      coveredGroups: [],
      nonCoveredGroups: [],
      otherVersions: [],
    };
    if (!a.procedureGroups.includes(p.codeGroup)) a.procedureGroups.push(p.codeGroup);
    a.articleVersion = Math.max(a.articleVersion, p.articleVersion);
    articles.set(p.articleId, a);
  }
  const ids = [...articles.keys()];
  const releaseIds = [coveredRel.id, ...(nonCoveredRel ? [nonCoveredRel.id] : [])];
  const dxRows = (await sem
    .createQueryBuilder(ArticleDiagnosis)
    .select(['articleId', 'articleVersion', 'codeGroup', 'icd10Code', 'covered'])
    .where({ articleId: { $in: ids }, release: { $in: releaseIds } })
    .orderBy({ articleId: 'asc', codeGroup: 'asc', icd10Code: 'asc' })
    .execute('all')) as { articleId: string; articleVersion: number; codeGroup: number; icd10Code: string; covered: boolean | number }[];
  for (const d of dxRows) {
    const a = articles.get(d.articleId)!;
    const groups = d.covered ? a.coveredGroups : a.nonCoveredGroups;
    let g = groups[groups.length - 1];
    if (!g || g.group !== d.codeGroup) {
      g = { group: d.codeGroup, codes: [] };
      groups.push(g);
    }
    if (!g.codes.includes(d.icd10Code)) g.codes.push(d.icd10Code);
    if (d.articleVersion !== a.articleVersion && !a.otherVersions.includes(d.articleVersion)) a.otherVersions.push(d.articleVersion);
  }
  return { status: 'OK', date, releases, articles: [...articles.values()] };
}
