/**
 * Engine semantics on tiny purpose-built models: visit order, limits,
 * deadlock and stuttering, spec errors, and determinism.
 */
import { array, bool, check, enumOf, id, int, mapOf, optId, Spec } from '../../checker/index';
import { dieHard, philosophers, twoPhase } from '../../specs/reference';
import { STORES, steps, storeLabel, withoutTiming } from '../helpers/matrix';
import { naiveExplore } from '../helpers/naiveExplorer';

type N = { n: number };

/** A binary tree on 0..14: n → 2n+1, 2n+2. Records the order in which states are expanded. */
function tree(log: number[]): Spec<N> {
  return {
    name: 'tree',
    variables: { n: int(0, 14) },
    init: () => [{ n: 0 }],
    actions: [
      {
        name: 'Left',
        next: (s) => {
          log.push(s.n);
          return 2 * s.n + 1 <= 14 ? { n: 2 * s.n + 1 } : undefined;
        },
      },
      { name: 'Right', next: (s) => (2 * s.n + 2 <= 14 ? { n: 2 * s.n + 2 } : undefined) },
    ],
    checkDeadlock: false,
  };
}

/** x counts 0..hi one step at a time, then stays (a stutter step at the top). */
function chain(hi: number, extra: Partial<Spec<{ x: number }>> = {}): Spec<{ x: number }> {
  return {
    name: 'chain',
    variables: { x: int(0, hi) },
    init: () => [{ x: 0 }],
    actions: [{ name: 'Inc', next: (s) => ({ x: Math.min(hi, s.x + 1) }) }],
    terminal: (s) => s.x === hi,
    ...extra,
  };
}

const depthOf = (n: number): number => Math.floor(Math.log2(n + 1));

describe('visit order', () => {
  it('should expand states level by level, first in first out, under bfs', () => {
    // Arrange
    const log: number[] = [];
    // Act
    // (checkPurity: false: the log counts action calls, and the purity check calls actions twice on sampled states)
    const r = check(tree(log), { strategy: 'bfs', store: { kind: 'exact' }, checkPurity: false });
    // Assert
    expect([r.status, r.stats.distinctStates, r.stats.depth]).toEqual(['holds', 15, 3]);
    expect(log).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]);
  });

  it('should go deep before wide under dfs, expanding each state once', () => {
    // Arrange
    const log: number[] = [];
    // Act
    const r = check(tree(log), { strategy: 'dfs', store: { kind: 'exact' }, checkPurity: false });
    // Assert: every state once, every state after its parent, and a depth-2 state before some depth-1 state.
    expect([r.status, r.stats.distinctStates, r.stats.depth]).toEqual(['holds', 15, 3]);
    expect([...log].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]);
    log.forEach((n, i) => {
      if (n > 0) expect(log.indexOf(Math.floor((n - 1) / 2))).toBeLessThan(i);
    });
    expect(depthOf(log[2])).toBe(2);
  });

  it('should number trace steps from 0, the initial state having a null action', () => {
    const r = check(chain(5, { invariants: [{ name: 'x < 3', holds: (s) => s.x < 3 }] }));
    expect(r.violations[0].trace).toEqual([
      { step: 0, action: null, params: null, state: { x: 0 } },
      { step: 1, action: 'Inc', params: null, state: { x: 1 } },
      { step: 2, action: 'Inc', params: null, state: { x: 2 } },
      { step: 3, action: 'Inc', params: null, state: { x: 3 } },
    ]);
  });
});

