/**
 * Two-phase commit, after Lamport's `TwoPhase.tla` (the spec accompanying
 * Gray & Lamport, "Consensus on Transaction Commit", MSR-TR-2003-96).
 *
 * One transaction manager (TM) and `rm` resource managers (RMs). Variables
 * follow the TLA+ spec one for one:
 *
 * - `rmState[r]` ∈ {working, prepared, committed, aborted}
 * - `tmState` ∈ {init, committed, aborted}
 * - `tmPrepared` ⊆ RM, as a map RM → boolean
 * - `msgs`, the set of messages ever sent. TLA+ has
 *   `Messages == [type: {"Prepared"}, rm: RM] ∪ [type: {"Commit", "Abort"}]`;
 *   a subset of it is encoded as `{ prepared: RM → boolean, commit, abort }`,
 *   which is a bijection, so state counts match TLC's.
 *
 * RMs are a symmetric domain (`symmetric: { rm }`): every action treats them
 * uniformly and every property is invariant under renaming them.
 *
 * Deadlock. TLC does not report a deadlock for `TwoPhase` because
 * `RMRcvCommitMsg(r)`/`RMRcvAbortMsg(r)` (and `TMRcvPrepared(r)`) stay enabled
 * forever once their message is in `msgs`: in a final state they are
 * stuttering steps, and TLC counts a stuttering successor as "enabled". This
 * engine does not (a state whose only successor is itself is a deadlock), so
 * the two final states of the protocol — every RM committed after the TM
 * committed, or every RM aborted after the TM aborted — are declared
 * `terminal`. Those are exactly the reachable states without a non-stuttering
 * successor (see docs/reference-models.md).
 *
 * @module
 */
import { Spec, bool, enumOf, mapOf, record } from '../../checker';

/** What a resource manager is doing. */
export type RmState = 'working' | 'prepared' | 'committed' | 'aborted';
/** What the transaction manager has decided. */
export type TmState = 'init' | 'committed' | 'aborted';

/** A TwoPhase state (record API). Arrays are indexed by RM `0..rm-1`. */
export type TwoPhaseState = Readonly<{
  rmState: readonly RmState[];
  tmState: TmState;
  tmPrepared: readonly boolean[];
  msgs: Readonly<{ prepared: readonly boolean[]; commit: boolean; abort: boolean }>;
}>;

/** Constants of the TwoPhase spec. */
export interface TwoPhaseConstants {
  /** Number of resource managers (TLA+ `RM`), 1..8. */
  readonly rm: number;
}

const withRm = <T>(xs: readonly T[], r: number, v: T): readonly T[] => xs.map((x, i) => (i === r ? v : x));

/**
 * Builds the TwoPhase spec for `rm` resource managers.
 *
 * @example
 * check(twoPhase({ rm: 3 }), { symmetry: false }).stats.distinctStates; // 288
 */
export function twoPhase({ rm }: TwoPhaseConstants): Spec<TwoPhaseState> {
  if (!Number.isInteger(rm) || rm < 1 || rm > 8) throw new RangeError(`twoPhase: rm must be an integer in 1..8, got ${rm}`);
  const rms = Array.from({ length: rm }, (_, i) => i);
  const formatParam = (r: number): string => `rm${r}`;
  const every = (s: TwoPhaseState, v: RmState): boolean => s.rmState.every((x) => x === v);
  return {
    name: 'twophase',
    description: `Two-phase commit (Lamport's TwoPhase.tla) with ${rm} resource managers`,
    params: { rm },
    symmetric: { rm },
    variables: {
      rmState: mapOf('rm', enumOf(['working', 'prepared', 'committed', 'aborted'])),
      tmState: enumOf(['init', 'committed', 'aborted']),
      tmPrepared: mapOf('rm', bool()),
      msgs: record({ prepared: mapOf('rm', bool()), commit: bool(), abort: bool() }),
    },
    init: () => [
      {
        rmState: rms.map((): RmState => 'working'),
        tmState: 'init',
        tmPrepared: rms.map(() => false),
        msgs: { prepared: rms.map(() => false), commit: false, abort: false },
      },
    ],
    actions: [
      {
        // The TM receives a Prepared message from r (a stuttering step if r is already in tmPrepared, as in TLA+).
        name: 'TMRcvPrepared',
        params: rms,
        formatParam,
        next: (s, r: number) =>
          s.tmState === 'init' && s.msgs.prepared[r] ? { ...s, tmPrepared: withRm(s.tmPrepared, r, true) } : undefined,
      },
      {
        name: 'TMCommit',
        next: (s) =>
          s.tmState === 'init' && s.tmPrepared.every((p) => p)
            ? { ...s, tmState: 'committed', msgs: { ...s.msgs, commit: true } }
            : undefined,
      },
      {
        name: 'TMAbort',
        next: (s) => (s.tmState === 'init' ? { ...s, tmState: 'aborted', msgs: { ...s.msgs, abort: true } } : undefined),
      },
      {
        name: 'RMPrepare',
        params: rms,
        formatParam,
        next: (s, r: number) =>
          s.rmState[r] === 'working'
            ? {
                ...s,
                rmState: withRm(s.rmState, r, 'prepared'),
                msgs: { ...s.msgs, prepared: withRm(s.msgs.prepared, r, true) },
              }
            : undefined,
      },
      {
        name: 'RMChooseToAbort',
        params: rms,
        formatParam,
        next: (s, r: number) => (s.rmState[r] === 'working' ? { ...s, rmState: withRm(s.rmState, r, 'aborted') } : undefined),
      },
      {
        // Enabled whenever Commit was sent, even for an RM that already committed (TLA+ semantics).
        name: 'RMRcvCommitMsg',
        params: rms,
        formatParam,
        next: (s, r: number) => (s.msgs.commit ? { ...s, rmState: withRm(s.rmState, r, 'committed') } : undefined),
      },
      {
        name: 'RMRcvAbortMsg',
        params: rms,
        formatParam,
        next: (s, r: number) => (s.msgs.abort ? { ...s, rmState: withRm(s.rmState, r, 'aborted') } : undefined),
      },
    ],
    invariants: [
      {
        // TCConsistent: no RM has committed while another has aborted.
        name: 'TCConsistent',
        holds: (s) => !(s.rmState.includes('committed') && s.rmState.includes('aborted')),
      },
    ],
    witnesses: [
      { name: 'all committed', reached: (s) => every(s, 'committed') },
      { name: 'all aborted', reached: (s) => every(s, 'aborted') },
    ],
    checkDeadlock: true,
    terminal: (s) =>
      (s.tmState === 'committed' && every(s, 'committed')) || (s.tmState === 'aborted' && every(s, 'aborted')),
  };
}
