/**
 * The exploration core: one search loop for BFS and DFS (they differ only in
 * the frontier's order), over packed states.
 *
 * - BFS expands states level by level, so the first violation of each
 *   property found is at minimal depth: counterexamples are shortest.
 * - DFS uses a stack; with `maxDepth` it is the low-memory mode.
 * - Successors are computed from the actual state; the visited-set key is the
 *   canonical representative (symmetry) of the state's view.
 * - A deadlock is a state with no successor other than itself (a stutter step
 *   does not count as progress) that the spec does not call terminal.
 * - Reaching `maxStates`, `maxDepth` or a full compact table ends the run as
 *   incomplete: never as "holds".
 *
 * @module
 */
import { compile, Compiled } from './compile';
import { H } from './hash';
import { CompactStore, ExactStore, FingerprintStore, VisitedStore } from './store';
import { interruptRequested, interruptSignal } from './interrupt';
import { createCanonicalizer } from './symmetry';
import { ChunkedU32, Frontier, Ordinals, SpillFrontier } from './frontier';
import { formatSteps, replayOrdinals } from './trace';
import { baseProperties, buildResult, buildStats, buildViolations, createKeyer, Found, memoryRule, NO_PARENT, omissionRule, pathTo as walkBack, stateLimit } from './core';
import { LivenessRecorder, acyclicPathFor, temporalOutcome, temporalProperties } from './liveness';
import { AnySpec, isPacked, Spec, State } from './spec';
import { checkFootprints, declaresFootprints, planPor, porUnavailable, Reducer } from './por';
import {
  CheckOptions,
  CheckResult,
  McError,
  PropertyStatus,
  SpecError,
  StoreOption,
  TraceStep,
} from './result';

function defaultClock(): number {
  return Number(process.hrtime.bigint()) / 1e9;
}

export function createStore(opt: StoreOption, words: number, capacity: number | undefined): VisitedStore {
  switch (opt.kind) {
    case 'exact':
      return new ExactStore(words);
    case 'fingerprint':
      return new FingerprintStore();
    case 'compact':
      return new CompactStore(opt.bits, 2 ** Math.ceil(Math.log2(Math.max(2, capacity ?? 1 << 22))));
  }
}

/** Describes a store option, e.g. for error messages. */
export function storeName(opt: StoreOption): string {
  return opt.kind === 'compact' ? `compact:${opt.bits}` : opt.kind;
}

/**
 * Whether the parallel BFS (checker/parallel) implements everything this run
 * asks for. It does not implement a state constraint, TLC's deadlock meaning,
 * a spec that switches symmetry off or the stop poll (temporal properties are: the workers send the state graph's
 * edges, parallel/search.ts records them in this search's order; deadlock categories are computed from the
 * deadlocked state's words when the result is built, core.ts); such runs use this thread's search (same results, no
 * threads). docs/architecture.md, "Parallel search".
 */
function parallelSupports(spec: AnySpec, o: CheckOptions): boolean {
  const s = spec as Spec<State>;
  if (!isPacked(spec) && typeof s.constraint === 'function') return false;
  if ((o.deadlockSemantics ?? (spec as { deadlockSemantics?: string }).deadlockSemantics) === 'tlc') return false;
  if ((spec as { symmetry?: boolean }).symmetry === false) return false;
  if (o.shouldStop !== undefined) return false;
  // The workers rebuild the spec from its recipe, dispatch included.
  if (o.dispatch === false) return false;
  // Partial-order reduction (checker/por.ts) and footprint checks run in this thread's search only.
  if (o.checkFootprints === true || (o.por !== false && declaresFootprints(spec))) return false;
  return true;
}

/**
 * Checks a spec: explores its reachable states and reports every property.
 * Never throws for a spec error: the result has `status: 'error'`.
 */
export function check(spec: AnySpec, options: CheckOptions = {}): CheckResult {
  const r = checkSpec(spec, options);
  return spec.annotate ? { ...r, annotations: spec.annotate() } : r;
}

