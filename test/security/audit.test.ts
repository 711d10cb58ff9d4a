/**
 * The audit trail (src/modules/audit; HIPAA 45 CFR 164.312(b)): every write and every PHI read is
 * recorded with who, which role, which request and operation, which entity ids — never values —
 * in the same transaction as the write; ADMIN reads it; nothing can change or delete it.
 */
import { OptimisticLockError } from '@mikro-orm/core';
import { Role } from '../../src/common/enums';
import { AuditAction, AuditEvent } from '../../src/modules/audit/audit.entity';
import { AuditScope, forkWithAudit } from '../../src/modules/audit/audit.scope';
import { ClaimStatus } from '../../src/modules/claim/claim-status';
import { Coverage } from '../../src/modules/coverage/coverage.entity';
import { Patient } from '../../src/modules/patient/patient.entity';
import { buildAppSchema } from '../../src/server/schema';
import { AuditEventsDocument, CreatePatientDocument, ImportRemittanceDocument, PatientsDocument, UpdatePatientDocument } from '../generated/graphql';
import { write835 } from '../remittance/x12-835';
import { rawGql } from '../support/raw-gql';
import { startTestServer, type TestServer } from '../support/server';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ countQueries: true });
});
afterAll(() => t?.stop());

const PATIENT = { firstName: 'Audra', middleName: 'Zelda', lastName: 'Trailblazer', birthDate: '1944-12-24', sex: 'F', addressLine1: '77 Ledger Rd', addressLine2: 'Unit 3', city: 'Logton', state: 'IL', postalCode: '62799' };
const PHI_VALUES = ['Audra', 'Zelda', 'Trailblazer', '1944-12-24', '77 Ledger Rd', 'Unit 3', 'Logton', '62799'];

async function events(where: Partial<Pick<AuditEvent, 'requestId' | 'actor' | 'entity' | 'action'>> = {}): Promise<AuditEvent[]> {
  return t.db.orm.em.fork().find(AuditEvent, where, { orderBy: { id: 'asc' } });
}
const count = () => t.db.orm.em.fork().count(AuditEvent, {});

