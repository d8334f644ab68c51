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
}

/** A compiled layout. */
export interface Layout {
  readonly words: number;
  readonly leaves: readonly Leaf[];
  readonly variables: Readonly<Record<string, Domain>>;
  readonly symmetric: Readonly<Record<string, number>>;
  /** The leaf at a path such as `x[3]` or `tasks[0].flags`; throws DomainError if none. */
  leaf(path: string): Leaf;
  /** Reads a leaf's value as stored in the record API (ints with their offset, ids as numbers; enums as their index). */
  get(w: Uint32Array, leaf: Leaf): number;
  /** Writes a numeric leaf value (ints, enum indexes, bit masks, ids). No domain check. */
  set(w: Uint32Array, leaf: Leaf, value: number): void;
  /** Packs a record state into `out` (zeroed first); throws LayoutValueError on a value outside its domain. */
  encode(state: unknown, out: Uint32Array): void;
  /**
   * Like `encode`, for a successor of `prev` (whose words are `prevWords`):
   * sub-objects shared with `prev` by reference are copied, not re-validated.
   */
  encodeFrom(state: unknown, out: Uint32Array, prev: unknown, prevWords: Uint32Array): void;
  /**
   * Checks that every leaf of packed words holds a value of its domain (for
   * the packed API, whose actions write words directly). Returns the first
   * offending leaf, or undefined.
   */
  invalidLeaf(w: Uint32Array): { leaf: Leaf; value: number } | undefined;
  /** Unpacks words into a fresh record state. */
  decode(w: Uint32Array): any;
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
      default: {
        let width: number;
        let offset = 0;
        let idDomain: string | undefined;
        if (d.kind === 'bool') width = 1;
        else if (d.kind === 'int') {
          width = bitsFor(d.hi - d.lo + 1);
          offset = d.lo;
        } else if (d.kind === 'enum') width = bitsFor(d.values.length);
        else if (d.kind === 'bits') width = d.names.length;
        else {
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
  const invalidLeaf = (w: Uint32Array): { leaf: Leaf; value: number } | undefined => {
    for (const { l, n } of limits) {
      const raw = (w[l.word] >>> l.shift) & l.mask;
      if (raw >= n) return { leaf: l, value: raw + l.offset };
    }
    return undefined;
  };
  const { encode, encodeFrom, decode } = generateCodecs(variables, leaves, words, symmetric);
  return {
    words,
    leaves,
    variables,
    symmetric,
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
    decode,
    invalidLeaf,
  };
}

/** Generates straight-line encode/decode functions for a layout. */
function generateCodecs(
  variables: Readonly<Record<string, Domain>>,
  leaves: readonly Leaf[],
  words: number,
  symmetric: Readonly<Record<string, number>>,
): { encode: Layout['encode']; encodeFrom: Layout['encodeFrom']; decode: Layout['decode'] } {
  const consts: unknown[] = [];
  const k = (v: unknown): string => {
    consts.push(v);
    return `K[${consts.length - 1}]`;
  };
  const leafIter = leaves[Symbol.iterator]();
  // decode: build an expression tree in variable order.
  const read = (l: Leaf): string => (l.width === 32 ? `w[${l.word}]` : l.width === 0 ? '0' : `((w[${l.word}] >>> ${l.shift}) & ${l.mask})`);
  const decExpr = (d: Domain): string => {
    switch (d.kind) {
      case 'array': {
        const parts: string[] = [];
        for (let i = 0; i < d.length; i++) parts.push(decExpr(d.of));
        return `[${parts.join(', ')}]`;
      }
      case 'map': {
        const parts: string[] = [];
        for (let i = 0; i < symmetric[d.index]; i++) parts.push(decExpr(d.of));
        return `[${parts.join(', ')}]`;
      }
      case 'record':
        return `{${Object.entries(d.fields)
          .map(([f, fd]) => `${JSON.stringify(f)}: ${decExpr(fd)}`)
          .join(', ')}}`;
      default: {
        const l = leafIter.next().value as Leaf;
        const r = read(l);
        if (d.kind === 'bool') return `(${r} === 1)`;
        if (d.kind === 'int') return `(${r} + ${d.lo})`;
        if (d.kind === 'enum') return `${k(d.values)}[${r}]`;
        if (d.kind === 'bits') return `(${r})`;
        if (d.kind === 'id') return d.optional ? `nullId(${r})` : `(${r})`;
        throw new Error('unreachable');
      }
    }
  };
  const decBody = `return {${Object.entries(variables)
    .map(([name, d]) => `${JSON.stringify(name)}: ${decExpr(d)}`)
    .join(', ')}};`;

  // encode: one validated raw value per leaf, then one store per word.
  // `validate(i, expr)` checks leaf i's value and binds its raw bits to x<i>.
  const validate = (i: number, acc: string): string[] => {
    const l = leaves[i];
    const v = `v${i}`;
    const x = `x${i}`;
    const fail = `fail(${JSON.stringify(l.path)}, ${v}, ${JSON.stringify(describeDomain(l.domain))})`;
    const out = [`const ${v} = ${acc};`];
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
    } else if (d.kind === 'id') {
      const n = symmetric[d.domain];
      if (d.optional) out.push(`${x} = ${v} === null ? 0 : (typeof ${v} === 'number' && ${v} >= 0 && ${v} < ${n} && (${v} % 1) === 0) ? ${v} + 1 : ${fail};`);
      else out.push(`${x} = (typeof ${v} === 'number' && ${v} >= 0 && ${v} < ${n} && (${v} % 1) === 0) ? ${v} : ${fail};`);
    }
    return out;
  };
  /** Reads leaf i's raw bits from the previous state's words into x<i>. */
  const reuse = (i: number): string => {
    const l = leaves[i];
    return `x${i} = ${l.width === 32 ? `src[${l.word}]` : l.width === 0 ? '0' : `(src[${l.word}] >>> ${l.shift}) & ${l.mask}`};`;
  };
  // Walk the domain tree; `p` is the accessor of the same node in the previous
  // state, or undefined for a full encode. A node whose value is the very same
  // object as in the previous state (structural sharing, as `{ ...s, x }`
  // produces) is not re-validated: its bits are copied from the previous words.
  let tmp = 0;
  const gen = (d: Domain, acc: string, prev: string | undefined, first: number): { lines: string[]; next: number } => {
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
        return { lines: validate(first, acc), next: first + 1 };
    }
    const a = `n${tmp}`;
    const q = `q${tmp++}`;
    const full: string[] = [];
    let at = first;
    for (const [kd, sel] of kids) {
      const r = gen(kd, `${a}${sel}`, prev === undefined ? undefined : `${q}${sel}`, at);
      full.push(...r.lines);
      at = r.next;
    }
    // A record must have exactly its declared fields: an undeclared field
    // would be dropped by the packing and states that differ in it merged.
    if (d.kind === 'record') {
      const names = Object.keys(d.fields);
      full.unshift(`if (typeof ${a} !== 'object' || ${a} === null || Object.keys(${a}).length !== ${names.length}) fields(${JSON.stringify(acc)}, ${a}, ${k(names)});`);
    }
    if (prev === undefined) return { lines: [`const ${a} = ${acc};`, ...full], next: at };
    const copy: string[] = [];
    for (let i = first; i < at; i++) copy.push(reuse(i));
    return { lines: [`const ${a} = ${acc}; const ${q} = ${prev};`, `if (${a} === ${q}) { ${copy.join(' ')} } else {`, ...full, '}'], next: at };
  };
  const body = (incremental: boolean): string => {
    tmp = 0;
    const lines: string[] = [`let ${leaves.map((_l, i) => `x${i}`).join(', ') || 'unused'};`];
    const top = Object.keys(variables);
    lines.push(`if (typeof s !== 'object' || s === null || Object.keys(s).length !== ${top.length}) fields('state', s, ${k(top)});`);
    let at = 0;
    for (const [name, d] of Object.entries(variables)) {
      const sel = `[${JSON.stringify(name)}]`;
      const r = gen(d, `s${sel}`, incremental ? `p${sel}` : undefined, at);
      lines.push(...r.lines);
      at = r.next;
    }
    const perWord: string[][] = Array.from({ length: words }, () => []);
    leaves.forEach((l, i) => {
      if (l.width > 0) perWord[l.word].push(l.width === 32 ? `x${i}` : l.shift === 0 ? `x${i}` : `(x${i} << ${l.shift})`);
    });
    perWord.forEach((parts, w) => lines.push(`out[${w}] = ${parts.length ? `(${parts.join(' | ')}) >>> 0` : '0'};`));
    return `try {\n${lines.join('\n')}\n} catch (e) { if (e instanceof LVE) throw e; fail('(state shape)', s, 'the declared variables: ' + e.message); }`;
  };
  const encBody = body(false);
  const incBody = body(true);

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
  const decode = new Function('K', 'nullId', `return function decode(w) { ${decBody} }`)(consts, nullId) as Layout['decode'];
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  const encode = new Function('K', 'fail', 'LVE', 'fields', `return function encode(s, out) {\n${encBody}\n}`)(
    consts,
    fail,
    LayoutValueError,
    fields,
  ) as Layout['encode'];
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  const encodeFrom = new Function('K', 'fail', 'LVE', 'fields', `return function encodeFrom(s, out, p, src) {\n${incBody}\n}`)(
    consts,
    fail,
    LayoutValueError,
    fields,
  ) as Layout['encodeFrom'];
  return { encode, encodeFrom, decode };
}
