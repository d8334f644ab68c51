/**
 * Partial-order reduction (checker/por.ts): with and without it, every
 * reference model and ≥ 500 random models (fast-check, fixed seed) give the
 * same verdicts, the same violations (classes) and the same traces, the
 * shortest in the unreduced graph, cross-checked against the naive explorer.
 * Every declared footprint is verified on the sampled states
 * (`checkFootprints`), and deliberately wrong ones are caught (MC205).
 */
import fc from 'fast-check';
import { array, check, CheckOptions, CheckResult, int, Spec, State, withFootprints } from '../../checker/index';
import { counter, dieHard, peterson, philosophers, twoPhase } from '../../specs/reference';
import { innerFifo } from '../../specs/reference/innerFifo';
import { withReferenceFootprints } from '../../specs/reference/footprints';
import { naiveExplore } from '../helpers/naiveExplorer';
import { plainFootprints, plainModelArb, plainSpec, procModelArb, procSpec, symFootprints, symModelArb, symSpec } from '../helpers/randomSpecs';
import { steps, withoutTiming } from '../helpers/matrix';

const SEED = 4242;
const exact = { store: { kind: 'exact' as const } };

/** Everything a user sees of a result but the statistics. */
const outcome = (r: CheckResult): unknown => ({ status: r.status, complete: r.complete, error: r.error, properties: r.properties, violations: r.violations });

/** Checks with POR on (footprints checked) and off, in both violation modes; returns the reduced all-violations run. */
function sameWithAndWithout(spec: Spec<any>, extra: CheckOptions = {}): CheckResult {
  let reduced: CheckResult | undefined;
  for (const allViolations of [false, true]) {
    const o = { ...exact, ...extra, allViolations };
    const off = check(spec, { ...o, por: false });
    const on = check(spec, { ...o, checkFootprints: true });
    expect(on.error).toBeUndefined();
    expect(outcome(on)).toEqual(outcome(off));
    expect(off.stats.por?.status).toBe('off (--no-por)');
    if (allViolations) reduced = on;
  }
  return reduced!;
}

const noPredicates = <S extends State>(s: Spec<S>): Spec<S> => ({ ...s, invariants: [], witnesses: [] });

