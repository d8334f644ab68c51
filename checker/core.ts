/**
 * What the sequential search (explore.ts) and the parallel one
 * (parallel/search.ts, parallel/expand.ts) share, so that there is one copy
 * of each rule:
 *
 * - the visited-set key of a state (view, symmetry) and its hashes
 *   (`createKeyer`);
 * - a successor that differs from its source (`progressed`) and the deadlock
 *   check of a state without progress (`deadlockOf`);
 * - the parent links walked back to a root (`pathTo`);
 * - the result: counterexamples rebuilt by replay (`buildViolations`), the
 *   omission bound and the --max-omission rule (`omissionRule`), the
 *   property statuses (`baseProperties`), the stats (`buildStats`) and the
 *   result object (`buildResult`).
 *
 * @module
 */
import type { Compiled } from './compile';
import { guarded } from './compile';
import { hashWords, hashWords2 } from './hash';
import { DEFAULT_MAX_OMISSION, storeAdvice, tlcOptimistic, VisitedStore } from './store';
import type { Canonicalizer } from './symmetry';
import type { ChunkedU32, Ordinals } from './frontier';
import { formatSteps, replayOrdinals } from './trace';
import { SpecError } from './result';
import type { CheckResult, PropertyKind, PropertyStatus, Stats, StoreOption, Violation } from './result';
import type { State } from './spec';

/** The parent of an initial state. */
export const NO_PARENT = 0xffffffff;

/** A violation found by a search, before its trace is rebuilt. */
export interface Found {
  property: string;
  kind: PropertyKind;
  cls?: string;
  index: number;
  words: Uint32Array;
  /** A state outside the spec's constraint (not stored): its parent's index (-1: an initial state) and ordinal. */
  outside?: { parent: number; ord: number };
}

/** Keys and hashes of states (the visited-set key: the canonical representative of the state's view). */
export interface Keyer {
  /** True when the key is the state's words themselves (no view, no symmetry). */
  readonly plainKey: boolean;
  /**
   * Computes the visited-set key of the state at `w[off..off+W)` and its
   * hashes (into `H`). Returns the buffer holding the key: `w` itself (at
   * `off`) when the key is plain, else a buffer of the keyer's (at 0).
   */
  keyOf(w: Uint32Array, off: number, st: State | undefined): Uint32Array;
  /**
   * As `keyOf`, for a search that keeps keys in a buffer of its own: computes
   * the key of the state at `w[off..off+W)` and its hashes (into `H`). Returns
   * false when the key is the state's words themselves (a plain key, or a
   * state that is its own canonical representative): `out` is then not
   * written. Else writes the key into `out[outOff..outOff+W)` and returns true.
   */
  keyInto(w: Uint32Array, off: number, st: State | undefined, out: Uint32Array, outOff: number): boolean;
}

/** The keyer of a search: `canon` is its canonicaliser (undefined: symmetry off); a compact store hashes 3 lanes, the others 2. */
export function createKeyer(c: Compiled, canon: Canonicalizer | undefined, storeKind: StoreOption['kind']): Keyer {
  const W = c.words;
  const plainKey = !canon && !c.spec.view;
  const hashKey = storeKind === 'compact' ? hashWords : hashWords2;
  const keyBuf = new Uint32Array(W);
  const viewBuf = new Uint32Array(W);
  const stateBuf = new Uint32Array(W);
  const keyOf = (w: Uint32Array, off: number, st: State | undefined): Uint32Array => {
    if (!plainKey) {
      let s = w;
      if (off !== 0 || w.length !== W) {
        for (let i = 0; i < W; i++) stateBuf[i] = w[off + i];
        s = stateBuf;
      }
      let k = c.viewOf(s, st, viewBuf);
      if (canon) {
        canon.canon(k, keyBuf);
        k = keyBuf;
      }
      if (k !== keyBuf) keyBuf.set(k);
      hashKey(keyBuf, W, 0);
      return keyBuf;
    }
    hashKey(w, W, off);
    return w;
  };
  // Without a view, a canonicaliser with `canonAt` reads the state where it is and writes only a key that differs from it.
  const canonAt = !c.spec.view && canon ? canon.canonAt : undefined;
  const keyInto = (w: Uint32Array, off: number, st: State | undefined, out: Uint32Array, outOff: number): boolean => {
    if (plainKey) {
      hashKey(w, W, off);
      return false;
    }
    if (canonAt) {
      if (canonAt(w, off, out, outOff)) {
        hashKey(out, W, outOff);
        return true;
      }
      hashKey(w, W, off);
      return false;
    }
    const k = keyOf(w, off, st);
    for (let i = 0; i < W; i++) out[outOff + i] = k[i];
    return true;
  };
  return { plainKey, keyOf, keyInto };
}

