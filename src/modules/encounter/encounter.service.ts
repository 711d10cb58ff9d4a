import { ref, type FilterQuery } from '@mikro-orm/core';
import { findById } from '../../common/find';
import { FailedPreconditionError, InvalidStatusTransitionError, IssueCollector, NotFoundError } from '../../common/errors';
import { Connection, paginate, type PageRequest } from '../../common/pagination';
import { assertIdFilters } from '../../common/validate';
import { assertVersion, flushOrConflict } from '../../common/versioning';
import type { ServiceContext } from '../../server/context';
import { CodeService } from '../code/code.service';
import { validateCoding, type CleanCoding, type CodingInput } from '../coding/coding.validation';
import { Patient } from '../patient/patient.entity';
import { Provider } from '../provider/provider.entity';
import { Encounter, EncounterDiagnosis, EncounterLine, EncounterStatus } from './encounter.entity';
import type { ChangeEncounterStatusInput, CreateEncounterInput, EncounterFilter, UpdateEncounterInput } from './encounter.inputs';

export const EncounterConnection = Connection('Encounter', () => Encounter);

const S = EncounterStatus;
/** BILLED is reached only by creating a claim from the encounter. */
export const ENCOUNTER_TRANSITIONS: Readonly<Record<EncounterStatus, readonly EncounterStatus[]>> = {
  [S.OPEN]: [S.CODED],
  [S.CODED]: [S.OPEN, S.BILLED],
  [S.BILLED]: [],
};
const MANUAL_TARGETS: readonly EncounterStatus[] = [S.OPEN, S.CODED];

export class EncounterService {
  private readonly codes: CodeService;

  constructor(private readonly ctx: ServiceContext) {
    this.codes = new CodeService(ctx);
  }

  async mustGet(id: string): Promise<Encounter> {
    const encounter = await findById(this.ctx.em, Encounter, id);
    if (!encounter) throw new NotFoundError('Encounter', id);
    return encounter;
  }

  list(filter: EncounterFilter | null | undefined, page: PageRequest) {
    assertIdFilters({ 'filter.patientId': filter?.patientId });
    const where: FilterQuery<Encounter>[] = [];
    if (filter?.status?.length) where.push({ status: { $in: filter.status } });
    if (filter?.patientId) where.push({ patient: filter.patientId });
    if (filter?.serviceDateFrom) where.push({ serviceDateFrom: { $gte: filter.serviceDateFrom } });
    if (filter?.serviceDateTo) where.push({ serviceDateFrom: { $lte: filter.serviceDateTo } });
    return paginate(this.ctx.em, Encounter, where.length ? { $and: where } : {}, page, EncounterConnection);
  }

  async create(input: CreateEncounterInput): Promise<Encounter> {
    const issues = new IssueCollector();
    const [patient, billing, rendering] = await Promise.all([
      findById(this.ctx.em, Patient, input.patientId),
      findById(this.ctx.em, Provider, input.billingProviderId),
      findById(this.ctx.em, Provider, input.renderingProviderId),
    ]);
    if (!patient) issues.add('input.patientId', 'NOT_FOUND', 'no such patient');
    checkProviders(billing, rendering, issues);
    const coding = await validateCoding(
      {
        placeOfService: input.placeOfService,
        serviceDateFrom: input.serviceDateFrom,
        serviceDateTo: input.serviceDateTo ?? input.serviceDateFrom,
        diagnoses: input.diagnoses ?? [],
        lines: input.lines ?? [],
      },
      this.codes,
      issues,
      { root: 'input', diagnoses: 'input.diagnoses', lines: 'input.lines' },
    );
    issues.throwIfAny();
    const encounter = this.ctx.em.create(Encounter, {
      patient: patient!,
      billingProvider: billing!,
      renderingProvider: rendering!,
      placeOfService: coding.placeOfService,
      serviceDateFrom: coding.serviceDateFrom,
      serviceDateTo: coding.serviceDateTo,
    });
    this.replaceCoding(encounter, coding, true, true);
    await this.ctx.em.flush();
    this.ctx.logger.info({ encounterId: encounter.id }, 'encounter created');
    return encounter;
  }