function checkSpec(spec: AnySpec, options: CheckOptions): CheckResult {
  if ((options.workers ?? 1) > 1 && options.recipe !== undefined && options.strategy !== 'dfs' && parallelSupports(spec, options)) {
    // Level-synchronous parallel BFS (loaded lazily: it brings worker_threads).
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    return (require('./parallel/search') as typeof import('./parallel/search')).parallelCheck(spec, options);
  }
  const clock = options.clock ?? defaultClock;
  const t0 = clock();
  let c: Compiled;
  try {
    c = compile(spec, { dispatch: options.dispatch });
  } catch (e) {
    return errorResult(spec, toMcError(e), storeName(options.store ?? { kind: 'fingerprint' }));
  }
  try {
    const r0 = search(c, options, clock, t0);
    // The acyclic liveness path could not decide: the full symmetry-off search does (the first search's memory is released first).
    const r = 'retry' in r0 ? (search(c, options, clock, t0, r0.retry) as CheckResult) : r0;
    return r.stats.por?.status === 'on' ? shortestTraces(c, options, clock, r) : r;
  } catch (e) {
    return errorResult(spec, toMcError(e), storeName(options.store ?? { kind: 'fingerprint' }));
  }
}

/**
 * The traces of a run under partial-order reduction are replaced by those of
 * an unreduced BFS bounded by the deepest violation (or reached witness) the
 * reduced run found, which stops as soon as every one of them is found: the
 * unreduced BFS visits states in the order a run without reduction does, so
 * each trace (and witness depth) is exactly the one that run prints, the
 * shortest in the unreduced graph. With `allViolations`, the two runs must
 * find the same violations: a difference means a wrong footprint (MC205).
 */
function shortestTraces(c: Compiled, o: CheckOptions, clock: () => number, r: CheckResult): CheckResult {
  const por = r.stats.por!;
  const reached = r.properties.flatMap((p, i) => (p.kind === 'witness' && p.status === 'reached' ? [{ i, depth: p.depth ?? 0 }] : []));
  if (r.interrupted || (r.violations.length === 0 && reached.length === 0)) {
    return { ...r, stats: { ...r.stats, por: { ...por, traces: 'none needed', traceSearchStates: 0 } } };
  }
  const depth = Math.max(0, ...r.violations.map((v) => v.trace.length - 1), ...reached.map((w) => w.depth));
  const keyOf = (v: { kind: string; property: string; class?: string }): string => (v.kind === 'deadlock' ? `dl:${v.class ?? ''}` : `inv:${v.property}`);
  const witnessIndex = reached.map((w) => c.witnessNames.indexOf(r.properties[w.i].name));
  const all = o.allViolations === true;
  const t0 = clock();
  const u = search(c, { ...o, por: false, checkFootprints: false, maxDepth: depth }, clock, t0, undefined, all || r.violations.length === 0 ? { keys: new Set(r.violations.map(keyOf)), witnesses: witnessIndex } : undefined) as CheckResult;
  const how = `shortest in the unreduced graph: a breadth-first search without reduction to depth ${depth} (${u.stats.distinctStates} states)`;
  const stats = { ...r.stats, por: { ...por, traces: how, traceSearchStates: u.stats.distinctStates } };
  if (u.status === 'error') return u;
  if (!all && r.violations.length > 0) {
    // The first violation of the unreduced BFS (it exists: one is within `depth`), with its properties, as a run without reduction reports it.
    if (u.violations.length === 0) {
      return { ...r, stats: { ...stats, por: { ...stats.por, traces: `the reduced graph's (the unreduced search to depth ${depth} stopped early: ${u.incompleteReason ?? 'no violation'})` } } };
    }
    return { ...r, properties: u.properties, violations: u.violations, stats };
  }
  const want = [...new Set(r.violations.map(keyOf))].sort();
  const got = [...new Set(u.violations.map(keyOf))].sort();
  if (want.join('\n') !== got.join('\n')) {
    const missed = got.filter((k) => !want.includes(k));
    if (missed.length > 0 && r.complete) {
      throw new SpecError('MC205', `partial-order reduction missed ${missed.join(', ')}, which the unreduced search found: a declared footprint is wrong; run with --check-footprints to find it, or --no-por`);
    }
    return { ...r, stats: { ...stats, por: { ...stats.por, traces: `the reduced graph's (the unreduced search to depth ${depth} stopped early: ${u.incompleteReason ?? 'not all found'})` } } };
  }
  const depthOf = new Map(u.properties.filter((p) => p.kind === 'witness' && p.status === 'reached').map((p) => [p.name, p.depth]));
  const properties = r.properties.map((p) => (p.kind === 'witness' && p.status === 'reached' && depthOf.has(p.name) ? { ...p, depth: depthOf.get(p.name) } : p));
  return { ...r, properties, violations: u.violations, stats };
}

