/**
 * The partitioned visited-set inserts of the parallel BFS (two-phase levels,
 * checker/parallel/search.ts `insertLevel`, sharedStore.ts `sharedInsert`):
 *
 * - `sharedInsert` on its own, on small tables (probes that run past a
 *   partition's end and wrap around the table), against a reference: a
 *   candidate is new exactly when its fingerprint is neither stored nor an
 *   earlier candidate; high word 0 is left to the coordinator; whatever the
 *   order in which the partitions run, the same answers and the same set of
 *   entries (fast-check, seeded);
 * - whole searches at 1, 2 and 3 workers with the partitioned inserts on and
 *   off: the same results, and the partitioned path really ran (including
 *   levels whose candidates exceed the table's room, inserted in portions
 *   with the store growing in between).
 */
import * as path from 'path';
import fc from 'fast-check';
import { check } from '../../checker/index';
import type { CheckOptions, CheckResult, SpecRecipe } from '../../checker/index';
import { closePool } from '../../checker/parallel/pool';
import * as search from '../../checker/parallel/search';
import { sharedContains, sharedInsert } from '../../checker/parallel/sharedStore';
import { counterPacked } from '../../specs/reference/counter';
import { plainModelArb, plainSpec } from '../helpers/randomSpecs';

const root = path.resolve(__dirname, '..', '..');

/** A table of `cap` slots in shared memory holding `stored` (pairs with hi ≠ 0 or lo ≠ 0), placed as FingerprintStore places them. */
function tableWith(cap: number, stored: readonly [number, number][]): Uint32Array {
  const t = new Uint32Array(new SharedArrayBuffer(8 * cap));
  for (const [hi, lo] of stored) {
    let s = Math.floor(hi * (cap / 4294967296));
    while (t[2 * s] !== 0 || t[2 * s + 1] !== 0) if (++s === cap) s = 0;
    t[2 * s] = hi;
    t[2 * s + 1] = lo;
  }
  return t;
}

function entries(t: Uint32Array): string[] {
  const r: string[] = [];
  for (let j = 0; j < t.length; j += 2) if (t[j] !== 0 || t[j + 1] !== 0) r.push(`${t[j]}:${t[j + 1]}`);
  return r.sort();
}

describe('sharedInsert (one partition per worker)', () => {
  // Fingerprints crowded around the partition boundaries of 2 and 3 parts, and the ends of the table, so that probes cross them.
  const near = [0, 1, 2 ** 31 - 3, 2 ** 31, 2 ** 31 + 5, Math.floor(2 ** 32 / 3), Math.floor(2 ** 33 / 3), 2 ** 32 - 1, 2 ** 32 - 9];
  const hiArb = fc.oneof(fc.constantFrom(...near), fc.integer({ min: 0, max: 2 ** 32 - 1 }));
  const fpArb = fc.tuple(hiArb, fc.integer({ min: 0, max: 3 })).filter(([hi, lo]) => hi !== 0 || lo !== 0);

  test('new exactly when neither stored nor an earlier candidate; the same in any partition order', () => {
    fc.assert(
      fc.property(fc.array(fpArb, { maxLength: 20 }), fc.array(fpArb, { maxLength: 40 }), fc.integer({ min: 1, max: 3 }), fc.boolean(), (stored0, cands, parts, reverse) => {
        const stored = [...new Map(stored0.map((p) => [`${p[0]}:${p[1]}`, p])).values()];
        const cap = 128; // at most 60 entries: load < 0.5
        const t = tableWith(cap, stored);
        const fps = new Uint32Array(new SharedArrayBuffer(8 * Math.max(1, cands.length)));
        cands.forEach(([hi, lo], i) => {
          fps[2 * i] = hi;
          fps[2 * i + 1] = lo;
        });
        const out = new Uint8Array(new SharedArrayBuffer(Math.max(1, cands.length))).fill(9);
        const order = Array.from({ length: parts }, (_, p) => p);
        if (reverse) order.reverse();
        let inserted = 0;
        const deferred: number[] = [];
        for (const p of order) {
          const r = sharedInsert(t, [fps], 2, 0, cands.length, p, parts, out);
          inserted += r.inserted;
          deferred.push(...r.deferred);
        }
        // The reference: the sequential insert's answers.
        const seen = new Set(stored.map(([hi, lo]) => `${hi}:${lo}`));
        const expectOut: number[] = [];
        const expectDeferred: number[] = [];
        cands.forEach(([hi, lo], i) => {
          if (hi === 0) {
            expectOut.push(2);
            expectDeferred.push(i);
            return;
          }
          const k = `${hi}:${lo}`;
          expectOut.push(seen.has(k) ? 0 : 1);
          seen.add(k);
        });
        expect(Array.from(out.subarray(0, cands.length))).toEqual(expectOut);
        expect(deferred.sort((a, b) => a - b)).toEqual(expectDeferred);
        expect(inserted).toBe(expectOut.filter((x) => x === 1).length);
        const inTable = [...seen].filter((k) => !k.startsWith('0:')).concat(stored.filter(([hi]) => hi === 0).map(([hi, lo]) => `${hi}:${lo}`));
        expect(entries(t)).toEqual([...new Set(inTable)].sort());
        // Every entry is found by the workers' lookup.
        for (const k of inTable) {
          const [hi, lo] = k.split(':').map(Number);
          if (hi !== 0) expect(sharedContains(t, hi, lo)).toBe(true);
        }
      }),
      { seed: 9, numRuns: 400 },
    );
  });

  test('only [from, to) and only its own partition', () => {
    const t = tableWith(64, []);
    const fps = new Uint32Array(new SharedArrayBuffer(8 * 4));
    fps.set([5, 1, 2 ** 31 + 1, 1, 7, 1, 2 ** 32 - 1, 1]);
    const out = new Uint8Array(new SharedArrayBuffer(4)).fill(9);
    expect(sharedInsert(t, [fps.subarray(0, 2), fps.subarray(2)], 2, 1, 3, 0, 2, out)).toEqual({ inserted: 1, deferred: [] });
    expect(Array.from(out)).toEqual([9, 9, 1, 9]);
    expect(sharedInsert(t, [fps.subarray(0, 2), fps.subarray(2)], 2, 1, 3, 1, 2, out)).toEqual({ inserted: 1, deferred: [] });
    expect(Array.from(out)).toEqual([9, 1, 1, 9]);
  });
});

