/**
 * Visited sets.
 *
 * - `exact`: the canonical words of every state, in an open-addressing table
 *   (linear probing, grows by rehashing). No probability of error.
 * - `fingerprint`: 64-bit fingerprints (h1, h2) in an open-addressing table
 *   over a `Uint32Array` (linear probing; the slot comes from the fingerprint's
 *   own bits, as in TLC's FPSet). Grows through capacities 2^k and 1.5·2^k so
 *   that the load stays between 0.53 and 0.8.
 * - `compact`: Stern–Dill hash compaction. The slot comes from an independent
 *   hash h3, the table stores only a b-bit signature of (h1, h2), and probing is
 *   by double hashing, as the Stern–Dill analysis assumes. Like SPIN's and
 *   Murphi's tables it has a fixed number of slots (`capacity`); when it is
 *   90% full the search stops as incomplete.
 *
 * @module
 */
import { H } from './hash';

// Local alias: `Math.floor(...)` on the hot path is not inlined under jest's sandbox.
const floor = Math.floor;

export interface VisitedStore {
  /** e.g. `fingerprint (64-bit)` or `compact (40-bit signatures, 2^22 slots)`. */
  readonly description: string;
  /** Inserts the state whose canonical words are `w[0..n)` and whose hashes are in `H`; true if it was new. */
  insert(w: Uint32Array, n: number, off: number): boolean;
  /** Reads the slot a state with these hashes would probe first (to start its cache miss early). */
  touch(h0: number, h1: number, h2: number): void;
  /** Number of states stored. */
  readonly size: number;
  /** True when the store cannot take more states (compact store at its load limit). */
  readonly full: boolean;
  /** Bytes allocated for the table. */
  bytes(): number;
  /**
   * Upper bound on Pr[at least one state omitted] for the states stored so far
   * plus the one the next insertion would store (see `sternDill` for why the
   * +1 makes the bound a valid test); 0 when exact.
   */
  omissionProbability(): number;
}

/** Exact store: canonical words, compared in full. */
export class ExactStore implements VisitedStore {
  readonly full = false;
  size = 0;
  private cap = 1 << 12;
  private tags = new Uint32Array(this.cap);
  private keys: Uint32Array;
  constructor(private readonly width: number) {
    this.keys = new Uint32Array(this.cap * width);
  }
  get description(): string {
    return 'exact';
  }
  sink = 0;
  touch(_h0: number, h1: number): void {
    this.sink ^= this.tags[h1 & (this.cap - 1)];
  }
  insert(w: Uint32Array, n: number, off: number): boolean {
    const tag = (H[0] | 1) >>> 0;
    const mask = this.cap - 1;
    const tags = this.tags;
    const keys = this.keys;
    let s = H[1] & mask;
    for (;;) {
      const t = tags[s];
      if (t === 0) break;
      if (t === tag) {
        let eq = true;
        const base = s * n;
        for (let i = 0; i < n; i++) {
          if (keys[base + i] !== w[off + i]) {
            eq = false;
            break;
          }
        }
        if (eq) return false;
      }
      s = (s + 1) & mask;
    }
    tags[s] = tag;
    for (let i = 0; i < n; i++) keys[s * n + i] = w[off + i];
    if (++this.size * 4 > this.cap * 3) this.grow();
    return true;
  }
  private grow(): void {
    const n = this.width;
    const oldTags = this.tags;
    const oldKeys = this.keys;
    const oldCap = this.cap;
    this.cap *= 2;
    this.tags = new Uint32Array(this.cap);
    this.keys = new Uint32Array(this.cap * n);
    const mask = this.cap - 1;
    const buf = new Uint32Array(n);
    for (let i = 0; i < oldCap; i++) {
      if (oldTags[i] === 0) continue;
      buf.set(oldKeys.subarray(i * n, i * n + n));
      // Recompute the slot hash from the stored words.
      hashSlot(buf, n);
      let s = H[1] & mask;
      while (this.tags[s] !== 0) s = (s + 1) & mask;
      this.tags[s] = oldTags[i];
      this.keys.set(buf, s * n);
    }
  }
  bytes(): number {
    return this.tags.byteLength + this.keys.byteLength;
  }
  omissionProbability(): number {
    return 0;
  }
}

