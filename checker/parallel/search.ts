/**
 * Parallel BFS: level-synchronous, on worker threads, with results identical
 * to the sequential search (explore.ts) for every number of workers.
 *
 * Per BFS level, the coordinator (this thread) cuts the level's states into
 * chunks, in index order, and sends them to the workers; a worker computes
 * each state's successors, their visited-set keys (view, symmetry) and
 * hashes, drops the successors already in the shared visited set
 * (sharedStore.ts, read without locks), evaluates invariants and witnesses on
 * the others, and checks states without progress for deadlock (expand.ts).
 * The coordinator merges the chunks in index order: inserts into the visited
 * set, numbering, parent links and property bookkeeping happen in exactly the
 * order of the sequential search, so state indexes, counts, traces, classes
 * and JSON are the same. The sequential search expands in batches of up to 64
 * states; when a search stops early (first violation, a limit) the
 * coordinator completes that batch's successor counts so that
 * `statesGenerated`, coverage and the queue are the sequential ones too.
 *
 * Anything unusual (a spec error in a worker, a worker that cannot rebuild
 * the spec from the recipe) makes the coordinator run the sequential search
 * instead, which gives the exact sequential result, error and trace
 * included; `stats.workers` then says 1.
 *
 * DFS is not parallel.
 *
 * @module
 */
import { compile, Compiled } from '../compile';
import { H } from '../hash';
import { FingerprintStore, VisitedStore } from '../store';
import { ChunkedU32, Frontier, Ordinals, SpillFrontier } from '../frontier';
import { AnySpec, isPacked, State } from '../spec';
import type { CheckOptions, CheckResult, PropertyStatus } from '../result';
import { LivenessRecorder, acyclicPathFor, temporalOutcome, temporalProperties } from '../liveness';
import { check, createStore, errorResult, memoryBudgetMessage, storeName, toMcError } from '../explore';
import { baseProperties, buildResult, buildStats, buildViolations, Found, memoryRule, NO_PARENT, omissionRule, stateLimit } from '../core';
import { canonFor, ChunkResult, createExpander, EDGE_CANDIDATE, ExpandConfig, keyerFor, recorderFor } from './expand';
import { getPool, Pool, Reply } from './pool';
import { specSignature } from './recipe';
import { sharedInsert } from './sharedStore';
/** explore.ts's expansion batch: its boundaries decide generated, coverage and queue of a search that stops early. */
const MAX_BATCH_STATES = 64;
const BATCH_SUCCESSORS = 4096;

/** Early chunks (`dispatchEarly`) a worker may hold: half of a level of 2 workers' 8 chunks. */
const EARLY_INFLIGHT = 4;

/** Levels whose inserts the workers did (`insertLevel`), in this process: lets tests see the path taken. */
export let partitionedLevels = 0;
/** Rounds of worker inserts (more than one in a level whose candidates exceed the table's room). */
export let partitionedRounds = 0;
/** Chunks sent to the workers while the level before theirs was merged (`dispatchEarly`), in this process. */
export let earlyChunks = 0;

/** Thrown to run the sequential search instead. */
class Fallback extends Error {}

interface Chunk {
  readonly first: number;
  readonly n: number;
  readonly depth: number;
  states: Uint32Array | undefined;
  /** The worker it was sent to; -1: expanded in this thread. */
  readonly worker: number;
}

function defaultClock(): number {
  return Number(process.hrtime.bigint()) / 1e9;
}

/** `check` with `workers` ≥ 2 and a recipe (explore.ts dispatches here). */
export function parallelCheck(spec: AnySpec, o: CheckOptions): CheckResult {
  const clock = o.clock ?? defaultClock;
  const t0 = clock();
  let c: Compiled;
  try {
    c = compile(spec);
  } catch (e) {
    return errorResult(spec, toMcError(e), storeName(o.store ?? { kind: 'fingerprint' }));
  }
  try {
    const r0 = search(c, o, clock, t0);
    // As explore.ts: the acyclic liveness path could not decide, the full symmetry-off search does.
    return 'retry' in r0 ? (search(c, o, clock, t0, r0.retry) as CheckResult) : r0;
  } catch (e) {
    if (e instanceof Fallback) return check(spec, { ...o, workers: 1 });
    return errorResult(spec, toMcError(e), storeName(o.store ?? { kind: 'fingerprint' }));
  }
}

