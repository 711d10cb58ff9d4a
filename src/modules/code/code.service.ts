import { raw, type EntityManager, type FilterQuery } from '@mikro-orm/core';
import { BaseSqlitePlatform } from '@mikro-orm/better-sqlite';
import type { ServiceContext } from '../../server/context';
import { findById } from '../../common/find';
import { IssueCollector, NotFoundError } from '../../common/errors';
import { type PageRequest, paginate, Connection } from '../../common/pagination';
import { Code, type CodeSystem } from './code.entity';
import { likeSafe, text } from '../../common/validate';
import { isLocalDate } from '../../common/dates';

export const CodeConnection = Connection('Code', () => Code);

/** The words of a search, lower-cased, letters and digits only (safe inside FTS5 and tsquery syntax). */
export function searchTerms(search: string): string[] {
  return (search.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).slice(0, 8);
}

/**
 * Every term must start a word of the descriptions ("diab kidn" finds "Type 2 diabetes mellitus
 * with diabetic chronic kidney disease"), through the full-text indexes the code_search
 * migrations create: FTS5 on SQLite, a stored tsvector column with a GIN index on PostgreSQL.
 */
export function wordSearchCondition(em: EntityManager, terms: string[]): FilterQuery<Code> {
  if (em.getPlatform() instanceof BaseSqlitePlatform) {
    const match = terms.map((t) => `"${t}"*`).join(' AND ');
    return { [raw((a: string) => `${a}.rowid in (select rowid from code_fts where code_fts match ?)`, [match])]: [] } as FilterQuery<Code>;
  }
  const query = terms.map((t) => `${t}:*`).join(' & ');
  return { [raw((a: string) => `${a}.code_search_words @@ to_tsquery('simple'::regconfig, ?)`, [query])]: [] } as FilterQuery<Code>;
}

/** What a user types when looking up a code: a letter then a digit (ICD-10-CM, HCPCS), or digits first (CPT). */
const CODE_SHAPED = /^(?:[A-Z][0-9][0-9A-Z]{0,5}|[0-9][0-9A-Z]{0,4})$/;

/**
 * The least string above every code starting with `prefix`: the last character that is not 'Z'
 * or '9' goes up by one. Codes are [0-9A-Z] only, ordered the same in C and linguistic
 * collations, so the range is right on any PostgreSQL collation and in SQLite.
 */
export function codePrefixUpperBound(prefix: string): string | null {
  for (let i = prefix.length - 1; i >= 0; i--) {
    const c = prefix[i]!;
    if (c !== 'Z' && c !== '9') return prefix.slice(0, i) + String.fromCharCode(c.charCodeAt(0) + 1);
  }
  return null;
}

/** A code to check: which set, which code, on which date, and where it came from in the input. */
export interface CodeCheck {
  system: CodeSystem;
  code: string;
  date: string;
  path: string;
  /** Diagnoses and procedures must be billable; header codes are not. */
  mustBeBillable?: boolean;
}

const SYSTEM_LABEL: Record<CodeSystem, string> = {
  ICD10CM: 'ICD-10-CM',
  CPT: 'CPT',
  HCPCS: 'HCPCS',
  MODIFIER: 'modifier',
  POS: 'place of service',
};

export interface CodeFilter {
  system?: CodeSystem | null;
  search?: string | null;
  effectiveOn?: string | null;
}

export interface CodeInput {
  system: CodeSystem;
  code: string;
  shortDescription?: string | null;
  longDescription?: string | null;
  billable?: boolean | null;
  effectiveFrom: string;
  effectiveTo?: string | null;
}

export class CodeService {
  constructor(private readonly ctx: ServiceContext) {}

  /**
   * Checks that every code exists and is effective (and billable where asked) on its date, with
   * one query for the whole batch. Adds one issue per failing code.
   */
  async checkCodes(checks: CodeCheck[], issues: IssueCollector): Promise<void> {
    if (checks.length === 0) return;
    const bySystem = new Map<CodeSystem, Set<string>>();
    for (const c of checks) {
      if (!bySystem.has(c.system)) bySystem.set(c.system, new Set());
      bySystem.get(c.system)!.add(c.code);
    }
    const rows = await this.ctx.em.find(Code, {
      $or: [...bySystem].map(([system, codes]) => ({ system, code: { $in: [...codes] } })),
    });
    const index = new Map<string, Code[]>();
    for (const row of rows) {
      const key = `${row.system}|${row.code}`;
      if (!index.has(key)) index.set(key, []);
      index.get(key)!.push(row);
    }
    for (const check of checks) {
      const versions = index.get(`${check.system}|${check.code}`);
      const label = SYSTEM_LABEL[check.system];
      if (!versions || versions.length === 0) {
        issues.add(check.path, 'UNKNOWN_CODE', `is not a known ${label} code`);
        continue;
      }
      const effective = versions.find((v) => v.isEffectiveOn(check.date));
      if (!effective) {
        issues.add(check.path, 'NOT_EFFECTIVE', `is not an effective ${label} code on the date of service`);
        continue;
      }
      if (check.mustBeBillable && !effective.billable) {
        issues.add(check.path, 'NOT_BILLABLE', `is a ${label} category header, not a billable code; code to the highest specificity`);
      }
    }
  }

