/**
 * The memory budget (`memory`, `--memory`): a BFS frontier beyond it spills
 * to disk and the search gives the same result as in memory (counts, traces,
 * JSON), sequentially and with workers; a visited set beyond it ends the
 * search with MC301 (exit 153) saying how far it got. The spilling frontier
 * itself is a FIFO (fast-check, seeded).
 */
import * as path from 'path';
import fc from 'fast-check';
import { check } from '../../checker/index';
import type { CheckResult } from '../../checker/index';
import { SpillFrontier } from '../../checker/frontier';
import { closePool } from '../../checker/parallel/pool';
import { wideCounter } from './parallelFixtures';

afterAll(() => closePool());

function comparable(r: CheckResult): unknown {
  const { seconds: _s, statesPerSecond: _p, workers: _w, frontierSpilled: _f, memoryBudget: _m, ...stats } = r.stats;
  return { ...r, stats };
}

describe('SpillFrontier', () => {
  test('pops in push order, whatever the limit and the interleaving (fast-check)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 40 }), { minLength: 1, maxLength: 30 }), fc.integer({ min: 0, max: 4096 }), (bursts, limit) => {
        const W = 3;
        const f = new SpillFrontier(W, limit, 256);
        let pushed = 0;
        let popped = 0;
        const out = new Uint32Array(W);
        try {
          for (const [i, b] of bursts.entries()) {
            for (let j = 0; j < b; j++, pushed++) f.push(Uint32Array.of(pushed, pushed * 3, 7), 0, pushed, pushed % 5);
            const take = i % 2 === 0 ? Math.floor(f.size / 2) : f.size;
            for (let j = 0; j < take; j++, popped++) {
              expect(f.pop(out)).toBe(popped);
              expect([...out]).toEqual([popped, popped * 3, 7]);
              expect(f.lastDepth).toBe(popped % 5);
            }
          }
          expect(f.size).toBe(pushed - popped);
        } finally {
          f.dispose();
        }
      }),
      { seed: 3, numRuns: 60 },
    );
  });
  test('spills beyond its limit and reads the blocks back', () => {
    const f = new SpillFrontier(1, 1024, 256);
    for (let i = 0; i < 1000; i++) f.push(Uint32Array.of(i), 0, i, 0);
    expect(f.spilled).toBeGreaterThan(500);
    const out = new Uint32Array(1);
    for (let i = 0; i < 1000; i++) expect(f.pop(out)).toBe(i);
    f.dispose();
  });
});

describe('a search under a tiny memory budget', () => {
  const spec = wideCounter(5, 8);
  const inMemory = check(spec, { allViolations: true });
  test('the model is what the test needs (32,768 states, about 40 words each)', () => {
    expect(inMemory.stats.distinctStates).toBe(8 ** 5);
    expect(inMemory.stats.stateWords).toBeGreaterThan(35);
    expect(inMemory.status).toBe('violated');
  });
  test('spills the frontier and gives the in-memory result', () => {
    const r = check(spec, { allViolations: true, memory: 1 << 20 });
    expect(r.stats.frontierSpilled).toBeGreaterThan(1000);
    expect(r.stats.memoryBudget).toBe(1 << 20);
    expect(r.stats.peakFrontier).toBe(inMemory.stats.peakFrontier);
    expect(comparable(r)).toEqual(comparable(inMemory));
  });
  test('with workers too', () => {
    const recipe = { module: path.join(__dirname, 'parallelFixtures'), exportName: 'wideCounter', args: [5, 8] };
    const r = check(spec, { allViolations: true, memory: 1 << 20, workers: 2, recipe, parallel: { minLevel: 1, waitForWorkers: true } });
    expect(r.stats.workers).toBe(2);
    expect(r.stats.frontierSpilled).toBeGreaterThan(0);
    expect(comparable(r)).toEqual(comparable(inMemory));
  });
  test('a visited set beyond the budget ends the search with MC301, saying how far it got', () => {
    const r = check(spec, { allViolations: true, memory: 512 * 1024 });
    expect(r.status).toBe('error');
    expect(r.complete).toBe(false);
    expect(r.error?.code).toBe('MC301');
    expect(r.error?.message).toMatch(/^out of memory: the visited set and parent links need [\d.]+ MiB, more than the --memory budget of 0\.5 MiB, after 1 distinct states \(depth 0 reached\)/);
    expect(r.properties.find((p) => p.kind === 'deadlock')?.status).toBe('unknown');
  });
});

describe('gfpcheck check --memory, --workers', () => {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const { gfpcheck } = require('../cli/helpers') as typeof import('../cli/helpers');
  test('a visited set beyond --memory: exit 153 and how far the search got', async () => {
    const r = await gfpcheck(['check', 'counter', '--const', 'k=6', '--const', 'm=10', '--memory', '1M', '--workers', '1']);
    expect(r.code).toBe(153);
    expect(r.out + r.err).toMatch(/out of memory: the visited set and parent links need [\d.]+ MiB, more than the --memory budget of 1\.0 MiB, after [\d,]+ distinct states \(depth \d+ reached\)/);
    expect(r.out + r.err).toMatch(/MC301/);
  });
  test.each([
    ['--memory', 'lots'],
    ['--memory', '100K'],
    ['--workers', '0'],
    ['--workers', '65'],
  ])('%s %s is a usage error (151)', async (flag, value) => {
    const r = await gfpcheck(['check', 'diehard', flag, value]);
    expect(r.code).toBe(151);
  });
  test('--workers 2 gives the JSON of --workers 1 (timings aside)', async () => {
    const json = async (w: string) => {
      const r = await gfpcheck(['check', 'twophase', '--const', 'rm=5', '--format', 'json', '--workers', w]);
      const j = JSON.parse(r.out) as { stats: Record<string, unknown> };
      delete j.stats.seconds;
      delete j.stats.statesPerSecond;
      return j;
    };
    expect(await json('2')).toEqual(await json('1'));
  });
});
