import { createHash } from 'node:crypto';
import { AuditAction } from '../audit/audit.entity';
import { recordWrite } from '../audit/audit.subscriber';
import type { EntityManager } from '@mikro-orm/core';
import { toLocalDate } from '../../common/dates';
import { FailedPreconditionError, NotFoundError } from '../../common/errors';
import { findById } from '../../common/find';
import { uuidv7 } from '../../common/ids';
import type { ServiceContext } from '../../server/context';
import type { Party, PostalAddress } from '../../x12/837p/segments';
import { transactionCountFor, write837p, type Envelope837, type ExportClaim, type ExportProvider } from '../../x12/837p/writer';
import type { Claim } from '../claim/claim.entity';
import { type CoverageOrder, SubscriberRelationship, X12_RELATIONSHIP_CODE } from '../coverage/coverage.entity';
import { ProviderEntityType } from '../provider/provider.entity';
import { submissionSettings, type SubmissionSettings } from './envelope';
import { SubmissionBatch, SubmissionBatchClaim } from './submission.entity';

/** ISA13 and GS06 are at most 9 digits. */
const MAX_CONTROL_NUMBER = 999_999_999;

/**
 * Hands out `count` consecutive control numbers of one kind and returns the first. One statement
 * (insert … on conflict do update … returning), in the caller's transaction: PostgreSQL holds the
 * counter row's lock until commit, so a concurrent submission waits and gets the next range;
 * SQLite has one writer. The unique constraints on submission_batch back this up.
 */
export async function allocateControlNumbers(em: EntityManager, kind: 'ISA' | 'ST', count: number): Promise<number> {
  const rows = await em
    .getConnection()
    .execute<{ last_used: number | string }[]>(
      'insert into x12_control_counter (name, last_used) values (?, ?) on conflict (name) do update set last_used = x12_control_counter.last_used + excluded.last_used returning last_used',
      [kind, count],
      'all',
      em.getTransactionContext(),
    );
  const last = Number(rows[0]!.last_used);
  if (last > MAX_CONTROL_NUMBER) throw new FailedPreconditionError('CONTROL_NUMBERS_EXHAUSTED', `X12 ${kind} control numbers are used up (9 digits); reset the counter with your clearinghouse's agreement`);
  return last - count + 1;
}

type Row = Record<string, unknown>;

/** Rows of `table` whose `column` is one of `ids`, in chunks (bind-parameter limits), in the caller's transaction. */
async function rowsWhereIn(em: EntityManager, table: string, columns: string, column: string, ids: readonly string[]): Promise<Row[]> {
  const out: Row[] = [];
  for (let i = 0; i < ids.length; i += 5000) {
    const part = ids.slice(i, i + 5000);
    const rows = await em.getConnection().execute<Row[]>(`select ${columns} from ${table} where ${column} in (${part.map(() => '?').join(',')})`, part, 'all', em.getTransactionContext());
    out.push(...rows);
  }
  return out;
}

const str = (v: unknown): string => (v === null || v === undefined ? '' : String(v));
const opt = (v: unknown): string | null => (v === null || v === undefined || v === '' ? null : String(v));
/** JSON columns: PostgreSQL hands back parsed values, SQLite the text. */
const json = <T>(v: unknown): T => (typeof v === 'string' ? (JSON.parse(v) as T) : (v as T));
const date = (v: unknown): string => toLocalDate(v as string | Date);

function providerFromRow(p: Row): ExportProvider {
  const person = p.entity_type === ProviderEntityType.PERSON;
  const name: Party = person ? { entity: 'PERSON', last: str(p.last_name_or_organization), first: opt(p.first_name) } : { entity: 'ORGANIZATION', last: str(p.last_name_or_organization) };
  const address: PostalAddress | null = p.address_line1 && p.city && p.state && p.postal_code ? { line1: str(p.address_line1), city: str(p.city), state: str(p.state), postalCode: str(p.postal_code) } : null;
  return { npi: str(p.npi), name, address, taxId: opt(p.tax_id), taxonomy: opt(p.taxonomy_code) };
}

const RESPONSIBILITY: Record<CoverageOrder, 'P' | 'S' | 'T'> = { PRIMARY: 'P', SECONDARY: 'S', TERTIARY: 'T' };

/**
 * Stored claims in the 837P writer's shape, read with seven plain queries (claims, their
 * diagnoses and lines, patients, coverages, payers, providers) rather than as managed entities:
 * a batch of 10,000 claims would otherwise hydrate some 70,000 entities for a file it only reads.
 * Returned in the order of `claimIds`; unknown ids are skipped.
 */
