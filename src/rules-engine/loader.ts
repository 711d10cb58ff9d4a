import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import { isLocalDate } from '../common/dates';
import { checkConditions, checkTemplate, suggest, type CheckProblem, type NamedReference, type RuleCheckContext } from './check-rules';
import { escapePointer, locate, parseJsonSource, type JsonSource } from './json-source';
import { REWORK_FACTS_BY_NAME } from './rework-facts';
import { ruleSetSchema } from './schema';
import {
  PAYER_RULE_FILES,
  type LoadedReworkRule,
  type LoadedRule,
  type ReworkAction,
  type ReworkActionDefinition,
  type ReworkRuleSet,
  type RuleDefinition,
  type RuleProblem,
  type RuleSet,
  type RuleSnapshot,
} from './types';

/**
 * Loads a rules directory into an immutable RuleSnapshot, or refuses it with every problem found.
 * Nothing is partially loaded: one bad file anywhere refuses the whole directory, so the caller
 * keeps the previous snapshot in force.
 *
 * Layout: rules/common/*.json (shared rules), rules/<payer-key>/payer.json (manifest: name,
 * lists, which common rules to include) with coverage.json, medical-necessity.json, filing.json,
 * and rules/<payer-key>/tests/ (rule tests, read by `claimflow rules test`, not loaded here).
 * rules/rework/*.json ("kind": "rework") hold the denial-rework rules: the same rule format over
 * the rework facts (rework-facts.ts), mapping a denial to recommended and forbidden actions;
 * rules/rework/tests/ holds their rule tests.
 */

/** Answers which named codes and articles do not exist in the reference tables. */
export interface ReferenceChecker {
  missing(refs: { procedures: string[]; diagnoses: string[]; articles: string[] }): Promise<{ procedures: string[]; diagnoses: string[]; articles: string[] }>;
}

export type LoadResult = { ok: true; snapshot: RuleSnapshot } | { ok: false; problems: RuleProblem[] };

const RESERVED_DIRS = new Set(['common', 'rework', 'node_modules']);
const ALLOWED_TOP_FILES = new Set(['rule-set.schema.json']);

let validator: ValidateFunction | null = null;
function schemaValidator(): ValidateFunction {
  if (!validator) {
    const ajv = new Ajv({ allErrors: true, strict: false });
    validator = ajv.compile(ruleSetSchema(false));
  }
  return validator;
}

interface ParsedFile {
  rel: string;
  source: JsonSource;
  hash: string;
  doc: Record<string, unknown>;
}

