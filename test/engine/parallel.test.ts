/**
 * Parallel BFS (checker/parallel): the same model at 1, 2 and 3 workers gives
 * the same result (distinct states, generated states, coverage, queue,
 * verdicts, classes, traces; timings aside), on the reference models, on
 * random fast-check models (seeded) under every store and with symmetry off
 * and on, with early stops (first violation, --max-states, --max-depth), and
 * on a kernel stack at writers=1 and 2. `stats.workers` shows that the
 * parallel search ran (it falls back to the sequential one when a worker
 * cannot rebuild the spec or hits a spec error).
 */
import * as path from 'path';
import fc from 'fast-check';
import { check } from '../../checker/index';
import type { AnySpec, CheckOptions, CheckResult, SpecRecipe } from '../../checker/index';
import { closePool } from '../../checker/parallel/pool';
import { CELLS } from '../helpers/matrix';
import { plainModelArb, plainSpec, symModelArb, symSpec } from '../helpers/randomSpecs';

const root = path.resolve(__dirname, '..', '..');
const ref = (file: string, exportName: string, ...args: unknown[]): SpecRecipe => ({ module: path.join(root, 'specs', 'reference', file), exportName, args });
const build = (r: SpecRecipe): AnySpec => (require(r.module) as Record<string, (...a: unknown[]) => AnySpec>)[r.exportName as string](...(r.args ?? []));

/** The result without what may differ between worker counts. */
function comparable(r: CheckResult): unknown {
  const { seconds: _s, statesPerSecond: _p, workers: _w, frontierSpilled: _f, ...stats } = r.stats;
  return { ...r, stats };
}

let parallelRuns = 0;

/**
 * Runs at 1, 2 and 3 workers; expects identical results and (unless
 * `fallback`, or `maybe` for a search that may stop before its first level)
 * that the workers really ran.
 */
function same(recipe: SpecRecipe, options: CheckOptions = {}, fallback = false, maybe = false): CheckResult {
  const spec = build(recipe);
  const one = check(spec, { ...options, workers: 1 });
  for (const workers of [2, 3]) {
    const r = check(spec, { ...options, workers, recipe, parallel: { minLevel: 1, waitForWorkers: true } });
    if (!maybe) expect(r.stats.workers).toBe(fallback ? undefined : workers);
    else if (r.stats.workers === workers) parallelRuns++;
    // Chunks expanded in this thread while the workers start: the same result.
    const mixed = check(spec, { ...options, workers, recipe, parallel: { minLevel: 1 } });
    expect(comparable(mixed)).toEqual(comparable(one));
    expect(comparable(r)).toEqual(comparable(one));
  }
  return one;
}

jest.setTimeout(600_000);
afterAll(() => closePool());

describe('parallel BFS gives the sequential result at 2 and 3 workers', () => {
  test.each([
    ['diehard', ref('dieHard', 'dieHard', {}), {}],
    ['diehard, all violations', ref('dieHard', 'dieHard', {}), { allViolations: true }],
    ['philosophers n=4', ref('philosophers', 'philosophers', { n: 4 }), {}],
    ['philosophers n=4, all violations', ref('philosophers', 'philosophers', { n: 4 }), { allViolations: true }],
    ['peterson', ref('peterson', 'peterson'), {}],
    ['twophase rm=4', ref('twoPhase', 'twoPhase', { rm: 4 }), {}],
    ['twophase rm=4 no symmetry, exact', ref('twoPhase', 'twoPhase', { rm: 4 }), { symmetry: false, store: { kind: 'exact' } }],
    ['twophase rm=4 compact:40', ref('twoPhase', 'twoPhase', { rm: 4 }), { store: { kind: 'compact', bits: 40 }, capacity: 1 << 16 }],
    ['twophase packed rm=4', ref('twoPhasePacked', 'twoPhasePacked', { rm: 4 }), {}],
    ['counter packed 4x5', ref('counter', 'counterPacked', { k: 4, m: 5 }), {}],
    // One --max-omission rule for both engines (core.ts, omissionRule): a bound above it is incomplete, with the same reason.
    ['counter packed 4x5, --max-omission 1e-18', ref('counter', 'counterPacked', { k: 4, m: 5 }), { maxOmission: 1e-18 }],
    ['counter 3x4, max-states 17', ref('counter', 'counter', { k: 3, m: 4 }), { maxStates: 17 }],
    ['twophase rm=3, max-depth 4', ref('twoPhase', 'twoPhase', { rm: 3 }), { maxDepth: 4 }],
    // Stops in the middle of a wide level, with later chunks in flight: the sequential batch is completed.
    ['counter 5x6, max-states 3001', ref('counter', 'counter', { k: 5, m: 6 }), { maxStates: 3001 }],
    ['counter packed 5x6, max-states 5000', ref('counter', 'counterPacked', { k: 5, m: 6 }), { maxStates: 5000 }],
    ['counter packed 5x6, max-depth 9', ref('counter', 'counterPacked', { k: 5, m: 6 }), { maxDepth: 9 }],
    ['philosophers n=7 (first deadlock)', ref('philosophers', 'philosophers', { n: 7 }), {}],
    ['philosophers n=7, no symmetry, exact', ref('philosophers', 'philosophers', { n: 7 }), { symmetry: false, store: { kind: 'exact' }, allViolations: true }],
  ] as [string, SpecRecipe, CheckOptions][])('%s', (_name, recipe, options) => {
    same(recipe, options);
  });

  test('a spec error in a worker: the sequential error, with its trace', () => {
    const recipe: SpecRecipe = { module: path.join(__dirname, 'parallelFixtures'), exportName: 'throwsAtDepth', args: [3] };
    const r = same(recipe, {}, true);
    expect(r.status).toBe('error');
    expect(r.error?.trace?.length).toBe(4);
    expect(r.error?.code).toBe('MC202');
  });

  test('an action that adds a property to its input, in a worker: MC203 from the purity sample, as in this thread', () => {
    const recipe: SpecRecipe = { module: path.join(__dirname, 'parallelFixtures'), exportName: 'addsProperty', args: [3] };
    const r = same(recipe, {}, true);
    expect(r.status).toBe('error');
    expect(r.error?.code).toBe('MC203');
    expect(r.error?.message).toMatch(/action Step mutated its input state/);
  });

  test('a recipe that does not build the spec: this thread expands every chunk', () => {
    const spec = build(ref('dieHard', 'dieHard', {}));
    const r = check(spec, { workers: 2, recipe: ref('peterson', 'peterson'), parallel: { minLevel: 1, waitForWorkers: true } });
    expect(r.stats.workers).toBe(1);
    expect(comparable(r)).toEqual(comparable(check(spec)));
  });
});

