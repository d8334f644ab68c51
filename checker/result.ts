/**
 * What a check returns, and the options it takes.
 *
 * `check(spec, options)` returns a `CheckResult`; renderers (text, json, itf,
 * mail) and the CLI turn it into output and an exit code. Nothing in the
 * engine throws for an expected failure: spec errors come back as
 * `status: 'error'` with an `McError`.
 *
 * @module
 */

/** Which visited set to use. */
export type StoreOption =
  | { readonly kind: 'exact' }
  | { readonly kind: 'fingerprint' }
  | { readonly kind: 'compact'; readonly bits: number };

export interface CheckOptions {
  /** `bfs` (default): level by level, shortest counterexamples. `dfs`: a stack, low memory. */
  readonly strategy?: 'bfs' | 'dfs';
  /** Visited set; default `fingerprint`. */
  readonly store?: StoreOption;
  /** Symmetry reduction over the spec's symmetric domains; default true. */
  readonly symmetry?: boolean;
  /** Slots of the compact store (rounded up to a power of two); default 2^22. */
  readonly capacity?: number;
  /** Above this many permutations per state, canonicalisation falls back to sorting normalisation. Default 5040 (7!). */
  readonly permLimit?: number;
  /** Stop (incomplete) after this many distinct states. */
  readonly maxStates?: number;
  /** Do not expand states at this depth (incomplete if any had successors). */
  readonly maxDepth?: number;
  /** Keep searching after a violation; report each deadlock class / invariant once, with its shortest trace. */
  readonly allViolations?: boolean;
  /** Override the spec's deadlock checking. */
  readonly checkDeadlock?: boolean;
  /** Override the spec's `deadlockSemantics` (`'progress'` by default; `'tlc'`: a stutter step counts as enabled). */
  readonly deadlockSemantics?: 'progress' | 'tlc';
  /** Called every `progressInterval` seconds during long runs. */
  readonly onProgress?: (p: Progress) => void;
  readonly progressInterval?: number;
  /**
   * Check the spec's temporal properties (default true when it declares
   * some). They need the whole reachable graph: the search records its edges,
   * and symmetry reduction is switched off for the run (see docs/architecture.md).
   */
  readonly liveness?: boolean;
  /** How temporal properties are checked; overrides the spec's `livenessMethod` (spec.ts). */
  readonly livenessMethod?: import('./spec').LivenessMethod;
  /** Wall clock in seconds (injected so tests and the engine never read time directly). */
  readonly clock?: () => number;
  /**
   * Largest omission bound (`stats.omissionProbability`) a run of a
   * fingerprint or compact store may have and still say `holds`; above it the
   * run is incomplete. Default 1e-6 (`DEFAULT_MAX_OMISSION` in store.ts).
   */
  readonly maxOmission?: number;
  /**
   * Polled in the search loop (once per batch); when it returns true the
   * search stops and the result is incomplete (`interrupted`). The engine also
   * polls the process-wide flag of interrupt.ts (SIGINT/SIGTERM in the CLI).
   */
  readonly shouldStop?: () => boolean;
  /**
   * Re-evaluate every action on a deterministic sample of expanded states (the
   * first 256, then one in 64) and compare (MC203 on a difference). Default
   * true; false only for tests that count action calls. Traces are always checked.
   */
  readonly checkPurity?: boolean;
  /**
   * Worker threads for a BFS (default 1: in this thread). With 2 or more and a
   * `recipe`, each BFS level is expanded by that many worker threads; the
   * result is identical for every count (checker/parallel). DFS is sequential.
   */
  readonly workers?: number;
  /** How a worker thread rebuilds the spec (without one the search runs in this thread). */
  readonly recipe?: SpecRecipe;
  /**
   * Tuning of the parallel search (tests, benchmarks): BFS levels with fewer
   * than `minLevel` states (default 64), and every level of the first
   * `startAfter` seconds (default 0.3), are expanded in this thread; until the
   * workers have rebuilt the spec this thread expands chunks itself, unless
   * `waitForWorkers` (which also starts them at once); `partitionedInserts:
   * false` keeps the visited-set inserts of every level in this thread;
   * `earlyDispatch: false` keeps the workers from starting on the next
   * level while this thread merges a two-phase one
   * (docs/architecture.md, "Parallel search"). Results do not depend
   * on any of these.
   */
  readonly parallel?: { readonly minLevel?: number; readonly waitForWorkers?: boolean; readonly startAfter?: number; readonly partitionedInserts?: boolean; readonly earlyDispatch?: boolean };
  /**
   * Memory budget in bytes for the visited set, the parent links and the
   * frontier. Beyond it a BFS frontier spills to a temporary file; when the
   * visited set and parent links alone exceed it the search ends with MC301.
   */
  readonly memory?: number;
  /**
   * Partial-order reduction from the spec's declared footprints (default:
   * on when some action declares one; off for temporal properties, DFS,
   * --max-depth, a view or a constraint). Traces stay shortest in the
   * unreduced graph (docs/architecture.md, "Partial-order reduction").
   */
  readonly por?: boolean;
  /**
   * Use the spec's dispatch (`Spec.dispatch`) to evaluate only the action
   * instances it marks (default true); false evaluates every instance in
   * every state. The results are the same either way (MC206 when not).
   */
  readonly dispatch?: boolean;
  /** Verify declared footprints on the sampled states (MC205 when one is wrong). */
  readonly checkFootprints?: boolean;
}

