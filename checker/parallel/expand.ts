/**
 * The work a parallel BFS hands to worker threads: expand a chunk of frontier
 * states (successors, visited-set keys with view and symmetry, hashes, the
 * invariants and witnesses of the successors that may be new, and the
 * deadlock check of states without progress), everything but the visited-set
 * inserts and the numbering, which the coordinator does in sequential order
 * (search.ts).
 *
 * @module
 */
import type { Compiled } from '../compile';
import { H } from '../hash';
import { createKeyer, Keyer } from '../core';
import { isPacked, State } from '../spec';
import type { StoreOption } from '../result';
import { Canonicalizer, createCanonicalizer } from '../symmetry';
import { LivenessRecorder } from '../liveness';
import { sharedContains } from './sharedStore';

/** How keys are computed: the search options a worker needs. */
export interface ExpandConfig {
  readonly symmetry: boolean;
  readonly permLimit: number;
  readonly storeKind: StoreOption['kind'];
  readonly checkDeadlock: boolean;
  /**
   * The purity sample of the sequential search (compile.ts, `sampled` and
   * `successorsChecked`): this worker's first 256 expanded states, then one
   * in 64, are expanded on a deeply frozen copy and twice. Absent: true.
   */
  readonly checkPurity?: boolean;
  /**
   * The state graph for temporal properties is recorded (liveness.ts): per
   * successor an edge (`ChunkResult.edges`); `full`: per candidate the
   * predicates' mask; `acyclic`: per state without progress its goals' mask.
   * Absent: no temporal properties (or --no-liveness).
   */
  readonly liveness?: 'acyclic' | 'full';
}

/** The canonicaliser of a search with these options (undefined: symmetry off). */
export function canonFor(c: Compiled, cfg: ExpandConfig): Canonicalizer | undefined {
  return cfg.symmetry ? createCanonicalizer(c.layout, cfg.permLimit) : undefined;
}

/** The liveness recorder of a search with these options (the same mode and symmetry images in every thread). */
export function recorderFor(c: Compiled, cfg: ExpandConfig, canon: Canonicalizer | undefined): LivenessRecorder | undefined {
  if (cfg.liveness === undefined) return undefined;
  return new LivenessRecorder(c, cfg.liveness === 'acyclic' ? { mode: 'acyclic', ...(canon?.images ? { images: canon.images } : {}) } : {});
}

/** The keyer of a search with these options (core.ts, `createKeyer`) and its symmetry description. */
export function keyerFor(c: Compiled, cfg: ExpandConfig, canon: Canonicalizer | undefined = canonFor(c, cfg)): { keyer: Keyer; symmetry: string; canon: Canonicalizer | undefined } {
  return { keyer: createKeyer(c, canon, cfg.storeKind), symmetry: canon ? canon.description : 'off', canon };
}

/** A growable Uint32Array. */
class U32 {
  buf: Uint32Array;
  len = 0;
  /** `spare`: a buffer to fill (a result's, moved back by the coordinator), used when it holds `cap` words. */
  constructor(cap = 256, spare?: Uint32Array) {
    this.buf = spare !== undefined && spare.length >= cap && spare.byteOffset === 0 ? spare : new Uint32Array(Math.max(1, cap));
  }
  reserve(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.len + n) cap *= 2;
    const b = new Uint32Array(cap);
    b.set(this.buf.subarray(0, this.len));
    this.buf = b;
  }
  push(v: number): void {
    if (this.len === this.buf.length) this.reserve(1);
    this.buf[this.len++] = v;
  }
  /** The contents, without a copy: a view of the start of the buffer (which a transfer moves whole). */
  take(): Uint32Array {
    return new Uint32Array(this.buf.buffer, 0, this.len);
  }
  /** Empties it, with room for `n` words (a scratch buffer, reused from chunk to chunk). */
  restart(n: number): this {
    this.len = 0;
    this.reserve(n);
    return this;
  }
  /** A copy of the contents in a buffer of their size (into `into` when it fits and starts its buffer). */
  copy(into?: Uint32Array): Uint32Array {
    if (into !== undefined && into.byteOffset === 0 && into.length >= this.len) {
      into.set(this.buf.subarray(0, this.len));
      return into.subarray(0, this.len);
    }
    return this.buf.slice(0, this.len);
  }
}