describe('writes', () => {
  let patientId: string;

  it('a create is recorded with actor, role, request id, operation and the new id', async () => {
    const res = await rawGql(t, CreatePatientDocument, { input: PATIENT }, { token: t.token(Role.BILLER, 'alice'), requestId: 'audit-create-0001' });
    expect(res.body.errors).toBeUndefined();
    patientId = (res.body.data as { createPatient: { patient: { id: string } } }).createPatient.patient.id;
    const rows = await events({ requestId: 'audit-create-0001', action: AuditAction.CREATE });
    expect(rows.map((e) => ({ actor: e.actor, role: e.role, operation: e.operation, entity: e.entity, ids: e.entityIds }))).toEqual([
      { actor: 'alice', role: 'BILLER', operation: 'CreatePatient', entity: 'Patient', ids: [patientId] },
    ]);
  });

  it('an update is recorded with the names of the changed fields, not their values', async () => {
    const res = await rawGql(t, UpdatePatientDocument, { input: { id: patientId, version: 1, city: 'Newtown', addressLine1: '1 New St' } }, { token: t.token(Role.BILLER, 'alice'), requestId: 'audit-update-0001' });
    expect(res.body.errors).toBeUndefined();
    const [row, ...more] = await events({ requestId: 'audit-update-0001', action: AuditAction.UPDATE });
    expect(more).toEqual([]);
    expect(row).toMatchObject({ actor: 'alice', entity: 'Patient', entityIds: [patientId], changedFields: ['addressLine1', 'city'] });
  });

  it('a refused mutation (FORBIDDEN) and a stale update (CONFLICT) leave no audit row', async () => {
    const before = await count();
    const forbidden = await rawGql(t, CreatePatientDocument, { input: PATIENT }, { token: t.token(Role.VIEWER), requestId: 'audit-refused-001' });
    expect(forbidden.body.errors![0]!.extensions!.code).toBe('FORBIDDEN');
    const stale = await rawGql(t, UpdatePatientDocument, { input: { id: patientId, version: 1, city: 'Oldtown' } }, { token: t.token(Role.BILLER), requestId: 'audit-stale-0001' });
    expect(stale.body.errors![0]!.extensions!.code).toBe('CONFLICT');
    expect(await count()).toBe(before);
  });

  it('is in the same transaction: a flush that fails in the database leaves neither the rows nor their audit', async () => {
    const scope = new AuditScope('test:tx', Role.ADMIN, 'audit-tx-000001');
    const em = forkWithAudit(t.db.orm.em, scope);
    const patient = em.create(Patient, { ...PATIENT, sex: PATIENT.sex as never, lastName: 'Rollback' });
    // A coverage of a payer that does not exist: the foreign key fails the INSERT, after the patient's.
    em.create(Coverage, { patient, payer: '01890000-0000-7000-8000-0000000dead0', memberId: 'X', relationship: 'SELF' as never, effectiveFrom: '2024-01-01', order: 'PRIMARY' as never });
    t.db.queries.length = 0;
    await expect(em.flush()).rejects.toThrow();
    // The audit row was written inside the transaction, then rolled back with the rest.
    const sent = t.db.queries.join('\n');
    expect(sent).toMatch(/insert into .audit_event./);
    expect(sent).toMatch(/rollback/i);
    expect(await t.db.orm.em.fork().count(Patient, { lastName: 'Rollback' })).toBe(0);
    expect(await events({ requestId: 'audit-tx-000001' })).toEqual([]);
  });

  it('a write that loses an optimistic-lock race rolls back its audit row with it', async () => {
    const scope = new AuditScope('test:race', Role.ADMIN, 'audit-race-00001');
    const em = forkWithAudit(t.db.orm.em, scope);
    const mine = await em.findOneOrFail(Patient, patientId);
    const other = t.db.orm.em.fork();
    (await other.findOneOrFail(Patient, patientId)).city = 'Elsewhere';
    await other.flush();
    mine.city = 'Mine';
    t.db.queries.length = 0;
    await expect(em.flush()).rejects.toBeInstanceOf(OptimisticLockError);
    expect(t.db.queries.join('\n')).toMatch(/insert into .audit_event./);
    expect(await events({ requestId: 'audit-race-00001' })).toEqual([]);
  });

  it("the system's own writes (seeds, builders) are audited as their system actor", async () => {
    const before = new Date(Date.now() - 1000);
    const p = await t.builders().patient();
    const rows = (await events({ entity: 'Patient', action: AuditAction.CREATE })).filter((e) => e.entityIds.includes(p.id));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ actor: 'system', role: 'ADMIN' });
    expect(rows[0]!.at.getTime()).toBeGreaterThanOrEqual(before.getTime());
  });

  it('bulk writes that bypass the unit of work (835 posting) are audited in their transaction', async () => {
    const b = t.builders();
    const payer = await b.payer();
    const provider = await b.provider();
    const patient = await b.patient();
    const coverage = await b.coverage(patient, payer);
    const claim = await b.claim({ patient, provider, coverage, status: ClaimStatus.SUBMITTED });
    const x12 = write835({
      trace: 'EFT-AUDIT-0001',
      date: '2026-11-01',
      claims: [{ pcn: claim.patientControlNumber, status: '4', chargeCents: claim.totalChargeCents, paidCents: 0, payerClaimNumber: 'ICN-AUDIT', cas: [['CO', '16', claim.totalChargeCents]] }],
    });
    const res = await rawGql(t, ImportRemittanceDocument, { x12 }, { token: t.token(Role.BILLER, 'bob'), requestId: 'audit-835-000001' });
    const out = (res.body.data as { importRemittance: { status: string; claimPayments: { id: string }[] } }).importRemittance;
    expect(out.status).toBe('POSTED');
    const rows = await events({ requestId: 'audit-835-000001' });
    const find = (entity: string, action: AuditAction) => rows.filter((e) => e.entity === entity && e.action === action).flatMap((e) => e.entityIds);
    expect(find('ClaimPayment', AuditAction.CREATE)).toEqual([out.claimPayments[0]!.id]);
    expect(find('Claim', AuditAction.UPDATE)).toEqual([claim.id]);
    expect(find('Denial', AuditAction.CREATE)).toHaveLength(1);
    expect(find('ClaimHistory', AuditAction.CREATE).length).toBeGreaterThan(0);
    expect(rows.every((e) => e.actor === 'bob' && e.role === 'BILLER')).toBe(true);
  });
});