/**
 * A serialisable way to rebuild a spec in another thread or process:
 * `require(module)[exportName](...args)` (or the export itself when it is not
 * a function). `module` is an absolute path, with or without extension; `args`
 * must survive structured cloning (JSON-like data).
 */
export interface SpecRecipe {
  readonly module: string;
  /** Default: `build`, then `default`, then `spec`. */
  readonly exportName?: string;
  readonly args?: readonly unknown[];
}

export interface Progress {
  readonly distinctStates: number;
  readonly statesGenerated: number;
  readonly queue: number;
  readonly depth: number;
  readonly seconds: number;
  readonly statesPerSecond: number;
}

export type PropertyKind = 'invariant' | 'witness' | 'deadlock' | 'temporal';

export interface PropertyStatus {
  readonly name: string;
  readonly kind: PropertyKind;
  /**
   * invariant/deadlock: `holds`, `violated`, or `unknown` (incomplete search, not violated so far);
   * witness: `reached` or `unreached` (`unknown` when incomplete and not reached).
   */
  readonly status: 'holds' | 'violated' | 'reached' | 'unreached' | 'unknown' | 'disabled';
  /** For a reached witness: the depth of the first (shallowest under BFS) state reaching it. */
  readonly depth?: number;
  /** Temporal properties: a qualification of the status (e.g. deadlocked behaviours left to the deadlock check). */
  readonly note?: string;
}

export interface TraceStep {
  readonly step: number;
  /** `null` for the initial state. */
  readonly action: string | null;
  readonly params: unknown;
  /** The state as formatted by the spec (`formatState`), JSON-able. */
  readonly state: unknown;
}

export interface Violation {
  readonly property: string;
  readonly kind: PropertyKind;
  /** Deadlock class (see `Spec.deadlockClass`), when the spec defines one. */
  readonly class?: string;
  /** Deadlock category (see `Spec.deadlockCategory`), when the spec defines one. */
  readonly category?: string;
  readonly trace: readonly TraceStep[];
  /** Spec-specific explanation of the final state (e.g. the wait-for cycle). */
  readonly explain?: Readonly<Record<string, unknown>>;
  /**
   * Temporal violations are lassos: the behaviour goes on from the last state
   * of `trace` back to `trace[loop]` and repeats `trace[loop..]` forever.
   */
  readonly loop?: number;
  /** The step closing the loop (last state → `trace[loop]`); `action: null` is stuttering (the cycle is the last state repeated). */
  readonly loopStep?: { readonly action: string | null; readonly params: unknown };
}

export interface Stats {
  readonly distinctStates: number;
  readonly statesGenerated: number;
  /** Length of the longest shortest path explored (BFS), or deepest state (DFS). */
  readonly depth: number;
  readonly seconds: number;
  readonly statesPerSecond: number;
  readonly store: string;
  /** Upper bound on the probability that at least one state was omitted (0 for exact). */
  readonly omissionProbability: number;
  /** TLC's optimistic estimate d·(n−d)/2^64 for 64-bit fingerprints (fingerprint store only). */
  readonly optimisticCollisionProbability?: number;
  /** Bytes of visited set plus parent links per distinct state. */
  readonly bytesPerState: number;
  /** `off`, `exact (N permutations)`, or `normalisation (sort)`. */
  readonly symmetry: string;
  /** Words (32-bit) per packed state. */
  readonly stateWords: number;
  /** States discovered but not expanded when the search ended (0 for a complete search). */
  readonly queue: number;
  /** Per-action count of successors generated (coverage). */
  readonly coverage: Readonly<Record<string, number>>;
  /** The state graph recorded for temporal properties, when there are any. */
  readonly liveness?: LivenessStats;
  /** The `memory` budget in bytes, when one was given. */
  readonly memoryBudget?: number;
  /** BFS: the most states at one depth (the widest level); DFS: the deepest stack. */
  readonly peakFrontier?: number;
  /** Frontier entries written to disk (0 when the frontier stayed in memory). Not the same for every worker count. */
  readonly frontierSpilled?: number;
  /** Worker threads that expanded states (1: this thread). */
  readonly workers?: number;
  /** Partial-order reduction, when the spec declares footprints or `por` was asked for. */
  readonly por?: PorStats;
}

