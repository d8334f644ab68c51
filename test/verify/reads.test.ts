/**
 * The read tracker of shared searches (specs/verify/reads.ts) on its own
 * (fast-check, seeded): a computation through its proxies computes what it
 * computes on the raw input, any input agreeing with the recorded reads gives
 * the same output, and one that differs at a read path is not shared.
 */
import fc from 'fast-check';
import { agrees, ReadTracker } from '../../specs/verify/reads';

// ---------------------------------------------------------------- the tracker

type Data = number | string | boolean | null | undefined | Data[] | { [k: string]: Data };
const KEYS = ['a', 'b', 'c', 'd'];

const data: fc.Arbitrary<Data> = fc.letrec<{ v: Data }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.integer({ min: 0, max: 3 }),
    fc.constantFrom('x', 'y', ''),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('v'), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom(...KEYS), tie('v'), { maxKeys: 4 }),
  ),
})).v;

/**
 * A computation that reads its input in data-dependent ways, with every kind
 * of observation: property reads (own and missing), `in`, key enumeration,
 * spread, array methods and iteration, JSON.
 */
function compute(x: unknown, depth = 0): string {
  if (depth > 4) return '…';
  if (x === null || typeof x !== 'object') return `${typeof x}:${String(x)}`;
  if (Array.isArray(x)) {
    if (x.length === 0) return '[]';
    const first = compute(x[0], depth + 1);
    // the parity of the first element decides whether the rest is read
    return typeof x[0] === 'number' && x[0] % 2 === 0 ? `[${first}|${x.length}]` : `[${x.map((y) => compute(y, depth + 1)).join(',')}]`;
  }
  const o = x as Record<string, unknown>;
  if ('a' in o && typeof o.a === 'number') return `a=${o.a}${o.a > 1 ? ` b:${compute(o.b, depth + 1)}` : ''}`;
  if (typeof o.c === 'string') return `c=${o.c} keys=${Object.keys(o).join('')}`;
  if (o.d !== undefined) return `d{${Object.entries({ ...o }).map(([k, v]) => `${k}:${compute(v, depth + 1)}`).join(';')}}`;
  return `json=${JSON.stringify(o)}`;
}

/** Sets the value at `path` (keys into nested objects and arrays), or undefined when the path does not exist. */
function setAt(x: Data, path: readonly string[], v: Data): Data | undefined {
  if (path.length === 0) return v;
  if (x === null || typeof x !== 'object') return undefined;
  const [k, ...rest] = path;
  if (!Object.prototype.hasOwnProperty.call(x, k)) return undefined;
  const inner = setAt((x as Record<string, Data>)[k], rest, v);
  if (inner === undefined && rest.length) return undefined;
  if (Array.isArray(x)) {
    const c = [...x];
    c[Number(k)] = inner;
    return c;
  }
  return { ...x, [k]: inner };
}

describe('ReadTracker', () => {
  it('should be transparent: a computation through the proxy computes what it computes on the raw input', () => {
    fc.assert(
      fc.property(data, (x) => {
        const t = new ReadTracker();
        expect(compute(t.wrap('in', x))).toBe(compute(x));
        expect(t.reads().tainted).toBeUndefined();
      }),
      { seed: 9001, numRuns: 400 },
    );
  });

  it('should only ever share between inputs that give the same output', () => {
    let agreed = 0;
    let differed = 0;
    fc.assert(
      fc.property(data, data, fc.array(fc.constantFrom(...KEYS, '0', '1'), { maxLength: 3 }), (x, y, path) => {
        const t = new ReadTracker();
        const out = compute(t.wrap('in', x));
        const reads = t.reads();
        // an input that agrees with x everywhere except possibly at one path
        const z = setAt(x, path, y);
        const other = z === undefined ? y : z;
        if (agrees(reads, { in: other })) {
          agreed++;
          expect(compute(other)).toBe(out);
        } else differed++;
        expect(agrees(reads, { in: x })).toBe(true);
      }),
      { seed: 9002, numRuns: 1500 },
    );
    // both cases were exercised
    expect(agreed).toBeGreaterThan(50);
    expect(differed).toBeGreaterThan(50);
  });

  it('should not share when the input differs at a path that was read', () => {
    fc.assert(
      fc.property(data, (x) => {
        const t = new ReadTracker();
        compute(t.wrap('in', x));
        const reads = t.reads();
        // every recorded primitive read: change it, and the read set no longer agrees
        for (const [key, seen] of reads.entries) {
          const parts = JSON.parse(key) as string[];
          // (an array's length is not changed by setting it: skipped)
          if (parts[0] !== 'get' || !/^own [nsb]:/.test(seen) || parts[parts.length - 1] === 's:length') continue;
          const path = parts.slice(2, -1).concat(parts[parts.length - 1].slice(2));
          const changed = setAt(x, path, seen.startsWith('own s:') ? `${seen.slice(6)}!` : seen.startsWith('own b:') ? seen !== 'own b:true' : 99);
          expect(changed).toBeDefined();
          expect(agrees(reads, { in: changed })).toBe(false);
        }
      }),
      { seed: 9003, numRuns: 300 },
    );
  });

  it('should see key enumeration and `in`', () => {
    const t = new ReadTracker();
    const p = t.wrap('in', { a: 1, b: { c: [1, 2] } });
    expect(Object.keys(p)).toEqual(['a', 'b']);
    expect('z' in p.b).toBe(false);
    const r = t.reads();
    // Object.keys asks for each property's descriptor, which carries its value: `a` was seen, `b.c` was not
    expect(agrees(r, { in: { a: 1, b: { c: [] } } })).toBe(true);
    expect(agrees(r, { in: { a: 5, b: { c: [] } } })).toBe(false);
    expect(agrees(r, { in: { a: 1, b: { c: [], z: 0 } } })).toBe(false); // `in` answers differently
    expect(agrees(r, { in: { a: 1, d: 0, b: { c: [] } } })).toBe(false); // another key list
  });

  it('should refuse (taint) what it cannot see: functions, class instances, writes', () => {
    const f = new ReadTracker();
    const pf = f.wrap('in', { g: () => 1 } as { g: () => number });
    expect(pf.g()).toBe(1);
    expect(f.reads().tainted).toMatch(/function/);
    expect(agrees(f.reads(), { in: { g: () => 1 } })).toBe(false);
    const m = new ReadTracker();
    void m.wrap('in', { s: new Map() }).s;
    expect(m.reads().tainted).toMatch(/prototype/);
    const w = new ReadTracker();
    const pw = w.wrap('in', { a: [1] });
    pw.a.push(2);
    expect(w.reads().tainted).toMatch(/write/);
  });

  it('should wrap frozen records (the v5.2 defaults are frozen)', () => {
    const t = new ReadTracker();
    const p = t.wrap('in', Object.freeze({ a: Object.freeze({ b: Object.freeze(['x']) }) }));
    expect(p.a.b.includes('x')).toBe(true);
    expect({ ...p.a }).toEqual({ b: ['x'] });
    expect(agrees(t.reads(), { in: { a: { b: ['x'] } } })).toBe(true);
    expect(agrees(t.reads(), { in: { a: { b: ['y'] } } })).toBe(false);
  });
});

