/**
 * Symmetry reduction over scalarset-style symmetric domains.
 *
 * A symmetric domain D of size n is a set of interchangeable ids. A
 * permutation π of D acts on a packed state by (a) moving the entries of every
 * `mapOf(D, …)` container from index i to index π(i) and (b) rewriting every
 * `id(D)` value v to π(v). The canonical representative of a state is the
 * lexicographically smallest packed word vector over the whole group (the
 * product of the symmetric groups of all domains): exact canonicalisation, as
 * TLC's SYMMETRY and Murphi's -sym1.
 *
 * When no state variable holds an id and no entry is indexed by two
 * symmetric domains, sorting each domain's map entries is itself a canonical
 * form (exact, and O(n log n) instead of n!). Otherwise, when the group has
 * more than `permLimit` elements, the engine falls back to
 * sorting normalisation (Murphi's "normalization"): for each domain the ids
 * are sorted by the contents of their map entries and that single permutation
 * is applied. Every state still maps to a member of its own orbit, so the
 * search stays sound (it never merges inequivalent states); it may only keep
 * more than one representative per orbit.
 *
 * Successors are always computed from the actual state; only the visited-set
 * key is canonicalised (see explore.ts).
 *
 * @module
 */
import type { Layout, Leaf } from './layout';

export interface Canonicalizer {
  /** `exact (N permutations)` or `normalisation (sort)`. */
  readonly description: string;
  /** Writes the representative of `src` into `dst` (both `layout.words` long). */
  canon(src: Uint32Array, dst: Uint32Array): void;
  /**
   * Calls `each` with the image of `src` under every element of the group,
   * the identity first (the buffer is reused: copy it to keep it). Absent when
   * the group has more than `permLimit` elements. Used by the liveness check's
   * acyclic path (liveness.ts), which evaluates predicates on whole orbits.
   */
  readonly images?: (src: Uint32Array, each: (img: Uint32Array) => void) => void;
  /**
   * The representative of the state at `src[srcOff..srcOff+W)`, without
   * copies where it can: returns false when the state is its own
   * representative (`dst` is then left as it was), else writes the
   * representative into `dst[dstOff..dstOff+W)` and returns true. The same
   * representative as `canon`. Absent for the canonicalisers that have no
   * such path (the caller copies and calls `canon`).
   */
  readonly canonAt?: (src: Uint32Array, srcOff: number, dst: Uint32Array, dstOff: number) => boolean;
}

const factorial = (n: number): number => (n <= 1 ? 1 : n * factorial(n - 1));

function permutations(n: number): number[][] {
  const out: number[][] = [];
  const a = Array.from({ length: n }, (_, i) => i);
  // Heap's algorithm, iterative.
  const c = new Array(n).fill(0);
  out.push([...a]);
  let i = 0;
  while (i < n) {
    if (c[i] < i) {
      const j = i % 2 === 0 ? 0 : c[i];
      [a[j], a[i]] = [a[i], a[j]];
      out.push([...a]);
      c[i]++;
      i = 0;
    } else {
      c[i] = 0;
      i++;
    }
  }
  return out;
}

/**
 * Builds the canonicaliser for a layout, or `undefined` when the layout has no
 * symmetric domain with two or more elements.
 */
