import { FACTS, FACTS_BY_NAME, type FactSpec, type FactType } from './facts';
import { DECORATORS, elementType, OPERATORS, OPERATORS_BY_NAME } from './operators';
import { SIMPLE_PATH_PATTERN } from './schema';
import type { RuleLevel } from './types';

/**
 * Checks a rule's conditions and message beyond what the schema says: facts and operators
 * exist, operators suit the fact's type, params are the fact's own, values have the right
 * shape, line facts appear only in line-level rules, lists exist. Every problem carries the
 * JSON pointer of the offending node.
 */

export interface CheckProblem {
  pointer: string;
  message: string;
}

/** A code or article a rule names, to be checked against the reference tables. */
export interface NamedReference {
  kind: 'PROCEDURE' | 'DIAGNOSIS' | 'ARTICLE';
  value: string;
  pointer: string;
}

export interface RuleCheckContext {
  level: RuleLevel;
  lists: ReadonlySet<string>;
  /** Collected: list name → which kind of code the list is compared with. */
  listUse: Map<string, 'PROCEDURE' | 'DIAGNOSIS'>;
  references: NamedReference[];
  facts: Set<string>;
  /** The facts this kind of rule may name: the payer facts by default, the rework facts in rules/rework. */
  catalogue?: ReadonlyMap<string, FactSpec>;
}

const PROCEDURE_FACTS = new Set(['line.code', 'claim.procedureCodes', 'line.ptpDeniedWith', 'line.ptpBypassedWith']);
const DIAGNOSIS_FACTS = new Set(['claim.diagnoses', 'line.diagnoses', 'claim.invalidDiagnoses', 'claim.nonBillableDiagnoses', 'claim.ageConflicts', 'claim.sexConflicts']);
const CODE_VALUE_OPERATORS = new Set(['equal', 'notEqual', 'in', 'notIn', 'contains', 'doesNotContain', 'intersects', 'disjoint']);
const SIMPLE_PATH = new RegExp(SIMPLE_PATH_PATTERN);

export function checkConditions(node: unknown, pointer: string, ctx: RuleCheckContext, problems: CheckProblem[], depth = 0): void {
  if (depth > 20) {
    problems.push({ pointer, message: 'conditions are nested more than 20 deep' });
    return;
  }
  if (typeof node !== 'object' || node === null || Array.isArray(node)) {
    problems.push({ pointer, message: 'a condition must be an object with all, any, not, or fact/operator/value' });
    return;
  }
  const c = node as Record<string, unknown>;
  const bools = ['all', 'any', 'not'].filter((k) => k in c);
  if ('condition' in c) {
    problems.push({ pointer: `${pointer}/condition`, message: 'shared condition references are not supported: write the condition out (or use a payer list for shared codes)' });
    return;
  }
  if (bools.length > 1) {
    problems.push({ pointer, message: `a condition has exactly one of all, any, not (found ${bools.join(', ')})` });
    return;
  }
  if (bools.length === 1) {
    const op = bools[0]!;
    const allowed = new Set([op, 'name', 'priority']);
    for (const k of Object.keys(c)) if (!allowed.has(k)) problems.push({ pointer: `${pointer}/${k}`, message: `unexpected property "${k}" beside "${op}"` });
    checkPriority(c, pointer, problems);
    if (op === 'not') {
      if (Array.isArray(c.not)) problems.push({ pointer: `${pointer}/not`, message: '"not" takes one condition, not an array' });
      else checkConditions(c.not, `${pointer}/not`, ctx, problems, depth + 1);
      return;
    }
    const list = c[op];
    if (!Array.isArray(list) || list.length === 0) {
      problems.push({ pointer: `${pointer}/${op}`, message: `"${op}" takes a non-empty array of conditions` });
      return;
    }
    list.forEach((child, i) => checkConditions(child, `${pointer}/${op}/${i}`, ctx, problems, depth + 1));
    return;
  }
  checkFactCondition(c, pointer, ctx, problems);
}

function checkPriority(c: Record<string, unknown>, pointer: string, problems: CheckProblem[]): void {
  if ('priority' in c && (!Number.isInteger(c.priority) || (c.priority as number) < 1)) problems.push({ pointer: `${pointer}/priority`, message: 'priority must be an integer ≥ 1' });
}

