/**
 * K counters modulo M: the simplest state space whose size is known in closed
 * form (M^K distinct states, diameter K·(M−1)), used to validate counts and as
 * the benchmark workload. Each action `Inc(i)` increments counter `i` mod M.
 *
 * Two versions of the same model:
 * - `counter`: the record API;
 * - `counterPacked`: the packed API (`PackedSpec`), which reads and writes the
 *   counters through the accessors of `compileLayout(variables)`; it must give
 *   exactly the same counts, depth and coverage as the record version.
 *
 * @module
 */
import { PackedSpec, Spec, array, compileLayout, int } from '../../checker';

export type CounterState = Readonly<{ c: readonly number[] }>;

export interface CounterConstants {
  /** Number of counters, 1..16. */
  readonly k: number;
  /** Modulus, 2..65536 (M = 1 would make every step a stutter, i.e. a deadlock). */
  readonly m: number;
}

function validate({ k, m }: CounterConstants): void {
  if (!Number.isInteger(k) || k < 1 || k > 16) throw new RangeError(`counter: k must be an integer in 1..16, got ${k}`);
  if (!Number.isInteger(m) || m < 2 || m > 65536) throw new RangeError(`counter: m must be an integer in 2..65536, got ${m}`);
  if (m ** k > 2 ** 40) throw new RangeError(`counter: m^k = ${m}^${k} is too large`);
}

const shared = ({ k, m }: CounterConstants) => ({
  name: 'counter',
  description: `${k} counters mod ${m} (${m}^${k} states)`,
  params: { k, m },
  variables: { c: array(k, int(0, m - 1)) },
  init: (): CounterState[] => [{ c: Array.from({ length: k }, () => 0) }],
  invariants: [{ name: 'InRange', holds: (s: CounterState) => s.c.every((x) => x >= 0 && x < m) }],
  witnesses: [{ name: 'all counters at max', reached: (s: CounterState) => s.c.every((x) => x === m - 1) }],
  checkDeadlock: true,
});

/** Builds K counters mod M with the record API. */
export function counter(consts: CounterConstants): Spec<CounterState> {
  validate(consts);
  const { k, m } = consts;
  return {
    ...shared(consts),
    actions: [
      {
        name: 'Inc',
        params: Array.from({ length: k }, (_, i) => i),
        formatParam: (i: number) => `c${i}`,
        next: (s, i: number) => ({ c: s.c.map((x, j) => (j === i ? (x + 1) % m : x)) }),
      },
    ],
  };
}

/** Builds K counters mod M with the packed API (same model as `counter`). */
export function counterPacked(consts: CounterConstants): PackedSpec<CounterState> {
  validate(consts);
  const { k, m } = consts;
  const base = shared(consts);
  const layout = compileLayout(base.variables);
  const leaves = Array.from({ length: k }, (_, i) => layout.leaf(`c[${i}]`));
  return {
    ...base,
    name: 'counter-packed',
    packed: [
      {
        name: 'Inc',
        arity: k,
        formatParam: (i: number) => `c${i}`,
        fire(src, dst, i) {
          const leaf = leaves[i];
          const v = layout.get(src, leaf) + 1;
          layout.set(dst, leaf, v === m ? 0 : v);
          return true;
        },
      },
    ],
    packedInvariants: [
      // The packed twin of InRange (a stored value can never exceed its field, so this checks set/get only).
      { name: 'InRangePacked', holds: (w) => leaves.every((l) => layout.get(w, l) < m) },
    ],
  };
}
