import { resolve } from 'node:path';
import { print } from 'graphql';
import { signToken } from '../../src/auth/jwt';
import { Role } from '../../src/common/enums';
import { projectRoot } from '../../src/config';
import { Claim } from '../../src/modules/claim/claim.entity';
import { DenialHistory } from '../../src/modules/denial/denial-history.entity';
import { RuleRegistry } from '../../src/rules-engine';
import { Builders, loadCodes, systemContext } from '../../src/seed/builders';
import { remittedClaim } from '../denial/support';
import { ReworkDenialDocument } from '../generated/graphql';
import { createTestDb, type TestDb } from '../support/db';
import { startServerProcess, type ServerProcess } from './support';

/**
 * Two billers reworking the same denial at once, each through a different app instance (two server
 * processes on one database, as behind a load balancer): one replacement claim, the other biller
 * gets CONFLICT. test/denial/rework.test.ts races two requests inside one server process; there
 * the process's own connection pool can order the two transactions, here only the database can
 * (PostgreSQL: SELECT … FOR UPDATE; SQLite: one writer at a time across processes).
 */
const OFFICE_VISIT = { procedureCode: '99213', modifiers: [], units: 1, chargeCents: 12_500, diagnosisPointers: [1, 2] };

describe('two billers reworking one denial through two app instances at once', () => {
  let db: TestDb;
  let rules: RuleRegistry;
  let servers: ServerProcess[] = [];

  beforeAll(async () => {
    db = await createTestDb();
    await loadCodes(db.orm.em.fork());
    rules = new RuleRegistry(resolve(projectRoot(), 'rules'));
    if ((await rules.reload('test')).status === 'REFUSED') throw new Error('rules do not load');
    servers = await Promise.all([startServerProcess(db), startServerProcess(db)]);
  });

  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()));
    rules?.close();
    await db?.close();
  });

  function rework(url: string, sub: string, denialId: string, diagnoses: string[]) {
    const token = signToken(process.env.CLAIMFLOW_JWT_SECRET!, { sub, role: Role.BILLER }, 600);
    return fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: print(ReworkDenialDocument), variables: { input: { id: denialId, version: 1, corrections: { diagnoses } } } }),
    }).then(async (res) => ({ status: res.status, body: (await res.json()) as { data?: { reworkDenial: { outcome: string } } | null; errors?: { extensions?: Record<string, unknown> }[] } }));
  }

  it('one wins, the other gets CONFLICT, and exactly one replacement claim exists (5 rounds)', async () => {
    for (let round = 0; round < 5; round++) {
      const b = new Builders(systemContext(db.orm.em.fork(), undefined, rules));
      const { claim } = await remittedClaim(b, { diagnoses: ['E119', 'I10'], lines: [OFFICE_VISIT] });
      const denial = await b.denial(claim, { carc: '16', rarcs: ['M76'] });
      const results = await Promise.all([rework(servers[0]!.url, 'alice', denial.id, ['E1165', 'I10']), rework(servers[1]!.url, 'bob', denial.id, ['E119', 'E785'])]);
      expect(results.map((r) => r.status)).toEqual([200, 200]);
      const won = results.filter((r) => !r.body.errors);
      const lost = results.filter((r) => r.body.errors);
      expect(won.map((r) => r.body.data!.reworkDenial.outcome)).toEqual(['DONE']);
      expect(lost.map((r) => r.body.errors![0]!.extensions)).toEqual([expect.objectContaining({ code: 'CONFLICT', entity: 'Denial', expectedVersion: 1, actualVersion: 2 })]);
      const em = db.orm.em.fork();
      expect(await em.count(Claim, { originalClaim: claim.id })).toBe(1);
      expect(await em.count(DenialHistory, { denial: denial.id })).toBe(1);
    }
  });
});
