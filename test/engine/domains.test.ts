/**
 * The finite domains added for TLA+ porters (issue 13): bounded sequences
 * (`seqOf`, canonical padding) and sets over any finite domain (`setOf(T)`:
 * ints, enums, symmetric ids, small records), with symmetric ids inside sets
 * and sequences renamed correctly. Hand-made cases, then random models
 * (fast-check, fixed seed) whose state and orbit counts are compared with the
 * naive explorer's brute force (every permutation of the ids).
 */
import fc from 'fast-check';
import { bool, check, compileLayout, enumOf, id, int, optId, PackedSpec, record, seqOf, setOf, Spec } from '../../checker/index';
import { buildReport, itfTraces } from '../../checker/report';
import { naiveExplore } from '../helpers/naiveExplorer';

const SEED = 7;

describe('seqOf', () => {
  const layout = compileLayout({ q: seqOf(3, int(0, 4)) });

  it('should keep the padding canonical: a sequence that shrinks is the same state as one built short', () => {
    const a = new Uint32Array(layout.words);
    const b = new Uint32Array(layout.words);
    layout.encode({ q: [4, 3, 2] }, a);
    layout.encodeFrom({ q: [4] }, b, layout.decode(a), a);
    const c = new Uint32Array(layout.words);
    layout.encode({ q: [4] }, c);
    expect(Array.from(b)).toEqual(Array.from(c));
    expect(layout.decode(b)).toEqual({ q: [4] });
  });

  it('should reject a sequence longer than its bound or with a bad element, naming the path', () => {
    const w = new Uint32Array(layout.words);
    expect(() => layout.encode({ q: [1, 2, 3, 4] }, w)).toThrow('variable q = [1,2,3,4] is outside its domain a sequence of at most 3 of 0..4');
    expect(() => layout.encode({ q: [1, 9] }, w)).toThrow('variable q[1] = 9 is outside its domain 0..4');
  });

  it('should refuse a packed action that leaves a slot past the length non-zero (MC201)', () => {
    const l = compileLayout({ q: seqOf(2, int(0, 3)) });
    const len = l.leaf('q.length');
    const slot1 = l.leaf('q[1]');
    const spec: PackedSpec = {
      name: 'pad',
      variables: { q: seqOf(2, int(0, 3)) },
      init: () => [{ q: [] }],
      // Pops by lowering the length only: q[1] keeps its old value
      packed: [
        { name: 'Push2', fire: (src, dst) => (l.get(src, len) === 0 ? (l.set(dst, len, 2), l.set(dst, slot1, 3), true) : false) },
        { name: 'PopLazily', fire: (src, dst) => (l.get(src, len) === 2 ? (l.set(dst, len, 1), true) : false) },
      ],
    };
    const r = check(spec, {});
    expect(r.error).toMatchObject({ code: 'MC201', message: 'action PopLazily(null): variable q[1] = 3 is past the length 1 of sequence q: slots past the length must be zero (set them to 0 when the sequence shrinks)' });
  });

  it('should count one state per sequence in a FIFO spec (a pad left behind would split states)', () => {
    // A queue of at most 2 values 0..2: 1 + 3 + 9 = 13 sequences.
    const fifo: Spec<{ q: number[] }> = {
      name: 'fifo',
      variables: { q: seqOf(2, int(0, 2)) },
      init: () => [{ q: [] }],
      actions: [
        { name: 'Put', params: [0, 1, 2], next: (s, v: number) => (s.q.length < 2 ? { q: [...s.q, v] } : undefined) },
        { name: 'Get', next: (s) => (s.q.length > 0 ? { q: s.q.slice(1) } : undefined) },
      ],
    };
    const r = check(fifo, { store: { kind: 'exact' } });
    expect([r.status, r.stats.distinctStates]).toEqual(['holds', 13]);
    expect(naiveExplore(fifo).reachable).toBe(13);
  });
});

describe('setOf(T)', () => {
  it('should hold sets in one canonical order, whatever order the action returns', () => {
    const spec: Spec<{ s: number[] }> = {
      name: 'order',
      variables: { s: setOf(int(1, 3)) },
      init: () => [{ s: [] }],
      actions: [{ name: 'Add', params: [1, 2, 3], next: (st, v: number) => (st.s.includes(v) ? undefined : { s: [v, ...st.s] }) }],
      checkDeadlock: false,
    };
    const r = check(spec, { store: { kind: 'exact' } });
    expect(r.stats.distinctStates).toBe(8); // every subset of {1,2,3}
    const l = compileLayout(spec.variables);
    const w = new Uint32Array(l.words);
    l.encode({ s: new Set([3, 1, 1]) }, w);
    expect(l.decode(w)).toEqual({ s: [1, 3] });
  });

  it('should take enums and small records, and refuse what is not an element', () => {
    const l = compileLayout({ e: setOf(enumOf(['r', 'g', 'b'])), m: setOf(record({ who: id('p'), hot: bool() })) }, { p: 2 });
    const w = new Uint32Array(l.words);
    l.encode({ e: ['b', 'r'], m: [{ hot: true, who: 1 }] }, w);
    expect(l.decode(w)).toEqual({ e: ['r', 'b'], m: [{ who: 1, hot: true }] });
    expect(() => l.encode({ e: ['x'], m: [] }, w)).toThrow('variable e = ["x"] is outside its domain a set of {r, g, b}');
    expect(() => l.encode({ e: [], m: [{ who: 2, hot: true }] }, w)).toThrow('outside its domain a set of record {who, hot}');
  });

  it('should refuse a universe of more than 32 elements at declaration time', () => {
    expect(() => compileLayout({ s: setOf(int(0, 40)) })).toThrow('more than 32 elements');
  });

  it('should show sets as #set and sequences as lists in ITF, and sets as arrays in the JSON report', () => {
    const spec: Spec<{ s: number[]; q: number[] }> = {
      name: 'show',
      variables: { s: setOf(int(0, 2)), q: seqOf(2, int(0, 2)) },
      init: () => [{ s: [], q: [] }],
      actions: [{ name: 'Go', next: (st) => (st.q.length < 2 ? { s: [...st.s.filter((x) => x !== 2), 2], q: [...st.q, 1] } : undefined) }],
      invariants: [{ name: 'Short', holds: (st) => st.q.length < 2 }],
    };
    const report = buildReport(check(spec, {}), { version: '0', spec });
    expect(report.violations[0].trace[2].state).toEqual({ s: [2], q: [1, 1] });
    const [t] = itfTraces(report);
    expect(t.states[2]).toMatchObject({ s: { '#set': [2] }, q: [1, 1] });
    expect(t['#meta'].varTypes).toMatchObject({ s: 'Set(Int)', q: 'Seq(Int)' });
  });
});

