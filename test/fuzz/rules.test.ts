import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadRuleDirectory, RuleRegistry, type LoadResult, type RuleProblem } from '../../src/rules-engine';
import { fuzzSeed, NASTY_STRINGS, rng, type Rng } from './prng';

/**
 * Fuzzing the rules loader with malformed variants of the shipped rule sets (rules/), as text and
 * as JSON: deleted keys, wrong types, unknown facts and operators, truncation, duplicate keys,
 * __proto__, huge numbers, deep nesting, invalid UTF-8. Each result is either ok or a list of
 * problems that name the file and a position (line/column or JSON pointer) — never a throw — and
 * a RuleRegistry keeps the previous good snapshot after a refused reload.
 *
 * Speed: the loader is run on the smallest directory that holds the mutated file (rules/common
 * alone, common + one payer, rework alone): ~10 ms a load instead of ~45 ms for all of rules/.
 */
const LOADER_CASES = 1100;
const REGISTRY_CASES = 120;
const RULES = join(__dirname, '../../rules');

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Every node of a JSON document with its parent, so a mutation can replace or delete it. */
function nodes(doc: Json): { parent: Json[] | { [k: string]: Json }; key: string | number; value: Json }[] {
  const out: { parent: Json[] | { [k: string]: Json }; key: string | number; value: Json }[] = [];
  const walk = (v: Json) => {
    if (Array.isArray(v)) {
      v.forEach((c, i) => {
        out.push({ parent: v, key: i, value: c });
        walk(c);
      });
    } else if (v && typeof v === 'object') {
      for (const [k, c] of Object.entries(v)) {
        out.push({ parent: v, key: k, value: c });
        walk(c);
      }
    }
  };
  walk(doc);
  return out;
}

const WRONG_VALUES: Json[] = [null, true, 0, -1, 1.5, '', 'x', [], {}, [null], { all: [] }, 1e21, -0, 2 ** 53 + 2, 'LINE', 'ERROR', '2026-02-30', '9999-99-99'];
const NUMBER_TEXT = ['1e309', '-1e309', '1e-400', '123456789012345678901234567890', '-0', '0.1', '1E2', '00012', '-', '1.', '.5', 'NaN', 'Infinity'];
const FACTS = ['noSuchFact', 'claim.nope', 'line.code.extra', '', '__proto__', 'constructor', '$..*', 'line.modifiers[0]'];
const OPERATORS = ['noSuchOperator', 'everyFact:equal', 'not:', 'eq', '', '__proto__', 'toString', 'contains:contains'];

function deepConditions(depth: number): string {
  return `${'{"all":['.repeat(depth)}{"fact":"claim.payerKey","operator":"equal","value":"x"}${']}'.repeat(depth)}`;
}

const DEEP = '\u0000deep conditions\u0000';

type Mutated = { text: string | Buffer; what: string };