export function toMcError(e: unknown): McError {
  if (e instanceof SpecError) return { code: e.code, message: e.message, ...(e.trace ? { trace: e.trace } : {}) };
  if (e instanceof RangeError && /allocation|Invalid typed array length|Array buffer/i.test(e.message)) {
    return { code: 'MC301', message: `out of memory: ${e.message}` };
  }
  return { code: 'MC501', message: `internal error: ${e instanceof Error ? e.stack ?? e.message : String(e)}` };
}

/** The result of a check that could not run (spec or option error). */
export function errorResult(spec: { readonly name: string; readonly params?: Readonly<Record<string, unknown>> }, error: McError, store: string): CheckResult {
  return {
    spec: spec.name,
    params: spec.params ?? {},
    status: 'error',
    complete: false,
    stats: {
      distinctStates: 0,
      statesGenerated: 0,
      depth: 0,
      seconds: 0,
      statesPerSecond: 0,
      store,
      omissionProbability: 0,
      bytesPerState: 0,
      symmetry: 'off',
      stateWords: 0,
      queue: 0,
      coverage: {},
    },
    properties: [],
    violations: [],
    error,
  };
}

/** What the unreduced trace search of a POR run looks for (it stops once all are found): property keys and witness indexes. */
interface Targets {
  readonly keys: ReadonlySet<string>;
  readonly witnesses: readonly number[];
}

