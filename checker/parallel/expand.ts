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
import { isPacked } from '../spec';
import type { StoreOption } from '../result';
import { createCanonicalizer } from '../symmetry';
import { sharedContains } from './sharedStore';

/** How keys are computed: the search options a worker needs. */
export interface ExpandConfig {
  readonly symmetry: boolean;
  readonly permLimit: number;
  readonly storeKind: StoreOption['kind'];
  readonly checkDeadlock: boolean;
}

/** The keyer of a search with these options (core.ts, `createKeyer`) and its symmetry description. */
export function keyerFor(c: Compiled, cfg: ExpandConfig): { keyer: Keyer; symmetry: string } {
  const canon = cfg.symmetry ? createCanonicalizer(c.layout, cfg.permLimit) : undefined;
  return { keyer: createKeyer(c, canon, cfg.storeKind), symmetry: canon ? canon.description : 'off' };
}

/** A growable Uint32Array. */
class U32 {
  buf: Uint32Array;
  len = 0;
  constructor(cap = 256) {
    this.buf = new Uint32Array(cap);
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
  take(): Uint32Array {
    return this.buf.slice(0, this.len);
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
 * (`actions`). Per candidate (a successor not already in the shared visited
 * set), in order: words, key (exact store without plain keys), hashes (3
 * lanes), ordinal and predicate bits (`P` words: invariants violated, then
 * witnesses reached).
 */
export interface ChunkResult {
  readonly n: number;
  readonly nGen: Uint32Array;
  readonly nSucc: Uint32Array;
  readonly nCand: Uint32Array;
  readonly actions: Uint32Array;
  readonly words: Uint32Array;
  readonly keys: Uint32Array | undefined;
  readonly hashes: Uint32Array;
  readonly ords: Uint32Array;
  readonly bits: Uint32Array;
  readonly P: number;
  readonly dead: readonly DeadState[];
}

/** Typed arrays of a result, for a transfer list. */
export function resultBuffers(r: ChunkResult): ArrayBuffer[] {
  return [r.nGen, r.nSucc, r.nCand, r.actions, r.words, r.hashes, r.ords, r.bits, ...(r.keys ? [r.keys] : [])].map((a) => a.buffer as ArrayBuffer);
}

/** A chunk expander for one compiled spec. */
export function createExpander(c: Compiled, cfg: ExpandConfig) {
  const W = c.words;
  const { keyer } = keyerFor(c, cfg);
  const sendKeys = cfg.storeKind === 'exact' && !keyer.plainKey;
  const nInv = c.invariantNames.length;
  const nWit = c.witnessNames.length;
  const nPackedInvariants = isPacked(c.spec) ? (c.spec.packedInvariants ?? []).length : 0;
  const invWords = (nInv + 31) >>> 5;
  const P = invWords + ((nWit + 31) >>> 5);
  const src = new Uint32Array(W);
  const dst = new Uint32Array(W);
  const stBuf = new Uint32Array(W);
  return {
    expand(states: Uint32Array, n: number, atBound: boolean, table: Uint32Array | undefined, invActive: Uint8Array, witActive: Uint8Array): ChunkResult {
      const nGen = new Uint32Array(n);
      const nSucc = new Uint32Array(n);
      const nCand = new Uint32Array(n);
      const actions = new U32(n * 8);
      const words = new U32(n * 4 * W);
      const keys = sendKeys ? new U32(n * 4 * W) : undefined;
      const hashes = new U32(n * 12);
      const ords = new U32(n * 4);
      const bits = new U32(P > 0 ? n * 4 * P : 1);
      const dead: DeadState[] = [];
      const anyPredicate = invActive.includes(1) || witActive.includes(1);
      let k = 0;
      let ordinal = 0;
      const emit = (a: number): void => {
        const ord = ordinal++;
        nGen[k]++;
        actions.push(a);
        let i = 0;
        while (i < W && dst[i] === src[i]) i++;
        if (i === W) return; // a stutter step
        nSucc[k]++;
        if (atBound) return;
        words.reserve(W);
        const off = words.len;
        const wb = words.buf;
        if (W >= 32) wb.set(dst, off);
        else for (let j = 0; j < W; j++) wb[off + j] = dst[j];
        let st = c.lastState;
        const key = keyer.keyOf(wb, off, st);
        if (table !== undefined && sharedContains(table, H[0], H[1])) return;
        words.len += W;
        if (keys) {
          keys.reserve(W);
          for (let j = 0; j < W; j++) keys.buf[keys.len + j] = key[j];
          keys.len += W;
        }
        hashes.push(H[0]);
        hashes.push(H[1]);
        hashes.push(H[2]);
        ords.push(ord);
        nCand[k]++;
        if (P === 0) return;
        bits.reserve(P);
        const b0 = bits.len;
        for (let j = 0; j < P; j++) bits.buf[b0 + j] = 0;
        bits.len += P;
        if (!anyPredicate) return;
        for (let j = 0; j < W; j++) stBuf[j] = dst[j];
        if (st === undefined && nInv > nPackedInvariants && invActive.includes(1)) st = c.decode(stBuf);
        for (let j = 0; j < nInv; j++) {
          if (invActive[j] && !c.invariantHolds(j, stBuf, st)) bits.buf[b0 + (j >>> 5)] |= 1 << (j & 31);
        }
        for (let j = 0; j < nWit; j++) {
          if (witActive[j] && c.witnessReached(j, stBuf, st)) bits.buf[b0 + invWords + (j >>> 5)] |= 1 << (j & 31);
        }
      };
      for (k = 0; k < n; k++) {
        for (let j = 0; j < W; j++) src[j] = states[k * W + j];
        ordinal = 0;
        c.successors(src, dst, emit);
        if (nSucc[k] === 0 && cfg.checkDeadlock && !c.isTerminal(src)) dead.push({ k, cls: c.deadlockClass(src), words: src.slice() });
      }
      return {
        n,
        nGen,
        nSucc,
        nCand,
        actions: actions.take(),
        words: words.take(),
        keys: keys?.take(),
        hashes: hashes.take(),
        ords: ords.take(),
        bits: bits.take(),
        P,
        dead,
      };
    },
  };
}
