import { resolve } from 'node:path';
import { loadRuleDirectory, type RuleSnapshot } from '../../src/rules-engine';
import { classifyAdjustment, DenialReasonClass } from '../../src/modules/denial/classify';
import { firedBeforeSubmission, predictRule } from '../../src/modules/denial/predict';

/** Closing the loop on the shipped rules (rules/ and rules/README.md): which rule should have caught a denial. */
describe('predictRule on the shipped rule sets', () => {
  let snapshot: RuleSnapshot;
  beforeAll(async () => {
    const result = await loadRuleDirectory(resolve(__dirname, '../../rules'));
    if (!result.ok) throw new Error(`shipped rules do not load: ${result.problems.map((p) => p.message).join('; ')}`);
    snapshot = result.snapshot;
  });

  const predict = (payer: string, group: string, carc: string, lineLevel: boolean, fired?: string[], serviceDateFrom = '2026-06-01') => {
    const cls = classifyAdjustment({ group, carc });
    if (!cls) return 'not a denial';
    return predictRule(snapshot.ruleSets.get(payer)!, { carc, reasonClass: cls.reasonClass, lineLevel }, { serviceDateFrom, firedRuleIds: fired ? new Set(fired) : undefined })?.id ?? null;
  };

  it('finds the rule with the same CARC and a consistent category', () => {
    expect(predict('medicare', 'CO', '236', true)).toBe('COMMON-PTP-001');
    expect(predict('demo-commercial', 'CO', '236', true)).toBe('DCH-PTP-001');
    expect(predict('medicare', 'CO', '29', false)).toBe('MCR-FIL-001');
    expect(predict('demo-commercial', 'CO', '29', false)).toBe('DCH-FIL-001');
    expect(predict('demo-commercial', 'CO', '197', true)).toBe('DCH-AUTH-001');
    expect(predict('medicare', 'CO', '151', true)).toBe('COMMON-MUE-001');
    expect(predict('medicare', 'CO', '18', true)).toBe('COMMON-DUP-001');
    expect(predict('medicare', 'CO', '27', false)).toBe('COMMON-COV-001');
    // Medical necessity: the MEDICAL_NECESSITY rule before the COVERAGE one with the same CARC.
    expect(predict('medicare', 'CO', '50', true)).toBe('MCR-MN-001');
    expect(predict('medicare', 'CO', '96', true)).toBe('MCR-COV-003');
    // CARC 16 (missing information) is a coding/data denial: a DATA rule, not the FILING one with CARC 16.
    expect(predict('medicare', 'CO', '16', false)).toMatch(/^COMMON-(DATA|DX)-/);
  });

  it('prefers a rule that fired on the last scrub (a WARNING the claim went out with)', () => {
    expect(predict('demo-commercial', 'CO', '236', true)).toBe('DCH-PTP-001');
    expect(predict('demo-commercial', 'CO', '236', true, ['DCH-PTP-002'])).toBe('DCH-PTP-002');
    expect(firedBeforeSubmission('DCH-PTP-002', ['COMMON-REF-PTP', 'DCH-PTP-002'])).toBe(true);
    expect(firedBeforeSubmission('DCH-PTP-001', ['DCH-PTP-002'])).toBe(false);
    expect(firedBeforeSubmission(null, ['DCH-PTP-002'])).toBeNull();
    expect(firedBeforeSubmission('DCH-PTP-001', null)).toBeNull();
  });

  it('returns null when no rule would have caught it: missing rules', () => {
    expect(predict('medicare', 'CO', '97', true)).toBeNull();
    expect(predict('demo-commercial', 'CO', '97', false)).toBeNull();
    // No shipped rule carries CARC 7 (the shared sex edit COMMON-SEX-001 denies with 10).
    expect(predict('medicare', 'CO', '7', false)).toBeNull();
    // Same CARC, inconsistent category: 236 is bundling, never an eligibility rule.
    expect(predictRule(snapshot.ruleSets.get('medicare')!, { carc: '236', reasonClass: DenialReasonClass.ELIGIBILITY, lineLevel: true }, { serviceDateFrom: '2026-06-01' })).toBeNull();
    expect(predictRule(null, { carc: '29', reasonClass: DenialReasonClass.TIMELY_FILING, lineLevel: false }, { serviceDateFrom: '2026-06-01' })).toBeNull();
  });

  it('counts only rules in force on the date of service', () => {
    // DCH-COV-001 (telehealth modifier 95, CARC 4) takes effect 2025-01-01.
    expect(predict('demo-commercial', 'CO', '4', true, undefined, '2025-01-01')).toBe('DCH-COV-001');
    expect(predict('demo-commercial', 'CO', '4', true, undefined, '2024-12-31')).toBeNull();
  });

  it('is not asked for contractual reductions or patient responsibility', () => {
    expect(predict('medicare', 'CO', '45', true)).toBe('not a denial');
    expect(predict('medicare', 'PR', '2', true)).toBe('not a denial');
    // CARC A2 (contractual adjustment) and 23 (the prior payer's adjudication, COB) are not actionable here.
    expect(predict('medicare', 'CO', 'A2', true)).toBe('not a denial');
    expect(predict('medicare', 'OA', '23', false)).toBe('not a denial');
  });
});