function checkFactCondition(c: Record<string, unknown>, pointer: string, ctx: RuleCheckContext, problems: CheckProblem[]): void {
  const allowed = new Set(['fact', 'operator', 'value', 'params', 'path', 'priority', 'name']);
  for (const k of Object.keys(c)) if (!allowed.has(k)) problems.push({ pointer: `${pointer}/${k}`, message: `unexpected property "${k}" in a fact condition` });
  for (const k of ['fact', 'operator', 'value']) if (!(k in c)) problems.push({ pointer, message: `a fact condition needs "${k}"` });
  checkPriority(c, pointer, problems);
  const fact = resolveFact(c.fact, c.params, `${pointer}`, ctx, problems);
  if (c.path !== undefined && (typeof c.path !== 'string' || !SIMPLE_PATH.test(c.path))) {
    problems.push({ pointer: `${pointer}/path`, message: 'path must be a plain property path like $.a.b or $[0]: JSONPath filters and script expressions are not allowed' });
  }
  if (typeof c.operator !== 'string') {
    if ('operator' in c) problems.push({ pointer: `${pointer}/operator`, message: 'operator must be a string' });
    return;
  }
  const parts = c.operator.split(':');
  const opName = parts.pop()!;
  const op = OPERATORS_BY_NAME.get(opName);
  if (!op) {
    problems.push({ pointer: `${pointer}/operator`, message: `unknown operator "${opName}"${suggest(opName, OPERATORS.map((o) => o.name))}` });
    return;
  }
  let factType: FactType | null = fact ? (c.path ? null : fact.type) : null;
  let valueElementwise = false;
  for (const d of parts) {
    if (!(DECORATORS as readonly string[]).includes(d)) {
      problems.push({ pointer: `${pointer}/operator`, message: `unknown operator decorator "${d}" (allowed: ${DECORATORS.join(', ')})` });
      return;
    }
    if ((d === 'someFact' || d === 'everyFact') && factType) {
      const el = elementType(factType);
      if (!el) problems.push({ pointer: `${pointer}/operator`, message: `"${d}" needs a list fact; ${fact!.name} is a ${factType}` });
      factType = el;
    }
    if (d === 'someValue' || d === 'everyValue') valueElementwise = true;
  }
  if (fact && factType && !op.factTypes.includes(factType)) {
    problems.push({ pointer: `${pointer}/operator`, message: `operator "${opName}" does not apply to ${fact.name} (a ${factType}); it takes ${op.factTypes.join(' or ')}` });
  }
  if (!('value' in c)) return;
  const value = c.value;
  if (isFactRef(value)) {
    const ref = resolveFact(value.fact, value.params, `${pointer}/value`, ctx, problems);
    if (ref && fact && ref.name === 'payerList' && typeof value.params?.name === 'string') noteListUse(fact, value.params.name, ctx);
    return;
  }
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    problems.push({ pointer: `${pointer}/value`, message: 'an object value must be a fact reference {"fact": …, "params": …}' });
    return;
  }
  const expect = valueElementwise ? (Array.isArray(value) ? 'array-of-elements' : 'array') : op.value;
  const bad = (m: string) => problems.push({ pointer: `${pointer}/value`, message: `operator "${opName}" needs ${m}` });
  switch (expect) {
    case 'array':
    case 'array-of-elements':
      if (!Array.isArray(value)) bad('a list value');
      break;
    case 'stringArray':
      if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) bad('a list of strings');
      break;
    case 'boolean':
      if (typeof value !== 'boolean') bad('true or false');
      break;
    case 'number':
      if (typeof value !== 'number') bad('a number');
      break;
    case 'numberPair':
      if (!Array.isArray(value) || value.length !== 2 || value.some((v) => typeof v !== 'number') || (value[0] as number) > (value[1] as number)) bad('[min, max] numbers');
      break;
    case 'date':
      if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) bad('a date YYYY-MM-DD (or a fact reference)');
      break;
    case 'scalar':
      if (Array.isArray(value)) bad('a single value (use "in" for a list)');
      break;
  }
  if (fact && CODE_VALUE_OPERATORS.has(opName)) {
    const kind = PROCEDURE_FACTS.has(fact.name) ? 'PROCEDURE' : DIAGNOSIS_FACTS.has(fact.name) ? 'DIAGNOSIS' : fact.name === 'line.articles' ? 'ARTICLE' : null;
    if (kind) {
      const values = Array.isArray(value) ? value : [value];
      values.forEach((v, i) => {
        if (typeof v === 'string') ctx.references.push({ kind, value: v, pointer: Array.isArray(value) ? `${pointer}/value/${i}` : `${pointer}/value` });
      });
    }
  }
}

function isFactRef(v: unknown): v is { fact: unknown; params?: Record<string, unknown> } {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && 'fact' in v;
}

