/**
 * State layout: packs a record state into 32-bit words and back.
 *
 * The variables' domains are flattened into leaves (one per bool, int, enum,
 * bit set or id), each given a fixed bit range inside one word; a leaf never
 * straddles two words. Encoding validates every leaf against its domain, so a
 * value outside its domain is caught at the first state that holds it.
 *
 * `encode` and `decode` are generated once per layout as straight-line code
 * (one expression per leaf), which keeps the record API within a small factor
 * of hand-packed models.
 *
 * @module
 */
import { Domain, DomainError } from './domain';

/** One packed field. */
export interface Leaf {
  /** Path of the field, e.g. `tasks[1].flags`. */
  readonly path: string;
  readonly domain: Domain;
  readonly word: number;
  readonly shift: number;
  readonly width: number;
  /** `(1 << width) - 1`, or `0xffffffff` for a full word. */
  readonly mask: number;
  /** Offset subtracted before storing (ints: `lo`; optional ids: −1). */
  readonly offset: number;
  /** For `id` leaves: the symmetric domain of the value. */
  readonly idDomain?: string;
  /** For leaves inside `mapOf` containers: (domain, index) of each enclosing map, outermost first. */
  readonly mapCoords: readonly { readonly domain: string; readonly index: number }[];
  /** Path with every map index replaced by `#D` (identifies the leaf's position up to permutation). */
  readonly pattern: string;
  /** For `setOf(T)` leaves: the elements, bit i = `elements[i]`, and the symmetric domains they mention. */
  readonly set?: SetUniverse;
}

/** The universe of a `setOf(T)` domain: its elements in canonical order, and how to find one. */
export interface SetUniverse {
  readonly elements: readonly unknown[];
  /** The index of a value among the elements, or -1 if it is not one. */
  indexOf(v: unknown): number;
  /** The symmetric domains the elements mention (their ids are renamed by symmetry). */
  readonly idDomains: readonly string[];
  /** The index of element i with its ids renamed by `perms` (domain → permutation, p[old] = new). */
  rename(i: number, perms: Readonly<Record<string, ArrayLike<number>>>): number;
}

/** Elements of a finite element domain (bool, int, enum, id, records of those), in canonical order. */
function elementsOf(d: Domain, symmetric: Readonly<Record<string, number>>, where: string): unknown[] {
  switch (d.kind) {
    case 'bool':
      return [false, true];
    case 'int':
      if (d.hi - d.lo + 1 > 32) throw new DomainError(`${where}: setOf(int(${d.lo}, ${d.hi})) has more than 32 elements`);
      return Array.from({ length: d.hi - d.lo + 1 }, (_, i) => d.lo + i);
    case 'enum':
      return [...d.values];
    case 'id': {
      const n = symmetric[d.domain];
      if (n === undefined) throw new DomainError(`${where} refers to symmetric domain '${d.domain}', which the spec does not declare`);
      return [...(d.optional ? [null] : []), ...Array.from({ length: n }, (_, i) => i)];
    }
    case 'record': {
      let out: Record<string, unknown>[] = [{}];
      for (const [f, fd] of Object.entries(d.fields)) {
        const vs = elementsOf(fd, symmetric, where);
        out = out.flatMap((o) => vs.map((v) => ({ ...o, [f]: v })));
        if (out.length > 32) throw new DomainError(`${where}: setOf(record) has more than 32 elements`);
      }
      return out.map((o) => Object.freeze(o));
    }
    default:
      throw new DomainError(`${where}: setOf(T) takes int, enum, bool, id or a record of those, not ${d.kind}`);
  }
}

/** A key of an element value (undefined if the value has the wrong shape). */
function elementKey(d: Domain, v: unknown): string | undefined {
  if (d.kind === 'record') {
    if (typeof v !== 'object' || v === null) return undefined;
    const names = Object.keys(d.fields);
    if (Object.keys(v).length !== names.length) return undefined;
    const parts: string[] = [];
    for (const f of names) {
      const k = elementKey(d.fields[f], (v as Record<string, unknown>)[f]);
      if (k === undefined) return undefined;
      parts.push(k);
    }
    return `{${parts.join(',')}}`;
  }
  if (v === null) return 'null';
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'string') return `${typeof v}:${String(v)}`;
  return undefined;
}

function renameElement(d: Domain, v: unknown, perms: Readonly<Record<string, ArrayLike<number>>>): unknown {
  if (d.kind === 'id') {
    const p = perms[d.domain];
    return v === null || !p ? v : p[v as number];
  }
  if (d.kind === 'record') {
    const o = v as Record<string, unknown>;
    return Object.fromEntries(Object.entries(d.fields).map(([f, fd]) => [f, renameElement(fd, o[f], perms)]));
  }
  return v;
}

const idDomainsOf = (d: Domain): string[] =>
  d.kind === 'id' ? [d.domain] : d.kind === 'record' ? [...new Set(Object.values(d.fields).flatMap(idDomainsOf))] : [];

/** The universe of `setOf(T)`. Throws DomainError when T is not a small finite element domain. */
export function setUniverse(of: Domain, symmetric: Readonly<Record<string, number>>, where = 'setOf'): SetUniverse {
  const elements = elementsOf(of, symmetric, where);
  if (elements.length > 32) throw new DomainError(`${where}: setOf(T) has ${elements.length} elements; at most 32`);
  const index = new Map(elements.map((e, i) => [elementKey(of, e) as string, i]));
  const indexOf = (v: unknown): number => {
    const k = elementKey(of, v);
    return k === undefined ? -1 : index.get(k) ?? -1;
  };
  return {
    elements,
    indexOf,
    idDomains: idDomainsOf(of).filter((x) => symmetric[x] !== undefined),
    rename: (i, perms) => indexOf(renameElement(of, elements[i], perms)),
  };
}

