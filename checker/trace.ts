/**
 * Paths: reconstruction of counterexamples by replay, and replay of a given
 * action sequence (for regression tests).
 *
 * The search stores for each distinct state only its parent's index and the
 * ordinal of the successor that produced it (which emitted successor of the
 * parent, counting from 0). A trace is rebuilt by re-running the model from
 * the initial state along those ordinals (the technique of TLC and stateright,
 * after Yu, Manolios and Lamport). The replayed final state must equal the
 * state the search found, word for word; otherwise an action is
 * nondeterministic (MC203). Replay works on actual states, so a trace is
 * real whatever visited set or symmetry reduction the search used.
 *
 * @module
 */
import type { Compiled } from './compile';
import { AnySpec, State } from './spec';
import { SpecError, TraceStep } from './result';
import { compile, guarded } from './compile';

export interface RawStep {
  readonly action: number; // -1 for the initial state
  readonly param: number;
  readonly words: Uint32Array;
}

/**
 * Replays `ordinals` from initial state `root`; checks that the last state
 * equals `expect`. With `recheck` (the default) every state of the path is
 * expanded twice and the two lists of successors compared, so that an impure
 * action is caught on the states of every reported trace (MC203, naming the
 * action and the state). A replay error carries the trace up to the state
 * where it was found.
 */
export function replayOrdinals(c: Compiled, root: number, ordinals: readonly number[], expect?: Uint32Array, recheck = true): RawStep[] {
  const inits = c.initStates();
  let cur = inits[root];
  const steps: RawStep[] = [{ action: -1, param: 0, words: cur }];
  const dst = new Uint32Array(c.words);
  const fail = (message: string): never => {
    let trace: TraceStep[] | undefined;
    try {
      trace = formatSteps(c, steps);
    } catch {
      trace = undefined;
    }
    throw new SpecError('MC203', message, trace);
  };
  for (const ord of ordinals) {
    let k = 0;
    let found: RawStep | undefined;
    try {
      (recheck ? c.successorsChecked : c.successors).call(c, cur, dst, (a, p) => {
        if (k++ === ord && !found) found = { action: a, param: p, words: Uint32Array.from(dst) };
      });
    } catch (e) {
      if (e instanceof SpecError && !e.trace) {
        let trace: TraceStep[] | undefined;
        try {
          trace = formatSteps(c, steps);
        } catch {
          trace = undefined;
        }
        throw new SpecError(e.code, e.message, trace);
      }
      throw e;
    }
    if (!found) fail(`replay failed at step ${steps.length}: the state has fewer successors than during the search (nondeterministic action?)`);
    steps.push(found!);
    cur = found!.words;
  }
  for (let i = 0; expect && i < c.words; i++) {
    if (cur[i] !== expect[i]) {
      fail(`replay reached a different state than the search found at step ${ordinals.length}: some action is nondeterministic`);
    }
  }
  return steps;
}

/** Formats raw steps for a report. */
export function formatSteps(c: Compiled, raw: readonly RawStep[]): TraceStep[] {
  const fmt = c.spec.formatState;
  return raw.map((r, i) => {
    const s = c.decode(r.words);
    const action = r.action < 0 ? null : c.actions[r.action];
    return {
      step: i,
      action: action ? action.name : null,
      params: action ? guarded(() => `formatParam of action ${action.name}`, () => action.formatParam(r.param)) : null,
      state: fmt ? guarded(() => 'formatState', () => fmt.call(c.spec, s)) : s,
    };
  });
}

/**
 * Replays a sequence of named actions from the spec's first initial state
 * (or `init`), returning every state (TLA+ `fromActions`). Throws if an action
 * is not enabled. For regression tests of counterexamples.
 */
export function replayActions(spec: AnySpec, steps: readonly { action: string; param?: unknown }[], init = 0): State[] {
  const c = compile(spec);
  let cur = c.initStates()[init];
  const out: State[] = [c.decode(cur)];
  const dst = new Uint32Array(c.words);
  steps.forEach((step, i) => {
    let next: Uint32Array | undefined;
    c.successors(cur, dst, (a, p) => {
      if (next) return;
      if (c.actions[a].name !== step.action) return;
      if (step.param !== undefined && JSON.stringify(c.actions[a].formatParam(p)) !== JSON.stringify(step.param)) return;
      next = Uint32Array.from(dst);
    });
    if (!next) throw new Error(`step ${i + 1}: action ${step.action}${step.param !== undefined ? `(${JSON.stringify(step.param)})` : ''} is not enabled`);
    cur = next;
    out.push(c.decode(cur));
  });
  return out;
}
