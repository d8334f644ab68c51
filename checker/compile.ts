/**
 * Compiles a spec (record or packed API) into the word-level interface the
 * exploration core runs on: initial states, a successor generator that writes
 * each successor into a buffer and reports its (action, parameter), and the
 * state predicates. Errors raised by spec code are turned into `SpecError`s
 * naming the action, parameter and, for domain errors, variable and value.
 *
 * @module
 */
import { compileLayout, describeDomain, Layout, LayoutValueError } from './layout';
import { DomainError } from './domain';
import type { Domain } from './domain';
import { AnySpec, isOneOf, isPacked, Spec, State } from './spec';
import { SpecError } from './result';

export interface CompiledAction {
  readonly name: string;
  readonly arity: number;
  formatParam(p: number): unknown;
}

export interface Compiled {
  readonly spec: AnySpec;
  readonly layout: Layout;
  readonly words: number;
  readonly actions: readonly CompiledAction[];
  /** Encoded initial states, in the spec's order. */
  initStates(): Uint32Array[];
  /**
   * Writes each successor of `src` into `dst` and calls `emit(action, param)`.
   * For record specs, `lastState` holds the successor's record while `emit` runs.
   * Record API: the actions get a fresh decoded copy of `src`; one that
   * changed it is MC203 naming the action (the copy is encoded again after
   * the actions ran and compared with `src`).
   */
  successors(src: Uint32Array, dst: Uint32Array, emit: (action: number, param: number) => void): void;
  /**
   * As `successors`, on a deeply frozen copy of the state (record API: a write
   * to it throws, MC203 naming the action), then evaluates every action a
   * second time (on a fresh, unfrozen copy) and compares: a different list of
   * successors, or an input state changed by an action, is MC203 naming the
   * action and the state. For the sample of states `sampled` picks and for
   * every state of a reported trace.
   */
  successorsChecked(src: Uint32Array, dst: Uint32Array, emit: (action: number, param: number) => void): void;
  /** Whether the n-th expanded state (from 0) is re-evaluated: the first 256, then one in 64. Deterministic. */
  sampled(n: number): boolean;
  /** Re-evaluates a state the search found without successors (a deadlock): MC203 if some action now has one. */
  checkNoSuccessor(w: Uint32Array): void;
  /** The record of the successor being emitted (record API), or undefined. */
  lastState: State | undefined;
  /**
   * Whether the successor being emitted differs from its source (record API:
   * `encodeFrom` knows it), or undefined when not known (packed API): the
   * caller then compares the words.
   */
  readonly lastChanged: boolean | undefined;
  decode(w: Uint32Array): State;
  /** Writes the words to fingerprint (the view, if any) into `out`; returns `w` itself when there is no view. */
  viewOf(w: Uint32Array, state: State | undefined, out: Uint32Array): Uint32Array;
  readonly invariantNames: readonly string[];
  /** Whether invariant i holds in the state. */
  invariantHolds(i: number, w: Uint32Array, state: State | undefined): boolean;
  readonly witnessNames: readonly string[];
  witnessReached(i: number, w: Uint32Array, state: State | undefined): boolean;
  isTerminal(w: Uint32Array): boolean;
  /** Whether the state satisfies the spec's `constraint` (true when it has none). */
  inModel(w: Uint32Array, state: State | undefined): boolean;
  readonly hasConstraint: boolean;
  deadlockClass(w: Uint32Array): string | undefined;
  readonly hasDeadlockClass: boolean;
}

const paramText = (p: unknown): string => {
  try {
    return JSON.stringify(p) ?? String(p);
  } catch {
    return String(p);
  }
};

/** A short text of a state for an error message. */
export function stateText(s: unknown, max = 300): string {
  let t: string;
  try {
    t = JSON.stringify(s) ?? String(s);
  } catch {
    t = String(s);
  }
  return t.length > max ? `${t.slice(0, max)}...` : t;
}

