import { defaultFieldResolver, isNonNullType, isObjectType, type GraphQLFieldResolver, type GraphQLSchema } from 'graphql';
import { AppError, ErrorCode } from '../common/errors';
import { Role } from '../common/enums';
import type { RequestContext } from '../server/context';
import { Roles } from './principal';

/**
 * Field-level access rules: the one list of fields that not every role may read, and why.
 *
 * Which fields are PHI: the HIPAA Safe Harbor identifiers a claimflow type carries
 * (45 CFR 164.514(b)(2)(i)): names; geographic subdivisions smaller than a state (street address,
 * city, ZIP code); all elements of dates except the year related to an individual (birth dates);
 * health plan beneficiary numbers (member ids). Sex and state are not identifiers there and stay
 * readable. The subscriber's details on a coverage are a second person's identifiers and are
 * treated the same way. SubmissionBatch.x12 is the 837P text, which holds all of the above.
 *
 * Who reads PHI (minimum necessary, 45 CFR 164.502(b) / 164.514(d)): coders (they code from the
 * chart and must match the patient), billers (registration, claims, statements) and admins.
 * VIEWER (read-only dashboards) and COMPLIANCE (rules, payers, denial analysis: aggregates and
 * ids) do not: they get null for these fields and one error per field with
 * `extensions: { code: FORBIDDEN, reason: PHI, requiredRoles }`; the rest of the data still returns.
 *
 * Applied by wrapping the listed fields' resolvers once at schema build (`applyFieldRules`), not
 * by a global middleware: a check on every field costs ~5× the CPU on nested lists
 * (shared STACK.md). OWASP GraphQL Cheat Sheet, "Authorization": check access on edges and
 * nodes, not only at the query root — a node reached through an edge obeys the same rules.
 */

/** Roles that may read patient and subscriber identifiers. */
export const PHI_READERS: readonly Role[] = [Role.CODER, Role.BILLER, Role.ADMIN];

/** Roles that may read denials (the billers' work queue; compliance studies it). Same as the denial/denials queries. */
export const DENIAL_READERS: readonly Role[] = [Role.BILLER, Role.COMPLIANCE, Role.ADMIN];

export type FieldRuleReason = 'PHI' | 'RESTRICTED_TYPE';

export interface FieldRule {
  roles: readonly Role[];
  reason: FieldRuleReason;
  /** Reads of the field are audited as READ_PHI of the parent object (by its `id`). */
  audited: boolean;
}

const phi: FieldRule = { roles: PHI_READERS, reason: 'PHI', audited: true };

/** `Type.field` → rule. Every listed field must be nullable in the schema (checked at build). */
export const FIELD_RULES: Readonly<Record<string, Readonly<Record<string, FieldRule>>>> = {
  Patient: {
    firstName: phi,
    middleName: phi,
    lastName: phi,
    birthDate: phi,
    addressLine1: phi,
    addressLine2: phi,
    city: phi,
    postalCode: phi,
  },
  Coverage: {
    memberId: phi,
    subscriberFirstName: phi,
    subscriberLastName: phi,
    subscriberBirthDate: phi,
    subscriberSex: phi,
  },
  // The 837P text: the same roles as the submissionBatch query and submitClaims.
  SubmissionBatch: { x12: { roles: Roles.BILLING, reason: 'PHI', audited: true } },
  // Denials reached from an 835 payment (remittances are readable by every role).
  ClaimPayment: { denials: { roles: DENIAL_READERS, reason: 'RESTRICTED_TYPE', audited: false } },
};

/**
 * Object types that only some roles may reach at all, with those roles: the root queries that
 * return them carry the same @Authorized list, and every other edge to them must be a root field
 * restricted as tightly or a FIELD_RULES entry (test/security/phi.test.ts walks the schema).
 */
export const RESTRICTED_TYPES: Readonly<Record<string, readonly Role[]>> = {
  Denial: DENIAL_READERS,
  SubmissionBatch: Roles.BILLING,
};

/**
 * Fields whose names look like PHI but are not about a patient: providers are practices and
 * clinicians whose names and addresses are public (NPPES NPI registry).
 */
export const NOT_PHI: Readonly<Record<string, string>> = {
  Provider: 'providers are not patients: their NPI registry entries are public',
};

export class FieldForbiddenError extends AppError {
  constructor(rule: FieldRule) {
    super(ErrorCode.FORBIDDEN, rule.reason === 'PHI' ? 'Your role may not read this field (PHI)' : 'Your role may not read this field', {
      reason: rule.reason,
      requiredRoles: rule.roles,
    });
  }
}

/**
 * Filtering by a PHI value is reading it: a role that gets null for `lastName` could otherwise
 * learn who is a patient by asking for `patients(filter: { lastNamePrefix, birthDate })` and
 * counting the answers. `paths` are the filter fields the caller set (e.g. `filter.birthDate`).
 */
export function assertMayFilterByPhi(role: Role, paths: readonly string[]): void {
  if (paths.length === 0 || PHI_READERS.includes(role)) return;
  throw new AppError(ErrorCode.FORBIDDEN, `Your role may not filter by PHI (${paths.join(', ')})`, { reason: 'PHI', requiredRoles: PHI_READERS });
}

/** Collects, per request, which objects' PHI fields were resolved (for the READ_PHI audit). */
export interface PhiReadSink {
  notePhiRead(entity: string, id: string): void;
}

function guard(typeName: string, rule: FieldRule, resolve: GraphQLFieldResolver<unknown, RequestContext>): GraphQLFieldResolver<unknown, RequestContext> {
  return (source, args, context, info) => {
    if (!rule.roles.includes(context.principal.role)) throw new FieldForbiddenError(rule);
    if (rule.audited) {
      const id = (source as { id?: unknown }).id;
      if (typeof id === 'string') context.audit.notePhiRead(typeName, id);
    }
    return resolve(source, args, context, info);
  };
}

/** Wraps every FIELD_RULES field's resolver with its role check; refuses a non-null or unknown field. */
export function applyFieldRules(schema: GraphQLSchema): GraphQLSchema {
  for (const [typeName, fields] of Object.entries(FIELD_RULES)) {
    const type = schema.getType(typeName);
    if (!type || !isObjectType(type)) throw new Error(`FIELD_RULES: no object type ${typeName}`);
    for (const [fieldName, rule] of Object.entries(fields)) {
      const field = type.getFields()[fieldName];
      if (!field) throw new Error(`FIELD_RULES: ${typeName}.${fieldName} is not in the schema`);
      // A refused non-null field would null its parent (and on up): the rest of the data is lost.
      if (isNonNullType(field.type)) throw new Error(`FIELD_RULES: ${typeName}.${fieldName} must be nullable`);
      field.resolve = guard(typeName, rule, (field.resolve ?? defaultFieldResolver) as GraphQLFieldResolver<unknown, RequestContext>);
    }
  }
  return schema;
}