export async function loadExportClaims(em: EntityManager, claimIds: readonly string[]): Promise<{ id: string; claim: ExportClaim }[]> {
  const claims = await rowsWhereIn(
    em,
    'claim',
    'id, patient_id, payer_id, coverage_id, billing_provider_id, rendering_provider_id, patient_control_number, frequency, payer_claim_number, prior_auth_number, place_of_service, total_charge_cents',
    'id',
    claimIds,
  );
  const ids = claims.map((c) => str(c.id));
  const distinct = (k: string) => [...new Set(claims.map((c) => c[k]).filter((v) => v !== null && v !== undefined).map(String))];
  const diagnoses = await rowsWhereIn(em, 'claim_diagnosis', 'claim_id, position, code', 'claim_id', ids);
  const lines = await rowsWhereIn(em, 'claim_line', 'claim_id, line_number, procedure_code, modifiers, units, charge_cents, diagnosis_pointers, service_date, line_control_number', 'claim_id', ids);
  const patients = new Map((await rowsWhereIn(em, 'patient', 'id, first_name, middle_name, last_name, birth_date, sex, address_line1, address_line2, city, state, postal_code', 'id', distinct('patient_id'))).map((r) => [str(r.id), r]));
  const coverages = new Map((await rowsWhereIn(em, 'coverage', 'id, member_id, group_number, relationship, subscriber_first_name, subscriber_last_name, ' + '"order"', 'id', distinct('coverage_id'))).map((r) => [str(r.id), r]));
  const payers = new Map((await rowsWhereIn(em, 'payer', 'id, name, payer_id, claim_filing_indicator', 'id', distinct('payer_id'))).map((r) => [str(r.id), r]));
  const providerIds = [...new Set([...distinct('billing_provider_id'), ...distinct('rendering_provider_id')])];
  const providers = new Map((await rowsWhereIn(em, 'provider', 'id, npi, entity_type, last_name_or_organization, first_name, taxonomy_code, tax_id, address_line1, city, state, postal_code', 'id', providerIds)).map((r) => [str(r.id), providerFromRow(r)]));

  const dxBy = new Map<string, Row[]>();
  for (const d of diagnoses) (dxBy.get(str(d.claim_id)) ?? dxBy.set(str(d.claim_id), []).get(str(d.claim_id))!).push(d);
  const linesBy = new Map<string, Row[]>();
  for (const l of lines) (linesBy.get(str(l.claim_id)) ?? linesBy.set(str(l.claim_id), []).get(str(l.claim_id))!).push(l);

  const byId = new Map<string, ExportClaim>();
  for (const c of claims) {
    const id = str(c.id);
    const patient = patients.get(str(c.patient_id))!;
    const coverage = coverages.get(str(c.coverage_id))!;
    const payer = payers.get(str(c.payer_id))!;
    const relationship = coverage.relationship as SubscriberRelationship;
    const self = relationship === SubscriberRelationship.SELF;
    const rendering = c.rendering_provider_id ? providers.get(str(c.rendering_provider_id))! : null;
    byId.set(id, {
      billingProvider: providers.get(str(c.billing_provider_id))!,
      payer: { name: str(payer.name), payerId: str(payer.payer_id), filingIndicator: str(payer.claim_filing_indicator) },
      subscriber: {
        key: str(coverage.id),
        responsibility: RESPONSIBILITY[coverage.order as CoverageOrder],
        memberId: str(coverage.member_id),
        groupNumber: opt(coverage.group_number),
        name: self ? null : { entity: 'PERSON', last: str(coverage.subscriber_last_name), first: opt(coverage.subscriber_first_name) },
      },
      patientRelationship: self ? null : X12_RELATIONSHIP_CODE[relationship],
      patient: {
        name: { entity: 'PERSON', last: str(patient.last_name), first: opt(patient.first_name), middle: opt(patient.middle_name) },
        address: { line1: str(patient.address_line1), line2: opt(patient.address_line2), city: str(patient.city), state: str(patient.state), postalCode: str(patient.postal_code) },
        birthDate: date(patient.birth_date),
        sex: str(patient.sex),
      },
      patientControlNumber: str(c.patient_control_number),
      totalChargeCents: Number(c.total_charge_cents),
      placeOfService: str(c.place_of_service),
      frequency: str(c.frequency),
      payerClaimNumber: opt(c.payer_claim_number),
      priorAuthNumber: opt(c.prior_auth_number),
      diagnoses: (dxBy.get(id) ?? []).sort((a, b) => Number(a.position) - Number(b.position)).map((d) => str(d.code)),
      rendering: rendering ? { npi: rendering.npi, name: rendering.name, taxonomy: rendering.taxonomy } : null,
      lines: (linesBy.get(id) ?? [])
        .sort((a, b) => Number(a.line_number) - Number(b.line_number))
        .map((l) => ({
          procedureCode: str(l.procedure_code),
          modifiers: json<string[]>(l.modifiers),
          chargeCents: Number(l.charge_cents),
          units: Number(l.units),
          pointers: json<number[]>(l.diagnosis_pointers),
          serviceDate: date(l.service_date),
          lineControlNumber: str(l.line_control_number),
        })),
    });
  }
  return claimIds.flatMap((id) => (byId.has(id) ? [{ id, claim: byId.get(id)! }] : []));
}

