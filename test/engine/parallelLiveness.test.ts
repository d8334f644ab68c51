/**
 * Parallel BFS with temporal properties (checker/parallel): the workers send
 * every successor's edge of the state graph (and, per mode, the predicates'
 * or the goals' masks) and the coordinator records them in the sequential
 * search's order, so that at 1, 2 and 3 workers the whole result is the same:
 * counts, verdicts, classes, safety traces, liveness verdicts, lassos and
 * liveness stats (edges, bytes, method, final states; timings aside).
 * Covered: the full analysis (symmetry off: Peterson, philosophers with weak,
 * strong and no fairness, lasso counterexamples), the acyclic path (the
 * kernel model, symmetric) and its fallback to the full analysis, early
 * stops, --no-liveness, and the two-phase levels.
 */
import * as path from 'path';
import fc from 'fast-check';
import { check } from '../../checker/index';
import type { AnySpec, CheckOptions, CheckResult, SpecRecipe } from '../../checker/index';
import { closePool } from '../../checker/parallel/pool';
import * as parallelSearch from '../../checker/parallel/search';

const root = path.resolve(__dirname, '..', '..');
const ref = (file: string, exportName: string, ...args: unknown[]): SpecRecipe => ({ module: path.join(root, 'specs', 'reference', file), exportName, args });
const build = (r: SpecRecipe): AnySpec => (require(r.module) as Record<string, (...a: unknown[]) => AnySpec>)[r.exportName as string](...(r.args ?? []));

/** The result without what may differ between worker counts (timings, the number of threads). */
function comparable(r: CheckResult): unknown {
  const { seconds: _s, statesPerSecond: _p, workers: _w, frontierSpilled: _f, liveness, ...stats } = r.stats;
  const lv = liveness ? (({ seconds: _ls, ...rest }) => rest)(liveness) : undefined;
  return JSON.parse(JSON.stringify({ ...r, stats: { ...stats, ...(lv ? { liveness: lv } : {}) } }));
}

/** Runs at 1, 2 and 3 workers (threads from the first level, and mixed with this thread's chunks); expects one result. */
function same(recipe: SpecRecipe, options: CheckOptions = {}): CheckResult {
  const spec = build(recipe);
  const one = check(spec, { ...options, workers: 1 });
  for (const workers of [2, 3]) {
    const r = check(spec, { ...options, workers, recipe, parallel: { minLevel: 1, waitForWorkers: true } });
    expect(r.stats.workers).toBe(workers);
    expect(comparable(r)).toEqual(comparable(one));
    const mixed = check(spec, { ...options, workers, recipe, parallel: { minLevel: 1 } });
    expect(comparable(mixed)).toEqual(comparable(one));
  }
  return one;
}

const temporal = (r: CheckResult): Record<string, string> => Object.fromEntries(r.properties.filter((p) => p.kind === 'temporal').map((p) => [p.name, p.status]));

jest.setTimeout(600_000);
afterAll(() => closePool());

