/**
 * Compact growable storage for the search: the frontier (FIFO for BFS, LIFO
 * for DFS, one class) and chunked per-state arrays for parent links.
 *
 * @module
 */

/**
 * The set of discovered, unexpanded states. Each entry is the state's words
 * plus its index and depth. BFS takes from the head (a ring buffer, O(1)),
 * DFS from the tail.
 */
export class Frontier {
  private buf: Uint32Array;
  private cap: number; // entries
  private head = 0; // entry index of the oldest entry
  size = 0;
  peak = 0;
  private readonly E: number;
  constructor(private readonly W: number, private readonly lifo: boolean) {
    this.E = W + 2;
    this.cap = 1024;
    this.buf = new Uint32Array(this.cap * this.E);
  }
  push(w: Uint32Array, off: number, index: number, depth: number): void {
    if (this.size === this.cap) this.grow();
    let slot = this.head + this.size;
    if (slot >= this.cap) slot -= this.cap;
    const b = this.buf;
    const o = slot * this.E;
    const W = this.W;
    for (let i = 0; i < W; i++) b[o + i] = w[off + i];
    b[o + W] = index;
    b[o + W + 1] = depth;
    if (++this.size > this.peak) this.peak = this.size;
  }
  /** Removes the next entry into `out`; returns its index and leaves its depth in `lastDepth`. */
  pop(out: Uint32Array): number {
    let slot: number;
    if (this.lifo) {
      slot = this.head + this.size - 1;
      if (slot >= this.cap) slot -= this.cap;
    } else {
      slot = this.head;
      if (++this.head === this.cap) this.head = 0;
    }
    this.size--;
    const b = this.buf;
    const o = slot * this.E;
    const W = this.W;
    for (let i = 0; i < W; i++) out[i] = b[o + i];
    this.lastDepth = b[o + W + 1];
    return b[o + W];
  }
  lastDepth = 0;
  private grow(): void {
    const E = this.E;
    const next = new Uint32Array(this.cap * 2 * E);
    for (let k = 0; k < this.size; k++) {
      let s = this.head + k;
      if (s >= this.cap) s -= this.cap;
      next.set(this.buf.subarray(s * E, s * E + E), k * E);
    }
    this.buf = next;
    this.head = 0;
    this.cap *= 2;
  }
  bytes(): number {
    return this.buf.byteLength;
  }
}

const CHUNK_BITS = 16;
const CHUNK = 1 << CHUNK_BITS;
const CHUNK_MASK = CHUNK - 1;

/** An append-only array of unsigned 32-bit integers in 64 Ki-entry chunks (no copying on growth). */
export class ChunkedU32 {
  private chunks: Uint32Array[] = [];
  length = 0;
  push(v: number): void {
    const c = this.length >>> CHUNK_BITS;
    if (c === this.chunks.length) this.chunks.push(new Uint32Array(CHUNK));
    this.chunks[c][this.length & CHUNK_MASK] = v;
    this.length++;
  }
  get(i: number): number {
    return this.chunks[i >>> CHUNK_BITS][i & CHUNK_MASK];
  }
  bytes(): number {
    return this.chunks.length * CHUNK * 4;
  }
}

/** Successor ordinals: one byte per state, with an overflow map for ordinals ≥ 255. */
export class Ordinals {
  private chunks: Uint8Array[] = [];
  private overflow = new Map<number, number>();
  length = 0;
  push(v: number): void {
    const c = this.length >>> CHUNK_BITS;
    if (c === this.chunks.length) this.chunks.push(new Uint8Array(CHUNK));
    if (v >= 255) {
      this.overflow.set(this.length, v);
      v = 255;
    }
    this.chunks[c][this.length & CHUNK_MASK] = v;
    this.length++;
  }
  get(i: number): number {
    const v = this.chunks[i >>> CHUNK_BITS][i & CHUNK_MASK];
    return v === 255 ? (this.overflow.get(i) as number) : v;
  }
  bytes(): number {
    return this.chunks.length * CHUNK + this.overflow.size * 16;
  }
}