/**
 * The fingerprints a worker has already sent as candidates in this BFS level:
 * a later successor with the same fingerprint comes later in the sequential
 * order (a worker gets its chunks of a level in order), so the coordinator's
 * insert would reject it; it is dropped here. An open-addressing table of
 * (hi, lo) pairs, (0, 0) empty, with the fingerprint store's (0, 0) → (0, 1).
 */
class LevelSeen {
  private cap = 1 << 12;
  private t = new Uint32Array(this.cap * 2);
  private size = 0;
  level = -1;
  clear(level: number): void {
    this.level = level;
    if (this.cap > 4096 && this.size * 8 < this.cap) {
      // Far larger than the last level needed (levels shrink towards the end of a search): a smaller table, not a
      // clear of the whole one (the next level is about as wide as the last).
      let cap = 4096;
      while (cap < this.size * 4) cap *= 2;
      this.cap = cap;
      this.t = new Uint32Array(cap * 2);
    } else if (this.size > 0) this.t.fill(0);
    this.size = 0;
  }
  slot(hi: number): number {
    return ((Math.imul(hi, 0x9e3779b1) >>> 0) & (this.cap - 1)) << 1;
  }
  touch(hi: number): number {
    return this.t[this.slot(hi)];
  }
  /** Adds the fingerprint; false when it was there. */
  add(hi: number, lo: number): boolean {
    if (hi === 0 && lo === 0) lo = 1;
    const t = this.t;
    const mask = (this.cap << 1) - 1;
    let j = this.slot(hi);
    for (;;) {
      const a = t[j];
      const b = t[j + 1];
      if (a === 0 && b === 0) break;
      if (a === hi && b === lo) return false;
      j = (j + 2) & mask;
    }
    t[j] = hi;
    t[j + 1] = lo;
    if (++this.size * 2 > this.cap) this.grow();
    return true;
  }
  private grow(): void {
    const old = this.t;
    this.cap *= 2;
    this.t = new Uint32Array(this.cap * 2);
    this.size = 0;
    for (let j = 0; j < old.length; j += 2) if (old[j] !== 0 || old[j + 1] !== 0) this.add(old[j], old[j + 1]);
  }
}

/** A state of the chunk without progress that is not terminal: a deadlock, with its class. */
export interface DeadState {
  readonly k: number;
  readonly cls: string | undefined;
  readonly words: Uint32Array;
}

/**
 * What a worker returns for a chunk of `n` states. Per state: successors
 * emitted (`nGen`, stutter steps included), successors other than itself
 * (`nSucc`), candidates (`nCand`). Per emitted successor, in order: its action
 * (`actions`), and per action the number of successors it emitted in the
 * chunk (`coverage`). Per candidate (a successor not already in the shared
 * visited set, and not already sent by this worker in this level when the
 * store is the fingerprint store), in order: words, key (exact store without
 * plain keys), hashes (3 lanes), ordinal and predicate bits (`P` words:
 * invariants violated, then witnesses reached).
 */
export interface ChunkResult {
  readonly n: number;
  readonly nGen: Uint32Array;
  readonly nSucc: Uint32Array;
  readonly nCand: Uint32Array;
  readonly actions: Uint32Array;
  readonly coverage: Uint32Array;
  readonly words: Uint32Array;
  readonly keys: Uint32Array | undefined;
  readonly hashes: Uint32Array;
  /** Candidates that violate an invariant still evaluated. */
  readonly violating: number;
  readonly ords: Uint32Array;
  readonly bits: Uint32Array;
  readonly P: number;
  readonly dead: readonly DeadState[];
  /**
   * With `liveness`: per successor other than its source (not at the depth
   * bound), in order, 3 words: its key's hashes (2 lanes) and its transition
   * id (liveness.ts, `tidBase[a] + p`), with bit 31 set when the successor is
   * a candidate (the next one in `words`). Without: empty.
   */
  readonly edges: Uint32Array;
  /** `liveness: 'full'`: per candidate, the predicates' mask (`LivenessRecorder.predicateMask`). Else empty. */
  readonly liveMasks: Uint32Array;
  /** `liveness: 'acyclic'`: per state without progress, in order, 2 words: its index in the chunk and its goals' mask (`finalMask`). Else empty. */
  readonly finals: Uint32Array;
}

