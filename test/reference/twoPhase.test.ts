/**
 * Two-phase commit: pinned state counts with and without symmetry, verdicts
 * under every store, and why the final states are declared terminal.
 *
 * Closed forms (derivation in docs/reference-models.md), N resource managers:
 * - distinct states: 4^N + 2^N + 6^N (TM undecided / committed / aborted),
 *   which gives stateright's and TLC's 288 for N=3 and 8 832 for N=5;
 * - orbits under RM renaming: C(N+3,3) + (N+1) + C(N+5,5) (multisets of
 *   per-RM local states); 314 for N=5, where stateright pins 665 because its
 *   representative (sort by rmState only) is not canonical;
 * - BFS depth 3N+1 (every RM prepares, the TM records N Prepared messages,
 *   commits, every RM receives Commit).
 */
import { check } from '../../checker/index';
import { twoPhase, TwoPhaseState } from '../../specs/reference';
import { naiveExplore } from '../helpers/naiveExplorer';
import { runMatrix, verdict, steps } from '../helpers/matrix';

const choose = (n: number, k: number): number => (k === 0 ? 1 : (n * choose(n - 1, k - 1)) / k);

const table = [1, 2, 3, 4, 5].map((n) => ({
  n,
  states: 4 ** n + 2 ** n + 6 ** n,
  orbits: choose(n + 3, 3) + (n + 1) + choose(n + 5, 5),
  depth: 3 * n + 1,
}));

