/**
 * The spec API for TLA+ porters (issue 13): TLC's deadlock meaning as an
 * option, a state CONSTRAINT as TLC applies it, and symmetry switched off by
 * the spec. Hand-made examples, then random models cross-checked against the
 * naive explorer (fast-check, fixed seed).
 */
import fc from 'fast-check';
import { check, int, oneOf, replayActions, seqOf, Spec } from '../../checker/index';
import { steps } from '../helpers/matrix';
import { keyOf, naiveExplore } from '../helpers/naiveExplorer';
import { plainModelArb, plainSpec, symModelArb, symSpec } from '../helpers/randomSpecs';
import { toPacked } from '../helpers/packed';

const SEED = 13;

/** x counts up to 2, then only a retry that changes nothing is enabled. */
const retry: Spec<{ x: number }> = {
  name: 'retry',
  variables: { x: int(0, 2) },
  init: () => [{ x: 0 }],
  actions: [
    { name: 'Inc', next: (s) => (s.x < 2 ? { x: s.x + 1 } : undefined) },
    { name: 'Retry', next: (s) => (s.x === 2 ? s : undefined) },
  ],
};

describe('deadlock semantics', () => {
  it("should call a state whose only successor is itself a deadlock by default ('progress')", () => {
    const r = check(retry, { store: { kind: 'exact' } });
    expect(r.status).toBe('violated');
    expect(r.violations[0].kind).toBe('deadlock');
    expect(steps(r.violations[0].trace)).toBe(2);
  });

  it("should not, with TLC's meaning, from the spec or from the options", () => {
    expect(check({ ...retry, deadlockSemantics: 'tlc' }, {}).status).toBe('holds');
    expect(check(retry, { deadlockSemantics: 'tlc' }).status).toBe('holds');
    expect(check({ ...retry, deadlockSemantics: 'tlc' }, { deadlockSemantics: 'progress' }).status).toBe('violated');
  });

  it("should still find a state with no enabled action under TLC's meaning", () => {
    const stuck = { ...retry, actions: [retry.actions[0]], deadlockSemantics: 'tlc' as const };
    const r = check(stuck, {});
    expect([r.status, r.violations[0]?.kind, r.stats.distinctStates]).toEqual(['violated', 'deadlock', 3]);
  });
});

describe('constraint (TLC CONSTRAINT)', () => {
  /** x counts to 9; the constraint bounds the search at x <= 3. */
  const counter: Spec<{ x: number }> = {
    name: 'counter',
    variables: { x: int(0, 9) },
    init: () => [{ x: 0 }],
    actions: [{ name: 'Inc', next: (s) => (s.x < 9 ? { x: s.x + 1 } : undefined) }],
    constraint: (s) => s.x <= 3,
  };

  it('should not store or expand states outside it, and not call their predecessors deadlocked', () => {
    const r = check(counter, { store: { kind: 'exact' } });
    expect([r.status, r.stats.distinctStates, r.stats.depth]).toEqual(['holds', 4, 3]);
    // x = 3 has one successor (x = 4), outside the constraint: it is enabled, so no deadlock.
    expect(r.properties.find((p) => p.kind === 'deadlock')?.status).toBe('holds');
    // Generated counts the successor outside the constraint, as TLC's "states generated" does.
    expect(r.stats.statesGenerated).toBe(5);
  });

  it('should check the invariants of a state outside it, with a trace to that state', () => {
    const r = check({ ...counter, invariants: [{ name: 'Small', holds: (s) => s.x < 4 }] }, {});
    expect(r.status).toBe('violated');
    expect(r.violations[0].trace.map((t) => (t.state as { x: number }).x)).toEqual([0, 1, 2, 3, 4]);
  });

  it('should apply to initial states too', () => {
    const r = check({ ...counter, init: () => [{ x: 0 }, { x: 5 }], invariants: [{ name: 'NotFive', holds: (s) => s.x !== 5 }] }, { allViolations: true });
    expect(r.violations.map((v) => [v.property, v.trace.length])).toEqual([['NotFive', 1]]);
    expect(r.stats.distinctStates).toBe(4);
  });

  it('should report an exception in the constraint as MC202 naming it', () => {
    const r = check({ ...counter, constraint: () => { throw new Error('bad'); } }, {});
    expect(r.error).toMatchObject({ code: 'MC202', message: 'constraint threw: bad' });
  });
});

describe('symmetry switched off by the spec', () => {
  it('should explore every state when the spec says symmetry: false', () => {
    fc.assert(
      fc.property(symModelArb(1), (m) => {
        const spec = symSpec(m);
        const naive = naiveExplore({ ...spec, invariants: [], checkDeadlock: false });
        const off = check({ ...spec, invariants: [], checkDeadlock: false, symmetry: false }, { store: { kind: 'exact' } });
        const on = check({ ...spec, invariants: [], checkDeadlock: false }, { store: { kind: 'exact' } });
        expect([off.stats.distinctStates, off.stats.symmetry]).toEqual([naive.reachable, 'off']);
        expect(on.stats.distinctStates).toBe(naive.orbits);
      }),
      { seed: SEED, numRuns: 30 },
    );
  });
});

