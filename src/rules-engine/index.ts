/**
 * The rules engine: load, validate, evaluate, explain. It knows nothing of GraphQL or the
 * database: claims, reference data and findings are plain data.
 */
export type { ScrubClaim, ScrubClaimLine, ClaimInputProblem } from './claim';
export { parseScrubClaim } from './claim';
export type { ClaimReference, CodeStatus, FixtureReference, HistoryLine } from './reference';
export { fixtureReference } from './reference';
export { FACTS, FACTS_BY_NAME, NCCI_ASSOCIATED_MODIFIERS } from './facts';
export { OPERATORS, DECORATORS } from './operators';
export { ruleSetSchema } from './schema';
export { loadRuleDirectory, formatProblem, type ReferenceChecker, type LoadResult } from './loader';
export { RuleRegistry, type ReloadResult, type ReloadStatus } from './registry';
export { evaluateClaim, explanationLines, rulesInForce } from './evaluate';
export { REWORK_FACTS, REWORK_FACTS_BY_NAME, reworkFactValues, type ReworkCase } from './rework-facts';
export { evaluateDenial, reworkRulesInForce, type ForbiddenAction, type ReworkAdvice, type ReworkRecommendation } from './rework';
export * from './types';