  async update(input: UpdateEncounterInput): Promise<Encounter> {
    const encounter = await this.mustGet(input.id);
    assertVersion('Encounter', encounter, input.version);
    if (encounter.status !== S.OPEN) {
      throw new FailedPreconditionError('ENCOUNTER_NOT_OPEN', `Encounter ${encounter.id} is ${encounter.status}; reopen it before changing its coding`);
    }
    const issues = new IssueCollector();
    const [billing, rendering] = await Promise.all([
      findById(this.ctx.em, Provider, input.billingProviderId ?? encounter.billingProvider.id),
      findById(this.ctx.em, Provider, input.renderingProviderId ?? encounter.renderingProvider.id),
    ]);
    checkProviders(billing, rendering, issues);
    const current = await this.currentCoding(encounter);
    const singleDay = encounter.serviceDateFrom === encounter.serviceDateTo;
    const from = input.serviceDateFrom ?? encounter.serviceDateFrom;
    // A one-day visit moved to another day stays a one-day visit, and its lines move with it.
    const to = input.serviceDateTo ?? (singleDay && input.serviceDateFrom ? from : encounter.serviceDateTo);
    const carryLines = !input.lines && singleDay && from !== encounter.serviceDateFrom && from === to;
    const lines = input.lines ?? (carryLines ? current.lines.map((l) => ({ ...l, serviceDate: from })) : current.lines);
    const coding = await validateCoding(
      {
        placeOfService: input.placeOfService ?? encounter.placeOfService,
        serviceDateFrom: from,
        serviceDateTo: to,
        diagnoses: input.diagnoses ?? current.diagnoses,
        lines,
      },
      this.codes,
      issues,
      // Problems in parts the client did not send are named where they live: the stored encounter.
      { root: 'input', diagnoses: input.diagnoses ? 'input.diagnoses' : 'encounter.diagnoses', lines: input.lines ? 'input.lines' : 'encounter.lines' },
    );
    issues.throwIfAny();
    encounter.billingProvider = ref(billing!);
    encounter.renderingProvider = ref(rendering!);
    encounter.placeOfService = coding.placeOfService;
    encounter.serviceDateFrom = coding.serviceDateFrom;
    encounter.serviceDateTo = coding.serviceDateTo;
    await this.replaceCodingPersisted(encounter, coding, input.diagnoses != null, input.lines != null || carryLines);
    encounter.updatedAt = new Date();
    await flushOrConflict(this.ctx.em, 'Encounter', encounter);
    return encounter;
  }

  async changeStatus(input: ChangeEncounterStatusInput): Promise<Encounter> {
    const encounter = await this.mustGet(input.id);
    assertVersion('Encounter', encounter, input.version);
    const allowed = ENCOUNTER_TRANSITIONS[encounter.status].filter((s) => MANUAL_TARGETS.includes(s));
    if (!allowed.includes(input.status)) {
      throw new InvalidStatusTransitionError('Encounter', encounter.id, encounter.status, input.status, allowed);
    }
    if (input.status === S.CODED) {
      const coding = await this.currentCoding(encounter);
      if (coding.diagnoses.length === 0 || coding.lines.length === 0) {
        throw new FailedPreconditionError('INCOMPLETE_CODING', 'An encounter needs at least one diagnosis and one service line to be CODED');
      }
      // Codes may have been retired since they were entered: check again before calling it coded.
      const issues = new IssueCollector();
      await validateCoding({ ...coding, placeOfService: encounter.placeOfService, serviceDateFrom: encounter.serviceDateFrom, serviceDateTo: encounter.serviceDateTo }, this.codes, issues, {
        root: 'encounter',
        diagnoses: 'encounter.diagnoses',
        lines: 'encounter.lines',
      });
      issues.throwIfAny();
    }
    encounter.status = input.status;
    await flushOrConflict(this.ctx.em, 'Encounter', encounter);
    return encounter;
  }

  /** Marks a CODED encounter BILLED once a claim has been created from it (same unit of work). */
  markBilled(encounter: Encounter): void {
    if (encounter.status === S.CODED) encounter.status = S.BILLED;
  }

  async currentCoding(encounter: Encounter): Promise<Pick<CodingInput, 'diagnoses' | 'lines'>> {
    const [diagnoses, lines] = await Promise.all([
      this.ctx.em.find(EncounterDiagnosis, { encounter: encounter.id }, { orderBy: { position: 'asc' } }),
      this.ctx.em.find(EncounterLine, { encounter: encounter.id }, { orderBy: { lineNumber: 'asc' } }),
    ]);
    return {
      diagnoses: diagnoses.map((d) => d.code),
      lines: lines.map((l) => ({
        procedureCode: l.procedureCode,
        modifiers: l.modifiers,
        units: l.units,
        chargeCents: l.chargeCents,
        diagnosisPointers: l.diagnosisPointers,
        serviceDate: l.serviceDate,
      })),
    };
  }

  private async replaceCodingPersisted(encounter: Encounter, coding: CleanCoding, diagnoses: boolean, lines: boolean) {
    // Load the collections so the replaced rows are orphan-removed in the same flush (one transaction).
    if (diagnoses) await encounter.diagnoses.init();
    if (lines) await encounter.lines.init();
    this.replaceCoding(encounter, coding, diagnoses, lines);
  }

  private replaceCoding(encounter: Encounter, coding: CleanCoding, diagnoses: boolean, lines: boolean) {
    const em = this.ctx.em;
    if (diagnoses) encounter.diagnoses.set(coding.diagnoses.map((code, i) => em.create(EncounterDiagnosis, { encounter, position: i + 1, code })));
    if (lines) encounter.lines.set(coding.lines.map((line) => em.create(EncounterLine, { encounter, ...line })));
  }
}

function checkProviders(billing: Provider | null, rendering: Provider | null, issues: IssueCollector): void {
  if (!billing) issues.add('input.billingProviderId', 'NOT_FOUND', 'no such provider');
  else if (!billing.isBilling) issues.add('input.billingProviderId', 'NOT_BILLING', 'this provider is not set up as a billing provider');
  if (!rendering) issues.add('input.renderingProviderId', 'NOT_FOUND', 'no such provider');
  else if (!rendering.isRendering) issues.add('input.renderingProviderId', 'NOT_RENDERING', 'this provider is not set up as a rendering provider');
}
