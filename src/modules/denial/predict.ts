import { rulesInForce, type Category, type LoadedRule, type RuleSet } from '../../rules-engine';
import { DenialReasonClass } from './classify';

/**
 * Closing the loop (issue 5 item 7): which pre-submission rule should have caught a denial the
 * payer sent back. A rule predicts a denial when it carries the same CARC (the code the payer
 * would deny with, rules/README.md) and its category is consistent with the denial's reason
 * class. A denial no rule predicts is a missing rule: compliance staff see those in denialStats.
 */

/**
 * Rule categories (src/rules-engine/types.ts) consistent with each reason class (classify.ts),
 * in order of preference. OTHER (a CARC classify.ts does not place) accepts any category: the
 * CARC match alone then decides.
 */
export const CATEGORIES_FOR_REASON_CLASS: Readonly<Record<DenialReasonClass, readonly Category[] | null>> = {
  [DenialReasonClass.TIMELY_FILING]: ['FILING'],
  [DenialReasonClass.BUNDLING]: ['NCCI_PTP'],
  // Medicare's non-covered (CARC 96, 49) and not-reasonable-and-necessary (50) edits are written
  // as COVERAGE rules against the coverage articles; MUE (CARC 151) is a necessity limit.
  [DenialReasonClass.MEDICAL_NECESSITY]: ['MEDICAL_NECESSITY', 'MUE', 'COVERAGE'],
  [DenialReasonClass.AUTHORIZATION]: ['AUTHORIZATION'],
  [DenialReasonClass.DUPLICATE]: ['DUPLICATE'],
  [DenialReasonClass.ELIGIBILITY]: ['COVERAGE'],
  [DenialReasonClass.CODING]: ['CODING', 'DATA'],
  [DenialReasonClass.OTHER]: null,
};

export interface DenialToPredict {
  carc: string;
  reasonClass: DenialReasonClass;
  /** True for a line-level denial: a LINE rule is preferred. */
  lineLevel: boolean;
}

export interface PredictOptions {
  /** The claim's first date of service: only rules in force on it count. */
  serviceDateFrom: string;
  /** Rule ids that fired on the claim's last scrub: a rule that did fire is preferred. */
  firedRuleIds?: ReadonlySet<string>;
}

/** CARCs compare without case and leading zeros ("029" is 29). */
function normalizeCarc(carc: string): string {
  return carc.trim().toUpperCase().replace(/^0+(?=\d)/, '');
}

/**
 * The rule of `ruleSet` that should have caught the denial, or null. Among several candidates:
 * one that fired on the last scrub, then the denial's level (LINE/CLAIM), then ERROR before
 * WARNING, then the category order above, then the rule id (stable).
 */
export function predictRule(ruleSet: RuleSet | null, denial: DenialToPredict, opts: PredictOptions): LoadedRule | null {
  if (!ruleSet) return null;
  const carc = normalizeCarc(denial.carc);
  const categories = CATEGORIES_FOR_REASON_CLASS[denial.reasonClass];
  const candidates = rulesInForce(ruleSet, { serviceDateFrom: opts.serviceDateFrom }).filter(
    (r) => normalizeCarc(r.carc) === carc && (categories === null || categories.includes(r.category)),
  );
  if (candidates.length === 0) return null;
  const rank = (r: LoadedRule): number[] => [
    opts.firedRuleIds?.has(r.id) ? 0 : 1,
    (r.level === 'LINE') === denial.lineLevel ? 0 : 1,
    r.severity === 'ERROR' ? 0 : 1,
    categories ? categories.indexOf(r.category) : 0,
  ];
  return [...candidates].sort((a, b) => {
    const ra = rank(a);
    const rb = rank(b);
    for (let i = 0; i < ra.length; i++) if (ra[i] !== rb[i]) return ra[i]! - rb[i]!;
    return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  })[0]!;
}

/** Whether the predicted rule fired on the claim's last scrub (null when no rule predicted it or the claim was never scrubbed). */
export function firedBeforeSubmission(predictedByRuleId: string | null | undefined, lastScrubRuleIds: readonly string[] | null): boolean | null {
  if (!predictedByRuleId || lastScrubRuleIds === null) return null;
  return lastScrubRuleIds.includes(predictedByRuleId);
}
