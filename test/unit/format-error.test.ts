import {
  GraphQLBoolean,
  GraphQLEnumType,
  GraphQLError,
  GraphQLInputObjectType,
  GraphQLInt,
  GraphQLList,
  GraphQLNonNull,
  GraphQLObjectType,
  GraphQLSchema,
  GraphQLString,
  graphql,
  type GraphQLFormattedError,
} from 'graphql';
import { BadUserInputError, ErrorCode, NotFoundError } from '../../src/common/errors';
import { LocalDateScalar } from '../../src/common/scalars';
import { formatError, stripInputValues } from '../../src/server/format-error';

/**
 * The messages under test come from graphql-js itself (executing against a small schema), so a
 * graphql upgrade that changes their wording shows up here rather than as a PHI leak.
 */
const Sex = new GraphQLEnumType({ name: 'Sex', values: { F: {}, M: {}, U: {} } });
const PatientIn = new GraphQLInputObjectType({
  name: 'PatientIn',
  fields: {
    firstName: { type: new GraphQLNonNull(GraphQLString) },
    birthDate: { type: new GraphQLNonNull(LocalDateScalar) },
    sex: { type: new GraphQLNonNull(Sex) },
    memberId: { type: GraphQLString },
    addressLine1: { type: GraphQLString },
    units: { type: GraphQLInt },
    diagnoses: { type: new GraphQLList(new GraphQLNonNull(GraphQLString)) },
  },
});
const schema = new GraphQLSchema({
  query: new GraphQLObjectType({ name: 'Query', fields: { ok: { type: GraphQLBoolean } } }),
  mutation: new GraphQLObjectType({
    name: 'Mutation',
    fields: {
      createPatient: { type: GraphQLBoolean, args: { input: { type: new GraphQLNonNull(PatientIn) } }, resolve: () => true },
      visit: { type: GraphQLBoolean, args: { on: { type: new GraphQLNonNull(LocalDateScalar) } }, resolve: () => true },
    },
  }),
});

const VALID = { firstName: 'Zebulonia', birthDate: '1950-02-03', sex: 'F' };
const PATIENT_MUTATION = 'mutation($input: PatientIn!) { createPatient(input: $input) }';

async function errorsOf(source: string, variableValues?: Record<string, unknown>): Promise<GraphQLError[]> {
  const result = await graphql({ schema, source, variableValues });
  expect(result.errors?.length).toBeGreaterThan(0);
  return [...result.errors!];
}

async function onlyMessage(source: string, variableValues?: Record<string, unknown>): Promise<string> {
  const errors = await errorsOf(source, variableValues);
  expect(errors).toHaveLength(1);
  return errors[0]!.message;
}