/** JSON-level mutations: parse, change one node, print. */
function mutateJson(r: Rng, original: string): Mutated {
  const doc = JSON.parse(original) as Json;
  const all = nodes(doc);
  const n = r.pick(all);
  const set = (v: Json) => {
    (n.parent as Record<string | number, Json>)[n.key] = v;
  };
  const kind = r.int(9);
  let what: string;
  let deep = 0;
  if (kind === 0) {
    if (Array.isArray(n.parent)) n.parent.splice(n.key as number, 1);
    else delete n.parent[n.key as string];
    what = `deleted ${String(n.key)}`;
  } else if (kind === 1) {
    set(r.pick(WRONG_VALUES));
    what = `wrong type at ${String(n.key)}`;
  } else if (kind === 2) {
    const facts = all.filter((x) => x.key === 'fact');
    (facts.length ? r.pick(facts) : n).parent[(facts.length ? 'fact' : n.key) as never] = r.pick(FACTS) as never;
    what = 'unknown fact';
  } else if (kind === 3) {
    const ops = all.filter((x) => x.key === 'operator');
    (ops.length ? r.pick(ops) : n).parent[(ops.length ? 'operator' : n.key) as never] = r.pick(OPERATORS) as never;
    what = 'unknown operator';
  } else if (kind === 4) {
    set(r.pick(NASTY_STRINGS));
    what = `odd string at ${String(n.key)}`;
  } else if (kind === 5) {
    if (!Array.isArray(n.parent)) n.parent[r.pick(['extra', 'Id', 'ID', 'severity ', 'conditions2', 'constructor', 'toString'])] = r.pick(WRONG_VALUES);
    what = 'extra key';
  } else if (kind === 6) {
    const conds = all.filter((x) => x.key === 'conditions');
    const target = conds.length ? r.pick(conds) : n;
    // Spliced in as text after printing: JSON.stringify itself recurses.
    deep = r.pick([50, 500, 3000, 20_000]);
    (target.parent as Record<string | number, Json>)[target.key] = DEEP;
    what = `conditions nested ${deep} deep`;
  } else if (kind === 7) {
    set(Array.isArray(n.value) ? [...n.value, ...n.value] : n.value);
    what = 'duplicated array items';
  } else {
    set(r.pick(['{{line.code', '{{nope}}', '{{claim.__proto__}}', '{{}}', '}}{{', '{{line.modifiers.constructor.name}}']));
    what = 'odd template';
  }
  const text = JSON.stringify(doc, null, 2);
  return { text: deep ? text.replace(JSON.stringify(DEEP), deepConditions(deep)) : text, what: `json: ${what}` };
}

