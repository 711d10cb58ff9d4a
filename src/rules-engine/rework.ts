import { Engine, Rule } from 'json-rules-engine';
import { explain, plainPathResolver } from './evaluate';
import { OPERATORS } from './operators';
import { REWORK_FACTS, REWORK_FACTS_BY_NAME, reworkFactValues, type ReworkCase } from './rework-facts';
import type { AppealDocument, CorrectionField, Explanation, LoadedReworkRule, ReworkAction, ReworkRuleSet } from './types';

/**
 * Evaluates the rework rules against one denial. As for claims (evaluate.ts), every run gets its
 * own json-rules-engine Engine and Rule objects, and facts are constants computed beforehand, so
 * runs share no mutable state and do no I/O.
 *
 * A fired rule contributes its recommended actions and its forbidden actions. A forbidden action
 * wins: a recommendation of an action another fired rule forbids is dropped, so the list a
 * biller sees never offers what cannot succeed (CO-29 with N211: no appeal).
 */

export interface ReworkRecommendation {
  ruleId: string;
  action: ReworkAction;
  fields: CorrectionField[];
  documents: AppealDocument[];
  message: string;
  note: string | null;
  priority: number;
  explanation: Explanation;
}

export interface ForbiddenAction {
  ruleId: string;
  action: ReworkAction;
  message: string;
  explanation: Explanation;
}

export interface ReworkAdvice {
  /** Allowed recommendations: higher rule priority first, then file order, then action order. */
  recommendations: ReworkRecommendation[];
  /** Actions that cannot succeed, each with the rule that says so (an action may appear once per rule). */
  forbidden: ForbiddenAction[];
  /** Ids of the rules that fired, sorted. */
  firedRuleIds: string[];
  /** The rework rule-set version the advice was computed under. */
  version: string;
}

/** Rules in force on the denial date. */
export function reworkRulesInForce(set: ReworkRuleSet, deniedOn: string): LoadedReworkRule[] {
  return set.rules.filter((r) => (!r.effectiveFrom || r.effectiveFrom <= deniedOn) && (!r.effectiveTo || deniedOn <= r.effectiveTo));
}

export async function evaluateDenial(set: ReworkRuleSet, c: ReworkCase): Promise<ReworkAdvice> {
  const rules = reworkRulesInForce(set, c.denial.deniedOn);
  const values = reworkFactValues(c);
  if (rules.length === 0) return { recommendations: [], forbidden: [], firedRuleIds: [], version: set.version };
  const engine = new Engine([], { allowUndefinedFacts: false, pathResolver: plainPathResolver, replaceFactsInEventParams: false });
  for (const op of OPERATORS) if (op.custom) engine.addOperator(op.name, op.custom as (a: unknown, b: unknown) => boolean);
  for (const spec of REWORK_FACTS) engine.addFact(spec.name, values[spec.name] as never);
  for (const r of rules) engine.addRule(new Rule({ name: r.id, priority: r.priority, conditions: r.conditions as never, event: { type: r.id } }));
  const { results } = await engine.run();

  const order = new Map(set.rules.map((r, i) => [r.id, i]));
  const byId = new Map(rules.map((r) => [r.id, r]));
  const fired = results.map((res) => ({ rule: byId.get(res.name as string)!, explanation: explain(res) })).sort((a, b) => b.rule.priority - a.rule.priority || order.get(a.rule.id)! - order.get(b.rule.id)!);

  const forbidden: ForbiddenAction[] = [];
  const candidates: ReworkRecommendation[] = [];
  for (const { rule, explanation } of fired) {
    const message = renderRework(rule.message, values);
    for (const action of rule.forbids) forbidden.push({ ruleId: rule.id, action, message, explanation });
    for (const a of rule.actions) {
      candidates.push({
        ruleId: rule.id,
        action: a.action,
        fields: a.fields,
        documents: a.documents,
        message,
        note: a.note === null ? null : renderRework(a.note, values),
        priority: rule.priority,
        explanation,
      });
    }
  }
  const blocked = new Set(forbidden.map((x) => x.action));
  return {
    recommendations: candidates.filter((x) => !blocked.has(x.action)),
    forbidden,
    firedRuleIds: fired.map((x) => x.rule.id).sort(),
    version: set.version,
  };
}

/** Fills {{fact.name}} with the denial's fact values (lists joined with ", ", null as "none"). */
export function renderRework(template: string, values: Record<string, unknown>): string {
  return template.replace(/\{\{\s*([^}]*?)\s*\}\}/g, (_, name: string) => (REWORK_FACTS_BY_NAME.has(name) ? display(values[name]) : `{{${name}}}`));
}

function display(v: unknown): string {
  if (v === null || v === undefined) return 'none';
  if (Array.isArray(v)) return v.length ? v.map(display).join(', ') : 'none';
  return String(v);
}
