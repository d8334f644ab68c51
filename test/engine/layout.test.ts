/**
 * The generated codecs of checker/layout.ts on states large enough to be
 * split into per-subtree functions (more than 48 leaves per subtree, as the
 * kernel model's 315-word state is): decode inverts encode, encodeFrom with
 * structural sharing gives the words of a full encode, a value outside its
 * domain is reported with its real path, and two layouts of one declaration
 * (the codec cache) agree. Random states by fast-check (seeded).
 */
import * as fc from 'fast-check';
import { array, bits, bool, compileLayout, enumOf, int, mapOf, optId, record, seqOf, setOf } from '../../checker';
import type { Domain } from '../../checker';

// 24 tasks × (5 fields + a 6-slot stack of 3-field frames) ≈ 550 leaves: every task is its own function
const FRAME = record({ fn: enumOf(['a', 'b', 'c', 'd', 'e']), gfp: bits(['IO', 'FS', 'RECLAIM', 'WRITE']), n: int(0, 3) });
const TASK = record({ blocked: bool(), sp: int(0, 6), flags: bits(['MEMALLOC', 'NOFS', 'NOIO']), holder: optId('w'), stack: array(6, FRAME) });
const VARS: Record<string, Domain> = {
  tasks: array(24, TASK),
  mm: record({ free: int(0, 8), reserve: int(0, 4) }),
  app: mapOf('w', record({ todo: int(0, 4), state: enumOf(['idle', 'writing', 'reading']) })),
};
const SYM = { w: 3 };

const frame = fc.record({ fn: fc.constantFrom('a', 'b', 'c', 'd', 'e'), gfp: fc.integer({ min: 0, max: 15 }), n: fc.integer({ min: 0, max: 3 }) });
const task = fc.record({
  blocked: fc.boolean(),
  sp: fc.integer({ min: 0, max: 6 }),
  flags: fc.integer({ min: 0, max: 7 }),
  holder: fc.option(fc.integer({ min: 0, max: 2 }), { nil: null }),
  stack: fc.array(frame, { minLength: 6, maxLength: 6 }),
});
const state = fc.record({
  tasks: fc.array(task, { minLength: 24, maxLength: 24 }),
  mm: fc.record({ free: fc.integer({ min: 0, max: 8 }), reserve: fc.integer({ min: 0, max: 4 }) }),
  app: fc.array(fc.record({ todo: fc.integer({ min: 0, max: 4 }), state: fc.constantFrom('idle', 'writing', 'reading') }), { minLength: 3, maxLength: 3 }),
});

const layout = compileLayout(VARS, SYM);
const enc = (s: unknown): Uint32Array => {
  const w = new Uint32Array(layout.words);
  layout.encode(s, w);
  return w;
};

