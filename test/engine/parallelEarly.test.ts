/**
 * The parallel BFS's early chunks (checker/parallel/search.ts,
 * `dispatchEarly`): while the coordinator merges a two-phase level, the
 * workers get the first chunks of the next one. Whole searches at 1, 2 and 3
 * workers with early chunks on and off give the same result (timings aside),
 * on the counter model and on random models (fast-check, seeded) with the
 * first violation or all of them and with --max-states; and the early chunks
 * really were sent.
 */
import * as path from 'path';
import fc from 'fast-check';
import { check } from '../../checker/index';
import type { AnySpec, CheckOptions, CheckResult, SpecRecipe } from '../../checker/index';
import { closePool } from '../../checker/parallel/pool';
import * as search from '../../checker/parallel/search';
import { counterPacked } from '../../specs/reference/counter';
import { plainModelArb, plainSpec } from '../helpers/randomSpecs';

const root = path.resolve(__dirname, '..', '..');

/** The result without what may differ between worker counts. */
function comparable(r: CheckResult): unknown {
  const { seconds: _s, statesPerSecond: _p, workers: _w, frontierSpilled: _f, ...stats } = r.stats;
  return { ...r, stats };
}

jest.setTimeout(600_000);
afterAll(() => closePool());

const runs = (recipe: SpecRecipe, spec: AnySpec, options: CheckOptions): void => {
  const one = comparable(check(spec, { ...options, workers: 1 }));
  for (const workers of [2, 3]) {
    const used: (number | undefined)[] = [];
    for (const earlyDispatch of [true, false]) {
      const r = check(spec, { ...options, workers, recipe, parallel: { minLevel: 1, waitForWorkers: true, earlyDispatch } });
      expect(comparable(r)).toEqual(one);
      used.push(r.stats.workers);
    }
    // Early chunks never make the search fall back to one thread (a model may, with or without them: a spec error).
    expect(used[0]).toBe(used[1]);
  }
};

describe('early chunks of the next level: the sequential result at 2 and 3 workers', () => {
  const counter = (k: number, m: number): SpecRecipe => ({ module: path.join(root, 'specs', 'reference', 'counter'), exportName: 'counterPacked', args: [{ k, m }] });

  test('counter 6x7 (117,649 states), with its invariant and witness', () => {
    const before = search.earlyChunks;
    runs(counter(6, 7), counterPacked({ k: 6, m: 7 }), {});
    expect(search.earlyChunks - before).toBeGreaterThan(50);
    expect(check(counterPacked({ k: 6, m: 7 }), { workers: 2, recipe: counter(6, 7), parallel: { minLevel: 1, waitForWorkers: true } }).stats.workers).toBe(2);
  });

  test('counter 5x6, --max-states in a wide level, and --max-depth', () => {
    runs(counter(5, 6), counterPacked({ k: 5, m: 6 }), { maxStates: 5000 });
    runs(counter(5, 6), counterPacked({ k: 5, m: 6 }), { maxDepth: 9 });
  });

  test('random models (fast-check, seeded), first violation and all violations', () => {
    const helpers = path.join(root, 'test', 'helpers', 'randomSpecs');
    fc.assert(
      fc.property(plainModelArb(2), fc.boolean(), fc.option(fc.integer({ min: 1, max: 60 })), (m, all, maxStates) => {
        runs({ module: helpers, exportName: 'plainSpec', args: [m] }, plainSpec(m), { allViolations: all, ...(maxStates !== null ? { maxStates } : {}) });
      }),
      { seed: 31, numRuns: 25 },
    );
  });
});
