/**
 * Liveness cross-check: ≥ 500 random small models (fast-check, fixed seed)
 * with temporal properties (<>P, []<>P, P ~> Q) and weak/strong fairness per
 * action, per process and per every process. The engine's verdict for each
 * property must equal that of the independent naive checker (explicit graph,
 * Kosaraju SCCs, enabledness by re-running the actions), under the exact and
 * the fingerprint store, and every lasso it prints must check out by hand:
 * real transitions from an initial state, a closing step (or stuttering), the
 * property false on it, and a fair cycle.
 */
import fc from 'fast-check';
import { check } from '../../checker/index';
import { lassoProblem, liveModelArb, liveSpec, naiveLiveness } from '../helpers/naiveLiveness';

const SEED = 1212;

describe('liveness cross-check against the naive checker', () => {
  it('should agree on verdicts and print valid lassos for 600 random models with fairness', () => {
    const tally = { models: 0, violated: 0, holds: 0, withFairness: 0, strong: 0, cycles: 0, stutters: 0 };
    fc.assert(
      fc.property(liveModelArb, (m) => {
        const spec = liveSpec(m);
        const naive = naiveLiveness(spec);
        tally.models++;
        if ((spec.fairness ?? []).length) tally.withFairness++;
        if ((spec.fairness ?? []).some((f) => f.kind === 'strong')) tally.strong++;
        for (const store of [{ kind: 'exact' as const }, { kind: 'fingerprint' as const }]) {
          const r = check(spec, { store, allViolations: true });
          expect(r.status).not.toBe('error');
          expect(r.complete).toBe(true);
          const engine = Object.fromEntries(r.properties.filter((p) => p.kind === 'temporal').map((p) => [p.name, p.status]));
          expect(engine).toEqual(naive);
          for (const v of r.violations.filter((x) => x.kind === 'temporal')) {
            expect(lassoProblem(spec, v)).toBeUndefined();
            if (store.kind === 'exact') {
              if (v.loopStep?.action === null) tally.stutters++;
              else tally.cycles++;
            }
          }
          // Each violated property has exactly one lasso (no livelockClass: one class).
          for (const [name, st] of Object.entries(engine)) expect(r.violations.filter((x) => x.property === name).length).toBe(st === 'violated' ? 1 : 0);
        }
        for (const st of Object.values(naive)) tally[st]++;
      }),
      { seed: SEED, numRuns: 600 },
    );
    if (process.env.H6_TALLY) console.log(tally);
    // The generator really exercised both verdicts, fairness, and both lasso shapes.
    expect(tally.models).toBe(600);
    expect(tally.violated).toBeGreaterThan(100);
    expect(tally.holds).toBeGreaterThan(100);
    expect(tally.withFairness).toBeGreaterThan(300);
    expect(tally.strong).toBeGreaterThan(100);
    expect(tally.cycles).toBeGreaterThan(50);
    expect(tally.stutters).toBeGreaterThan(50);
  });

  it('should stop at the first violated property without --all-violations, and say the rest is unknown', () => {
    // Both properties fail without fairness: the run reports the first only.
    const m = fc.sample(liveModelArb, { seed: 3, numRuns: 200 }).find((x) => {
      const n = naiveLiveness(liveSpec(x));
      return Object.keys(n).length === 2 && Object.values(n).every((s) => s === 'violated') && liveSpec(x).checkDeadlock === false;
    });
    expect(m).toBeDefined();
    const r = check(liveSpec(m!), {});
    expect(r.status).toBe('violated');
    expect(r.violations.map((v) => v.property)).toEqual(['prop0']);
    expect(r.properties.filter((p) => p.kind === 'temporal').map((p) => p.status)).toEqual(['violated', 'unknown']);
  });
});