describe('generated codecs of a large state (split per subtree)', () => {
  it('should use hundreds of leaves, so the split code path is exercised', () => {
    expect(layout.leaves.length).toBeGreaterThan(48 * 10);
  });

  it('should decode what it encodes', () => {
    fc.assert(
      fc.property(state, (s) => {
        expect(layout.decode(enc(s))).toEqual(s);
      }),
      { seed: 42, numRuns: 150 },
    );
  });

  it('should give the words of a full encode when a successor shares sub-objects with its source', () => {
    fc.assert(
      fc.property(state, task, fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 8 }), (s, t, i, free) => {
        // a successor as actions write it: one task replaced, mm rebuilt, everything else shared
        const next = { ...s, tasks: s.tasks.map((x, j) => (j === i ? t : x)), mm: { ...s.mm, free } };
        const out = new Uint32Array(layout.words);
        const changed = layout.encodeFrom(next, out, s, enc(s));
        expect(Array.from(out)).toEqual(Array.from(enc(next)));
        // the returned flag: whether the successor's words differ from the source's (false: a stutter step)
        expect(changed).toBe(Array.from(enc(next)).some((x, j) => x !== enc(s)[j]));
      }),
      { seed: 42, numRuns: 150 },
    );
  });

  it('should give the same words with encodeFromFast, which only skips counting the keys of new records', () => {
    fc.assert(
      fc.property(state, task, fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 8 }), (s, t, i, free) => {
        const next = { ...s, tasks: s.tasks.map((x, j) => (j === i ? t : x)), mm: { ...s.mm, free } };
        const a = new Uint32Array(layout.words);
        const b = new Uint32Array(layout.words);
        expect(layout.encodeFromFast(next, b, s, enc(s))).toBe(layout.encodeFrom(next, a, s, enc(s)));
        expect(Array.from(b)).toEqual(Array.from(a));
      }),
      { seed: 43, numRuns: 150 },
    );
  });

  it('should report an undeclared field in encodeFrom, ignore it in encodeFromFast, and report a missing one in both', () => {
    const s = fc.sample(state, { seed: 7, numRuns: 1 })[0];
    const out = new Uint32Array(layout.words);
    const extra = { ...s, mm: { ...s.mm, cache: 1 } };
    expect(() => layout.encodeFrom(extra, out, s, enc(s))).toThrow(/undeclared: cache/);
    layout.encodeFromFast(extra, out, s, enc(s));
    expect(Array.from(out)).toEqual(Array.from(enc(s)));
    const { free: _free, ...missing } = s.mm;
    expect(() => layout.encodeFromFast({ ...s, mm: missing }, out, s, enc(s))).toThrow(/mm\.free = undefined is outside its domain/);
  });

  it('should decode a record whose words are zero to one shared frozen object, equal to the fresh one', () => {
    const s = fc.sample(state, { seed: 11, numRuns: 1 })[0];
    const zeroed = { ...s, tasks: s.tasks.map((t, j) => (j === 2 ? { ...t, stack: t.stack.map((f, i) => (i === 0 ? { ...f, fn: 'a', n: 0, gfp: 0 } : f)) } : t)) };
    const a = layout.decode(enc(zeroed));
    const b = layout.decode(enc(zeroed));
    expect(a).toEqual(zeroed);
    expect(Object.isFrozen(a.tasks[2].stack[0])).toBe(true);
    expect(a.tasks[2].stack[0]).toBe(b.tasks[2].stack[0]);
    // a record with a non-zero leaf is a fresh, unfrozen object
    const nz = layout.decode(enc({ ...zeroed, tasks: zeroed.tasks.map((t, j) => (j === 2 ? { ...t, stack: t.stack.map((f, i) => (i === 0 ? { ...f, n: 1 } : f)) } : t)) }));
    expect(Object.isFrozen(nz.tasks[2].stack[0])).toBe(false);
    expect(layout.matches(a, enc(zeroed))).toBe(true);
    // matches: the shared object where the words are not zero (an action stored it into its input), and a fresh one where they are
    const nzWords = enc({ ...zeroed, tasks: zeroed.tasks.map((t, j) => (j === 2 ? { ...t, stack: t.stack.map((f, i) => (i === 0 ? { ...f, n: 1 } : f)) } : t)) });
    const swapped = layout.decode(nzWords);
    swapped.tasks[2].stack[0] = a.tasks[2].stack[0];
    expect(layout.matches(swapped, nzWords)).toBe(false);
    const fresh = layout.decode(enc(zeroed));
    fresh.tasks[2].stack[0] = { ...fresh.tasks[2].stack[0] };
    expect(layout.matches(fresh, enc(zeroed))).toBe(true);
    fresh.tasks[2].stack[0].n = 2;
    expect(layout.matches(fresh, enc(zeroed))).toBe(false);
  });

  it('should name the real path of a value outside its domain, in encode and in encodeFrom', () => {
    const s = fc.sample(state, { seed: 7, numRuns: 1 })[0];
    const bad = { ...s, tasks: s.tasks.map((x, j) => (j === 17 ? { ...x, stack: x.stack.map((f, k) => (k === 4 ? { ...f, n: 9 } : f)) } : x)) };
    expect(() => enc(bad)).toThrow('variable tasks[17].stack[4].n = 9 is outside its domain');
    const out = new Uint32Array(layout.words);
    expect(() => layout.encodeFrom(bad, out, s, enc(s))).toThrow('variable tasks[17].stack[4].n = 9 is outside its domain');
  });

  it('should give the same codecs to a second layout of the same declaration', () => {
    const again = compileLayout(VARS, SYM);
    const s = fc.sample(state, { seed: 3, numRuns: 1 })[0];
    const w = new Uint32Array(again.words);
    again.encode(s, w);
    expect(Array.from(w)).toEqual(Array.from(enc(s)));
    expect(again.decode(w)).toEqual(s);
  });
});

