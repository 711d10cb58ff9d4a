import { read835 } from '../../src/x12/835/read';
import { read837p } from '../../src/x12/837p/reader';
import { X12Error } from '../../src/x12/reader';
import { fuzzSeed, rng } from './prng';
import { mutateBytes, mutateX12, samples, X12_MARKER } from './x12-mutate';

/**
 * Fuzzing the 837P and 835 readers with malformed variants of the real 5010 sample files: byte
 * flips, dropped / duplicated / moved segments, wrong counts and control numbers, truncation,
 * separator changes, huge and odd elements, invalid UTF-8. A reader either reads the file or
 * refuses it with an X12Error naming the segment position and the reason — never another throw,
 * never a reason that repeats an element value (element values may be PHI).
 */
const CASES = 2000;

interface Failure {
  case: number;
  file: string;
  what: string[];
  error: string;
}

function checkRefusal(err: unknown): string | null {
  if (!(err instanceof X12Error)) return `threw ${(err as Error)?.name}: ${String((err as Error)?.message).slice(0, 200)}`;
  if (!(err.position === null || (Number.isInteger(err.position) && err.position > 0))) return `refusal without a usable position (${err.position})`;
  if (typeof err.reason !== 'string' || err.reason.trim() === '') return 'refusal without a reason';
  if (err.reason.includes(X12_MARKER) || err.reason.length > 400) return 'refusal reason repeats file content';
  return null;
}

describe('X12 readers under fuzzing', () => {
  // Regression (found by this fuzzing): the envelope checks echoed ST01/ST02 (and SE, GE, IEA
  // counts and control numbers) verbatim, so a damaged file put 100 kB — or anything else in
  // that element — into the refusal reason.
  it('bug: envelope refusals and warnings echoed a huge or odd ST01/ST02/SE01 verbatim', () => {
    const huge = `${X12_MARKER}${'9'.repeat(60_000)}`;
    const bare835 = samples('835/5010').find((s) => s.name.includes('no-envelope'))!.text;
    const asType = bare835.replace(/^ST\*835\*/, `ST*${huge}*`);
    const unclosed837 = samples('837p/5010')
      .find((s) => s.name === 'linuxforhealth__demo.example1.x12')!
      .text.replace(/ST\*837\*(\d+)/, `ST*837*${huge}`)
      .replace(/SE\*[^~]*~/, '');
    for (const [read, text] of [
      [(x: string) => read835(x), asType],
      [(x: string) => read837p(x), unclosed837],
    ] as const) {
      let err: unknown;
      try {
        read(text);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(X12Error);
      expect(checkRefusal(err)).toBeNull();
      expect((err as X12Error).reason).toContain('(not a valid value)');
    }
    const badCount = read837p(samples('837p/5010').find((s) => s.name === 'linuxforhealth__demo.example1.x12')!.text.replace(/SE\*\d+\*/, `SE*${X12_MARKER}*`));
    expect(badCount.warnings.map((w) => w.reason)).toContain('SE01 says (not a valid value) segments, the transaction has 40');
  });


  const seed = fuzzSeed('x12-readers', 20261122);
  const p837 = samples('837p/5010');
  const r835 = samples('835/5010');

  it(`reads or refuses (X12Error with position and reason) each of ${CASES} malformed 837P and 835 files`, () => {
    const r = rng(seed);
    const failures: Failure[] = [];
    const tally = { read837: 0, refused837: 0, read835: 0, refused835: 0 };
    for (let i = 0; i < CASES; i++) {
      const is837 = i % 2 === 0;
      const sample = r.pick(is837 ? p837 : r835);
      const asBytes = r.chance(0.2);
      const m = asBytes ? mutateBytes(r, sample.text) : mutateX12(r, sample.text);
      const input = 'bytes' in m ? m.bytes : m.text;
      try {
        if (is837) {
          const out = read837p(input);
          // A variant that still reads must be whole: every claim has its lines and a position.
          if (!out.claims.every((c) => Array.isArray(c.lines) && c.at.position > 0)) failures.push({ case: i, file: sample.name, what: m.what, error: 'claim without lines or position' });
          if (out.warnings.some((w) => w.reason.includes(X12_MARKER))) failures.push({ case: i, file: sample.name, what: m.what, error: 'warning repeats file content' });
          tally.read837++;
        } else {
          // The 835 service reads the bytes as UTF-8 (after refusing NULs): the same here.
          const out = read835(typeof input === 'string' ? input : input.toString('utf8'));
          if (out.transactions.length === 0 || !out.transactions.every((t) => t.claims.every((c) => c.position > 0))) {
            failures.push({ case: i, file: sample.name, what: m.what, error: 'read without transactions or claim positions' });
          }
          if (out.warnings.some((w) => w.message.includes(X12_MARKER))) failures.push({ case: i, file: sample.name, what: m.what, error: 'warning repeats file content' });
          tally.read835++;
        }
      } catch (err) {
        const problem = checkRefusal(err);
        if (problem) failures.push({ case: i, file: sample.name, what: m.what, error: problem });
        else if (is837) tally.refused837++;
        else tally.refused835++;
      }
    }
    process.stdout.write(`[fuzz] x12-readers: ${JSON.stringify(tally)}\n`);
    expect(failures.slice(0, 10)).toEqual([]);
    // Most variants must really be malformed, or the fuzzing proves little.
    expect(tally.refused837 + tally.refused835).toBeGreaterThan(CASES / 2);
  });
});
