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
   */
  successors(src: Uint32Array, dst: Uint32Array, emit: (action: number, param: number) => void): void;
  /** The record of the successor being emitted (record API), or undefined. */
  lastState: State | undefined;
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

/** Compiles a spec; throws SpecError (MC204) for a bad declaration. */
export function compile(spec: AnySpec): Compiled {
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
  const self: { lastState: State | undefined } = { lastState: undefined };

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
    successors = (src, dst, emit) => {
      for (let a = 0; a < nA; a++) {
        const fire = fires[a];
        const n = arity[a];
        for (let p = 0; p < n; p++) {
          for (let i = 0; i < W; i++) dst[i] = src[i];
          if (fire(src, dst, p)) {
            const bad = layout.invalidLeaf(dst);
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
    successors = (src, dst, emit) => {
      const s = decode(src);
      for (let ai = 0; ai < nA; ai++) {
        const a = acts[ai];
        const params = a.params;
        const n = params ? params.length : 1;
        for (let pi = 0; pi < n; pi++) {
          const p = params ? params[pi] : undefined;
          let t: State | undefined;
          try {
            if (a.guard && !a.guard(s, p)) continue;
            t = a.next(s, p);
          } catch (e) {
            throw new SpecError('MC202', `action ${a.name}${params ? `(${paramText(p)})` : ''} threw: ${e instanceof Error ? e.message : String(e)}`);
          }
          if (t === undefined) continue;
          // oneOf(states): one successor per element (TLA+'s \E x \in S), in order.
          const many = isOneOf(t) ? t : undefined;
          for (let k = 0, n = many ? many.length : 1; k < n; k++) {
            const u = many ? many[k] : t;
            try {
              layout.encodeFrom(u, dst, s, src);
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
    };
  }

  const stateOf = (w: Uint32Array, s: State | undefined): State => s ?? decode(w);
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