function search(c: Compiled, o: CheckOptions, clock: () => number, t0: number, fallback?: string): CheckResult | { retry: string } {
  const spec = c.spec;
  const W = c.words;
  const nWorkers = Math.max(2, Math.floor(o.workers ?? 2));
  // This thread is one of the N: it expands chunks whenever it has nothing to merge, and inserts a partition of a
  // two-phase level, so N - 1 threads are started (one isolate fewer compiling and collecting the same model).
  const nThreads = nWorkers - 1;
  const storeOpt = o.store ?? { kind: 'fingerprint' };
  const shared = storeOpt.kind === 'fingerprint' ? new FingerprintStore(true) : undefined;
  const store: VisitedStore = shared ?? createStore(storeOpt, W, o.capacity);
  const checkDeadlock = o.checkDeadlock ?? spec.checkDeadlock ?? true;
  const permLimit = o.permLimit ?? 5040;
  // Temporal properties: the state graph is recorded as explore.ts records it, in the same mode (the acyclic path
  // keeps symmetry on; the full analysis switches it off; explore.ts's `search`, which this mirrors).
  const temporal = o.liveness !== false && temporalProperties(spec).length > 0;
  const symCanon = o.symmetry === false ? undefined : canonFor(c, { symmetry: true, permLimit, storeKind: storeOpt.kind, checkDeadlock });
  const method = o.livenessMethod ?? spec.livenessMethod ?? 'auto';
  const acyclicPath = temporal && acyclicPathFor(c, spec, method, fallback, symCanon);
  const canon = temporal && !acyclicPath ? undefined : symCanon;
  const cfg: ExpandConfig = {
    symmetry: canon !== undefined,
    permLimit,
    storeKind: storeOpt.kind,
    checkDeadlock,
    checkPurity: o.checkPurity !== false,
    ...(temporal ? { liveness: acyclicPath ? 'acyclic' : 'full' } : {}),
  };
  let live: LivenessRecorder | undefined;
  try {
    live = recorderFor(c, cfg, canon);
  } catch {
    throw new Fallback(); // a spec error (a malformed property): the sequential search reports it
  }

  const minLevel = o.parallel?.minLevel ?? 64;
  const waitForWorkers = o.parallel?.waitForWorkers ?? false;
  // Threads are not worth starting for a search that ends within this time (wall, not the injected clock).
  const startAfter = waitForWorkers ? 0 : o.parallel?.startAfter ?? 0.3;
  const began = defaultClock();
  // Nor for states this cheap to expand: the merge, not the expansion, would bound the search.
  let localStates = 0;
  let localSeconds = 0;
  // With two-phase levels (fingerprint store, no budget) the coordinator does no inserts, and threads paid on the counter model (1.4 µs per state).
  const twoPhaseLevels = storeOpt.kind === 'fingerprint' && o.memory === undefined && o.parallel?.partitionedInserts !== false;
  const worthThreads = (): boolean => waitForWorkers || twoPhaseLevels || localStates === 0 || localSeconds / localStates >= 10e-6;
  const fullLive = live !== undefined && live.mode === 'full';
  const local = createExpander(c, cfg);
  const { keyer, symmetry } = keyerFor(c, cfg, canon);
  // Workers start at the first level with `minLevel` states; until they have
  // rebuilt the spec this thread expands the chunks itself.
  let pool: Pool | undefined;
  let job = 0;
  let ready = 0;
  let workersUsable = true;
  const sig = specSignature(c);
  const onOpened = (reply: Reply): void => {
    if (reply.op === 'opened' && reply.sig === sig) ready++;
    else workersUsable = false; // a recipe that does not rebuild this spec: expand here
  };
  const startWorkers = (): void => {
    pool = getPool(nThreads);
    job = pool.newJob();
    for (let i = 0; i < nThreads; i++) pool.send(i, { op: 'open', job, recipe: o.recipe, config: cfg });
    if (waitForWorkers) for (let i = 0; i < nThreads; i++) onOpened(pool.receive(job).reply);
  };

  const budget = o.memory;
  const frontier = budget !== undefined ? new SpillFrontier(W, budget) : new Frontier(W, false);
  const parents = new ChunkedU32();
  const ords = new Ordinals();
  const maxStates = o.maxStates ?? Infinity;
  const maxDepth = o.maxDepth ?? Infinity;
  const all = o.allViolations === true;
  const progressEvery = o.progressInterval ?? 5;
  const nInv = c.invariantNames.length;
  const nWit = c.witnessNames.length;
  const nPackedInvariants = isPacked(spec) ? (spec.packedInvariants ?? []).length : 0;
  const invWords = (nInv + 31) >>> 5;
  const hasPredicates = nInv + nWit > 0;
  const witnessDepth = new Int32Array(nWit).fill(-1);
  let witnessesLeft = nWit;
  const violatedInv = new Set<number>();
  const deadlockClasses = new Set<string>();
  const found: Found[] = [];
  const coverage = new Float64Array(c.actions.length);
  const levelWidth: number[] = [];
  let generated = 0;
  let maxSeenDepth = 0;
  let stop = false;
  let limitReason: string | undefined;
  let truncated = false;
  let memoryError: string | undefined;

  const checkBudget = (): void => {
    if (budget === undefined) return;
    const fixed = store.bytes() + parents.bytes() + ords.bytes();
    const m = memoryRule(fixed, budget);
    if (m.over) {
      memoryError = memoryBudgetMessage(fixed, budget, parents.length, maxSeenDepth);
      stop = true;
    } else if (frontier instanceof SpillFrontier) frontier.limit = m.frontierLimit;
  };
  /**
   * Records a new state (already inserted): `admitBegin` numbers it; the
   * caller then checks its invariants and witnesses (when `hasPredicates`);
   * `admitEnd` queues it and applies the limits. (Two calls, not a callback:
   * no closure per state.)
   */
  const admitBegin = (parent: number, ord: number, depth: number): number => {
    const index = parents.length;
    parents.push(parent);
    ords.push(ord);
    if (depth > maxSeenDepth) maxSeenDepth = depth;
    levelWidth[depth] = (levelWidth[depth] ?? 0) + 1;
    if ((index & 1023) === 0) checkBudget();
    return index;
  };
  const admitEnd = (w: Uint32Array, off: number, index: number, depth: number): void => {
    frontier.push(w, off, index, depth);
    if (!stop) {
      const reason = stateLimit(store, parents.length, maxStates);
      if (reason !== undefined) {
        limitReason = reason;
        stop = true;
      }
    }
  };
  const violate = (i: number, index: number, words: Uint32Array): void => {
    violatedInv.add(i);
    found.push({ property: c.invariantNames[i], kind: 'invariant', index, words });
    if (!all) stop = true;
  };
  const reach = (i: number, depth: number): void => {
    witnessDepth[i] = depth;
    witnessesLeft--;
  };

  const inits = c.initStates();
  if (inits.length === 0) throw new Fallback(); // the sequential search reports it (MC204)
  try {
    admitInits();
  } catch {
    throw new Fallback(); // a spec error: the sequential search reports it, with its trace
  }
  function admitInits(): void {
    for (let i = 0; i < inits.length && !stop; i++) {
      const w = inits[i];
      const k = keyer.keyOf(w, 0, undefined);
      const h0 = H[0];
      const h1 = H[1];
      if (!store.insert(k, W, 0)) continue;
      const index = admitBegin(NO_PARENT, i, 0);
      if (hasPredicates) {
        // As explore.ts's checkPredicates.
        let st: State | undefined;
        if (nInv > 0 && nInv > nPackedInvariants) st = c.decode(w);
        for (let j = 0; j < nInv && !stop; j++) if (!violatedInv.has(j) && !c.invariantHolds(j, w, st)) violate(j, index, Uint32Array.from(w));
        if (witnessesLeft > 0) for (let j = 0; j < nWit; j++) if (witnessDepth[j] < 0 && c.witnessReached(j, w, st)) reach(j, 0);
      }
      if (live) live.state(index, h0, h1, w, 0, undefined, i);
      admitEnd(w, 0, index, 0);
    }
  }

  // The sequential search's batch, simulated: states in it, successors in it, states admitted when it began.
  let bsN = MAX_BATCH_STATES;
  let bsB = 0;
  let bsA = 0;
  const batchStep = (i: number, contribution: number): void => {
    if (!(bsN < MAX_BATCH_STATES && i < bsA && bsB < BATCH_SUCCESSORS)) {
      bsN = 0;
      bsB = 0;
      bsA = parents.length;
    }
    bsN++;
    bsB += contribution;
  };
  let popped = 0;
  let lastReport = t0;
  const popBuf = new Uint32Array(W);
  const maxChunk = Math.max(1, Math.min(4096, Math.floor((1 << 18) / W)));
  /** Where the search stopped: the chunk, its result, the state within it and the next action cursor. */
  let stopped: { ch: Chunk; r: ChunkResult; k: number; ai: number; later: Chunk[] } | undefined;

  /**
   * A two-phase level's candidates, new (1) or not (0), in the sequential
   * order, as the workers' partitioned inserts decided (`insertLevel`), and
   * each chunk's first candidate in it; undefined: `merge` inserts.
   */
  let levelNew: Uint8Array | undefined;
  let levelBase: number[] = [];
  let outBuf: Uint8Array = new Uint8Array(0);
  /**
   * Whether the workers filter a two-phase level's successors against the
   * visited set before sending them (they need not: the partitioned inserts
   * tell old from new). For small states the filter's cache miss per
   * successor costs more than the old states it keeps from being candidates
   * (measured on the counter model, 1 word: 29.9 s CPU and 41 s wall without
   * it, 33 s and 50 s with it, loaded machine); for large states a candidate
   * (its words, its predicates) costs more than a probe.
   */
  const filterTwoPhase = W > 16;
  /** Whether the workers start on the next level while a two-phase level is merged (`dispatchEarly`); tests turn it off. */
  const earlyDispatch = o.parallel?.earlyDispatch !== false;
  let fpsBuf: Uint32Array = new Uint32Array(0);
  /** Chunk buffers of merged chunks, to reuse (`dispatch`). */
  const freeStates: Uint32Array[] = [];
  /** Per worker: the words buffers of its merged results, sent back with its next chunk (expand.ts fills them again). */
  const spareWords: Uint32Array[][] = Array.from({ length: nThreads }, () => []);

  const merge = (ch: Chunk, r: ChunkResult, chunkId: number): number => {
    const atBound = ch.depth >= maxDepth;
    const depth = ch.depth + 1;
    const keys = r.keys ?? r.words;
    const P = r.P;
    let ai = 0;
    let ci = 0;
    let di = 0;
    let ei = 0;
    let fi = 0;
    const isNew = levelNew;
    const base = isNew !== undefined ? levelBase[chunkId] : 0;
    /** Candidate ci of state i: inserted (or new by the workers' inserts), numbered, checked, queued. */
    const candidate = (i: number, ci: number): void => {
      if (isNew !== undefined) {
        if (isNew[base + ci] === 0) return;
      } else {
        H[0] = r.hashes[3 * ci];
        H[1] = r.hashes[3 * ci + 1];
        H[2] = r.hashes[3 * ci + 2];
        if (!store.insert(keys, W, ci * W)) return;
      }
      const index = admitBegin(i, r.ords[ci], depth);
      if (hasPredicates) {
        const b0 = ci * P;
        for (let j = 0; j < nInv && !stop; j++) {
          if (!violatedInv.has(j) && (r.bits[b0 + (j >>> 5)] >>> (j & 31)) & 1) violate(j, index, r.words.slice(ci * W, ci * W + W));
        }
        if (witnessesLeft > 0) {
          for (let j = 0; j < nWit; j++) if (witnessDepth[j] < 0 && (r.bits[b0 + invWords + (j >>> 5)] >>> (j & 31)) & 1) reach(j, depth);
        }
      }
      if (live) live.stateMasked(index, r.hashes[3 * ci], r.hashes[3 * ci + 1], -1, fullLive ? r.liveMasks[ci] : 0);
      admitEnd(r.words, ci * W, index, depth);
    };
    // Touch the slots the inserts will probe, so that their cache misses overlap.
    const hs = r.hashes;
    if (isNew === undefined) for (let h = 0; h < hs.length; h += 3) store.touch(hs[h], hs[h + 1], hs[h + 2]);
    for (let k = 0; k < ch.n; k++) {
      const i = ch.first + k;
      batchStep(i, atBound ? 0 : r.nSucc[k]);
      popped = i + 1;
      const g = r.nGen[k];
      generated += g;
      ai += g;
      if (atBound && r.nSucc[k] > 0) truncated = true;
      if (live === undefined) {
        // (A candidate the workers' inserts found old is skipped here, without a call.)
        for (let q = r.nCand[k]; q > 0; q--, ci++) if (!stop && (isNew === undefined || isNew[base + ci] !== 0)) candidate(i, ci);
      } else {
        // Every successor is an edge of the state graph, recorded after the candidate it may be (explore.ts's phase 3).
        const edges = r.edges;
        for (let q = atBound ? 0 : r.nSucc[k]; q > 0; q--, ei++) {
          if (stop) continue;
          const tid = edges[3 * ei + 2];
          if ((tid & EDGE_CANDIDATE) !== 0) candidate(i, ci++);
          live.edge(i, edges[3 * ei], edges[3 * ei + 1], tid & ~EDGE_CANDIDATE);
        }
        if (r.nSucc[k] === 0 && fi < r.finals.length && r.finals[fi] === k) {
          live.finalMasked(i, r.finals[fi + 1]);
          fi += 2;
        }
      }
      const dead = di < r.dead.length && r.dead[di].k === k ? r.dead[di++] : undefined;
      if (r.nSucc[k] === 0 && checkDeadlock && !stop && dead) {
        if (live) live.markDead(i);
        const key = dead.cls ?? '';
        if (!deadlockClasses.has(key)) {
          deadlockClasses.add(key);
          found.push({ property: 'deadlock', kind: 'deadlock', ...(dead.cls !== undefined ? { cls: dead.cls } : {}), index: i, words: dead.words });
          if (!all) stop = true;
        }
      }
      if (stop) {
        // Coverage of the chunk's states up to this one (the rest of the batch: finishBatch).
        for (let e = 0; e < ai; e++) coverage[r.actions[e]]++;
        return ai;
      }
    }
    for (let a = 0; a < r.coverage.length; a++) coverage[a] += r.coverage[a];
    return -1;
  };

  /**
   * The inserts of a two-phase level, by the workers: every chunk of the
   * level is expanded (against a visited set nobody writes meanwhile), then
   * each worker inserts the candidates of its partition of the fingerprints
   * (sharedStore.ts, `sharedInsert`), in portions that fit the table, and the
   * coordinator numbers the new states in the sequential order (`merge` with
   * `levelNew`). Only for a level in which the search cannot stop: no
   * `--max-states` reached even if every candidate is new, and, without
   * `--all-violations`, no candidate violating an invariant and no deadlock
   * (those levels are merged with inserts, as before). False: not done.
   */
  const insertLevel = (results: (ChunkResult | undefined)[], nChunks: number): boolean => {
    const fp = shared as FingerprintStore;
    const p = pool as Pool;
    let N = 0;
    const bases: number[] = new Array<number>(nChunks);
    for (let k = 0; k < nChunks; k++) {
      const r = results[k] as ChunkResult;
      bases[k] = N;
      N += r.hashes.length / 3;
      if (!all && (r.dead.length > 0 || r.violating > 0)) return false;
    }
    if (parents.length + N >= maxStates) return false;
    // The fingerprints (hi, lo) in the sequential order, in shared memory (the workers' copies would be as long, and fresh shared buffers per chunk outlive their level).
    if (outBuf.length < N) {
      const cap = Math.max(N, 2 * outBuf.length);
      fpsBuf = new Uint32Array(new SharedArrayBuffer(8 * cap));
      outBuf = new Uint8Array(new SharedArrayBuffer(cap));
    }
    const fps = fpsBuf;
    const out = outBuf;
    for (let k = 0; k < nChunks; k++) {
      const hs = (results[k] as ChunkResult).hashes;
      let o2 = 2 * bases[k];
      for (let h = 0; h < hs.length; h += 3) {
        fps[o2++] = hs[h];
        fps[o2++] = hs[h + 1];
      }
    }
    const lists = [fps.subarray(0, 2 * N)];
    for (let from = 0; from < N; ) {
      const to = Math.min(N, from + fp.room());
      for (let part = 0; part < nThreads; part++) p.send(part, { op: 'insert', job, table: fp.table, lists, stride: 2, from, to, part, parts: nWorkers, out });
      // The last partition is this thread's.
      const own = sharedInsert(fp.table, lists, 2, from, to, nThreads, nWorkers, out);
      let inserted = own.inserted;
      const deferred: number[] = own.deferred.slice();
      for (let part = 0; part < nThreads; part++) {
        const { reply } = p.receive(job);
        if (reply.op !== 'inserted') throw new Fallback();
        inserted += reply.inserted as number;
        for (const i of reply.deferred as number[]) deferred.push(i);
      }
      fp.addInserted(inserted);
      partitionedRounds++;
      // Fingerprints with a zero high word: this thread, in order.
      deferred.sort((a, b) => a - b);
      for (const i of deferred) {
        H[0] = fps[2 * i];
        H[1] = fps[2 * i + 1];
        out[i] = fp.insert() ? 1 : 0;
      }
      from = to;
    }
    levelNew = out;
    levelBase = bases;
    let nNew = 0;
    for (let i = 0; i < N; i++) nNew += out[i];
    levelNewCount = nNew;
    partitionedLevels++;
    return true;
  };

  /** Pops the next `m` states off the frontier into `states`: the index and depth of the first. */
  const popChunk = (states: Uint32Array, m: number): { first: number; depth: number } => {
    let first = 0;
    let depth = 0;
    for (let k = 0; k < m; k++) {
      const idx = frontier.pop(popBuf);
      if (k === 0) {
        first = idx;
        depth = frontier.lastDepth;
      }
      if (W >= 32) states.set(popBuf, k * W);
      else for (let j = 0, o = k * W; j < W; j++) states[o + j] = popBuf[j];
    }
    return { first, depth };
  };

  /** New states of the two-phase level being merged (all of them are admitted: such a merge cannot stop). */
  let levelNewCount = 0;
  /**
   * The next level's chunks sent to the workers while the coordinator still
   * merges a two-phase level (`dispatchEarly`), so that they do not wait for
   * the merge: the chunks are the ones the next level would cut (its width is
   * known: the level's new states), taken off the frontier in the same order.
   */
  let early: { levelN: number; chunkSize: number; chunks: Chunk[]; inflight: Int32Array; dispatched: number } | undefined;
  /** Sends worker `wk` the next chunk of the next level, if the merge has admitted its states. */
  const dispatchEarly = (wk: number, levelN: number): boolean => {
    if (early === undefined) {
      if (levelN === 0) return false;
      early = { levelN, chunkSize: Math.max(1, Math.min(maxChunk, Math.ceil(levelN / (nWorkers * 4)))), chunks: [], inflight: new Int32Array(nThreads), dispatched: 0 };
    }
    const e = early;
    const m = Math.min(e.chunkSize, e.levelN - e.dispatched);
    if (m === 0 || frontier.size < m || e.inflight[wk] >= EARLY_INFLIGHT) return false;
    const states = new Uint32Array(m * W);
    const { first, depth } = popChunk(states, m);
    const id = e.chunks.length;
    e.dispatched += m;
    e.chunks.push({ first, n: m, depth, states, worker: wk });
    e.inflight[wk]++;
    earlyChunks++;
    const invActive = Uint8Array.from(c.invariantNames, (_n, i) => (violatedInv.has(i) ? 0 : 1));
    const witActive = Uint8Array.from(c.witnessNames, (_n, i) => (witnessDepth[i] >= 0 ? 0 : 1));
    const spare = spareWords[wk].pop();
    // The next level is two-phase too (nothing it depends on changes in between): the same `table` as `dispatch` sends.
    (pool as Pool).send(wk, { op: 'expand', job, chunk: id, states, n: m, atBound: depth >= maxDepth, table: filterTwoPhase ? shared?.table : undefined, invActive, witActive, level: depth, spare }, spare ? [spare.buffer as ArrayBuffer] : []);
    return true;
  };

  try {
    while ((frontier.size > 0 || early !== undefined) && !stop) {
      // Chunks of this level sent while the last one was merged (`dispatchEarly`): the level goes on from them.
      const pre = early;
      early = undefined;
      if (pre !== undefined && pre.levelN !== frontier.size + pre.dispatched) throw new Fallback(); // cannot happen: the merge admitted every new state
      const levelN = pre !== undefined ? pre.levelN : frontier.size;
      const chunkSize = pre !== undefined ? pre.chunkSize : Math.max(1, Math.min(maxChunk, Math.ceil(levelN / (nWorkers * 4))));
      const nChunks = Math.ceil(levelN / chunkSize);
      const chunks: Chunk[] = pre !== undefined ? pre.chunks : [];
      const results: (ChunkResult | undefined)[] = [];
      const inflight = pre !== undefined ? pre.inflight : new Int32Array(nThreads);
      const invActive = Uint8Array.from(c.invariantNames, (_n, i) => (violatedInv.has(i) ? 0 : 1));
      const witActive = Uint8Array.from(c.witnessNames, (_n, i) => (witnessDepth[i] >= 0 ? 0 : 1));
      let dispatched = pre !== undefined ? pre.dispatched : 0;
      let merged = 0;
      let received = 0;
      if (pool === undefined && levelN >= minLevel && defaultClock() - began >= startAfter) {
        // Too cheap for threads: the sequential search, from the start, is faster than this one in one thread.
        if (!worthThreads()) throw new Fallback();
        startWorkers();
      }
      // Two-phase level (`insertLevel`): the fingerprint store in shared memory, every worker ready, no memory budget.
      let twoPhase = shared !== undefined && budget === undefined && pool !== undefined && workersUsable && ready === nThreads && o.parallel?.partitionedInserts !== false;
      levelNew = undefined;
      /** Takes the next chunk off the frontier; sends it to worker `wk`, or expands it here (wk < 0). */
      const dispatch = (wk: number): void => {
        const id = chunks.length;
        const m = Math.min(chunkSize, levelN - dispatched);
        // A chunk buffer of an earlier, merged chunk when one fits (fewer large allocations, fewer full GCs; at most twice
        // the size: a message copies the whole buffer of a view).
        const spareStates = freeStates.pop();
        const states = spareStates !== undefined && spareStates.length >= m * W && spareStates.length <= 2 * m * W ? spareStates.subarray(0, m * W) : new Uint32Array(m * W);
        const { first, depth } = popChunk(states, m);
        dispatched += m;
        chunks.push({ first, n: m, depth, states, worker: wk });
        if (wk < 0) {
          try {
            const t = defaultClock();
            results[id] = local.expand(states, m, depth >= maxDepth, twoPhase && !filterTwoPhase ? undefined : shared?.table, invActive, witActive, depth);
            received++;
            localSeconds += defaultClock() - t;
            localStates += m;
          } catch {
            throw new Fallback(); // a spec error: the sequential search reports it, with its trace
          }
          return;
        }
        inflight[wk]++;
        // The words buffer of a merged result of this worker goes back to it, to fill again (moved, not copied).
        const spare = spareWords[wk].pop();
        (pool as Pool).send(wk, { op: 'expand', job, chunk: id, states, n: m, atBound: depth >= maxDepth, table: twoPhase && !filterTwoPhase ? undefined : shared?.table, invActive, witActive, level: depth, spare }, spare ? [spare.buffer as ArrayBuffer] : []);
      };
      let pending = pre !== undefined ? pre.chunks.length : 0;
      while (merged < nChunks && !stop) {
        const useWorkers = pool !== undefined && workersUsable && ready === nThreads;
        if (useWorkers) {
          for (let wk = 0; wk < nThreads; wk++) {
            while (inflight[wk] < 2 && dispatched < levelN) {
              dispatch(wk);
              pending++;
            }
          }
        }
        if (twoPhase && received === nChunks) {
          insertLevel(results, nChunks);
          twoPhase = false;
        }
        const r = twoPhase ? undefined : results[merged];
        if (r === undefined) {
          if (!useWorkers && chunks.length === merged) {
            dispatch(-1);
            // Workers that have rebuilt the spec meanwhile.
            for (let reply = pool?.poll(job); reply !== undefined; reply = pool?.poll(job)) onOpened(reply);
            continue;
          }
          // Nothing to merge yet: expand a chunk here rather than wait, while the level has one left.
          const got = useWorkers && dispatched < levelN ? (pool as Pool).tryReceive(job) : (pool as Pool).receive(job);
          if (got === undefined) {
            dispatch(-1);
            continue;
          }
          const { worker, reply } = got;
          if (reply.op === 'opened' || (reply.op === 'error' && pending === 0)) {
            onOpened(reply);
            continue;
          }
          if (reply.op !== 'expanded') throw new Fallback();
          inflight[worker]--;
          pending--;
          results[reply.chunk as number] = reply.result as ChunkResult;
          received++;
          continue;
        }
        const ch = chunks[merged];
        const ai = merge(ch, r, merged);
        if (ai >= 0) stopped = { ch, r, k: popped - 1 - ch.first, ai, later: chunks.slice(merged + 1) };
        results[merged] = undefined;
        if (ch.states !== undefined && ch.states.byteOffset === 0) freeStates.push(new Uint32Array(ch.states.buffer));
        ch.states = undefined;
        if (ch.worker >= 0 && r.words.byteOffset === 0 && r.words.buffer.byteLength >= 4096 && spareWords[ch.worker].length < 2) spareWords[ch.worker].push(new Uint32Array(r.words.buffer as ArrayBuffer));
        merged++;
        // A two-phase level's merge: the workers, idle until the next level, start on its first chunks.
        if (levelNew !== undefined && earlyDispatch && merged < nChunks) for (let wk = 0; wk < nThreads; wk++) while (dispatchEarly(wk, levelNewCount));
        if (o.onProgress) {
          const now = clock();
          if (now - lastReport >= progressEvery) {
            lastReport = now;
            const secs = now - t0;
            o.onProgress({
              distinctStates: parents.length,
              statesGenerated: generated,
              queue: parents.length - popped,
              depth: maxSeenDepth,
              seconds: secs,
              statesPerSecond: secs > 0 ? parents.length / secs : 0,
            });
          }
        }
      }
    }
    // (A two-phase level's merge cannot stop: early chunks never outlive their search.)
    if (early !== undefined) throw new Fallback();
    if (stopped) finishBatch(stopped);
  } finally {
    frontier.dispose();
  }

  /** The rest of the sequential batch in which the search stopped: its states were expanded there too. */
  function finishBatch(s: { ch: Chunk; r: ChunkResult; k: number; ai: number; later: Chunk[] }): void {
    const src = new Uint32Array(W);
    const dst = new Uint32Array(W);
    let j = popped;
    let k = s.k + 1;
    let ai = s.ai;
    let later = 0;
    let lk = 0;
    while (bsN < MAX_BATCH_STATES && j < bsA && bsB < BATCH_SUCCESSORS) {
      let g: number;
      let ns: number;
      let atBound: boolean;
      if (k < s.ch.n) {
        g = s.r.nGen[k];
        ns = s.r.nSucc[k];
        atBound = s.ch.depth >= maxDepth;
        for (let e = 0; e < g; e++) coverage[s.r.actions[ai++]]++;
        k++;
      } else {
        let depth: number;
        if (later < s.later.length) {
          const ch = s.later[later];
          src.set((ch.states as Uint32Array).subarray(lk * W, lk * W + W));
          depth = ch.depth;
          if (++lk === ch.n) {
            later++;
            lk = 0;
          }
        } else {
          frontier.pop(src);
          depth = frontier.lastDepth;
        }
        atBound = depth >= maxDepth;
        g = 0;
        ns = 0;
        try {
          c.successors(src, dst, (a) => {
            g++;
            coverage[a]++;
            for (let i = 0; i < W; i++) {
              if (dst[i] !== src[i]) {
                ns++;
                return;
              }
            }
          });
        } catch {
          throw new Fallback(); // the sequential search meets this error before the violation
        }
      }
      generated += g;
      if (atBound && ns > 0) truncated = true;
      bsN++;
      bsB += atBound ? 0 : ns;
      j++;
    }
    popped = j;
  }

  const t1 = clock();
  const violations = buildViolations(c, found, parents, ords);
  const queue = parents.length - popped;
  const searched = queue === 0 && !stop && !truncated;
  const { omission, tooRisky } = omissionRule(store, searched, o.maxOmission);
  if (tooRisky) limitReason = tooRisky;
  const complete = searched && !tooRisky;
  if (truncated && !limitReason) limitReason = `depth limit reached (--max-depth ${maxDepth})`;
  // Temporal properties: the recorded graph, analysed as explore.ts does (the same LivenessRecorder, the same calls in the same order).
  const tempo = temporalOutcome(spec, live, { complete, all, checkDeadlock, clock, ...(fallback !== undefined ? { fallback } : {}), liveness: o.liveness, key: (w) => keyer.keyOf(w, 0, undefined) });
  if ('retry' in tempo) return { retry: tempo.retry };
  const liveOut = tempo.outcome;
  if (liveOut) violations.push(...liveOut.violations);
  if (tempo.undecided && !limitReason) limitReason = `temporal properties ${tempo.undecided}`;
  const properties: PropertyStatus[] = [
    ...baseProperties(c, { violatedInv, checkDeadlock, deadlockClasses, witnessDepth, definitive: complete }),
    ...tempo.properties,
  ];
  const stats = buildStats(c, {
    distinct: parents.length,
    generated,
    inits: inits.length,
    depth: maxSeenDepth,
    seconds: Math.max(0, t1 - t0),
    store,
    storeKind: storeOpt.kind,
    omission,
    bytes: store.bytes() + parents.bytes() + ords.bytes(),
    symmetry: canon ? symmetry : live && live.mode === 'full' && Object.keys(spec.symmetric ?? {}).length > 0 && o.symmetry !== false ? 'off (temporal properties)' : 'off',
    queue,
    coverage,
    ...(liveOut ? { liveness: liveOut.stats } : {}),
    ...(budget !== undefined ? { memoryBudget: budget, frontierSpilled: frontier.spilled } : {}),
    peakFrontier: Math.max(0, ...levelWidth.map((n) => n ?? 0)),
    workers: pool !== undefined && workersUsable && ready === nThreads ? nWorkers : 1,
  });
  return buildResult(c, {
    stats,
    properties,
    violations,
    memoryError,
    interrupted: false,
    complete,
    holds: complete && !tempo.undecided,
    limitReason,
    exact: storeOpt.kind === 'exact',
    omission,
  });
}