/**
 * Freezes a decoded state and everything in it, so that an action that
 * mutates its input throws (strict mode) instead of corrupting the search.
 * Decoded states are fresh trees of plain objects and arrays, so this is one
 * walk per expanded state.
 */
export function deepFreeze<T>(x: T): T {
  if (typeof x === 'object' && x !== null && !Object.isFrozen(x)) {
    Object.freeze(x);
    if (Array.isArray(x)) for (let i = 0; i < x.length; i++) deepFreeze(x[i]);
    else for (const k in x) deepFreeze((x as Record<string, unknown>)[k]);
  }
  return x;
}

/**
 * A freezer generated from the declared domains: straight-line
 * `Object.freeze` calls for every object and array of a decoded state
 * (loops for arrays of structures), with no type tests and no key
 * enumeration. Returns `deepFreeze` when a domain is not one it knows.
 */
export function compileFreezer(variables: Readonly<Record<string, Domain>>): (s: State) => State {
  let n = 0;
  const lines: string[] = [];
  const scalar = (d: Domain): boolean => d.kind !== 'array' && d.kind !== 'map' && d.kind !== 'record';
  const walk = (d: Domain, x: string, indent: string): boolean => {
    switch (d.kind) {
      case 'array':
      case 'map': {
        if (!scalar(d.of)) {
          const i = `i${n++}`;
          lines.push(`${indent}for (let ${i} = 0; ${i} < ${x}.length; ${i}++) {`);
          if (!walk(d.of, `${x}[${i}]`, `${indent}  `)) return false;
          lines.push(`${indent}}`);
        }
        lines.push(`${indent}F(${x});`);
        return true;
      }
      case 'record':
        for (const [k, f] of Object.entries(d.fields)) if (!scalar(f) && !walk(f, `${x}[${JSON.stringify(k)}]`, indent)) return false;
        lines.push(`${indent}F(${x});`);
        return true;
      default:
        return scalar(d);
    }
  };
  for (const [k, d] of Object.entries(variables)) if (!scalar(d) && !walk(d, `s[${JSON.stringify(k)}]`, '  ')) return deepFreeze;
  lines.push('  F(s);', '  return s;');
  try {
    return new Function('F', `return function freeze(s) {\n${lines.join('\n')}\n};`)(Object.freeze) as (s: State) => State;
  } catch {
    return deepFreeze;
  }
}

/** The messages V8 gives for a write to a frozen object (strict mode). */
const FROZEN_WRITE = /read only property|object is not extensible|Cannot delete property|Cannot redefine property|Cannot freeze|Cannot assign to read only/;