function search(c: Compiled, o: CheckOptions, clock: () => number, t0: number, fallback?: string, targets?: Targets): CheckResult | { retry: string } {
  const spec = c.spec;
  const W = c.words;
  const storeOpt = o.store ?? { kind: 'fingerprint' };
  const store = createStore(storeOpt, W, o.capacity);
  // Liveness: record the state graph (a hook in admit and phase 3). The acyclic
  // path keeps symmetry on; the full analysis switches it off (docs/architecture.md,
  // "Liveness: the acyclic path"); when the acyclic path cannot decide, the search runs again with the full analysis.
  const temporal = o.liveness !== false && temporalProperties(spec).length > 0;
  const symCanon = o.symmetry === false || spec.symmetry === false ? undefined : createCanonicalizer(c.layout, o.permLimit ?? 5040);
  const method = o.livenessMethod ?? spec.livenessMethod ?? 'auto';
  const acyclicPath = temporal && acyclicPathFor(c, spec, method, fallback, symCanon);
  const live = temporal
    ? new LivenessRecorder(c, acyclicPath ? { mode: 'acyclic', ...(symCanon?.images ? { images: symCanon.images } : {}) } : {})
    : undefined;
  const canon = live && !acyclicPath ? undefined : symCanon;
  const lifo = o.strategy === 'dfs';
  const budget = o.memory;
  const frontier = budget !== undefined && !lifo ? new SpillFrontier(W, budget) : new Frontier(W, lifo);
  const parents = new ChunkedU32();
  const ords = new Ordinals();
  const checkDeadlock = o.checkDeadlock ?? spec.checkDeadlock ?? true;
  // TLC's deadlock: no action enabled (a stutter step counts); ours by default: no successor other than the state.
  const tlcDeadlock = (o.deadlockSemantics ?? spec.deadlockSemantics ?? 'progress') === 'tlc';
  const hasConstraint = c.hasConstraint;
  const maxStates = o.maxStates ?? Infinity;
  const maxDepth = o.maxDepth ?? Infinity;
  const all = o.allViolations === true;
  const progressEvery = o.progressInterval ?? 5;
  const purity = o.checkPurity !== false;
  // Partial-order reduction (checker/por.ts): a stubborn set per state; the BFS proviso when invariants or witnesses must be kept.
  const tlcSem = (o.deadlockSemantics ?? spec.deadlockSemantics ?? 'progress') === 'tlc';
  const porOff = porUnavailable(spec, { strategy: o.strategy, maxDepth: o.maxDepth, view: spec.view !== undefined, live: live !== undefined, tlc: tlcSem, por: o.por });
  const porPlan = declaresFootprints(spec) && (porOff === undefined || o.checkFootprints === true) ? planPor(c) : undefined;
  const reducer = porPlan && porOff === undefined ? new Reducer(c, porPlan, tlcSem) : undefined;
  const porProviso = reducer !== undefined && c.invariantNames.length + c.witnessNames.length > 0;
  const fpCheck = o.checkFootprints === true && porPlan !== undefined;
  const fpOthers: State[] = [];
  let fpChecked = 0;

  const src = new Uint32Array(W);
  const dst = new Uint32Array(W);
  const nWitness = c.witnessNames.length;
  const witnessDepth = new Int32Array(nWitness).fill(-1);
  let witnessesLeft = nWitness;
  const violatedInv = new Set<number>();
  const deadlockClasses = new Set<string>();
  const found: Found[] = [];
  const coverage = new Float64Array(c.actions.length);

  let generated = 0;
  /** Index of the state whose processing is under way (for the trace of a spec error). */
  let blame = -1;
  let maxSeenDepth = 0;
  let stop = false;
  let limitReason: string | undefined;
  let truncated = false;
  let interrupted = false;
  /** States admitted at each depth (the widest level is the peak BFS frontier). */
  const levelWidth: number[] = [];
  let memoryError: string | undefined;
  /** With a memory budget: what is left for the frontier, or MC301 when the visited set and parent links alone exceed it. */
  const checkBudget = (): void => {
    if (budget === undefined) return;
    const fixed = store.bytes() + parents.bytes() + ords.bytes();
    const m = memoryRule(fixed, budget);
    if (m.over) {
      memoryError = memoryBudgetMessage(fixed, budget, parents.length, maxSeenDepth);
      stop = true;
    } else if (frontier instanceof SpillFrontier) frontier.limit = m.frontierLimit;
  };

  /** The visited-set key of a state and its hashes (into `H`): core.ts, `createKeyer`. */
  const keyer = createKeyer(c, canon, storeOpt.kind);
  const keyOf = keyer.keyOf;
  const hasPredicates = c.invariantNames.length + c.witnessNames.length > 0;
  const stBuf = new Uint32Array(W);
  const nInvariants = c.invariantNames.length;
  const nPackedInvariants = isPacked(spec) ? (spec.packedInvariants ?? []).length : 0;
  const checkPredicates = (w: Uint32Array, st: State | undefined, index: number, depth: number): void => {
    // Every invariant not yet violated is evaluated, so that with
    // allViolations an invariant is not masked by another one failing first.
    if (st === undefined && nInvariants > 0 && c.invariantNames.length > nPackedInvariants) st = c.decode(w);
    for (let i = 0; i < nInvariants && !stop; i++) {
      if (violatedInv.has(i) || c.invariantHolds(i, w, st)) continue;
      violatedInv.add(i);
      found.push({ property: c.invariantNames[i], kind: 'invariant', index, words: Uint32Array.from(w) });
      if (!all) stop = true;
    }
    if (witnessesLeft > 0) {
      for (let i = 0; i < nWitness; i++) {
        if (witnessDepth[i] < 0 && c.witnessReached(i, w, st)) {
          witnessDepth[i] = depth;
          witnessesLeft--;
        }
      }
    }
  };
  /**
   * A state outside the constraint (TLC's CONSTRAINT): not stored or
   * expanded; its invariants are checked, as TLC does (ModelChecker.doNext
   * checks invariants of every unseen successor, in the model or not).
   */
  const outOfModel = (w: Uint32Array, off: number, st: State | undefined, parent: number, ord: number): void => {
    if (nInvariants === 0) return;
    const ws = w.slice(off, off + W);
    if (st === undefined && c.invariantNames.length > nPackedInvariants) st = c.decode(ws);
    for (let i = 0; i < nInvariants && !stop; i++) {
      if (violatedInv.has(i) || c.invariantHolds(i, ws, st)) continue;
      violatedInv.add(i);
      found.push({ property: c.invariantNames[i], kind: 'invariant', index: -1, words: ws, outside: { parent, ord } });
      if (!all) stop = true;
    }
  };
  /** The key's fingerprint of the state being inserted (H itself may be clobbered by a store that rehashes as it grows). */
  let liveH0 = 0;
  let liveH1 = 0;
  /** Records a new state (already inserted in the store). */
  const admit = (w: Uint32Array, off: number, st: State | undefined, parent: number, ord: number, depth: number): void => {
    const index = parents.length;
    parents.push(parent);
    ords.push(ord);
    blame = index;
    if (depth > maxSeenDepth) maxSeenDepth = depth;
    levelWidth[depth] = (levelWidth[depth] ?? 0) + 1;
    if ((index & 1023) === 0) checkBudget();
    if (hasPredicates) {
      if (off !== 0 || w.length !== W) {
        if (W >= 32) stBuf.set(w.subarray(off, off + W));
        else for (let i = 0; i < W; i++) stBuf[i] = w[off + i];
        w = stBuf;
        off = 0;
      }
      checkPredicates(w, st, index, depth);
    }
    if (live) live.state(index, liveH0, liveH1, w, off, st, parent === NO_PARENT ? ord : -1);
    frontier.push(w, off, index, depth);
    if (!stop) {
      const reason = stateLimit(store, parents.length, maxStates);
      if (reason !== undefined) {
        limitReason = reason;
        stop = true;
      }
    }
  };

  const pathTo = (index: number): { root: number; chain: number[] } => walkBack(parents, ords, index);
  const inits = c.initStates();
  if (inits.length === 0) throw new SpecError('MC204', `spec ${spec.name} has no initial state`);
  try {
    // Initial states.
    for (let i = 0; i < inits.length && !stop; i++) {
      if (hasConstraint && !c.inModel(inits[i], undefined)) {
        outOfModel(inits[i], 0, undefined, -1, i);
        continue;
      }
      const k = keyOf(inits[i], 0, undefined);
      liveH0 = H[0];
      liveH1 = H[1];
      if (store.insert(k, W, 0)) admit(inits[i], 0, undefined, NO_PARENT, i, 0);
    }

    // Expansion, in batches. Phase 1 pops up to `maxBatchStates` states (one
    // for DFS, whose order depends on each insertion) and collects all their
    // successors. Phase 2 computes every successor's key and hashes and touches
    // its table slot, so that the cache and TLB misses of the visited-set
    // lookups overlap instead of being paid one after another. Phase 3 inserts
    // the successors and checks deadlocks in exactly the order a one-state-at-a-
    // time search would: counts, indexes, parents and traces are identical.
    const maxBatchStates = lifo ? 1 : 64;
    const batchSuccessors = 4096;
    let bCap = 1024;
    let bWords = new Uint32Array(bCap * W);
    let bKeys = new Uint32Array(bCap * W);
    let bHash = new Uint32Array(bCap * 3);
    /** 1 when successor b's key is in `bKeys`, 0 when it is its own words in `bWords` (core.ts, `keyInto`). */
    let bOwnKey = new Uint8Array(bCap);
    let bOrd = new Int32Array(bCap);
    let bTid = new Int32Array(live ? bCap : 0);
    const bObj: (State | undefined)[] = new Array(bCap);
    let bN = 0;
    const growBatch = (): void => {
      bCap *= 2;
      const w = new Uint32Array(bCap * W);
      w.set(bWords);
      bWords = w;
      bKeys = new Uint32Array(bCap * W);
      bHash = new Uint32Array(bCap * 3);
      bOwnKey = new Uint8Array(bCap);
      const o = new Int32Array(bCap);
      o.set(bOrd);
      bOrd = o;
      if (live) {
        const t = new Int32Array(bCap);
        t.set(bTid);
        bTid = t;
      }
      bObj.length = bCap;
    };
    const sIndex = new Uint32Array(maxBatchStates);
    const sDepth = new Uint32Array(maxBatchStates);
    const sEnd = new Uint32Array(maxBatchStates);
    const sProgress = new Uint8Array(maxBatchStates);
    /** No successor other than the state itself (a final state of the recorded graph; liveness's acyclic path). */
    const sFinal = new Uint8Array(maxBatchStates);
    const sWords = new Uint32Array(maxBatchStates * W);
    const sReduced = new Uint8Array(maxBatchStates);
    const sSrc = new Uint32Array(porProviso ? maxBatchStates * W : 0);

    const wideCopy = W >= 32;
    let curDepth = 0;
    let progress = false;
    let enabled = false;
    let ordinal = 0;
    let atBound = false;
    const tidBase = live ? live.tidBase : undefined;
    // Packed API: no decoded successor, no `lastChanged` (the words are compared).
    const recordApi = !isPacked(spec);
    const emit = (a: number, _p: number): void => {
      const ord = ordinal++;
      if (reducer !== undefined && reducer.skip) return;
      generated++;
      enabled = true;
      coverage[a]++;
      // Record API: `encodeFrom` said whether the successor differs from its source; else compare the words.
      const changed = recordApi ? c.lastChanged : undefined;
      if (changed === false) return;
      for (let i = changed === true ? W - 1 : 0; i < W; i++) {
        if (changed === true || dst[i] !== src[i]) {
          progress = true;
          if (atBound) {
            truncated = true;
            return;
          }
          if (bN === bCap) growBatch();
          const o = bN * W;
          // Wide states: one native copy instead of a word loop.
          if (wideCopy) bWords.set(dst, o);
          else for (let j = 0; j < W; j++) bWords[o + j] = dst[j];
          bOrd[bN] = ord;
          if (tidBase) bTid[bN] = tidBase[a] + _p;
          if (recordApi) bObj[bN] = c.lastState;
          bN++;
          return;
        }
      }
      // A successor equal to its source is a stutter step: not progress.
    };
    /** The proviso's completion of a reduced state: its successors outside the stubborn set, inserted at once. */
    const porSrc = new Uint32Array(W);
    const porDst = new Uint32Array(W);
    const porComplete = (w: Uint32Array, parent: number, depth: number): void => {
      porSrc.set(w);
      let ord = 0;
      blame = parent;
      reducer!.successors(porSrc, porDst, c.successors, (a) => {
        const o = ord++;
        if (reducer!.skip || stop) return;
        generated++;
        coverage[a]++;
        let same = true;
        for (let i = 0; i < W && same; i++) same = porDst[i] === porSrc[i];
        if (same) return;
        const st = c.lastState;
        const k = keyOf(porDst, 0, st);
        liveH0 = H[0];
        liveH1 = H[1];
        if (store.insert(k, W, 0)) admit(porDst, 0, st, parent, o, depth);
      }, true);
      reducer!.unprune();
    };
    const targetsMet = (): boolean => {
      for (const key of targets!.keys) {
        const inv = c.invariantNames.indexOf(key.slice(4));
        if (key.startsWith('inv:') ? !violatedInv.has(inv) : !deadlockClasses.has(key.slice(3))) return false;
      }
      return targets!.witnesses.every((i) => witnessDepth[i] >= 0);
    };

    let expanded = 0;
    let lastReport = t0;
    while (frontier.size > 0 && !stop) {
      // A stop request (SIGINT/SIGTERM, `shouldStop`) ends the search as incomplete.
      if (interruptRequested() || (o.shouldStop !== undefined && o.shouldStop())) {
        interrupted = true;
        stop = true;
        limitReason = `interrupted by ${interruptSignal() ?? 'a stop request'}`;
        break;
      }
      // Phase 1: expand.
      let nS = 0;
      bN = 0;
      while (nS < maxBatchStates && frontier.size > 0 && bN < batchSuccessors) {
        blame = sIndex[nS] = frontier.pop(src);
        curDepth = sDepth[nS] = frontier.lastDepth;
        atBound = curDepth >= maxDepth;
        progress = false;
        enabled = false;
        ordinal = 0;
        if (fpCheck && c.sampled(expanded + nS)) {
          fpOthers.unshift(checkFootprints(c, porPlan, src, fpOthers));
          if (fpOthers.length > 4) fpOthers.pop();
          fpChecked++;
        }
        if (reducer) {
          reducer.successors(src, dst, purity && c.sampled(expanded + nS) ? c.successorsChecked : c.successors, emit);
          sReduced[nS] = reducer.reduced ? 1 : 0;
          if (porProviso && reducer.reduced) sSrc.set(src, nS * W);
        } else if (purity && c.sampled(expanded + nS)) c.successorsChecked(src, dst, emit);
        else c.successors(src, dst, emit);
        sEnd[nS] = bN;
        const live = progress || (tlcDeadlock && enabled);
        sProgress[nS] = live ? 1 : 0;
        sFinal[nS] = progress ? 0 : 1;
        if (!progress) for (let i = 0; i < W; i++) sWords[nS * W + i] = src[i];
        nS++;
      }
      // Phase 2: keys, hashes, touches.
      for (let b = 0; b < bN; b++) {
        bOwnKey[b] = keyer.keyInto(bWords, b * W, bObj[b], bKeys, b * W) ? 1 : 0;
        bHash[3 * b] = H[0];
        bHash[3 * b + 1] = H[1];
        bHash[3 * b + 2] = H[2];
      }
      for (let b = 0; b < bN; b++) store.touch(bHash[3 * b], bHash[3 * b + 1], bHash[3 * b + 2]);
      // Phase 3: insert and check, in sequential order.
      let b = 0;
      for (let si = 0; si < nS && !stop; si++) {
        const parent = sIndex[si];
        const depth = sDepth[si] + 1;
        let anyNew = false;
        for (const end = sEnd[si]; b < end && !stop; b++) {
          H[0] = bHash[3 * b];
          H[1] = bHash[3 * b + 1];
          H[2] = bHash[3 * b + 2];
          if (hasConstraint) {
            blame = parent;
            if (!c.inModel(bWords.subarray(b * W, b * W + W), bObj[b])) {
              outOfModel(bWords, b * W, bObj[b], parent, bOrd[b]);
              bObj[b] = undefined;
              continue;
            }
          }
          liveH0 = H[0];
          liveH1 = H[1];
          if (store.insert(bOwnKey[b] ? bKeys : bWords, W, b * W)) {
            anyNew = true;
            admit(bWords, b * W, bObj[b], parent, bOrd[b], depth);
          }
          if (live) live.edge(parent, bHash[3 * b], bHash[3 * b + 1], bTid[b]);
          bObj[b] = undefined;
        }
        if (sFinal[si] && live && live.mode === 'acyclic') live.finalState(parent, sWords.subarray(si * W, si * W + W));
        // The BFS proviso: a reduced state none of whose successors is new is expanded fully (docs/architecture.md).
        if (porProviso && sReduced[si] && !anyNew && !stop) porComplete(sSrc.subarray(si * W, si * W + W), parent, depth);
        if (!sProgress[si] && checkDeadlock && !stop) {
          blame = parent;
          const w = sWords.slice(si * W, si * W + W);
          if (!c.isTerminal(w)) {
            if (live) live.markDead(parent);
            const cls = c.deadlockClass(w);
            const key = cls ?? '';
            if (!deadlockClasses.has(key)) {
              deadlockClasses.add(key);
              found.push({ property: 'deadlock', kind: 'deadlock', cls, index: parent, words: w });
              if (!all) stop = true;
            }
          }
        }
      }
      for (; b < bN; b++) bObj[b] = undefined;
      expanded += nS;
      if (targets && !stop && targetsMet()) stop = true;
      if (o.onProgress) {
        const now = clock();
        if (now - lastReport >= progressEvery) {
          lastReport = now;
          const secs = now - t0;
          o.onProgress({
            distinctStates: parents.length,
            statesGenerated: generated,
            queue: frontier.size,
            depth: maxSeenDepth,
            seconds: secs,
            statesPerSecond: secs > 0 ? parents.length / secs : 0,
          });
        }
      }
    }
  } catch (e) {
    if (!(e instanceof SpecError) || blame < 0 || blame >= parents.length) throw e;
    // TLC prints the behaviour up to an evaluation error; so do we.
    let trace: TraceStep[] | undefined;
    try {
      const { root, chain } = pathTo(blame);
      trace = formatSteps(c, replayOrdinals(c, root, chain, undefined, false));
    } catch (r) {
      // An impure action may not replay: keep the part of the path that did.
      trace = r instanceof SpecError ? r.trace?.slice() : undefined;
    }
    throw new SpecError(e.code, e.message, trace);
  } finally {
    frontier.dispose();
  }
  const t1 = clock();

  // Counterexamples: rebuilt by replay (core.ts, `buildViolations`).
  const violations = buildViolations(c, found, parents, ords);

  // A probabilistic store whose omission bound is above --max-omission cannot
  // claim that every reachable state was expanded (core.ts, `omissionRule`).
  const searched = frontier.size === 0 && !stop && !truncated;
  const { omission, tooRisky } = omissionRule(store, searched, o.maxOmission);
  if (tooRisky) limitReason = tooRisky;
  const complete = searched && !tooRisky;
  if (truncated && !limitReason) limitReason = `depth limit reached (--max-depth ${maxDepth})`;
  const definitive = complete;
  const tempo = temporalOutcome(spec, live, { complete, all, checkDeadlock, clock, ...(fallback !== undefined ? { fallback } : {}), liveness: o.liveness, key: (w) => keyOf(w, 0, undefined) });
  if ('retry' in tempo) return { retry: tempo.retry };
  const liveOut = tempo.outcome;
  if (liveOut) violations.push(...liveOut.violations);
  // A complete search whose temporal properties could not be decided (the visited set omitted states) is no "holds".
  if (tempo.undecided && !limitReason) limitReason = `temporal properties ${tempo.undecided}`;
  const properties: PropertyStatus[] = [
    ...baseProperties(c, { violatedInv, checkDeadlock, deadlockClasses, witnessDepth, definitive }),
    ...tempo.properties,
  ];

  const distinct = parents.length;
  const stats = buildStats(c, {
    distinct,
    generated,
    inits: inits.length,
    depth: maxSeenDepth,
    seconds: Math.max(0, t1 - t0),
    store,
    storeKind: storeOpt.kind,
    omission,
    bytes: store.bytes() + parents.bytes() + ords.bytes(),
    symmetry: canon ? canon.description : live && live.mode === 'full' && Object.keys(spec.symmetric ?? {}).length > 0 && o.symmetry !== false ? 'off (temporal properties)' : 'off',
    queue: frontier.size,
    coverage,
    ...(liveOut ? { liveness: liveOut.stats } : {}),
    ...(budget !== undefined ? { memoryBudget: budget, frontierSpilled: frontier.spilled } : {}),
    ...(reducer
      ? { por: { status: 'on', reducedStates: reducer.reducedStates, prunedTransitions: reducer.pruned, provisoExpansions: reducer.provisoExpansions, ...(fpCheck ? { footprintsChecked: fpChecked } : {}) } }
      : porOff !== undefined && (declaresFootprints(spec) || o.por === true)
        ? { por: { status: porOff, ...(fpCheck ? { footprintsChecked: fpChecked } : {}) } }
        : {}),
    peakFrontier: lifo ? frontier.peak : Math.max(0, ...levelWidth.map((n) => n ?? 0)),
  });
  return buildResult(c, {
    stats,
    properties,
    violations,
    memoryError,
    interrupted,
    complete,
    holds: complete && !tempo.undecided,
    limitReason,
    exact: storeOpt.kind === 'exact',
    omission,
  });
}

/** The MC301 message when the visited set and parent links outgrow the memory budget: how far the search got. */
export function memoryBudgetMessage(fixed: number, budget: number, distinct: number, depth: number): string {
  const mib = (b: number): string => `${(b / 2 ** 20).toFixed(1)} MiB`;
  return (
    `out of memory: the visited set and parent links need ${mib(fixed)}, more than the --memory budget of ${mib(budget)}, ` +
    `after ${distinct.toLocaleString('en-US')} distinct states (depth ${depth} reached); ` +
    `the search stopped there and nothing is known to hold: give a larger --memory, or use --store compact`
  );
}

// Re-exported so tests can reach the hashes behind a fingerprint.
export { H };