// ------------------------------------------------------------------ symmetric ids inside sets and sequences

type P = { owner: number | null; held: number[]; queue: number[]; marks: { who: number; hot: boolean }[]; count: number };

interface Model {
  readonly n: number;
  readonly len: number;
  readonly actions: readonly number[];
  readonly initHeld: readonly number[];
}

const MENU: ((m: Model) => Spec<P>['actions'][number])[] = [
  (m) => ({ name: 'Acquire', params: ids(m), next: (s, p: number) => (s.owner === null && !s.held.includes(p) ? { ...s, owner: p, held: [...s.held, p] } : undefined) }),
  () => ({ name: 'Release', next: (s) => (s.owner !== null ? { ...s, owner: null } : undefined) }),
  (m) => ({ name: 'Enq', params: ids(m), next: (s, p: number) => (s.queue.length < m.len && !s.queue.includes(p) ? { ...s, queue: [...s.queue, p] } : undefined) }),
  () => ({
    name: 'Deq',
    next: (s) => (s.queue.length > 0 ? { ...s, queue: s.queue.slice(1), marks: [...s.marks.filter((x) => x.who !== s.queue[0]), { who: s.queue[0], hot: s.count === 0 }] } : undefined),
  }),
  (m) => ({
    name: 'Forget',
    params: ids(m),
    // returns the set in reverse order: the engine must not care
    next: (s, p: number) => (s.held.includes(p) ? { ...s, held: s.held.filter((x) => x !== p).reverse(), count: Math.min(2, s.count + 1) } : undefined),
  }),
  (m) => ({
    name: 'Cool',
    params: ids(m),
    next: (s, p: number) => (s.marks.some((x) => x.who === p && x.hot) ? { ...s, marks: s.marks.map((x) => (x.who === p ? { who: p, hot: false } : x)) } : undefined),
  }),
  () => ({ name: 'Reset', next: (s) => (s.count === 2 ? { ...s, count: 0, marks: [] } : undefined) }),
];
const ids = (m: Model): number[] => Array.from({ length: m.n }, (_, i) => i);

function specOf(m: Model): Spec<P> {
  return {
    name: 'sym-sets',
    symmetric: { p: m.n },
    variables: {
      owner: optId('p'),
      held: setOf(id('p')),
      queue: seqOf(m.len, id('p')),
      marks: setOf(record({ who: id('p'), hot: bool() })),
      count: int(0, 2),
    },
    init: () => [{ owner: null, held: [...m.initHeld], queue: [], marks: [], count: 0 }],
    actions: m.actions.map((i) => MENU[i](m)),
    checkDeadlock: false,
  };
}

const modelArb: fc.Arbitrary<Model> = fc.integer({ min: 2, max: 3 }).chain((n) =>
  fc.record({
    n: fc.constant(n),
    len: fc.integer({ min: 1, max: 2 }),
    actions: fc.uniqueArray(fc.integer({ min: 0, max: MENU.length - 1 }), { minLength: 2, maxLength: MENU.length }),
    initHeld: fc.uniqueArray(fc.integer({ min: 0, max: n - 1 }), { maxLength: n }),
  }),
);

describe('symmetric ids inside sets and sequences', () => {
  it('should count every state without symmetry and every orbit with it, as the brute force does', () => {
    let reduced = 0;
    fc.assert(
      fc.property(modelArb, (m) => {
        const spec = specOf(m);
        // Keep the brute force cheap: skip the (rare) models with more than 1,500 states.
        let naive: ReturnType<typeof naiveExplore>;
        try {
          naive = naiveExplore(spec, { limit: 1500 });
        } catch {
          fc.pre(false);
          return;
        }
        const off = check(spec, { store: { kind: 'exact' }, symmetry: false });
        const on = check(spec, { store: { kind: 'exact' } });
        const normalised = check(spec, { store: { kind: 'exact' }, permLimit: 1 });
        expect([off.status, off.stats.distinctStates]).toEqual(['holds', naive.reachable]);
        expect([on.stats.symmetry, on.stats.distinctStates, on.stats.depth]).toEqual([expect.stringMatching(/^exact/), naive.orbits, naive.orbitDepth]);
        // Sorting normalisation: sound (never merges two orbits), not necessarily canonical.
        expect(normalised.stats.distinctStates).toBeGreaterThanOrEqual(naive.orbits);
        expect(normalised.stats.distinctStates).toBeLessThanOrEqual(naive.reachable);
        if (naive.orbits < naive.reachable) reduced++;
      }),
      { seed: SEED, numRuns: 25 },
    );
    expect(reduced).toBeGreaterThanOrEqual(12);
  });
});