describe('random models: engine and naive explorer agree under both deadlock meanings and a constraint', () => {
  it('should agree on states, verdicts and shortest violations', () => {
    let constrainedAway = 0;
    let tlcDiffers = 0;
    fc.assert(
      fc.property(plainModelArb(2), fc.boolean(), (m, constrained) => {
        const base = plainSpec(m);
        const w = base.witnesses?.[0];
        const spec: Spec<any> = { ...base, witnesses: [], checkDeadlock: true, ...(constrained && w ? { constraint: (s: any) => !w.reached(s) } : {}) };
        const verdicts: string[] = [];
        for (const semantics of ['progress', 'tlc'] as const) {
          const naive = naiveExplore(spec, { deadlockSemantics: semantics });
          const whole = check({ ...spec, invariants: [], checkDeadlock: false }, { store: { kind: 'exact' }, symmetry: false });
          expect(whole.stats.distinctStates).toBe(naive.reachable);
          const all = check(spec, { store: { kind: 'exact' }, allViolations: true, deadlockSemantics: semantics });
          expect([semantics, Object.fromEntries(all.violations.map((v) => [v.property, steps(v.trace)]))]).toEqual([semantics, naive.shortest]);
          expect(all.stats.distinctStates).toBe(naive.reachable);
          // A trace ends in the violating state, reached step by step from an initial state.
          for (const v of all.violations) {
            const last = v.trace[v.trace.length - 1].state as Record<string, unknown>;
            if (v.kind === 'invariant') expect(spec.invariants!.find((i) => i.name === v.property)!.holds(last)).toBe(false);
            expect(spec.init().map(keyOf)).toContain(keyOf(v.trace[0].state));
          }
          // DFS and the packed API find the same states and the same violated properties.
          const dfs = check(spec, { store: { kind: 'exact' }, allViolations: true, deadlockSemantics: semantics, strategy: 'dfs' });
          expect([semantics, 'dfs', dfs.stats.distinctStates, dfs.violations.map((v) => v.property).sort()]).toEqual([semantics, 'dfs', naive.reachable, Object.keys(naive.shortest).sort()]);
          const packed = check(toPacked(spec), { store: { kind: 'exact' }, allViolations: true, deadlockSemantics: semantics });
          expect([semantics, 'packed', packed.stats.distinctStates, packed.violations.map((v) => [v.property, steps(v.trace)])]).toEqual([
            semantics,
            'packed',
            naive.reachable,
            all.violations.map((v) => [v.property, steps(v.trace)]),
          ]);
          verdicts.push(Object.keys(naive.shortest).sort().join());
          if (spec.constraint && naive.reachable < naiveExplore(base, {}).reachable) constrainedAway++;
        }
        if (verdicts[0] !== verdicts[1]) tlcDiffers++;
      }),
      { seed: SEED, numRuns: 120 },
    );
    // The generator must exercise both features.
    expect(constrainedAway).toBeGreaterThanOrEqual(10);
    expect(tlcDiffers).toBeGreaterThanOrEqual(5);
  });
});

describe('oneOf: several successors from one action (\\E x \\in S)', () => {
  /** A bag of up to 3 values 0..3: Take removes any one of them, whatever the bag holds. */
  const bag: Spec<{ b: number[]; got: number }> = {
    name: 'bag',
    variables: { b: seqOf(3, int(0, 3)), got: int(-1, 3) },
    init: () => [{ b: [3, 1, 2], got: -1 }],
    actions: [
      { name: 'Take', next: (s) => oneOf(s.b.map((v, i) => ({ b: s.b.filter((_, j) => j !== i), got: v }))) },
      { name: 'Put', params: [0, 3], next: (s, v: number) => (s.b.length < 3 ? { ...s, b: [...s.b, v] } : undefined) },
    ],
    invariants: [{ name: 'NeverZero', holds: (s) => s.got !== 0 }],
  };

  it('should explore every successor, as the naive explorer does, and count each as generated', () => {
    const whole = { ...bag, invariants: [], checkDeadlock: false };
    const r = check(whole, { store: { kind: 'exact' } });
    const naive = naiveExplore(whole);
    expect([r.status, r.stats.distinctStates, r.stats.depth]).toEqual(['holds', naive.reachable, naive.depth]);
    expect(r.stats.coverage.Take).toBeGreaterThan(r.stats.distinctStates);
  });

  it('should give a shortest trace through the chosen successor, which replays', () => {
    const r = check(bag, {});
    expect(r.violations[0].trace.map((t) => t.action)).toEqual([null, 'Take', 'Put', 'Take']);
    expect(r.violations[0].trace.map((t) => t.state)).toEqual([
      { b: [3, 1, 2], got: -1 },
      { b: [1, 2], got: 3 },
      { b: [1, 2, 0], got: 3 },
      { b: [1, 2], got: 0 },
    ]);
    expect(steps(r.violations[0].trace)).toBe(naiveExplore(bag).shortest.NeverZero);
    expect(replayActions(bag, [{ action: 'Take' }])[1]).toEqual({ b: [1, 2], got: 3 });
  });

  it('should treat oneOf([]) as not enabled', () => {
    const r = check({ ...bag, init: () => [{ b: [], got: -1 }], actions: [bag.actions[0]], invariants: [] }, {});
    expect([r.status, r.violations[0]?.kind]).toEqual(['violated', 'deadlock']);
  });
});
