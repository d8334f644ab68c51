/**
 * Read tracking: which parts of some input records a computation looked at,
 * and what it saw there. Generic (it knows nothing of kernels): `verify` uses
 * it to run one search for cells whose models are provably identical
 * (specs/verify/share.ts, docs/architecture.md "Shared searches").
 *
 * `ReadTracker.wrap(root, value)` gives a deep read-recording proxy of a plain
 * data record (objects with Object.prototype or no prototype, arrays, and
 * primitives). Every observation the computation can make through it is
 * recorded with what it observed:
 * - `get` of a key: whether the key is the object's own, and its value (a
 *   primitive, or the kind of an object: `array`, `object`, `null-proto`);
 *   a key that is not own reads the prototype, which the kind fixes;
 * - `has` (`key in x`): the answer;
 * - `ownKeys` (Object.keys/entries, spread, for-in, JSON): the key list;
 * - `getOwnPropertyDescriptor`: own or not, enumerable or not, the value
 *   (every property is reported writable and configurable, so that a frozen
 *   input reads as a plain one).
 * Objects reached through the proxy are proxies too (one per path, so that
 * identity within one path is kept). The proxies stay live as long as the
 * computation holds them: reads made long after construction (memoised tables
 * filled during a search) are recorded too.
 *
 * `agrees(reads, inputs)` evaluates every recorded observation on other
 * inputs. When each gives the same answer, a deterministic computation that
 * depends on the inputs only through these proxies makes exactly the same
 * observations on the other inputs (by induction over its steps: each step
 * sees the same answers), so it computes the same thing.
 *
 * What it cannot see, and so refuses (the read set is then `tainted`, and a
 * tainted run is never reused): a function, symbol or accessor (getter) inside
 * the inputs, an own symbol key, an object with another prototype (a class
 * instance, a Map), and any write (set, delete, defineProperty,
 * setPrototypeOf, preventExtensions) through a proxy. Identity comparisons
 * between two different paths of the inputs, or between an input and an
 * object from elsewhere, see two different proxies: a computation that
 * compares input objects by identity is not supported (the tests compare
 * shared runs with untracked ones).
 *
 * @module
 */

/** What a run read: `[observation key, what it saw]` pairs, sorted; `tainted` says why it must not be reused. */
export interface ReadSet {
  readonly entries: readonly (readonly [string, string])[];
  readonly tainted?: string;
}

type Obj = Record<string | symbol, unknown>;

const hasOwn = (o: object, k: PropertyKey): boolean => Object.prototype.hasOwnProperty.call(o, k);

/** The kind of a value, or why it cannot be tracked (`!…`). */
export function valueText(v: unknown): string {
  switch (typeof v) {
    case 'undefined':
      return 'undefined';
    case 'number':
      return Object.is(v, -0) ? 'n:-0' : `n:${String(v)}`;
    case 'string':
      return `s:${v}`;
    case 'boolean':
      return `b:${String(v)}`;
    case 'bigint':
      return `i:${String(v)}`;
    case 'object': {
      if (v === null) return 'null';
      if (Array.isArray(v)) return Object.getPrototypeOf(v) === Array.prototype ? 'array' : '!array with another prototype';
      const proto = Object.getPrototypeOf(v) as unknown;
      return proto === Object.prototype ? 'object' : proto === null ? 'null-proto' : '!object with another prototype';
    }
    default:
      return `!${typeof v}`;
  }
}

const isContainer = (t: string): boolean => t === 'array' || t === 'object' || t === 'null-proto';

/** The observations, evaluated on a raw value; each returns what `ReadTracker` records for it. */
const observe = {
  get(o: object, k: PropertyKey): string {
    if (!hasOwn(o, k)) return 'inherited';
    const d = Object.getOwnPropertyDescriptor(o, k)!;
    if (!('value' in d)) return '!accessor';
    return `own ${valueText(d.value)}`;
  },
  has(o: object, k: PropertyKey): string {
    return String(Reflect.has(o, k));
  },
  keys(o: object): string {
    const keys = Reflect.ownKeys(o);
    if (keys.some((k) => typeof k === 'symbol')) return '!own symbol key';
    return JSON.stringify(keys);
  },
  desc(o: object, k: PropertyKey): string {
    const d = Object.getOwnPropertyDescriptor(o, k);
    if (d === undefined) return 'absent';
    if (!('value' in d)) return '!accessor';
    // a proxy reports every property writable and configurable (a frozen input looks like a plain one; a write taints)
    return `${d.enumerable ? 'enumerable' : 'hidden'} ${valueText(d.value)}`;
  },
};
type Op = keyof typeof observe;

/** A key in an observation key: `s:` a string, `y:` a symbol by its description (only inherited ones are allowed). */
const keyText = (k: PropertyKey): string => (typeof k === 'symbol' ? `y:${k.description ?? ''}` : `s:${String(k)}`);

/** Records the reads of one run through the proxies it hands out. */
export class ReadTracker {
  private readonly seen = new Map<string, string>();
  private taint: string | undefined;

  /** A read-recording proxy of `value` (a plain data record) under the name `root`. */
  wrap<T>(root: string, value: T): T {
    const t = valueText(value);
    this.record(JSON.stringify(['root', root]), t);
    return this.wrapAt([root], value, t);
  }

