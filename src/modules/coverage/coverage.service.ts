import type { FilterQuery } from '@mikro-orm/core';
import { findById } from '../../common/find';
import { IssueCollector, NotFoundError } from '../../common/errors';
import { Connection, paginate, type PageRequest } from '../../common/pagination';
import { assertIdFilters, dateRange, pastOrTodayDate, text } from '../../common/validate';
import { applyPatch, assertVersion, flushOrConflict } from '../../common/versioning';
import type { ServiceContext } from '../../server/context';
import { Patient } from '../patient/patient.entity';
import { Payer } from '../payer/payer.entity';
import { Coverage, SubscriberRelationship } from './coverage.entity';
import type { CoverageFilter, CreateCoverageInput, UpdateCoverageInput } from './coverage.inputs';

export const CoverageConnection = Connection('Coverage', () => Coverage);

type CoverageFields = Omit<CreateCoverageInput, 'patientId' | 'payerId'>;

export class CoverageService {
  constructor(private readonly ctx: ServiceContext) {}

  async mustGet(id: string): Promise<Coverage> {
    const coverage = await findById(this.ctx.em, Coverage, id);
    if (!coverage) throw new NotFoundError('Coverage', id);
    return coverage;
  }

  list(filter: CoverageFilter | null | undefined, page: PageRequest) {
    assertIdFilters({ 'filter.patientId': filter?.patientId, 'filter.payerId': filter?.payerId });
    const where: FilterQuery<Coverage>[] = [];
    if (filter?.patientId) where.push({ patient: filter.patientId });
    if (filter?.payerId) where.push({ payer: filter.payerId });
    if (filter?.activeOn) {
      where.push({ effectiveFrom: { $lte: filter.activeOn } });
      where.push({ $or: [{ effectiveTo: null }, { effectiveTo: { $gte: filter.activeOn } }] });
    }
    return paginate(this.ctx.em, Coverage, where.length ? { $and: where } : {}, page, CoverageConnection);
  }

  async create(input: CreateCoverageInput): Promise<Coverage> {
    const issues = new IssueCollector();
    const clean = this.validateFields(input, issues, true) as CoverageFields;
    const [patient, payer] = await Promise.all([
      findById(this.ctx.em, Patient, input.patientId),
      findById(this.ctx.em, Payer, input.payerId),
    ]);
    if (!patient) issues.add('input.patientId', 'NOT_FOUND', 'no such patient');
    if (!payer) issues.add('input.payerId', 'NOT_FOUND', 'no such payer');
    this.checkSubscriber(clean, issues);
    issues.throwIfAny();
    const coverage = this.ctx.em.create(Coverage, { ...clean, patient: patient!, payer: payer! });
    await this.ctx.em.flush();
    return coverage;
  }

  async update(input: UpdateCoverageInput): Promise<Coverage> {
    const { id, version, ...changes } = input;
    const issues = new IssueCollector();
    const clean = this.validateFields(changes, issues, false);
    issues.throwIfAny();
    const coverage = await this.mustGet(id);
    assertVersion('Coverage', coverage, version);
    const merged = { ...coverage, ...Object.fromEntries(Object.entries(clean).filter(([, v]) => v !== undefined)) } as CoverageFields;
    dateRange(issues, 'input.effectiveFrom', merged.effectiveFrom, 'input.effectiveTo', merged.effectiveTo);
    this.checkSubscriber(merged, issues);
    issues.throwIfAny();
    applyPatch(coverage, clean as Partial<Coverage>);
    await flushOrConflict(this.ctx.em, 'Coverage', coverage);
    return coverage;
  }

  /** 2010BA carries the subscriber: when that is not the patient, we need their name. */
  private checkSubscriber(c: Partial<CoverageFields>, issues: IssueCollector): void {
    if (c.relationship && c.relationship !== SubscriberRelationship.SELF) {
      if (!c.subscriberFirstName) issues.add('input.subscriberFirstName', 'REQUIRED', 'is required when the patient is not the subscriber');
      if (!c.subscriberLastName) issues.add('input.subscriberLastName', 'REQUIRED', 'is required when the patient is not the subscriber');
    }
  }

  private validateFields(input: Partial<Omit<UpdateCoverageInput, 'id' | 'version'>>, issues: IssueCollector, creating: boolean): Partial<CoverageFields> {
    const required = creating;
    const out = {
      memberId: text(issues, 'input.memberId', input.memberId, { max: 80, required, pattern: /^[A-Za-z0-9-]+$/, patternHint: 'may contain letters, digits and -' }) ?? undefined,
      groupNumber: input.groupNumber === undefined ? undefined : text(issues, 'input.groupNumber', input.groupNumber, { max: 50 }),
      relationship: input.relationship ?? undefined,
      subscriberFirstName: input.subscriberFirstName === undefined ? undefined : text(issues, 'input.subscriberFirstName', input.subscriberFirstName, { max: 60 }),
      subscriberLastName: input.subscriberLastName === undefined ? undefined : text(issues, 'input.subscriberLastName', input.subscriberLastName, { max: 60 }),
      subscriberBirthDate: input.subscriberBirthDate,
      subscriberSex: input.subscriberSex,
      effectiveFrom: input.effectiveFrom ?? undefined,
      effectiveTo: input.effectiveTo,
      order: input.order ?? undefined,
    } as Partial<CoverageFields>;
    pastOrTodayDate(issues, 'input.subscriberBirthDate', input.subscriberBirthDate);
    if (creating) {
      if (!input.effectiveFrom) issues.add('input.effectiveFrom', 'REQUIRED', 'is required');
      if (!input.relationship) issues.add('input.relationship', 'REQUIRED', 'is required');
      if (!input.order) issues.add('input.order', 'REQUIRED', 'is required');
      dateRange(issues, 'input.effectiveFrom', input.effectiveFrom, 'input.effectiveTo', input.effectiveTo);
    }
    return out;
  }
}
