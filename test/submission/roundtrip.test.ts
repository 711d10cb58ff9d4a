import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Claim } from '../../src/modules/claim/claim.entity';
import { envelopeFor, SubmissionService } from '../../src/modules/submission/export.service';
import { submissionSettings } from '../../src/modules/submission/envelope';
import { ClaimImportService, ImportedClaimStatus, mapClaim } from '../../src/modules/submission/import.service';
import { systemContext } from '../../src/seed/builders';
import { read837p } from '../../src/x12/837p/reader';
import { write837p } from '../../src/x12/837p/writer';
import { readInterchanges } from '../../src/x12/reader';
import { createTestDb } from '../support/db';
import { claimContent, P5010_DIR, p5010Files } from '../x12/content';

const REFUSED = new Set(['imsweb__x12_valid.x12.997', 'oopfactory__UnicodeExample.utf16.x12']);

/**
 * Files whose claims share a CLM01 cannot all be imported into one database (a re-import is
 * ALREADY_IMPORTED, another billing provider's claim with that number is refused), so the files
 * go into as few databases as keep their claim numbers apart.
 */
function groups(): string[][] {
  const out: { files: string[]; pcns: Set<string> }[] = [];
  for (const name of p5010Files().filter((f) => !REFUSED.has(f))) {
    // Only claims claimflow can hold take part (the others are the import test's subject).
    const pcns = new Set(read837p(readFileSync(join(P5010_DIR, name))).claims.filter((c) => mapClaim(c).mapped).map((c) => c.patientControlNumber));
    if (pcns.size === 0) continue;
    let g = out.find((x) => ![...pcns].some((p) => x.pcns.has(p)));
    if (!g) out.push((g = { files: [], pcns: new Set() }));
    g.files.push(name);
    for (const p of pcns) g.pcns.add(p);
  }
  return out.map((g) => g.files);
}

describe('837P round trip: import each real file, export its claims, read both back', () => {
  let total = 0;
  it.each(groups().map((files, i) => [i + 1, files] as const))('database %i: the exported claims have the content of the imported ones', async (_n, files) => {
    const db = await createTestDb();
    let compared = 0;
    try {
      for (const name of files) {
        const bytes = readFileSync(join(P5010_DIR, name));
        const result = await new ClaimImportService(systemContext(db.orm.em.fork())).importX12(bytes);
        expect(result.status).toBe('IMPORTED');
        const imported = result.claims.filter((c) => c.status === ImportedClaimStatus.IMPORTED);
        if (imported.length === 0) continue;

        // Export from a fresh unit of work: what the database holds, not what the import built.
        const em = db.orm.em.fork();
        const ids = imported.map((c) => c.claim!.id);
        expect(await em.count(Claim, { id: { $in: ids } })).toBe(ids.length);
        const exported = await new SubmissionService(systemContext(em)).exportClaims(ids);
        const text = write837p(exported, envelopeFor(submissionSettings({}), { interchange: 1, firstTransaction: 1 }, new Date())).text;
        expect(readInterchanges(text).flatMap((i) => i.warnings)).toEqual([]);

        const originals = new Map(read837p(bytes).claims.map((c) => [c.at.position, c]));
        const back = new Map(read837p(text).claims.map((c) => [c.patientControlNumber, c]));
        for (const outcome of imported) {
          const original = claimContent(originals.get(outcome.position)!);
          expect({ file: name, ...claimContent(back.get(outcome.patientControlNumber)!) }).toEqual({ file: name, ...original });
          compared++;
        }
      }
    } finally {
      await db.close();
    }
    expect(compared).toBeGreaterThan(0);
    total += compared;
  });

  it('covered every claim of the folder that claimflow can hold', () => {
    const expected = p5010Files()
      .filter((f) => !REFUSED.has(f))
      .reduce((n, f) => n + read837p(readFileSync(join(P5010_DIR, f))).claims.filter((c) => mapClaim(c).mapped).length, 0);
    expect(total).toBe(expected);
    expect(total).toBeGreaterThanOrEqual(19);
  });
});
