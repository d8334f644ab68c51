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
import { hashWords, H } from './hash';
import { CompactStore, ExactStore, FingerprintStore, tlcOptimistic, VisitedStore } from './store';
import { createCanonicalizer } from './symmetry';
import { ChunkedU32, Frontier, Ordinals } from './frontier';
import { formatSteps, replayOrdinals } from './trace';
import type { AnySpec } from './spec';
import {
  CheckOptions,
  CheckResult,
  McError,
  PropertyKind,
  PropertyStatus,
  SpecError,
  Stats,
  StoreOption,
  Violation,
} from './result';

const NO_PARENT = 0xffffffff;

interface Found {
  property: string;
  kind: PropertyKind;
  cls?: string;
  index: number;
  words: Uint32Array;
}

function defaultClock(): number {
  return Number(process.hrtime.bigint()) / 1e9;
}

function createStore(opt: StoreOption, words: number, capacity: number | undefined): VisitedStore {
  switch (opt.kind) {
    case 'exact':
      return new ExactStore(words);
    case 'fingerprint':
      return new FingerprintStore();
    case 'compact':
      return new CompactStore(opt.bits, capacity ?? 1 << 22);
  }
}

/** Describes a store option, e.g. for error messages. */
export function storeName(opt: StoreOption): string {
  return opt.kind === 'compact' ? `compact:${opt.bits}` : opt.kind;
}

/**
 * Checks a spec: explores its reachable states and reports every property.
 * Never throws for a spec error: the result has `status: 'error'`.
 */
export function check(spec: AnySpec, options: CheckOptions & { capacity?: number } = {}): CheckResult {
  const clock = options.clock ?? defaultClock;
  const t0 = clock();
  let c: Compiled;
  try {
    c = compile(spec);
  } catch (e) {
    return errorResult(spec, toMcError(e), storeName(options.store ?? { kind: 'fingerprint' }));
  }
  try {
    return search(c, options, clock, t0);
  } catch (e) {
    return errorResult(spec, toMcError(e), storeName(options.store ?? { kind: 'fingerprint' }));
  }
}

function toMcError(e: unknown): McError {
  if (e instanceof SpecError) return { code: e.code, message: e.message };
  if (e instanceof RangeError && /allocation|Invalid typed array length|Array buffer/i.test(e.message)) {
    return { code: 'MC301', message: `out of memory: ${e.message}` };
  }
  return { code: 'MC501', message: `internal error: ${e instanceof Error ? e.stack ?? e.message : String(e)}` };
}

function errorResult(spec: AnySpec, error: McError, store: string): CheckResult {
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
      coverage: {},
    },
    properties: [],
    violations: [],
    error,
  };
}

