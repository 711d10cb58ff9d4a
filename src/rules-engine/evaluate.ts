import { Engine, Rule, type RuleResult } from 'json-rules-engine';
import type { ScrubClaim } from './claim';
import { FACTS, FACTS_BY_NAME, factValue, prepareClaim, type PreparedClaim } from './facts';
import { OPERATORS } from './operators';
import type { ClaimReference } from './reference';
import type { Explanation, Finding, LoadedRule, ReferenceFamily, RuleSet } from './types';

/**
 * Evaluates a rule set against one claim. Every run gets its own json-rules-engine Engine and its
 * own Rule objects: json-rules-engine keeps run status on the Engine and writes condition results
 * onto the Rule's conditions, so sharing either between concurrent runs mixes up results (see
 * ../shared/STACK.md). Facts read only the prepared claim, so a run does no I/O.
 */

/** Only plain property paths ($.a.b, $[0]): json-rules-engine's default JSONPath resolver can evaluate filter expressions. */
export function plainPathResolver(value: unknown, path: string): unknown {
  let cur: unknown = value;
  for (const m of path.slice(1).matchAll(/\.([A-Za-z_][A-Za-z0-9_]*)|\[([0-9]+)\]/g)) {
    if (cur === null || cur === undefined) return undefined;
    const key = m[1] ?? Number(m[2]);
    if (typeof key === 'string' && !Object.prototype.hasOwnProperty.call(cur, key)) return undefined;
    cur = (cur as Record<string | number, unknown>)[key];
  }
  return cur;
}

const FAMILY_OF_FACT = new Map(FACTS.map((f) => [f.name, f.families ?? []]));

function newEngine(rules: readonly LoadedRule[], prepared: PreparedClaim, line: number | null, factNames: readonly string[]): Engine {
  const engine = new Engine([], { allowUndefinedFacts: false, pathResolver: plainPathResolver, replaceFactsInEventParams: false });
  for (const op of OPERATORS) if (op.custom) engine.addOperator(op.name, op.custom as (a: unknown, b: unknown) => boolean);
  for (const name of factNames) engine.addFact(name, (params: Record<string, unknown>) => factValue(prepared, name, params, line));
  for (const r of rules) engine.addRule(new Rule({ name: r.id, priority: r.priority, conditions: r.conditions as never, event: { type: r.id } }));
  return engine;
}

export interface EvaluateOptions {
  /** Release ids of the reference data (for findings); defaults to the claim reference's own. */
  releases?: ClaimReference['releases'];
}

/** Rules of the set in force on the claim's first date of service. */
export function rulesInForce(ruleSet: RuleSet, claim: Pick<ScrubClaim, 'serviceDateFrom'>): LoadedRule[] {
  const d = claim.serviceDateFrom;
  if ((ruleSet.effectiveFrom && d < ruleSet.effectiveFrom) || (ruleSet.effectiveTo && d > ruleSet.effectiveTo)) return [];
  return ruleSet.rules.filter((r) => (!r.effectiveFrom || r.effectiveFrom <= d) && (!r.effectiveTo || d <= r.effectiveTo));
}

export async function evaluateClaim(ruleSet: RuleSet, claim: ScrubClaim, ref: ClaimReference): Promise<Finding[]> {
  const prepared = prepareClaim(claim, ref, ruleSet.lists);
  const rules = rulesInForce(ruleSet, claim);
  const claimRules = rules.filter((r) => r.level === 'CLAIM');
  const lineRules = rules.filter((r) => r.level === 'LINE');
  const byId = new Map(rules.map((r) => [r.id, r]));
  const claimFacts = FACTS.filter((f) => f.level === 'CLAIM').map((f) => f.name);
  const allFacts = FACTS.map((f) => f.name);

  const runs: Promise<{ line: number | null; results: RuleResult[] }>[] = [];
  if (claimRules.length) runs.push(newEngine(claimRules, prepared, null, claimFacts).run().then((r) => ({ line: null, results: r.results })));
  if (lineRules.length) {
    for (let i = 0; i < claim.lines.length; i++) {
      runs.push(newEngine(lineRules, prepared, i, allFacts).run().then((r) => ({ line: i, results: r.results })));
    }
  }
  const findings: Finding[] = [];
  for (const { line, results } of await Promise.all(runs)) {
    for (const result of results) {
      const rule = byId.get(result.name as string)!;
      const explanation = explain(result);
      findings.push({
        ruleId: rule.id,
        ruleSetKey: ruleSet.key,
        ruleSetVersion: ruleSet.version,
        severity: rule.severity,
        category: rule.category,
        carc: rule.carc,
        rarc: rule.rarc,
        line: line === null ? null : line + 1,
        message: render(rule.message, explanation, prepared, line),
        fixHint: rule.fixHint === null ? null : render(rule.fixHint, explanation, prepared, line),
        referenceReleases: releasesFor(rule, ref),
        explanation,
      });
    }
  }
  return sortFindings(findings);
}

/** ERRORs first, then claim-level before line-level, then by line and rule id: a stable order for screens and tests. */
export function sortFindings(findings: Finding[]): Finding[] {
  return findings.sort(
    (a, b) =>
      (a.severity === b.severity ? 0 : a.severity === 'ERROR' ? -1 : 1) ||
      (a.line ?? 0) - (b.line ?? 0) ||
      a.ruleId.localeCompare(b.ruleId),
  );
}