/** Bit 31 of an edge's transition id: the successor is a candidate. */
export const EDGE_CANDIDATE = 0x80000000;

/** Typed arrays of a result, for a transfer list. */
export function resultBuffers(r: ChunkResult): ArrayBuffer[] {
  return [r.nGen, r.nSucc, r.nCand, r.actions, r.coverage, r.words, r.hashes, r.ords, r.bits, r.edges, r.liveMasks, r.finals, ...(r.keys ? [r.keys] : [])].map((a) => a.buffer as ArrayBuffer);
}

/** States per sub-batch of a chunk (the sequential search's batch). */
const SUB = 64;

/** Keeps the touches of phase 3 observable. */
export let touched = 0;

/**
 * A chunk expander for one compiled spec. A chunk is expanded in phases, as
 * the sequential search's batches are: successors first, then their keys and
 * hashes, then the per-level filter (fingerprint store), then a touch of the
 * visited-set slots of the successors it let through (so that the cache
 * misses overlap), then the visited-set filter (when given a `table`) and
 * the predicates of the candidates, in order.
 */
export function createExpander(c: Compiled, cfg: ExpandConfig) {
  const W = c.words;
  const { keyer, canon } = keyerFor(c, cfg);
  const live = recorderFor(c, cfg, canon);
  const fullLive = live !== undefined && live.mode === 'full';
  const tidBase = live?.tidBase;
  /** Transition ids of a sub-batch's successors (scratch). */
  let tids = new Uint32Array(live ? 1024 : 0);
  const sendKeys = cfg.storeKind === 'exact' && !keyer.plainKey;
  const dedupe = cfg.storeKind === 'fingerprint';
  const seen = new LevelSeen();
  const nInv = c.invariantNames.length;
  const nWit = c.witnessNames.length;
  const nActions = c.actions.length;
  const nPackedInvariants = isPacked(c.spec) ? (c.spec.packedInvariants ?? []).length : 0;
  const invWords = (nInv + 31) >>> 5;
  const P = invWords + ((nWit + 31) >>> 5);
  const src = new Uint32Array(W);
  const dst = new Uint32Array(W);
  const stBuf = new Uint32Array(W);
  const objs: (State | undefined)[] = [];
  /** Hashes and keys of a sub-batch's successors (scratch). */
  let th = new Uint32Array(3 * 1024);
  /** Per successor of a sub-batch: 1 when the per-level filter let it through. */
  let pass = new Uint8Array(1024);
  let tk = new Uint32Array(sendKeys ? 1024 * W : 0);
  /** A key that is not kept (only its hashes are sent). */
  const keyScratch = new Uint32Array(W);
  /** Successors per state in the last chunk (sizes the next one's buffers). */
  let perState = 4;
  let sink = 0;
  /** States this expander has expanded (the purity sample counts them). */
  let expanded = 0;
  const purity = cfg.checkPurity !== false;
  // Packed API: no decoded successors and no `lastChanged` (the words are compared), and at most one successor per
  // action instance, so a chunk's buffers can be sized once (`maxPerState`).
  const recordApi = !isPacked(c.spec);
  const sActions = new U32();
  const sWords = new U32();
  const sOrds = new U32();
  const sHashes = new U32();
  const sBits = new U32();
  const maxPerState = recordApi ? 0 : c.actions.reduce((n, a) => n + a.arity, 0);
  return {
    /** `level`: the BFS depth of the chunk's states (the dedupe set is per level). */
    expand(states: Uint32Array, n: number, atBound: boolean, table: Uint32Array | undefined, invActive: Uint8Array, witActive: Uint8Array, level = -1, spare?: Uint32Array): ChunkResult {
      if (level !== seen.level || level < 0) seen.clear(level);
      const est = recordApi ? Math.ceil(n * perState * 1.25) + 16 : n * maxPerState + 1;
      const nGen = new Uint32Array(n);
      const nSucc = new Uint32Array(n);
      const nCand = new Uint32Array(n);
      const coverage = new Uint32Array(nActions);
      // Scratch buffers, reused; the result is copied out of them at the end, at its size (a chunk's buffers are sized
      // for every successor, its result holds the candidates only: fewer and smaller allocations to transfer and collect).
      const actions = sActions.restart(est);
      const words = sWords.restart(atBound ? 1 : est * W);
      const ords = sOrds.restart(est);
      const hashes = sHashes.restart(3 * est);
      let violating = 0;
      const keys = sendKeys ? new U32(est * W) : undefined;
      const bits = sBits.restart(P > 0 ? est * P : 1);
      const ends = new Uint32Array(n);
      const dead: DeadState[] = [];
      const edges = new U32(live ? 3 * est : 1);
      const liveMasks = new U32(fullLive ? est : 1);
      const finals = new U32(live && !fullLive ? 16 : 1);
      const anyInv = invActive.includes(1);
      const anyPredicate = anyInv || witActive.includes(1);
      let k = 0;
      let ordinal = 0;
      let m = 0; // candidates so far: words, ords, hashes, keys, bits [0, m)
      let t = 0; // successors of the sub-batch, after the candidates: words and ords [m, m + t)
      let total = 0;
      const emit = (a: number, p: number): void => {
        const ord = ordinal++;
        nGen[k]++;
        coverage[a]++;
        actions.push(a);
        // Record API: `encodeFrom` said whether the successor differs from its source (explore.ts's emit); else compare the words.
        const changed = recordApi ? c.lastChanged : undefined;
        if (changed === false) return; // a stutter step
        if (changed !== true) {
          let i = 0;
          while (i < W && dst[i] === src[i]) i++;
          if (i === W) return; // a stutter step
        }
        nSucc[k]++;
        if (atBound) return;
        words.reserve(W);
        const off = words.len;
        const wb = words.buf;
        if (W >= 32) wb.set(dst, off);
        else for (let j = 0; j < W; j++) wb[off + j] = dst[j];
        words.len += W;
        ords.push(ord);
        if (tidBase) {
          if (tids.length === t) {
            const g = new Uint32Array(2 * t);
            g.set(tids);
            tids = g;
          }
          tids[t] = tidBase[a] + p;
        }
        objs[t++] = recordApi ? c.lastState : undefined;
      };
      // Sub-batches of SUB states, as the sequential search's batches: the
      // decoded successors (record API) live only while their sub-batch is
      // filtered, so they die young.
      for (let k0 = 0; k0 < n; k0 += SUB) {
        const k1 = Math.min(n, k0 + SUB);
        const m0 = m;
        t = 0;
        // Phase 1: successors.
        for (k = k0; k < k1; k++) {
          if (W >= 32) src.set(states.subarray(k * W, k * W + W));
          else for (let j = 0; j < W; j++) src[j] = states[k * W + j];
          ordinal = 0;
          if (purity && c.sampled(expanded)) c.successorsChecked(src, dst, emit);
          else c.successors(src, dst, emit);
          expanded++;
          ends[k] = t;
          if (nSucc[k] === 0 && cfg.checkDeadlock && !c.isTerminal(src)) dead.push({ k, cls: c.deadlockClass(src), words: src.slice() });
          if (nSucc[k] === 0 && live && !fullLive) {
            finals.push(k);
            finals.push(live.finalMask(src));
          }
        }
        total += t;
        // Phase 2: keys and hashes.
        const wb = words.buf;
        if (th.length < 3 * t) th = new Uint32Array(6 * t);
        if (sendKeys && tk.length < t * W) tk = new Uint32Array(2 * t * W);
        for (let b = 0; b < t; b++) {
          // The key in place, as explore.ts's phase 2 (core.ts, `keyInto`): no copy when the state is its own representative.
          const off = (m0 + b) * W;
          if (sendKeys) {
            if (!keyer.keyInto(wb, off, objs[b], tk, b * W)) tk.set(wb.subarray(off, off + W), b * W);
          } else keyer.keyInto(wb, off, objs[b], keyScratch, 0);
          th[3 * b] = H[0];
          th[3 * b + 1] = H[1];
          th[3 * b + 2] = H[2];
        }
        // Phase 3: the per-level filter (its table is the smaller one), then a
        // touch of the visited-set slots of the successors it let through only.
        if (dedupe) {
          if (pass.length < t) pass = new Uint8Array(2 * t);
          for (let b = 0; b < t; b++) sink ^= seen.touch(th[3 * b]);
          for (let b = 0; b < t; b++) pass[b] = seen.add(th[3 * b], th[3 * b + 1]) ? 1 : 0;
        }
        if (table !== undefined) {
          const scale = (table.length >>> 1) / 4294967296;
          for (let b = 0; b < t; b++) if (!dedupe || pass[b] === 1) sink ^= table[Math.floor(th[3 * b] * scale) << 1];
        }
        // Phase 4: filter and predicates, in order; candidates are compacted to the front.
        let b = 0;
        for (k = k0; k < k1; k++) {
          for (const end = ends[k]; b < end; b++) {
            const hi = th[3 * b];
            const lo = th[3 * b + 1];
            if (live) {
              edges.push(hi);
              edges.push(lo);
              edges.push(tids[b]);
            }
            if (dedupe && pass[b] === 0) continue;
            if (table !== undefined && sharedContains(table, hi, lo)) continue;
            if (live) edges.buf[edges.len - 1] |= EDGE_CANDIDATE;
            nCand[k]++;
            if (m !== m0 + b) {
              if (W >= 32) wb.copyWithin(m * W, (m0 + b) * W, (m0 + b) * W + W);
              else for (let j = 0, d = m * W, f = (m0 + b) * W; j < W; j++) wb[d + j] = wb[f + j];
              ords.buf[m] = ords.buf[m0 + b];
            }
            hashes.reserve(3);
            const hb = hashes.buf;
            const hl = hashes.len;
            hb[hl] = hi;
            hb[hl + 1] = lo;
            hb[hl + 2] = th[3 * b + 2];
            hashes.len = hl + 3;
            if (keys) {
              keys.reserve(W);
              keys.buf.set(tk.subarray(b * W, b * W + W), keys.len);
              keys.len += W;
            }
            const st = objs[b];
            objs[b] = undefined;
            if (fullLive) liveMasks.push(live.predicateMask(wb, m * W, st));
            if (P > 0) {
              bits.reserve(P);
              for (let j = 0; j < P; j++) bits.buf[bits.len + j] = 0;
              bits.len += P;
              if (anyPredicate) predicates(wb, m, st, bits.buf, invActive, witActive, anyInv);
              for (let j = 0; j < invWords; j++) {
                if (bits.buf[m * P + j] !== 0) {
                  violating++;
                  break;
                }
              }
            }
            m++;
          }
        }
        for (b = 0; b < t; b++) objs[b] = undefined;
        words.len = m * W;
        ords.len = m;
      }
      perState = n > 0 ? Math.max(1, total / n) : perState;
      touched = sink;
      return {
        n,
        nGen,
        nSucc,
        nCand,
        actions: actions.copy(),
        coverage,
        words: words.copy(spare),
        keys: keys?.take(),
        hashes: hashes.copy(),
        violating,
        ords: ords.copy(),
        bits: P > 0 ? bits.copy() : new Uint32Array(0),
        P,
        dead,
        edges: live ? edges.take() : new Uint32Array(0),
        liveMasks: fullLive ? liveMasks.take() : new Uint32Array(0),
        finals: live && !fullLive ? finals.take() : new Uint32Array(0),
      };
    },
  };
  /** The predicate bits of candidate `m` (words at `wb[m*W..]`). */
  function predicates(wb: Uint32Array, m: number, st: State | undefined, bits: Uint32Array, invActive: Uint8Array, witActive: Uint8Array, anyInv: boolean): void {
    const b0 = m * P;
    for (let j = 0; j < W; j++) stBuf[j] = wb[m * W + j];
    if (st === undefined && nInv > nPackedInvariants && anyInv) st = c.decode(stBuf);
    for (let j = 0; j < nInv; j++) {
      if (invActive[j] && !c.invariantHolds(j, stBuf, st)) bits[b0 + (j >>> 5)] |= 1 << (j & 31);
    }
    for (let j = 0; j < nWit; j++) {
      if (witActive[j] && c.witnessReached(j, stBuf, st)) bits[b0 + invWords + (j >>> 5)] |= 1 << (j & 31);
    }
  }
}