/** The result without what may differ between worker counts. */
function comparable(r: CheckResult): unknown {
  const { seconds: _s, statesPerSecond: _p, workers: _w, frontierSpilled: _f, ...stats } = r.stats;
  return { ...r, stats };
}

jest.setTimeout(600_000);
afterAll(() => closePool());

describe('whole searches with partitioned inserts: the sequential result at 2 and 3 workers', () => {
  const counter = (k: number, m: number): SpecRecipe => ({ module: path.join(root, 'specs', 'reference', 'counter'), exportName: 'counterPacked', args: [{ k, m }] });
  const runs = (recipe: SpecRecipe, spec: ReturnType<typeof counterPacked> | ReturnType<typeof plainSpec>, options: CheckOptions): void => {
    const one = comparable(check(spec, { ...options, workers: 1 }));
    for (const workers of [2, 3]) {
      for (const partitionedInserts of [true, false]) {
        const r = check(spec, { ...options, workers, recipe, parallel: { minLevel: 1, waitForWorkers: true, partitionedInserts } });
        expect(comparable(r)).toEqual(one);
      }
    }
  };

  test('counter 6x8 (262,144 states): levels wider than the table’s room, the store growing between portions', () => {
    const before = search.partitionedLevels;
    const rounds = search.partitionedRounds;
    runs(counter(6, 8), counterPacked({ k: 6, m: 8 }), { allViolations: true });
    // 2 runs with partitioned inserts, each with about 40 levels of more than one state.
    const levels = search.partitionedLevels - before;
    expect(levels).toBeGreaterThan(60);
    // Some level was inserted in more than one round.
    expect(search.partitionedRounds - rounds).toBeGreaterThan(levels);
  });

  test('counter 5x6, --max-states in a wide level: that level merged with inserts, the rest partitioned', () => {
    const before = search.partitionedLevels;
    runs(counter(5, 6), counterPacked({ k: 5, m: 6 }), { maxStates: 5000 });
    expect(search.partitionedLevels - before).toBeGreaterThan(10);
  });

  test('random models (fast-check, seeded), first violation and all violations', () => {
    const helpers = path.join(root, 'test', 'helpers', 'randomSpecs');
    const before = search.partitionedLevels;
    fc.assert(
      fc.property(plainModelArb(2), fc.boolean(), fc.option(fc.integer({ min: 1, max: 60 })), (m, all, maxStates) => {
        runs({ module: helpers, exportName: 'plainSpec', args: [m] }, plainSpec(m), { allViolations: all, ...(maxStates !== null ? { maxStates } : {}) });
      }),
      { seed: 23, numRuns: 30 },
    );
    expect(search.partitionedLevels - before).toBeGreaterThan(30);
  });
});