/** Text-level mutations: what an editor, a merge or a bad copy does to a file. */
function mutateText(r: Rng, original: string): Mutated {
  const kind = r.int(11);
  const at = r.int(original.length);
  switch (kind) {
    case 0:
      return { text: original.slice(0, at), what: `truncated at ${at}` };
    case 1:
      return { text: original.slice(0, at) + r.pick(['{', '}', '[', ']', ',', ':', '"', '\\', '\u0000', '\n', 'x', '/*', '//']) + original.slice(at), what: `character inserted at ${at}` };
    case 2:
      return { text: original.slice(0, at) + original.slice(at + 1 + r.int(20)), what: `characters deleted at ${at}` };
    case 3: {
      // Duplicate key: repeat the first key of some object with another value.
      const m = [...original.matchAll(/\{\s*"([^"]+)":/g)];
      const hit = m.length ? r.pick(m) : null;
      if (!hit) return { text: original, what: 'no key' };
      const pos = hit.index! + hit[0].indexOf('"');
      return { text: `${original.slice(0, pos)}"${hit[1]}": ${JSON.stringify(r.pick(WRONG_VALUES))}, ${original.slice(pos)}`, what: `duplicate key ${hit[1]}` };
    }
    case 4: {
      const m = [...original.matchAll(/\{/g)];
      const pos = r.pick(m).index! + 1;
      const payload = r.pick(['"__proto__": {"polluted": true, "severity": "ERROR"}, ', '"constructor": {"prototype": {"polluted": true}}, ', '"__proto__": null, ', '"__proto__": [], ']);
      return { text: original.slice(0, pos) + payload + original.slice(pos), what: 'prototype key' };
    }
    case 5: {
      const m = [...original.matchAll(/-?\d+(\.\d+)?/g)];
      if (!m.length) return { text: original, what: 'no number' };
      const hit = r.pick(m);
      return { text: original.slice(0, hit.index!) + r.pick(NUMBER_TEXT) + original.slice(hit.index! + hit[0].length), what: 'odd number' };
    }
    case 6:
      return { text: r.pick(['', ' ', 'null', '[]', '1', '"rules"', '{}', '{"kind":"common"}', '\uFEFF', '\uFEFF\uFEFF{}', original + original, `${original}\n,`, deepConditions(20_000)]), what: 'whole file replaced' };
    case 7: {
      const bytes = Buffer.from(original, 'utf8');
      bytes[at % bytes.length] = r.pick([0x00, 0x80, 0xc0, 0xfe, 0xff]);
      return { text: bytes, what: `invalid byte at ${at}` };
    }
    case 8:
      return { text: original.replace(/\n/g, r.pick(['\r\n', '\r', '\u2028', ''])), what: 'line endings changed' };
    case 9:
      return { text: original.replace(/,(\s*[}\]])/, ',,$1').replace(/("[^"]+")\s*:/, '$1 ::'), what: 'syntax broken' };
    default: {
      const m = [...original.matchAll(/"(?:[^"\\]|\\.)*"/g)];
      const hit = r.pick(m);
      return { text: original.slice(0, hit.index!) + JSON.stringify('y'.repeat(r.pick([1, 1000, 1_000_000]))) + original.slice(hit.index! + hit[0].length), what: 'long string' };
    }
  }
}

function problemShapeErrors(problems: RuleProblem[]): string[] {
  const bad: string[] = [];
  if (problems.length === 0) bad.push('refused without problems');
  for (const p of problems) {
    if (typeof p.file !== 'string' || p.file === '') bad.push('problem without a file');
    if (typeof p.pointer !== 'string' || !(p.pointer === '' || p.pointer.startsWith('/'))) bad.push('problem without a JSON pointer');
    for (const n of [p.line, p.column]) if (!(n === null || (Number.isInteger(n) && n > 0))) bad.push('problem with an unusable line/column');
    if (typeof p.message !== 'string' || p.message === '') bad.push('problem without a message');
  }
  return [...new Set(bad)];
}

describe('rules loader and registry under fuzzing', () => {
  const seed = fuzzSeed('rules', 20261124);
  let root: string;
  /** Smallest directories that load each shipped file, and the files in each. */
  const units: { dir: string; files: string[] }[] = [];

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'claimflow-rules-fuzz-'));
    const payers = readdirSync(RULES, { withFileTypes: true }).filter((e) => e.isDirectory() && !['common', 'rework'].includes(e.name)).map((e) => e.name);
    const make = (name: string, parts: string[]) => {
      const dir = join(root, name);
      for (const p of parts) cpSync(join(RULES, p), join(dir, p), { recursive: true, filter: (src) => !src.includes('/tests') });
      units.push({ dir, files: parts.flatMap((p) => readdirSync(join(dir, p)).filter((f) => f.endsWith('.json')).map((f) => `${p}/${f}`)) });
    };
    make('common-only', ['common']);
    for (const p of payers) make(p, ['common', p]);
    make('rework-only', ['rework']);
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('every unit loads unmutated (the fuzzing starts from good files)', async () => {
    for (const u of units) expect({ dir: u.dir, ok: (await loadRuleDirectory(u.dir)).ok }).toEqual({ dir: u.dir, ok: true });
  });

  /** Loads the unit with one file replaced by `text`, then puts the file back. */
  async function loadWith(rel: string, edit: (original: string) => string): Promise<LoadResult> {
    const u = units.find((x) => x.files.includes(rel))!;
    const path = join(u.dir, rel);
    const original = readFileSync(path, 'utf8');
    writeFileSync(path, edit(original));
    try {
      return await loadRuleDirectory(u.dir);
    } finally {
      writeFileSync(path, original);
    }
  }

  // Regression (found by this fuzzing): jsonc-parser, the checks and the engine recurse, so
  // conditions nested thousands deep threw RangeError (stack overflow) out of the loader and
  // out of RuleRegistry.reload instead of refusing the file.
  it('bug: conditions nested thousands deep overflowed the stack', async () => {
    const out = await loadWith('common/claim-data.json', (text) => {
      const doc = JSON.parse(text) as { rules: { conditions: unknown }[] };
      doc.rules[0]!.conditions = DEEP;
      return JSON.stringify(doc, null, 2).replace(JSON.stringify(DEEP), deepConditions(5000));
    });
    expect(out.ok).toBe(false);
    const problems = (out as { problems: RuleProblem[] }).problems;
    expect(problems[0]).toMatchObject({ file: 'common/claim-data.json', pointer: '', line: expect.any(Number), column: expect.any(Number) });
    expect(problems[0]!.message).toMatch(/nested more than 64 levels/);
  });

  // Regression (found by this fuzzing): an unknown operator name of 1 MB was compared with every
  // known operator for a "did you mean" (edit distance): the load took about a minute.
  it('bug: a huge unknown operator name stalled the loader', async () => {
    const out = await loadWith('common/claim-data.json', (text) => text.replace(/"operator": "equal"/, `"operator": "${'y'.repeat(1_000_000)}"`));
    expect(out.ok).toBe(false);
    const problems = (out as { problems: RuleProblem[] }).problems;
    expect(problems).toEqual([expect.objectContaining({ file: 'common/claim-data.json', message: 'a string longer than 4000 characters', pointer: expect.stringMatching(/^\/rules\/\d+\/conditions\/.*operator$/) })]);
  });

  it(`loadRuleDirectory: each of ${LOADER_CASES} mutated rule files is loaded or refused with located problems, never a throw`, async () => {
    const r = rng(seed);
    const failures: { case: number; file: string; what: string; error: string }[] = [];
    const tally = { ok: 0, refused: 0 };
    for (let i = 0; i < LOADER_CASES; i++) {
      const u = r.pick(units);
      const rel = r.pick(u.files);
      const path = join(u.dir, rel);
      const original = readFileSync(path, 'utf8');
      const m = r.chance(0.5) ? mutateJson(r, original) : mutateText(r, original);
      writeFileSync(path, m.text);
      let result: LoadResult;
      try {
        result = await loadRuleDirectory(u.dir);
      } catch (err) {
        failures.push({ case: i, file: rel, what: m.what, error: `threw ${(err as Error)?.name}: ${String((err as Error)?.message).slice(0, 200)}` });
        continue;
      } finally {
        writeFileSync(path, original);
      }
      if (result.ok) tally.ok++;
      else {
        tally.refused++;
        for (const e of problemShapeErrors(result.problems)) failures.push({ case: i, file: rel, what: m.what, error: e });
      }
    }
    process.stdout.write(`[fuzz] rules loader: ${JSON.stringify(tally)}\n`);
    expect(failures.slice(0, 10)).toEqual([]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(tally.refused).toBeGreaterThan(LOADER_CASES / 2);
  });

  it(`RuleRegistry.reload: ${REGISTRY_CASES} mutated reloads keep the previous snapshot when refused`, async () => {
    const r = rng(seed + 1);
    const u = units.find((x) => x.files.some((f) => f.startsWith('medicare/')))!;
    const registry = new RuleRegistry(u.dir);
    const first = await registry.reload('start');
    expect(first.status).toBe('LOADED');
    let good = registry.current();
    const failures: { case: number; file: string; what: string; error: string }[] = [];
    const tally = { refused: 0, loaded: 0, unchanged: 0 };
    for (let i = 0; i < REGISTRY_CASES; i++) {
      const rel = r.pick(u.files);
      const path = join(u.dir, rel);
      const original = readFileSync(path, 'utf8');
      const m = r.chance(0.5) ? mutateJson(r, original) : mutateText(r, original);
      const fail = (error: string) => failures.push({ case: i, file: rel, what: m.what, error });
      writeFileSync(path, m.text);
      try {
        const out = await registry.reload('fuzz');
        if (out.status === 'REFUSED') {
          tally.refused++;
          for (const e of problemShapeErrors(out.problems)) fail(e);
          if (registry.current() !== good || out.snapshot !== good) fail('a refused reload replaced the snapshot in force');
          if (registry.problems() !== out.problems) fail('rulesStatus does not show the refusal');
        } else tally[out.status === 'LOADED' ? 'loaded' : 'unchanged']++;
      } catch (err) {
        fail(`threw ${(err as Error)?.name}: ${String((err as Error)?.message).slice(0, 200)}`);
      } finally {
        writeFileSync(path, original);
      }
      if (registry.current() !== good) {
        // A mutation that stayed valid was loaded: restoring the file must bring the good rules back.
        await registry.reload('restore');
        if (registry.current().version !== good.version) fail('restoring the file did not restore the rules');
        good = registry.current();
      }
    }
    process.stdout.write(`[fuzz] rules registry: ${JSON.stringify(tally)}\n`);
    expect(failures.slice(0, 10)).toEqual([]);
    expect(tally.refused).toBeGreaterThan(REGISTRY_CASES / 2);
  });
});
