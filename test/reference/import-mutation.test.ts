import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Role } from '../../src/common/enums';
import { CodeLookupDocument, ImportReferenceFileDocument, ReferenceReleasesDocument } from '../generated/graphql';
import { rawGqlUpload } from '../support/raw-gql';
import { startTestServer, type TestServer } from '../support/server';

const FIXTURE = join(__dirname, '../fixtures/reference/icd10cm_order_2026_sample.txt');

describe('importReferenceFile over HTTP (GraphQL multipart request)', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ seedCodes: false });
  });
  afterAll(() => t.stop());

  const upload = (name: string, content: string | Uint8Array, role = Role.COMPLIANCE, extra: Record<string, unknown> = {}) =>
    rawGqlUpload(t, ImportReferenceFileDocument, { input: { kind: 'ICD10CM', file: null, ...extra } }, { path: 'input.file', name, content }, { token: t.token(role, 'carol') });

  it('imports a file as a release, records it, and a second upload of the same bytes changes nothing', async () => {
    const content = readFileSync(FIXTURE);
    const first = await upload('icd10cm_order_2026.txt', content);
    expect(first.body.errors).toBeUndefined();
    expect(first.body.data!.importReferenceFile).toMatchObject({
      status: 'IMPORTED',
      rowsRead: 5,
      added: 5,
      changed: 0,
      retired: 0,
      problems: [],
      release: { kind: 'ICD10CM', fileName: 'icd10cm_order_2026.txt', effectiveFrom: '2025-10-01', effectiveTo: '2026-09-30' },
    });
    const code = await t.gql(CodeLookupDocument, { system: 'ICD10CM', code: 'QA00', effectiveOn: '2026-01-15' });
    expect(code.data!.code).toMatchObject({ billable: false, effectiveFrom: '2025-10-01', effectiveTo: null });

    const before = await t.rowCounts();
    const again = await upload('renamed-but-same-bytes-2026.txt', content);
    expect(again.body.data!.importReferenceFile).toMatchObject({ status: 'ALREADY_IMPORTED', added: 0, changed: 0, retired: 0 });
    expect(await t.rowCounts()).toEqual(before);

    const releases = await t.gql(ReferenceReleasesDocument, { kind: 'ICD10CM' }, { role: Role.VIEWER });
    expect(releases.data!.referenceReleases).toHaveLength(1);
    expect(releases.data!.referenceReleases[0]).toMatchObject({ importedBy: 'carol', rowsRead: 5, added: 5, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
  });

  it('refuses a file with a bad line as data (file line and field, never the content) and changes nothing', async () => {
    const before = await t.rowCounts();
    const bad = readFileSync(FIXTURE, 'utf8').replace('00004 J069    1', '00004 J069    7');
    const res = await upload('icd10cm_order_2027.txt', bad);
    expect(res.body.errors).toBeUndefined();
    const payload = res.body.data!.importReferenceFile as { status: string; problems: unknown[]; release: unknown };
    expect(payload.status).toBe('REFUSED');
    expect(payload.release).toBeNull();
    expect(payload.problems).toEqual([{ line: 4, field: 'valid-for-billing flag (15)', message: 'must be 0 or 1' }]);
    expect(res.text).not.toContain('Acute upper respiratory');
    expect(await t.rowCounts()).toEqual(before);
  });

  it('refuses a file whose fiscal year it cannot tell, unless given', async () => {
    const res = await upload('codes.txt', readFileSync(FIXTURE));
    expect(res.body.data!.importReferenceFile).toMatchObject({ status: 'REFUSED', message: expect.stringMatching(/--fiscal-year|fiscal year/) });
  });

  it('is FORBIDDEN to billers, and multipart requests without the preflight header are blocked (CSRF)', async () => {
    const biller = await upload('icd10cm_order_2026.txt', readFileSync(FIXTURE), Role.BILLER);
    expect(biller.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const csrf = await rawGqlUpload(
      t,
      ImportReferenceFileDocument,
      { input: { kind: 'ICD10CM', file: null } },
      { path: 'input.file', name: 'icd10cm_order_2026.txt', content: 'x' },
      { token: t.token(Role.ADMIN), preflight: false },
    );
    expect(csrf.status).toBe(400);
  });
});