/** A compiled layout. */
export interface Layout {
  readonly words: number;
  readonly leaves: readonly Leaf[];
  readonly variables: Readonly<Record<string, Domain>>;
  readonly symmetric: Readonly<Record<string, number>>;
  /** Bounded sequences (`seqOf`): the index of each one's length leaf and the leaf indexes of each slot. */
  readonly seqs: readonly { readonly len: number; readonly slots: readonly (readonly number[])[] }[];
  /** The leaf at a path such as `x[3]` or `tasks[0].flags`; throws DomainError if none. */
  leaf(path: string): Leaf;
  /** Reads a leaf's value as stored in the record API (ints with their offset, ids as numbers; enums as their index). */
  get(w: Uint32Array, leaf: Leaf): number;
  /** Writes a numeric leaf value (ints, enum indexes, bit masks, ids). No domain check. */
  set(w: Uint32Array, leaf: Leaf, value: number): void;
  /** Packs a record state into `out` (zeroed first); throws LayoutValueError on a value outside its domain. */
  encode(state: unknown, out: Uint32Array): void;
  /**
   * Like `encode`, for a successor of `prev` (whose words are `prevWords`,
   * and which holds exactly what they decode to; `out` is another buffer):
   * `out` starts as a copy of `prevWords`, and only what differs from `prev`
   * is validated and written. Sub-objects shared with `prev` by reference,
   * and leaves holding the same value as `prev`'s, need nothing. Returns
   * whether `out` differs from `prevWords` (false: a stutter step).
   */
  encodeFrom(state: unknown, out: Uint32Array, prev: unknown, prevWords: Uint32Array): boolean;
  /**
   * `encodeFrom` without counting the keys of new record objects: an
   * undeclared extra field is ignored instead of reported (a missing field
   * or a value outside its domain still throws). The search's hot path, off
   * the purity sample, where `encodeFrom` runs.
   */
  encodeFromFast(state: unknown, out: Uint32Array, prev: unknown, prevWords: Uint32Array): boolean;
  /**
   * Checks that every leaf of packed words holds a value of its domain (for
   * the packed API, whose actions write words directly). Returns the first
   * offending leaf, or undefined.
   */
  invalidLeaf(w: Uint32Array): { leaf: Leaf; value: number; reason?: string } | undefined;
  /**
   * `invalidLeaf(w) === undefined`, as one generated function (straight-line
   * field tests, no objects): the packed API's check of every successor. The
   * caller asks `invalidLeaf` which leaf when it says false.
   */
  validWords(w: Uint32Array): boolean;
  /** Unpacks words into a fresh record state. */
  decode(w: Uint32Array): any;
  /**
   * Whether a record state holds, in every leaf, the value `decode(w)` gives
   * it (compared with ===; sets by their elements). Fields outside the
   * declaration are not looked at. Cheaper than encoding: nothing is built
   * and nothing validated.
   */
  matches(state: unknown, w: Uint32Array): boolean;
}

/** A value outside its declared domain (the engine adds the action name). */
export class LayoutValueError extends Error {
  override name = 'LayoutValueError';
  constructor(readonly path: string, readonly value: unknown, readonly expected: string) {
    super(`variable ${path} = ${show(value)} is outside its domain ${expected}`);
  }
}

