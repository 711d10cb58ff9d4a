import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Roles } from '../../auth/principal';
import { parsePageArgs } from '../../common/pagination';
import { Payload, payload } from '../../common/payloads';
import type { RequestContext } from '../../server/context';
import { Claim } from '../claim/claim.entity';
import { Patient } from '../patient/patient.entity';
import { Provider } from '../provider/provider.entity';
import { Encounter, EncounterDiagnosis, EncounterLine } from './encounter.entity';
import { ChangeEncounterStatusInput, CreateEncounterInput, EncountersArgs, UpdateEncounterInput } from './encounter.inputs';
import { EncounterConnection } from './encounter.service';

const CreateEncounterPayload = Payload('CreateEncounterPayload', 'encounter', () => Encounter);
const UpdateEncounterPayload = Payload('UpdateEncounterPayload', 'encounter', () => Encounter);
const ChangeEncounterStatusPayload = Payload('ChangeEncounterStatusPayload', 'encounter', () => Encounter);

@Resolver(() => Encounter)
export class EncounterResolver {
  @Authorized(...Roles.ANY)
  @Query(() => Encounter, { nullable: true })
  encounter(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext): Promise<Encounter | null> {
    return ctx.loaders.encounterById.load(id);
  }

  @Authorized(...Roles.ANY)
  @Query(() => EncounterConnection)
  encounters(@Args(() => EncountersArgs) args: EncountersArgs, @Ctx() ctx: RequestContext) {
    return ctx.services.encounters.list(args.filter, parsePageArgs(args));
  }

  @Authorized(...Roles.CODING)
  @Mutation(() => CreateEncounterPayload)
  async createEncounter(@Arg('input', () => CreateEncounterInput) input: CreateEncounterInput, @Ctx() ctx: RequestContext) {
    return payload(CreateEncounterPayload, 'encounter', await ctx.services.encounters.create(input));
  }

  @Authorized(...Roles.CODING)
  @Mutation(() => UpdateEncounterPayload)
  async updateEncounter(@Arg('input', () => UpdateEncounterInput) input: UpdateEncounterInput, @Ctx() ctx: RequestContext) {
    return payload(UpdateEncounterPayload, 'encounter', await ctx.services.encounters.update(input));
  }

  @Authorized(...Roles.CODING)
  @Mutation(() => ChangeEncounterStatusPayload, { description: 'Finish coding (→ CODED) or reopen it (→ OPEN).' })
  async changeEncounterStatus(@Arg('input', () => ChangeEncounterStatusInput) input: ChangeEncounterStatusInput, @Ctx() ctx: RequestContext) {
    return payload(ChangeEncounterStatusPayload, 'encounter', await ctx.services.encounters.changeStatus(input));
  }

  @FieldResolver(() => Patient)
  patient(@Root() e: Encounter, @Ctx() ctx: RequestContext) {
    return ctx.loaders.patientById.load(e.patient.id);
  }

  @FieldResolver(() => Provider)
  billingProvider(@Root() e: Encounter, @Ctx() ctx: RequestContext) {
    return ctx.loaders.providerById.load(e.billingProvider.id);
  }

  @FieldResolver(() => Provider)
  renderingProvider(@Root() e: Encounter, @Ctx() ctx: RequestContext) {
    return ctx.loaders.providerById.load(e.renderingProvider.id);
  }

  @FieldResolver(() => [EncounterDiagnosis])
  diagnoses(@Root() e: Encounter, @Ctx() ctx: RequestContext) {
    return ctx.loaders.encounterDiagnosesByEncounterId.load(e.id);
  }

  @FieldResolver(() => [EncounterLine])
  lines(@Root() e: Encounter, @Ctx() ctx: RequestContext) {
    return ctx.loaders.encounterLinesByEncounterId.load(e.id);
  }

  @FieldResolver(() => [Claim], { description: 'Claims created from this encounter.' })
  claims(@Root() e: Encounter, @Ctx() ctx: RequestContext) {
    return ctx.loaders.claimsByEncounterId.load(e.id);
  }
}