describe('partial-order reduction on the reference models', () => {
  const models: [string, Spec<any>][] = [
    ['philosophers n=3', philosophers({ n: 3 })],
    ['philosophers n=5', philosophers({ n: 5 })],
    ['peterson', peterson()],
    ['twophase rm=3', twoPhase({ rm: 3 })],
    ['diehard', dieHard({ small: 3, big: 5, goal: 4 } as never)],
    ['counter', counter({ k: 3, m: 4 } as never) as Spec<any>],
    ['philosophers n=5, deadlock only', noPredicates(philosophers({ n: 5 }))],
    ['peterson, deadlock only', noPredicates(peterson())],
    ['twophase rm=4, deadlock only', noPredicates(twoPhase({ rm: 4 }))],
    ['counter, deadlock only', noPredicates(counter({ k: 3, m: 4 } as never) as Spec<any>)],
  ];
  it.each(models)('%s: same verdicts, violations and traces with and without POR', (_n, spec) => {
    const r = sameWithAndWithout(withReferenceFootprints(spec) as Spec<any>);
    expect(r.stats.por?.status).toBe('on');
    expect(r.stats.por?.footprintsChecked).toBeGreaterThan(0);
  });

  it('reduces where actions are independent and invisible: counter, deadlock only, 64 states to 4', () => {
    const spec = withReferenceFootprints(noPredicates(counter({ k: 3, m: 4 } as never) as Spec<any>));
    const on = check(spec, exact);
    const off = check(spec, { ...exact, por: false });
    expect([off.stats.distinctStates, on.stats.distinctStates]).toEqual([64, 4]);
    expect(on.stats.por).toMatchObject({ status: 'on', reducedStates: 4, prunedTransitions: 8, provisoExpansions: 0, traces: 'none needed' });
  });

  it('with guard conjuncts declared: philosophers n=8 (deadlock only) 1,154 states to 472, twophase rm=4 166 to 145', () => {
    const phil = check(withReferenceFootprints(noPredicates(philosophers({ n: 8 }))), { ...exact, allViolations: true });
    expect([phil.status, phil.stats.distinctStates, phil.violations.map((v) => steps(v.trace))]).toEqual(['violated', 472, [8]]);
    // The shortest trace costs an unreduced BFS to the deadlock's depth: here the whole graph.
    expect(phil.stats.por).toMatchObject({ reducedStates: 408, prunedTransitions: 1360, traceSearchStates: 1154 });
    const tp = check(withReferenceFootprints(noPredicates(twoPhase({ rm: 4 }))), exact);
    expect([tp.status, tp.stats.distinctStates, tp.stats.por?.reducedStates]).toEqual(['holds', 145, 59]);
  });

  it('keeps invariants: with a visible invariant over every counter the reduced graph is the whole graph', () => {
    const r = check(withReferenceFootprints(counter({ k: 3, m: 4 } as never)), exact);
    expect([r.status, r.stats.distinctStates, r.stats.por?.reducedStates]).toEqual(['holds', 64, 0]);
  });

  it('is off, and says why, for a state constraint, temporal properties, DFS, --max-depth', () => {
    const fifo = withReferenceFootprints(innerFifo({ qLen: 2 }));
    expect(check(fifo, exact).stats.por?.status).toBe('off (the spec has a state constraint)');
    const live = withReferenceFootprints(philosophers({ n: 3, fairness: 'weak' }));
    expect(check(live, exact).stats.por?.status).toMatch(/^off \(temporal properties/);
    const spec = withReferenceFootprints(philosophers({ n: 3 }));
    expect(check(spec, { ...exact, strategy: 'dfs' }).stats.por?.status).toMatch(/^off \(depth-first/);
    expect(check(spec, { ...exact, maxDepth: 2 }).stats.por?.status).toMatch(/^off \(--max-depth/);
    // A spec without footprints has no POR line at all, unless asked for.
    expect(check(philosophers({ n: 3 }), exact).stats.por).toBeUndefined();
    expect(check(philosophers({ n: 3 }), { ...exact, por: true }).stats.por?.status).toBe('off (the spec declares no footprints)');
  });

  it('innerFifo: its footprints check out (POR itself is off: constraint)', () => {
    const r = check(withReferenceFootprints(innerFifo({ qLen: 2 })), { ...exact, checkFootprints: true });
    expect(r.error).toBeUndefined();
    expect(r.stats.por?.footprintsChecked).toBeGreaterThan(0);
  });

  it('prints the shortest unreduced trace and says how it was obtained', () => {
    // Deadlock only: the all-hold-left deadlock of 4 philosophers is 4 TakeLeft steps.
    const r = check(withReferenceFootprints(noPredicates(philosophers({ n: 4 }))), exact);
    expect(r.violations.map((v) => [v.property, steps(v.trace)])).toEqual([['deadlock', 4]]);
    expect(r.stats.por?.traces).toMatch(/^shortest in the unreduced graph: a breadth-first search without reduction to depth \d+ \(\d+ states\)$/);
  });

  it('is deterministic', () => {
    const spec = withReferenceFootprints(twoPhase({ rm: 3 }));
    expect(withoutTiming(check(spec, { allViolations: true }))).toEqual(withoutTiming(check(spec, { allViolations: true })));
  });
});

describe('footprint checking (MC205)', () => {
  const base = noPredicates(counter({ k: 3, m: 4 } as never) as Spec<any>);

  it('catches an undeclared write', () => {
    const wrong = withFootprints(base, { actions: { Inc: (i: number) => ({ reads: [`c[${i}]`], writes: [`c[${(i + 1) % 3}]`] }) } });
    const r = check(wrong, { ...exact, checkFootprints: true });
    expect(r.status).toBe('error');
    expect(r.error?.code).toBe('MC205');
    expect(r.error?.message).toMatch(/^action Inc\(c0\) has a wrong footprint: it changed c\[0\], which its footprint does not declare written \(writes: \[c\[1\]\]\)/);
  });

  it('catches an undeclared read', () => {
    // Step moves x only when y = 1, but declares it reads x alone.
    const spec: Spec<{ x: number; y: number }> = {
      name: 'hidden-read',
      variables: { x: { kind: 'int', lo: 0, hi: 2 } as never, y: { kind: 'int', lo: 0, hi: 1 } as never },
      init: () => [{ x: 0, y: 0 }],
      actions: [
        { name: 'Step', next: (s) => (s.y === 1 && s.x < 2 ? { ...s, x: s.x + 1 } : undefined), footprint: { reads: ['x'], writes: ['x'] } },
        { name: 'Flip', next: (s) => ({ ...s, y: 1 - s.y }), footprint: { reads: ['y'], writes: ['y'] } },
      ],
    };
    const r = check(spec, { ...exact, checkFootprints: true });
    expect(r.error?.code).toBe('MC205');
    expect(r.error?.message).toMatch(/^action Step has a wrong footprint: it reads something outside its declared reads \[x\].*the states differ in y/);
  });

  it('catches an invariant reading more than it declares', () => {
    const spec = withFootprints(counter({ k: 3, m: 4 } as never) as Spec<any>, {
      actions: { Inc: (i: number) => ({ reads: [`c[${i}]`], writes: [`c[${i}]`] }) },
      predicates: { 'all counters at max': ['c[0]'] },
    });
    const r = check(spec, { ...exact, checkFootprints: true });
    expect(r.error?.code).toBe('MC205');
    expect(r.error?.message).toMatch(/^witness all counters at max has wrong reads/);
  });

  it('catches a guard that is not a necessary condition, and a guard reading more than it declares', () => {
    const guard = (holds: (s: { c: readonly number[] }) => boolean, reads: string[]) =>
      withFootprints(base, { actions: { Inc: (i: number) => ({ reads: [`c[${i}]`], writes: [`c[${i}]`], guards: [{ reads, holds }] }) } });
    const notNecessary = check(guard((s) => s.c[0] === 1, ['c[0]']), { ...exact, checkFootprints: true });
    expect(notNecessary.error?.message).toMatch(/^action Inc\(c0\) has a wrong footprint: its guard 0 is false on \{"c":\[0,0,0\]\}, yet the action fires there/);
    // Counters that stop at 3: Inc(i) fires iff c[i] < 3; a guard saying so but declaring it reads c[1] is caught.
    const stopping: Spec<{ c: readonly number[] }> = {
      ...base,
      actions: [
        {
          name: 'Inc',
          params: [0, 1, 2],
          next: (s, i: number) => (s.c[i] < 3 ? { c: s.c.map((x, j) => (j === i ? x + 1 : x)) } : undefined),
          footprint: (i: number) => ({ reads: [`c[${i}]`], writes: [`c[${i}]`], guards: [{ reads: ['c[1]'], holds: (s: { c: readonly number[] }) => s.c[i] < 3 }] }),
        },
      ],
    };
    const reads = check(stopping, { ...exact, checkFootprints: true });
    expect(reads.error?.code).toBe('MC205');
    expect(reads.error?.message).toMatch(/^action Inc\(0\): footprint guard 0 reads something outside \[c\[1\]\]: .* they differ in c\[0\]/);
  });

  it('rejects a component that names no variable (MC204)', () => {
    const wrong = withFootprints(base, { actions: { Inc: { reads: ['d[0]'], writes: ['c'] } } });
    const r = check(wrong, exact);
    expect([r.error?.code, r.error?.message]).toEqual(['MC204', "action Inc(c0): footprint component 'd[0]' names no variable of spec counter (variables: c)"]);
  });

  it('a wrong footprint left unchecked is caught by the unreduced trace search when it loses a violation', () => {
    // Declares Flip independent of Step: the reduction then never interleaves them where it matters.
    const spec: Spec<{ x: number; y: number }> = {
      name: 'lost',
      variables: { x: { kind: 'int', lo: 0, hi: 1 } as never, y: { kind: 'int', lo: 0, hi: 1 } as never },
      init: () => [{ x: 0, y: 0 }],
      actions: [
        { name: 'A', next: (s) => (s.x === 0 ? { ...s, x: 1 } : undefined), footprint: { reads: ['x'], writes: ['x'] } },
        { name: 'B', next: (s) => (s.y === 0 && s.x === 0 ? { ...s, y: 1 } : undefined), footprint: { reads: ['y'], writes: ['y'] } },
      ],
      terminal: (s) => s.x === 1 && s.y === 1,
      deadlockClass: (s) => `x${s.x}y${s.y}`,
    };
    const off = check(spec, { ...exact, allViolations: true, por: false });
    expect(off.violations.map((v) => v.class)).toEqual(['x1y0']);
    const on = check(spec, { ...exact, allViolations: true });
    if (on.status === 'error') expect(on.error?.code).toBe('MC205');
    else expect(outcome(on)).toEqual(outcome(off)); // (the reduction happened not to lose it)
    expect(check(spec, { ...exact, checkFootprints: true }).error?.code).toBe('MC205');
  });
});

describe('partial-order reduction on random models, cross-checked with the naive explorer', () => {
  let reducedModels = 0;
  let models = 0;
  const family: Record<string, number> = {};
  const reducedFamily: Record<string, number> = {};
  const crosscheck = (spec: Spec<any>, symmetric: boolean): void => {
    models++;
    family[spec.name] = (family[spec.name] ?? 0) + 1;
    const naive = naiveExplore(spec);
    const r = sameWithAndWithout(spec);
    expect(r.stats.por?.status).toBe('on');
    if ((r.stats.por?.reducedStates ?? 0) > 0) {
      reducedModels++;
      reducedFamily[spec.name] = (reducedFamily[spec.name] ?? 0) + 1;
    }
    // Verdicts and violated properties (deadlock classes) as the naive explorer finds them.
    expect(r.violations.map((v) => v.property).sort()).toEqual(Object.keys(naive.shortest).sort());
    // Shortest traces in the unreduced graph.
    if (!symmetric) expect(Object.fromEntries(r.violations.map((v) => [v.property, steps(v.trace)]))).toEqual(naive.shortest);
    if (!symmetric) expect(Object.fromEntries(r.properties.filter((p) => p.status === 'reached').map((p) => [p.name, p.depth]))).toEqual(naive.witnesses);
    // Never more states than the unreduced graph.
    expect(r.stats.distinctStates).toBeLessThanOrEqual(symmetric ? naive.orbits : naive.reachable);
  };

  it('plain models (the cross-check generator, with their exact footprints): 200 runs', () => {
    fc.assert(fc.property(plainModelArb(2), (m) => crosscheck(withFootprints(plainSpec(m), plainFootprints(m)), false)), { seed: SEED, numRuns: 200 });
  });

  it('symmetric models (with symmetry reduction on, after the reduction): 120 runs', () => {
    fc.assert(fc.property(symModelArb(2), (m) => crosscheck(withFootprints(symSpec(m), symFootprints(m)), true)), { seed: SEED, numRuns: 120 });
  });

  it('process models (program counters and shared variables): 200 runs', () => {
    fc.assert(fc.property(procModelArb, (m) => crosscheck(procSpec(m), false)), { seed: SEED, numRuns: 200 });
  });

  afterAll(() => {
    // At least 500 models, and the reduction must actually have reduced some of them (with seed 4242: 43,
    // 38 of them process models; most random models are too interlocked, or their invariants read too much).
    expect(models).toBe(520);
    expect(family).toEqual({ 'random-plain': 200, 'random-symmetric': 120, 'random-procs': 200 });
    expect(reducedModels).toBeGreaterThanOrEqual(40);
    expect(reducedFamily['random-procs']).toBeGreaterThanOrEqual(30);
  });
});

describe('docs/api.md worked example', () => {
  it('independent counters: 4 states with POR, 64 without', () => {
    type S = { c: readonly number[] };
    const counters: Spec<S> = {
      name: 'counters',
      variables: { c: array(3, int(0, 3)) },
      init: () => [{ c: [0, 0, 0] }],
      actions: [
        {
          name: 'Inc',
          params: [0, 1, 2],
          next: (s, i: number) => ({ c: s.c.map((x, j) => (j === i ? (x + 1) % 4 : x)) }),
          footprint: (i: number) => ({ reads: [`c[${i}]`], writes: [`c[${i}]`] }),
        },
      ],
    };
    const on = check(counters, { checkFootprints: true });
    expect([on.status, on.stats.distinctStates]).toEqual(['holds', 4]);
    expect(check(counters, { por: false }).stats.distinctStates).toBe(64);
    const all = (s: S): boolean => s.c.every((x) => x < 4);
    expect(check({ ...counters, invariants: [{ name: 'all', holds: all, reads: ['c'] }] }).stats.distinctStates).toBe(64);
    expect(check({ ...counters, invariants: [{ name: 'first', holds: (s) => s.c[0] < 4, reads: ['c[0]'] }] }).stats.por).toMatchObject({ status: 'on', provisoExpansions: 16 });
  });
});

describe('partial-order reduction and --workers', () => {
  it('runs a reduced spec in this thread: the same result for 1 and 2 workers', () => {
    const path = require('path') as typeof import('path');
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const { build } = require('../cli/fixtures/footprints') as { build: (c: object) => Spec<any> };
    const recipe = { module: path.join(__dirname, '..', 'cli', 'fixtures', 'footprints'), exportName: 'build', args: [{}] };
    const one = check(build({}), { ...exact, allViolations: true });
    const two = check(build({}), { ...exact, allViolations: true, workers: 2, recipe });
    expect(withoutTiming(two)).toEqual(withoutTiming(one));
    expect([one.stats.distinctStates, one.stats.por?.status, two.stats.workers]).toEqual([10, 'on', undefined]);
  });
});
