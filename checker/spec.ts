/**
 * The specification API: what a model declares.
 *
 * A spec is a plain object. It declares its state variables with finite
 * domains, its initial states, its named actions (each a guard and an effect,
 * pure and deterministic, optionally with parameters), its invariants
 * (`always`), its reachability witnesses (`sometimes`), whether deadlock is
 * checked, which states are intended end states (`terminal`), symmetric
 * domains, an optional `view`, and optional formatters.
 *
 * States are plain, readonly JS objects whose shape follows `variables` (see
 * `domain.ts` for the value of each domain). The engine packs them into 32-bit
 * words; actions never see the packing.
 *
 * Two ways to write actions, one exploration core:
 * - the record API (`actions`): `next(state, param)` returns the next state,
 *   or `undefined` when the action is not enabled;
 * - the packed API (`packed`): for hot reference models, an action writes the
 *   successor directly into a word vector. See `PackedSpec`.
 *
 * @module
 */
import type { Domain } from './domain';

/** A state in the record API: a readonly object following the variables' domains. */
export type State = Readonly<Record<string, unknown>>;

/** See `Spec.deadlockSemantics`. */
export type DeadlockSemantics = 'progress' | 'tlc';

/** A named action, optionally parameterised (TLA+'s `\E p \in params : A(p)`). */
export interface Action<S extends State = State, P = unknown> {
  /** Name shown in traces and coverage, e.g. `TMCommit` or `alloc_page`. */
  readonly name: string;
  /** The parameter values this action ranges over, in a fixed order. Omit for a parameterless action. */
  readonly params?: readonly P[];
  /** Enabling condition. Omit when `next` returning `undefined` says it all. */
  guard?(state: S, param: P): boolean;
  /** The next state, or `undefined` when disabled. Must be pure and deterministic. */
  next(state: S, param: P): S | undefined;
  /** How a parameter is shown in a trace (default: JSON). */
  formatParam?(param: P): string;
  /**
   * The process this action (instance) belongs to, for per-process fairness
   * (`weakFairness({ process })`): a name, or a function of the parameter
   * (e.g. the task a parameterised step moves). Omit: the action's own name.
   */
  readonly process?: string | ((param: P) => string);
  /**
   * What this action instance reads and writes, for partial-order reduction
   * (docs/api.md, "Footprints"): a constant, or a function of the parameter
   * (never of the state). Omit: the action may read and write everything.
   */
  readonly footprint?: Footprint | ((param: P) => Footprint);
}

/**
 * The state components an action instance reads and may write. A component
 * is a variable, `'x'`, or one element of an array, map or record variable,
 * `'x[2]'` or `'x[key]'` (`'x'` covers all of them). `reads` must cover
 * everything the guard and `next` look at; `writes` every component whose
 * value a step may change. Checked on sampled states with `--check-footprints`
 * (MC205 when wrong).
 */
export interface Footprint {
  readonly reads: readonly string[];
  readonly writes: readonly string[];
  /**
   * Optional conjuncts of the enabling condition, each with the components it
   * reads: whenever one is false the step cannot fire. A disabled step then
   * waits only for the writers of its first false conjunct (instead of the
   * writers of everything it reads), which is what lets a process that is
   * elsewhere in its program (`pc[i] !== 1`) not depend on a shared lock.
   * Checked like the rest of the footprint.
   */
  readonly guards?: readonly FootprintGuard[];
}

/** A conjunct of an action's enabling condition (see `Footprint.guards`). */
export interface FootprintGuard {
  readonly reads: readonly string[];
  holds(state: any): boolean;
}

/**
 * A temporal property over state predicates (see checker/livenessApi.ts for
 * the constructors and docs/api.md for their TLA+ forms):
 * - `eventually`: <>P, every behaviour reaches a state satisfying P;
 * - `alwaysEventually`: []<>P, P holds infinitely often;
 * - `leadsTo`: P ~> Q, every P state is followed (now or later) by a Q state.
 */
export type TemporalProperty<S extends State = State> =
  | { readonly name: string; readonly kind: 'eventually'; p(state: S): boolean }
  | { readonly name: string; readonly kind: 'alwaysEventually'; p(state: S): boolean }
  | { readonly name: string; readonly kind: 'leadsTo'; p(state: S): boolean; q(state: S): boolean };

