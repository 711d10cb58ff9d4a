import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { evaluateClaim, fixtureReference, RuleRegistry, type RuleSnapshot } from '../../src/rules-engine';
import { claim, fixtureCopy, removeTempDirs } from './support';

/**
 * RuleRegistry over a temp copy of test/fixtures/rules/valid: the snapshot in force is replaced
 * atomically, refused reloads keep it, and a request that took a snapshot keeps using it.
 */

afterAll(removeTempDirs);

const COVERAGE = 'acme/coverage.json';

/** The acme claim that ACME-COV-001 flags: an MRI without prior authorization. */
const mri = () => claim({ payer: 'acme', diagnoses: ['M545'], lines: [{ code: '72148', diagnosisPointers: [1] }] });

async function findingIds(snapshot: RuleSnapshot): Promise<string[]> {
  const c = mri();
  return (await evaluateClaim(snapshot.ruleSets.get('acme')!, c, fixtureReference(c))).map((f) => f.ruleId);
}

function edit(dir: string, rel: string, change: (text: string) => string): void {
  const file = join(dir, rel);
  writeFileSync(file, change(readFileSync(file, 'utf8')));
}

/** Changes ACME-COV-001's message: a real change in the rules, and one we can see in findings. */
const retitle = (text: string, message: string) => text.replace(/"message": "[^"]*needs prior authorization[^"]*"/, `"message": "${message}"`);

/** Polls `check` until it is true or `ms` pass; returns whether it became true. */
async function eventually(check: () => boolean, ms = 5000): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return check();
}