function noteListUse(fact: FactSpec, list: string, ctx: RuleCheckContext): void {
  if (PROCEDURE_FACTS.has(fact.name)) ctx.listUse.set(list, 'PROCEDURE');
  else if (DIAGNOSIS_FACTS.has(fact.name)) ctx.listUse.set(list, 'DIAGNOSIS');
}

function resolveFact(name: unknown, params: unknown, pointer: string, ctx: RuleCheckContext, problems: CheckProblem[]): FactSpec | null {
  if (typeof name !== 'string') {
    problems.push({ pointer: `${pointer}/fact`, message: 'fact must be a string' });
    return null;
  }
  const catalogue = ctx.catalogue ?? FACTS_BY_NAME;
  const fact = catalogue.get(name);
  if (!fact) {
    problems.push({ pointer: `${pointer}/fact`, message: `unknown fact "${name}"${suggest(name, ctx.catalogue ? [...catalogue.keys()] : FACTS.map((f) => f.name))}` });
    return null;
  }
  if (fact.level === 'LINE' && ctx.level === 'CLAIM') {
    problems.push({ pointer: `${pointer}/fact`, message: `${name} is a line fact: use it in a rule with "level": "LINE"` });
  }
  ctx.facts.add(name);
  const specs = fact.params ?? {};
  if (params !== undefined) {
    if (typeof params !== 'object' || params === null || Array.isArray(params)) {
      problems.push({ pointer: `${pointer}/params`, message: 'params must be an object' });
      return fact;
    }
    for (const [k, v] of Object.entries(params)) {
      const spec = specs[k];
      if (!spec) {
        const known = Object.keys(specs);
        problems.push({ pointer: `${pointer}/params/${k}`, message: known.length ? `${name} has no param "${k}" (it takes ${known.join(', ')})` : `${name} takes no params` });
        continue;
      }
      if (spec.type === 'integer' && (!Number.isInteger(v) || (spec.min !== undefined && (v as number) < spec.min))) problems.push({ pointer: `${pointer}/params/${k}`, message: `must be an integer${spec.min !== undefined ? ` ≥ ${spec.min}` : ''}` });
      if (spec.type === 'string' && typeof v !== 'string') problems.push({ pointer: `${pointer}/params/${k}`, message: 'must be a string' });
      if (spec.enum && !spec.enum.includes(v as string)) problems.push({ pointer: `${pointer}/params/${k}`, message: `must be one of ${spec.enum.join(', ')}` });
    }
  }
  const given = (params ?? {}) as Record<string, unknown>;
  for (const [k, spec] of Object.entries(specs)) if (spec.required && !(k in given)) problems.push({ pointer: `${pointer}`, message: `${name} needs params.${k}` });
  if ((name.startsWith('filing.') || name.startsWith('line.filing')) && !('months' in given) === !('days' in given)) problems.push({ pointer: `${pointer}/params`, message: `${name} needs exactly one of params.months and params.days` });
  if (name === 'payerList' && typeof given.name === 'string' && !ctx.lists.has(given.name)) {
    problems.push({ pointer: `${pointer}/params/name`, message: `no list "${given.name}" in payer.json${suggest(given.name, [...ctx.lists])}` });
  }
  return fact;
}

/** Placeholders of a message template: {{fact.name}} with a known fact of the rule's level. */
export function checkTemplate(message: string, pointer: string, level: RuleLevel, problems: CheckProblem[], catalogue: ReadonlyMap<string, FactSpec> = FACTS_BY_NAME): void {
  for (const m of message.matchAll(/\{\{\s*([^}]*?)\s*\}\}/g)) {
    const name = m[1]!;
    const fact = catalogue.get(name);
    if (!fact) problems.push({ pointer, message: `message names unknown fact {{${name}}}${suggest(name, [...catalogue.keys()])}` });
    else if (fact.level === 'LINE' && level === 'CLAIM') problems.push({ pointer, message: `message names line fact {{${name}}} in a claim-level rule` });
  }
  if (/\{\{|\}\}/.test(message.replace(/\{\{\s*[^}]*?\s*\}\}/g, ''))) problems.push({ pointer, message: 'message has an unbalanced {{ or }}' });
}

export function suggest(name: string, known: readonly string[]): string {
  let best: string | null = null;
  let bestD = Infinity;
  for (const k of known) {
    const d = distance(name.toLowerCase(), k.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = k;
    }
  }
  return best !== null && bestD <= Math.max(2, Math.floor(name.length / 3)) ? ` (did you mean "${best}"?)` : '';
}

function distance(a: string, b: string): number {
  const dp = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = dp[0]!;
    dp[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = dp[j]!;
      dp[j] = Math.min(dp[j]! + 1, dp[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return dp[b.length]!;
}
