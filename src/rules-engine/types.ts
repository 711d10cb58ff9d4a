/**
 * The rules engine's vocabulary. Nothing here knows GraphQL or the ORM: a claim arrives as
 * plain data (ScrubClaim), reference data and claim history as plain data (ClaimReference),
 * and findings leave as plain data (Finding).
 */

export const SEVERITIES = ['ERROR', 'WARNING'] as const;
/** ERROR blocks submission; WARNING is shown to the biller and does not. */
export type Severity = (typeof SEVERITIES)[number];

export const CATEGORIES = [
  'COVERAGE',
  'MEDICAL_NECESSITY',
  'FILING',
  'CODING',
  'NCCI_PTP',
  'MUE',
  'AUTHORIZATION',
  'DUPLICATE',
  'DATA',
] as const;
export type Category = (typeof CATEGORIES)[number];

/** Claim-level rules run once per claim; line-level rules once per service line. */
export const RULE_LEVELS = ['CLAIM', 'LINE'] as const;
export type RuleLevel = (typeof RULE_LEVELS)[number];

/** The files a payer's rule set is made of (besides payer.json), and what each holds. */
export const PAYER_RULE_FILES = ['coverage', 'medical-necessity', 'filing'] as const;
export type PayerRuleFileKind = (typeof PAYER_RULE_FILES)[number];

/**
 * Families of reference data a fact may read. A finding names the releases of the families its
 * rule's facts used, so a denial can be traced to the table that predicted it.
 */
export const REFERENCE_FAMILIES = ['ICD10CM', 'PROCEDURE_CODES', 'MODIFIERS', 'POS', 'NCCI_PTP', 'MUE', 'MCE', 'COVERAGE_ARTICLES'] as const;
export type ReferenceFamily = (typeof REFERENCE_FAMILIES)[number];

/** A condition as written in a rule file (json-rules-engine's JSON, restricted: see schema). */
export type ConditionJson =
  | { all: ConditionJson[]; name?: string; priority?: number }
  | { any: ConditionJson[]; name?: string; priority?: number }
  | { not: ConditionJson; name?: string; priority?: number }
  | FactConditionJson;

export interface FactConditionJson {
  fact: string;
  operator: string;
  value: unknown;
  params?: Record<string, unknown>;
  path?: string;
  priority?: number;
  name?: string;
}

/** One rule as validated from a file. */
export interface RuleDefinition {
  id: string;
  description: string;
  severity: Severity;
  category: Category;
  level: RuleLevel;
  /** Claim Adjustment Reason Code the payer would deny with (X12 code list 139). */
  carc: string;
  /** Remittance Advice Remark Codes (X12 code list 411). */
  rarc: string[];
  /** With {{fact.name}} placeholders, filled from the facts the rule saw. */
  message: string;
  fixHint: string | null;
  /** Higher runs first (json-rules-engine priority, ≥ 1). */
  priority: number;
  effectiveFrom: string | null;
  effectiveTo: string | null;
  conditions: ConditionJson;
}

/** Where a rule came from: enough to point an editor at it. */
export interface RuleOrigin {
  /** Path relative to the rules directory, with forward slashes. */
  file: string;
  /** JSON pointer of the rule in its file. */
  pointer: string;
  line: number;
}

export interface LoadedRule extends RuleDefinition {
  origin: RuleOrigin;
  /** Fact names the conditions use (for explanation and for naming reference releases). */
  facts: string[];
}

/** A payer's complete rule set: its own files plus the common rules it includes. */
export interface RuleSet {
  key: string;
  name: string;
  description: string;
  effectiveFrom: string | null;
  effectiveTo: string | null;
  /** sha256 (hex) over every file that contributes, in a fixed order: the rule-set version. */
  version: string;
  files: string[];
  rules: LoadedRule[];
  /** Named code lists of the payer (fact `payerList`). */
  lists: Readonly<Record<string, readonly string[]>>;
}

/** Everything loaded from one rules directory at one moment; never mutated after load. */
export interface RuleSnapshot {
  directory: string;
  loadedAt: Date;
  /** Hash over every rule set's version: changes when any file does. */
  version: string;
  ruleSets: ReadonlyMap<string, RuleSet>;
  /** The shared rules in rules/common, by id (payers include them by id). */
  commonRules: readonly LoadedRule[];
  /** The denial-rework rules of rules/rework (empty when the folder is absent). */
  rework: ReworkRuleSet;
}

// --- denial rework rules (rules/rework/*.json, "kind": "rework") ---