export async function loadRuleDirectory(dir: string, options: { referenceChecker?: ReferenceChecker; now?: () => Date } = {}): Promise<LoadResult> {
  const problems: RuleProblem[] = [];
  const root = path.resolve(dir);
  try {
    if (!(await stat(root)).isDirectory()) return { ok: false, problems: [{ file: dir, pointer: '', line: null, column: null, message: 'is not a directory' }] };
  } catch {
    return { ok: false, problems: [{ file: dir, pointer: '', line: null, column: null, message: 'rules directory not found' }] };
  }

  const entries = (await readdir(root, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name));
  for (const e of entries) {
    if (e.isFile() && e.name.endsWith('.json') && !ALLOWED_TOP_FILES.has(e.name)) {
      problems.push({ file: e.name, pointer: '', line: null, column: null, message: 'rule files live in rules/common/ or rules/<payer-key>/, not at the top level' });
    }
  }

  // --- common rules ---
  const commonFiles: ParsedFile[] = [];
  if (entries.some((e) => e.isDirectory() && e.name === 'common')) {
    for (const name of (await readdir(path.join(root, 'common'))).filter((n) => n.endsWith('.json')).sort()) {
      const f = await readRuleFile(root, `common/${name}`, problems);
      if (f) commonFiles.push(f);
    }
  }

  // --- payer sets ---
  interface PayerFiles {
    key: string;
    manifest: ParsedFile | null;
    ruleFiles: ParsedFile[];
  }
  const payers: PayerFiles[] = [];
  for (const e of entries) {
    if (!e.isDirectory() || RESERVED_DIRS.has(e.name) || e.name.startsWith('.') || e.name.startsWith('_')) continue;
    const key = e.name;
    const names = (await readdir(path.join(root, key), { withFileTypes: true })).filter((f) => f.isFile() && f.name.endsWith('.json')).map((f) => f.name).sort();
    if (!/^[a-z0-9][a-z0-9-]*$/.test(key)) {
      problems.push({ file: `${key}/`, pointer: '', line: null, column: null, message: 'a payer folder name must be a rule-set key: lower-case letters, digits and -' });
      continue;
    }
    if (!names.includes('payer.json')) {
      problems.push({ file: `${key}/payer.json`, pointer: '', line: null, column: null, message: 'missing: every payer folder needs a payer.json manifest' });
      continue;
    }
    const set: PayerFiles = { key, manifest: null, ruleFiles: [] };
    for (const name of names) {
      const rel = `${key}/${name}`;
      const base = name.replace(/\.json$/, '');
      if (name !== 'payer.json' && !(PAYER_RULE_FILES as readonly string[]).includes(base)) {
        problems.push({ file: rel, pointer: '', line: null, column: null, message: `unexpected file: a payer's rules go in ${PAYER_RULE_FILES.map((f) => `${f}.json`).join(', ')}${suggest(name, PAYER_RULE_FILES.map((f) => `${f}.json`))}` });
        continue;
      }
      const f = await readRuleFile(root, rel, problems);
      if (!f) continue;
      const kind = f.doc.kind;
      const expectedKind = name === 'payer.json' ? 'payer' : base;
      if (kind !== expectedKind) problems.push(at(f, '/kind', `must be "${expectedKind}" in ${name}`));
      if (f.doc.payer !== undefined && f.doc.payer !== key) problems.push(at(f, '/payer', `must be "${key}", the folder name`));
      if (name === 'payer.json') set.manifest = f;
      else set.ruleFiles.push(f);
    }
    payers.push(set);
  }
  for (const f of commonFiles) {
    if (f.doc.kind !== 'common') problems.push(at(f, '/kind', 'must be "common" in rules/common/'));
    if (f.doc.payer !== undefined) problems.push(at(f, '/payer', 'common rules belong to no payer: remove "payer"'));
  }

  // --- denial-rework rules ---
  const reworkFiles: ParsedFile[] = [];
  if (entries.some((e) => e.isDirectory() && e.name === 'rework')) {
    const names = (await readdir(path.join(root, 'rework'), { withFileTypes: true })).filter((e) => e.isFile() && e.name.endsWith('.json')).map((e) => e.name).sort();
    for (const name of names) {
      const f = await readRuleFile(root, `rework/${name}`, problems);
      if (!f) continue;
      if (f.doc.kind !== 'rework') problems.push(at(f, '/kind', 'must be "rework" in rules/rework/'));
      else reworkFiles.push(f);
    }
  }

  // --- rules: semantic checks, duplicate ids ---
  const seenIds = new Map<string, string>();
  const references: (NamedReference & { file: ParsedFile })[] = [];
  const listUses: { file: ParsedFile; listUse: Map<string, 'PROCEDURE' | 'DIAGNOSIS'> }[] = [];
  const rulesOf = (f: ParsedFile, lists: ReadonlySet<string>): LoadedRule[] => {
    const out: LoadedRule[] = [];
    checkDates(f, '', f.doc, problems);
    const raw = Array.isArray(f.doc.rules) ? (f.doc.rules as Record<string, unknown>[]) : [];
    raw.forEach((r, i) => {
      const pointer = `/rules/${i}`;
      const id = String(r.id);
      const previous = seenIds.get(id);
      if (previous) problems.push(at(f, `${pointer}/id`, `duplicate rule id ${id} (also in ${previous})`));
      else seenIds.set(id, `${f.rel}`);
      const level = r.level === 'LINE' ? 'LINE' : 'CLAIM';
      const ctx: RuleCheckContext = { level, lists, listUse: new Map(), references: [], facts: new Set() };
      const cp: CheckProblem[] = [];
      checkConditions(r.conditions, `${pointer}/conditions`, ctx, cp);
      checkTemplate(String(r.message), `${pointer}/message`, level, cp);
      if (typeof r.fixHint === 'string') checkTemplate(r.fixHint, `${pointer}/fixHint`, level, cp);
      checkDates(f, pointer, r, problems);
      for (const p of cp) problems.push(at(f, p.pointer, p.message));
      references.push(...ctx.references.map((x) => ({ ...x, file: f })));
      listUses.push({ file: f, listUse: ctx.listUse });
      const def: RuleDefinition = {
        id,
        description: String(r.description),
        severity: r.severity as RuleDefinition['severity'],
        category: r.category as RuleDefinition['category'],
        level,
        carc: String(r.carc),
        rarc: (r.rarc as string[] | undefined) ?? [],
        message: String(r.message),
        fixHint: typeof r.fixHint === 'string' ? r.fixHint : null,
        priority: typeof r.priority === 'number' ? r.priority : 1,
        // A rule's own dates win over its file's; an explicit "effectiveTo": null means "no end".
        effectiveFrom: 'effectiveFrom' in r ? (r.effectiveFrom as string) : ((f.doc.effectiveFrom as string | undefined) ?? null),
        effectiveTo: 'effectiveTo' in r ? (r.effectiveTo as string | null) : ((f.doc.effectiveTo as string | null | undefined) ?? null),
        conditions: r.conditions as RuleDefinition['conditions'],
      };
      out.push({ ...def, origin: { file: f.rel, pointer, line: locate(f.source, pointer).line }, facts: [...ctx.facts].sort() });
    });
    return out;
  };

  const reworkRulesOf = (f: ParsedFile): LoadedReworkRule[] => {
    checkDates(f, '', f.doc, problems);
    const raw = Array.isArray(f.doc.rules) ? (f.doc.rules as Record<string, unknown>[]) : [];
    return raw.map((r, i) => {
      const pointer = `/rules/${i}`;
      const id = String(r.id);
      const previous = seenIds.get(id);
      if (previous) problems.push(at(f, `${pointer}/id`, `duplicate rule id ${id} (also in ${previous})`));
      else seenIds.set(id, f.rel);
      const ctx: RuleCheckContext = { level: 'CLAIM', lists: new Set(), listUse: new Map(), references: [], facts: new Set(), catalogue: REWORK_FACTS_BY_NAME };
      const cp: CheckProblem[] = [];
      checkConditions(r.conditions, `${pointer}/conditions`, ctx, cp);
      checkTemplate(String(r.message), `${pointer}/message`, 'CLAIM', cp, REWORK_FACTS_BY_NAME);
      const rawActions = (r.actions as Record<string, unknown>[] | undefined) ?? [];
      const forbids = (r.forbids as ReworkAction[] | undefined) ?? [];
      const actions: ReworkActionDefinition[] = rawActions.map((a, j) => {
        const ap = `${pointer}/actions/${j}`;
        if (a.fields !== undefined && a.action !== 'CORRECT_AND_RESUBMIT') cp.push({ pointer: `${ap}/fields`, message: `only CORRECT_AND_RESUBMIT names fields to fix; ${String(a.action)} does not` });
        if (a.documents !== undefined && a.action !== 'APPEAL') cp.push({ pointer: `${ap}/documents`, message: `only APPEAL names documents to attach; ${String(a.action)} does not` });
        if (typeof a.note === 'string') checkTemplate(a.note, `${ap}/note`, 'CLAIM', cp, REWORK_FACTS_BY_NAME);
        if (rawActions.findIndex((b) => b.action === a.action) < j) cp.push({ pointer: `${ap}/action`, message: `${String(a.action)} is already recommended by this rule: merge the two` });
        return {
          action: a.action as ReworkAction,
          fields: (a.fields as ReworkActionDefinition['fields'] | undefined) ?? [],
          documents: (a.documents as ReworkActionDefinition['documents'] | undefined) ?? [],
          note: typeof a.note === 'string' ? a.note : null,
        };
      });
      forbids.forEach((action, k) => {
        if (actions.some((a) => a.action === action)) cp.push({ pointer: `${pointer}/forbids/${k}`, message: `the rule both recommends and forbids ${action}` });
      });
      checkDates(f, pointer, r, problems);
      for (const p of cp) problems.push(at(f, p.pointer, p.message));
      references.push(...ctx.references.map((x) => ({ ...x, file: f })));
      return {
        id,
        description: String(r.description),
        message: String(r.message),
        priority: typeof r.priority === 'number' ? r.priority : 1,
        effectiveFrom: 'effectiveFrom' in r ? (r.effectiveFrom as string) : ((f.doc.effectiveFrom as string | undefined) ?? null),
        effectiveTo: 'effectiveTo' in r ? (r.effectiveTo as string | null) : ((f.doc.effectiveTo as string | null | undefined) ?? null),
        conditions: r.conditions as LoadedReworkRule['conditions'],
        actions,
        forbids,
        origin: { file: f.rel, pointer, line: locate(f.source, pointer).line },
        facts: [...ctx.facts].sort(),
      };
    });
  };

  const commonRules = commonFiles.flatMap((f) => rulesOf(f, new Set()));
  const reworkHash = createHash('sha256');
  for (const f of reworkFiles) reworkHash.update(`${f.rel}\0${f.hash}\0`);
  const rework: ReworkRuleSet = { version: reworkHash.digest('hex'), files: reworkFiles.map((f) => f.rel), rules: reworkFiles.flatMap(reworkRulesOf) };
  const commonById = new Map(commonRules.map((r) => [r.id, r]));
  const ruleSets = new Map<string, RuleSet>();
  for (const p of payers) {
    if (!p.manifest) continue;
    const m = p.manifest.doc;
    checkDates(p.manifest, '', m, problems);
    const lists = (m.lists ?? {}) as Record<string, string[]>;
    const listNames = new Set(Object.keys(lists));
    const own = p.ruleFiles.flatMap((f) => rulesOf(f, listNames));
    const common = (m.common ?? {}) as { include?: string[]; exclude?: string[] };
    const include = common.include ?? [];
    const exclude = new Set(common.exclude ?? []);
    include.forEach((id, i) => {
      if (id !== '*' && !commonById.has(id)) problems.push(at(p.manifest!, `/common/include/${i}`, `no common rule ${id}${suggest(id, [...commonById.keys()])}`));
    });
    (common.exclude ?? []).forEach((id, i) => {
      if (!commonById.has(id)) problems.push(at(p.manifest!, `/common/exclude/${i}`, `no common rule ${id}${suggest(id, [...commonById.keys()])}`));
    });
    const included = commonRules.filter((r) => (include.includes('*') || include.includes(r.id)) && !exclude.has(r.id));
    const hash = createHash('sha256');
    for (const f of [p.manifest, ...p.ruleFiles]) hash.update(`${f.rel}\0${f.hash}\0`);
    for (const r of included) hash.update(`common:${JSON.stringify(r, (k, v) => (k === 'origin' ? undefined : v))}\0`);
    ruleSets.set(p.key, {
      key: p.key,
      name: String(m.name),
      description: String(m.description),
      effectiveFrom: (m.effectiveFrom as string | undefined) ?? null,
      effectiveTo: (m.effectiveTo as string | null | undefined) ?? null,
      version: hash.digest('hex'),
      files: [p.manifest.rel, ...p.ruleFiles.map((f) => f.rel), ...new Set(included.map((r) => r.origin.file))],
      rules: [...included, ...own],
      lists,
    });
    // Lists are compared with procedure or diagnosis facts: their codes are references too.
    for (const [name, codes] of Object.entries(lists)) {
      const use = listUses.filter((u) => u.file.rel.startsWith(`${p.key}/`)).map((u) => u.listUse.get(name)).find(Boolean);
      if (!use) continue;
      codes.forEach((code, i) => references.push({ kind: use, value: code, pointer: `/lists/${escapePointer(name)}/${i}`, file: p.manifest! }));
    }
  }

  if (problems.length === 0 && options.referenceChecker && references.length > 0) {
    const uniq = (kind: NamedReference['kind']) => [...new Set(references.filter((r) => r.kind === kind).map((r) => r.value))];
    const missing = await options.referenceChecker.missing({ procedures: uniq('PROCEDURE'), diagnoses: uniq('DIAGNOSIS'), articles: uniq('ARTICLE') });
    const gone = { PROCEDURE: new Set(missing.procedures), DIAGNOSIS: new Set(missing.diagnoses), ARTICLE: new Set(missing.articles) };
    const label = { PROCEDURE: 'procedure code', DIAGNOSIS: 'ICD-10-CM code', ARTICLE: 'coverage article' };
    for (const r of references) {
      if (gone[r.kind].has(r.value)) problems.push(at(r.file, r.pointer, `${label[r.kind]} ${r.value} is not in the reference data (no release has it)`));
    }
  }

  if (problems.length > 0) return { ok: false, problems: sortProblems(problems) };
  const version = createHash('sha256');
  for (const s of [...ruleSets.values()].sort((a, b) => a.key.localeCompare(b.key))) version.update(`${s.key}:${s.version}\n`);
  for (const f of commonFiles) version.update(`${f.rel}:${f.hash}\n`);
  for (const f of reworkFiles) version.update(`${f.rel}:${f.hash}\n`);
  return {
    ok: true,
    snapshot: { directory: root, loadedAt: (options.now ?? (() => new Date()))(), version: version.digest('hex'), ruleSets, commonRules, rework },
  };
}

