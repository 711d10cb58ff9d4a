import { Payer } from '../../src/modules/payer/payer.entity';
import { Patient } from '../../src/modules/patient/patient.entity';
import { Builders, systemContext } from '../../src/seed/builders';
import { createTestDb, type TestDb } from '../support/db';
import { dataStatements } from '../support/sql-log';

const updates = (queries: string[]) => dataStatements(queries).filter((q) => /^update /i.test(q));

/**
 * Regression: on SQLite, MikroORM 6.6.16 snapshots a loaded `datetime` column as the stored
 * number but compares it with a Date, so flushing an entity that was only read issued an UPDATE
 * that rewrote its timestamps and bumped its version (a later edit then got a spurious CONFLICT).
 */
describe('loading an entity and flushing changes nothing', () => {
  let db: TestDb;
  beforeAll(async () => {
    db = await createTestDb({ countQueries: true });
  });
  afterAll(() => db.close());

  it('issues no UPDATE and keeps version and timestamps', async () => {
    const b = new Builders(systemContext(db.orm.em.fork()));
    const payer = await b.payer();
    const patient = await b.patient();
    const em = db.orm.em.fork();
    const loadedPayer = await em.findOneOrFail(Payer, payer.id);
    const loadedPatient = await em.findOneOrFail(Patient, patient.id);
    const before = { version: loadedPayer.version, updatedAt: loadedPayer.updatedAt.toISOString(), createdAt: loadedPayer.createdAt.toISOString() };
    db.queries.length = 0;
    await em.flush();

    expect(updates(db.queries)).toEqual([]);

    const again = await db.orm.em.fork().findOneOrFail(Payer, payer.id);
    expect({ version: again.version, updatedAt: again.updatedAt.toISOString(), createdAt: again.createdAt.toISOString() }).toEqual(before);
    expect((await db.orm.em.fork().findOneOrFail(Patient, patient.id)).version).toBe(loadedPatient.version);
  });

  it('a real change still updates once and bumps the version', async () => {
    const b = new Builders(systemContext(db.orm.em.fork()));
    const payer = await b.payer();
    const em = db.orm.em.fork();
    const loaded = await em.findOneOrFail(Payer, payer.id);
    const version = loaded.version;
    loaded.name = 'Renamed Payer';
    db.queries.length = 0;
    await em.flush();
    expect(updates(db.queries)).toHaveLength(1);
    expect((await db.orm.em.fork().findOneOrFail(Payer, payer.id)).version).toBe(version + 1);
  });
});
