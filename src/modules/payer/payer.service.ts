import { findById } from '../../common/find';
import { IssueCollector, NotFoundError } from '../../common/errors';
import { Connection, paginate, type PageRequest } from '../../common/pagination';
import { ilike, integer, likeSafe, text } from '../../common/validate';
import { applyPatch, assertVersion, flushOrConflict } from '../../common/versioning';
import type { ServiceContext } from '../../server/context';
import { Payer } from './payer.entity';
import type { CreatePayerInput, UpdatePayerInput } from './payer.inputs';

export const PayerConnection = Connection('Payer', () => Payer);

export class PayerService {
  constructor(private readonly ctx: ServiceContext) {}

  async mustGet(id: string): Promise<Payer> {
    const payer = await findById(this.ctx.em, Payer, id);
    if (!payer) throw new NotFoundError('Payer', id);
    return payer;
  }

  list(search: string | null | undefined, page: PageRequest) {
    const where = search && likeSafe(search) ? { name: ilike(this.ctx.em, `%${likeSafe(search)}%`) } : {};
    return paginate(this.ctx.em, Payer, where, page, PayerConnection);
  }

  async create(input: CreatePayerInput): Promise<Payer> {
    const issues = new IssueCollector();
    const clean = this.validate(input, issues, true);
    await this.assertPayerIdFree(clean.payerId, null, issues);
    issues.throwIfAny();
    const payer = this.ctx.em.create(Payer, clean as CreatePayerInput);
    await this.ctx.em.flush();
    return payer;
  }

  async update(input: UpdatePayerInput): Promise<Payer> {
    const { id, version, ...changes } = input;
    const issues = new IssueCollector();
    const clean = this.validate(changes, issues, false);
    await this.assertPayerIdFree(clean.payerId, id, issues);
    issues.throwIfAny();
    const payer = await this.mustGet(id);
    assertVersion('Payer', payer, version);
    applyPatch(payer, clean as Partial<Payer>);
    await flushOrConflict(this.ctx.em, 'Payer', payer);
    return payer;
  }

  private async assertPayerIdFree(payerId: string | null | undefined, selfId: string | null, issues: IssueCollector) {
    if (!payerId) return;
    const other = await this.ctx.em.findOne(Payer, { payerId });
    if (other && other.id !== selfId) issues.add('input.payerId', 'DUPLICATE', 'is already used by another payer');
  }

  private validate(input: Partial<Omit<UpdatePayerInput, 'id' | 'version'>>, issues: IssueCollector, creating: boolean): Partial<CreatePayerInput> {
    const required = creating;
    const out = {
      name: text(issues, 'input.name', input.name, { max: 60, required }) ?? undefined,
      payerId: text(issues, 'input.payerId', input.payerId, { max: 80, required, pattern: /^[A-Za-z0-9]{2,80}$/, patternHint: 'must be 2–80 letters or digits' }) ?? undefined,
      claimFilingIndicator: input.claimFilingIndicator ?? undefined,
      timelyFilingDays: integer(issues, 'input.timelyFilingDays', input.timelyFilingDays, { min: 1, max: 3650, required }) ?? undefined,
      appealDays: integer(issues, 'input.appealDays', input.appealDays, { min: 1, max: 3650, required }) ?? undefined,
      ruleSetKey: input.ruleSetKey === undefined ? undefined : text(issues, 'input.ruleSetKey', input.ruleSetKey, { max: 60, pattern: /^[a-z0-9][a-z0-9-]*$/, patternHint: 'must be lower-case letters, digits and -' }),
    } as Partial<CreatePayerInput>;
    if (creating && !input.claimFilingIndicator) issues.add('input.claimFilingIndicator', 'REQUIRED', 'is required');
    return out;
  }
}