describe('limits', () => {
  it('should report incomplete, not holds, when dfs stops at maxDepth', () => {
    // Act
    const r = check(chain(9, { invariants: [{ name: 'x /= 5', holds: (s) => s.x !== 5 }] }), { strategy: 'dfs', maxDepth: 3 });
    // Assert
    expect([r.status, r.complete, r.stats.distinctStates, r.stats.depth]).toEqual(['incomplete', false, 4, 3]);
    expect(r.incompleteReason).toMatch(/depth/);
    expect(r.properties.find((p) => p.name === 'x /= 5')?.status).toBe('unknown');
    expect(r.properties.find((p) => p.name === 'deadlock')?.status).toBe('unknown');
  });

  it('should still report a violation within maxDepth', () => {
    const r = check(chain(9, { invariants: [{ name: 'x /= 2', holds: (s) => s.x !== 2 }] }), { strategy: 'dfs', maxDepth: 3 });
    expect([r.status, steps(r.violations[0].trace)]).toEqual(['violated', 2]);
  });

  it('should report holds when maxDepth is beyond the last state with a successor', () => {
    const r = check(chain(9), { strategy: 'dfs', maxDepth: 10 });
    expect([r.status, r.complete, r.stats.distinctStates]).toEqual(['holds', true, 10]);
  });

  it('should never report holds when maxStates cut the search short', () => {
    // Arrange: 56 reachable states (TwoPhase, 2 RMs, no symmetry).
    const spec = { ...twoPhase({ rm: 2 }) };
    const total = 56;
    for (const strategy of ['bfs', 'dfs'] as const) {
      for (let maxStates = 1; maxStates <= total + 2; maxStates++) {
        // Act
        const r = check(spec, { strategy, maxStates, symmetry: false });
        // Assert
        expect(r.stats.distinctStates).toBeLessThanOrEqual(maxStates);
        if (maxStates < total) expect([strategy, maxStates, r.status, r.complete]).toEqual([strategy, maxStates, 'incomplete', false]);
        if (r.status === 'holds') expect([r.complete, r.stats.distinctStates]).toEqual([true, total]);
        if (r.status === 'incomplete') {
          expect(r.incompleteReason).toMatch(/state limit/);
          expect(r.properties.filter((p) => p.kind !== 'witness').map((p) => p.status)).not.toContain('holds');
        }
      }
      expect(check(spec, { strategy, maxStates: total + 1, symmetry: false }).status).toBe('holds');
    }
  });

  it('should stop as incomplete when the compact table fills up', () => {
    const r = check(twoPhase({ rm: 4 }), { store: { kind: 'compact', bits: 32 }, symmetry: false, capacity: 256 } as never);
    expect([r.status, r.complete]).toEqual(['incomplete', false]);
  });
});

describe('deadlock', () => {
  it('should count a state whose only successor is itself as a deadlock', () => {
    const r = check(chain(3, { terminal: undefined }));
    expect([r.status, r.violations[0].kind, steps(r.violations[0].trace)]).toEqual(['violated', 'deadlock', 3]);
  });

  it('should not report a terminal state as a deadlock', () => {
    const r = check(chain(3));
    expect([r.status, r.properties.find((p) => p.kind === 'deadlock')?.status]).toEqual(['holds', 'holds']);
  });

  it('should not ask terminal about states that have a successor', () => {
    // Arrange: terminal says yes everywhere except the top, where it says no.
    const r = check(chain(3, { terminal: (s) => s.x !== 3 }));
    // Assert: only the top lacks a successor, and it is not terminal.
    expect([r.status, steps(r.violations[0].trace)]).toEqual(['violated', 3]);
  });

  it('should honour checkDeadlock: false in the options over the spec', () => {
    const r = check(chain(3, { terminal: undefined }), { checkDeadlock: false });
    expect([r.status, r.properties.find((p) => p.kind === 'deadlock')?.status]).toEqual(['holds', 'disabled']);
  });
});

