import type { FactType } from './facts';

/**
 * Operators a rule may use: json-rules-engine's built-ins and ours. Each lists the fact types it
 * accepts, so a rule comparing a list with `lessThan` is refused on load with a clear message
 * instead of silently never matching. The decorators everyFact/someFact/everyValue/someValue/not
 * may prefix an operator (e.g. "not:in"), as in json-rules-engine 7.
 */

export interface OperatorSpec {
  name: string;
  description: string;
  /** Fact types the left-hand side may have. */
  factTypes: readonly FactType[];
  /** What the value must be, for validation and docs. */
  value: 'scalar' | 'array' | 'boolean' | 'date' | 'number' | 'numberPair' | 'stringArray';
  example: Record<string, unknown>;
  /** Ours (added to each engine); built-ins come with json-rules-engine. */
  custom?: (factValue: unknown, value: unknown) => boolean;
}

const SCALARS: FactType[] = ['string', 'number', 'boolean', 'date'];
const ARRAYS: FactType[] = ['string[]', 'number[]'];

const asList = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === null || v === undefined ? [] : [v]);
const isDate = (v: unknown): v is string => typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v);

export const OPERATORS: readonly OperatorSpec[] = [
  { name: 'equal', description: 'Fact equals the value (strict; `null` matches a missing value).', factTypes: SCALARS, value: 'scalar', example: { fact: 'claim.frequency', operator: 'equal', value: '7' } },
  { name: 'notEqual', description: 'Fact differs from the value.', factTypes: SCALARS, value: 'scalar', example: { fact: 'patient.sex', operator: 'notEqual', value: 'U' } },
  { name: 'in', description: 'Fact is one of the values.', factTypes: SCALARS, value: 'array', example: { fact: 'line.code', operator: 'in', value: ['70551', '70553'] } },
  { name: 'notIn', description: 'Fact is none of the values.', factTypes: SCALARS, value: 'array', example: { fact: 'claim.placeOfService', operator: 'notIn', value: ['11', '22'] } },
  { name: 'contains', description: 'The list fact contains the value.', factTypes: ARRAYS, value: 'scalar', example: { fact: 'line.modifiers', operator: 'contains', value: '59' } },
  { name: 'doesNotContain', description: 'The list fact does not contain the value.', factTypes: ARRAYS, value: 'scalar', example: { fact: 'line.modifiers', operator: 'doesNotContain', value: 'GA' } },
  { name: 'lessThan', description: 'Number fact < value.', factTypes: ['number'], value: 'number', example: { fact: 'patient.ageYears', operator: 'lessThan', value: 18 } },
  { name: 'lessThanInclusive', description: 'Number fact ≤ value.', factTypes: ['number'], value: 'number', example: { fact: 'line.units', operator: 'lessThanInclusive', value: 4 } },
  { name: 'greaterThan', description: 'Number fact > value.', factTypes: ['number'], value: 'number', example: { fact: 'submission.daysFromService', operator: 'greaterThan', value: 90 } },
  { name: 'greaterThanInclusive', description: 'Number fact ≥ value.', factTypes: ['number'], value: 'number', example: { fact: 'patient.ageYears', operator: 'greaterThanInclusive', value: 65 } },
  {
    name: 'between',
    description: 'Number fact within [min, max], both inclusive.',
    factTypes: ['number'],
    value: 'numberPair',
    example: { fact: 'patient.ageYears', operator: 'between', value: [0, 17] },
    custom: (f, v) => typeof f === 'number' && Array.isArray(v) && f >= Number(v[0]) && f <= Number(v[1]),
  },
  {
    name: 'intersects',
    description: 'The fact (a value or a list) shares at least one element with the value list.',
    factTypes: [...SCALARS, ...ARRAYS],
    value: 'array',
    example: { fact: 'line.diagnoses', operator: 'intersects', value: ['M5416', 'M5417'] },
    custom: (f, v) => Array.isArray(v) && asList(f).some((x) => v.includes(x)),
  },
  {
    name: 'disjoint',
    description: 'The fact (a value or a list) shares no element with the value list.',
    factTypes: [...SCALARS, ...ARRAYS],
    value: 'array',
    example: { fact: 'line.diagnoses', operator: 'disjoint', value: { fact: 'payerList', params: { name: 'mri-lumbar-diagnoses' } } },
    custom: (f, v) => Array.isArray(v) && !asList(f).some((x) => v.includes(x)),
  },
  {
    name: 'anyStartsWith',
    description: 'Some element of the fact (a string or list of strings) starts with one of the prefixes: ICD-10-CM categories and chapters ("M54", "O").',
    factTypes: ['string', 'string[]'],
    value: 'stringArray',
    example: { fact: 'line.diagnoses', operator: 'anyStartsWith', value: ['M54', 'M51'] },
    custom: (f, v) => Array.isArray(v) && asList(f).some((x) => typeof x === 'string' && v.some((p) => typeof p === 'string' && x.startsWith(p))),
  },
  {
    name: 'noneStartsWith',
    description: 'No element of the fact starts with any of the prefixes.',
    factTypes: ['string', 'string[]'],
    value: 'stringArray',
    example: { fact: 'line.diagnoses', operator: 'noneStartsWith', value: ['M54', 'M51'] },
    custom: (f, v) => Array.isArray(v) && !asList(f).some((x) => typeof x === 'string' && v.some((p) => typeof p === 'string' && x.startsWith(p))),
  },
  {
    name: 'isEmpty',
    description: 'With value true: the list (or string) fact is empty or null. With false: it is not.',
    factTypes: ['string', ...ARRAYS],
    value: 'boolean',
    example: { fact: 'line.ptpDeniedWith', operator: 'isEmpty', value: false },
    custom: (f, v) => (f === null || f === undefined || (typeof f === 'string' || Array.isArray(f) ? f.length === 0 : false)) === v,
  },
  { name: 'dateBefore', description: 'Date fact is before the date value.', factTypes: ['date'], value: 'date', example: { fact: 'claim.serviceDateFrom', operator: 'dateBefore', value: '2026-01-01' }, custom: (f, v) => isDate(f) && isDate(v) && f < v },
  { name: 'dateOnOrBefore', description: 'Date fact is on or before the date value.', factTypes: ['date'], value: 'date', example: { fact: 'claim.serviceDateTo', operator: 'dateOnOrBefore', value: '2026-12-31' }, custom: (f, v) => isDate(f) && isDate(v) && f <= v },
  { name: 'dateAfter', description: 'Date fact is after the date value.', factTypes: ['date'], value: 'date', example: { fact: 'submission.date', operator: 'dateAfter', value: { fact: 'filing.deadline', params: { days: 90 } } }, custom: (f, v) => isDate(f) && isDate(v) && f > v },
  { name: 'dateOnOrAfter', description: 'Date fact is on or after the date value.', factTypes: ['date'], value: 'date', example: { fact: 'claim.serviceDateFrom', operator: 'dateOnOrAfter', value: '2026-10-01' }, custom: (f, v) => isDate(f) && isDate(v) && f >= v },
];

export const OPERATORS_BY_NAME: ReadonlyMap<string, OperatorSpec> = new Map(OPERATORS.map((o) => [o.name, o]));

/**
 * json-rules-engine 7 operator decorators. `someFact`/`everyFact` apply the operator to each
 * element of a list fact; `someValue`/`everyValue` to each element of the value list; `not`
 * negates. (`swap` is left out: it reverses sides and defeats the type checks.)
 */
export const DECORATORS = ['someFact', 'everyFact', 'someValue', 'everyValue', 'not'] as const;

/** The fact type an element-wise decorator sees. */
export function elementType(t: FactType): FactType | null {
  if (t === 'string[]') return 'string';
  if (t === 'number[]') return 'number';
  return null;
}
