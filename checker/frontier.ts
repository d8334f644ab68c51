/**
 * Compact growable storage for the search: the frontier (FIFO for BFS, LIFO
 * for DFS, one class), a FIFO frontier that spills to disk beyond a memory
 * limit (`SpillFrontier`, as TLC's disk queue), and chunked per-state arrays
 * for parent links.
 *
 * @module
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

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
  /** Entries written to disk (this frontier never spills). */
  readonly spilled: number = 0;
  /** Nothing to release. */
  dispose(): void {}
}

/** A block of frontier entries: in memory (`buf`) or on disk at byte `off` of the spill file. */
interface Block {
  buf: Uint32Array | undefined;
  n: number;
  off: number;
}

/**
 * A FIFO frontier (BFS) in blocks of about 1 MiB that keeps at most `limit`
 * bytes of entries in memory: a block completed while the frontier is over
 * its limit is written to a temporary file and read back when its turn comes.
 * Pop order is exactly push order, so a search with a spilling frontier
 * expands the same states in the same order as one without.
 */
export class SpillFrontier {
  size = 0;
  peak = 0;
  lastDepth = 0;
  /** Entries written to disk so far. */
  spilled = 0;
  private readonly E: number;
  private readonly B: number; // entries per block
  private readonly queue: Block[] = [];
  private head: Block;
  private headPos = 0;
  private tail: Block;
  private inMemory = 2; // blocks holding a buffer (head and tail included)
  private fd = -1;
  private dir = '';
  private fileEnd = 0;
  private onDisk = 0; // blocks in the queue that are on disk
  private spare: Uint32Array | undefined;
  /** In-memory byte limit for entries; updated by the search as the visited set grows. */
  limit: number;
  /** Blocks of `blockBytes` (default: a 16th of the limit, from 4 KiB to 1 MiB). */
  constructor(private readonly W: number, limit: number, blockBytes = Math.min(1 << 20, Math.max(4096, Math.floor(limit / 16)))) {
    this.E = W + 2;
    this.B = Math.max(16, Math.floor(blockBytes / (4 * this.E)));
    this.limit = limit;
    this.head = { buf: new Uint32Array(this.B * this.E), n: 0, off: -1 };
    this.tail = this.head;
    this.inMemory = 1;
  }
  private newBuf(): Uint32Array {
    const b = this.spare ?? new Uint32Array(this.B * this.E);
    this.spare = undefined;
    this.inMemory++;
    return b;
  }
  private freeBuf(b: Uint32Array): void {
    this.inMemory--;
    if (this.spare === undefined) this.spare = b;
  }
  push(w: Uint32Array, off: number, index: number, depth: number): void {
    let t = this.tail;
    if (t.n === this.B) {
      if (t !== this.head) {
        this.queue.push(t);
        if (this.bytes() > this.limit) this.spill(t);
      }
      t = this.tail = { buf: this.newBuf(), n: 0, off: -1 };
    }
    const b = t.buf as Uint32Array;
    const o = t.n * this.E;
    const W = this.W;
    for (let i = 0; i < W; i++) b[o + i] = w[off + i];
    b[o + W] = index;
    b[o + W + 1] = depth;
    t.n++;
    if (++this.size > this.peak) this.peak = this.size;
  }
  private spill(blk: Block): void {
    if (this.fd < 0) {
      this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gfpcheck-frontier-'));
      this.fd = fs.openSync(path.join(this.dir, 'queue'), 'w+');
    }
    const buf = blk.buf as Uint32Array;
    const bytes = blk.n * this.E * 4;
    let done = 0;
    while (done < bytes) done += fs.writeSync(this.fd, new Uint8Array(buf.buffer, buf.byteOffset + done, bytes - done), 0, bytes - done, this.fileEnd + done);
    blk.off = this.fileEnd;
    this.fileEnd += bytes;
    blk.buf = undefined;
    this.freeBuf(buf);
    this.onDisk++;
    this.spilled += blk.n;
  }
  private load(blk: Block): void {
    const buf = this.newBuf();
    const bytes = blk.n * this.E * 4;
    let done = 0;
    while (done < bytes) {
      const r = fs.readSync(this.fd, new Uint8Array(buf.buffer, done, bytes - done), 0, bytes - done, blk.off + done);
      if (r <= 0) throw new Error('frontier spill file ended early');
      done += r;
    }
    blk.buf = buf;
    if (--this.onDisk === 0) {
      // Every spilled block has been read back: reuse the file from the start.
      fs.ftruncateSync(this.fd, 0);
      this.fileEnd = 0;
    }
  }
  /** Removes the oldest entry into `out`; returns its index and leaves its depth in `lastDepth`. */
  pop(out: Uint32Array): number {
    if (this.headPos === this.head.n) {
      const old = this.head;
      if (this.queue.length > 0) {
        this.head = this.queue.shift() as Block;
        if (this.head.buf === undefined) this.load(this.head);
      } else {
        // The tail is the only block left.
        this.head = this.tail;
      }
      if (old !== this.head && old.buf) this.freeBuf(old.buf);
      this.headPos = 0;
    }
    this.size--;
    const b = this.head.buf as Uint32Array;
    const o = this.headPos++ * this.E;
    const W = this.W;
    for (let i = 0; i < W; i++) out[i] = b[o + i];
    this.lastDepth = b[o + W + 1];
    const index = b[o + W];
    if (this.size === 0) {
      // Empty: restart in the head block.
      if (this.tail !== this.head && this.tail.buf) this.freeBuf(this.tail.buf);
      this.head.n = 0;
      this.headPos = 0;
      this.tail = this.head;
    }
    return index;
  }
  /** Bytes of entries held in memory. */
  bytes(): number {
    return this.inMemory * this.B * this.E * 4;
  }
  /** Closes and removes the spill file. */
  dispose(): void {
    if (this.fd >= 0) {
      fs.closeSync(this.fd);
      this.fd = -1;
      fs.rmSync(this.dir, { recursive: true, force: true });
    }
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
