/**
 * K counters mod M: M^K states, BFS depth K·(M−1), no deadlock. The packed
 * version must match the record version in counts, depth, witnesses and
 * coverage.
 */
import { check } from '../../checker/index';
import { counter, counterPacked } from '../../specs/reference';
import { naiveExplore } from '../helpers/naiveExplorer';
import { runMatrix, verdict } from '../helpers/matrix';

const table = [
  { k: 1, m: 2 },
  { k: 2, m: 3 },
  { k: 3, m: 4 },
  { k: 4, m: 2 },
  { k: 2, m: 5 },
  { k: 5, m: 3 },
  { k: 6, m: 4 },
].map((t) => ({ ...t, states: t.m ** t.k, depth: t.k * (t.m - 1) }));

describe('counter', () => {
  describe.each(table)('with k=$k, m=$m', ({ k, m, states, depth }) => {
    it(`should reach ${states} states at depth ${depth} with both APIs under every store`, () => {
      for (const build of [counter, counterPacked]) {
        // Act
        const runs = runMatrix(build({ k, m }));
        // Assert
        for (const { cell, result } of runs) {
          expect([build.name, cell.label, result.status, result.stats.distinctStates, result.stats.depth]).toEqual([
            build.name,
            cell.label,
            'holds',
            states,
            depth,
          ]);
        }
        const verdicts = runs.map((r) => verdict(r.result));
        verdicts.forEach((v) => expect(v).toEqual(verdicts[0]));
      }
    });

    it('should give the same witnesses, coverage and generated count with the packed API', () => {
      // Act
      const record = check(counter({ k, m }), { store: { kind: 'exact' } });
      const packed = check(counterPacked({ k, m }), { store: { kind: 'exact' } });
      // Assert
      expect(packed.stats.coverage).toEqual(record.stats.coverage);
      expect(packed.stats.coverage).toEqual({ Inc: states * k });
      expect(packed.stats.statesGenerated).toBe(record.stats.statesGenerated);
      const common = (r: typeof record) => r.properties.filter((p) => p.name !== 'InRangePacked');
      expect(common(packed)).toEqual(common(record));
      expect(record.properties.find((p) => p.kind === 'witness')).toEqual({
        name: 'all counters at max',
        kind: 'witness',
        status: 'reached',
        depth,
      });
    });

    if (states <= 300) {
      it('should agree with the naive explorer', () => {
        const naive = naiveExplore(counter({ k, m }));
        expect([naive.reachable, naive.depth, naive.deadlock]).toEqual([states, depth, false]);
      });
    }
  });

  it('should reach 4^8 = 65536 states at depth 24 with both APIs', () => {
    // One cell only: the full matrix at this size is slow under jest (see docs/reference-models.md).
    for (const build of [counter, counterPacked]) {
      const r = check(build({ k: 8, m: 4 }), { store: { kind: 'fingerprint' } });
      expect([build.name, r.status, r.stats.distinctStates, r.stats.depth]).toEqual([build.name, 'holds', 65536, 24]);
    }
  });

  it('should decode packed states into the record shape in traces', () => {
    // Arrange: a packed counter with an invariant that fails at (1, 2).
    const spec = { ...counterPacked({ k: 2, m: 3 }), invariants: [{ name: 'not (1,2)', holds: (s: { c: readonly number[] }) => !(s.c[0] === 1 && s.c[1] === 2) }] };
    // Act
    const r = check(spec, { store: { kind: 'exact' } });
    // Assert
    expect(r.status).toBe('violated');
    expect(r.violations[0].trace.map((t) => [t.action, t.params, t.state])).toEqual([
      [null, null, { c: [0, 0] }],
      ['Inc', 'c0', { c: [1, 0] }],
      ['Inc', 'c1', { c: [1, 1] }],
      ['Inc', 'c1', { c: [1, 2] }],
    ]);
  });
});
