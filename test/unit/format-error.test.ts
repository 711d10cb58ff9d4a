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
import { ArgumentValidationError } from 'type-graphql';
import { LocalDateScalar } from '../../src/common/scalars';
import { describeForLog, formatError, isUnexpected, stripInputValues } from '../../src/server/format-error';

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

  it('bug: graphql-scalars DateTime messages and unknown operation names kept the value', () => {
    const cases: [string, string][] = [
      ['Variable "$f" got invalid value "2026-01-01T00:00:00ZQuince" at "f.to"; DateTime cannot represent an invalid date-time-string 2026-01-01T00:00:00ZQuince.', 'Variable "$f" got invalid value at "f.to"; DateTime cannot represent an invalid date-time-string.'],
      ['Variable "$f" got invalid value { d: "Quince" } at "f.to"; DateTime cannot represent non string or Date type {"d":"Quince"}', 'Variable "$f" got invalid value at "f.to"; DateTime cannot represent non string or Date type.'],
      ['Variable "$f" got invalid value 9e99 at "f.to"; DateTime cannot represent an invalid Unix timestamp 9e99', 'Variable "$f" got invalid value at "f.to"; DateTime cannot represent an invalid Unix timestamp.'],
      ['Unknown operation named "Quince".', 'Unknown operation named: operationName names no operation of the document.'],
    ];
    for (const [raw, stripped] of cases) expect(stripInputValues(raw)).toBe(stripped);
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
    const id = '01a2035a-2f82-7000-8e85-cd17e902a21e';
    const nf = new NotFoundError('Claim', id);
    expect(formatError(nf.toJSON(), nf)).toMatchObject({ message: `Claim ${id} not found`, extensions: { code: 'NOT_FOUND', entity: 'Claim', id } });
  });

  it('bug: NOT_FOUND repeated an id the API never issued (whatever the client sent)', () => {
    const nf = new NotFoundError('Patient', 'Zebulonia 1950-02-03');
    const out = formatError(nf.toJSON(), nf);
    expect(out).toMatchObject({ message: 'Patient (not an id this API issued) not found', extensions: { code: 'NOT_FOUND', entity: 'Patient' } });
    expect(JSON.stringify(out)).not.toMatch(/Zebulonia|1950/);
  });

  it('masks unexpected errors (driver messages may hold SQL parameters) as INTERNAL_SERVER_ERROR', () => {
    const driver = new Error('insert into "patient" values (\'Zebulonia\', \'1950-02-03\') - duplicate key');
    const wrapped = new GraphQLError(driver.message, { originalError: driver, path: ['createPatient'] });
    const out = formatError(wrapped.toJSON(), wrapped);
    expect(out).toEqual({ message: 'Internal server error', locations: undefined, path: ['createPatient'], extensions: { code: 'INTERNAL_SERVER_ERROR' } });
  });

  it('bug: an automatic persisted query with a mismatched hash (HTTP 400, no code) was masked as INTERNAL_SERVER_ERROR', () => {
    // Apollo raises it before execution and fills the missing code with INTERNAL_SERVER_ERROR.
    const apq = new GraphQLError('provided sha does not match query', { extensions: { http: { status: 400 } } });
    const out = formatError({ message: apq.message, extensions: { code: 'INTERNAL_SERVER_ERROR' } }, apq);
    expect(out).toEqual({ message: 'provided sha does not match query', locations: undefined, path: undefined, extensions: { code: 'BAD_REQUEST' } });
    expect(isUnexpected(apq, undefined)).toBe(false);
    // The same status on an error raised inside a resolver is still unexpected.
    const inResolver = new GraphQLError('boom', { path: ['payers'], extensions: { http: { status: 400 } } });
    expect(formatError({ message: 'boom', path: ['payers'], extensions: { code: 'INTERNAL_SERVER_ERROR' } }, inResolver).extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR' });
    expect(isUnexpected(inResolver, undefined)).toBe(true);
  });

  it("strips type-graphql's validation targets and values and any stack trace from BAD_USER_INPUT", () => {
    // type-graphql puts the whole input object (target) and the rejected value into
    // extensions.validationErrors (shared STACK.md); Apollo adds a stacktrace outside production.
    const phi = { firstName: 'Zebulonia', birthDate: '1950-02-03', memberId: 'MBRQ448812' };
    const error = new ArgumentValidationError([{ target: phi, value: phi.birthDate, property: 'birthDate', constraints: { isPast: 'birthDate must be in the past' }, children: [] }]);
    const formatted = { ...error.toJSON(), extensions: { ...error.extensions, stacktrace: ['Error: at /work/main/src/x.ts:1', phi.memberId] } } as GraphQLFormattedError;
    const out = formatError(formatted, error);
    expect(out.extensions).toEqual({ code: 'BAD_USER_INPUT' });
    expect(JSON.stringify(out)).not.toMatch(/Zebulonia|1950-02-03|MBRQ448812|stacktrace|\/work\//);
  });

  it('masks an error whose code is not on the closed list', () => {
    const odd = new GraphQLError('Zebulonia said no', { extensions: { code: 'SOMETHING_ELSE' } });
    const out = formatError(odd.toJSON(), odd);
    expect(out.extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR' });
    expect(out.message).toBe('Internal server error');
  });
});

describe('describeForLog', () => {
  it('keeps only class name and driver code of a driver error, even when it is the cause of another error', () => {
    const driver = Object.assign(new Error("insert into `patient` (`last_name`) values ('Vandersnoot') - UNIQUE constraint failed"), {
      name: 'UniqueConstraintViolationException',
      code: 'SQLITE_CONSTRAINT_UNIQUE',
    });
    expect(describeForLog(driver)).toEqual({ errorName: 'UniqueConstraintViolationException', driverCode: 'SQLITE_CONSTRAINT_UNIQUE' });
    const wrapped = new Error(`posting failed: ${driver.message}`, { cause: driver });
    const inResolver = new GraphQLError(wrapped.message, { originalError: wrapped, path: ['importRemittance'] });
    const out = describeForLog(inResolver);
    expect(out).toEqual({ errorName: 'Error', causeName: 'UniqueConstraintViolationException', driverCode: 'SQLITE_CONSTRAINT_UNIQUE' });
    expect(JSON.stringify(out)).not.toContain('Vandersnoot');
  });

  it('withholds a message that quotes SQL even when no driver error is attached', () => {
    const e = new Error('select "p".* from "patient" where "last_name" = \'Vandersnoot\' - timeout');
    const out = describeForLog(e);
    expect(out.errorMessage).toBe('[withheld: the message quotes SQL]');
    expect(JSON.stringify(out)).not.toContain('Vandersnoot');
  });

  it('cuts quoted values and digit runs from other messages and keeps only stack frames', () => {
    // MikroORM findOneOrFail prints its filter; JSON.parse and BigInt quote their input.
    const notFound = Object.assign(new Error("Patient not found ({ memberId: 'MBR448812', birthDate: '1948-11-23' })"), { name: 'NotFoundError' });
    const out = describeForLog(notFound);
    expect(out.errorName).toBe('NotFoundError');
    expect(out.errorMessage).toBe('Patient not found ({ memberId: […]');
    expect(String(out.stack)).toMatch(/^\s+at /);
    expect(JSON.stringify(out)).not.toMatch(/MBR448812|1948-11-23/);
    expect(describeForLog(new RangeError('Invalid time value 19481123 on line 12')).errorMessage).toBe('Invalid time value # on line 12');

    let parseError: unknown;
    try {
      JSON.parse('{"lastName": Vandersnoot 19481123}');
    } catch (e) {
      parseError = e;
    }
    // The raw message quotes the input (otherwise this case proves nothing)…
    expect((parseError as Error).message).toContain('Vandersno');
    const parsed = describeForLog(parseError);
    expect(parsed).toMatchObject({ errorName: 'SyntaxError', errorMessage: '[withheld: a SyntaxError quotes its input]' });
    expect(JSON.stringify(parsed)).not.toMatch(/Vandersno|19481123/);
  });
});
