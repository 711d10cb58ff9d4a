import { latestScrubs } from '../../src/modules/claim/claim.service';
import { ClaimScrub } from '../../src/modules/scrub/scrub.entity';
import { startTestServer, type TestServer } from '../support/server';

/**
 * Regression (found by the load test): `Claim.lastScrub`, `Claim.findings` and `submitClaims`
 * loaded every scrub a claim ever had and kept the newest, so a claim scrubbed again and again
 * made each claims page slower and heavier. Only the newest scrub per claim is loaded now.
 */
describe('the latest scrub of each claim', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(() => t.stop());

  it('is the newest one, and the only scrub loaded', async () => {
    const b = t.builders();
    const visit = await b.codedVisit();
    const claims = [await b.claim(visit), await b.claim(visit)];
    const newest = new Map<string, string>();
    for (const claim of claims) {
      for (let i = 0; i < 4; i++) newest.set(claim.id, (await b.services.scrubs.scrubStoredClaim(claim.id)).scrub.id);
    }
    const em = t.db.orm.em.fork();
    expect(await em.count(ClaimScrub, { claim: { $in: claims.map((c) => c.id) } })).toBeGreaterThanOrEqual(8);

    const latest = await latestScrubs(em, claims.map((c) => c.id));
    expect(new Map([...latest].map(([claimId, scrub]) => [claimId, scrub.id]))).toEqual(newest);
    // Nothing older came into the identity map on the way.
    expect(em.getUnitOfWork().getIdentityMap().values().filter((e) => e instanceof ClaimScrub)).toHaveLength(2);
  });

  it('is absent for a claim never scrubbed, and an empty list asks nothing', async () => {
    const b = t.builders();
    const claim = await b.claim(await b.codedVisit());
    const em = t.db.orm.em.fork();
    expect((await latestScrubs(em, [claim.id])).size).toBe(0);
    expect((await latestScrubs(em, [])).size).toBe(0);
  });
});