/**
 * A fairness condition (TLA+ `WF_vars(A)` / `SF_vars(A)`): `action` names an
 * action (all its parameter instances together, as TLA+'s WF of `\E p : A(p)`);
 * `process` names a process (the disjunction of the actions it runs), or is
 * `'*'` for one condition per process (`\A p \in Procs : WF_vars(Proc(p))`).
 */
export interface Fairness {
  readonly kind: 'weak' | 'strong';
  readonly action?: string;
  readonly process?: string;
}

const ONE_OF = Symbol.for('gfpcheck.oneOf');

/**
 * Several successors from one action and parameter: TLA+'s `\E x \in S : ...`
 * where `S` depends on the state. `next: (s) => oneOf(s.waiting.map((p) => ({ ...s, running: p })))`
 * has one successor per element (none: the action is not enabled), each
 * explored and counted like any other, in the order given. Use it instead of
 * a fixed parameter list that might be too small: no state can be lost.
 * (Typed as a state so that `next` keeps its signature.)
 */
export function oneOf<S>(states: readonly S[]): S {
  const out = [...states] as unknown as S[] & { [ONE_OF]?: true };
  out[ONE_OF] = true;
  return out as unknown as S;
}

/** True for the result of `oneOf`. */
export const isOneOf = (v: unknown): v is readonly State[] => Array.isArray(v) && (v as { [ONE_OF]?: true })[ONE_OF] === true;

/** An invariant: a state predicate that must hold in every reachable state. */
export interface Invariant<S extends State = State> {
  readonly name: string;
  holds(state: S): boolean;
  /** The components the predicate reads (see `Footprint`); needed for partial-order reduction to keep it visible. */
  readonly reads?: readonly string[];
}

/** A reachability witness: a state predicate that some reachable state should satisfy. */
export interface Witness<S extends State = State> {
  readonly name: string;
  reached(state: S): boolean;
  /** The components the predicate reads (see `Footprint`). */
  readonly reads?: readonly string[];
}

