import { Role } from '../common/enums';

export interface Principal {
  /** Token subject: a user id, never a patient identifier. */
  sub: string;
  role: Role;
}

/** Roles grouped by what they are for; resolvers name one of these. */
export const Roles = {
  ANY: [Role.VIEWER, Role.CODER, Role.BILLER, Role.COMPLIANCE, Role.ADMIN],
  CODING: [Role.CODER, Role.ADMIN],
  BILLING: [Role.BILLER, Role.ADMIN],
  /** Patient registration and insurance: front office / billing staff. */
  REGISTRATION: [Role.BILLER, Role.ADMIN],
  /** Payer contracts, code tables, rules. */
  COMPLIANCE: [Role.COMPLIANCE, Role.ADMIN],
  ADMIN: [Role.ADMIN],
} as const satisfies Record<string, readonly Role[]>;
