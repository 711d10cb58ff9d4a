import { Writable } from 'node:stream';
import { Role } from '../../src/common/enums';
import { createLogger } from '../../src/server/logger';
import { CreatePatientDocument, PatientByIdDocument } from '../generated/graphql';
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
});