// Late import to avoid a cycle in declaration order.
import { hashWords as hashSlot } from './hash';

/** Capacity schedule 2^k, 1.5·2^k, 2^(k+1), … */
function nextCapacity(cap: number): number {
  const p = 2 ** Math.floor(Math.log2(cap));
  return cap === p ? p + p / 2 : 2 * p;
}

/**
 * 64-bit fingerprints, linear probing, growable.
 *
 * With `shared`, the table lives in a `SharedArrayBuffer` for the parallel
 * search (parallel/sharedStore.ts): one thread inserts while worker threads
 * look fingerprints up without locks. A slot is then written low word first
 * and its high word last with `Atomics.store`, so that a reader that sees a
 * non-zero high word (`Atomics.load`) sees the whole entry. Growing allocates
 * a new buffer; readers keep using the old one (a subset) until they are sent
 * the new `table`. Shared or not, the slots, probing, capacity schedule and
 * load limits are the same: it holds the same states and reports the same
 * size, bytes and bound.
 */
export class FingerprintStore implements VisitedStore {
  readonly full = false;
  size = 0;
  private cap = 1 << 16;
  private scale = this.cap / 4294967296;
  private limit = Math.floor(this.cap * 0.8);
  private tab: Uint32Array;
  constructor(private readonly shared = false) {
    this.tab = this.alloc(this.cap * 2);
  }
  private alloc(n: number): Uint32Array {
    return this.shared ? new Uint32Array(new SharedArrayBuffer(n * 4)) : new Uint32Array(n);
  }
  /** The table: pairs (hi, lo) of fingerprints, (0, 0) for an empty slot. */
  get table(): Uint32Array {
    return this.tab;
  }
  get description(): string {
    return 'fingerprint (64-bit)';
  }
  sink = 0;
  touch(h0: number): void {
    this.sink ^= this.tab[floor(h0 * this.scale) << 1];
  }
  insert(): boolean {
    const hi = H[0];
    const lo = H[1] === 0 && hi === 0 ? 1 : H[1];
    const t = this.tab;
    const cap = this.cap;
    let s = floor(hi * this.scale);
    for (;;) {
      const j = s << 1;
      const a = t[j];
      const b = t[j + 1];
      if (a === 0 && b === 0) {
        t[j + 1] = lo;
        if (this.shared) Atomics.store(t, j, hi);
        else t[j] = hi;
        if (++this.size > this.limit) this.grow();
        return true;
      }
      if (a === hi && b === lo) return false;
      if (++s === cap) s = 0;
    }
  }
  private grow(): void {
    const old = this.tab;
    const oldCap = this.cap;
    this.cap = nextCapacity(this.cap);
    this.scale = this.cap / 4294967296;
    this.limit = Math.floor(this.cap * 0.8);
    // A new buffer: readers of the old one see a subset until they are sent this one.
    const t = (this.tab = this.alloc(this.cap * 2));
    for (let i = 0; i < oldCap; i++) {
      const hi = old[2 * i];
      const lo = old[2 * i + 1];
      if (hi === 0 && lo === 0) continue;
      let s = floor(hi * this.scale);
      while (t[2 * s] !== 0 || t[2 * s + 1] !== 0) if (++s === this.cap) s = 0;
      t[2 * s] = hi;
      t[2 * s + 1] = lo;
    }
  }
  bytes(): number {
    return this.tab.byteLength;
  }
  /**
   * How many fingerprints other threads may insert into `table` at once
   * (parallel/sharedStore.ts, `sharedInsert`) before `addInserted`: up to a
   * load of 0.9, so that linear probing always finds a free slot. At least
   * a tenth of the capacity, since the load is at most 0.8 between inserts.
   */
  room(): number {
    return Math.floor(this.cap * 0.9) - this.size;
  }
  /**
   * Accounts for `n` fingerprints that other threads inserted into `table`
   * (at most `room()`), then grows as `insert` would have: the capacity
   * depends only on the number of states stored, so it is the same whoever
   * inserted them and in whichever order.
   */
  addInserted(n: number): void {
    this.size += n;
    while (this.size > this.limit) this.grow();
  }
  /**
   * Birthday bound over the insertions of new states: the i-th new state is
   * mistaken for a stored one with probability ≤ (i−1)/2^64, so with n states
   * stored and one more insertion, Pr ≤ (n+1)n/2^65 (see `sternDill` for why n+1).
   */
  omissionProbability(): number {
    return fingerprintBound(this.size + 1);
  }
}

