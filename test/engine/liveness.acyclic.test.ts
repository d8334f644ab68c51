/**
 * The acyclic path of the liveness check (checker/liveness.ts,
 * `analyseAcyclic`; docs/architecture.md, "Liveness: the acyclic path"):
 * with symmetry on, when the quotient graph has no cycle, every transition is
 * under fairness and every goal holds on the whole orbit of every final state,
 * the properties hold; otherwise the full symmetry-off search decides.
 *
 * Cross-checked on 600 random symmetric models (randomSpecs' symModelArb,
 * with temporal properties over symmetric and asymmetric predicates, half of
 * them made acyclic by a step counter) against the independent naive checker
 * on the unreduced graph, and against the engine's own full search.
 */
import fc from 'fast-check';
import { check, CheckResult, int, mapOf, Spec } from '../../checker/index';
import { lassoProblem, naiveLiveness, symLiveModelArb, symLiveSpec } from '../helpers/naiveLiveness';

const SEED = 1213;
const statuses = (r: CheckResult) => Object.fromEntries(r.properties.filter((p) => p.kind === 'temporal').map((p) => [p.name, p.status]));

describe('liveness: the acyclic path, with symmetry', () => {
  it('should agree with the naive checker and the full search on 600 random symmetric models', () => {
    const tally = { models: 0, acyclic: 0, fallbackCycle: 0, fallbackGoal: 0, fallbackFairness: 0, full: 0, holds: 0, violated: 0, reduced: 0, asymmetric: 0 };
    fc.assert(
      fc.property(symLiveModelArb, (m) => {
        const spec = symLiveSpec(m);
        tally.models++;
        if (m.props.some((p) => p.p.kind === 'a0' || p.q.kind === 'a0')) tally.asymmetric++;
        const naive = naiveLiveness(spec);
        const r = check(spec, { allViolations: true });
        expect(r.status).not.toBe('error');
        expect(r.complete).toBe(true);
        expect(statuses(r)).toEqual(naive);
        const full = check(spec, { allViolations: true, livenessMethod: 'full' });
        expect(statuses(full)).toEqual(naive);
        expect(full.stats.liveness?.method).toBe('full');
        const live = r.stats.liveness!;
        if (live.method === 'acyclic') {
          tally.acyclic++;
          // Decided on the reduced graph: symmetry stayed on, the counts are the safety search's.
          expect(Object.values(naive).every((s) => s === 'holds')).toBe(true);
          const safety = check({ ...spec, properties: [] }, { allViolations: true });
          expect(r.stats.distinctStates).toBe(safety.stats.distinctStates);
          expect(r.stats.symmetry).toBe(safety.stats.symmetry);
          if (r.stats.distinctStates < full.stats.distinctStates) tally.reduced++;
        } else {
          if (live.fallback === undefined) tally.full++;
          else if (/cycle|self-loop/.test(live.fallback)) tally.fallbackCycle++;
          else if (/goal/.test(live.fallback)) tally.fallbackGoal++;
          else if (/fairness/.test(live.fallback)) tally.fallbackFairness++;
          // The fallback is the full search: same counts and lassos.
          expect(r.stats.distinctStates).toBe(full.stats.distinctStates);
          expect(r.violations.filter((v) => v.kind === 'temporal').map((v) => [v.property, v.trace.length, v.loop])).toEqual(
            full.violations.filter((v) => v.kind === 'temporal').map((v) => [v.property, v.trace.length, v.loop]),
          );
          for (const v of r.violations.filter((x) => x.kind === 'temporal')) expect(lassoProblem(spec, v)).toBeUndefined();
        }
        for (const st of Object.values(naive)) tally[st]++;
      }),
      { seed: SEED, numRuns: 600 },
    );
    if (process.env.S7_TALLY) console.log(tally);
    expect(tally.models).toBe(600);
    // Every branch is exercised: decided by the acyclic path (often on a smaller graph), fallbacks for a cycle, a goal, and fairness.
    expect(tally.acyclic).toBeGreaterThan(60);
    expect(tally.reduced).toBeGreaterThan(20);
    expect(tally.fallbackCycle).toBeGreaterThan(40);
    expect(tally.fallbackGoal).toBeGreaterThan(30);
    expect(tally.fallbackFairness).toBeGreaterThan(30);
    expect(tally.violated).toBeGreaterThan(100);
    expect(tally.holds).toBeGreaterThan(100);
    expect(tally.asymmetric).toBeGreaterThan(100);
  });

  // Two symmetric processes, each counting a[p] from 0 to 2 (acyclic), or 0 -> 1 -> 0 (a cycle).
  const counters = (cyclic: boolean, goal: (s: { a: number[] }) => boolean): Spec<{ a: number[] }> => ({
    name: cyclic ? 'cyclic-counters' : 'counters',
    symmetric: { p: 2 },
    variables: { a: mapOf('p', int(0, 2)) },
    init: () => [{ a: [0, 0] }],
    actions: [
      {
        name: 'Inc',
        params: [0, 1],
        next: (s, p: number) => (s.a[p] < 2 ? { a: s.a.map((x, i) => (i === p ? (cyclic && x === 1 ? 0 : x + 1) : x)) } : undefined),
      },
    ],
    terminal: () => true,
    properties: [{ name: 'done', kind: 'eventually', p: goal }],
    fairness: [{ kind: 'weak', process: '*' }],
  });

  it('should decide "holds" by the acyclic path on the symmetry quotient (6 of 9 states)', () => {
    const r = check(counters(false, (s) => s.a.every((x) => x === 2)), {});
    expect([r.status, statuses(r), r.stats.distinctStates, r.stats.symmetry, r.stats.liveness?.method, r.stats.liveness?.finalStates]).toEqual([
      'holds',
      { done: 'holds' },
      6,
      'exact (sorting)',
      'acyclic',
      1,
    ]);
  });

  it('should fall back to the full search when the graph has a cycle, and find the livelock lasso there', () => {
    const r = check(counters(true, (s) => s.a.every((x) => x === 2)), {});
    expect(r.stats.liveness?.method).toBe('full');
    expect(r.stats.liveness?.fallback).toMatch(/cycle/);
    expect(r.stats.symmetry).toBe('off (temporal properties)');
    expect(r.status).toBe('violated');
    const v = r.violations[0];
    expect([v.kind, v.property, v.loopStep?.action]).toEqual(['temporal', 'done', 'Inc']);
    expect(naiveLiveness(counters(true, (s) => s.a.every((x) => x === 2)))).toEqual({ done: 'violated' });
  });

  it('should evaluate an asymmetric goal on the whole orbit of each final state, and fall back when an image fails it', () => {
    // Final states: a = [2, 2] only; a goal on process 0 alone holds there under every permutation.
    expect(check(counters(false, (s) => s.a[0] === 2), {}).stats.liveness?.method).toBe('acyclic');
    // a[p] goes 0 -> 1, and 1 -> 2 only while the other is 0: final states [1, 1] and the orbit {[2, 1], [1, 2]}.
    // <>(a[0] = 2) holds at [2, 1] but not at its image [1, 2]: the acyclic path must see the image and hand over.
    const base = counters(false, (s) => s.a[0] === 2);
    const spec = {
      ...base,
      actions: [{ ...base.actions[0], next: (s: { a: number[] }, p: number) => (s.a[p] === 0 || (s.a[p] === 1 && s.a[1 - p] === 0) ? { a: s.a.map((x, i) => (i === p ? x + 1 : x)) } : undefined) }],
    };
    const r = check(spec, {});
    expect(r.stats.liveness?.method).toBe('full');
    expect(r.stats.liveness?.fallback).toMatch(/goal of done/);
    expect(r.status).toBe('violated');
    expect(naiveLiveness(spec)).toEqual({ done: 'violated' });
  });

  it('should fall back when some transition is under no fairness condition', () => {
    const spec = counters(false, (s) => s.a.every((x) => x === 2));
    const r = check({ ...spec, fairness: [] }, {});
    expect([r.stats.liveness?.method, r.stats.liveness?.fallback, r.status]).toEqual(['full', 'some transition is under no fairness condition', 'violated']);
  });

  it('should say which method decided in the text report', () => {
    const r = check(counters(false, (s) => s.a.every((x) => x === 2)), {});
    expect(r.stats.liveness).toMatchObject({ method: 'acyclic', finalStates: 1 });
    const off = check(counters(false, (s) => s.a.every((x) => x === 2)), { livenessMethod: 'full' });
    expect([off.stats.liveness?.method, off.stats.distinctStates, off.status]).toEqual(['full', 9, 'holds']);
  });
});
