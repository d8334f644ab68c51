/**
 * Footprints of the reference models' actions, for partial-order reduction
 * (docs/api.md, "Footprints"). Kept apart from the models so that the
 * models' pinned state counts (docs/reference-models.md), which are those of
 * the unreduced search, stay what they are: `withReferenceFootprints(name,
 * spec)` returns the same spec with footprints declared, and `check` then
 * reduces it by default. Every table is verified on sampled states by
 * test/engine/por.test.ts (`checkFootprints`).
 *
 * @module
 */
import { AnySpec, Footprint, FootprintGuard, FootprintTable, Spec, State, withFootprints } from '../../checker';

const fp = (reads: string[], writes: string[], guards?: FootprintGuard[]): Footprint => ({ reads, writes, ...(guards ? { guards } : {}) });
/** A guard conjunct `variable[i] === value` (reading that element only). */
const is = (v: string, i: number, value: unknown): FootprintGuard => ({ reads: [`${v}[${i}]`], holds: (s: Record<string, readonly unknown[]>) => s[v][i] === value });

/** The footprint table of each reference model that has one, by spec name. `n`: the number of philosophers / RMs / counters. */
export const referenceFootprints: Readonly<Record<string, (n: number) => FootprintTable>> = {
  // TakeLeft(i) reads/writes phil[i] and fork[i]; TakeRight(i) phil[i] and fork[i+1]; PutDown(i) frees both.
  philosophers: (n) => {
    const r = (i: number): number => (i + 1) % n;
    return {
      actions: {
        TakeLeft: (i: number) => fp([`phil[${i}]`, `fork[${i}]`], [`phil[${i}]`, `fork[${i}]`], [is('phil', i, 'thinking'), is('fork', i, false)]),
        TakeRight: (i: number) => fp([`phil[${i}]`, `fork[${r(i)}]`], [`phil[${i}]`, `fork[${r(i)}]`], [is('phil', i, 'holdingLeft'), is('fork', r(i), false)]),
        PutDown: (i: number) => fp([`phil[${i}]`], [`phil[${i}]`, `fork[${i}]`, `fork[${r(i)}]`], [is('phil', i, 'eating')]),
      },
      predicates: { ForksConsistent: ['phil', 'fork'], 'someone eats': ['phil'] },
    };
  },
  peterson: () => ({
    actions: {
      SetFlag: (i: number) => fp([`pc[${i}]`], [`pc[${i}]`, `flag[${i}]`], [is('pc', i, 'idle')]),
      SetTurn: (i: number) => fp([`pc[${i}]`], [`pc[${i}]`, 'turn'], [is('pc', i, 'flagSet')]),
      Enter: (i: number) => fp([`pc[${i}]`, `flag[${1 - i}]`, 'turn'], [`pc[${i}]`], [is('pc', i, 'waiting')]),
      Exit: (i: number) => fp([`pc[${i}]`], [`pc[${i}]`, `flag[${i}]`], [is('pc', i, 'critical')]),
    },
    predicates: { MutualExclusion: ['pc[0]', 'pc[1]'], 'p0 enters critical section': ['pc[0]'], 'p1 enters critical section': ['pc[1]'] },
  }),
  // msgs is a record; 'msgs[prepared]' is its whole `prepared` map (components are one level deep).
  twophase: (rm) => {
    const all = (v: string): string[] => Array.from({ length: rm }, (_, r) => `${v}[${r}]`);
    const tm = (v: string): FootprintGuard => ({ reads: ['tmState'], holds: (s: { tmState: string }) => s.tmState === v });
    return {
      actions: {
        TMRcvPrepared: (r: number) => fp(['tmState', 'msgs[prepared]'], [`tmPrepared[${r}]`], [tm('init')]),
        TMCommit: fp(['tmState', ...all('tmPrepared')], ['tmState', 'msgs[commit]'], [tm('init')]),
        TMAbort: fp(['tmState'], ['tmState', 'msgs[abort]']),
        RMPrepare: (r: number) => fp([`rmState[${r}]`, 'msgs[prepared]'], [`rmState[${r}]`, 'msgs[prepared]'], [is('rmState', r, 'working')]),
        RMChooseToAbort: (r: number) => fp([`rmState[${r}]`], [`rmState[${r}]`]),
        RMRcvCommitMsg: (r: number) => fp(['msgs[commit]'], [`rmState[${r}]`]),
        RMRcvAbortMsg: (r: number) => fp(['msgs[abort]'], [`rmState[${r}]`]),
      },
      predicates: { TCConsistent: ['rmState'], 'all committed': ['rmState'], 'all aborted': ['rmState'] },
    };
  },
  diehard: () => ({
    actions: {
      FillSmallJug: fp([], ['small']),
      FillBigJug: fp([], ['big']),
      EmptySmallJug: fp([], ['small']),
      EmptyBigJug: fp([], ['big']),
      SmallToBig: fp(['small', 'big'], ['small', 'big']),
      BigToSmall: fp(['small', 'big'], ['small', 'big']),
    },
    predicates: { NotSolved: ['big'], 'both jugs full': ['small', 'big'] },
  }),
  counter: (k) => ({
    actions: { Inc: (i: number) => fp([`c[${i}]`], [`c[${i}]`]) },
    predicates: { InRange: ['c'], 'all counters at max': Array.from({ length: k }, (_, i) => `c[${i}]`) },
  }),
  // Has a state constraint and TLC's deadlock meaning: POR stays off for it (declared for the footprint check).
  innerfifo: () => ({
    actions: {
      SSend: fp(['in'], ['in']),
      BufRcv: fp(['in', 'q'], ['in', 'q']),
      BufSend: fp(['q', 'out'], ['q', 'out']),
      RRcv: fp(['out'], ['out']),
    },
    predicates: { TypeInvariant: ['in', 'out', 'q'], 'the queue is full': ['q'] },
  }),
};

/** The spec with its reference footprints declared (the spec itself when it has no table, or uses the packed API). */
export function withReferenceFootprints(spec: AnySpec): AnySpec {
  const table = referenceFootprints[spec.name];
  if (!table || !('actions' in spec)) return spec;
  const n = Number(spec.params?.n ?? spec.params?.rm ?? spec.params?.k ?? 0);
  return withFootprints(spec as Spec<State>, table(n));
}