/** Stern–Dill hash compaction: b-bit signatures, independent slot hash, double hashing, fixed capacity. */
export class CompactStore implements VisitedStore {
  size = 0;
  full = false;
  private readonly mask: number;
  private readonly wide: boolean;
  private readonly table: Uint32Array;
  private readonly hiMask: number;
  private readonly loMask: number;
  private readonly limit: number;
  constructor(readonly bits: number, readonly capacity: number) {
    if (!Number.isInteger(Math.log2(capacity))) throw new RangeError('compact store capacity must be a power of two');
    this.mask = capacity - 1;
    this.wide = bits > 32;
    this.table = new Uint32Array(this.wide ? capacity * 2 : capacity);
    this.loMask = bits >= 32 ? 0xffffffff : 2 ** bits - 1;
    this.hiMask = bits > 32 ? (bits >= 64 ? 0xffffffff : 2 ** (bits - 32) - 1) : 0;
    this.limit = Math.floor(capacity * 0.9);
  }
  get description(): string {
    return `compact (${this.bits}-bit signatures, 2^${Math.log2(this.capacity)} slots)`;
  }
  sink = 0;
  touch(_h0: number, _h1: number, h2: number): void {
    this.sink ^= this.table[this.wide ? (h2 & this.mask) << 1 : h2 & this.mask];
  }
  insert(): boolean {
    let lo = (H[1] & this.loMask) >>> 0;
    const hi = (H[0] & this.hiMask) >>> 0;
    if (lo === 0 && hi === 0) lo = 1; // 0 marks an empty slot
    const t = this.table;
    const mask = this.mask;
    let s = H[2] & mask;
    // Double hashing: an odd step visits every slot of a power-of-two table.
    const step = ((H[2] >>> 16) ^ (H[0] << 7) ^ H[1]) | 1;
    if (this.wide) {
      for (;;) {
        const j = s << 1;
        if (t[j] === 0 && t[j + 1] === 0) {
          t[j] = hi;
          t[j + 1] = lo;
          break;
        }
        if (t[j] === hi && t[j + 1] === lo) return false;
        s = (s + step) & mask;
      }
    } else {
      for (;;) {
        const x = t[s];
        if (x === 0) {
          t[s] = lo;
          break;
        }
        if (x === lo) return false;
        s = (s + step) & mask;
      }
    }
    if (++this.size >= this.limit) this.full = true;
    return true;
  }
  bytes(): number {
    return this.table.byteLength;
  }
  /** Stern & Dill (CHARME'95, eq. 12) over n+1 insertions; see `sternDill`. */
  omissionProbability(): number {
    return sternDill(this.capacity, Math.min(this.capacity, this.size + 1), this.bits);
  }
}

/**
 * (m+1)(H_{m+1} − H_{m−n+1}) − n = Σ_{i<n} i/(m−i+1): the expected number of
 * signature comparisons against occupied slots while inserting n states into
 * m slots under uniform probing. Summed exactly for small n; otherwise from
 * H_a − H_b = ln(a/b) + 1/(2a) − 1/(2b) − 1/(12a²) + 1/(12b²), with ln(a/b)
 * via log1p so that nothing cancels when n ≪ m.
 */
