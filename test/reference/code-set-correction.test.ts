import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Role } from '../../src/common/enums';
import { Code, CodeSystem } from '../../src/modules/code/code.entity';
import { ReferenceKind } from '../../src/modules/reference/reference.entities';
import { ReferenceService } from '../../src/modules/reference/reference.service';
import { systemContext } from '../../src/seed/builders';
import { createTestDb, type TestDb } from '../support/db';

const SAMPLE = readFileSync(join(__dirname, '../fixtures/reference/icd10cm_order_2026_sample.txt'), 'utf8');

describe('a corrected code-set file for the same start date', () => {
  let db: TestDb;
  beforeAll(async () => {
    db = await createTestDb();
  });
  afterAll(() => db.close());

  // Regression: a code added by the first file and left out of its correction stayed in force.
  it('withdraws codes the correction leaves out, and keeps the rest unchanged', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cf-corr-'));
    const first = join(dir, 'icd10cm_order_2026.txt');
    const corrected = join(dir, 'icd10cm_order_2026_corrected.txt');
    writeFileSync(first, SAMPLE);
    writeFileSync(corrected, SAMPLE.split('\r\n').filter((l) => !l.includes(' J069 ')).join('\r\n'));
    const service = () => new ReferenceService(systemContext(db.orm.em.fork(), { sub: 'carol', role: Role.COMPLIANCE }));

    const a = await service().importFile(ReferenceKind.ICD10CM, first, {});
    expect(a.counts).toEqual({ added: 5, changed: 0, retired: 0 });
    const b = await service().importFile(ReferenceKind.ICD10CM, corrected, {});
    expect(b.counts).toEqual({ added: 0, changed: 0, retired: 1 });

    const codes = await db.orm.em.fork().find(Code, { system: CodeSystem.ICD10CM }, { orderBy: { code: 'asc' } });
    expect(codes.map((c) => c.code)).toEqual(['E11', 'E119', 'I10', 'QA00']);
  });
});