describe('RuleRegistry', () => {
  let dir: string;
  let registry: RuleRegistry;
  beforeEach(() => {
    dir = fixtureCopy('valid');
    registry = new RuleRegistry(dir);
  });
  afterEach(() => registry.close());

  it('has nothing in force before the first load, then the loaded snapshot', async () => {
    expect(registry.currentOrNull()).toBeNull();
    expect(() => registry.current()).toThrow(/no rules loaded/);
    const result = await registry.reload('start');
    expect(result.status).toBe('LOADED');
    expect(result.problems).toEqual([]);
    expect(registry.current()).toBe(result.snapshot);
    expect(registry.ruleSet('acme')?.rules.length).toBe(5);
    expect(registry.ruleSet('nobody')).toBeNull();
  });

  it('reports UNCHANGED when nothing changed, keeping the same snapshot', async () => {
    const first = await registry.reload();
    const again = await registry.reload();
    expect(again.status).toBe('UNCHANGED');
    expect(registry.current()).toBe(first.snapshot);
  });

  it('refuses a broken file with every problem and keeps the previous snapshot, which still evaluates', async () => {
    const before = (await registry.reload()).snapshot!;
    edit(dir, COVERAGE, (t) => t.replace('"fact": "line.code"', '"fact": "line.cod"'));
    const refused = await registry.reload();
    expect(refused.status).toBe('REFUSED');
    expect(refused.problems).toEqual([expect.objectContaining({ file: COVERAGE, pointer: '/rules/0/conditions/all/0/fact', message: expect.stringMatching(/unknown fact "line.cod"/) })]);
    expect(registry.problems()).toEqual(refused.problems);
    expect(refused.snapshot).toBe(before);
    expect(registry.current()).toBe(before);
    expect(registry.current().version).toBe(before.version);
    expect(await findingIds(registry.current())).toContain('ACME-COV-001');
  });

  it('loads the fixed file as a new version once it is repaired, and forgets the problems', async () => {
    const before = (await registry.reload()).snapshot!;
    edit(dir, COVERAGE, (t) => t.replace('"severity": "ERROR"', '"severity": "FATAL"'));
    expect((await registry.reload()).status).toBe('REFUSED');
    edit(dir, COVERAGE, (t) => retitle(t.replace('"severity": "FATAL"', '"severity": "ERROR"'), 'MRI {{line.code}} needs an authorization'));
    const fixed = await registry.reload();
    expect(fixed.status).toBe('LOADED');
    expect(registry.problems()).toEqual([]);
    expect(registry.current().version).not.toBe(before.version);
    const c = mri();
    const findings = await evaluateClaim(registry.ruleSet('acme')!, c, fixtureReference(c));
    expect(findings.find((f) => f.ruleId === 'ACME-COV-001')!.message).toBe('MRI 72148 needs an authorization');
  });

  it('swaps atomically: a snapshot taken before a reload keeps evaluating with the old rules', async () => {
    const inFlight = (await registry.reload()).snapshot!;
    // Remove ACME-COV-001's condition on the payer list: under the new rules the MRI is flagged only by ACME-MN-001.
    edit(dir, COVERAGE, (t) => t.replace('"line.code", "operator": "in"', '"line.code", "operator": "not:in"'));
    expect((await registry.reload()).status).toBe('LOADED');
    expect(registry.current()).not.toBe(inFlight);
    expect(await findingIds(registry.current())).not.toContain('ACME-COV-001');
    // The request that took the old snapshot finishes on the old rules, with the old version on its findings.
    const c = mri();
    const old = await evaluateClaim(inFlight.ruleSets.get('acme')!, c, fixtureReference(c));
    expect(old.map((f) => f.ruleId)).toContain('ACME-COV-001');
    expect(new Set(old.map((f) => f.ruleSetVersion))).toEqual(new Set([inFlight.ruleSets.get('acme')!.version]));
  });

  it('runs concurrent reloads one at a time, in order: the first loads, the others see no change', async () => {
    await registry.reload();
    edit(dir, COVERAGE, (t) => retitle(t, 'changed'));
    // Were the reloads to overlap, each would compare with the same old snapshot and all would say LOADED.
    const results = await Promise.all([registry.reload('a'), registry.reload('b'), registry.reload('c')]);
    expect(results.map((r) => r.status)).toEqual(['LOADED', 'UNCHANGED', 'UNCHANGED']);
    expect(results.every((r) => r.snapshot === registry.current())).toBe(true);
  });

  it('keeps the rules in force when the whole directory disappears', async () => {
    const before = (await registry.reload()).snapshot!;
    rmSync(dir, { recursive: true, force: true });
    const result = await registry.reload();
    expect(result.status).toBe('REFUSED');
    expect(result.problems).toEqual([expect.objectContaining({ message: 'rules directory not found' })]);
    expect(registry.current()).toBe(before);
    expect(await findingIds(registry.current())).toContain('ACME-COV-001');
  });

  describe('watch()', () => {
    it('picks up a changed file within a few seconds', async () => {
      const before = (await registry.reload()).snapshot!;
      registry.watch(100);
      edit(dir, COVERAGE, (t) => retitle(t, 'watched change'));
      expect(await eventually(() => registry.current().version !== before.version)).toBe(true);
      expect(registry.current().ruleSets.get('acme')!.rules.find((r) => r.id === 'ACME-COV-001')!.message).toBe('watched change');
    });

    it('keeps the old rules when a broken file is saved, and takes the repaired one', async () => {
      const before = (await registry.reload()).snapshot!;
      registry.watch(100);
      edit(dir, COVERAGE, (t) => t.replace('"rules": [', '"rules": [,'));
      expect(await eventually(() => registry.problems().length > 0)).toBe(true);
      expect(registry.problems()[0]).toMatchObject({ file: COVERAGE, message: expect.stringMatching(/^JSON syntax/) });
      expect(registry.current()).toBe(before);
      expect(await findingIds(registry.current())).toContain('ACME-COV-001');
      edit(dir, COVERAGE, (t) => retitle(t.replace('"rules": [,', '"rules": ['), 'repaired'));
      expect(await eventually(() => registry.current().version !== before.version)).toBe(true);
      expect(registry.problems()).toEqual([]);
    });
  });
});
