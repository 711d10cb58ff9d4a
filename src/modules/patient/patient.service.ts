import { assertMayFilterByPhi } from '../../auth/phi';
import type { FilterQuery } from '@mikro-orm/core';
import { findById } from '../../common/find';
import { IssueCollector, NotFoundError } from '../../common/errors';
import { Connection, paginate, type PageRequest } from '../../common/pagination';
import { POSTAL_CODE_PATTERN, US_STATE_PATTERN, ilike, likeSafe, pastOrTodayDate, text } from '../../common/validate';
import { applyPatch, assertVersion, flushOrConflict } from '../../common/versioning';
import type { ServiceContext } from '../../server/context';
import type { CreatePatientInput, PatientFilter, UpdatePatientInput } from './patient.inputs';
import { Patient } from './patient.entity';

export const PatientConnection = Connection('Patient', () => Patient);

type PatientFields = Omit<CreatePatientInput, never>;

export class PatientService {
  constructor(private readonly ctx: ServiceContext) {}

  async get(id: string): Promise<Patient | null> {
    return findById(this.ctx.em, Patient, id);
  }

  async mustGet(id: string): Promise<Patient> {
    const patient = await this.get(id);
    if (!patient) throw new NotFoundError('Patient', id);
    return patient;
  }

  async list(filter: PatientFilter | null | undefined, page: PageRequest) {
    assertMayFilterByPhi(this.ctx.principal.role, [filter?.lastNamePrefix ? 'filter.lastNamePrefix' : null, filter?.birthDate ? 'filter.birthDate' : null].filter((p): p is string => p !== null));
    const where: FilterQuery<Patient>[] = [];
    if (filter?.lastNamePrefix) where.push({ lastName: ilike(this.ctx.em, `${likeSafe(filter.lastNamePrefix)}%`) });
    if (filter?.birthDate) where.push({ birthDate: filter.birthDate });
    return paginate(this.ctx.em, Patient, where.length ? { $and: where } : {}, page, PatientConnection);
  }

  async create(input: CreatePatientInput): Promise<Patient> {
    const clean = this.validate(input, 'input', true) as PatientFields;
    const patient = this.ctx.em.create(Patient, clean);
    await this.ctx.em.flush();
    this.ctx.logger.info({ patientId: patient.id }, 'patient created');
    return patient;
  }

  async update(input: UpdatePatientInput): Promise<Patient> {
    const { id, version, ...changes } = input;
    const clean = this.validate(changes, 'input', false);
    const patient = await this.mustGet(id);
    assertVersion('Patient', patient, version);
    applyPatch(patient, clean as Partial<Patient>);
    await flushOrConflict(this.ctx.em, 'Patient', patient);
    this.ctx.logger.info({ patientId: patient.id }, 'patient updated');
    return patient;
  }

  private validate(input: Partial<Omit<UpdatePatientInput, 'id' | 'version'>>, prefix: string, creating: boolean): Partial<PatientFields> {
    const issues = new IssueCollector();
    const required = creating;
    const name = /^[A-Za-z][A-Za-z .'-]*$/;
    const nameHint = "may contain letters, spaces, . ' and -";
    const out = {
      firstName: text(issues, `${prefix}.firstName`, input.firstName, { max: 60, required, pattern: name, patternHint: nameHint }) ?? undefined,
      middleName: input.middleName === undefined ? undefined : text(issues, `${prefix}.middleName`, input.middleName, { max: 25, pattern: name, patternHint: nameHint }),
      lastName: text(issues, `${prefix}.lastName`, input.lastName, { max: 60, required, pattern: name, patternHint: nameHint }) ?? undefined,
      birthDate: input.birthDate ?? undefined,
      sex: input.sex ?? undefined,
      addressLine1: text(issues, `${prefix}.addressLine1`, input.addressLine1, { max: 55, required }) ?? undefined,
      addressLine2: input.addressLine2 === undefined ? undefined : text(issues, `${prefix}.addressLine2`, input.addressLine2, { max: 55 }),
      city: text(issues, `${prefix}.city`, input.city, { max: 30, required }) ?? undefined,
      state: text(issues, `${prefix}.state`, input.state?.toUpperCase(), { max: 2, required, pattern: US_STATE_PATTERN, patternHint: 'must be a two-letter state code' }) ?? undefined,
      postalCode: text(issues, `${prefix}.postalCode`, input.postalCode?.replace('-', ''), { max: 9, required, pattern: POSTAL_CODE_PATTERN, patternHint: 'must be a 5- or 9-digit ZIP code' }) ?? undefined,
    } as Partial<PatientFields>;
    if (creating && !input.birthDate) issues.add(`${prefix}.birthDate`, 'REQUIRED', 'is required');
    pastOrTodayDate(issues, `${prefix}.birthDate`, input.birthDate);
    if (creating && !input.sex) issues.add(`${prefix}.sex`, 'REQUIRED', 'is required');
    issues.throwIfAny();
    return out;
  }
}