export function sternDillExponent(m: number, n: number): number {
  if (n <= 0) return 0;
  if (n < 100000) {
    let e = 0;
    for (let i = 1; i < n; i++) e += i / (m - i + 1);
    return e;
  }
  const a = m + 1;
  const b = m - n + 1;
  const diff = Math.log1p((a - b) / b) + (1 / (2 * a) - 1 / (2 * b)) - (1 / (12 * a * a) - 1 / (12 * b * b));
  return Math.max(0, a * diff - n);
}

/**
 * Pr[at least one omitted state] ≤ 1 − (1 − 1/2^b)^((m+1)(H_{m+1} − H_{m−n+1}) − n)
 * for n insertions into m slots with b-bit signatures (Stern & Dill 1995, eq. 12).
 *
 * Derivation (uniform hashing): inserting a new state into a table holding
 * i states probes, on average, i/(m−i+1) occupied slots before an empty one;
 * each probe of an occupied slot compares two independent b-bit signatures
 * and wrongly says "already visited" with probability 2^−b. By Jensen,
 * Pr[this insertion is correct] ≥ (1 − 2^−b)^(i/(m−i+1)); the product over
 * i = 0..n−1 gives the formula. Lookups of states that are already stored
 * cannot omit anything (a false match says "visited" of a visited state).
 *
 * What it is conditioned on: the formula is for n insertions, but after an
 * omission the search stores fewer states than are reachable (the omitted
 * state's successors may never be generated: a chain stops dead). So the
 * bound at the stored count s is not Pr[omission | what we saw]. It is a
 * valid test: the first omission, if any, happens at insertion i ≤ s+1, when
 * i−1 ≤ s states are stored, so Pr[some state is omitted AND bound(s+1) ≤ P]
 * ≤ Pr[the first omission is at an insertion i with bound(i) ≤ P] ≤ P.
 * `--max-omission P` relies on exactly this: a run whose bound over s+1
 * insertions is above P is incomplete, and the chance that a run omitted a
 * state yet passes is at most P.
 */
export function sternDill(m: number, n: number, b: number): number {
  if (n === 0) return 0;
  const exponent = sternDillExponent(m, n);
  // 1 − (1 − p)^e computed stably as −expm1(e·log1p(−p)).
  const p = 2 ** -b;
  return Math.min(1, Math.max(0, -Math.expm1(exponent * Math.log1p(-p))));
}

/** Birthday bound for n insertions into a set of 64-bit fingerprints: n(n−1)/2^65. */
export function fingerprintBound(n: number): number {
  return Math.min(1, (n * Math.max(0, n - 1)) / 2 ** 65);
}

/** Default of `--max-omission` (every store): the most a probabilistic "holds" may be wrong by. */
export const DEFAULT_MAX_OMISSION = 1e-6;

/** Load at which `--capacity` advice aims (the compact store stops at 90%). */
const ADVICE_LOAD = 0.5;

/**
 * What store would keep the omission bound at or below `p` for `n` states:
 * e.g. `--store compact:64 --capacity 2^22 (Pr <= 3.1E-14)`, or `--store exact`.
 * The advice is for the states found so far; the model may have more.
 */
export function storeAdvice(n: number, p: number): string {
  const options: string[] = [];
  const cap = 2 ** Math.max(4, Math.ceil(Math.log2(Math.max(16, (n + 1) / ADVICE_LOAD))));
  for (const bits of [40, 48, 56, 64]) {
    const b = sternDill(cap, Math.min(cap, n + 1), bits);
    if (b <= p) {
      options.push(`--store compact:${bits} --capacity 2^${Math.log2(cap)} (bound ${b.toExponential(1)} for ${n} states)`);
      break;
    }
  }
  if (fingerprintBound(n + 1) <= p) options.push(`--store fingerprint (bound ${fingerprintBound(n + 1).toExponential(1)})`);
  options.push('--store exact (no omission possible)');
  return options.join(', or ');
}

/** TLC's optimistic collision estimate d·(n−d)/2^64 for d distinct and n generated states. */
export function tlcOptimistic(distinct: number, generated: number): number {
  return (distinct * Math.max(0, generated - distinct)) / 2 ** 64;
}
