/**
 * Dining philosophers (Dijkstra, 1965; Hoare, CSP, 1985), in the naive
 * "left fork first, then right fork" protocol that deadlocks.
 *
 * `n` philosophers sit in a ring; fork `i` lies between philosopher `i`
 * (for whom it is the left fork) and philosopher `i-1 mod n` (for whom it is
 * the right fork). A philosopher cycles
 * `thinking → holdingLeft → eating → thinking`:
 *
 * - `TakeLeft(i)`: thinking and fork `i` free → holdingLeft, fork `i` taken;
 * - `TakeRight(i)`: holdingLeft and fork `i+1` free → eating, fork `i+1` taken;
 * - `PutDown(i)`: eating → thinking, both forks free.
 *
 * The only deadlock is the state where every philosopher holds their left
 * fork; the shortest trace to it is `n` `TakeLeft` steps.
 *
 * No symmetry is declared: the philosophers are interchangeable only under
 * rotations of the ring (and not under arbitrary permutations, which is what
 * a symmetric domain means — a scalarset), because "my right fork is my
 * right neighbour's left fork" relates each philosopher to a specific other.
 *
 * Liveness (`fairness` given): each step belongs to process `p<i>`, and the
 * spec gains `Progress(p<i>)`: a philosopher holding their left fork
 * eventually eats, `phil[i] = holdingLeft ~> phil[i] = eating`. Deadlock
 * checking stays on, so the all-hold-left deadlock is reported as such and the
 * properties are checked on the behaviours that do not deadlock. Under weak
 * fairness of each philosopher they fail (for n >= 3: a neighbour keeps
 * eating, so the right fork is free only now and then); under strong fairness
 * they hold.
 *
 * @module
 */
import { Spec, array, bool, enumOf, leadsTo, strongFairness, weakFairness } from '../../checker';

/** What a philosopher is doing. */
export type PhilState = 'thinking' | 'holdingLeft' | 'eating';

/** A state: each philosopher's phase, and whether each fork is in someone's hand. */
export type PhilosophersState = Readonly<{ phil: readonly PhilState[]; fork: readonly boolean[] }>;

export interface PhilosophersConstants {
  /** Number of philosophers (and forks), 1..12. */
  readonly n: number;
  /** Liveness variant: the progress properties under weak or strong fairness of each philosopher (or none). */
  readonly fairness?: 'weak' | 'strong' | 'none';
}

const set = <T>(xs: readonly T[], i: number, v: T): readonly T[] => xs.map((x, j) => (j === i ? v : x));

/** Builds the dining philosophers spec for `n` philosophers. */
export function philosophers({ n, fairness }: PhilosophersConstants): Spec<PhilosophersState> {
  const base = philosophersSafety(n);
  if (fairness === undefined) return base;
  if (!['weak', 'strong', 'none'].includes(fairness)) throw new RangeError(`philosophers: fairness must be weak, strong or none, got ${String(fairness)}`);
  const ids = Array.from({ length: n }, (_, i) => i);
  return {
    ...base,
    params: { n, fairness },
    actions: base.actions.map((a) => ({ ...a, process: (i: number) => `p${i}` })),
    properties: ids.map((i) => leadsTo<PhilosophersState>(`Progress(p${i})`, (s) => s.phil[i] === 'holdingLeft', (s) => s.phil[i] === 'eating')),
    fairness: fairness === 'weak' ? [weakFairness({ process: '*' })] : fairness === 'strong' ? [strongFairness({ process: '*' })] : [],
  };
}

function philosophersSafety(n: number): Spec<PhilosophersState> {
  if (!Number.isInteger(n) || n < 1 || n > 12) throw new RangeError(`philosophers: n must be an integer in 1..12, got ${n}`);
  const ids = Array.from({ length: n }, (_, i) => i);
  const right = (i: number): number => (i + 1) % n;
  const formatParam = (i: number): string => `p${i}`;
  return {
    name: 'philosophers',
    description: `Dining philosophers, ${n} in a ring, left fork first (deadlocks)`,
    params: { n },
    variables: {
      phil: array(n, enumOf(['thinking', 'holdingLeft', 'eating'])),
      fork: array(n, bool()),
    },
    init: () => [{ phil: ids.map((): PhilState => 'thinking'), fork: ids.map(() => false) }],
    actions: [
      {
        name: 'TakeLeft',
        params: ids,
        formatParam,
        next: (s, i: number) =>
          s.phil[i] === 'thinking' && !s.fork[i] ? { phil: set(s.phil, i, 'holdingLeft'), fork: set(s.fork, i, true) } : undefined,
      },
      {
        name: 'TakeRight',
        params: ids,
        formatParam,
        next: (s, i: number) =>
          s.phil[i] === 'holdingLeft' && !s.fork[right(i)]
            ? { phil: set(s.phil, i, 'eating'), fork: set(s.fork, right(i), true) }
            : undefined,
      },
      {
        name: 'PutDown',
        params: ids,
        formatParam,
        next: (s, i: number) =>
          s.phil[i] === 'eating'
            ? { phil: set(s.phil, i, 'thinking'), fork: set(set(s.fork, i, false), right(i), false) }
            : undefined,
      },
    ],
    invariants: [
      {
        // Each fork is taken exactly when its owner(s) hold it, so no fork is in two hands at once.
        name: 'ForksConsistent',
        holds: (s) =>
          ids.every((i) => {
            const asLeft = s.phil[i] !== 'thinking';
            const asRight = s.phil[(i + n - 1) % n] === 'eating';
            return !(asLeft && asRight) && s.fork[i] === (asLeft || asRight);
          }),
      },
    ],
    witnesses: [{ name: 'someone eats', reached: (s) => s.phil.includes('eating') }],
    checkDeadlock: true,
  };
}

/** For `gfpcheck check specs/reference/philosophers.ts --const n=3 --const fairness=weak|strong|none`: the liveness variant. */
export function build(consts: { n?: unknown; fairness?: unknown }): Spec<PhilosophersState> {
  return philosophers({ n: Number(consts.n ?? 3), fairness: (consts.fairness ?? 'weak') as PhilosophersConstants['fairness'] });
}
