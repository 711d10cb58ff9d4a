import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Role } from '../../src/common/enums';
import { decodeX12 } from '../../src/x12/837p/decode';
import { tokenize } from '../../src/x12/reader';
import { ImportClaimsDocument, type ImportClaimsMutation } from '../generated/graphql';
import { rawGql, rawGqlUpload } from '../support/raw-gql';
import { startTestServer, type TestServer } from '../support/server';
import { I5010_DIR, P5010_DIR, p5010Files } from '../x12/content';
import { synthetic837 } from './support';

type Payload = ImportClaimsMutation['importClaims'];

const fileText = (name: string) => decodeX12(readFileSync(join(P5010_DIR, name)));
const clmCount = (t: string) => tokenize(t).reduce((n, c) => n + c.segments.filter((s) => s.id === 'CLM').length, 0);

/**
 * 837P import over HTTP (importClaims) on the real 5010 files, on SQLite and PostgreSQL: every
 * file is read or refused for a stated reason, every claim gets an outcome, nothing is imported
 * twice, a malformed file writes nothing.
 */
describe('importClaims', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(async () => {
    await t.stop();
  });

  async function importText(x12: string, ruleSetKey?: string, role = Role.BILLER): Promise<Payload> {
    const res = await t.gql(ImportClaimsDocument, { x12, ruleSetKey }, { role });
    expect(res.errors).toBeUndefined();
    return res.data!.importClaims;
  }

  async function importBytes(bytes: Uint8Array, name: string): Promise<Payload> {
    const query = `mutation ($file: Upload) { importClaims(file: $file) { status problem { position segmentId reason } claimsRead imported alreadyImported notImported claims { status patientControlNumber } } }`;
    const res = await rawGqlUpload(t, query, { file: null }, { path: 'file', name, content: bytes }, { token: t.token(Role.BILLER) });
    expect(res.body.errors).toBeUndefined();
    return (res.body.data as { importClaims: Payload }).importClaims;
  }

  it('reads every real 5010 837P file: each claim is IMPORTED, ALREADY_IMPORTED or NOT_IMPORTED with its reasons; the 997 and the truncated UTF-16 sample are refused', async () => {
    const outcomes = new Map<string, Payload>();
    for (const name of p5010Files()) {
      if (name.endsWith('.utf16.x12')) {
        outcomes.set(name, (await importBytes(readFileSync(join(P5010_DIR, name)), name)) as Payload);
        continue;
      }
      outcomes.set(name, await importText(fileText(name)));
    }

    const refused = [...outcomes].filter(([, p]) => p.status === 'REFUSED').map(([n, p]) => [n, p.problem!.position, p.problem!.segmentId]);
    expect(refused).toEqual([
      ['imsweb__x12_valid.x12.997', 2, 'GS'],
      ['oopfactory__UnicodeExample.utf16.x12', 3, 'ST'],
    ]);
    expect(outcomes.get('imsweb__x12_valid.x12.997')!.problem!.reason).toMatch(/not an 837/);
    expect(outcomes.get('oopfactory__UnicodeExample.utf16.x12')!.problem!.reason).toMatch(/not closed by SE/);

    for (const [name, p] of outcomes) {
      if (p.status === 'REFUSED') continue;
      expect({ name, read: p.claimsRead, outcomes: p.claims.length }).toEqual({ name, read: clmCount(fileText(name)), outcomes: clmCount(fileText(name)) });
      expect(p.imported + p.alreadyImported + p.notImported).toBe(p.claimsRead);
      for (const c of p.claims) {
        if (c.status === 'NOT_IMPORTED') {
          expect(c.claim).toBeNull();
          expect(c.problems.length).toBeGreaterThan(0);
          for (const pr of c.problems) expect(pr.position).toEqual(expect.any(Number));
        } else {
          expect(c.claim!.patientControlNumber).toBe(c.patientControlNumber);
        }
      }
    }

    const status = (name: string) => outcomes.get(name)!.claims.map((c) => c.status);
    // Every linuxforhealth sample (the 005010X222A2 examples) imports; files that repeat one of
    // their claims (same CLM01 and billing NPI) find it ALREADY_IMPORTED.
    expect(status('linuxforhealth__demo.drug.example10.1.x12')).toEqual(['IMPORTED']);
    expect(status('linuxforhealth__demo.drug.example10.2.x12')).toEqual(['ALREADY_IMPORTED']);
    expect(outcomes.get('linuxforhealth__demo.drug.example10.2.x12')!.claims[0]!.notes.join(' ')).toMatch(/different CLM02.*replacement/);
    for (const name of ['autoaccident', 'cob.example3.A', 'cob.example4', 'example1', 'example11', 'example12', 'example2', 'example6', 'example8', 'example9']) {
      expect({ name, s: status(`linuxforhealth__demo.${name}.x12`) }).toEqual({ name, s: ['IMPORTED'] });
    }
    expect(status('oopfactory__ST1309-XX.x12')).toEqual(['IMPORTED']);
    // Same CLM01 as linuxforhealth example1 but another billing NPI: CLM01 is unique here.
    const clash = outcomes.get('oopfactory__Example1_HealthInsurance.x12')!.claims[0]!;
    expect(clash.status).toBe('NOT_IMPORTED');
    expect(clash.problems.map((p) => p.reason)).toEqual([expect.stringMatching(/already used by a claim of another billing provider/)]);
    // The imsweb samples have no DMG for the patient (required by the guide): not imported, said why.
    for (const name of p5010Files().filter((f) => f.startsWith('imsweb__') && f.endsWith('.x12'))) {
      for (const c of outcomes.get(name)!.claims) {
        expect(c.status).toBe('NOT_IMPORTED');
        expect(c.problems.map((p) => p.reason).join(' ')).toMatch(/birth date\) is missing/);
      }
    }
    // The de-identified sample masks codes (SV101-1 "XX", frequency "9", units 99.99).
    const masked = outcomes.get('oopfactory__MissingEntityCode.x12')!.claims;
    expect(masked.every((c) => c.status === 'NOT_IMPORTED')).toBe(true);
    expect(masked[0]!.problems.map((p) => p.reason)).toEqual(
      expect.arrayContaining([expect.stringMatching(/CLM05-3/), expect.stringMatching(/SV101-1 is not HC/), expect.stringMatching(/SV104 \(units\) is not a whole number/)]),
    );

    // Imported content, as the API shows it.
    const ex9 = outcomes.get('linuxforhealth__demo.example9.x12')!.claims[0]!;
    expect(ex9.claim).toMatchObject({ totalChargeCents: 82_700, billingProvider: { npi: '2366554859' }, diagnoses: [{ position: 1, code: '36616' }] });
    expect(ex9.claim!.lines).toEqual([expect.objectContaining({ procedureCode: '00142', modifiers: ['QK', 'QS', 'P1'], units: 61, chargeCents: 82_700, diagnosisPointers: [1], serviceDate: '2005-01-12', lineControlNumber: '153829140-1' })]);
    expect(ex9.notes.join(' ')).toMatch(/MJ \(minutes\)/);
    const st1309 = outcomes.get('oopfactory__ST1309-XX.x12')!.claims[0]!;
    expect(st1309.claim!.lines.map((l) => l.lineControlNumber)).toEqual(['17053', '17054']);
    // No payer rule set given: the claims stay DRAFT and say why.
    expect(ex9.claim!.status).toBe('DRAFT');
    expect(ex9.notes.join(' ')).toMatch(/no rule set/);

    // Totals across the folder: no claim stored twice.
    const imported = [...outcomes.values()].reduce((n, p) => n + p.imported, 0);
    const counts = await t.rowCounts();
    expect(imported).toBe(12);
    expect(counts.Claim).toBe(imported);
  });

  it('a second import of a file adds nothing: every claim is ALREADY_IMPORTED and no row changes', async () => {
    const text = fileText('linuxforhealth__demo.cob.example3.A.x12');
    await importText(text);
    const before = await t.rowCounts();
    const again = await importText(text);
    expect(again.claims.map((c) => c.status)).toEqual(['ALREADY_IMPORTED']);
    expect(again.created).toEqual({ patients: 0, providers: 0, payers: 0, coverages: 0 });
    expect(await t.rowCounts()).toEqual(before);
  });

  it('scrubs what it imports: READY when clean under the rule set given for new payers, DRAFT with the scrub otherwise', async () => {
    const clean = synthetic837({ payerId: 'SYNCLEAN1' });
    const ok = await importText(clean.text, 'demo-commercial');
    expect(ok.claims).toEqual([expect.objectContaining({ status: 'IMPORTED', claim: expect.objectContaining({ status: 'READY' }), scrub: expect.objectContaining({ clean: true }) })]);
    expect(ok.ready).toBe(1);

    // 72148 needs prior authorization on the demo commercial plan: an ERROR finding keeps it DRAFT.
    const needsAuth = synthetic837({ payerId: 'SYNAUTH1', procedureCode: '72148', diagnoses: ['M5416'] });
    const draft = await importText(needsAuth.text, 'demo-commercial');
    expect(draft.claims[0]).toMatchObject({ status: 'IMPORTED', claim: { status: 'DRAFT' }, scrub: { clean: false } });
    expect(draft.claims[0]!.notes.join(' ')).toMatch(/ERROR finding/);

    const noRules = await importText(synthetic837({ payerId: 'SYNNORULE1' }).text);
    expect(noRules.claims[0]).toMatchObject({ status: 'IMPORTED', claim: { status: 'DRAFT' }, scrub: null });
    expect(noRules.claims[0]!.notes.join(' ')).toMatch(/no rule set \(ruleSetKey\)/);
  });

  describe('a malformed file is refused with the position and the reason, and writes nothing', () => {
    // Two claims: the first is fine, so a partial import would show in the row counts.
    const base = () => {
      const a = synthetic837({ payerId: 'SYNBAD1' }).text;
      const b = synthetic837({ payerId: 'SYNBAD2' }).text;
      return a + b;
    };
    const position = (t: string, prefix: string, nth = 1) => {
      const segs = t.split('~');
      let seen = 0;
      return segs.findIndex((s) => s.startsWith(prefix) && ++seen === nth) + 1;
    };

    /** Replaces the segment that starts at the last occurrence of `prefix`. */
    const lastSegment = (x: string, prefix: string, change: (seg: string) => string) => {
      const i = x.lastIndexOf(`~${prefix}`) + 1;
      const j = x.indexOf('~', i);
      return x.slice(0, i) + change(x.slice(i, j + 1)) + x.slice(j + 1);
    };
    it.each([
      ['truncated', (x: string) => x.slice(0, x.lastIndexOf('LX*1')), /not closed/, null],
      ['SE missing', (x: string) => lastSegment(x, 'SE*', () => ''), /no SE before/, 'GE'],
      ['bad segment id', (x: string) => lastSegment(x, 'CLM*', (seg) => `${seg}C#M*1~`), /not a segment/, null],
      ['CLM with a non-numeric amount', (x: string) => lastSegment(x, 'CLM*', (seg) => seg.replace('*125*', '*12X5*')), /CLM02 is not a decimal amount/, 'CLM'],
    ])('%s', async (_name, spoil, reason, segmentId) => {
      const good = base();
      const bad = (spoil as (x: string) => string)(good);
      expect(bad).not.toBe(good);
      const before = await t.rowCounts();
      const out = await importText(bad, 'demo-commercial');
      expect(out.status).toBe('REFUSED');
      expect(out.problem!.reason).toMatch(reason as RegExp);
      expect(out.problem!.position).toEqual(expect.any(Number));
      if (segmentId) expect(out.problem!.segmentId).toBe(segmentId);
      if (segmentId === 'CLM') expect(out.problem!.position).toBe(position(bad, 'CLM*', 2));
      expect(out.claims).toEqual([]);
      expect(await t.rowCounts()).toEqual(before);
    });

    it('an 837I is refused as not professional', async () => {
      const before = await t.rowCounts();
      const out = await importText(decodeX12(readFileSync(join(I5010_DIR, 'linuxforhealth__institutional-claim.x12'))));
      expect(out.status).toBe('REFUSED');
      expect(out.problem!.reason).toMatch(/institutional/);
      expect(await t.rowCounts()).toEqual(before);
    });
  });

  it('large files go as a multipart upload (JSON bodies stop at 1mb)', async () => {
    const big = fileText('imsweb__x12_multiple_transactions.x12');
    const tripled = big + big + big;
    expect(Buffer.byteLength(tripled)).toBeGreaterThan(1024 * 1024);
    const json = await rawGql(t, ImportClaimsDocument, { x12: tripled }, { token: t.token(Role.BILLER) });
    expect(json.status).toBe(413);
    const up = await importBytes(Buffer.from(tripled), 'big.x12');
    expect(up.status).toBe('IMPORTED');
    expect(up.claimsRead).toBe(3 * 624);
    expect(up.claims).toHaveLength(3 * 624);
  });

  it('input checks: x12 or file (one of them), a rule set that is loaded, a billing role', async () => {
    const neither = await t.gql(ImportClaimsDocument, {}, { role: Role.BILLER });
    expect(neither.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const unknownRules = await t.gql(ImportClaimsDocument, { x12: synthetic837({ payerId: 'SYNRULES' }).text, ruleSetKey: 'no-such-plan' }, { role: Role.BILLER });
    expect(unknownRules.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', issues: [{ path: 'ruleSetKey', reason: 'NOT_LOADED' }] });
    for (const role of [Role.VIEWER, Role.CODER, Role.COMPLIANCE]) {
      const res = await t.gql(ImportClaimsDocument, { x12: 'ISA' }, { role });
      expect(res.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    }
  });
});