/**
 * The deadlock check of a state without progress: undefined when the spec
 * calls it terminal, else its class key (`cls`, undefined without classes).
 */
export function deadlockOf(c: Compiled, w: Uint32Array): { cls: string | undefined } | undefined {
  if (c.isTerminal(w)) return undefined;
  return { cls: c.deadlockClass(w) };
}

/**
 * Why a search must stop after admitting its `distinct`-th state: the
 * --max-states limit, or a compact table at its load limit; undefined when
 * neither.
 */
export function stateLimit(store: VisitedStore, distinct: number, maxStates: number): string | undefined {
  if (distinct >= maxStates) return `state limit reached (--max-states ${maxStates})`;
  if (store.full) return `${store.description} is 90% full after ${store.size} states; give a larger --capacity`;
  return undefined;
}

/**
 * The --memory rule: the bytes the visited set and parent links take; when
 * they exceed the budget the search ends with MC301 (`over`), else what is
 * left of the budget is the frontier's (`frontierLimit`).
 */
export function memoryRule(fixed: number, budget: number): { over: boolean; frontierLimit: number } {
  return fixed > budget ? { over: true, frontierLimit: 0 } : { over: false, frontierLimit: budget - fixed };
}

/** The root's ordinal and the action ordinals from it to the state `index`. */
export function pathTo(parents: ChunkedU32, ords: Ordinals, index: number): { root: number; chain: number[] } {
  const chain: number[] = [];
  let i = index;
  while (parents.get(i) !== NO_PARENT) {
    chain.push(ords.get(i));
    i = parents.get(i);
  }
  return { root: ords.get(i), chain: chain.reverse() };
}

/**
 * Counterexamples: rebuilt by replay, shortest first within each property.
 * Replay evaluates every action twice on each state of the trace, and a
 * deadlock's last state is re-evaluated: a difference is MC203, reported
 * with the trace up to the state (exit 150).
 */
export function buildViolations(c: Compiled, found: readonly Found[], parents: ChunkedU32, ords: Ordinals): Violation[] {
  const spec = c.spec;
  return found.map((f) => {
    let { root, chain } = f.outside === undefined ? pathTo(parents, ords, f.index) : f.outside.parent < 0 ? { root: f.outside.ord, chain: [] as number[] } : pathTo(parents, ords, f.outside.parent);
    if (f.outside !== undefined && f.outside.parent >= 0) chain = [...chain, f.outside.ord];
    const raw = replayOrdinals(c, root, chain, f.words);
    if (f.kind === 'deadlock') {
      try {
        c.checkNoSuccessor(f.words);
      } catch (e) {
        if (!(e instanceof SpecError)) throw e;
        throw new SpecError(e.code, e.message, guarded(() => 'formatState', () => formatSteps(c, raw)));
      }
    }
    const last = c.decode(f.words);
    const explain = spec.explain ? guarded(() => 'explain', () => spec.explain!(last)) : undefined;
    const category = f.kind === 'deadlock' && spec.deadlockCategory ? guarded(() => 'deadlockCategory', () => spec.deadlockCategory!(last)) : undefined;
    return {
      property: f.property,
      kind: f.kind,
      ...(f.cls !== undefined ? { class: f.cls } : {}),
      ...(category !== undefined ? { category } : {}),
      trace: formatSteps(c, raw),
      ...(explain ? { explain } : {}),
    };
  });
}

/**
 * The omission bound of the store and the --max-omission rule: a
 * probabilistic store whose bound is above `maxOmission` cannot claim that a
 * search that ran out of states expanded every reachable state (store.ts,
 * `sternDill`). `tooRisky` is then the reason the search is incomplete.
 */
export function omissionRule(store: VisitedStore, searched: boolean, maxOmission: number = DEFAULT_MAX_OMISSION): { omission: number; tooRisky: string | undefined } {
  const omission = store.omissionProbability();
  if (!searched || omission <= maxOmission) return { omission, tooRisky: undefined };
  return {
    omission,
    tooRisky:
      `the omission bound of the ${store.description} store, ${omission.toExponential(1)}, is above --max-omission ${maxOmission} ` +
      `(${store.size} states stored; the model may have more); for the states found so far use ${storeAdvice(store.size, maxOmission)}`,
  };
}