describe('random models (fast-check, seeded), every store, symmetry off and on', () => {
  const helpers = path.join(root, 'test', 'helpers', 'randomSpecs');
  beforeEach(() => (parallelRuns = 0));
  test('plain models', () => {
    fc.assert(
      fc.property(plainModelArb(2), fc.constantFrom(...CELLS), fc.boolean(), fc.option(fc.integer({ min: 1, max: 40 })), (m, cell, all, maxStates) => {
        same({ module: helpers, exportName: 'plainSpec', args: [m] }, { store: cell.store, symmetry: cell.symmetry, allViolations: all, capacity: 1 << 12, ...(maxStates !== null ? { maxStates } : {}) }, false, true);
      }),
      { seed: 7, numRuns: 40 },
    );
    expect(parallelRuns).toBeGreaterThan(40);
  });
  test('symmetric models', () => {
    fc.assert(
      fc.property(symModelArb(2), fc.constantFrom(...CELLS), fc.boolean(), fc.option(fc.integer({ min: 0, max: 6 })), (m, cell, all, maxDepth) => {
        same({ module: helpers, exportName: 'symSpec', args: [m] }, { store: cell.store, symmetry: cell.symmetry, allViolations: all, capacity: 1 << 12, ...(maxDepth !== null ? { maxDepth } : {}) }, false, true);
      }),
      { seed: 11, numRuns: 40 },
    );
    expect(parallelRuns).toBeGreaterThan(40);
  });
  // plainSpec and symSpec are referenced so that a rename breaks this test at compile time.
  expect([plainSpec, symSpec].every((f) => typeof f === 'function')).toBe(true);
});

// The kernel model's deadlock classes carry a category (issue 10): both
// engines compute it from the deadlocked state's words when the result is
// built (core.ts, buildViolations), so the kernel model runs on the workers
// too, with the same classes, categories and traces.
describe('the kernel model (specs/recipes.ts rebuilds the stack), on the workers', () => {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const { stackRecipe } = require('../../specs/recipes') as typeof import('../../specs/recipes');
  const stack = (name: string, params: Record<string, string>, workload: 'write' | 'read' = 'write') => stackRecipe({ stack: name, workload, params, fixes: [] });
  test.each([
    ['report-2019, writers=1, every class', stack('report-2019', {}), { allViolations: true }],
    ['report-2019, writers=1, first deadlock', stack('report-2019', {}), {}],
    ['report-2019, writers=1, read workload, every class', stack('report-2019', {}, 'read'), { allViolations: true }],
    ['ext4-ssd, writers=2', stack('ext4-ssd', { writers: '2' }), { allViolations: true }],
    ['report-2019, writers=2, every class up to 4,000 states', stack('report-2019', { writers: '2' }), { allViolations: true, maxStates: 4000 }],
  ] as [string, SpecRecipe, CheckOptions][])('%s', (_name, recipe, options) => {
    const r = same(recipe, options);
    expect(r.stats.distinctStates).toBeGreaterThan(100);
    expect(r.violations.filter((v) => v.kind === 'deadlock').every((v) => typeof v.category === 'string')).toBe(true);
  });
});