describe('properties', () => {
  it('should report a witness unreached after a complete search and unknown after an incomplete one', () => {
    const spec = chain(5, { witnesses: [{ name: 'x = 9', reached: (s) => s.x === 9 }] });
    expect(check(spec).properties.find((p) => p.kind === 'witness')?.status).toBe('unreached');
    expect(check(spec, { maxStates: 2 }).properties.find((p) => p.kind === 'witness')?.status).toBe('unknown');
  });

  it('should report every invariant a state violates, not only the first declared', () => {
    // Arrange: both invariants first fail at x = 3; "x /= 3" fails nowhere else.
    const spec = chain(5, {
      invariants: [
        { name: 'x < 3', holds: (s) => s.x < 3 },
        { name: 'x /= 3', holds: (s) => s.x !== 3 },
      ],
    });
    // Act
    const r = check(spec, { allViolations: true, store: { kind: 'exact' } });
    // Assert
    expect(r.properties.filter((p) => p.kind === 'invariant')).toEqual([
      { name: 'x < 3', kind: 'invariant', status: 'violated' },
      { name: 'x /= 3', kind: 'invariant', status: 'violated' },
    ]);
    expect(r.violations.map((v) => [v.property, steps(v.trace)])).toEqual([
      ['x < 3', 3],
      ['x /= 3', 3],
    ]);
  });

  it('should give each invariant its own shortest trace when an earlier invariant already failed', () => {
    // Arrange: "x < 4" fails first at 4, where "x < 3" fails too.
    const spec = chain(5, {
      invariants: [
        { name: 'x < 3', holds: (s) => s.x < 3 },
        { name: 'x < 4', holds: (s) => s.x < 4 },
      ],
    });
    // Act
    const r = check(spec, { allViolations: true, store: { kind: 'exact' } });
    // Assert
    expect(r.violations.map((v) => [v.property, steps(v.trace)])).toEqual([
      ['x < 3', 3],
      ['x < 4', 4],
    ]);
  });
});

describe('spec errors', () => {
  it('should report a value outside its domain as MC201 naming variable, action and value', () => {
    // Arrange: Inc overflows x at 3.
    const spec: Spec<{ x: number }> = {
      name: 'overflow',
      variables: { x: int(0, 3) },
      init: () => [{ x: 0 }],
      actions: [{ name: 'Inc', next: (s) => ({ x: s.x + 1 }) }],
    };
    for (const store of STORES) {
      // Act
      const r = check(spec, { store });
      // Assert
      expect([storeLabel(store), r.status, r.error?.code]).toEqual([storeLabel(store), 'error', 'MC201']);
      expect(r.error?.message).toMatch(/\bx\b/);
      expect(r.error?.message).toMatch(/Inc/);
      expect(r.error?.message).toMatch(/\b4\b/);
    }
  });

  it('should name the parameter and the nested field of an out-of-domain value', () => {
    const spec: Spec<{ pc: readonly string[] }> = {
      name: 'bad-enum',
      variables: { pc: array(2, enumOf(['a', 'b'])) },
      init: () => [{ pc: ['a', 'a'] }],
      actions: [{ name: 'Step', params: [0, 1], next: (s, i: number) => ({ pc: s.pc.map((x, j) => (j === i ? (x === 'a' ? 'b' : 'zz') : x)) }) }],
    };
    const r = check(spec);
    expect(r.error?.code).toBe('MC201');
    expect(r.error?.message).toMatch(/Step\(\d\)/);
    expect(r.error?.message).toMatch(/pc\[\d\]/);
    expect(r.error?.message).toMatch(/zz/);
  });

  it('should report an out-of-domain initial state as MC201', () => {
    const spec: Spec<{ x: number }> = { name: 'bad-init', variables: { x: int(0, 3) }, init: () => [{ x: 7 }], actions: [] };
    const r = check(spec);
    expect([r.status, r.error?.code]).toEqual(['error', 'MC201']);
    expect(r.error?.message).toMatch(/\bx\b.*7|7.*\bx\b/);
  });

  it('should report an action that throws as MC202 naming the action and the message', () => {
    const spec: Spec<{ x: number }> = {
      name: 'throws',
      variables: { x: int(0, 3) },
      init: () => [{ x: 0 }],
      actions: [
        { name: 'Inc', next: (s) => (s.x < 3 ? { x: s.x + 1 } : undefined) },
        { name: 'Explode', next: (s) => { if (s.x === 2) throw new Error('boom at two'); return undefined; } },
      ],
    };
    const r = check(spec);
    expect([r.status, r.error?.code]).toEqual(['error', 'MC202']);
    expect(r.error?.message).toMatch(/Explode/);
    expect(r.error?.message).toMatch(/boom at two/);
  });

  it('should report an invariant that throws as MC202 naming the invariant', () => {
    const spec = chain(3, { invariants: [{ name: 'fragile', holds: (s) => { if (s.x === 2) throw new Error('no'); return true; } }] });
    const r = check(spec);
    expect([r.status, r.error?.code]).toEqual(['error', 'MC202']);
    expect(r.error?.message).toMatch(/fragile/);
  });

  it.each([
    ['formatState', { formatState: () => { throw new Error('cannot format'); } }],
    ['explain', { explain: () => { throw new Error('cannot format'); } }],
  ])('should report spec.%s throwing as MC202, not as an internal error', (what, extra) => {
    // Arrange: a violation, so that the trace is formatted and explained.
    const spec = chain(3, { invariants: [{ name: 'x < 2', holds: (s) => s.x < 2 }], ...(extra as Partial<Spec<{ x: number }>>) });
    // Act
    const r = check(spec);
    // Assert
    expect([r.status, r.error?.code]).toEqual(['error', 'MC202']);
    expect(r.error?.message).toMatch(new RegExp(`${what}[^]*cannot format|cannot format[^]*${what}`));
  });

  it('should report an action formatParam that throws as MC202, not as an internal error', () => {
    const spec = chain(3, {
      invariants: [{ name: 'x < 2', holds: (s) => s.x < 2 }],
      actions: [{ name: 'Inc', params: [1], formatParam: () => { throw new Error('cannot format'); }, next: (s) => ({ x: Math.min(3, s.x + 1) }) }],
    });
    const r = check(spec);
    expect([r.status, r.error?.code]).toEqual(['error', 'MC202']);
    expect(r.error?.message).toMatch(/Inc/);
  });

  it('should reject a state with a variable the spec does not declare rather than silently drop it', () => {
    // Arrange: A and B lead to the same declared state but differ in the undeclared y; the
    // invariant reads y. Dropping y merges the two successors and hides B's violation.
    type T = { x: number; y?: number };
    const spec: Spec<T> = {
      name: 'undeclared',
      variables: { x: int(0, 1) },
      init: () => [{ x: 0 }],
      actions: [
        { name: 'A', next: (s) => (s.x === 0 ? { x: 1, y: 1 } : undefined) },
        { name: 'B', next: (s) => (s.x === 0 ? { x: 1, y: 2 } : undefined) },
      ],
      invariants: [{ name: 'y /= 2', holds: (s) => s.y !== 2 }],
      checkDeadlock: false,
    };
    // Act
    const r = check(spec);
    // Assert: never a "holds" built on states the engine cannot tell apart.
    expect(r.status).not.toBe('holds');
    expect([r.status, r.error?.code]).toEqual(['error', 'MC201']);
    expect(r.error?.message).toMatch(/\by\b/);
  });

  it('should report a spec without initial states or with an undeclared symmetric domain as MC204', () => {
    expect(check({ name: 'empty', variables: { x: bool() }, init: () => [], actions: [] }).error?.code).toBe('MC204');
    expect(check({ name: 'nosym', variables: { x: id('p') }, init: () => [{ x: 0 }], actions: [] }).error?.code).toBe('MC204');
  });
});

