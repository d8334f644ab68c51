/**
 * Peterson's algorithm: 20 reachable states, BFS depth 6, mutual exclusion
 * holds, no deadlock, and each process reaches its critical section in 3
 * steps. A mutant that sets `turn` before `flag` breaks mutual exclusion,
 * which shows the invariant is not vacuous.
 */
import { array, bool, check, enumOf, int, Spec } from '../../checker/index';
import { peterson, PetersonState } from '../../specs/reference';
import { naiveExplore } from '../helpers/naiveExplorer';
import { runMatrix, verdict, steps } from '../helpers/matrix';

/** The classic wrong order: turn := other, then flag := TRUE. */
function turnFirstMutant(): Spec<PetersonState> {
  const base = peterson();
  const set = <T>(xs: readonly T[], i: number, v: T): readonly T[] => xs.map((x, j) => (j === i ? v : x));
  return {
    ...base,
    name: 'peterson-turn-first',
    variables: { pc: array(2, enumOf(['idle', 'flagSet', 'waiting', 'critical'])), flag: array(2, bool()), turn: int(0, 1) },
    actions: [
      // `flagSet` here means "turn set, flag not yet".
      { name: 'SetTurn', params: [0, 1], next: (s, i: number) => (s.pc[i] === 'idle' ? { ...s, pc: set(s.pc, i, 'flagSet'), turn: 1 - i } : undefined) },
      { name: 'SetFlag', params: [0, 1], next: (s, i: number) => (s.pc[i] === 'flagSet' ? { ...s, pc: set(s.pc, i, 'waiting'), flag: set(s.flag, i, true) } : undefined) },
      ...base.actions.filter((a) => a.name === 'Enter' || a.name === 'Exit'),
    ],
  };
}

describe('peterson', () => {
  it('should hold with 20 states at depth 6 under every store', () => {
    // Act
    const runs = runMatrix(peterson());
    // Assert
    for (const { cell, result } of runs) {
      expect([cell.label, result.status, result.stats.distinctStates, result.stats.depth]).toEqual([cell.label, 'holds', 20, 6]);
    }
    expect(runs[0].result.properties).toEqual([
      { name: 'MutualExclusion', kind: 'invariant', status: 'holds' },
      { name: 'deadlock', kind: 'deadlock', status: 'holds' },
      { name: 'p0 enters critical section', kind: 'witness', status: 'reached', depth: 3 },
      { name: 'p1 enters critical section', kind: 'witness', status: 'reached', depth: 3 },
    ]);
    const verdicts = runs.map((r) => verdict(r.result));
    verdicts.forEach((v) => expect(v).toEqual(verdicts[0]));
  });

  it('should agree with the naive explorer', () => {
    const naive = naiveExplore(peterson());
    expect([naive.reachable, naive.depth, naive.levels, naive.deadlock]).toEqual([20, 6, [1, 2, 3, 4, 5, 4, 1], false]);
  });

  it('should break mutual exclusion when turn is set before flag', () => {
    // Act
    const r = check(turnFirstMutant(), { store: { kind: 'exact' } });
    const naive = naiveExplore(turnFirstMutant());
    // Assert
    expect(r.status).toBe('violated');
    expect(r.violations[0].property).toBe('MutualExclusion');
    expect(steps(r.violations[0].trace)).toBe(naive.shortest.MutualExclusion);
    expect((r.violations[0].trace.at(-1)!.state as PetersonState).pc).toEqual(['critical', 'critical']);
  });
});
