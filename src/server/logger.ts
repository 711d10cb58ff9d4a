import pino, { type Logger } from 'pino';

export type { Logger };

/**
 * Keys that would carry PHI if someone logged an object by mistake. Log ids instead; this list is
 * a safety net, not the policy.
 */
const PHI_KEYS = [
  'firstName',
  'middleName',
  'lastName',
  'birthDate',
  'addressLine1',
  'addressLine2',
  'city',
  'postalCode',
  'memberId',
  'subscriberFirstName',
  'subscriberLastName',
  'subscriberBirthDate',
  'variables',
  'authorization',
];

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'claimflow' },
      redact: {
        paths: [...PHI_KEYS, ...PHI_KEYS.map((k) => `*.${k}`), 'req.headers.authorization'],
        censor: '[redacted]',
      },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}