describe('stripInputValues on real graphql-js messages', () => {
  interface Case {
    name: string;
    source: string;
    variables?: Record<string, unknown>;
    secrets: string[];
    /** What must survive: the path and the reason are what a client needs to fix the request. */
    keeps: string[];
  }
  const cases: Case[] = [
    {
      name: 'impossible calendar date in a variable',
      source: PATIENT_MUTATION,
      variables: { input: { ...VALID, birthDate: '1950-02-30' } },
      secrets: ['1950-02-30'],
      keeps: ['Variable "$input" got invalid value', 'at "input.birthDate"', 'Expected type "LocalDate"', 'must be a real calendar date'],
    },
    {
      name: 'date as a number in a top-level variable',
      source: 'mutation($on: LocalDate!) { visit(on: $on) }',
      variables: { on: 19500230 },
      secrets: ['19500230'],
      keeps: ['Variable "$on" got invalid value;', 'Expected type "LocalDate"'],
    },
    {
      name: 'unknown enum value',
      source: PATIENT_MUTATION,
      variables: { input: { ...VALID, sex: 'FEMALEISH' } },
      secrets: ['FEMALEISH'],
      keeps: ['at "input.sex"', 'does not exist in "Sex" enum'],
    },
    {
      name: 'enum value containing a double quote',
      source: PATIENT_MUTATION,
      variables: { input: { ...VALID, sex: 'Q"ZX9' } },
      secrets: ['ZX9'],
      keeps: ['at "input.sex"', 'does not exist in "Sex" enum'],
    },
    {
      name: 'object where a string is expected',
      source: PATIENT_MUTATION,
      variables: { input: { ...VALID, memberId: { id: 'MBRQ448812' } } },
      secrets: ['MBRQ448812'],
      keeps: ['at "input.memberId"', 'String cannot represent a non string value'],
    },
    {
      name: 'non-integer units',
      source: PATIENT_MUTATION,
      variables: { input: { ...VALID, units: 1.75 } },
      secrets: ['1.75'],
      keeps: ['at "input.units"', 'Int cannot represent non-integer value'],
    },
    {
      name: 'value in a list, at an indexed path',
      source: PATIENT_MUTATION,
      variables: { input: { ...VALID, diagnoses: ['E119', 7719] } },
      secrets: ['7719'],
      keeps: ['at "input.diagnoses[1]"', 'String cannot represent'],
    },
    {
      // Regression: the value was cut at the first ";", so the rest of the object leaked.
      name: 'unknown field: the whole input object, with "; " inside a value',
      source: PATIENT_MUTATION,
      variables: { input: { ...VALID, addressLine1: '12 Quince Ct; Apt 9 at "rear"', ssn: '078-05-1120' } },
      secrets: ['Zebulonia', '1950-02-03', 'Quince', 'Apt 9', 'rear', '078-05-1120'],
      keeps: ['Variable "$input" got invalid value;', 'Field "ssn" is not defined by type "PatientIn"'],
    },
    {
      name: 'missing required field: the whole input object',
      source: PATIENT_MUTATION,
      variables: { input: { birthDate: '1950-02-03', sex: 'F', addressLine1: 'Apt 9; Quince Ct' } },
      secrets: ['1950-02-03', 'Quince', 'Apt 9'],
      keeps: ['Variable "$input" got invalid value;', 'Field "firstName" of required type "String!" was not provided'],
    },
    {
      name: 'a string where the input object is expected',
      source: PATIENT_MUTATION,
      variables: { input: 'Zebulonia; 1950-02-03' },
      secrets: ['Zebulonia', '1950-02-03'],
      keeps: ['Expected type "PatientIn" to be an object'],
    },
    {
      name: 'impossible date written inline in the document',
      source: 'mutation { createPatient(input: {firstName: "Zebulonia", birthDate: "1950-02-30", sex: F}) }',
      secrets: ['1950-02-30'],
      keeps: ['Expected value of type "LocalDate!", found an invalid value', 'must be a real calendar date'],
    },
    {
      name: 'inline date containing "; "',
      source: 'mutation { visit(on: "1950; 02-30 Quince") }',
      secrets: ['1950', 'Quince'],
      keeps: ['Expected value of type "LocalDate!", found an invalid value'],
    },
    {
      name: 'unknown enum written inline',
      source: 'mutation { createPatient(input: {firstName: "Zebulonia", birthDate: "1950-02-03", sex: FEMALEISH}) }',
      secrets: ['FEMALEISH'],
      keeps: ['does not exist in "Sex" enum'],
    },
    {
      name: 'inline string where an enum is expected',
      source: 'mutation { createPatient(input: {firstName: "Zebulonia", birthDate: "1950-02-03", sex: "FEMALEISH"}) }',
      secrets: ['FEMALEISH'],
      keeps: ['Enum "Sex" cannot represent non-enum value'],
    },
    {
      name: 'inline object where a string is expected',
      source: 'mutation { createPatient(input: {firstName: {name: "Zebulonia"}, birthDate: "1950-02-03", sex: F}) }',
      secrets: ['Zebulonia'],
      keeps: ['String cannot represent a non string value'],
    },
  ];

  it.each(cases)('$name', async ({ source, variables, secrets, keeps }) => {
    const errors = await errorsOf(source, variables);
    for (const error of errors) {
      const raw = error.message;
      // The raw message really carries the value (otherwise this case proves nothing)…
      expect(secrets.some((s) => raw.includes(s))).toBe(true);
      const stripped = stripInputValues(raw);
      // …and the stripped one does not.
      for (const s of secrets) expect(stripped).not.toContain(s);
    }
    const stripped = errors.map((e) => stripInputValues(e.message)).join('\n');
    for (const k of keeps) expect(stripped).toContain(k);
  });

  it('leaves messages without values unchanged', async () => {
    const message = await onlyMessage('mutation($input: PatientIn!) { createPatient(input: $input) }');
    expect(message).toBe('Variable "$input" of required type "PatientIn!" was not provided.');
    expect(stripInputValues(message)).toBe(message);
    const unknownField = await onlyMessage('{ nope }');
    expect(stripInputValues(unknownField)).toBe(unknownField);
  });
});

describe('formatError', () => {
  it('keeps the code of a graphql-js coercion error and strips the value', async () => {
    const [error] = await errorsOf(PATIENT_MUTATION, { input: { ...VALID, birthDate: '1950-02-30' } });
    const withCode = new GraphQLError(error!.message, { nodes: error!.nodes, originalError: error!.originalError, extensions: { code: ErrorCode.BAD_USER_INPUT } });
    const out = formatError(withCode.toJSON(), withCode);
    expect(out.extensions).toEqual({ code: 'BAD_USER_INPUT' });
    expect(out.message).toContain('at "input.birthDate"');
    expect(JSON.stringify(out)).not.toContain('1950-02-30');
  });

  it('passes AppError issues through but drops extensions not on the safe list', () => {
    const error = new BadUserInputError([{ path: 'input.birthDate', reason: 'IN_FUTURE', message: 'must not be in the future' }]);
    error.extensions.value = '2999-01-01';
    error.extensions.http = { status: 400 };
    const out = formatError(error.toJSON() as GraphQLFormattedError, error);
    expect(out.extensions).toEqual({ code: 'BAD_USER_INPUT', issues: [{ path: 'input.birthDate', reason: 'IN_FUTURE', message: 'must not be in the future' }] });
    expect(JSON.stringify(out)).not.toContain('2999-01-01');
    const nf = new NotFoundError('Claim', 'abc');
    expect(formatError(nf.toJSON(), nf).extensions).toEqual({ code: 'NOT_FOUND', entity: 'Claim', id: 'abc' });
  });

  it('masks unexpected errors (driver messages may hold SQL parameters) as INTERNAL_SERVER_ERROR', () => {
    const driver = new Error('insert into "patient" values (\'Zebulonia\', \'1950-02-03\') - duplicate key');
    const wrapped = new GraphQLError(driver.message, { originalError: driver, path: ['createPatient'] });
    const out = formatError(wrapped.toJSON(), wrapped);
    expect(out).toEqual({ message: 'Internal server error', locations: undefined, path: ['createPatient'], extensions: { code: 'INTERNAL_SERVER_ERROR' } });
  });

  it('masks an error whose code is not on the closed list', () => {
    const odd = new GraphQLError('Zebulonia said no', { extensions: { code: 'SOMETHING_ELSE' } });
    const out = formatError(odd.toJSON(), odd);
    expect(out.extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR' });
    expect(out.message).toBe('Internal server error');
  });
});
