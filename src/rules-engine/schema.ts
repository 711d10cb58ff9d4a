import { FACTS, type FactSpec } from './facts';
import { DECORATORS, OPERATORS } from './operators';
import { REWORK_FACTS } from './rework-facts';
import { APPEAL_DOCUMENTS, CATEGORIES, CORRECTION_FIELDS, PAYER_RULE_FILES, REWORK_ACTIONS, RULE_LEVELS, SEVERITIES } from './types';

/**
 * The JSON Schema of rule files, generated from the fact and operator catalogues so editors
 * offer exactly what the loader accepts. `claimflow rules schema --write` writes it to
 * rules/rule-set.schema.json; CI checks the committed copy is current.
 *
 * The loader validates with `conditions` relaxed to "an object" and checks conditions itself:
 * that gives one precise message per mistake ("unknown fact …, did you mean …") where a schema
 * validator would list every branch of a oneOf.
 */

export const RULE_ID_PATTERN = '^[A-Z][A-Z0-9]*(-[A-Z0-9]+)+$';
export const LIST_NAME_PATTERN = '^[a-z][a-z0-9-]*$';
export const SIMPLE_PATH_PATTERN = '^\\$(\\.[A-Za-z_][A-Za-z0-9_]*|\\[[0-9]+\\])+$';
const DATE = { type: 'string', pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$', description: 'YYYY-MM-DD' };
const NULLABLE_DATE = { anyOf: [DATE, { type: 'null' }] };

export function ruleSetSchema(forEditors = true): Record<string, unknown> {
  const operatorNames = OPERATORS.map((o) => o.name);
  const conditionOf = (self: string, facts: readonly FactSpec[], what: string) => ({
    description: `json-rules-engine condition: all / any / not, or a${what} fact compared with an operator.`,
    oneOf: [
      { type: 'object', required: ['all'], properties: { all: { type: 'array', minItems: 1, items: { $ref: `#/definitions/${self}` } }, name: { type: 'string' }, priority: { type: 'integer', minimum: 1 } }, additionalProperties: false },
      { type: 'object', required: ['any'], properties: { any: { type: 'array', minItems: 1, items: { $ref: `#/definitions/${self}` } }, name: { type: 'string' }, priority: { type: 'integer', minimum: 1 } }, additionalProperties: false },
      { type: 'object', required: ['not'], properties: { not: { $ref: `#/definitions/${self}` }, name: { type: 'string' }, priority: { type: 'integer', minimum: 1 } }, additionalProperties: false },
      {
        type: 'object',
        required: ['fact', 'operator', 'value'],
        properties: {
          fact: { enum: facts.map((f) => f.name), description: `A${what} fact from rules/README.md.` },
          operator: { type: 'string', pattern: `^((${DECORATORS.join('|')}):)*(${operatorNames.join('|')})$`, description: 'An operator from rules/README.md, optionally prefixed by a decorator (e.g. "not:in").' },
          value: { description: 'A JSON value, or {"fact": …, "params": …} to compare with another fact.' },
          params: { type: 'object' },
          path: { type: 'string', pattern: SIMPLE_PATH_PATTERN, description: 'A plain property path such as $.a.b (no filters or scripts).' },
          priority: { type: 'integer', minimum: 1 },
          name: { type: 'string' },
        },
        additionalProperties: false,
      },
    ],
  });
  const condition = forEditors ? conditionOf('condition', FACTS, '') : { type: 'object' };
  const reworkCondition = forEditors ? conditionOf('reworkCondition', REWORK_FACTS, ' rework') : { type: 'object' };

  const rule = {
    type: 'object',
    required: ['id', 'description', 'severity', 'category', 'level', 'carc', 'message', 'conditions'],
    properties: {
      id: { type: 'string', pattern: RULE_ID_PATTERN, maxLength: 60, description: 'Stable id, e.g. MCR-FIL-001. Never reuse an id for a different rule.' },
      description: { type: 'string', minLength: 1, maxLength: 500 },
      severity: { enum: [...SEVERITIES], description: 'ERROR blocks submission; WARNING does not.' },
      category: { enum: [...CATEGORIES] },
      level: { enum: [...RULE_LEVELS], description: 'LINE rules run once per service line and their findings name the line.' },
      carc: { type: 'string', pattern: '^[A-Z]?[0-9]{1,3}$', description: 'Claim Adjustment Reason Code the payer would deny with.' },
      rarc: { type: 'array', items: { type: 'string', pattern: '^[A-Z]{1,2}[0-9]{1,3}$' }, maxItems: 5, description: 'Remittance Advice Remark Codes.' },
      message: { type: 'string', minLength: 1, maxLength: 500, description: 'Shown to billers; {{fact.name}} is replaced by the fact value the rule saw.' },
      fixHint: { type: 'string', maxLength: 500 },
      priority: { type: 'integer', minimum: 1, maximum: 100, description: 'Higher runs first (default 1).' },
      effectiveFrom: DATE,
      effectiveTo: NULLABLE_DATE,
      conditions: {
        description: 'The root of the conditions: all, any or not.',
        allOf: [{ $ref: '#/definitions/condition' }, { type: 'object', anyOf: [{ required: ['all'] }, { required: ['any'] }, { required: ['not'] }] }],
      },
    },
    additionalProperties: false,
  };

  const reworkAction = {
    type: 'object',
    required: ['action'],
    description: 'A recommended action. CORRECT_AND_RESUBMIT names the fields to fix; APPEAL names the documents to attach.',
    properties: {
      action: { enum: [...REWORK_ACTIONS] },
      fields: { type: 'array', minItems: 1, uniqueItems: true, items: { enum: [...CORRECTION_FIELDS] }, description: 'CORRECT_AND_RESUBMIT only: what to correct on the replacement claim (or on the patient, coverage or provider record).' },
      documents: { type: 'array', minItems: 1, uniqueItems: true, items: { enum: [...APPEAL_DOCUMENTS] }, description: 'APPEAL only: what to attach to the appeal.' },
      note: { type: 'string', minLength: 1, maxLength: 500, description: 'Shown with the action; {{fact.name}} placeholders name the denial\'s values.' },
    },
    allOf: [
      { if: { properties: { action: { const: 'CORRECT_AND_RESUBMIT' } } }, then: { required: ['fields'] } },
      { if: { properties: { action: { const: 'APPEAL' } } }, then: { required: ['documents'] } },
    ],
    additionalProperties: false,
  };

  const reworkRule = {
    type: 'object',
    required: ['id', 'description', 'message', 'conditions'],
    properties: {
      id: rule.properties.id,
      description: rule.properties.description,
      message: { type: 'string', minLength: 1, maxLength: 500, description: "Shown to billers with the recommendations; {{fact.name}} is replaced by the denial's value." },
      priority: { type: 'integer', minimum: 1, maximum: 100, description: 'Higher comes first among the recommendations (default 1).' },
      effectiveFrom: DATE,
      effectiveTo: NULLABLE_DATE,
      conditions: {
        description: 'The root of the conditions: all, any or not, over the rework facts.',
        allOf: [{ $ref: '#/definitions/reworkCondition' }, { type: 'object', anyOf: [{ required: ['all'] }, { required: ['any'] }, { required: ['not'] }] }],
      },
      actions: { type: 'array', items: { $ref: '#/definitions/reworkAction' }, maxItems: 5, description: 'Recommended actions, in the order to try them.' },
      forbids: { type: 'array', items: { enum: [...REWORK_ACTIONS] }, uniqueItems: true, description: 'Actions that cannot succeed when the rule holds; the rework mutations refuse them.' },
    },
    anyOf: [{ required: ['actions'], properties: { actions: { minItems: 1 } } }, { required: ['forbids'], properties: { forbids: { minItems: 1 } } }],
    additionalProperties: false,
  };

  const common = {
    description: { type: 'string', minLength: 1, maxLength: 1000 },
    effectiveFrom: DATE,
    effectiveTo: NULLABLE_DATE,
    $schema: { type: 'string' },
  };

  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: 'https://claimflow.invalid/rules/rule-set.schema.json',
    title: 'claimflow rule file',
    description: 'A payer manifest (payer.json), a payer rule file (coverage.json, medical-necessity.json, filing.json), a shared rule file under rules/common/ or a denial-rework rule file under rules/rework/.',
    type: 'object',
    required: ['kind'],
    properties: { kind: { enum: ['payer', ...PAYER_RULE_FILES, 'common', 'rework'] } },
    allOf: [
      {
        if: { properties: { kind: { const: 'payer' } } },
        then: {
          required: ['kind', 'payer', 'name', 'description'],
          properties: {
            kind: { const: 'payer' },
            payer: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]*$', description: 'The rule-set key (the folder name; Payer.ruleSetKey).' },
            name: { type: 'string', minLength: 1, maxLength: 200 },
            ...common,
            common: {
              type: 'object',
              description: 'Shared rules from rules/common taken into this set, by rule id ("*" for all).',
              properties: {
                include: { type: 'array', items: { type: 'string', anyOf: [{ const: '*' }, { pattern: RULE_ID_PATTERN }] }, uniqueItems: true },
                exclude: { type: 'array', items: { type: 'string', pattern: RULE_ID_PATTERN }, uniqueItems: true },
              },
              additionalProperties: false,
            },
            lists: {
              type: 'object',
              description: 'Named code lists for the payerList fact.',
              propertyNames: { pattern: LIST_NAME_PATTERN },
              additionalProperties: { type: 'array', items: { type: 'string', pattern: '^[0-9A-Z]{1,8}$' }, uniqueItems: true, maxItems: 20000 },
            },
          },
          additionalProperties: false,
        },
      },
      {
        if: { properties: { kind: { enum: [...PAYER_RULE_FILES, 'common'] } } },
        then: {
          required: ['kind', 'description', 'rules'],
          properties: {
            kind: { enum: [...PAYER_RULE_FILES, 'common'] },
            payer: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]*$' },
            ...common,
            rules: { type: 'array', items: { $ref: '#/definitions/rule' } },
          },
          additionalProperties: false,
        },
      },
      {
        if: { properties: { kind: { const: 'rework' } } },
        then: {
          required: ['kind', 'description', 'rules'],
          properties: {
            kind: { const: 'rework' },
            ...common,
            rules: { type: 'array', items: { $ref: '#/definitions/reworkRule' } },
          },
          additionalProperties: false,
        },
      },
    ],
    definitions: { rule, condition, reworkRule, reworkAction, reworkCondition },
  };
}