describe('twoPhase', () => {
  it('should pin the published counts: 288 for 3 RMs and 8832 for 5 RMs', () => {
    // Arrange / Act
    const three = check(twoPhase({ rm: 3 }), { symmetry: false });
    const five = check(twoPhase({ rm: 5 }), { symmetry: false });
    // Assert
    expect(three.stats.distinctStates).toBe(288);
    expect(five.stats.distinctStates).toBe(8832);
  });

  it('should pin the closed forms to the numbers the docs quote', () => {
    expect(table.map((t) => [t.states, t.orbits, t.depth])).toEqual([
      [12, 12, 4],
      [56, 34, 7],
      [288, 80, 10],
      [1568, 166, 13],
      [8832, 314, 16],
    ]);
  });

  describe.each(table)('with $n resource managers', ({ n, states, orbits, depth }) => {
    it(`should find ${states} states without symmetry and ${orbits} with it, under every store`, () => {
      // Act
      const runs = runMatrix(twoPhase({ rm: n }));
      // Assert
      for (const { cell, result } of runs) {
        expect([cell.label, result.status, result.complete]).toEqual([cell.label, 'holds', true]);
        expect([cell.label, result.stats.distinctStates]).toEqual([cell.label, cell.symmetry ? orbits : states]);
        expect([cell.label, result.stats.depth]).toEqual([cell.label, depth]);
      }
      const verdicts = runs.map((r) => verdict(r.result));
      verdicts.forEach((v) => expect(v).toEqual(verdicts[0]));
    });

    it('should report TCConsistent holds, no deadlock, and both outcomes reachable at their shortest depths', () => {
      // Act
      const r = check(twoPhase({ rm: n }), { store: { kind: 'exact' } });
      // Assert
      expect(r.properties).toEqual([
        { name: 'TCConsistent', kind: 'invariant', status: 'holds' },
        { name: 'deadlock', kind: 'deadlock', status: 'holds' },
        { name: 'all committed', kind: 'witness', status: 'reached', depth: 3 * n + 1 },
        { name: 'all aborted', kind: 'witness', status: 'reached', depth: n },
      ]);
    });

    if (n <= 4) {
      it('should agree with the naive explorer on states, orbits and depth', () => {
        const naive = naiveExplore(twoPhase({ rm: n }));
        expect([naive.reachable, naive.orbits, naive.depth]).toEqual([states, orbits, depth]);
        expect(naive.deadlock).toBe(false);
      });
    }
  });

  it('should report the final states as deadlocks when they are not declared terminal', () => {
    // Arrange: TLC accepts TwoPhase because RMRcvCommitMsg/RMRcvAbortMsg stay enabled as stuttering
    // steps; this engine does not count a stutter as progress, so without `terminal` the end is a deadlock.
    const spec = { ...twoPhase({ rm: 3 }), terminal: undefined };
    // Act
    const r = check(spec, { store: { kind: 'exact' }, symmetry: false });
    // Assert: the shortest one is TMAbort and three RMChooseToAbort, in some order.
    expect(r.status).toBe('violated');
    expect(r.violations).toHaveLength(1);
    const [v] = r.violations;
    expect(v.kind).toBe('deadlock');
    expect(steps(v.trace)).toBe(4);
    expect(v.trace.slice(1).map((t) => t.action).sort()).toEqual(['RMChooseToAbort', 'RMChooseToAbort', 'RMChooseToAbort', 'TMAbort']);
    const last = v.trace[4].state as TwoPhaseState;
    expect(last.rmState).toEqual(['aborted', 'aborted', 'aborted']);
    expect(last.tmState).toBe('aborted');
  });

  it('should declare terminal exactly the reachable states without a non-stuttering successor', () => {
    // Arrange
    const spec = twoPhase({ rm: 3 });
    const reachable = [...naiveExplore(spec).states.values()] as TwoPhaseState[];
    const stuck = (s: TwoPhaseState): boolean =>
      spec.actions.every((a) =>
        (a.params ?? [undefined]).every((p) => {
          const t = a.next(s, p);
          return t === undefined || JSON.stringify(t) === JSON.stringify(s);
        }),
      );
    // Act
    const mismatches = reachable.filter((s) => stuck(s) !== spec.terminal!(s));
    const ends = reachable.filter(stuck);
    // Assert: 3^3 aborted outcomes (each RM aborted with or without having prepared, and with or
    // without the TM having recorded it) plus the one committed outcome.
    expect(mismatches).toEqual([]);
    expect(ends).toHaveLength(3 ** 3 + 1);
    expect(ends.filter((s) => s.tmState === 'committed')).toHaveLength(1);
  });

  it('should stay sound when the group has more than permLimit permutations', () => {
    // Act
    const r = check(twoPhase({ rm: 5 }), { permLimit: 1, store: { kind: 'exact' } });
    // Assert: sorting is either canonical (exactly the orbits) or a normalisation (one or more
    // representatives per orbit, never fewer); the verdicts are the same either way.
    expect(['normalisation (sort)', 'exact (sorting)']).toContain(r.stats.symmetry);
    expect(r.status).toBe('holds');
    expect(r.stats.distinctStates).toBeGreaterThanOrEqual(314);
    expect(r.stats.distinctStates).toBeLessThanOrEqual(8832);
    if (r.stats.symmetry.startsWith('exact')) expect(r.stats.distinctStates).toBe(314);
    expect(verdict(r)).toEqual(verdict(check(twoPhase({ rm: 5 }), { symmetry: false })));
  });

  it('should find the 13-step shortest counterexample to "never all committed" in every cell', () => {
    // Arrange: an invariant that fails exactly when all RMs have committed.
    const base = twoPhase({ rm: 4 });
    const spec = { ...base, invariants: [{ name: 'never all committed', holds: (s: TwoPhaseState) => !s.rmState.every((x) => x === 'committed') }] };
    // Act
    const runs = runMatrix(spec);
    // Assert: 13 steps under every cell, ending with all committed.
    for (const { cell, result } of runs) {
      expect([cell.label, result.status, steps(result.violations[0].trace)]).toEqual([cell.label, 'violated', 13]);
      expect((result.violations[0].trace[13].state as TwoPhaseState).rmState).toEqual(['committed', 'committed', 'committed', 'committed']);
    }
  });
});
