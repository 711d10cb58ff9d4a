import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { explanationLines } from '../../rules-engine';
import type { Explanation, Finding, RuleProblem, RuleSet } from '../../rules-engine';
import { Claim } from '../claim/claim.entity';
import { ClaimScrub, FindingCategory, FindingSeverity } from './scrub.entity';

export enum ExplanationNodeKind {
  ALL = 'ALL',
  ANY = 'ANY',
  NOT = 'NOT',
  FACT = 'FACT',
}
registerEnumType(ExplanationNodeKind, { name: 'ExplanationNodeKind' });

@ObjectType({ description: "One node of a finding's condition tree, in pre-order: which fact had which value, and whether the condition held. Values are JSON text." })
export class ExplanationStep {
  @Field(() => Int, { description: '0 for the root; children are one deeper.' })
  depth!: number;

  @Field(() => ExplanationNodeKind)
  kind!: ExplanationNodeKind;

  @Field(() => String, { nullable: true })
  fact!: string | null;

  @Field(() => String, { nullable: true, description: 'The fact params as JSON.' })
  params!: string | null;

  @Field(() => String, { nullable: true })
  operator!: string | null;

  @Field(() => String, { nullable: true, description: 'The value compared with, as JSON (a fact reference when the rule compares two facts).' })
  value!: string | null;

  @Field(() => String, { nullable: true, description: 'What a fact-reference value resolved to, as JSON.' })
  resolvedValue!: string | null;

  @Field(() => String, { nullable: true, description: "The fact's value in this run, as JSON; null when the condition was not reached." })
  factValue!: string | null;

  @Field(() => Boolean, { nullable: true, description: 'Whether the condition held; null when not reached (json-rules-engine stops early).' })
  result!: boolean | null;

  @Field(() => String, { description: 'The step as one readable line.' })
  text!: string;
}

const json = (v: unknown) => (v === undefined ? null : JSON.stringify(v));

export function explanationSteps(e: Explanation, depth = 0): ExplanationStep[] {
  const step = (kind: ExplanationNodeKind, extra: Partial<ExplanationStep>): ExplanationStep =>
    Object.assign(new ExplanationStep(), { depth, kind, fact: null, params: null, operator: null, value: null, resolvedValue: null, factValue: null, result: e.result ?? null, ...extra });
  const text = (x: Explanation) => explanationLines(x, 0)[0]!.trim();
  if ('all' in e) return [step(ExplanationNodeKind.ALL, { text: text(e) }), ...e.all.flatMap((c) => explanationSteps(c, depth + 1))];
  if ('any' in e) return [step(ExplanationNodeKind.ANY, { text: text(e) }), ...e.any.flatMap((c) => explanationSteps(c, depth + 1))];
  if ('not' in e) return [step(ExplanationNodeKind.NOT, { text: text(e) }), ...explanationSteps(e.not, depth + 1)];
  return [
    step(ExplanationNodeKind.FACT, {
      fact: e.fact,
      params: e.params ? json(e.params) : null,
      operator: e.operator,
      value: json(e.value),
      resolvedValue: e.resolvedValue === undefined ? null : json(e.resolvedValue),
      factValue: e.result === undefined ? null : json(e.factValue),
      text: text(e),
    }),
  ];
}

@ObjectType({ description: 'A finding of a dry run (not stored).' })
export class ScrubFinding {
  @Field(() => String) ruleId!: string;
  @Field(() => String) ruleSetVersion!: string;
  @Field(() => FindingSeverity) severity!: FindingSeverity;
  @Field(() => FindingCategory) category!: FindingCategory;
  @Field(() => String) carc!: string;
  @Field(() => [String]) rarc!: string[];
  @Field(() => Int, { nullable: true }) line!: number | null;
  @Field(() => String) message!: string;
  @Field(() => String, { nullable: true }) fixHint!: string | null;
  @Field(() => [String]) referenceReleases!: string[];
  @Field(() => [ExplanationStep]) explanation!: ExplanationStep[];
}

