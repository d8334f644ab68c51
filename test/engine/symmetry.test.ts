/**
 * The exact canonicaliser builds candidates word by word and abandons one at
 * its first larger word (checker/symmetry.ts, `wordwise`). It must give the
 * representative the whole-candidate loop gives, on every state: checked on
 * the states of random walks of random symmetric models (fast-check, seeded)
 * and of the kernel model with 2 and 3 writers.
 */
import fc from 'fast-check';
import { compileLayout } from '../../checker/index';
import type { Spec } from '../../checker/index';
import { createCanonicalizer } from '../../checker/symmetry';
import { symModelArb, symSpec } from '../helpers/randomSpecs';
import { buildFixedStackSpec } from '../../specs/fixes/spec';

/** States of a seeded random walk (restarting at the initial state when stuck). */
function walk(spec: Spec<any>, steps: number, seed: number): any[] {
  let x = seed >>> 0 || 1;
  const rnd = (n: number): number => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) % n;
  };
  const init = spec.init();
  let s = init[rnd(init.length)];
  const out = [s];
  for (let i = 0; i < steps; i++) {
    const next = spec.actions.flatMap((a) => (a.params ?? [undefined]).map((p) => (a.guard && !a.guard(s, p) ? undefined : a.next(s, p)))).filter((t) => t !== undefined);
    s = next.length ? next[rnd(next.length)] : init[0];
    out.push(s);
  }
  return out;
}

function agree(spec: Spec<any>, states: readonly any[]): number {
  const layout = compileLayout(spec.variables, spec.symmetric ?? {});
  const fast = createCanonicalizer(layout, 5040);
  const slow = createCanonicalizer(layout, 5040, { wholeCandidates: true });
  // the word-by-word builder without its generated code (the loop it falls back to)
  const loop = createCanonicalizer(layout, 5040, { generated: false });
  const l = new Uint32Array(layout.words);
  if (!fast || !slow || !fast.description.includes('permutations')) return 0;
  const w = new Uint32Array(layout.words);
  const a = new Uint32Array(layout.words);
  const b = new Uint32Array(layout.words);
  // canonAt: the state at an offset of a larger buffer, the key at another offset of a buffer holding garbage.
  const W = layout.words;
  const big = new Uint32Array(3 * W);
  const out = new Uint32Array(4 * W);
  expect(fast.canonAt).toBeDefined();
  for (const s of states) {
    layout.encode(s, w);
    fast.canon(w, a);
    slow.canon(w, b);
    expect([...a]).toEqual([...b]);
    loop!.canon(w, l);
    expect([...l]).toEqual([...b]);
    big.fill(0xdeadbeef);
    big.set(w, W);
    out.fill(0x5a5a5a5a);
    const wrote = fast.canonAt!(big, W, out, 2 * W);
    // false: the state is its own representative and `out` untouched; true: the representative is written there.
    expect(wrote).toBe([...w].some((x, i) => x !== b[i]));
    if (wrote) expect([...out.subarray(2 * W, 3 * W)]).toEqual([...b]);
    else expect(out.every((x) => x === 0x5a5a5a5a)).toBe(true);
  }
  return states.length;
}

test('random symmetric models: the word-by-word canonicaliser agrees with the whole-candidate one', () => {
  let compared = 0;
  fc.assert(
    fc.property(symModelArb(2), fc.integer({ min: 1, max: 1 << 30 }), (m, seed) => {
      compared += agree(symSpec(m), walk(symSpec(m), 40, seed));
    }),
    { seed: 5, numRuns: 150 },
  );
  expect(compared).toBeGreaterThan(1000);
});

test.each([2, 3])('the kernel model with %d writers: same representatives', (writers) => {
  const spec = buildFixedStackSpec({ stack: 'report-2019', workload: 'write', params: { writers: String(writers) }, fixes: [] });
  expect(agree(spec, [...walk(spec, 300, 17), ...walk(spec, 300, 99)])).toBe(602);
});