describe('determinism', () => {
  const cases: [string, () => ReturnType<typeof check>][] = [
    ['diehard, bfs', () => check(dieHard(), { clock: () => 0 })],
    ['philosophers, all violations', () => check(philosophers({ n: 4 }), { allViolations: true, clock: () => 0 })],
    ['twophase, symmetry, dfs', () => check(twoPhase({ rm: 3 }), { strategy: 'dfs', clock: () => 0 })],
    [
      'twophase, symmetry, a violation',
      () =>
        check(
          { ...twoPhase({ rm: 3 }), invariants: [{ name: 'no commit', holds: (s) => s.tmState !== 'committed' }] },
          { clock: () => 0 },
        ),
    ],
  ];
  it.each(cases)('should give identical results and traces on two runs: %s', (_name, run) => {
    expect(withoutTiming(run())).toEqual(withoutTiming(run()));
  });

  it('should not depend on earlier runs in the same process', () => {
    const first = withoutTiming(check(dieHard(), { store: { kind: 'compact', bits: 32 } }));
    check(twoPhase({ rm: 4 }), { store: { kind: 'compact', bits: 32 } });
    expect(withoutTiming(check(dieHard(), { store: { kind: 'compact', bits: 32 } }))).toEqual(first);
  });
});

describe('symmetry', () => {
  it('should count orbits when ids are values as well as map indexes', () => {
    // Arrange: a token passed between 3 symmetric processes, each counting how often it held it.
    type T = { holder: number; count: readonly number[] };
    const spec: Spec<T> = {
      name: 'token',
      symmetric: { p: 3 },
      variables: { holder: id('p'), count: mapOf('p', int(0, 2)) },
      init: () => [{ holder: 0, count: [0, 0, 0] }],
      actions: [
        {
          name: 'Pass',
          params: [0, 1, 2],
          next: (s, q: number) =>
            q !== s.holder && s.count[q] < 2 ? { holder: q, count: s.count.map((c, i) => (i === q ? c + 1 : c)) } : undefined,
        },
      ],
      checkDeadlock: false,
    };
    const naive = naiveExplore(spec);
    // Act / Assert
    expect(check(spec, { symmetry: false }).stats.distinctStates).toBe(naive.reachable);
    expect(check(spec, { symmetry: true }).stats.distinctStates).toBe(naive.orbits);
    expect(naive.orbits).toBeLessThan(naive.reachable);
  });

  it('should count orbits for a map nested in a map over a one-element symmetric domain', () => {
    // Arrange: q has one element, so only p's 3! renamings matter; 27 states fall into 10 orbits.
    type T = { m: readonly (readonly number[])[] };
    const spec: Spec<T> = {
      name: 'nested',
      symmetric: { q: 1, p: 3 },
      variables: { m: mapOf('q', mapOf('p', int(0, 2))) },
      init: () => [{ m: [[0, 0, 0]] }],
      actions: [
        {
          name: 'Inc',
          params: [0, 1, 2],
          next: (s, p: number) => (s.m[0][p] < 2 ? { m: [s.m[0].map((x, i) => (i === p ? x + 1 : x))] } : undefined),
        },
      ],
      checkDeadlock: false,
    };
    const naive = naiveExplore(spec);
    // Act
    const r = check(spec, { store: { kind: 'exact' } });
    // Assert
    expect([naive.reachable, naive.orbits]).toEqual([27, 10]);
    expect([r.stats.distinctStates, r.stats.symmetry.startsWith('exact')]).toEqual([10, true]);
  });

  it('should count orbits over two symmetric domains with ids of one stored in a map over the other', () => {
    // Arrange: 3 workers (p) each bound to at most one of 2 servers (q); servers count their load.
    type T = { bound: readonly (number | null)[]; load: readonly number[] };
    const spec: Spec<T> = {
      name: 'two-domains',
      symmetric: { p: 3, q: 2 },
      variables: { bound: mapOf('p', optId('q')), load: mapOf('q', int(0, 3)) },
      init: () => [{ bound: [null, null, null], load: [0, 0] }],
      actions: [
        {
          name: 'Bind',
          params: [0, 1, 2].flatMap((w) => [0, 1].map((srv) => ({ w, srv }))),
          next: (s, { w, srv }: { w: number; srv: number }) =>
            s.bound[w] === null ? { bound: s.bound.map((b, i) => (i === w ? srv : b)), load: s.load.map((l, j) => (j === srv ? l + 1 : l)) } : undefined,
        },
        {
          name: 'Unbind',
          params: [0, 1, 2],
          next: (s, w: number) => {
            const srv = s.bound[w];
            return srv === null ? undefined : { bound: s.bound.map((b, i) => (i === w ? null : b)), load: s.load.map((l, j) => (j === srv ? l - 1 : l)) };
          },
        },
      ],
      checkDeadlock: false,
    };
    const naive = naiveExplore(spec);
    for (const permLimit of [5040, 1]) {
      // Act
      const r = check(spec, { store: { kind: 'exact' }, permLimit });
      // Assert: exact canonicalisation gives the orbits; a normalisation gives at least as many.
      if (r.stats.symmetry.startsWith('exact')) expect([permLimit, r.stats.distinctStates]).toEqual([permLimit, naive.orbits]);
      else expect(r.stats.distinctStates).toBeGreaterThanOrEqual(naive.orbits);
      expect(r.stats.distinctStates).toBeLessThanOrEqual(naive.reachable);
    }
    expect(check(spec, { symmetry: false }).stats.distinctStates).toBe(naive.reachable);
    expect(naive.orbits).toBeLessThan(naive.reachable);
  });
});