/** What a finding stores and shows besides its explanation tree (the set key is on the scrub). */
export function findingFields(f: Finding) {
  const { explanation: _explanation, ruleSetKey: _ruleSetKey, ...fields } = f;
  return { ...fields, severity: fields.severity as FindingSeverity, category: fields.category as FindingCategory };
}

export function toScrubFinding(f: Finding): ScrubFinding {
  return Object.assign(new ScrubFinding(), { ...findingFields(f), explanation: explanationSteps(f.explanation) });
}

@ObjectType()
export class DryRunClaimPayload {
  @Field(() => String) ruleSetKey!: string;
  @Field(() => String) ruleSetVersion!: string;
  @Field(() => Boolean, { description: 'True when no ERROR finding: the claim could be submitted.' }) clean!: boolean;
  @Field(() => [ScrubFinding]) findings!: ScrubFinding[];
}

@ObjectType()
export class ScrubClaimPayload {
  @Field(() => Claim) claim!: Claim;
  @Field(() => ClaimScrub) scrub!: ClaimScrub;
}

@ObjectType({ description: 'A problem that stops rule files from loading: file, line and column, JSON pointer, message.' })
export class RuleProblemType {
  @Field(() => String) file!: string;
  @Field(() => String, { description: "JSON pointer into the file ('' for the whole file)." }) pointer!: string;
  @Field(() => Int, { nullable: true }) line!: number | null;
  @Field(() => Int, { nullable: true }) column!: number | null;
  @Field(() => String) message!: string;
}

export const toRuleProblem = (p: RuleProblem) => Object.assign(new RuleProblemType(), p);

@ObjectType({ description: 'One rule of a rule set, as loaded.' })
export class RuleSummary {
  @Field(() => String) id!: string;
  @Field(() => String) description!: string;
  @Field(() => FindingSeverity) severity!: FindingSeverity;
  @Field(() => FindingCategory) category!: FindingCategory;
  @Field(() => String, { description: 'CLAIM or LINE.' }) level!: string;
  @Field(() => String) carc!: string;
  @Field(() => [String]) rarc!: string[];
  @Field(() => String, { description: 'The rule file, relative to the rules directory.' }) file!: string;
  @Field(() => Int) fileLine!: number;
}

@ObjectType({ description: "A payer's rule set in force: its own files plus the common rules it includes." })
export class RuleSetType {
  @Field(() => String) key!: string;
  @Field(() => String) name!: string;
  @Field(() => String) description!: string;
  @Field(() => String, { description: 'Content hash of every contributing file.' }) version!: string;
  @Field(() => [String]) files!: string[];
  @Field(() => [RuleSummary]) rules!: RuleSummary[];
}

export function toRuleSetType(s: RuleSet): RuleSetType {
  return Object.assign(new RuleSetType(), {
    key: s.key,
    name: s.name,
    description: s.description,
    version: s.version,
    files: s.files,
    rules: s.rules.map((r) =>
      Object.assign(new RuleSummary(), { id: r.id, description: r.description, severity: r.severity, category: r.category, level: r.level, carc: r.carc, rarc: r.rarc, file: r.origin.file, fileLine: r.origin.line }),
    ),
  });
}

export enum RuleReloadStatus {
  LOADED = 'LOADED',
  UNCHANGED = 'UNCHANGED',
  REFUSED = 'REFUSED',
}
registerEnumType(RuleReloadStatus, { name: 'RuleReloadStatus', description: 'REFUSED: some file has problems; the previous rules stay in force.' });

@ObjectType()
export class ReloadRuleSetsPayload {
  @Field(() => RuleReloadStatus) status!: RuleReloadStatus;
  @Field(() => [RuleProblemType]) problems!: RuleProblemType[];
  @Field(() => String, { nullable: true, description: 'Version of the rules in force after the call.' }) version!: string | null;
  @Field(() => [RuleSetType]) ruleSets!: RuleSetType[];
}

@ObjectType()
export class RulesStatus {
  @Field(() => String, { nullable: true }) version!: string | null;
  @Field(() => Date, { nullable: true }) loadedAt!: Date | null;
  @Field(() => [RuleProblemType], { description: 'Problems of the last refused reload (empty when the files on disk are in force).' }) problems!: RuleProblemType[];
}