export function envelopeFor(settings: SubmissionSettings, numbers: { interchange: number; firstTransaction: number }, at: Date): Envelope837 {
  return {
    senderQualifier: settings.senderQualifier,
    senderId: settings.senderId,
    receiverQualifier: settings.receiverQualifier,
    receiverId: settings.receiverId,
    usage: settings.usage,
    at,
    interchangeControlNumber: numbers.interchange,
    groupControlNumber: numbers.interchange,
    firstTransactionControlNumber: numbers.firstTransaction,
    submitter: { name: settings.submitterName, id: settings.senderId, contactName: settings.contactName, contactPhone: settings.contactPhone },
    receiver: { name: settings.receiverName, id: settings.receiverId },
  };
}

/** Builds, stores and reads back 837P submission batches. */
export class SubmissionService {
  constructor(private readonly ctx: ServiceContext) {}

  /** The 837P content of stored claims, in the order given. */
  async exportClaims(claimIds: readonly string[]): Promise<ExportClaim[]> {
    return (await loadExportClaims(this.ctx.em, claimIds)).map((c) => c.claim);
  }

  /**
   * The 837P for claims the caller is marking SUBMITTED, in the caller's transaction: allocates
   * the control numbers, writes the X12, and inserts the batch with one row per claim (bulk
   * inserts: the batch is written once and never changed). Claim content is read from the
   * database, so the caller's pending status changes do not matter here.
   */
  async createBatch(claimIds: readonly string[], at: Date = new Date()): Promise<SubmissionBatch> {
    const em = this.ctx.em;
    const settings = submissionSettings();
    const loaded = await loadExportClaims(em, claimIds);
    if (loaded.length !== claimIds.length) throw new Error('a claim to export was not found in the database');
    const transactions = transactionCountFor(loaded.length);
    const interchange = await allocateControlNumbers(em, 'ISA', 1);
    const firstTransaction = await allocateControlNumbers(em, 'ST', transactions);
    const written = write837p(
      loaded.map((c) => c.claim),
      envelopeFor(settings, { interchange, firstTransaction }, at),
    );
    const batch = em.create(
      SubmissionBatch,
      {
        createdAt: at,
        createdBy: this.ctx.principal.sub,
        requestId: this.ctx.requestId,
        interchangeControlNumber: String(interchange).padStart(9, '0'),
        groupControlNumber: String(interchange),
        firstTransactionControlNumber: firstTransaction,
        transactionCount: written.transactions.length,
        claimCount: loaded.length,
        senderId: settings.senderId,
        receiverId: settings.receiverId,
        usage: settings.usage,
        sha256: createHash('sha256').update(written.text).digest('hex'),
        length: written.text.length,
        x12: written.text,
      },
      { persist: false },
    );
    await em.insert(SubmissionBatch, batch);
    const links = loaded.map((c, i) => ({ id: uuidv7(), batch: batch.id, claim: c.id, transactionControlNumber: written.claimTransaction[i]! }));
    for (let i = 0; i < links.length; i += 1000) await em.insertMany(SubmissionBatchClaim, links.slice(i, i + 1000));
    // Inserted without the unit of work: audited here, in the same transaction.
    await recordWrite(em, AuditAction.CREATE, 'SubmissionBatch', [batch.id]);
    await recordWrite(em, AuditAction.CREATE, 'SubmissionBatchClaim', links.map((l) => l.id));
    this.ctx.logger.info({ batchId: batch.id, interchange: batch.interchangeControlNumber, claims: loaded.length, transactions: written.transactions.length }, '837P batch created');
    return batch;
  }

  async mustGet(id: string): Promise<SubmissionBatch> {
    const batch = await findById(this.ctx.em, SubmissionBatch, id);
    if (!batch) throw new NotFoundError('SubmissionBatch', id);
    return batch;
  }

  /** The stored X12 text of a batch (a lazy column: read only when asked for). */
  async x12Of(batch: SubmissionBatch): Promise<string> {
    if (typeof batch.x12 === 'string') return batch.x12;
    await this.ctx.em.populate(batch, ['x12']);
    return batch.x12;
  }

  async claimsOf(batchId: string): Promise<Claim[]> {
    const links = await this.ctx.em.find(SubmissionBatchClaim, { batch: batchId }, { populate: ['claim'], orderBy: { id: 'asc' } });
    return links.map((l) => l.claim.getEntity());
  }
}