/**
 * What a biller can do about a denial. CORRECT_AND_RESUBMIT sends a replacement claim
 * (frequency 7); VOID sends a void (frequency 8); BILL_OTHER_COVERAGE bills the payer that
 * covered the date of service; CLOSE ends the denial with nothing to recover (e.g. a duplicate).
 */
export const REWORK_ACTIONS = ['CORRECT_AND_RESUBMIT', 'APPEAL', 'WRITE_OFF', 'BILL_PATIENT', 'BILL_OTHER_COVERAGE', 'VOID', 'CLOSE'] as const;
export type ReworkAction = (typeof REWORK_ACTIONS)[number];

/**
 * What a CORRECT_AND_RESUBMIT names as the things to fix. The first eight are corrections
 * reworkDenial applies to the replacement claim; the rest live on the patient, coverage or
 * provider records and are corrected there before resubmitting.
 */
export const CORRECTION_FIELDS = [
  'diagnoses',
  'diagnosisPointers',
  'procedureCode',
  'modifiers',
  'units',
  'chargeCents',
  'placeOfService',
  'priorAuthNumber',
  'memberId',
  'patientBirthDate',
  'patientSex',
  'billingNpi',
  'renderingNpi',
] as const;
export type CorrectionField = (typeof CORRECTION_FIELDS)[number];

/** What an APPEAL names as the documents to attach. */
export const APPEAL_DOCUMENTS = [
  'MEDICAL_RECORDS',
  'LETTER_OF_MEDICAL_NECESSITY',
  'ABN',
  'PRIOR_AUTHORIZATION',
  'PROCEDURE_NOTES',
  'OPERATIVE_REPORT',
  'PROOF_OF_TIMELY_FILING',
  'OTHER_PAYER_EOB',
  'ELIGIBILITY_VERIFICATION',
] as const;
export type AppealDocument = (typeof APPEAL_DOCUMENTS)[number];

/** One recommended action as written in a rework rule. */
export interface ReworkActionDefinition {
  action: ReworkAction;
  /** CORRECT_AND_RESUBMIT only: what to fix. */
  fields: CorrectionField[];
  /** APPEAL only: what to attach. */
  documents: AppealDocument[];
  /** Optional text for this action ({{fact}} placeholders allowed). */
  note: string | null;
}

/** One rework rule as validated from a file. */
export interface LoadedReworkRule {
  id: string;
  description: string;
  /** Shown to billers; {{fact}} placeholders name the denial's values. */
  message: string;
  /** Higher comes first in the recommendations (1–100, default 1). */
  priority: number;
  /** Compared with the denial date (deniedOn). */
  effectiveFrom: string | null;
  effectiveTo: string | null;
  conditions: ConditionJson;
  /** Recommended, in the order the biller should try them. */
  actions: ReworkActionDefinition[];
  /** Actions that cannot succeed when the rule holds; they are refused by the rework mutations. */
  forbids: ReworkAction[];
  origin: RuleOrigin;
  facts: string[];
}

export interface ReworkRuleSet {
  /** sha256 over the rework files ('' hash of nothing when there are none). */
  version: string;
  files: string[];
  rules: LoadedReworkRule[];
}

/** A problem found while loading rules: file, where in it, and what is wrong. */
export interface RuleProblem {
  file: string;
  /** JSON pointer into the file ('' for the whole file). */
  pointer: string;
  line: number | null;
  column: number | null;
  message: string;
}

/** One leaf condition as it was evaluated: which fact, which value it had, and the outcome. */
export interface ExplainedCondition {
  fact: string;
  params?: Record<string, unknown>;
  path?: string;
  operator: string;
  value: unknown;
  /** The fact's value in this run (after `path`). Undefined when the condition was not reached. */
  factValue?: unknown;
  /** When the value was a fact reference: what it resolved to. */
  resolvedValue?: unknown;
  result?: boolean;
}

export type Explanation =
  | { all: Explanation[]; result?: boolean }
  | { any: Explanation[]; result?: boolean }
  | { not: Explanation; result?: boolean }
  | ExplainedCondition;

export interface Finding {
  ruleId: string;
  ruleSetKey: string;
  ruleSetVersion: string;
  severity: Severity;
  category: Category;
  carc: string;
  rarc: string[];
  /** 1-based line number for line-level rules, null for claim-level. */
  line: number | null;
  message: string;
  fixHint: string | null;
  /** Reference-data release ids of the families the rule's facts read. */
  referenceReleases: string[];
  /** Which conditions held, with which fact values (from json-rules-engine's RuleResult). */
  explanation: Explanation;
}
