/**
 * A small seeded PRNG (mulberry32) so every fuzz run is reproducible: the seed is printed, and
 * CLAIMFLOW_FUZZ_SEED=<n> replays a run. No dependency: the generator is 10 lines.
 * FUZZ_DEBUG=1 makes the HTTP fuzz files print each failing request and the server's error log.
 */
export interface Rng {
  readonly seed: number;
  /** Uniform in [0, 1). */
  next(): number;
  /** Integer in [0, n). */
  int(n: number): number;
  pick<T>(items: readonly T[]): T;
  chance(p: number): boolean;
}

export function rng(seed: number): Rng {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  return {
    seed,
    next,
    int,
    pick: <T>(items: readonly T[]) => {
      if (items.length === 0) throw new Error('pick from an empty list');
      return items[int(items.length)]!;
    },
    chance: (p: number) => next() < p,
  };
}

/** The seed for a fuzz file: CLAIMFLOW_FUZZ_SEED when set, else a fixed default; printed either way. */
export function fuzzSeed(name: string, fallback: number): number {
  const raw = process.env.CLAIMFLOW_FUZZ_SEED;
  const seed = raw && /^\d+$/.test(raw) ? Number(raw) >>> 0 : fallback;
  // Printed so a failure can be replayed: CLAIMFLOW_FUZZ_SEED=<seed> npx jest test/fuzz/<file>
  process.stdout.write(`[fuzz] ${name}: seed ${seed}\n`);
  return seed;
}

/** Strings that break naive parsers and printers: control characters, quotes, surrogates, RTL. */
export const NASTY_STRINGS: readonly string[] = [
  '',
  ' ',
  '\u0000',
  '\u0000\u0001\u0002\u001b[31m',
  '\r\n\t\v\f',
  '"',
  "'",
  '\\',
  '"; DROP TABLE claim; --',
  '${7*7}{{7*7}}',
  '__proto__',
  'constructor',
  '\ud800',
  '\udfff\ud800',
  '\u202e\u0645\u0631\u062d\u0628\u0627',
  '🩺💉🏥'.repeat(50),
  'Z͑ͫ̓ͪ̂ͫ̽͏̴̙̤̞͉͚̯̞̠͍A̴̵̜̰͔ͫ͗͢L̠ͨͧͩ͘G̴̻͈͍͔̹̑͗̎̅͛́Ǫ̵̹̻̝̳͂̌̌͘',
  'a'.repeat(70_000),
  '9'.repeat(400),
  '-0',
  'NaN',
  'Infinity',
  '1e309',
  'null',
  'true',
  '[]',
  '{}',
];