function releasesFor(rule: LoadedRule, ref: ClaimReference): string[] {
  const families = new Set<ReferenceFamily>();
  for (const f of rule.facts) for (const fam of FAMILY_OF_FACT.get(f) ?? []) families.add(fam);
  return [...new Set([...families].flatMap((f) => ref.releases[f] ?? []))].sort();
}

interface ResultCondition {
  all?: ResultCondition[];
  any?: ResultCondition[];
  not?: ResultCondition;
  fact?: string;
  params?: Record<string, unknown>;
  path?: string;
  operator?: string;
  value?: unknown;
  factResult?: unknown;
  valueResult?: unknown;
  result?: boolean;
}

/** json-rules-engine's RuleResult as our Explanation: the condition tree with each fact's value and outcome. */
export function explain(result: RuleResult): Explanation {
  const json = (result.toJSON(false) as unknown as { conditions: ResultCondition; result: boolean }).conditions;
  const root = convert(json);
  // json-rules-engine sets results on nested conditions only; the root's is the rule's.
  if (!('fact' in root) && root.result === undefined) root.result = result.result;
  return root;
}

function convert(c: ResultCondition): Explanation {
  if (c.all) return { all: c.all.map(convert), result: c.result };
  if (c.any) return { any: c.any.map(convert), result: c.result };
  if (c.not) return { not: convert(c.not), result: c.result };
  const out: Explanation = { fact: c.fact!, operator: c.operator!, value: c.value };
  if (c.params) out.params = c.params;
  if (c.path) out.path = c.path;
  if (c.result !== undefined) {
    out.result = c.result;
    out.factValue = c.factResult === undefined ? null : c.factResult;
    if (typeof c.value === 'object' && c.value !== null && !Array.isArray(c.value)) out.resolvedValue = c.valueResult;
  }
  return out;
}

function findFactValue(e: Explanation, fact: string): { found: boolean; value?: unknown } {
  if ('all' in e) {
    for (const c of e.all) {
      const r = findFactValue(c, fact);
      if (r.found) return r;
    }
    return { found: false };
  }
  if ('any' in e) {
    for (const c of e.any) {
      const r = findFactValue(c, fact);
      if (r.found) return r;
    }
    return { found: false };
  }
  if ('not' in e) return findFactValue(e.not, fact);
  if (e.fact === fact && e.result !== undefined && !e.path) return { found: true, value: e.factValue };
  return { found: false };
}

/** Fills {{fact.name}}: the value the rule saw (with its params), else the fact's plain value. */
export function render(template: string, explanation: Explanation, prepared: PreparedClaim, line: number | null): string {
  return template.replace(/\{\{\s*([^}]*?)\s*\}\}/g, (_, name: string) => {
    if (!FACTS_BY_NAME.has(name)) return `{{${name}}}`;
    const seen = findFactValue(explanation, name);
    if (seen.found) return display(seen.value);
    return display(factValue(prepared, name, borrowedParams(explanation, name), line));
  });
}

/**
 * A message may name a fact with params that the conditions used under a sibling fact, e.g.
 * {{filing.deadline}} in a rule testing filing.limitExceeded {"months": 12}: take those params.
 */
function borrowedParams(e: Explanation, name: string): Record<string, unknown> | undefined {
  const spec = FACTS_BY_NAME.get(name)?.params;
  if (!spec) return undefined;
  const leaves: Explanation[] = [e];
  while (leaves.length) {
    const c = leaves.shift()!;
    if ('all' in c) leaves.push(...c.all);
    else if ('any' in c) leaves.push(...c.any);
    else if ('not' in c) leaves.push(c.not);
    else if (c.params && FACTS_BY_NAME.get(c.fact)?.params === spec) return c.params;
  }
  return undefined;
}

function display(v: unknown): string {
  if (v === null || v === undefined) return 'none';
  if (Array.isArray(v)) return v.length ? v.map(display).join(', ') : 'none';
  return String(v);
}

/** One line per condition, indented: what a biller or an auditor reads. */
export function explanationLines(e: Explanation, depth = 0): string[] {
  const pad = '  '.repeat(depth);
  const mark = (r: boolean | undefined) => (r === undefined ? '·' : r ? '✓' : '✗');
  if ('all' in e) return [`${pad}${mark(e.result)} all of:`, ...e.all.flatMap((c) => explanationLines(c, depth + 1))];
  if ('any' in e) return [`${pad}${mark(e.result)} any of:`, ...e.any.flatMap((c) => explanationLines(c, depth + 1))];
  if ('not' in e) return [`${pad}${mark(e.result)} not:`, ...explanationLines(e.not, depth + 1)];
  const params = e.params ? `(${Object.entries(e.params).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(', ')})` : '';
  const value = e.resolvedValue !== undefined ? `${JSON.stringify(e.value)} = ${JSON.stringify(e.resolvedValue)}` : JSON.stringify(e.value);
  const seen = e.result === undefined ? 'not evaluated' : `was ${JSON.stringify(e.factValue)}`;
  return [`${pad}${mark(e.result)} ${e.fact}${params}${e.path ?? ''} ${e.operator} ${value} — ${seen}`];
}
