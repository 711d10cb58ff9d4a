import jwt from 'jsonwebtoken';
import { Role } from '../common/enums';
import type { Principal } from './principal';

const ROLES = new Set<string>(Object.values(Role));
export const JWT_ISSUER = 'claimflow';
/** Tolerance for clocks of token issuers and this server disagreeing. */
export const CLOCK_TOLERANCE_SECONDS = 30;

export class TokenError extends Error {}

export function signToken(secret: string, principal: Principal, expiresInSeconds = 8 * 3600): string {
  return jwt.sign({ role: principal.role }, secret, {
    algorithm: 'HS256',
    subject: principal.sub,
    issuer: JWT_ISSUER,
    expiresIn: expiresInSeconds,
  });
}

/** Verifies signature (HS256 only), issuer, expiry and role. Error messages never echo the token. */
export function verifyToken(secret: string, token: string): Principal {
  let payload: jwt.JwtPayload | string;
  try {
    payload = jwt.verify(token, secret, {
      algorithms: ['HS256'],
      issuer: JWT_ISSUER,
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
    });
  } catch (err) {
    if (err instanceof jwt.TokenExpiredError) throw new TokenError('token expired');
    if (err instanceof jwt.NotBeforeError) throw new TokenError('token not yet valid');
    throw new TokenError('token invalid');
  }
  if (typeof payload === 'string' || typeof payload.sub !== 'string' || payload.sub === '') {
    throw new TokenError('token has no subject');
  }
  if (typeof payload.exp !== 'number') throw new TokenError('token has no expiry');
  const role = payload.role;
  if (typeof role !== 'string' || !ROLES.has(role)) throw new TokenError('token role unknown');
  return { sub: payload.sub, role: role as Role };
}

export function bearerToken(header: string | undefined): string | null {
  if (!header) return null;
  const m = /^Bearer\s+([A-Za-z0-9._~+/=-]+)\s*$/i.exec(header);
  return m ? m[1]! : null;
}
