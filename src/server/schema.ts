import { ClaimFindingResolver, ClaimScrubFieldsResolver, ClaimScrubResolver, ScrubResolver } from '../modules/scrub/scrub.resolver';
import 'reflect-metadata';
import type { GraphQLSchema } from 'graphql';
import { buildSchema, type AuthChecker } from 'type-graphql';
import { ForbiddenError, UnauthenticatedError } from '../common/errors';
import { ClaimResolver } from '../modules/claim/claim.resolver';
import { DenialResolver, PayerDenialStatsResolver } from '../modules/denial/denial.resolver';
import { CodeResolver } from '../modules/code/code.resolver';
import { CoverageResolver } from '../modules/coverage/coverage.resolver';
import { EncounterResolver } from '../modules/encounter/encounter.resolver';
import { PatientResolver } from '../modules/patient/patient.resolver';
import { PayerResolver } from '../modules/payer/payer.resolver';
import { ProviderResolver } from '../modules/provider/provider.resolver';
import { ReferenceResolver } from '../modules/reference/reference.resolver';
import { SubmissionResolver } from '../modules/submission/submission.resolver';
import { ClaimPaymentResolver, ClaimPaymentsFieldResolver, DenialPredictionResolver, ImportRemittancePayloadResolver, RemittanceResolver, ServicePaymentResolver } from '../modules/remittance/remittance.resolver';
import { applyFieldRules } from '../auth/phi';
import { AuditResolver } from '../modules/audit/audit.resolver';
import type { RequestContext } from './context';

export const RESOLVERS = [
  PatientResolver,
  PayerResolver,
  CoverageResolver,
  ProviderResolver,
  CodeResolver,
  EncounterResolver,
  ClaimResolver,
  ReferenceResolver,
  ScrubResolver,
  ClaimScrubFieldsResolver,
  ClaimScrubResolver,
  ClaimFindingResolver,
  DenialResolver,
  PayerDenialStatsResolver,
  SubmissionResolver,
  RemittanceResolver,
  ImportRemittancePayloadResolver,
  ClaimPaymentResolver,
  ServicePaymentResolver,
  ClaimPaymentsFieldResolver,
  DenialPredictionResolver,
  AuditResolver,
] as const;

/**
 * Runs only on fields marked @Authorized (root queries and mutations), never as a global
 * middleware: a per-field check costs ~5× the CPU on nested lists (see shared STACK.md).
 * PHI fields and edges to restricted types are checked by their own resolvers only
 * (src/auth/phi.ts, applied below).
 */
const authChecker: AuthChecker<RequestContext> = ({ context }, roles) => {
  if (!context.principal) throw new UnauthenticatedError();
  if (roles.length > 0 && !roles.includes(context.principal.role)) throw new ForbiddenError(roles);
  return true;
};

let cached: Promise<GraphQLSchema> | undefined;

export function buildAppSchema(): Promise<GraphQLSchema> {
  cached ??= buildSchema({
    resolvers: RESOLVERS,
    authChecker,
    authMode: 'error',
    validate: false,
    emitSchemaFile: false,
  }).then(applyFieldRules);
  return cached;
}
