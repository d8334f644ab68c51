/**
 * The Die Hard jug puzzle, after Lamport's `DieHard.tla` (from the TLA+ video
 * course and the tlaplus/Examples repository): with a 3-gallon and a 5-gallon
 * jug and a fountain, measure exactly 4 gallons.
 *
 * The puzzle is solved by violating the invariant `NotSolved` (`big /= 4`):
 * the shortest counterexample is the solution, 6 steps long.
 * Every action is always enabled (filling a full jug is a stuttering step, as
 * in TLA+), and every state has a non-stuttering successor, so there is no
 * deadlock.
 *
 * @module
 */
import { Spec, int } from '../../checker';

export type DieHardState = Readonly<{ small: number; big: number }>;

export interface DieHardConstants {
  /** Capacity of the small jug (default 3). */
  readonly small?: number;
  /** Capacity of the big jug (default 5). */
  readonly big?: number;
  /** The amount the big jug must not hold (default 4). */
  readonly goal?: number;
}

/** Builds the Die Hard spec; `dieHard()` is the film's 3/5/4 puzzle. */
export function dieHard({ small = 3, big = 5, goal = 4 }: DieHardConstants = {}): Spec<DieHardState> {
  for (const [k, v] of Object.entries({ small, big, goal })) {
    if (!Number.isInteger(v) || v < 0 || v > 1000) throw new RangeError(`dieHard: ${k} must be an integer in 0..1000, got ${v}`);
  }
  return {
    name: 'diehard',
    description: `Die Hard jugs: ${small} and ${big} gallons, can the big jug hold ${goal}?`,
    params: { small, big, goal },
    variables: { small: int(0, small), big: int(0, big) },
    init: () => [{ small: 0, big: 0 }],
    actions: [
      { name: 'FillSmallJug', next: (s) => ({ ...s, small: small }) },
      { name: 'FillBigJug', next: (s) => ({ ...s, big: big }) },
      { name: 'EmptySmallJug', next: (s) => ({ ...s, small: 0 }) },
      { name: 'EmptyBigJug', next: (s) => ({ ...s, big: 0 }) },
      {
        name: 'SmallToBig',
        next: (s) => {
          const pour = Math.min(s.small, big - s.big);
          return { small: s.small - pour, big: s.big + pour };
        },
      },
      {
        name: 'BigToSmall',
        next: (s) => {
          const pour = Math.min(s.big, small - s.small);
          return { small: s.small + pour, big: s.big - pour };
        },
      },
    ],
    invariants: [{ name: 'NotSolved', holds: (s) => s.big !== goal }],
    witnesses: [{ name: 'both jugs full', reached: (s) => s.small === small && s.big === big }],
    checkDeadlock: true,
  };
}
