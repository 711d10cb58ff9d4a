import { Writable } from 'node:stream';
import { Role } from '../../src/common/enums';
import { createLogger } from '../../src/server/logger';
import { CreatePatientDocument, PatientByIdDocument } from '../generated/graphql';
import { rawGql } from '../support/raw-gql';
import { startTestServer, type TestServer } from '../support/server';

/** Collects pino's JSON lines in memory. */
function memoryLog() {
  const lines: Record<string, unknown>[] = [];
  const raw: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) {
        raw.push(line);
        lines.push(JSON.parse(line) as Record<string, unknown>);
      }
      done();
    },
  });
  return { lines, raw, logger: createLogger('info', stream) };
}

describe('structured logging', () => {
  const log = memoryLog();
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ logger: log.logger });
  });
  afterAll(() => t.stop());

  it('puts a request id on every request line and never logs PHI', async () => {
    const phi = { firstName: 'Zebulon', lastName: 'Quixotesque', birthDate: '1961-07-04', addressLine1: '77 Sunflower Ln', postalCode: '90210' };
    const created = await t.gql(
      CreatePatientDocument,
      { input: { ...phi, sex: 'M', city: 'Beverly Hills', state: 'CA' } },
      { role: Role.BILLER, headers: { 'x-request-id': 'req-test-0001' } },
    );
    expect(created.errors).toBeUndefined();
    const id = created.data!.createPatient.patient.id;
    // A failing request (bad birth date) and an unauthenticated one go through the log too.
    await t.gql(CreatePatientDocument, { input: { ...phi, birthDate: '2999-01-01', sex: 'M', city: 'X', state: 'CA' } }, { role: Role.BILLER });
    await t.gql(PatientByIdDocument, { id }, { token: null });
    await t.gql(PatientByIdDocument, { id }, { role: Role.VIEWER });

    await new Promise((r) => setTimeout(r, 50));
    const requestLines = log.lines.filter((l) => l.msg === 'request');
    expect(requestLines.length).toBeGreaterThanOrEqual(4);
    for (const line of requestLines) expect(typeof line.requestId).toBe('string');
    expect(log.lines.find((l) => l.msg === 'patient created')).toMatchObject({ requestId: 'req-test-0001', patientId: id, sub: 'test-biller' });
    const everything = log.raw.join('\n');
    for (const value of Object.values(phi)) expect(everything).not.toContain(value);
  });

  it('masks a real driver error (unique violation carrying the SQL and its values) in the response and logs it without the values', async () => {
    // The service checks nothing that would collide, so the database itself refuses the second
    // insert: MikroORM's UniqueConstraintViolationException carries the INSERT with its bound
    // parameters (and PostgreSQL's "Key (last_name)=(…)" detail) — PHI that must reach neither
    // the client nor the log (HIPAA 45 CFR 164.312(b): audit logs record events, not PHI).
    await t.db.orm.em.getConnection().execute('create unique index fuzz_patient_last_name_unique on patient (last_name)');
    try {
      const phi = { firstName: 'Ottoline', lastName: 'Vandersnoot', birthDate: '1948-11-23', addressLine1: '4 Wisteria Walk', postalCode: '73301' };
      const input = { ...phi, sex: 'F' as const, city: 'Austin', state: 'TX' };
      const first = await t.gql(CreatePatientDocument, { input }, { role: Role.BILLER });
      expect(first.errors).toBeUndefined();
      const before = await t.rowCounts();
      const from = log.raw.length;
      const res = await rawGql(t, CreatePatientDocument, { input: { ...input, firstName: 'Ottavia' } }, { token: t.token(Role.BILLER), requestId: 'req-driver-0001' });

      expect(res.body.errors).toEqual([
        { message: 'Internal server error', locations: expect.any(Array), path: ['createPatient'], extensions: { code: 'INTERNAL_SERVER_ERROR', requestId: 'req-driver-0001' } },
      ]);
      expect(await t.rowCounts()).toEqual(before);
      await new Promise((r) => setTimeout(r, 50));
      const logged = log.lines.slice(from).find((l) => l.msg === 'unexpected error');
      // The log keeps what an operator needs to find the failure: request id, class, driver code.
      expect(logged).toMatchObject({ requestId: 'req-driver-0001', errorName: 'UniqueConstraintViolationException', driverCode: expect.any(String), level: 50 });
      const written = log.raw.slice(from).join('\n');
      for (const value of [...Object.values(phi), 'Ottavia']) {
        expect(res.text).not.toContain(value);
        expect(written).not.toContain(value);
      }
      expect(written).not.toMatch(/insert into|values \(|Key \(/i);
    } finally {
      await t.db.orm.em.getConnection().execute('drop index fuzz_patient_last_name_unique');
    }
  });
});
