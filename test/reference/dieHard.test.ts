/**
 * Die Hard: 16 reachable states (every (small, big) with a jug empty or full),
 * BFS depth 7, and a unique 6-step shortest solution, the film's:
 * fill the 5, pour into the 3, empty the 3, pour the 2 into the 3, fill the 5,
 * top up the 3, leaving 4 in the big jug.
 */
import { check, replayActions } from '../../checker/index';
import { dieHard } from '../../specs/reference';
import { allShortestPaths, naiveExplore } from '../helpers/naiveExplorer';
import { runMatrix, verdict, steps } from '../helpers/matrix';

const SOLUTION = ['FillBigJug', 'BigToSmall', 'EmptySmallJug', 'BigToSmall', 'FillBigJug', 'BigToSmall'];

describe('dieHard', () => {
  it('should find the 6-step solution as the NotSolved counterexample under every store', () => {
    // Act
    const runs = runMatrix(dieHard());
    // Assert
    for (const { cell, result } of runs) {
      expect([cell.label, result.status, result.violations.length]).toEqual([cell.label, 'violated', 1]);
      const [v] = result.violations;
      expect(v).toMatchObject({ property: 'NotSolved', kind: 'invariant' });
      expect(steps(v.trace)).toBe(6);
      expect(v.trace.map((t) => t.action)).toEqual([null, ...SOLUTION]);
      expect(v.trace.map((t) => t.state)).toEqual([
        { small: 0, big: 0 },
        { small: 0, big: 5 },
        { small: 3, big: 2 },
        { small: 0, big: 2 },
        { small: 2, big: 0 },
        { small: 2, big: 5 },
        { small: 3, big: 4 },
      ]);
    }
    const verdicts = runs.map((r) => verdict(r.result));
    verdicts.forEach((v) => expect(v).toEqual(verdicts[0]));
    expect(new Set(runs.map((r) => r.result.stats.distinctStates)).size).toBe(1);
  });

  it('should have exactly one shortest solution', () => {
    expect(allShortestPaths(dieHard(), (s) => s.big === 4)).toEqual([SOLUTION]);
  });

  it('should replay the solution with replayActions', () => {
    const states = replayActions(dieHard(), SOLUTION.map((action) => ({ action })));
    expect(states.at(-1)).toEqual({ small: 3, big: 4 });
  });

  it('should reach 16 states at depth 7 without deadlock when the invariant is dropped', () => {
    // Act
    const runs = runMatrix({ ...dieHard(), invariants: [] });
    // Assert
    for (const { cell, result } of runs) {
      expect([cell.label, result.status, result.stats.distinctStates, result.stats.depth]).toEqual([cell.label, 'holds', 16, 7]);
      expect(result.properties.find((p) => p.kind === 'deadlock')?.status).toBe('holds');
    }
  });

  it('should agree with the naive explorer', () => {
    const naive = naiveExplore(dieHard());
    expect([naive.reachable, naive.depth, naive.shortest, naive.deadlock]).toEqual([16, 7, { NotSolved: 6 }, false]);
    expect(naive.levels).toEqual([1, 2, 3, 2, 2, 2, 2, 2]);
  });

  it('should report every violation with allViolations and keep 16 states', () => {
    const r = check(dieHard(), { allViolations: true, store: { kind: 'exact' } });
    expect([r.status, r.complete, r.stats.distinctStates, r.violations.map((v) => steps(v.trace))]).toEqual(['violated', true, 16, [6]]);
  });

  it('should hold when the goal is unreachable', () => {
    // 2- and 4-gallon jugs only ever hold even amounts.
    const r = check(dieHard({ small: 2, big: 4, goal: 3 }), { store: { kind: 'exact' } });
    expect([r.status, r.stats.distinctStates]).toEqual(['holds', naiveExplore(dieHard({ small: 2, big: 4, goal: 3 })).reachable]);
  });
});