describe('temporal properties: the same result at 1, 2 and 3 workers (reference models)', () => {
  test('peterson, weak fairness: both hold (full analysis)', () => {
    const r = same(ref('peterson', 'peterson', { fairness: 'weak' }));
    expect(temporal(r)).toEqual({ 'StarvationFree(p0)': 'holds', 'StarvationFree(p1)': 'holds' });
    expect(r.stats.liveness?.method).toBe('full');
    expect(r.stats.liveness?.edges).toBeGreaterThan(0);
  });
  test('peterson, no fairness, all violations: the same lassos', () => {
    const r = same(ref('peterson', 'peterson', { fairness: 'none' }), { allViolations: true });
    expect(r.violations.filter((v) => v.kind === 'temporal').length).toBe(2);
  });
  test('peterson, no fairness, first violation', () => {
    same(ref('peterson', 'peterson', { fairness: 'none' }));
  });
  test.each([
    ['weak', {}],
    ['strong', { allViolations: true }],
    ['none', { allViolations: true }],
    ['weak', { symmetry: false, allViolations: true }],
    ['weak', { store: { kind: 'exact' } }],
  ] as [string, CheckOptions][])('philosophers n=4, %s fairness, %j', (fairness, options) => {
    const r = same(ref('philosophers', 'philosophers', { n: 4, fairness }), options);
    expect(Object.keys(temporal(r)).length).toBe(4);
  });
  test('philosophers n=5, weak fairness, every violation: deadlocks and temporal verdicts', () => {
    const r = same(ref('philosophers', 'philosophers', { n: 5, fairness: 'weak' }), { allViolations: true });
    expect(r.violations.some((v) => v.kind === 'deadlock')).toBe(true);
  });
  test('an early stop (--max-states): temporal properties unknown, as in one thread', () => {
    const r = same(ref('philosophers', 'philosophers', { n: 5, fairness: 'weak' }), { allViolations: true, maxStates: 50 });
    expect(r.complete).toBe(false);
  });
  test('--no-liveness: the temporal properties are listed as disabled, as in one thread', () => {
    const r = same(ref('peterson', 'peterson', { fairness: 'weak' }), { liveness: false });
    expect(temporal(r)).toEqual({ 'StarvationFree(p0)': 'disabled', 'StarvationFree(p1)': 'disabled' });
  });
});

describe('random symmetric models with temporal properties (fast-check, seeded): the acyclic path and its fallback', () => {
  test('the same result at 1, 2 and 3 workers', () => {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const { symLiveModelArb } = require('../helpers/naiveLiveness') as typeof import('../helpers/naiveLiveness');
    const module = path.join(root, 'test', 'helpers', 'naiveLiveness');
    const tally = { acyclic: 0, fallback: 0, full: 0 };
    fc.assert(
      fc.property(symLiveModelArb, fc.boolean(), (m, all) => {
        const r = same({ module, exportName: 'symLiveSpec', args: [m] }, { allViolations: all });
        const lv = r.stats.liveness;
        if (lv?.method === 'acyclic') tally.acyclic++;
        else if (lv?.fallback !== undefined) tally.fallback++;
        else tally.full++;
      }),
      { seed: 1213, numRuns: 60 },
    );
    // Both paths ran on the threads: decided by the acyclic path, and the full symmetry-off search after it.
    expect(tally.acyclic).toBeGreaterThan(5);
    expect(tally.fallback).toBeGreaterThan(5);
  });
});

describe('temporal properties on the kernel model (the liveness stack recipe), at 1, 2 and 3 workers', () => {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const { stackLivenessRecipe } = require('../../specs/recipes') as typeof import('../../specs/recipes');
  const stack = (name: string, params: Record<string, string>, workload: 'write' | 'read' = 'write') => stackLivenessRecipe({ stack: name, workload, params, fixes: [] });
  test.each([
    ['report-2019, every class (the acyclic path)', stack('report-2019', {}), { allViolations: true }],
    ['report-2019, first deadlock', stack('report-2019', {}), {}],
    ['report-2019, read workload, every class', stack('report-2019', {}, 'read'), { allViolations: true }],
    ['report-2019, every class, the full analysis (symmetry off)', stack('report-2019', {}), { allViolations: true, livenessMethod: 'full' }],
  ] as [string, SpecRecipe, CheckOptions][])('%s', (_name, recipe, options) => {
    const before = parallelSearch.partitionedLevels;
    const r = same(recipe, options);
    expect(r.stats.distinctStates).toBeGreaterThan(500);
    expect(Object.keys(temporal(r)).length).toBeGreaterThan(0);
    expect(r.stats.liveness?.edges).toBeGreaterThan(r.stats.distinctStates);
    if (options.allViolations) expect(parallelSearch.partitionedLevels).toBeGreaterThan(before);
  });
});
