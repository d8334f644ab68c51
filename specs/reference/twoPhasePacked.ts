/**
 * Two-phase commit with the packed API: the same model as `twoPhase.ts`
 * (Lamport's TwoPhase.tla), written a second time against packed words, for
 * the benchmark and as an independent implementation the tests cross-check
 * against the record version (same counts, depths, verdicts, with and without
 * symmetry).
 *
 * Packing (from `compileLayout` of the record version's variables):
 * rmState[r] ∈ {working, prepared, committed, aborted} (2 bits each),
 * tmState ∈ {init, committed, aborted}, tmPrepared[r], msgs.prepared[r],
 * msgs.commit, msgs.abort.
 *
 * @module
 */
import { compileLayout, Leaf, PackedSpec } from '../../checker';
import { twoPhase, TwoPhaseConstants, TwoPhaseState } from './twoPhase';

const WORKING = 0;
const PREPARED = 1;
const COMMITTED = 2;
const ABORTED = 3;
const TM_INIT = 0;
const TM_COMMITTED = 1;
const TM_ABORTED = 2;

/** Builds TwoPhase for `rm` resource managers with the packed API. */
export function twoPhasePacked(consts: TwoPhaseConstants): PackedSpec<TwoPhaseState> {
  const base = twoPhase(consts);
  const { rm } = consts;
  const layout = compileLayout(base.variables, base.symmetric);
  const get = (w: Uint32Array, l: Leaf): number => (w[l.word] >>> l.shift) & l.mask;
  const set = (w: Uint32Array, l: Leaf, v: number): void => {
    w[l.word] = (w[l.word] & ~(l.mask << l.shift)) | (v << l.shift);
  };
  const rmState = Array.from({ length: rm }, (_, r) => layout.leaf(`rmState[${r}]`));
  const tmPrepared = Array.from({ length: rm }, (_, r) => layout.leaf(`tmPrepared[${r}]`));
  const prepared = Array.from({ length: rm }, (_, r) => layout.leaf(`msgs.prepared[${r}]`));
  const tmState = layout.leaf('tmState');
  const commit = layout.leaf('msgs.commit');
  const abort = layout.leaf('msgs.abort');
  const formatParam = (r: number): string => `rm${r}`;
  const { actions: _actions, ...rest } = base;
  return {
    ...rest,
    name: 'twophase-packed',
    packed: [
      {
        name: 'TMRcvPrepared',
        arity: rm,
        formatParam,
        fire: (src, dst, r) => {
          if (get(src, tmState) !== TM_INIT || get(src, prepared[r]) === 0) return false;
          set(dst, tmPrepared[r], 1);
          return true;
        },
      },
      {
        name: 'TMCommit',
        fire: (src, dst) => {
          if (get(src, tmState) !== TM_INIT) return false;
          for (let r = 0; r < rm; r++) if (get(src, tmPrepared[r]) === 0) return false;
          set(dst, tmState, TM_COMMITTED);
          set(dst, commit, 1);
          return true;
        },
      },
      {
        name: 'TMAbort',
        fire: (src, dst) => {
          if (get(src, tmState) !== TM_INIT) return false;
          set(dst, tmState, TM_ABORTED);
          set(dst, abort, 1);
          return true;
        },
      },
      {
        name: 'RMPrepare',
        arity: rm,
        formatParam,
        fire: (src, dst, r) => {
          if (get(src, rmState[r]) !== WORKING) return false;
          set(dst, rmState[r], PREPARED);
          set(dst, prepared[r], 1);
          return true;
        },
      },
      {
        name: 'RMChooseToAbort',
        arity: rm,
        formatParam,
        fire: (src, dst, r) => {
          if (get(src, rmState[r]) !== WORKING) return false;
          set(dst, rmState[r], ABORTED);
          return true;
        },
      },
      {
        name: 'RMRcvCommitMsg',
        arity: rm,
        formatParam,
        fire: (src, dst, r) => {
          if (get(src, commit) === 0) return false;
          set(dst, rmState[r], COMMITTED);
          return true;
        },
      },
      {
        name: 'RMRcvAbortMsg',
        arity: rm,
        formatParam,
        fire: (src, dst, r) => {
          if (get(src, abort) === 0) return false;
          set(dst, rmState[r], ABORTED);
          return true;
        },
      },
    ],
    packedInvariants: [
      {
        // TCConsistent, on the words: no RM committed while another aborted.
        name: 'TCConsistentPacked',
        holds: (w) => {
          let c = false;
          let a = false;
          for (let r = 0; r < rm; r++) {
            const s = get(w, rmState[r]);
            if (s === COMMITTED) c = true;
            else if (s === ABORTED) a = true;
          }
          return !(c && a);
        },
      },
    ],
    invariants: [],
  };
}