/** Runs spec code, turning exceptions into MC202 errors that say where. */
export function guarded<T>(where: () => string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof SpecError) throw e;
    if (e instanceof LayoutValueError) throw new SpecError('MC201', `${where()}: ${e.message}`);
    throw new SpecError('MC202', `${where()} threw: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** Compiles a spec; throws SpecError (MC204) for a bad declaration. `opts.dispatch: false` ignores the spec's dispatch. */
export function compile(spec: AnySpec, opts: { readonly dispatch?: boolean } = {}): Compiled {
  let layout: Layout;
  try {
    layout = compileLayout(spec.variables, spec.symmetric ?? {});
  } catch (e) {
    if (e instanceof DomainError) throw new SpecError('MC204', `spec ${spec.name}: ${e.message}`);
    throw e;
  }
  const W = layout.words;
  const decode = layout.decode;
  const invariants = spec.invariants ?? [];
  const packedInvariants = isPacked(spec) ? spec.packedInvariants ?? [] : [];
  const witnesses = spec.witnesses ?? [];

  let actions: CompiledAction[];
  let successors: Compiled['successors'];
  // Record API: the successors of an already decoded state.
  // `all`: evaluate every instance, whatever the spec's dispatch marks.
  // `strict`: encode with `layout.encodeFrom` (a new record must have exactly its declared fields) instead of
  // `encodeFromFast`; the purity sample and its re-evaluations are strict.
  let successorsOf: (s: State, src: Uint32Array, dst: Uint32Array, emit: (action: number, param: number) => void, all?: boolean, strict?: boolean) => void = () => undefined;
  // MC206 when the dispatch (Spec.dispatch) left out an instance among `fired` (a full evaluation of `src`).
  let checkDispatch: (src: Uint32Array, fired: readonly { a: number; p: number; w: Uint32Array }[]) => void = () => undefined;
  // The second evaluation of `successorsChecked`.
  // `all`: every instance, whatever the dispatch marks.
  let reevaluate: (src: Uint32Array, dst: Uint32Array, emit: (action: number, param: number) => void, all?: boolean) => void = (src, dst, emit) => successors(src, dst, emit);
  // The first evaluation of `successorsChecked` (record API: on a deeply frozen state).
  let successorsFrozen: Compiled['successors'] = (src, dst, emit) => successors(src, dst, emit);
  const self: { lastState: State | undefined; lastChanged: boolean | undefined } = { lastState: undefined, lastChanged: undefined };

  if (isPacked(spec)) {
    const acts = spec.packed;
    actions = acts.map((a) => ({
      name: a.name,
      arity: a.arity ?? 1,
      formatParam: (p: number) => (a.arity === undefined ? null : a.formatParam ? a.formatParam(p) : p),
    }));
    const arity = Int32Array.from(actions.map((a) => a.arity));
    const fires = acts.map((a) => a.fire.bind(a));
    const nA = acts.length;
    const validWords = layout.validWords;
    successors = (src, dst, emit) => {
      for (let a = 0; a < nA; a++) {
        const fire = fires[a];
        const n = arity[a];
        for (let p = 0; p < n; p++) {
          for (let i = 0; i < W; i++) dst[i] = src[i];
          if (fire(src, dst, p)) {
            const bad = validWords(dst) ? undefined : layout.invalidLeaf(dst);
            if (bad) {
              throw new SpecError(
                'MC201',
                `action ${actions[a].name}(${paramText(actions[a].formatParam(p))}): variable ${bad.leaf.path} = ${bad.value} ${bad.reason ?? `is outside its domain ${describeDomain(bad.leaf.domain)}`}`,
              );
            }
            emit(a, p);
          }
        }
      }
    };
  } else {
    const acts = (spec as Spec<any>).actions;
    actions = acts.map((a) => ({
      name: a.name,
      arity: a.params ? a.params.length : 1,
      formatParam: (p: number) => {
        if (!a.params) return null;
        const v = a.params[p];
        return a.formatParam ? a.formatParam(v) : v;
      },
    }));
    const nA = acts.length;
    // Dispatch (Spec.dispatch): `may[base[a] + p]` is 1 for the instances it marked in the state being expanded.
    const dispatch = opts.dispatch !== false && (spec as Spec<any>).dispatch ? (spec as Spec<any>).dispatch!.bind(spec) : undefined;
    const base = new Int32Array(nA + 1);
    for (let ai = 0; ai < nA; ai++) base[ai + 1] = base[ai] + (acts[ai].params ? acts[ai].params!.length : 1);
    const may = new Uint8Array(base[nA]);
    const mark = (a: number, p: number): void => {
      if (!(a >= 0 && a < nA && p >= 0 && base[a] + p < base[a + 1]) || !Number.isInteger(a) || !Number.isInteger(p)) {
        throw new SpecError('MC204', `dispatch of spec ${spec.name} marked (${String(a)}, ${String(p)}), which is not an action instance (${nA} actions; action ${String(a)} has ${a >= 0 && a < nA ? base[a + 1] - base[a] : 0} parameters)`);
      }
      may[base[a] + p] = 1;
    };
    /** Runs the spec's dispatch on `s` (filling `may`); false when there is none. */
    const dispatched = (s: State): boolean => {
      if (!dispatch) return false;
      may.fill(0);
      try {
        dispatch(s, mark);
      } catch (e) {
        if (e instanceof SpecError) throw e;
        throw new SpecError('MC202', `dispatch of spec ${spec.name} threw: ${e instanceof Error ? e.message : String(e)}`);
      }
      return true;
    };
    /** MC206 when an instance that fires in `s` (evaluated in full) was not marked by the dispatch. */
    checkDispatch = (src, fired) => {
      if (!dispatch) return;
      const s = decode(src);
      dispatched(s);
      for (const x of fired) {
        if (may[base[x.a] + x.p] === 1) continue;
        throw new SpecError(
          'MC206',
          `dispatch of spec ${spec.name} did not mark action ${actionText(x.a, x.p)}, which fires in state ${stateText(decode(src))} (it gives ${stateText(decode(x.w))}); a dispatch must mark every instance that may fire (or run with --no-dispatch)`,
        );
      }
    };
    successorsOf = (s, src, dst, emit, all = false, strict = false) => {
      const skip = !all && dispatched(s);
      const encodeFrom = strict ? layout.encodeFrom : layout.encodeFromFast;
      for (let ai = 0; ai < nA; ai++) {
        const a = acts[ai];
        const params = a.params;
        const n = params ? params.length : 1;
        const b = base[ai];
        for (let pi = 0; pi < n; pi++) {
          if (skip && may[b + pi] === 0) continue;
          const p = params ? params[pi] : undefined;
          let t: State | undefined;
          try {
            if (a.guard && !a.guard(s, p)) continue;
            t = a.next(s, p);
          } catch (e) {
            const what = `action ${a.name}${params ? `(${paramText(p)})` : ''}`;
            if (e instanceof TypeError && FROZEN_WRITE.test(e.message)) {
              throw new SpecError('MC203', `${what} mutated its input state (${e.message}); actions must return a new state, e.g. {...s, x: s.x + 1}. State: ${stateText(s)}`);
            }
            throw new SpecError('MC202', `${what} threw: ${e instanceof Error ? e.message : String(e)}`);
          }
          if (t === undefined) continue;
          // oneOf(states): one successor per element (TLA+'s \E x \in S), in order.
          const many = isOneOf(t) ? t : undefined;
          for (let k = 0, n = many ? many.length : 1; k < n; k++) {
            const u = many ? many[k] : t;
            try {
              self.lastChanged = encodeFrom(u, dst, s, src);
            } catch (e) {
              if (e instanceof LayoutValueError) throw new SpecError('MC201', `action ${a.name}${params ? `(${paramText(p)})` : ''}: ${e.message}`);
              throw e;
            }
            self.lastState = u;
            emit(ai, pi);
          }
        }
      }
      self.lastState = undefined;
      self.lastChanged = undefined;
    };
    const freeze = compileFreezer(spec.variables);
    // Purity of the actions on every expanded state. The sampled states (see
    // `sampled`) are deeply frozen, so that a write throws and names the action.
    // Every other state is handed to the actions as a fresh, unfrozen decoded
    // copy (freezing costs a walk per state, and V8 runs some of the model's
    // spreads more slowly on frozen objects), and after its actions ran the
    // copy is compared, leaf by leaf, with the state's words (`layout.matches`):
    // an action that changed a declared field of its input (a change that
    // alters later actions' view of the state, or a successor sharing the
    // changed object) is MC203 at that state, named by `findMutator`. The words
    // of `src` need no check: actions never see them. An undeclared property
    // added to the input is caught only on the frozen sample.
    successorsFrozen = (src, dst, emit) => successorsOf(freeze(decode(src)), src, dst, emit, true, true);
    /** Whether the decoded copy `s` of `src` no longer holds, leaf by leaf, what `src` does. */
    const changed = (s: State, src: Uint32Array): boolean => !layout.matches(s, src);
    successors = (src, dst, emit) => {
      const s = decode(src);
      try {
        successorsOf(s, src, dst, emit);
      } catch (e) {
        // an error that a mutation of the input caused is reported as the mutation
        if (e instanceof SpecError && changed(s, src)) findMutator(src, s);
        throw e;
      }
      if (changed(s, src)) findMutator(src, s);
    };
    /** An action changed the decoded copy `changed` of `src`: find which, on fresh copies, and throw MC203. */
    const findMutator = (src: Uint32Array, mutated: State): never => {
      const after = new Uint32Array(W);
      for (let ai = 0; ai < nA; ai++) {
        const a = acts[ai];
        const params = a.params;
        for (let pi = 0, n = params ? params.length : 1; pi < n; pi++) {
          const p = params ? params[pi] : undefined;
          const fresh = decode(src);
          try {
            if (!a.guard || a.guard(fresh, p)) a.next(fresh, p);
          } catch {
            // an error on a fresh copy is the search's to report; here only the mutation matters
          }
          let differs = false;
          try {
            layout.encode(fresh, after);
            for (let i = 0; i < W && !differs; i++) differs = after[i] !== src[i];
          } catch {
            differs = true;
          }
          if (differs) {
            throw new SpecError('MC203', `action ${a.name}${params ? `(${paramText(p)})` : ''} mutated its input state: evaluated on a copy of ${stateText(decode(src))}, it changed it to ${stateText(fresh)}; actions must return a new state, e.g. {...s, x: s.x + 1}`);
          }
        }
      }
      throw new SpecError('MC203', `an action mutated its input state: evaluated on a copy of ${stateText(decode(src))}, it changed it to ${stateText(mutated)}`);
    };
    reevaluate = (src, dst, emit, all?: boolean) => {
      const fresh = decode(src);
      successorsOf(fresh, src, dst, emit, all, true);
      // An action that wrote to its (unfrozen) input: in sloppy-mode modules a write to a frozen state is silently dropped.
      // The same leaf-by-leaf comparison as on every other state (`changed`): a full `encode` of the copy
      // cost about three times as much and told nothing more about the declared fields.
      if (changed(fresh, src)) throw new SpecError('MC203', `an action mutated its input state: evaluated on a copy of ${stateText(decode(src))}, it changed it to ${stateText(fresh)}`);
    };
  }

  const stateOf = (w: Uint32Array, s: State | undefined): State => s ?? decode(w);
  const actionText = (a: number, p: number): string => {
    const act = actions[a];
    return act.arity === 1 && act.formatParam(p) === null ? act.name : `${act.name}(${paramText(act.formatParam(p))})`;
  };
  const collect = (src: Uint32Array, run: Compiled['successors']): { a: number; p: number; w: Uint32Array }[] => {
    const out: { a: number; p: number; w: Uint32Array }[] = [];
    const dst = new Uint32Array(W);
    run(src, dst, (a, p) => out.push({ a, p, w: Uint32Array.from(dst) }));
    return out;
  };
  const sameWords = (x: Uint32Array, y: Uint32Array): boolean => {
    for (let i = 0; i < W; i++) if (x[i] !== y[i]) return false;
    return true;
  };
  const successorsChecked: Compiled['successors'] = (src, dst, emit) => {
    const before = Uint32Array.from(src);
    const first: { a: number; p: number; w: Uint32Array }[] = [];
    successorsFrozen(src, dst, (a, p) => {
      first.push({ a, p, w: Uint32Array.from(dst) });
      emit(a, p);
    });
    if (!sameWords(before, src)) throw new SpecError('MC203', `an action wrote to its source state ${stateText(decode(before))}`);
    // The first evaluation tried every instance: each that fired must be one the dispatch marks.
    checkDispatch(src, first);
    const second = collect(src, reevaluate);
    const n = Math.max(first.length, second.length);
    for (let i = 0; i < n; i++) {
      const x = first[i];
      const y = second[i];
      if (x && y && x.a === y.a && x.p === y.p && sameWords(x.w, y.w)) continue;
      const act = x && y ? (x.a === y.a && x.p === y.p ? actionText(x.a, x.p) : `${actionText(x.a, x.p)} or ${actionText(y.a, y.p)}`) : actionText((x ?? y)!.a, (x ?? y)!.p);
      const what =
        x && y && x.a === y.a && x.p === y.p
          ? `it gave ${stateText(decode(x.w))}, then ${stateText(decode(y.w))}`
          : x && y
            ? `successor ${i} came from ${actionText(x.a, x.p)}, then from ${actionText(y.a, y.p)}`
            : x
              ? `it was enabled, then disabled`
              : `it was disabled, then enabled`;
      throw new SpecError('MC203', `action ${act} is not deterministic (impure: randomness, a clock, or state kept outside the spec): evaluated twice on state ${stateText(decode(src))}, ${what}`);
    }
  };
  const compiled: Compiled = {
    spec,
    layout,
    words: W,
    actions,
    get lastState() {
      return self.lastState;
    },
    set lastState(v) {
      self.lastState = v;
    },
    get lastChanged() {
      return self.lastChanged;
    },
    initStates() {
      const inits = guarded(() => `init of ${spec.name}`, () => spec.init());
      return inits.map((s, i) => {
        const w = new Uint32Array(W);
        try {
          layout.encode(s, w);
        } catch (e) {
          if (e instanceof LayoutValueError) throw new SpecError('MC201', `initial state ${i}: ${e.message}`);
          throw e;
        }
        return w;
      });
    },
    successors,
    successorsChecked,
    sampled: (n) => n < 256 || (n & 63) === 0,
    checkNoSuccessor(w) {
      // Every instance, not only those the dispatch marks: a deadlock is confirmed by the full evaluation.
      const fired = collect(w, (src, dst, emit) => reevaluate(src, dst, emit, true));
      checkDispatch(w, fired.filter((x) => !sameWords(x.w, w)));
      for (const x of fired) {
        if (!sameWords(x.w, w)) {
          throw new SpecError(
            'MC203',
            `action ${actionText(x.a, x.p)} is not deterministic (impure): the search found no successor of state ${stateText(decode(w))} (a deadlock), but evaluated again it gives ${stateText(decode(x.w))}`,
          );
        }
      }
    },
    decode,
    viewOf(w, s, out) {
      if (!spec.view) return w;
      const v = guarded(() => 'view', () => spec.view!(stateOf(w, s)));
      try {
        layout.encode(v, out);
      } catch (e) {
        if (e instanceof LayoutValueError) throw new SpecError('MC201', `view: ${e.message}`);
        throw e;
      }
      return out;
    },
    invariantNames: [...packedInvariants.map((i) => i.name), ...invariants.map((i) => i.name)],
    invariantHolds(i, w, s) {
      if (i < packedInvariants.length) {
        const inv = packedInvariants[i];
        return guarded(() => `invariant ${inv.name}`, () => inv.holds(w));
      }
      const inv = invariants[i - packedInvariants.length];
      return guarded(() => `invariant ${inv.name}`, () => inv.holds(stateOf(w, s)));
    },
    witnessNames: witnesses.map((w) => w.name),
    witnessReached(i, w, s) {
      const wt = witnesses[i];
      return guarded(() => `witness ${wt.name}`, () => wt.reached(stateOf(w, s)));
    },
    isTerminal(w) {
      if (!spec.terminal) return false;
      return guarded(() => 'terminal', () => spec.terminal!(decode(w)));
    },
    hasConstraint: spec.constraint !== undefined,
    inModel(w, s) {
      if (!spec.constraint) return true;
      return guarded(() => 'constraint', () => spec.constraint!(stateOf(w, s)) === true);
    },
    hasDeadlockClass: spec.deadlockClass !== undefined,
    deadlockClass(w) {
      if (!spec.deadlockClass) return undefined;
      return guarded(() => 'deadlockClass', () => spec.deadlockClass!(decode(w)));
    },
  };
  return compiled;
}