describe('PHI reads', () => {
  it('a BILLER reading names writes one READ_PHI event with the patient ids read', async () => {
    const res = await rawGql(t, PatientsDocument, { first: 100 }, { token: t.token(Role.BILLER, 'carol'), requestId: 'audit-read-00001' });
    expect(res.body.errors).toBeUndefined();
    const ids = (res.body.data as { patients: { edges: { node: { id: string } }[] } }).patients.edges.map((e) => e.node.id);
    expect(ids.length).toBeGreaterThan(2);
    const rows = await events({ requestId: 'audit-read-00001' });
    expect(rows.map((e) => ({ action: e.action, entity: e.entity, actor: e.actor, role: e.role, operation: e.operation }))).toEqual([
      { action: 'READ_PHI', entity: 'Patient', actor: 'carol', role: 'BILLER', operation: 'Patients' },
    ]);
    expect([...rows[0]!.entityIds].sort()).toEqual([...ids].sort());
  });

  it('a VIEWER, who gets no PHI, leaves no READ_PHI event; a query of ids only leaves none either', async () => {
    await rawGql(t, PatientsDocument, { first: 100 }, { token: t.token(Role.VIEWER), requestId: 'audit-read-00002' });
    await rawGql(t, '{ patients(first: 100) { edges { node { id sex } } } }', {}, { token: t.token(Role.BILLER), requestId: 'audit-read-00003' });
    expect(await events({ requestId: 'audit-read-00002' })).toEqual([]);
    expect(await events({ requestId: 'audit-read-00003' })).toEqual([]);
  });
});

describe('the trail itself', () => {
  it('holds no PHI value anywhere', async () => {
    const rows = await t.db.orm.em.fork().getConnection().execute('select * from audit_event');
    expect(rows.length).toBeGreaterThan(5);
    const text = JSON.stringify(rows);
    for (const v of [...PHI_VALUES, 'Newtown', '1 New St', 'Elsewhere']) expect(text).not.toContain(v);
  });

  it('refuses UPDATE and DELETE in the database itself', async () => {
    const conn = t.db.orm.em.fork().getConnection();
    // Not `.rejects.toThrow`: better-sqlite3 is a native module loaded once per jest worker, so its
    // SqliteError may come from another test file's realm and fail jest's `instanceof Error` check.
    const refusal = (p: Promise<unknown>) => p.then(() => 'not refused', (e: unknown) => String((e as { message?: unknown }).message ?? e));
    expect(await refusal(conn.execute("update audit_event set actor = 'mallory'"))).toMatch(/append-only/);
    expect(await refusal(conn.execute('delete from audit_event'))).toMatch(/append-only/);
    expect(await events({ actor: 'mallory' })).toEqual([]);
  });

  it('ADMIN reads it by entity id, actor and action, a page at a time', async () => {
    const [created] = await events({ requestId: 'audit-create-0001', action: AuditAction.CREATE });
    const patientId = created!.entityIds[0]!;
    const token = t.token(Role.ADMIN);
    const byId = await rawGql(t, AuditEventsDocument, { first: 100, filter: { entityId: patientId, actor: 'alice' } }, { token });
    expect(byId.body.errors).toBeUndefined();
    const nodes = (byId.body.data as { auditEvents: { edges: { node: { action: string; entity: string; entityIds: string[] } }[] } }).auditEvents.edges.map((e) => e.node);
    expect(nodes.map((n) => n.action)).toEqual(['CREATE', 'READ_PHI', 'UPDATE', 'READ_PHI']);
    expect(nodes.every((n) => n.entityIds.includes(patientId))).toBe(true);

    const first = await rawGql(t, AuditEventsDocument, { first: 1, filter: { action: 'READ_PHI', entity: 'Patient' } }, { token });
    const page1 = (first.body.data as { auditEvents: { pageInfo: { hasNextPage: boolean; endCursor: string }; edges: { node: { id: string } }[] } }).auditEvents;
    expect(page1.pageInfo.hasNextPage).toBe(true);
    const second = await rawGql(t, AuditEventsDocument, { first: 1, after: page1.pageInfo.endCursor, filter: { action: 'READ_PHI', entity: 'Patient' } }, { token });
    const page2 = (second.body.data as { auditEvents: { edges: { node: { id: string } }[] } }).auditEvents;
    expect(page2.edges[0]!.node.id > page1.edges[0]!.node.id).toBe(true);
  });

  it('refuses an entity id filter that would widen the match', async () => {
    const res = await rawGql(t, AuditEventsDocument, { first: 5, filter: { entityId: '%' } }, { token: t.token(Role.ADMIN) });
    expect(res.body.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', issues: [expect.objectContaining({ path: 'filter.entityId' })] });
  });

  it('no mutation reads or writes it', async () => {
    const schema = await buildAppSchema();
    const mutations = Object.values(schema.getMutationType()!.getFields());
    expect(mutations.filter((m) => /audit/i.test(m.name) || /Audit/.test(String(m.type)) || m.args.some((a) => /Audit/.test(String(a.type))))).toEqual([]);
  });
});
