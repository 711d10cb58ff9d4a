import { GraphQLScalarType, Kind } from 'graphql';
import { isLocalDate } from './dates';

/**
 * A calendar date `YYYY-MM-DD` (no time, no zone): dates of service, birth dates, effective dates.
 * Error messages never repeat the value: it may be a birth date (PHI).
 */
export const LocalDateScalar = new GraphQLScalarType<string, string>({
  name: 'LocalDate',
  description: 'A calendar date in ISO 8601 form YYYY-MM-DD, without time or time zone.',
  specifiedByURL: 'https://www.iso.org/iso-8601-date-and-time-format.html',
  serialize(value) {
    if (typeof value === 'string' && isLocalDate(value.slice(0, 10))) return value.slice(0, 10);
    if (value instanceof Date) return value.toISOString().slice(0, 10);
    throw new TypeError('LocalDate cannot serialize this value');
  },
  parseValue(value) {
    if (!isLocalDate(value)) throw new TypeError('LocalDate must be a real calendar date written YYYY-MM-DD');
    return value;
  },
  parseLiteral(ast) {
    if (ast.kind !== Kind.STRING || !isLocalDate(ast.value)) {
      throw new TypeError('LocalDate must be a real calendar date written YYYY-MM-DD');
    }
    return ast.value;
  },
});