/** Everything a model declares. `S` is the record type of a state. */
export interface Spec<S extends State = State> {
  /** Short name used by `gfpcheck list` and in reports. */
  readonly name: string;
  /** One line saying what the spec is. */
  readonly description?: string;
  /** The constants this instance was built with (reported in `params`). */
  readonly params?: Readonly<Record<string, string | number | boolean>>;
  /** Symmetric domains: name → number of interchangeable elements. */
  readonly symmetric?: Readonly<Record<string, number>>;
  /** State variables and their domains, in a fixed order. */
  readonly variables: Readonly<Record<string, Domain>>;
  /** The initial states. */
  init(): readonly S[];
  /** The actions, in a fixed order (traces and counts depend on it). */
  readonly actions: readonly Action<S, any>[];
  /** Invariants (`always`). */
  readonly invariants?: readonly Invariant<S>[];
  /** Reachability witnesses (`sometimes`). */
  readonly witnesses?: readonly Witness<S>[];
  /** Deadlock checking; on unless `false`. */
  readonly checkDeadlock?: boolean;
  /**
   * What a deadlock is. `'progress'` (the default): a state with no successor
   * other than itself (a stutter step is not progress: a retry loop that
   * changes nothing is stuck). `'tlc'`: TLC's meaning, a state in which no
   * action is enabled; an action whose successor equals the state counts as
   * enabled. The CLI's `--deadlock-semantics` overrides it.
   */
  readonly deadlockSemantics?: DeadlockSemantics;
  /**
   * TLA+'s state CONSTRAINT (as TLC applies it): a state for which this is
   * false is not stored, counted or expanded, but its invariants are checked,
   * and the step that produced it still counts as enabled (so it does not
   * make its predecessor a deadlock).
   */
  constraint?(state: S): boolean;
  /**
   * `false` turns symmetry reduction off for this spec, whatever its
   * `symmetric` domains (a factory can take it as a constant). The ids keep
   * their domains; only the visited-set key stops being canonicalised.
   * `CheckOptions.symmetry: false` (`--no-symmetry`) also turns it off.
   */
  readonly symmetry?: boolean;
  /**
   * Optional dispatch: calls `mark(action, param)` for every action instance
   * (index into `actions`, index into its `params`; 0 for an action without
   * params) that may fire in `s`. The search then evaluates only the marked
   * instances, still in the order of `actions` and `params`, so states,
   * counts and traces are those of the full evaluation. It must mark a
   * superset of the instances that fire: the engine evaluates every instance
   * on the purity sample (the first 256 expanded states, then one in 64), on
   * every state of a reported trace and on every deadlock, and an instance
   * that fires there unmarked is MC206. A spec with many actions that are
   * mostly disabled (a process's step that fires only at one program point)
   * saves their evaluation. `CheckOptions.dispatch: false` (`--no-dispatch`)
   * evaluates every instance everywhere.
   */
  dispatch?(state: S, mark: (action: number, param: number) => void): void;
  /** Intended end states: a state with no successor for which this holds is not a deadlock. */
  terminal?(state: S): boolean;
  /**
   * Deadlock class: states for which this returns the same string are one
   * class of deadlock. With `allViolations`, the engine keeps searching after a
   * deadlock and reports the shortest trace of each class.
   */
  deadlockClass?(state: S): string;
  /**
   * Category of a deadlock (a coarser label than the class, e.g. what kind of
   * wait closes the cycle), computed from the violating state of each class
   * and reported with it as `category`. Optional; the engine gives it no meaning.
   */
  deadlockCategory?(state: S): string;
  /**
   * What is fingerprinted (TLA+ VIEW). Returns a state of the same shape;
   * two states with equal views are treated as one. Successors are still
   * computed from the actual state.
   */
  view?(state: S): S;
  /** How a state is shown in traces (default: the state itself). Must return JSON-able data. */
  formatState?(state: S): unknown;
  /**
   * Extra information attached to a violation (for instance a wait-for cycle),
   * computed from the violating state. Must return JSON-able data.
   */
  explain?(state: S): Readonly<Record<string, unknown>> | undefined;
  /** Temporal properties, checked under `fairness` over the complete reachable graph (checker/liveness.ts). */
  readonly properties?: readonly TemporalProperty<S>[];
  /** Fairness conditions for the temporal properties; none: any behaviour may stop (stutter) anywhere. */
  readonly fairness?: readonly Fairness[];
  /**
   * Livelock class of a violating lasso, from the states of its cycle (in
   * order; one state for a stuttering cycle). With `allViolations`, one lasso
   * per class and property is reported.
   */
  livelockClass?(cycle: readonly S[]): string;
  /**
   * How temporal properties are checked (checker/liveness.ts,
   * docs/architecture.md "Liveness: the acyclic path"). `auto` (default): the
   * acyclic path when symmetry reduction is active and its conditions hold,
   * else the full search; `acyclic-first`: the acyclic path even without
   * symmetry (for a spec whose graph is expected to be acyclic: it saves
   * evaluating the predicates on every state); `full`: always the full
   * symmetry-off search. Every method gives the same verdicts.
   */
  readonly livenessMethod?: LivenessMethod;
  /**
   * Called once when `check` of this spec ends, in the thread that called
   * `check` (a worker thread for a job of `checkInWorkers`; a search with
   * `workers` > 1 also runs actions in other threads); its value, which
   * must survive structured cloning, is returned as `CheckResult.annotations`.
   * For what a spec learns about its own run (e.g. which inputs it read); the
   * engine does not look at it.
   */
  annotate?(): unknown;
}

/** See `Spec.livenessMethod`. */
export type LivenessMethod = 'auto' | 'acyclic-first' | 'full';

/**
 * The packed API for hot models: actions read the source words and write the
 * successor into `dst` (which holds a copy of `src` on entry). Use the
 * accessors of `compileLayout(spec.variables)` to read and write fields.
 */
export interface PackedAction {
  readonly name: string;
  /** Number of parameter instances (0 or undefined: one, parameterless). */
  readonly arity?: number;
  /** Writes the successor into dst and returns true, or returns false when disabled. */
  fire(src: Uint32Array, dst: Uint32Array, param: number): boolean;
  formatParam?(param: number): string;
  /** The process of a parameter instance, for per-process fairness (see `Action.process`). */
  readonly process?: string | ((param: number) => string);
  /** What this instance reads and writes, by variable name (see `Action.footprint`). */
  readonly footprint?: Footprint | ((param: number) => Footprint);
}

/** A spec whose actions use the packed API. Invariants and witnesses use the record API. */
export interface PackedSpec<S extends State = State> extends Omit<Spec<S>, 'actions'> {
  readonly packed: readonly PackedAction[];
  /** Optional packed invariants (faster); checked in addition to `invariants`. */
  readonly packedInvariants?: readonly { name: string; holds(w: Uint32Array): boolean }[];
}

export type AnySpec = Spec<any> | PackedSpec<any>;

/** True when the spec uses the packed API. */
export const isPacked = (s: AnySpec): s is PackedSpec => (s as PackedSpec).packed !== undefined;