export interface PorStats {
  /** `on`, or `off (reason)`. */
  readonly status: string;
  /** Expanded states whose stubborn set left some enabled transition out. */
  readonly reducedStates?: number;
  /** Enabled transitions not explored (the proviso's full expansions excluded). */
  readonly prunedTransitions?: number;
  /** Reduced states fully expanded by the BFS proviso (none of their successors was new). */
  readonly provisoExpansions?: number;
  /** States on which the footprints were checked (`checkFootprints`). */
  readonly footprintsChecked?: number;
  /** How the printed traces were obtained. */
  readonly traces?: string;
  /** Distinct states of the unreduced, depth-bounded BFS that found the shortest traces (0: none was needed). */
  readonly traceSearchStates?: number;
}

export interface LivenessStats {
  /** Edges recorded (transitions between distinct visited states). */
  readonly edges: number;
  /** Bytes of the edge set and the fingerprint→index map. */
  readonly bytes: number;
  /** Seconds spent in the SCC analysis after the search. */
  readonly seconds: number;
  /**
   * Which method decided the temporal verdicts (docs/architecture.md,
   * "Liveness: the acyclic path"): `acyclic` — the reachable graph (the
   * symmetry quotient when symmetry is on) has no cycle, every transition is
   * under a fairness condition, and every goal holds at every image of every
   * non-deadlocked final state; `full` — the SCC/Streett analysis of the
   * symmetry-off graph. Absent in reports written before it existed.
   */
  readonly method?: 'acyclic' | 'full';
  /** With `method: 'full'` after the acyclic path was tried: why it could not decide (then the search was run again). */
  readonly fallback?: string;
  /** The acyclic path's final states (no successor), non-deadlocked ones, with their whole orbits checked. */
  readonly finalStates?: number;
}

export type ResultStatus = 'holds' | 'violated' | 'incomplete' | 'error';

export interface CheckResult {
  readonly spec: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly status: ResultStatus;
  /** True when the whole reachable state space (under the options) was explored. */
  readonly complete: boolean;
  /** Why the search stopped early, when it did (limit reached). */
  readonly incompleteReason?: string;
  /**
   * True when the visited set is exact: no state can have been omitted. False
   * for fingerprint and compact stores, whose `complete` is then probabilistic:
   * see `omissionProbability`.
   */
  readonly exact?: boolean;
  /** The omission bound of the run (as `stats.omissionProbability`): 0 when exact. */
  readonly omissionProbability?: number;
  /** True when the search was stopped by SIGINT/SIGTERM or `shouldStop`. */
  readonly interrupted?: boolean;
  readonly stats: Stats;
  readonly properties: readonly PropertyStatus[];
  readonly violations: readonly Violation[];
  readonly error?: McError;
  /** What the spec's `annotate()` returned at the end of the check (absent when it has none). */
  readonly annotations?: unknown;
}

/** Error codes, grouped by hundreds (see docs/error-codes.md). */
export type McErrorCode =
  /** MC101: spec could not be loaded (unknown name, missing module) */
  | 'MC101'
  /** MC102: invalid spec parameter or constant */
  | 'MC102'
  /** MC201: a value outside its declared domain */
  | 'MC201'
  /** MC202: an action, invariant or formatter threw */
  | 'MC202'
  /** MC203: nondeterministic action (replay did not reproduce a state) */
  | 'MC203'
  /** MC204: bad spec declaration (domains, symmetric domains, no initial state) */
  | 'MC204'
  /** MC205: a declared footprint does not match what an action reads or writes */
  | 'MC205'
  /** MC206: a spec's dispatch did not mark an action instance that fires */
  | 'MC206'
  /** MC301: out of memory */
  | 'MC301'
  /** MC501: internal error */
  | 'MC501';

export interface McError {
  readonly code: McErrorCode;
  readonly message: string;
  /** For errors raised by spec code during the search: the behaviour up to the state being processed. */
  readonly trace?: readonly TraceStep[];
}

/** Thrown inside the engine and caught at its boundary; never escapes `check`. */
export class SpecError extends Error {
  override name = 'SpecError';
  constructor(readonly code: McErrorCode, message: string, readonly trace?: readonly TraceStep[]) {
    super(message);
  }
}