  async get(system: CodeSystem, code: string, effectiveOn?: string | null): Promise<Code | null> {
    // No code holds a control character; a NUL would reach the driver as an error.
    // eslint-disable-next-line no-control-regex
    if (/[\u0000-\u001f]/.test(code)) return null;
    const rows = await this.ctx.em.find(Code, { system, code: code.trim().toUpperCase() }, { orderBy: { effectiveFrom: 'desc' } });
    if (!effectiveOn) return rows[0] ?? null;
    return rows.find((r) => r.isEffectiveOn(effectiveOn)) ?? null;
  }

  async list(filter: CodeFilter, page: PageRequest) {
    const where: FilterQuery<Code>[] = [];
    if (filter.system) where.push({ system: filter.system });
    if (filter.effectiveOn) {
      where.push({ effectiveFrom: { $lte: filter.effectiveOn } });
      where.push({ $or: [{ effectiveTo: null }, { effectiveTo: { $gte: filter.effectiveOn } }] });
    }
    // Prefix and word search. A single code-shaped term ("E11", "e11.6", "9921", "J1") matches
    // code prefixes through the (system, code) index, as a range rather than LIKE so SQLite can
    // use the index too; otherwise every term must start a word of the short or long description.
    const words = (filter.search ?? '').split(/\s+/).map(likeSafe).filter(Boolean).slice(0, 8);
    const codePrefix = words.length === 1 ? words[0]!.toUpperCase().replace(/\./g, '') : null;
    if (codePrefix && CODE_SHAPED.test(codePrefix)) {
      const upper = codePrefixUpperBound(codePrefix);
      where.push({ code: upper ? { $gte: codePrefix, $lt: upper } : { $gte: codePrefix } });
    } else {
      const terms = searchTerms(filter.search ?? '');
      if (terms.length > 0) {
        // Built anew for each query (the page, then the count): a raw fragment is single-use.
        return paginate(this.ctx.em, Code, () => ({ $and: [...where, wordSearchCondition(this.ctx.em, terms)] }), page, CodeConnection);
      }
    }
    return paginate(this.ctx.em, Code, where.length ? { $and: where } : {}, page, CodeConnection);
  }

  private validateInput(input: CodeInput, issues: IssueCollector, prefix = 'input'): void {
    text(issues, `${prefix}.code`, input.code, { max: 10, required: true, pattern: /^[A-Z0-9]{2,10}$/, patternHint: 'must be 2–10 letters or digits, without dots' });
    text(issues, `${prefix}.shortDescription`, input.shortDescription, { max: 100 });
    if (input.longDescription != null && input.longDescription.length > 4000) {
      issues.add(`${prefix}.longDescription`, 'TOO_LONG', 'must be at most 4000 characters');
    }
    if (!isLocalDate(input.effectiveFrom)) issues.add(`${prefix}.effectiveFrom`, 'FORMAT', 'must be YYYY-MM-DD');
    if (input.effectiveTo && input.effectiveTo < input.effectiveFrom) {
      issues.add(`${prefix}.effectiveTo`, 'BEFORE_START', 'must not be before effectiveFrom');
    }
  }

  async create(input: CodeInput): Promise<Code> {
    const issues = new IssueCollector();
    this.validateInput(input, issues);
    const normalized = input.code?.trim().toUpperCase();
    if (issues.ok && (await this.ctx.em.count(Code, { system: input.system, code: normalized, effectiveFrom: input.effectiveFrom })) > 0) {
      issues.add('input.effectiveFrom', 'DUPLICATE', 'this code already has a row starting on that date');
    }
    issues.throwIfAny();
    const code = this.ctx.em.create(Code, {
      system: input.system,
      code: input.code.trim().toUpperCase(),
      shortDescription: input.shortDescription?.trim() || null,
      longDescription: input.longDescription?.trim() || null,
      billable: input.billable ?? true,
      effectiveFrom: input.effectiveFrom,
      effectiveTo: input.effectiveTo ?? null,
    });
    await this.ctx.em.flush();
    return code;
  }

  async mustGet(id: string): Promise<Code> {
    const code = await findById(this.ctx.em, Code, id);
    if (!code) throw new NotFoundError('Code', id);
    return code;
  }
}
