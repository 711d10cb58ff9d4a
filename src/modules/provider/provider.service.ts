import type { FilterQuery } from '@mikro-orm/core';
import { findById } from '../../common/find';
import { IssueCollector, NotFoundError } from '../../common/errors';
import { NPI_PATTERN, TAXONOMY_PATTERN, TIN_PATTERN, isValidNpi } from '../../common/formats';
import { Connection, paginate, type PageRequest } from '../../common/pagination';
import { POSTAL_CODE_PATTERN, US_STATE_PATTERN, assertTextFilters, text } from '../../common/validate';
import { applyPatch, assertVersion, flushOrConflict } from '../../common/versioning';
import type { ServiceContext } from '../../server/context';
import { Provider, ProviderEntityType } from './provider.entity';
import type { CreateProviderInput, ProviderFilter, UpdateProviderInput } from './provider.inputs';

export const ProviderConnection = Connection('Provider', () => Provider);

export class ProviderService {
  constructor(private readonly ctx: ServiceContext) {}

  async mustGet(id: string): Promise<Provider> {
    const provider = await findById(this.ctx.em, Provider, id);
    if (!provider) throw new NotFoundError('Provider', id);
    return provider;
  }

  list(filter: ProviderFilter | null | undefined, page: PageRequest) {
    const where: FilterQuery<Provider> = {};
    assertTextFilters({ 'filter.npi': filter?.npi });
    if (filter?.npi) where.npi = filter.npi.trim();
    if (filter?.isBilling != null) where.isBilling = filter.isBilling;
    if (filter?.isRendering != null) where.isRendering = filter.isRendering;
    return paginate(this.ctx.em, Provider, where, page, ProviderConnection);
  }

  async create(input: CreateProviderInput): Promise<Provider> {
    const issues = new IssueCollector();
    const clean = this.validateFields(input, issues, true);
    const npi = text(issues, 'input.npi', input.npi, { max: 10, required: true, pattern: NPI_PATTERN, patternHint: 'must be 10 digits' });
    if (npi && !isValidNpi(npi)) issues.add('input.npi', 'CHECK_DIGIT', 'fails the NPI check digit (Luhn over 80840 + first 9 digits)');
    if (npi && (await this.ctx.em.count(Provider, { npi })) > 0) issues.add('input.npi', 'DUPLICATE', 'is already registered');
    this.checkConsistency({ ...clean, entityType: input.entityType }, issues);
    issues.throwIfAny();
    const provider = this.ctx.em.create(Provider, { ...(clean as CreateProviderInput), npi: npi!, entityType: input.entityType });
    await this.ctx.em.flush();
    return provider;
  }

  async update(input: UpdateProviderInput): Promise<Provider> {
    const { id, version, ...changes } = input;
    const issues = new IssueCollector();
    const clean = this.validateFields(changes, issues, false);
    issues.throwIfAny();
    const provider = await this.mustGet(id);
    assertVersion('Provider', provider, version);
    const merged = { ...provider, ...Object.fromEntries(Object.entries(clean).filter(([, v]) => v !== undefined)) } as Provider;
    this.checkConsistency(merged, issues);
    issues.throwIfAny();
    applyPatch(provider, clean as Partial<Provider>);
    await flushOrConflict(this.ctx.em, 'Provider', provider);
    return provider;
  }

  /** Rules across fields: a billing provider must carry what loop 2010AA needs. */
  private checkConsistency(p: Partial<Provider>, issues: IssueCollector): void {
    if (p.isBilling === false && p.isRendering === false) {
      issues.add('input.isBilling', 'REQUIRED', 'a provider must be billing, rendering or both');
    }
    if (p.entityType === ProviderEntityType.ORGANIZATION && p.firstName) {
      issues.add('input.firstName', 'NOT_ALLOWED', 'an organization has no first name');
    }
    if (p.entityType === ProviderEntityType.ORGANIZATION && p.isRendering) {
      issues.add('input.isRendering', 'NOT_ALLOWED', 'a rendering provider must be a person (2310B NM102 = 1)');
    }
    if (p.isBilling) {
      // 005010X222A1 2010AA: REF*EI (tax id), N3 and N4 with a 9-digit ZIP are required.
      if (!p.taxId) issues.add('input.taxId', 'REQUIRED', 'is required for a billing provider');
      if (!p.addressLine1) issues.add('input.addressLine1', 'REQUIRED', 'is required for a billing provider');
      if (!p.city) issues.add('input.city', 'REQUIRED', 'is required for a billing provider');
      if (!p.state) issues.add('input.state', 'REQUIRED', 'is required for a billing provider');
      if (!p.postalCode || p.postalCode.length !== 9) {
        issues.add('input.postalCode', 'REQUIRED', 'a billing provider needs a 9-digit ZIP code');
      }
    }
  }

  private validateFields(input: Partial<Omit<UpdateProviderInput, 'id' | 'version'>>, issues: IssueCollector, creating: boolean): Partial<CreateProviderInput> {
    const required = creating;
    return ({
      lastNameOrOrganization: text(issues, 'input.lastNameOrOrganization', input.lastNameOrOrganization, { max: 60, required }) ?? undefined,
      firstName: input.firstName === undefined ? undefined : text(issues, 'input.firstName', input.firstName, { max: 35 }),
      taxonomyCode: input.taxonomyCode === undefined ? undefined : text(issues, 'input.taxonomyCode', input.taxonomyCode?.toUpperCase(), { max: 10, pattern: TAXONOMY_PATTERN, patternHint: 'must be a 10-character NUCC taxonomy code ending in X' }),
      taxId: input.taxId === undefined ? undefined : text(issues, 'input.taxId', input.taxId?.replace('-', ''), { max: 9, pattern: TIN_PATTERN, patternHint: 'must be a 9-digit EIN' }),
      isBilling: input.isBilling ?? undefined,
      isRendering: input.isRendering ?? undefined,
      addressLine1: input.addressLine1 === undefined ? undefined : text(issues, 'input.addressLine1', input.addressLine1, { max: 55 }),
      city: input.city === undefined ? undefined : text(issues, 'input.city', input.city, { max: 30 }),
      state: input.state === undefined ? undefined : text(issues, 'input.state', input.state?.toUpperCase(), { max: 2, pattern: US_STATE_PATTERN, patternHint: 'must be a two-letter state code' }),
      postalCode: input.postalCode === undefined ? undefined : text(issues, 'input.postalCode', input.postalCode?.replace('-', ''), { max: 9, pattern: POSTAL_CODE_PATTERN, patternHint: 'must be a 5- or 9-digit ZIP code' }),
    }) as Partial<CreateProviderInput>;
  }
}
