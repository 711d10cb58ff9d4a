import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Roles } from '../../auth/principal';
import { parsePageArgs } from '../../common/pagination';
import { Payload, payload } from '../../common/payloads';
import type { RequestContext } from '../../server/context';
import { Patient } from '../patient/patient.entity';
import { Payer } from '../payer/payer.entity';
import { Coverage } from './coverage.entity';
import { CoveragesArgs, CreateCoverageInput, UpdateCoverageInput } from './coverage.inputs';
import { CoverageConnection } from './coverage.service';

const CreateCoveragePayload = Payload('CreateCoveragePayload', 'coverage', () => Coverage);
const UpdateCoveragePayload = Payload('UpdateCoveragePayload', 'coverage', () => Coverage);

@Resolver(() => Coverage)
export class CoverageResolver {
  @Authorized(...Roles.ANY)
  @Query(() => Coverage, { nullable: true })
  coverage(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext): Promise<Coverage | null> {
    return ctx.loaders.coverageById.load(id);
  }

  @Authorized(...Roles.ANY)
  @Query(() => CoverageConnection)
  coverages(@Args(() => CoveragesArgs) args: CoveragesArgs, @Ctx() ctx: RequestContext) {
    return ctx.services.coverages.list(args.filter, parsePageArgs(args));
  }

  @Authorized(...Roles.REGISTRATION)
  @Mutation(() => CreateCoveragePayload)
  async createCoverage(@Arg('input', () => CreateCoverageInput) input: CreateCoverageInput, @Ctx() ctx: RequestContext) {
    return payload(CreateCoveragePayload, 'coverage', await ctx.services.coverages.create(input));
  }

  @Authorized(...Roles.REGISTRATION)
  @Mutation(() => UpdateCoveragePayload)
  async updateCoverage(@Arg('input', () => UpdateCoverageInput) input: UpdateCoverageInput, @Ctx() ctx: RequestContext) {
    return payload(UpdateCoveragePayload, 'coverage', await ctx.services.coverages.update(input));
  }

  @FieldResolver(() => Patient)
  async patient(@Root() coverage: Coverage, @Ctx() ctx: RequestContext): Promise<Patient | null> {
    return ctx.loaders.patientById.load(coverage.patient.id);
  }

  @FieldResolver(() => Payer)
  async payer(@Root() coverage: Coverage, @Ctx() ctx: RequestContext): Promise<Payer | null> {
    return ctx.loaders.payerById.load(coverage.payer.id);
  }
}