function show(v: unknown): string {
  if (v === undefined) return 'undefined';
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

const bitsFor = (n: number): number => (n <= 1 ? 0 : Math.ceil(Math.log2(n)));

/** Number of raw values a leaf domain has. */
function domainSize(d: Domain, symmetric: Readonly<Record<string, number>>): number {
  switch (d.kind) {
    case 'bool':
      return 2;
    case 'int':
      return d.hi - d.lo + 1;
    case 'enum':
      return d.values.length;
    case 'bits':
      return 2 ** d.names.length;
    case 'id':
      return symmetric[d.domain] + (d.optional ? 1 : 0);
    case 'set':
      return 2 ** setUniverse(d.of, symmetric).elements.length;
    default:
      return Infinity;
  }
}

/** Describes a domain for error messages. */
export function describeDomain(d: Domain): string {
  switch (d.kind) {
    case 'bool':
      return 'bool';
    case 'int':
      return `${d.lo}..${d.hi}`;
    case 'enum':
      return `{${d.values.join(', ')}}`;
    case 'bits':
      return `${d.style === 'set' ? 'subset of' : 'bits of'} {${d.names.join(', ')}}`;
    case 'id':
      return d.optional ? `${d.domain} or null` : d.domain;
    case 'array':
      return `array(${d.length})`;
    case 'map':
      return `map over ${d.index}`;
    case 'record':
      return `record {${Object.keys(d.fields).join(', ')}}`;
    case 'seq':
      return `a sequence of at most ${d.max} of ${describeDomain(d.of)}`;
    case 'set':
      return `a set of ${describeDomain(d.of)}`;
  }
}

/**
 * Compiles the variables' domains into a layout.
 * @param symmetric sizes of the symmetric domains that `id`/`mapOf` refer to
 */
export function compileLayout(
  variables: Readonly<Record<string, Domain>>,
  symmetric: Readonly<Record<string, number>> = {},
): Layout {
  const leaves: Leaf[] = [];
  /** Bounded sequences: the index of the length leaf, and the leaf indexes of each slot. */
  const seqs: { len: number; slots: number[][] }[] = [];
  let word = 0;
  let used = 0;
  const place = (width: number): { word: number; shift: number } => {
    if (width === 0) return { word: Math.max(0, word), shift: 0 };
    if (used + width > 32) {
      word++;
      used = 0;
    }
    const at = { word, shift: used };
    used += width;
    return at;
  };
  const symSize = (name: string, where: string): number => {
    const n = symmetric[name];
    if (n === undefined) throw new DomainError(`${where} refers to symmetric domain '${name}', which the spec does not declare`);
    if (!Number.isInteger(n) || n < 1) throw new DomainError(`symmetric domain '${name}' has size ${n}; it needs a positive integer`);
    return n;
  };
  const walk = (d: Domain, path: string, pattern: string, coords: Leaf['mapCoords']): void => {
    switch (d.kind) {
      case 'array':
        for (let i = 0; i < d.length; i++) walk(d.of, `${path}[${i}]`, `${pattern}[${i}]`, coords);
        return;
      case 'map': {
        const n = symSize(d.index, path);
        for (let i = 0; i < n; i++) walk(d.of, `${path}[${i}]`, `${pattern}[#${d.index}]`, [...coords, { domain: d.index, index: i }]);
        return;
      }
      case 'record':
        for (const [k, f] of Object.entries(d.fields)) walk(f, `${path}.${k}`, `${pattern}.${k}`, coords);
        return;
      case 'seq': {
        // The length, then `max` slots; slots past the length are zero.
        walk({ kind: 'int', lo: 0, hi: d.max }, `${path}.length`, `${pattern}.length`, coords);
        const first = leaves.length;
        const slots: number[][] = [];
        for (let i = 0; i < d.max; i++) {
          const from = leaves.length;
          walk(d.of, `${path}[${i}]`, `${pattern}[${i}]`, coords);
          slots.push(Array.from({ length: leaves.length - from }, (_, j) => from + j));
        }
        seqs.push({ len: first - 1, slots });
        return;
      }
      default: {
        let width: number;
        let offset = 0;
        let idDomain: string | undefined;
        let set: SetUniverse | undefined;
        if (d.kind === 'bool') width = 1;
        else if (d.kind === 'int') {
          width = bitsFor(d.hi - d.lo + 1);
          offset = d.lo;
        } else if (d.kind === 'enum') width = bitsFor(d.values.length);
        else if (d.kind === 'bits') width = d.names.length;
        else if (d.kind === 'set') {
          set = setUniverse(d.of, symmetric, path);
          width = set.elements.length;
        } else {
          const n = symSize(d.domain, path);
          idDomain = d.domain;
          width = bitsFor(d.optional ? n + 1 : n);
          offset = d.optional ? -1 : 0;
        }
        const at = place(width);
        leaves.push({
          path,
          domain: d,
          word: at.word,
          shift: at.shift,
          width,
          mask: width === 32 ? 0xffffffff : (1 << width) - 1,
          offset,
          idDomain,
          mapCoords: coords,
          pattern,
          ...(set ? { set } : {}),
        });
      }
    }
  };
  for (const [name, d] of Object.entries(variables)) walk(d, name, name, []);
  const words = word + 1;

  const byPath = new Map(leaves.map((l) => [l.path, l]));
  // Leaves whose field can hold a raw value outside the domain.
  const limits = leaves
    .map((l) => ({ l, n: domainSize(l.domain, symmetric) }))
    .filter(({ l, n }) => l.width < 32 && n < 2 ** l.width);
  const rawOf = (w: Uint32Array, l: Leaf): number => (l.width === 32 ? w[l.word] : (w[l.word] >>> l.shift) & l.mask);
  const invalidLeaf = (w: Uint32Array): { leaf: Leaf; value: number; reason?: string } | undefined => {
    for (const { l, n } of limits) {
      const raw = (w[l.word] >>> l.shift) & l.mask;
      if (raw >= n) return { leaf: l, value: raw + l.offset };
    }
    // A sequence's slots past its length must be zero (one sequence, one state).
    for (const q of seqs) {
      const len = rawOf(w, leaves[q.len]);
      for (let i = len; i < q.slots.length; i++) {
        for (const j of q.slots[i]) {
          if (rawOf(w, leaves[j]) !== 0) {
            const seq = leaves[q.len].path.replace(/\.length$/, '');
            return { leaf: leaves[j], value: rawOf(w, leaves[j]) + leaves[j].offset, reason: `is past the length ${len} of sequence ${seq}: slots past the length must be zero (set them to 0 when the sequence shrinks)` };
          }
        }
      }
    }
    return undefined;
  };
  // The same test as `invalidLeaf`'s, straight-line (sequences: `invalidLeaf` itself).
  let validWords = (w: Uint32Array): boolean => invalidLeaf(w) === undefined;
  if (seqs.length === 0) {
    const tests = limits.map(({ l, n }) => `((w[${l.word}] >>> ${l.shift}) & ${l.mask}) >= ${n}`);
    try {
      validWords = new Function('w', tests.length === 0 ? 'return true;' : `return !(${tests.join(' ||\n ')});`) as (w: Uint32Array) => boolean;
    } catch {
      // keep the generic test
    }
  }
  const { encode, encodeFrom, encodeFromFast, decode, matches } = cachedCodecs(variables, leaves, words, symmetric);
  return {
    words,
    leaves,
    variables,
    symmetric,
    seqs,
    leaf(path) {
      const l = byPath.get(path);
      if (!l) throw new DomainError(`no state field '${path}'`);
      return l;
    },
    get(w, l) {
      const raw = l.width === 32 ? w[l.word] : (w[l.word] >>> l.shift) & l.mask;
      return raw + l.offset;
    },
    set(w, l, v) {
      const raw = (v - l.offset) >>> 0;
      if (l.width === 32) w[l.word] = raw;
      else w[l.word] = (w[l.word] & ~(l.mask << l.shift)) | ((raw & l.mask) << l.shift);
    },
    encode,
    encodeFrom,
    encodeFromFast,
    decode,
    matches,
    invalidLeaf,
    validWords,
  };
}

/** Bit mask of a set value (an array or a JS Set of elements), or -1 if an element is not in the universe. */
function setEncoder(u: SetUniverse): (v: unknown) => number {
  return (v) => {
    const items = v instanceof Set ? [...v] : Array.isArray(v) ? v : undefined;
    if (items === undefined) return -1;
    let mask = 0;
    for (const e of items) {
      const i = u.indexOf(e);
      if (i < 0) return -1;
      mask = (mask | (1 << i)) >>> 0;
    }
    return mask;
  };
}

/** The elements of a set bit mask, in canonical order. */
function setDecoder(u: SetUniverse): (r: number) => unknown[] {
  const els = u.elements;
  return (r) => {
    const out: unknown[] = [];
    for (let i = 0; r !== 0; i++, r >>>= 1) if (r & 1) out.push(els[i]);
    return out;
  };
}

type Codecs = { encode: Layout['encode']; encodeFrom: Layout['encodeFrom']; encodeFromFast: Layout['encodeFromFast']; decode: Layout['decode']; matches: Layout['matches'] };

/**
 * Generated codecs by the declaration they were generated from (the variables'
 * domains and the symmetric domains' sizes, as JSON: plain data). Checking
 * many specs of the same shape (a matrix of configurations of one model) then
 * compiles the codecs once, and V8 optimises them once. The functions are pure
 * (they close only over constants derived from the declaration), so sharing
 * them is safe. A small bounded cache: the oldest entry goes first.
 */
const codecCache = new Map<string, Codecs>();
const CODEC_CACHE_SIZE = 16;

function cachedCodecs(
  variables: Readonly<Record<string, Domain>>,
  leaves: readonly Leaf[],
  words: number,
  symmetric: Readonly<Record<string, number>>,
): Codecs {
  const key = JSON.stringify([variables, symmetric]);
  const hit = codecCache.get(key);
  if (hit) return hit;
  const c = generateCodecs(variables, leaves, words, symmetric);
  if (codecCache.size >= CODEC_CACHE_SIZE) codecCache.delete(codecCache.keys().next().value as string);
  codecCache.set(key, c);
  return c;
}

/**
 * Leaves per generated function: a subtree with more leaves gets a function
 * of its own. One straight-line function for a whole large state (thousands
 * of leaves) is too big for V8's optimising compiler and runs interpreted;
 * small functions are optimised (and inlined where V8 sees fit).
 */
const LEAVES_PER_FUNCTION = 48;

/** Generates straight-line encode/decode functions for a layout. */
function generateCodecs(
  variables: Readonly<Record<string, Domain>>,
  leaves: readonly Leaf[],
  words: number,
  symmetric: Readonly<Record<string, number>>,
): Codecs {
  const consts: unknown[] = [];
  const k = (v: unknown): string => {
    consts.push(v);
    return `K[${consts.length - 1}]`;
  };
  /** Number of leaves of a domain (memoised per domain object). */
  const counts = new Map<Domain, number>();
  const leafCount = (d: Domain): number => {
    let n = counts.get(d);
    if (n !== undefined) return n;
    switch (d.kind) {
      case 'array':
        n = d.length * leafCount(d.of);
        break;
      case 'map':
        n = symmetric[d.index] * leafCount(d.of);
        break;
      case 'record':
        n = Object.values(d.fields).reduce((s, f) => s + leafCount(f), 0);
        break;
      case 'seq':
        n = 1 + d.max * leafCount(d.of);
        break;
      default:
        n = 1;
    }
    counts.set(d, n);
    return n;
  };
  const isLeaf = (d: Domain): boolean => d.kind !== 'array' && d.kind !== 'map' && d.kind !== 'record' && d.kind !== 'seq';
  /** The children of a container node: (domain, property selector). */
  const children = (d: Domain): [Domain, string][] => {
    const kids: [Domain, string][] = [];
    switch (d.kind) {
      case 'array':
        for (let i = 0; i < d.length; i++) kids.push([d.of, `[${i}]`]);
        break;
      case 'map':
        for (let i = 0; i < symmetric[d.index]; i++) kids.push([d.of, `[${i}]`]);
        break;
      case 'record':
        for (const [f, fd] of Object.entries(d.fields)) kids.push([fd, `[${JSON.stringify(f)}]`]);
        break;
      default:
        break;
    }
    return kids;
  };

  // ------------------------------------------------------------ zero records
  // A record of scalar leaves (no set) whose words are all zero decodes to one
  // shared frozen object per record domain instead of a fresh one: the kernel
  // model's unused stack slots and idle requests, most of its ~190 frames per
  // state. Frozen, it cannot be corrupted by an action that writes to its
  // input (strict code throws, MC203); equal leaf by leaf to the fresh object,
  // encode, encodeFrom and matches treat it like any other.
  const zeros = new Map<Domain, object | undefined>();
  const zeroRecord = (d: Domain): object | undefined => {
    if (!zeros.has(d)) zeros.set(d, makeZero(d));
    return zeros.get(d);
  };
  const makeZero = (d: Domain): object | undefined => {
    if (d.kind !== 'record') return undefined;
    const out: Record<string, unknown> = {};
    for (const [f, fd] of Object.entries(d.fields)) {
      if (fd.kind === 'bool') out[f] = false;
      else if (fd.kind === 'int') out[f] = fd.lo;
      else if (fd.kind === 'enum') out[f] = fd.values[0];
      else if (fd.kind === 'bits') out[f] = 0;
      else if (fd.kind === 'id') out[f] = fd.optional ? null : 0;
      else return undefined;
    }
    return Object.freeze(out);
  };
  /** An expression: whether the bits of leaves [first, end) are all zero in `w`. */
  const zeroTest = (first: number, end: number): string => {
    const masks = new Map<number, number>();
    for (let i = first; i < end; i++) {
      const l = leaves[i];
      if (l.width === 0) continue;
      const m = l.width === 32 ? 0xffffffff : ((l.mask << l.shift) >>> 0);
      masks.set(l.word, ((masks.get(l.word) ?? 0) | m) >>> 0);
    }
    const parts = [...masks].map(([w, m]) => (m === 0xffffffff ? `w[${w}] === 0` : `(w[${w}] & ${m}) === 0`));
    return parts.length ? parts.join(' && ') : 'true';
  };

  // ------------------------------------------------------------------ decode
  // An expression tree in variable order; a subtree with many leaves is a
  // function of its own (called with the words).
  const decFns: string[] = [];
  let decLeaf = 0;
  const read = (l: Leaf): string => (l.width === 32 ? `w[${l.word}]` : l.width === 0 ? '0' : `((w[${l.word}] >>> ${l.shift}) & ${l.mask})`);
  const decExpr = (d: Domain, own: boolean): string => {
    if (!own && !isLeaf(d) && leafCount(d) > LEAVES_PER_FUNCTION) {
      const name = `d${decFns.length}`;
      decFns.push('');
      const body = decExpr(d, true);
      decFns[Number(name.slice(1))] = `function ${name}(w) { return ${body}; }`;
      return `${name}(w)`;
    }
    switch (d.kind) {
      case 'array':
      case 'map':
        return `[${children(d)
          .map(([kd]) => decExpr(kd, false))
          .join(', ')}]`;
      case 'record': {
        const first = decLeaf;
        const fresh = `{${Object.entries(d.fields)
          .map(([f, fd]) => `${JSON.stringify(f)}: ${decExpr(fd, false)}`)
          .join(', ')}}`;
        const zero = zeroRecord(d);
        return zero === undefined ? fresh : `(${zeroTest(first, decLeaf)} ? ${k(zero)} : ${fresh})`;
      }
      case 'seq': {
        const len = read(leaves[decLeaf++]);
        const slots = Array.from({ length: d.max }, () => decExpr(d.of, false));
        return `[${slots.join(', ')}].slice(0, ${len})`;
      }
      default: {
        const l = leaves[decLeaf++];
        const r = read(l);
        if (d.kind === 'bool') return `(${r} === 1)`;
        if (d.kind === 'int') return `(${r} + ${d.lo})`;
        if (d.kind === 'enum') return `${k(d.values)}[${r}]`;
        if (d.kind === 'bits') return `(${r})`;
        if (d.kind === 'set') return `${k(setDecoder(l.set as SetUniverse))}(${r})`;
        if (d.kind === 'id') return d.optional ? `nullId(${r})` : `(${r})`;
        throw new Error('unreachable');
      }
    }
  };
  const decBody = `return {${Object.entries(variables)
    .map(([name, d]) => `${JSON.stringify(name)}: ${decExpr(d, false)}`)
    .join(', ')}};`;

  // ----------------------------------------------------------------- matches
  // Whether a record state still equals, leaf by leaf, the decoding of the
  // words: the same expressions as decode, compared (===) with the state's
  // fields instead of building objects. Large subtrees get functions of their
  // own, m<N>(a, w). A missing container (a mutation that replaced it) throws
  // inside, which the wrapper turns into false.
  const mFns: string[] = [];
  let mLeaf = 0;
  let mTmp = 0;
  const sameLines = (d: Domain, a: string, own: boolean): string[] => {
    if (!own && !isLeaf(d) && leafCount(d) > LEAVES_PER_FUNCTION) {
      const id = mFns.length;
      mFns.push('');
      const body = sameLines(d, 'a', true);
      mFns[id] = `function m${id}(a, w) {\n${body.join('\n')}\nreturn true;\n}`;
      return [`if (!m${id}(${a}, w)) return false;`];
    }
    const kid = (kd: Domain, acc: string): string[] => {
      if (isLeaf(kd)) return sameLines(kd, acc, false);
      const v = `c${mTmp++}`;
      return [`const ${v} = ${acc};`, ...sameLines(kd, v, false)];
    };
    switch (d.kind) {
      case 'record': {
        // the shared zero record (decode) is frozen: its identity and zero words are enough
        const first = mLeaf;
        const lines = children(d).flatMap(([kd, sel]) => kid(kd, `${a}${sel}`));
        const zero = zeroRecord(d);
        if (zero === undefined) return lines;
        return [`if (${a} === ${k(zero)}) { if (!(${zeroTest(first, mLeaf)})) return false; } else {`, ...lines, '}'];
      }
      case 'array':
      case 'map':
        return children(d).flatMap(([kd, sel]) => kid(kd, `${a}${sel}`));
      case 'seq': {
        const len = read(leaves[mLeaf++]);
        const out = [`if (!Array.isArray(${a}) || ${a}.length !== ${len}) return false;`];
        for (let i = 0; i < d.max; i++) out.push(`if (${a}.length > ${i}) {`, ...kid(d.of, `${a}[${i}]`), '}');
        return out;
      }
      default: {
        const l = leaves[mLeaf++];
        const r = read(l);
        if (d.kind === 'set') return [`if (${k(setEncoder(l.set as SetUniverse))}(${a}) !== ${r}) return false;`];
        let e: string;
        if (d.kind === 'bool') e = `(${r} === 1)`;
        else if (d.kind === 'int') e = `(${r} + ${d.lo})`;
        else if (d.kind === 'enum') e = `${k(d.values)}[${r}]`;
        else if (d.kind === 'bits') e = `(${r})`;
        else if (d.kind === 'id') e = d.optional ? `nullId(${r})` : `(${r})`;
        else throw new Error('unreachable');
        return [`if (${a} !== ${e}) return false;`];
      }
    }
  };
  const matchBody = Object.entries(variables).flatMap(([name, d]) => {
    const v = `c${mTmp++}`;
    return [`const ${v} = s[${JSON.stringify(name)}];`, ...sameLines(d, v, false)];
  });
  const matchSrc = `${mFns.join('\n')}\nfunction all(s, w) {\n${matchBody.join('\n')}\nreturn true;\n}\nreturn function matches(s, w) { try { return all(s, w); } catch { return false; } };`;

  // ------------------------------------------------------------------ encode
  // `out` is zeroed first; each leaf is validated and ORed into its word.
  // `check(i, v)` checks leaf i's value (held in variable v) into `x`; `validate(i, v)` also stores it.
  const check = (i: number, v: string): string[] => {
    const l = leaves[i];
    const x = 'x';
    const fail = `fail(${JSON.stringify(l.path)}, ${v}, ${JSON.stringify(describeDomain(l.domain))})`;
    const out: string[] = [];
    const d = l.domain;
    if (d.kind === 'bool') out.push(`${x} = ${v} === true ? 1 : ${v} === false ? 0 : ${fail};`);
    else if (d.kind === 'int')
      out.push(`${x} = (typeof ${v} === 'number' && ${v} >= ${d.lo} && ${v} <= ${d.hi} && (${v} % 1) === 0) ? ${v} - ${d.lo} : ${fail};`);
    else if (d.kind === 'enum') {
      const m = new Map(d.values.map((s, j) => [s, j]));
      out.push(`${x} = ${k(m)}.get(${v}); if (${x} === undefined) ${fail};`);
    } else if (d.kind === 'bits') {
      const max = d.names.length === 32 ? 0xffffffff : 2 ** d.names.length - 1;
      out.push(`${x} = (typeof ${v} === 'number' && ${v} >= 0 && ${v} <= ${max} && (${v} % 1) === 0) ? ${v} : ${fail};`);
    } else if (d.kind === 'set') {
      out.push(`${x} = ${k(setEncoder(l.set as SetUniverse))}(${v}); if (${x} === -1) ${fail};`);
    } else if (d.kind === 'id') {
      const n = symmetric[d.domain];
      if (d.optional) out.push(`${x} = ${v} === null ? 0 : (typeof ${v} === 'number' && ${v} >= 0 && ${v} < ${n} && (${v} % 1) === 0) ? ${v} + 1 : ${fail};`);
      else out.push(`${x} = (typeof ${v} === 'number' && ${v} >= 0 && ${v} < ${n} && (${v} % 1) === 0) ? ${v} : ${fail};`);
    }
    return out;
  };
  const validate = (i: number, v: string): string[] => {
    const l = leaves[i];
    const out = check(i, v);
    if (l.width === 32) out.push(`out[${l.word}] = x;`);
    else if (l.width > 0) out.push(`out[${l.word}] |= ${l.shift === 0 ? 'x' : `x << ${l.shift}`};`);
    return out;
  };
  // Functions for large subtrees of a full encode: e<N>(a, out).
  const encFns: string[] = [];
  let tmp = 0;
  /**
   * The shape checks of a node bound to `a`, before its leaves: a record must
   * have exactly its declared fields (an undeclared field would be dropped by
   * the packing and states that differ in it merged); a sequence must be an
   * array no longer than its bound.
   */
  const shapeCheck = (d: Domain, a: string, logical: string): string[] => {
    if (d.kind === 'record') {
      const names = Object.keys(d.fields);
      return [`if (typeof ${a} !== 'object' || ${a} === null || Object.keys(${a}).length !== ${names.length}) fields(${JSON.stringify(logical)}, ${a}, ${k(names)});`];
    }
    if (d.kind === 'seq') {
      const pretty = logical.replace(/\["([^"]*)"\]/g, '.$1').replace(/^s\./, '');
      return [`if (!Array.isArray(${a}) || ${a}.length > ${d.max}) fail(${JSON.stringify(pretty)}, ${a}, ${JSON.stringify(describeDomain(d))});`];
    }
    return [];
  };
  /**
   * Lines encoding the node `d` whose value is bound to variable `a`.
   * `logical` is the node's accessor from the state (`s["x"][0]`), which
   * error messages name.
   */
  const genNode = (d: Domain, a: string, logical: string, first: number): { lines: string[]; next: number } => {
    if (isLeaf(d)) return { lines: validate(first, a), next: first + 1 };
    const full: string[] = shapeCheck(d, a, logical);
    let at = first;
    if (d.kind === 'seq') {
      // The length (validated as a leaf), then each slot below it; slots past it stay zero.
      full.push(...validate(at, `${a}.length`));
      at++;
      for (let i = 0; i < d.max; i++) {
        const r = genChild(d.of, `${a}[${i}]`, `${logical}[${i}]`, at);
        full.push(`if (${a}.length > ${i}) {`, ...r.lines, '}');
        at = r.next;
      }
    }
    for (const [kd, sel] of children(d)) {
      const r = genChild(kd, `${a}${sel}`, `${logical}${sel}`, at);
      full.push(...r.lines);
      at = r.next;
    }
    return { lines: full, next: at };
  };
  /** A child node: a leaf inline, a small subtree inline, a large one as a call. */
  const genChild = (d: Domain, acc: string, logical: string, first: number): { lines: string[]; next: number } => {
    if (isLeaf(d)) {
      const v = `v${tmp++}`;
      return { lines: [`const ${v} = ${acc};`, ...validate(first, v)], next: first + 1 };
    }
    if (leafCount(d) > LEAVES_PER_FUNCTION) {
      const id = encFns.length;
      encFns.push('');
      const r = genNode(d, 'a', logical, first);
      encFns[id] = `function e${id}(a, out) { let x;\n${r.lines.join('\n')}\n}`;
      return { lines: [`e${id}(${acc}, out);`], next: r.next };
    }
    const a = `n${tmp++}`;
    const r = genNode(d, a, logical, first);
    return { lines: [`const ${a} = ${acc};`, ...r.lines], next: r.next };
  };
  const encLines: string[] = ['let x;', `out.fill(0);`];
  const top = Object.keys(variables);
  encLines.push(`if (typeof s !== 'object' || s === null || Object.keys(s).length !== ${top.length}) fields('state', s, ${k(top)});`);
  {
    let at = 0;
    for (const [name, d] of Object.entries(variables)) {
      const sel = `[${JSON.stringify(name)}]`;
      const r = genChild(d, `s${sel}`, `s${sel}`, at);
      encLines.push(...r.lines);
      at = r.next;
    }
  }
  const encSrc = `${encFns.join('\n')}\nreturn function encode(s, out) {\ntry {\n${encLines.join('\n')}\n} catch (e) { if (e instanceof LVE) throw e; fail('(state shape)', s, 'the declared variables: ' + e.message); }\n};`;

  // ------------------------------------------------------------- encodeFrom
  // `out` starts as a copy of the previous state's words `src`; only what
  // differs from the previous state `p` is written, each leaf cleared and set
  // in its word, and `ch` collects the bits that changed (the function
  // returns whether `out` differs from `src`). A node that is the very same
  // object as in `p` (structural sharing, as `{ ...s, x }` produces) needs
  // nothing: its bits are already there. In a node that is a new object, a
  // leaf whose value is the same (===) as the previous state's needs nothing
  // either: that value was decoded from `src`, so it is in its domain and its
  // bits are there. Other leaves are validated as in `encode`. Functions for
  // large subtrees: g<N>(a, q, out) (q: the previous node) and h<N>(a, out)
  // (no previous node: a sequence slot the previous sequence did not have);
  // both return their `ch`.
  /**
   * The source of encodeFrom. `countKeys`: a record that is a new object must have exactly its declared
   * fields (Object.keys counted, MC201 naming an undeclared one); without it an undeclared extra field is
   * ignored (a missing one is still an error: its leaves read undefined). The search uses the second off
   * the purity sample (compile.ts); counting keys allocates an array per new record.
   */
  const incSource = (countKeys: boolean): string => {
    const incFns: string[] = [];
    /** Lines that store `x` into leaf i (clear, then set) and note a change in `ch`. */
    const setLeaf = (i: number): string[] => {
      const l = leaves[i];
      if (l.width === 32) return [`o = out[${l.word}]; out[${l.word}] = x; ch |= o ^ x;`];
      if (l.width === 0) return [];
      const keepMask = ~(l.mask << l.shift) >>> 0;
      return [`o = out[${l.word}]; nw = (o & ${keepMask}) | ${l.shift === 0 ? 'x' : `(x << ${l.shift})`}; out[${l.word}] = nw; ch |= o ^ nw;`];
    };
    /** Lines that zero the bits of leaves [first, end) (one contiguous bit range) and note a change in `ch`. */
    const clearRange = (first: number, end: number): string[] => {
      let lo = -1;
      let hi = -1;
      for (let i = first; i < end; i++) {
        if (leaves[i].width === 0) continue;
        if (lo < 0) lo = i;
        hi = i;
      }
      if (lo < 0) return [];
      const a = leaves[lo];
      const b = leaves[hi];
      const bitsMask = (from: number, to: number): number => (to - from === 32 ? 0xffffffff : (((2 ** (to - from)) - 1) * 2 ** from) >>> 0);
      const part = (w: number, from: number, to: number): string =>
        to - from === 32 ? `ch |= out[${w}]; out[${w}] = 0;` : `ch |= out[${w}] & ${bitsMask(from, to)}; out[${w}] &= ${~bitsMask(from, to) >>> 0};`;
      if (a.word === b.word) return [part(a.word, a.shift, b.shift + b.width)];
      const lines = [part(a.word, a.shift, 32)];
      for (let w = a.word + 1; w < b.word; w++) lines.push(part(w, 0, 32));
      lines.push(part(b.word, 0, b.shift + b.width));
      return lines;
    };
    /**
     * Lines writing the node `d` bound to `a` into `out`; `q`: the previous
     * state's node at the same place (undefined: none, write every leaf).
     */
    const incNode = (d: Domain, a: string, q: string | undefined, logical: string, first: number): { lines: string[]; next: number } => {
      const full: string[] = countKeys || d.kind !== 'record' ? shapeCheck(d, a, logical) : [`if (typeof ${a} !== 'object' || ${a} === null) fields(${JSON.stringify(logical)}, ${a}, ${k(Object.keys(d.fields))});`];
      let at = first;
      if (d.kind === 'seq') {
        // The length, then each slot below it: a slot that is the same object (or value) as the previous
        // sequence's slot at the same index needs nothing; slots past the length are zeroed.
        const lv = `v${tmp++}`;
        full.push(`const ${lv} = ${a}.length;`);
        const setLen = [...check(at, lv), ...setLeaf(at)];
        full.push(...(q === undefined ? setLen : [`if (${lv} !== ${q}.length) {`, ...setLen, '}']));
        at++;
        for (let i = 0; i < d.max; i++) {
          const r = incChild(d.of, `${a}[${i}]`, undefined, `${logical}[${i}]`, at);
          const same = q === undefined ? undefined : `${q}.length > ${i} && ${a}[${i}] === ${q}[${i}]`;
          full.push(`if (${a}.length > ${i}) {`, ...(same ? [`if (!(${same})) {`, ...r.lines, '}'] : r.lines), '} else {', ...clearRange(at, r.next), '}');
          at = r.next;
        }
      }
      for (const [kd, sel] of children(d)) {
        const r = incChild(kd, `${a}${sel}`, q === undefined ? undefined : `${q}${sel}`, `${logical}${sel}`, at);
        full.push(...r.lines);
        at = r.next;
      }
      if (q === undefined) return { lines: full, next: at };
      return { lines: [`if (${a} !== ${q}) {`, ...full, '}'], next: at };
    };
    const incChild = (d: Domain, acc: string, prev: string | undefined, logical: string, first: number): { lines: string[]; next: number } => {
      if (isLeaf(d)) {
        const v = `v${tmp++}`;
        const set = [...check(first, v), ...setLeaf(first)];
        return { lines: [`const ${v} = ${acc};`, ...(prev === undefined ? set : [`if (${v} !== ${prev}) {`, ...set, '}'])], next: first + 1 };
      }
      if (leafCount(d) > LEAVES_PER_FUNCTION) {
        const id = incFns.length;
        incFns.push('');
        const r = incNode(d, 'a', prev === undefined ? undefined : 'q', logical, first);
        const name = prev === undefined ? `h${id}` : `g${id}`;
        incFns[id] = `function ${name}(a, ${prev === undefined ? '' : 'q, '}out) { let x, o, nw, ch = 0;\n${r.lines.join('\n')}\nreturn ch;\n}`;
        return { lines: [prev === undefined ? `ch |= ${name}(${acc}, out);` : `if (${acc} !== ${prev}) ch |= ${name}(${acc}, ${prev}, out);`], next: r.next };
      }
      const a = `n${tmp}`;
      const q = `q${tmp++}`;
      const r = incNode(d, a, prev === undefined ? undefined : q, logical, first);
      return { lines: [prev === undefined ? `const ${a} = ${acc};` : `const ${a} = ${acc}; const ${q} = ${prev};`, ...r.lines], next: r.next };
    };
    const incLines: string[] = ['let x, o, nw, ch = 0;', 'out.set(src);'];
    incLines.push(`if (typeof s !== 'object' || s === null${countKeys ? ` || Object.keys(s).length !== ${top.length}` : ''}) fields('state', s, ${k(top)});`);
    {
      let at = 0;
      for (const [name, d] of Object.entries(variables)) {
        const sel = `[${JSON.stringify(name)}]`;
        const r = incChild(d, `s${sel}`, `p${sel}`, `s${sel}`, at);
        incLines.push(...r.lines);
        at = r.next;
      }
    }
    const incSrc = `${incFns.join('\n')}\nreturn function encodeFrom(s, out, p, src) {\ntry {\n${incLines.join('\n')}\nreturn ch !== 0;\n} catch (e) { if (e instanceof LVE) throw e; fail('(state shape)', s, 'the declared variables: ' + e.message); }\n};`;
    return incSrc;
  };
  void words;

  const fail = (path: string, value: unknown, expected: string): never => {
    throw new LayoutValueError(path, value, expected);
  };
  const nullId = (r: number): number | null => (r === 0 ? null : r - 1);
  /** A record (or the state) whose fields are not exactly the declared ones. */
  const fields = (where: string, value: unknown, declared: readonly string[]): never => {
    const path = where.replace(/\["([^"]*)"\]/g, '.$1').replace(/^s\./, '').replace(/^s$/, 'state');
    if (typeof value !== 'object' || value === null) throw new LayoutValueError(path, value, `a record {${declared.join(', ')}}`);
    const have = Object.keys(value);
    const extra = have.filter((f) => !declared.includes(f));
    const missing = declared.filter((f) => !have.includes(f));
    throw new LayoutValueError(
      path,
      value,
      `a record with exactly the fields {${declared.join(', ')}}${extra.length ? ` (undeclared: ${extra.join(', ')})` : ''}${missing.length ? ` (missing: ${missing.join(', ')})` : ''}`,
    );
  };
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  const decode = new Function('K', 'nullId', `${decFns.join('\n')}\nreturn function decode(w) { ${decBody} }`)(consts, nullId) as Layout['decode'];
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  const encode = new Function('K', 'fail', 'LVE', 'fields', encSrc)(consts, fail, LayoutValueError, fields) as Layout['encode'];
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  const encodeFrom = new Function('K', 'fail', 'LVE', 'fields', incSource(true))(consts, fail, LayoutValueError, fields) as Layout['encodeFrom'];
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  const encodeFromFast = new Function('K', 'fail', 'LVE', 'fields', incSource(false))(consts, fail, LayoutValueError, fields) as Layout['encodeFrom'];
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  const matches = new Function('K', 'nullId', matchSrc)(consts, nullId) as Layout['matches'];
  return { encode, encodeFrom, encodeFromFast, decode, matches };
}
