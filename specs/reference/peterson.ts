/**
 * Peterson's mutual exclusion algorithm for two processes (G. L. Peterson,
 * "Myths about the mutual exclusion problem", IPL 12(3), 1981), with one
 * atomic step per statement, as in the PlusCal version of the algorithm:
 *
 * ```
 * idle:     flag[self] := TRUE
 * flagSet:  turn := other
 * waiting:  await ~flag[other] \/ turn = self
 * critical: flag[self] := FALSE   (leave)
 * ```
 *
 * Invariant: mutual exclusion. Witnesses: each process enters its critical
 * section (so the invariant does not hold vacuously).
 *
 * The algorithm is symmetric under swapping the two processes (with `turn`
 * swapped too), but the witnesses name a specific process, so no symmetric
 * domain is declared: under symmetry reduction only one of two mirror-image
 * states is visited and "process 1 enters" could stay unreached.
 *
 * Liveness (`peterson({ fairness })`): each action step belongs to process
 * `p0` or `p1`, and the spec gains the temporal properties
 * `StarvationFree(p0)` and `StarvationFree(p1)`: a process that has asked to
 * enter (set its flag) eventually enters, `pc[i] \in {flagSet, waiting} ~>
 * pc[i] = critical`. With `fairness: 'weak'` (`\A i : WF_vars(Proc(i))`,
 * PlusCal's `fair process`) both hold; with `fairness: 'none'` they fail: the
 * process may simply stop (stutter) right after setting its flag: a lasso of
 * one step and a stuttering loop. `peterson()` without options is the
 * safety-only spec of the original pins.
 *
 * @module
 */
import { Spec, array, bool, enumOf, int, leadsTo, weakFairness } from '../../checker';

/** Program counter of a process. */
export type PetersonPc = 'idle' | 'flagSet' | 'waiting' | 'critical';

export type PetersonState = Readonly<{ pc: readonly PetersonPc[]; flag: readonly boolean[]; turn: number }>;

const set = <T>(xs: readonly T[], i: number, v: T): readonly T[] => xs.map((x, j) => (j === i ? v : x));

/** Options of the liveness variant. */
export interface PetersonOptions {
  /** `weak`: weak fairness of each process; `none`: no fairness (either way the temporal properties are checked). */
  readonly fairness: 'weak' | 'none';
}

/** Builds Peterson's algorithm for processes 0 and 1 (initially `turn = 0`); with options, the liveness variant. */
export function peterson(opts?: PetersonOptions): Spec<PetersonState> {
  const base = petersonSafety();
  if (!opts) return base;
  if (opts.fairness !== 'weak' && opts.fairness !== 'none') throw new RangeError(`peterson: fairness must be weak or none, got ${String(opts.fairness)}`);
  const asked = (i: number) => (s: PetersonState): boolean => s.pc[i] === 'flagSet' || s.pc[i] === 'waiting';
  const inCs = (i: number) => (s: PetersonState): boolean => s.pc[i] === 'critical';
  return {
    ...base,
    params: { fairness: opts.fairness },
    actions: base.actions.map((a) => ({ ...a, process: (i: number) => `p${i}` })),
    properties: [leadsTo('StarvationFree(p0)', asked(0), inCs(0)), leadsTo('StarvationFree(p1)', asked(1), inCs(1))],
    fairness: opts.fairness === 'weak' ? [weakFairness({ process: '*' })] : [],
  };
}

/** For `gfpcheck check specs/reference/peterson.ts --const fairness=weak|none`: the liveness variant. */
export function build(consts: { fairness?: unknown }): Spec<PetersonState> {
  return peterson({ fairness: (consts.fairness ?? 'weak') as PetersonOptions['fairness'] });
}

function petersonSafety(): Spec<PetersonState> {
  const procs = [0, 1];
  const formatParam = (i: number): string => `p${i}`;
  return {
    name: 'peterson',
    description: "Peterson's mutual exclusion for two processes",
    params: {},
    variables: {
      pc: array(2, enumOf(['idle', 'flagSet', 'waiting', 'critical'])),
      flag: array(2, bool()),
      turn: int(0, 1),
    },
    init: () => [{ pc: ['idle', 'idle'], flag: [false, false], turn: 0 }],
    actions: [
      {
        name: 'SetFlag',
        params: procs,
        formatParam,
        next: (s, i: number) =>
          s.pc[i] === 'idle' ? { ...s, pc: set(s.pc, i, 'flagSet'), flag: set(s.flag, i, true) } : undefined,
      },
      {
        name: 'SetTurn',
        params: procs,
        formatParam,
        next: (s, i: number) => (s.pc[i] === 'flagSet' ? { ...s, pc: set(s.pc, i, 'waiting'), turn: 1 - i } : undefined),
      },
      {
        name: 'Enter',
        params: procs,
        formatParam,
        next: (s, i: number) =>
          s.pc[i] === 'waiting' && (!s.flag[1 - i] || s.turn === i) ? { ...s, pc: set(s.pc, i, 'critical') } : undefined,
      },
      {
        name: 'Exit',
        params: procs,
        formatParam,
        next: (s, i: number) =>
          s.pc[i] === 'critical' ? { ...s, pc: set(s.pc, i, 'idle'), flag: set(s.flag, i, false) } : undefined,
      },
    ],
    invariants: [{ name: 'MutualExclusion', holds: (s) => !(s.pc[0] === 'critical' && s.pc[1] === 'critical') }],
    witnesses: [
      { name: 'p0 enters critical section', reached: (s) => s.pc[0] === 'critical' },
      { name: 'p1 enters critical section', reached: (s) => s.pc[1] === 'critical' },
    ],
    checkDeadlock: true,
  };
}