/** The statuses of the invariants, the deadlock property and the witnesses; `definitive`: the search was complete. */
export function baseProperties(
  c: Compiled,
  p: { violatedInv: ReadonlySet<number>; checkDeadlock: boolean; deadlockClasses: ReadonlySet<string>; witnessDepth: Int32Array; definitive: boolean },
): PropertyStatus[] {
  const { violatedInv, checkDeadlock, deadlockClasses, witnessDepth, definitive } = p;
  return [
    ...c.invariantNames.map((name, i): PropertyStatus => ({
      name,
      kind: 'invariant',
      status: violatedInv.has(i) ? 'violated' : definitive ? 'holds' : 'unknown',
    })),
    {
      name: 'deadlock',
      kind: 'deadlock',
      status: !checkDeadlock ? 'disabled' : deadlockClasses.size > 0 ? 'violated' : definitive ? 'holds' : 'unknown',
    },
    ...c.witnessNames.map((name, i): PropertyStatus =>
      witnessDepth[i] >= 0
        ? { name, kind: 'witness', status: 'reached', depth: witnessDepth[i] }
        : { name, kind: 'witness', status: definitive ? 'unreached' : 'unknown' },
    ),
  ];
}

/** What `buildStats` needs from a search. */
export interface StatsInput {
  readonly distinct: number;
  /** Successors emitted (initial states not included). */
  readonly generated: number;
  readonly inits: number;
  readonly depth: number;
  readonly seconds: number;
  readonly store: VisitedStore;
  readonly storeKind: StoreOption['kind'];
  readonly omission: number;
  /** Bytes of the visited set plus the parent links. */
  readonly bytes: number;
  readonly symmetry: string;
  readonly queue: number;
  readonly coverage: Float64Array;
  readonly liveness?: Stats['liveness'];
  readonly memoryBudget?: number;
  readonly frontierSpilled?: number;
  /** Partial-order reduction (checker/por.ts): on, or off and why. */
  readonly por?: Stats['por'];
  readonly peakFrontier: number;
  readonly workers?: number;
}

/** The stats of a search (the same fields, in the same order, from both engines). */
export function buildStats(c: Compiled, s: StatsInput): Stats {
  const cov: Record<string, number> = {};
  c.actions.forEach((a, i) => (cov[a.name] = (cov[a.name] ?? 0) + s.coverage[i]));
  return {
    distinctStates: s.distinct,
    statesGenerated: s.generated + s.inits,
    depth: s.depth,
    seconds: s.seconds,
    statesPerSecond: s.seconds > 0 ? s.distinct / s.seconds : 0,
    store: s.store.description,
    omissionProbability: s.omission,
    ...(s.storeKind === 'fingerprint' ? { optimisticCollisionProbability: tlcOptimistic(s.distinct, s.generated + s.inits) } : {}),
    bytesPerState: s.distinct > 0 ? s.bytes / s.distinct : 0,
    symmetry: s.symmetry,
    stateWords: c.words,
    queue: s.queue,
    coverage: cov,
    ...(s.liveness ? { liveness: s.liveness } : {}),
    ...(s.memoryBudget !== undefined ? { memoryBudget: s.memoryBudget, frontierSpilled: s.frontierSpilled as number } : {}),
    ...(s.por ? { por: s.por } : {}),
    peakFrontier: s.peakFrontier,
    ...(s.workers !== undefined ? { workers: s.workers } : {}),
  };
}

/** The result of a search that ran (MC301 when the memory budget was exceeded). */
export function buildResult(
  c: Compiled,
  r: {
    stats: Stats;
    properties: PropertyStatus[];
    violations: Violation[];
    memoryError: string | undefined;
    interrupted: boolean;
    complete: boolean;
    /** The search reached everything and decided every property (`complete` and no undecided temporal property). */
    holds: boolean;
    limitReason: string | undefined;
    exact: boolean;
    omission: number;
  },
): CheckResult {
  const spec = c.spec;
  const { stats, properties, violations } = r;
  if (r.memoryError !== undefined) {
    return { spec: spec.name, params: spec.params ?? {}, status: 'error', complete: false, stats, properties, violations, error: { code: 'MC301', message: r.memoryError } };
  }
  return {
    spec: spec.name,
    params: spec.params ?? {},
    // Interrupted: incomplete (exit 152) even with violations, which are reported with their traces.
    status: r.interrupted ? 'incomplete' : violations.length > 0 ? 'violated' : r.holds ? 'holds' : 'incomplete',
    complete: r.complete,
    ...(r.limitReason ? { incompleteReason: r.limitReason } : {}),
    exact: r.exact,
    omissionProbability: r.omission,
    ...(r.interrupted ? { interrupted: true } : {}),
    stats,
    properties,
    violations,
  };
}