describe('encodeFrom on sequences (slots shared, pushed, popped, replaced; slots past the length zeroed)', () => {
  // A sequence of small records, one long enough to be a function of its own, and one whose elements are.
  const BIG = record({ k: int(0, 3), fr: array(20, FRAME) });
  const SV: Record<string, Domain> = { a: seqOf(4, FRAME), b: seqOf(20, FRAME), c: seqOf(2, BIG), n: int(0, 5) };
  const sl = compileLayout(SV);
  const senc = (x: unknown): Uint32Array => {
    const w = new Uint32Array(sl.words);
    sl.encode(x, w);
    return w;
  };
  const big = fc.record({ k: fc.integer({ min: 0, max: 3 }), fr: fc.array(frame, { minLength: 20, maxLength: 20 }) });
  const sstate = fc.record({
    a: fc.array(frame, { maxLength: 4 }),
    b: fc.array(frame, { maxLength: 20 }),
    c: fc.array(big, { maxLength: 2 }),
    n: fc.integer({ min: 0, max: 5 }),
  });
  /** A successor of sequence `q` as actions write one: shared, pushed, popped, one slot replaced, copied with equal fresh objects, or unrelated. */
  const edit = <T>(q: readonly T[], max: number, op: number, i: number, fresh: T, other: readonly T[]): readonly T[] => {
    switch (op) {
      case 0:
        return q;
      case 1:
        return q.length < max ? [...q, fresh] : q.slice(0, -1);
      case 2:
        return q.slice(0, Math.max(0, q.length - 1 - (i % 2)));
      case 3:
        return q.map((x, j) => (j === i % Math.max(1, q.length) ? fresh : x));
      case 4:
        return JSON.parse(JSON.stringify(q)) as T[];
      default:
        return other;
    }
  };
  it('should give the words of a full encode and say whether they changed (fast-check, seeded)', () => {
    const op = fc.integer({ min: 0, max: 5 });
    fc.assert(
      fc.property(sstate, sstate, fc.tuple(op, op, op), fc.integer({ min: 0, max: 30 }), frame, big, (s0, o, [oa, ob, oc], i, f, g) => {
        // the source as the engine hands it to actions: decoded from its words
        const w0 = senc(s0);
        const s = sl.decode(w0);
        const next = { a: edit(s.a, 4, oa, i, f, o.a), b: edit(s.b, 20, ob, i, f, o.b), c: edit(s.c, 2, oc, i, g, o.c), n: i % 3 === 0 ? o.n : s.n };
        const out = new Uint32Array(sl.words).fill(0xffffffff);
        const changed = sl.encodeFrom(next, out, s, w0);
        const want = senc(next);
        expect(Array.from(out)).toEqual(Array.from(want));
        expect(changed).toBe(Array.from(want).some((x, j) => x !== w0[j]));
      }),
      { seed: 11, numRuns: 300 },
    );
  });
  it('should still refuse a bad value in a new slot and a sequence over its bound', () => {
    const s = sl.decode(senc({ a: [], b: [], c: [], n: 0 }));
    const out = new Uint32Array(sl.words);
    expect(() => sl.encodeFrom({ ...s, a: [{ fn: 'a', gfp: 0, n: 7 }] }, out, s, senc(s))).toThrow('variable a[0].n = 7 is outside its domain 0..3');
    expect(() => sl.encodeFrom({ ...s, a: [1, 2, 3, 4, 5] }, out, s, senc(s))).toThrow('is outside its domain a sequence of at most 4');
  });
});

describe('layout.matches (the purity check on unfrozen states)', () => {
  it('should hold exactly when the words of two states are equal, on a large split layout (fast-check, seeded)', () => {
    fc.assert(
      fc.property(state, state, fc.integer({ min: 0, max: 23 }), fc.boolean(), (a, b, i, near) => {
        // b: either an unrelated state, or a changes in one task (the common case: one leaf or a few differ)
        const other = near ? { ...a, tasks: a.tasks.map((x, j) => (j === i ? b.tasks[j] : x)) } : b;
        const wa = enc(a);
        const wb = enc(other);
        const equal = wa.every((x, j) => x === wb[j]);
        expect(layout.matches(layout.decode(wa), wb)).toBe(equal);
        expect(layout.matches(layout.decode(wb), wb)).toBe(true);
      }),
      { seed: 9, numRuns: 200 },
    );
  });

  it('should see a change of every leaf kind, a replaced container and a sequence or set that grew', () => {
    const vars: Record<string, Domain> = {
      b: bool(),
      e: enumOf(['x', 'y']),
      f: bits(['A', 'B']),
      h: optId('w'),
      q: seqOf(3, record({ v: int(1, 4) })),
      st: setOf(enumOf(['p', 'r'])),
      m: mapOf('w', int(0, 2)),
    };
    const l = compileLayout(vars, { w: 2 });
    const s = { b: true, e: 'y', f: 2, h: null, q: [{ v: 3 }], st: ['r'], m: [1, 2] };
    const w = new Uint32Array(l.words);
    l.encode(s, w);
    expect(l.matches(l.decode(w), w)).toBe(true);
    const edits: ((x: any) => void)[] = [
      (x) => (x.b = false),
      (x) => (x.e = 'x'),
      (x) => (x.f = 3),
      (x) => (x.h = 0),
      (x) => (x.q[0].v = 4),
      (x) => x.q.push({ v: 1 }),
      (x) => (x.q = null),
      (x) => x.st.push('p'),
      (x) => (x.m[1] = 0),
      (x) => (x.m = undefined),
    ];
    for (const edit of edits) {
      const d = l.decode(w);
      edit(d);
      expect(l.matches(d, w)).toBe(false);
    }
  });
});
