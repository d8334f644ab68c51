/**
 * Specs for test/engine/parallel.test.ts that worker threads rebuild by recipe.
 *
 * @module
 */
import { array, int, Spec } from '../../checker/index';

/** A counter whose step throws once it reaches `depth`: a spec error in the middle of a search. */
export function throwsAtDepth(depth: number): Spec<{ x: number; y: number }> {
  return {
    name: 'throws-at-depth',
    variables: { x: int(0, 9), y: int(0, 1) },
    init: () => [{ x: 0, y: 0 }],
    actions: [
      {
        name: 'step',
        next: (s) => {
          if (s.x >= depth) throw new Error(`boom at x=${s.x}`);
          return { ...s, x: s.x + 1 };
        },
      },
      { name: 'flip', next: (s) => ({ ...s, y: 1 - s.y }) },
    ],
  };
}

/**
 * k counters mod m carrying a constant 64-entry payload: wide states
 * (about 40 words), so that BFS levels of a few thousand states fill a
 * frontier block of a small memory budget.
 */
export function wideCounter(k: number, m: number): Spec<{ c: readonly number[]; pad: readonly number[] }> {
  const pad = Array.from({ length: 64 }, (_, i) => (i * 7919) % (1 << 20));
  return {
    name: 'wide-counter',
    params: { k, m },
    variables: { c: array(k, int(0, m - 1)), pad: array(64, int(0, (1 << 20) - 1)) },
    init: () => [{ c: Array.from({ length: k }, () => 0), pad }],
    actions: [{ name: 'Inc', params: Array.from({ length: k }, (_, i) => i), next: (s, i: number) => (s.c[i] === m - 1 ? undefined : { ...s, c: s.c.map((x, j) => (j === i ? x + 1 : x)) }) }],
    invariants: [{ name: 'NotAllAtMax', holds: (s) => s.c.some((x) => x < m - 1) }],
  };
}

/**
 * An impure action that only adds an undeclared property to its input from
 * x = `from` on: the unfrozen copies' leaf comparison cannot see it, only the
 * frozen purity sample (compile.ts, `successorsChecked`) can, and the
 * workers run that sample too (MC203).
 */
export function addsProperty(from: number): Spec<{ x: number }> {
  return {
    name: 'adds-property',
    variables: { x: int(0, 9) },
    init: () => [{ x: 0 }],
    actions: [
      {
        name: 'Step',
        next: (s) => {
          if (s.x >= from) (s as { x: number; extra?: number }).extra = 1;
          return s.x < 9 ? { x: s.x + 1 } : undefined;
        },
      },
    ],
    checkDeadlock: false,
  };
}