  /** Whatever was read so far, and whether the run was tracked soundly. */
  reads(): ReadSet {
    const entries = [...this.seen.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    return { entries, ...(this.taint !== undefined ? { tainted: this.taint } : {}) };
  }

  private record(key: string, seen: string): void {
    const bad = /(?:^| )!(.*)$/.exec(seen);
    if (bad) this.taint ??= `${bad[1]} at ${key}`;
    if (!this.seen.has(key)) this.seen.set(key, seen);
  }

  private wrapAt<T>(path: readonly string[], value: T, kind = valueText(value)): T {
    if (!isContainer(kind)) return value;
    const real = value as unknown as Obj;
    // a shadow target, so that the proxy may return proxies for frozen properties (the invariants of a
    // proxy bind only the target's own non-configurable properties: the shadow has none but an array's length)
    const shadow: Obj = Array.isArray(real) ? (Object.assign([], { length: (real as unknown as unknown[]).length }) as unknown as Obj) : (Object.create(Object.getPrototypeOf(real) as object | null) as Obj);
    // each observation is recorded once (the inputs do not change: a write taints the run)
    const done: Record<Op, Set<PropertyKey>> = { get: new Set(), has: new Set(), keys: new Set(), desc: new Set() };
    const obs = (op: Op, k: PropertyKey | undefined): void => {
      const d = done[op];
      if (d.has(k ?? '')) return;
      d.add(k ?? '');
      this.record(JSON.stringify([op, ...path, ...(k === undefined ? [] : [keyText(k)])]), op === 'keys' ? observe.keys(real) : observe[op](real, k!));
    };
    // one proxy per path: identity is kept along a path
    const children = new Map<PropertyKey, unknown>();
    const child = (k: PropertyKey, v: unknown): unknown => {
      if (typeof k === 'symbol' || v === null || typeof v !== 'object') return v;
      let c = children.get(k);
      if (c === undefined) children.set(k, (c = this.wrapAt([...path, String(k)], v)));
      return c;
    };
    const taint = (what: string, k?: PropertyKey): void => {
      this.taint ??= `${what}${k !== undefined ? ` of ${keyText(k)}` : ''} at ${JSON.stringify(path)}`;
    };
    const proxy = new Proxy(shadow, {
      get(_t, k, receiver) {
        obs('get', k);
        if (!hasOwn(real, k)) return Reflect.get(real, k, receiver);
        return child(k, real[k]);
      },
      has(_t, k) {
        obs('has', k);
        return Reflect.has(real, k);
      },
      ownKeys() {
        obs('keys', undefined);
        return Reflect.ownKeys(real);
      },
      getOwnPropertyDescriptor(_t, k) {
        obs('desc', k);
        const d = Reflect.getOwnPropertyDescriptor(real, k);
        if (d === undefined) return undefined;
        // an array's length is the shadow's own non-configurable property: report it as the shadow has it
        if (Array.isArray(real) && k === 'length') return Reflect.getOwnPropertyDescriptor(shadow, k);
        if (!('value' in d)) return { ...d, configurable: true };
        return { value: child(k, d.value), writable: true, enumerable: d.enumerable, configurable: true };
      },
      getPrototypeOf() {
        return Object.getPrototypeOf(real) as object | null;
      },
      set(_t, k, v) {
        taint('a write', k);
        return Reflect.set(real, k, v);
      },
      deleteProperty(_t, k) {
        taint('a delete', k);
        return Reflect.deleteProperty(real, k);
      },
      defineProperty(_t, k, d) {
        taint('defineProperty', k);
        return Reflect.defineProperty(real, k, d);
      },
      setPrototypeOf() {
        taint('setPrototypeOf');
        return false;
      },
      preventExtensions() {
        taint('preventExtensions');
        return false;
      },
    });
    return proxy as unknown as T;
  }
}

/**
 * Whether `inputs` (root name → raw value) give, at every observation of
 * `reads`, what the recorded run saw there. False for a tainted read set.
 */
export function agrees(reads: ReadSet, inputs: Readonly<Record<string, unknown>>): boolean {
  if (reads.tainted !== undefined) return false;
  for (const [key, seen] of reads.entries) {
    const parts = JSON.parse(key) as string[];
    const [op] = parts;
    if (op === 'root') {
      if (!hasOwn(inputs, parts[1]) || valueText(inputs[parts[1]]) !== seen) return false;
      continue;
    }
    const path = op === 'keys' ? parts.slice(1) : parts.slice(1, -1);
    let node: unknown = inputs;
    let ok = true;
    for (const p of path) {
      // every step of the path was itself read (a get) on the recorded run, so it is an own data property there
      if (node === null || typeof node !== 'object' || !hasOwn(node, p)) {
        ok = false;
        break;
      }
      node = (node as Obj)[p];
    }
    if (!ok || node === null || typeof node !== 'object') return false;
    const k = op === 'keys' ? undefined : keyOf(parts[parts.length - 1]);
    if (k === null) return false;
    const got = k === undefined ? observe.keys(node) : observe[op as Exclude<Op, 'keys'>](node, k);
    if (got !== seen) return false;
  }
  return true;
}

/** A key back from its text (keyText): a string, or a well-known symbol (which inherited methods may ask a proxy for). */
function keyOf(k: string): PropertyKey | null {
  if (k.startsWith('s:')) return k.slice(2);
  const name = k.slice(2);
  const s = name.startsWith('Symbol.') ? (Symbol as unknown as Record<string, unknown>)[name.slice('Symbol.'.length)] : undefined;
  // a symbol that is not well known cannot be named again (null): no input can be shown to agree on it
  return typeof s === 'symbol' && s.description === name ? s : null;
}