async function readRuleFile(root: string, rel: string, problems: RuleProblem[]): Promise<ParsedFile | null> {
  let text: string;
  try {
    text = await readFile(path.join(root, rel), 'utf8');
  } catch (e) {
    problems.push({ file: rel, pointer: '', line: null, column: null, message: `cannot read: ${(e as NodeJS.ErrnoException).code ?? 'error'}` });
    return null;
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const { source, problems: syntax } = parseJsonSource(text);
  if (!source) {
    for (const p of syntax) problems.push({ file: rel, ...p });
    return null;
  }
  const validate = schemaValidator();
  if (!validate(source.value)) {
    for (const err of relevantErrors(validate.errors ?? [])) {
      const pointer = err.keyword === 'additionalProperties' ? `${err.instancePath}/${escapePointer(String((err.params as { additionalProperty: string }).additionalProperty))}` : err.instancePath;
      problems.push({ file: rel, pointer, ...locate(source, pointer), message: schemaMessage(err) });
    }
    return null;
  }
  return { rel, source, hash: createHash('sha256').update(text).digest('hex'), doc: source.value as Record<string, unknown> };
}

function relevantErrors(errors: ErrorObject[]): ErrorObject[] {
  // "must match then schema" and anyOf summaries repeat what the specific errors already say.
  const specific = errors.filter((e) => e.keyword !== 'if' && e.keyword !== 'anyOf' && e.keyword !== 'allOf');
  const seen = new Set<string>();
  return (specific.length ? specific : errors).filter((e) => {
    const k = `${e.instancePath}|${e.keyword}|${JSON.stringify(e.params)}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

function schemaMessage(e: ErrorObject): string {
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'additionalProperties':
      return `unexpected property "${String(p.additionalProperty)}"`;
    case 'required':
      return `missing required property "${String(p.missingProperty)}"`;
    case 'enum':
      return `must be one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'const':
      return `must be ${JSON.stringify(p.allowedValue)}`;
    case 'pattern':
      return `does not match the expected format ${String(p.pattern)}`;
    default:
      return e.message ?? e.keyword;
  }
}

function checkDates(f: ParsedFile, pointer: string, obj: Record<string, unknown>, problems: RuleProblem[]): void {
  for (const k of ['effectiveFrom', 'effectiveTo']) {
    const v = obj[k];
    if (typeof v === 'string' && !isLocalDate(v)) problems.push(at(f, `${pointer}/${k}`, 'is not a real calendar date'));
  }
  if (typeof obj.effectiveFrom === 'string' && typeof obj.effectiveTo === 'string' && obj.effectiveTo < obj.effectiveFrom) {
    problems.push(at(f, `${pointer}/effectiveTo`, 'is before effectiveFrom'));
  }
}

function at(f: ParsedFile, pointer: string, message: string): RuleProblem {
  return { file: f.rel, pointer, ...locate(f.source, pointer), message };
}

function sortProblems(problems: RuleProblem[]): RuleProblem[] {
  return problems.sort((a, b) => a.file.localeCompare(b.file) || (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
}

/** "file:line:column pointer — message", the form every tool and editor understands. */
export function formatProblem(p: RuleProblem): string {
  const where = p.line !== null ? `${p.file}:${p.line}:${p.column ?? 1}` : p.file;
  return `${where}${p.pointer ? ` ${p.pointer}` : ''}: ${p.message}`;
}
