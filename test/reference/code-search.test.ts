import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Role } from '../../src/common/enums';
import { parsePageArgs } from '../../src/common/pagination';
import { CodeSystem } from '../../src/modules/code/code.entity';
import { CodeService } from '../../src/modules/code/code.service';
import { ReferenceKind } from '../../src/modules/reference/reference.entities';
import { ReferenceService } from '../../src/modules/reference/reference.service';
import { systemContext } from '../../src/seed/builders';
import { createTestDb, type TestDb } from '../support/db';

const SAMPLE = readFileSync(join(__dirname, '../fixtures/reference/icd10cm_order_2026_sample.txt'), 'utf8');

describe('code search follows the code table through imports (full-text index)', () => {
  let db: TestDb;
  const dir = mkdtempSync(join(tmpdir(), 'cf-search-'));
  beforeAll(async () => {
    db = await createTestDb();
  });
  afterAll(() => db.close());

  const ctx = () => systemContext(db.orm.em.fork(), { sub: 'carol', role: Role.COMPLIANCE });
  const search = async (text: string) => {
    const page = await new CodeService(ctx()).list({ system: CodeSystem.ICD10CM, search: text }, parsePageArgs({ first: 20 }));
    return page.edges.map((e) => e.node.code).sort();
  };

  it('finds imported codes by the start of each word, in any order, and by code prefix', async () => {
    writeFileSync(join(dir, 'icd10cm_order_2025.txt'), SAMPLE);
    await new ReferenceService(ctx()).importFile(ReferenceKind.ICD10CM, join(dir, 'icd10cm_order_2025.txt'), {});
    expect(await search('diab')).toEqual(['E11', 'E119']);
    expect(await search('complications diab')).toEqual(['E119']);
    expect(await search('Hypertension')).toEqual(['I10']);
    expect(await search('ypertension')).toEqual([]);
    expect(await search('E11')).toEqual(['E11', 'E119']);
    expect(await search('neurodevelopmental genes')).toEqual(['QA00']);
    // Punctuation a user types is not query syntax.
    expect(await search('"diab*" -: ^')).toEqual(['E11', 'E119']);
  });

  it('sees reworded and new codes after the next release', async () => {
    const next = SAMPLE.replace('Essential (primary) hypertension                             Essential (primary) hypertension', 'Essential hypertension, primary                              Essential hypertension, primary (reworded)').concat(
      '00006 R05     1 Cough                                                        Cough\r\n',
    );
    writeFileSync(join(dir, 'icd10cm_order_2026.txt'), next);
    const r = await new ReferenceService(ctx()).importFile(ReferenceKind.ICD10CM, join(dir, 'icd10cm_order_2026.txt'), {});
    expect(r.counts).toEqual({ added: 1, changed: 1, retired: 0 });
    expect(await search('reworded')).toEqual(['I10']);
    expect(await search('cough')).toEqual(['R05']);
  });
});
