import type { EntityManager } from '@mikro-orm/core';
import type { ReferenceChecker } from '../../rules-engine';
import { Code, CodeSystem } from '../code/code.entity';
import { ArticleProcedure } from '../reference/reference.entities';

/**
 * Answers the rule loader's "does this code / article exist?" from the reference tables. A code
 * counts as missing only when its code set is loaded at all (a table with no ICD-10-CM rows cannot
 * say a diagnosis is wrong), and a code of any date counts (rules may name codes not yet in force).
 */
export class DbReferenceChecker implements ReferenceChecker {
  constructor(private readonly em: EntityManager) {}

  async missing(refs: { procedures: string[]; diagnoses: string[]; articles: string[] }) {
    const em = this.em.fork();
    const procSystems = [CodeSystem.CPT, CodeSystem.HCPCS];
    const [hasProc, hasDx, hasArticles] = await Promise.all([
      em.count(Code, { system: { $in: procSystems } }, { limit: 1 } as never),
      em.count(Code, { system: CodeSystem.ICD10CM }, { limit: 1 } as never),
      em.count(ArticleProcedure, {}, { limit: 1 } as never),
    ]);
    const found = async (system: CodeSystem[], codes: string[]) =>
      codes.length ? new Set((await em.find(Code, { system: { $in: system }, code: { $in: codes } }, { fields: ['code'] })).map((c) => c.code)) : new Set<string>();
    const [procs, dxs, arts] = await Promise.all([
      hasProc ? found(procSystems, refs.procedures) : Promise.resolve(null),
      hasDx ? found([CodeSystem.ICD10CM], refs.diagnoses) : Promise.resolve(null),
      hasArticles && refs.articles.length
        ? em.find(ArticleProcedure, { articleId: { $in: refs.articles.map((a) => a.replace(/^A/, '')) } }, { fields: ['articleId'] }).then((rows) => new Set(rows.map((r) => `A${r.articleId}`)))
        : Promise.resolve(null),
    ]);
    return {
      procedures: procs ? refs.procedures.filter((c) => !procs.has(c)) : [],
      diagnoses: dxs ? refs.diagnoses.filter((c) => !dxs.has(c)) : [],
      articles: arts ? refs.articles.filter((a) => !arts.has(a)) : [],
    };
  }
}