function search(c: Compiled, o: CheckOptions & { capacity?: number }, clock: () => number, t0: number): CheckResult {
  const spec = c.spec;
  const W = c.words;
  const storeOpt = o.store ?? { kind: 'fingerprint' };
  const store = createStore(storeOpt, W, o.capacity);
  const canon = o.symmetry === false ? undefined : createCanonicalizer(c.layout, o.permLimit ?? 5040);
  const lifo = o.strategy === 'dfs';
  const frontier = new Frontier(W, lifo);
  const parents = new ChunkedU32();
  const ords = new Ordinals();
  const checkDeadlock = o.checkDeadlock ?? spec.checkDeadlock ?? true;
  const maxStates = o.maxStates ?? Infinity;
  const maxDepth = o.maxDepth ?? Infinity;
  const all = o.allViolations === true;
  const progressEvery = o.progressInterval ?? 5;

  const keyBuf = new Uint32Array(W);
  const viewBuf = new Uint32Array(W);
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
  let maxSeenDepth = 0;
  let stop = false;
  let limitReason: string | undefined;
  let truncated = false;

  const visit = (w: Uint32Array, parent: number, ord: number, depth: number): void => {
    const st = c.lastState;
    let k = c.viewOf(w, st, viewBuf);
    if (canon) {
      canon.canon(k, keyBuf);
      k = keyBuf;
    }
    hashWords(k, W);
    if (!store.insert(k, W)) return;
    const index = parents.length;
    parents.push(parent);
    ords.push(ord);
    if (depth > maxSeenDepth) maxSeenDepth = depth;
    const inv = c.firstViolatedInvariant(w, st);
    if (inv >= 0 && !violatedInv.has(inv)) {
      violatedInv.add(inv);
      found.push({ property: c.invariantNames[inv], kind: 'invariant', index, words: Uint32Array.from(w) });
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
    frontier.push(w, index, depth);
    if (parents.length >= maxStates && !stop) {
      limitReason = `state limit reached (--max-states ${maxStates})`;
      stop = true;
    }
    if (store.full && !stop) {
      limitReason = `${store.description} is 90% full after ${store.size} states; give a larger --capacity`;
      stop = true;
    }
  };

  // Initial states.
  const inits = c.initStates();
  if (inits.length === 0) throw new SpecError('MC204', `spec ${spec.name} has no initial state`);
  for (let i = 0; i < inits.length && !stop; i++) {
    c.lastState = undefined;
    visit(inits[i], NO_PARENT, i, 0);
  }

  // Expansion.
  let curIndex = 0;
  let curDepth = 0;
  let progress = false;
  let ordinal = 0;
  let atBound = false;
  const emit = (a: number, _p: number): void => {
    const ord = ordinal++;
    generated++;
    coverage[a]++;
    for (let i = 0; i < W; i++) {
      if (dst[i] !== src[i]) {
        progress = true;
        if (stop) return;
        if (atBound) {
          truncated = true;
          return;
        }
        visit(dst, curIndex, ord, curDepth + 1);
        return;
      }
    }
    // A successor equal to its source is a stutter step: not progress.
  };

  let expanded = 0;
  let lastReport = t0;
  while (frontier.size > 0 && !stop) {
    curIndex = frontier.pop(src);
    curDepth = frontier.lastDepth;
    atBound = curDepth >= maxDepth;
    progress = false;
    ordinal = 0;
    c.successors(src, dst, emit);
    if (!progress && checkDeadlock && !stop && !c.isTerminal(src)) {
      const cls = c.deadlockClass(src);
      const key = cls ?? '';
      if (!deadlockClasses.has(key)) {
        deadlockClasses.add(key);
        found.push({ property: 'deadlock', kind: 'deadlock', cls, index: curIndex, words: Uint32Array.from(src) });
        if (!all) stop = true;
      }
    }
    if ((++expanded & 0xffff) === 0 && o.onProgress) {
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
  const t1 = clock();

  // Counterexamples: rebuild by replay, shortest first within each property.
  const violations: Violation[] = found.map((f) => {
    const chain: number[] = [];
    let i = f.index;
    while (parents.get(i) !== NO_PARENT) {
      chain.push(ords.get(i));
      i = parents.get(i);
    }
    chain.reverse();
    const raw = replayOrdinals(c, ords.get(i), chain, f.words);
    const last = c.decode(f.words);
    const explain = spec.explain ? spec.explain(last) : undefined;
    return {
      property: f.property,
      kind: f.kind,
      ...(f.cls !== undefined ? { class: f.cls } : {}),
      trace: formatSteps(c, raw),
      ...(explain ? { explain } : {}),
    };
  });

  const complete = frontier.size === 0 && !stop && !truncated;
  if (truncated && !limitReason) limitReason = `depth limit reached (--max-depth ${maxDepth})`;
  const definitive = complete;
  const properties: PropertyStatus[] = [
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

  const distinct = parents.length;
  const seconds = Math.max(0, t1 - t0);
  const cov: Record<string, number> = {};
  c.actions.forEach((a, i) => (cov[a.name] = (cov[a.name] ?? 0) + coverage[i]));
  const stats: Stats = {
    distinctStates: distinct,
    statesGenerated: generated + inits.length,
    depth: maxSeenDepth,
    seconds,
    statesPerSecond: seconds > 0 ? distinct / seconds : 0,
    store: store.description,
    omissionProbability: store.omissionProbability(),
    ...(storeOpt.kind === 'fingerprint' ? { optimisticCollisionProbability: tlcOptimistic(distinct, generated + inits.length) } : {}),
    bytesPerState: distinct > 0 ? (store.bytes() + parents.bytes() + ords.bytes()) / distinct : 0,
    symmetry: canon ? canon.description : 'off',
    stateWords: W,
    coverage: cov,
  };
  return {
    spec: spec.name,
    params: spec.params ?? {},
    status: violations.length > 0 ? 'violated' : complete ? 'holds' : 'incomplete',
    complete,
    ...(limitReason ? { incompleteReason: limitReason } : {}),
    stats,
    properties,
    violations,
  };
}

// Re-exported so tests can reach the hashes behind a fingerprint.
export { H };
