/**
 * Hashing of packed states.
 *
 * `hashWords` computes three independent 32-bit hashes of a word vector
 * (MurmurHash3's block mixing and finaliser with three seeds). The
 * fingerprint store uses (h1, h2) as a 64-bit fingerprint; the compact store
 * uses h3 for the slot and h1/h2 for the stored signature, so slot and
 * signature are independent as Stern–Dill hash compaction requires.
 *
 * Results are left in the exported `H` array to keep the hot path free of
 * allocation.
 *
 * @module
 */

/** The last hashes computed by `hashWords`: [h1, h2, h3] as unsigned 32-bit integers. */
export const H = new Uint32Array(3);

// Local aliases: under jest's module sandbox a `imul(...)` call is not
// inlined and costs ~100x more than through a local binding.
const imul = Math.imul;

const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;

function fmix(h: number): number {
  h ^= h >>> 16;
  h = imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Hashes `n` words of `w` into `H`. */
export function hashWords(w: Uint32Array, n: number, off = 0): void {
  let a = 0x9747b28c;
  let b = 0x5bd1e995;
  let c = 0x27d4eb2f;
  for (let i = 0; i < n; i++) {
    let k = imul(w[off + i], C1);
    k = (k << 15) | (k >>> 17);
    k = imul(k, C2);
    a ^= k;
    a = (a << 13) | (a >>> 19);
    a = (imul(a, 5) + 0xe6546b64) | 0;
    b ^= k;
    b = (b << 17) | (b >>> 15);
    b = (imul(b, 5) + 0x561ccd1b) | 0;
    c ^= imul(k, 0x2e1b2138) ^ i;
    c = (c << 11) | (c >>> 21);
    c = (imul(c, 9) + 0x38495ab5) | 0;
  }
  H[0] = fmix(a ^ n);
  H[1] = fmix(b ^ imul(n, 0x85ebca6b));
  H[2] = fmix(c ^ 0x7f4a7c15);
}

/**
 * The first two lanes of `hashWords` only (H[2] is left as it was): for the
 * stores that read two lanes (fingerprint: h1, h2; exact: tag h1, slot h2).
 * H[0] and H[1] are exactly those `hashWords` computes.
 */
export function hashWords2(w: Uint32Array, n: number, off = 0): void {
  let a = 0x9747b28c;
  let b = 0x5bd1e995;
  for (let i = 0; i < n; i++) {
    let k = imul(w[off + i], C1);
    k = (k << 15) | (k >>> 17);
    k = imul(k, C2);
    a ^= k;
    a = (a << 13) | (a >>> 19);
    a = (imul(a, 5) + 0xe6546b64) | 0;
    b ^= k;
    b = (b << 17) | (b >>> 15);
    b = (imul(b, 5) + 0x561ccd1b) | 0;
  }
  H[0] = fmix(a ^ n);
  H[1] = fmix(b ^ imul(n, 0x85ebca6b));
}
