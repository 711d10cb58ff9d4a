import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Roles } from '../../auth/principal';
import { parsePageArgs } from '../../common/pagination';
import { Payload, payload } from '../../common/payloads';
import type { RequestContext } from '../../server/context';
import { Coverage } from '../coverage/coverage.entity';
import { Patient } from './patient.entity';
import { CreatePatientInput, PatientsArgs, UpdatePatientInput } from './patient.inputs';
import { PatientConnection } from './patient.service';

const CreatePatientPayload = Payload('CreatePatientPayload', 'patient', () => Patient);
const UpdatePatientPayload = Payload('UpdatePatientPayload', 'patient', () => Patient);

@Resolver(() => Patient)
export class PatientResolver {
  @Authorized(...Roles.ANY)
  @Query(() => Patient, { nullable: true })
  patient(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext): Promise<Patient | null> {
    return ctx.loaders.patientById.load(id);
  }

  @Authorized(...Roles.ANY)
  @Query(() => PatientConnection)
  patients(@Args(() => PatientsArgs) args: PatientsArgs, @Ctx() ctx: RequestContext) {
    return ctx.services.patients.list(args.filter, parsePageArgs(args));
  }

  @Authorized(...Roles.REGISTRATION)
  @Mutation(() => CreatePatientPayload)
  async createPatient(@Arg('input', () => CreatePatientInput) input: CreatePatientInput, @Ctx() ctx: RequestContext) {
    return payload(CreatePatientPayload, 'patient', await ctx.services.patients.create(input));
  }

  @Authorized(...Roles.REGISTRATION)
  @Mutation(() => UpdatePatientPayload)
  async updatePatient(@Arg('input', () => UpdatePatientInput) input: UpdatePatientInput, @Ctx() ctx: RequestContext) {
    return payload(UpdatePatientPayload, 'patient', await ctx.services.patients.update(input));
  }

  @FieldResolver(() => [Coverage])
  coverages(@Root() patient: Patient, @Ctx() ctx: RequestContext): Promise<Coverage[]> {
    return ctx.loaders.coveragesByPatientId.load(patient.id);
  }
}