export function createCanonicalizer(layout: Layout, permLimit: number, opts: { readonly wholeCandidates?: boolean; readonly generated?: boolean } = {}): Canonicalizer | undefined {
  const domains = Object.entries(layout.symmetric)
    .filter(([, n]) => n >= 2)
    .map(([name]) => name);
  if (domains.length === 0) return undefined;
  const dIndex = new Map(domains.map((d, i) => [d, i]));
  const size = domains.map((d) => layout.symmetric[d]);
  const leaves = layout.leaves;
  const affected: number[] = [];
  /** A `setOf(T)` leaf whose elements hold ids of a symmetric domain: renaming maps its bits. */
  const idSet = (l: Leaf): boolean => l.set !== undefined && l.set.idDomains.some((d) => dIndex.has(d));
  leaves.forEach((l, j) => {
    if ((l.idDomain && dIndex.has(l.idDomain)) || idSet(l) || l.mapCoords.some((c) => dIndex.has(c.domain))) affected.push(j);
  });
  if (affected.length === 0) return undefined;

  // Locate a leaf by (pattern, coordinates).
  const at = new Map<string, number>();
  const coordKey = (l: Leaf, coords: readonly number[]): string => `${l.pattern}|${coords.join(',')}`;
  for (const j of affected) {
    const l = leaves[j];
    at.set(
      coordKey(
        l,
        l.mapCoords.map((c) => c.index),
      ),
      j,
    );
  }
  /** Source leaf of leaf j under the permutation with inverse `inv` (per domain). */
  const sourceOf = (j: number, inv: readonly (readonly number[])[]): number => {
    const l = leaves[j];
    const coords = l.mapCoords.map((c) => {
      const di = dIndex.get(c.domain);
      return di === undefined ? c.index : inv[di][c.index];
    });
    const s = at.get(coordKey(l, coords));
    if (s === undefined) throw new Error(`symmetry: no leaf for ${l.pattern} at ${coords}`);
    return s;
  };
  const idPerm = (l: Leaf): number => (l.idDomain !== undefined && dIndex.has(l.idDomain) ? (dIndex.get(l.idDomain) as number) : -1);
  const nA = affected.length;
  const aSet = affected.map((j) => (idSet(leaves[j]) ? leaves[j].set : undefined));
  const hasSets = aSet.some((u) => u !== undefined);
  /** Per affected leaf: for an id set, where each bit goes under the permutation `perm` (per domain); else null. */
  const setMapsFor = (perm: readonly Int32Array[]): (Int32Array | null)[] => {
    if (!hasSets) return [];
    const byName: Record<string, Int32Array> = {};
    domains.forEach((d, di) => (byName[d] = perm[di]));
    return aSet.map((u) => (u ? Int32Array.from(u.elements.map((_, i) => u.rename(i, byName))) : null));
  };
  // Slots of a sequence past its length are zero in every state; renaming must keep them so.
  const affectedSet = new Set(affected);
  const padSeqs = layout.seqs.filter((q) => q.slots.some((sl) => sl.some((j) => affectedSet.has(j))));
  const writeLeaf = (w: Uint32Array, l: Leaf, raw: number): void => {
    if (l.width === 32) w[l.word] = raw;
    else w[l.word] = (w[l.word] & ~(l.mask << l.shift)) | ((raw & l.mask) << l.shift);
  };
  const fixPadding = (w: Uint32Array): void => {
    for (const q of padSeqs) {
      const ll = leaves[q.len];
      const len = ll.width === 32 ? w[ll.word] : (w[ll.word] >>> ll.shift) & ll.mask;
      for (let i = len; i < q.slots.length; i++) for (const j of q.slots[i]) writeLeaf(w, leaves[j], 0);
    }
  };
  const aWord = new Int32Array(nA);
  const aShift = new Int32Array(nA);
  const aMask = new Uint32Array(nA);
  const aOffsetNull = new Uint8Array(nA); // optional id: raw 0 = null
  const aDomain = new Int32Array(nA);
  affected.forEach((j, k) => {
    const l = leaves[j];
    aWord[k] = l.word;
    aShift[k] = l.shift;
    aMask[k] = l.mask;
    aOffsetNull[k] = l.offset === -1 ? 1 : 0;
    aDomain[k] = idPerm(l);
  });
  const W = layout.words;
  const read = (w: Uint32Array, j: number): number => {
    const l = leaves[j];
    return l.width === 32 ? w[l.word] : (w[l.word] >>> l.shift) & l.mask;
  };
  /** Applies one group element (per-domain perms + per-affected-leaf sources) to src into out. */
  const apply = (src: Uint32Array, out: Uint32Array, perm: readonly Int32Array[], sources: Int32Array, setMaps: readonly (Int32Array | null)[]): void => {
    for (let i = 0; i < W; i++) out[i] = src[i];
    for (let k = 0; k < nA; k++) {
      const sl = leaves[sources[k]];
      let raw = sl.width === 32 ? src[sl.word] : (src[sl.word] >>> sl.shift) & sl.mask;
      const d = aDomain[k];
      if (d >= 0) {
        if (aOffsetNull[k]) {
          if (raw !== 0) raw = perm[d][raw - 1] + 1;
        } else raw = perm[d][raw];
      } else if (hasSets && setMaps[k]) {
        const map = setMaps[k] as Int32Array;
        let bits = 0;
        for (let i = 0; raw !== 0; i++, raw >>>= 1) if (raw & 1) bits = (bits | (1 << map[i])) >>> 0;
        raw = bits;
      }
      const m = aMask[k];
      if (m === 0xffffffff) out[aWord[k]] = raw;
      else out[aWord[k]] = (out[aWord[k]] & ~(m << aShift[k])) | ((raw & m) << aShift[k]);
    }
  };
  const invert = (p: readonly number[]): number[] => {
    const inv = new Array<number>(p.length);
    p.forEach((v, i) => (inv[v] = i));
    return inv;
  };

  // When no leaf holds an id of a symmetric domain and no leaf sits in maps
  // over two symmetric domains, a state is a set of independent rows per
  // domain (its map entries) and sorting the rows is a canonical form: two
  // states in one orbit have the same multiset of rows, hence the same sorted
  // words. That is exact, and far cheaper than enumerating n! permutations.
  const sortIsCanonical = affected.every((j) => {
    const l = leaves[j];
    const symCoords = l.mapCoords.filter((c) => dIndex.has(c.domain)).length;
    return !(l.idDomain !== undefined && dIndex.has(l.idDomain)) && !idSet(l) && symCoords <= 1;
  });
  const groupSize = size.reduce((a, n) => a * factorial(n), 1);
  /** Every group element, built on first use (orbits for liveness.ts); none when the group is over permLimit. */
  let allElements: { perm: Int32Array[]; sources: Int32Array; setMaps: (Int32Array | null)[] }[] | undefined;
  const images =
    groupSize <= permLimit
      ? (src: Uint32Array, each: (img: Uint32Array) => void): void => {
          if (!allElements) {
            const els: { perm: Int32Array[]; sources: Int32Array; setMaps: (Int32Array | null)[] }[] = [];
            const perDomain = size.map((n) => permutations(n));
            const rec = (di: number, chosen: number[][]): void => {
              if (di === domains.length) {
                const perm = chosen.map((p) => Int32Array.from(p));
                els.push({ perm, sources: Int32Array.from(affected.map((j) => sourceOf(j, chosen.map(invert)))), setMaps: setMapsFor(perm) });
                return;
              }
              for (const p of perDomain[di]) rec(di + 1, [...chosen, p]);
            };
            rec(0, []);
            allElements = els;
          }
          const img = new Uint32Array(W);
          for (const e of allElements) {
            apply(src, img, e.perm, e.sources, e.setMaps);
            fixPadding(img);
            each(img);
          }
        }
      : undefined;
  if (!sortIsCanonical && groupSize <= permLimit) {
    // Exact: enumerate the product group once.
    const perDomain = size.map((n) => permutations(n));
    const elements: { perm: Int32Array[]; sources: Int32Array; setMaps: (Int32Array | null)[] }[] = [];
    const rec = (di: number, chosen: number[][]): void => {
      if (di === domains.length) {
        const inv = chosen.map(invert);
        const perm = chosen.map((p) => Int32Array.from(p));
        elements.push({ perm, sources: Int32Array.from(affected.map((j) => sourceOf(j, inv))), setMaps: setMapsFor(perm) });
        return;
      }
      for (const p of perDomain[di]) rec(di + 1, [...chosen, p]);
    };
    rec(0, []);
    // The word-by-word builder renames plain leaves only: sets of ids and sequences (whose padding must stay zero) take the whole-candidate loop.
    if (!opts.wholeCandidates && !hasSets && padSeqs.length === 0) return wordwise(elements.map((e) => e.perm), elements.map((e) => e.sources), groupSize);
    const cand = new Uint32Array(W);
    return {
      description: `exact (${groupSize} permutations)`,
      ...(images ? { images } : {}),
      canon(src, dst) {
        for (let i = 0; i < W; i++) dst[i] = src[i];
        for (let e = 1; e < elements.length; e++) {
          apply(src, cand, elements[e].perm, elements[e].sources, elements[e].setMaps);
          fixPadding(cand);
          for (let i = 0; i < W; i++) {
            if (cand[i] !== dst[i]) {
              if (cand[i] < dst[i]) for (let k = i; k < W; k++) dst[k] = cand[k];
              break;
            }
          }
        }
      },
    };
  }

  /**
   * The exact canonicaliser, building each candidate word by word. Words no
   * affected leaf lives in are the same in every candidate (and in the best so
   * far), so only the affected words are computed, in increasing order, and a
   * candidate is abandoned at its first word larger than the best's; the rest
   * of a candidate is only built once it is known to be smaller. Gives exactly
   * the representative the whole-candidate loop gives (`wholeCandidates`).
   */
  function wordwise(perms: readonly (readonly Int32Array[])[], sources: readonly Int32Array[], groupSize: number): Canonicalizer {
    const E = perms.length;
    // Affected leaves grouped by the word they are written to, words in increasing order.
    const order = Array.from({ length: nA }, (_, k) => k).sort((x, y) => aWord[x] - aWord[y] || x - y);
    const words: number[] = [];
    const gStart: number[] = [];
    order.forEach((k, p) => {
      if (words.length === 0 || words[words.length - 1] !== aWord[k]) {
        words.push(aWord[k]);
        gStart.push(p);
      }
    });
    gStart.push(nA);
    const nWords = words.length;
    const wordOf = Int32Array.from(words);
    const start = Int32Array.from(gStart);
    const keep = new Uint32Array(nWords);
    for (let a = 0; a < nWords; a++) {
      let m = 0;
      for (let p = start[a]; p < start[a + 1]; p++) {
        const k = order[p];
        m |= aMask[k] === 0xffffffff ? -1 : aMask[k] << aShift[k];
      }
      keep[a] = ~m >>> 0;
    }
    const dShift = Int32Array.from(order, (k) => (aMask[k] === 0xffffffff ? 0 : aShift[k]));
    const dom = Int32Array.from(order, (k) => aDomain[k]);
    const optNull = Uint8Array.from(order, (k) => aOffsetNull[k]);
    // Per element and position: the source leaf's word, shift and mask; the permutations flattened.
    const sW = new Int32Array(E * nA);
    const sS = new Int32Array(E * nA);
    const sM = new Int32Array(E * nA);
    const dOff = new Int32Array(size.length);
    let PT = 0;
    size.forEach((n, d) => {
      dOff[d] = PT;
      PT += n;
    });
    const permT = new Int32Array(E * PT);
    for (let e = 0; e < E; e++) {
      order.forEach((k, p) => {
        const sl = leaves[sources[e][k]];
        sW[e * nA + p] = sl.word;
        sS[e * nA + p] = sl.width === 32 ? 0 : sl.shift;
        sM[e * nA + p] = sl.width === 32 ? -1 : sl.mask;
      });
      perms[e].forEach((pd, d) => permT.set(pd, e * PT + dOff[d]));
    }
    const tmp = new Uint32Array(nWords);
    /**
     * The best candidate so far is the state itself (the identity) until a
     * smaller one is found: only then is the state copied to `dst` and the
     * candidate's words written over it. Most states of a search are their own
     * representative and need no copy at all.
     */
    /**
     * Per group element e ≥ 1, a generated straight-line function that builds
     * the candidate word by word into `tmp` (the same words, in the same order,
     * as the loop below) and compares each with the best so far (`best` at
     * `bo`): false at the first larger word, else whether it is smaller. The
     * leaves' positions and the renamings are constants in the code (a renaming
     * is one lookup in a table of raw values), instead of nine typed-array
     * reads per leaf. Undefined when the code cannot be generated (the loop is
     * then used).
     */
    const generated = ((): ((src: Uint32Array, so: number, best: Uint32Array, bo: number, tmp: Uint32Array) => boolean)[] | undefined => {
      if (opts.generated === false) return undefined;
      try {
        const tables: Int32Array[] = [];
        const fns = [];
        for (let e = 1; e < E; e++) {
          const base = e * nA;
          const pbase = e * PT;
          const tableOf = new Map<string, number>();
          const lines: string[] = ['let v, cur, sm = false;'];
          for (let a = 0; a < nWords; a++) {
            const wa = wordOf[a];
            const parts: string[] = keep[a] !== 0 ? [`(src[so + ${wa}] & ${keep[a]})`] : [];
            for (let p = start[a]; p < start[a + 1]; p++) {
              const q = base + p;
              let raw = sM[q] === -1 ? `src[so + ${sW[q]}]` : `((src[so + ${sW[q]}] >>> ${sS[q]}) & ${sM[q]})`;
              const d = dom[p];
              if (d >= 0) {
                const key = `${d}:${optNull[p]}`;
                let t = tableOf.get(key);
                if (t === undefined) {
                  const n = size[d];
                  const tab = new Int32Array(optNull[p] ? n + 1 : n);
                  for (let x = 0; x < tab.length; x++) tab[x] = optNull[p] ? (x === 0 ? 0 : permT[pbase + dOff[d] + x - 1] + 1) : permT[pbase + dOff[d] + x];
                  t = tables.length;
                  tables.push(tab);
                  tableOf.set(key, t);
                }
                raw = `T[${t}][${raw}]`;
              }
              parts.push(dShift[p] === 0 ? raw : `(${raw} << ${dShift[p]})`);
            }
            lines.push(`v = (${parts.length > 0 ? parts.join(' | ') : '0'}) >>> 0;`, `tmp[${a}] = v;`, `if (!sm) { cur = best[bo + ${wa}]; if (v > cur) return false; if (v < cur) sm = true; }`);
          }
          lines.push('return sm;');
          fns.push(`function c${e}(src, so, best, bo, tmp) {\n${lines.join('\n')}\n}`);
        }
        const list = Array.from({ length: E - 1 }, (_, i) => `c${i + 1}`).join(', ');
        // eslint-disable-next-line @typescript-eslint/no-implied-eval
        const made = new Function('T', `${fns.join('\n')}\nreturn [null, ${list}];`)(tables) as ((src: Uint32Array, so: number, best: Uint32Array, bo: number, tmp: Uint32Array) => boolean)[];
        return made;
      } catch {
        return undefined;
      }
    })();
    /**
     * The best candidate so far is the state itself (the identity) until a
     * smaller one is found: only then is the state copied to `dst` and the
     * candidate's words written over it. Most states of a search are their own
     * representative and need no copy at all.
     */
    const canonAt = (src: Uint32Array, so: number, dst: Uint32Array, d0: number): boolean => {
      let bestIsSrc = true;
      for (let e = 1; e < E; e++) {
        let smaller = false;
        if (generated) smaller = bestIsSrc ? generated[e](src, so, src, so, tmp) : generated[e](src, so, dst, d0, tmp);
        else {
          const base = e * nA;
          const pbase = e * PT;
          for (let a = 0; a < nWords; a++) {
            const wa = wordOf[a];
            let v = src[so + wa] & keep[a];
            for (let p = start[a], end = start[a + 1]; p < end; p++) {
              const q = base + p;
              let raw = (src[so + sW[q]] >>> sS[q]) & sM[q];
              const d = dom[p];
              if (d >= 0) {
                if (optNull[p]) {
                  if (raw !== 0) raw = permT[pbase + dOff[d] + raw - 1] + 1;
                } else raw = permT[pbase + dOff[d] + raw];
              }
              v |= raw << dShift[p];
            }
            v >>>= 0;
            if (!smaller) {
              const cur = bestIsSrc ? src[so + wa] : dst[d0 + wa];
              if (v > cur) break;
              if (v < cur) smaller = true;
            }
            tmp[a] = v;
          }
        }
        if (smaller) {
          if (bestIsSrc) {
            if (W >= 64) dst.set(src.subarray(so, so + W), d0);
            else for (let i = 0; i < W; i++) dst[d0 + i] = src[so + i];
            bestIsSrc = false;
          }
          for (let b = 0; b < nWords; b++) dst[d0 + wordOf[b]] = tmp[b];
        }
      }
      return !bestIsSrc;
    };
    return {
      description: `exact (${groupSize} permutations)`,
      ...(images ? { images } : {}),
      canonAt,
      canon(src, dst) {
        if (!canonAt(src, 0, dst, 0)) for (let i = 0; i < W; i++) dst[i] = src[i];
      },
    };
  }

  // Normalisation: sort each domain's ids by the contents of their map entries.
  const keyLeaves = domains.map((d) =>
    Array.from({ length: layout.symmetric[d] }, (_, i) =>
      leaves
        .map((l, j) => ({ l, j }))
        .filter(({ l }) => l.idDomain === undefined && !idSet(l) && l.mapCoords.some((c) => c.domain === d && c.index === i))
        .map(({ j }) => j),
    ),
  );
  return {
    description: sortIsCanonical ? 'exact (sorting)' : 'normalisation (sort)',
    ...(images ? { images } : {}),
    canon(src, dst) {
      const perm: Int32Array[] = [];
      const inv: number[][] = [];
      domains.forEach((_d, di) => {
        const keys = keyLeaves[di].map((js) => js.map((j) => read(src, j)));
        const order = keys.map((_, i) => i);
        order.sort((a, b) => {
          const ka = keys[a];
          const kb = keys[b];
          for (let i = 0; i < ka.length; i++) if (ka[i] !== kb[i]) return ka[i] - kb[i];
          return a - b;
        });
        const p = new Int32Array(order.length);
        order.forEach((old, pos) => (p[old] = pos));
        perm.push(p);
        inv.push(order);
      });
      const sources = Int32Array.from(affected.map((j) => sourceOf(j, inv)));
      apply(src, dst, perm, sources, setMapsFor(perm));
      fixPadding(dst);
    },
  };
}
