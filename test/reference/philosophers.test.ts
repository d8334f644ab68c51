/**
 * Dining philosophers (left fork first): the reachable configurations are the
 * cyclic words over {thinking, holdingLeft, eating} in which no eating
 * philosopher is followed by one holding a fork, counted by the Pell–Lucas
 * numbers Q(N) = (1+√2)^N + (1−√2)^N: 6, 14, 34, 82 for N = 2..5. The only
 * deadlock is "everyone holds their left fork", N steps from the start.
 */
import { check } from '../../checker/index';
import { philosophers, PhilosophersState } from '../../specs/reference';
import { naiveExplore } from '../helpers/naiveExplorer';
import { runMatrix, verdict, steps } from '../helpers/matrix';

const pellLucas = (n: number): number => Math.round((1 + Math.SQRT2) ** n + (1 - Math.SQRT2) ** n);

const table = [
  { n: 2, states: 6 },
  { n: 3, states: 14 },
  { n: 4, states: 34 },
  { n: 5, states: 82 },
];

describe('philosophers', () => {
  it('should pin the Pell-Lucas numbers the counts follow', () => {
    expect(table.map((t) => pellLucas(t.n))).toEqual(table.map((t) => t.states));
  });

  describe.each(table)('with $n philosophers', ({ n, states }) => {
    it(`should reach ${states} states at depth ${n} under every store`, () => {
      // Act: deadlock checking off, so the whole state space is explored.
      const runs = runMatrix(philosophers({ n }), { checkDeadlock: false });
      // Assert: no symmetric domain is declared, so symmetry on changes nothing.
      for (const { cell, result } of runs) {
        expect([cell.label, result.status, result.stats.distinctStates, result.stats.depth]).toEqual([cell.label, 'holds', states, n]);
        expect(result.stats.symmetry).toBe('off');
      }
    });

    it(`should report the deadlock with its ${n}-step shortest trace under every store`, () => {
      // Act
      const runs = runMatrix(philosophers({ n }));
      // Assert
      for (const { cell, result } of runs) {
        expect([cell.label, result.status, result.violations.length]).toEqual([cell.label, 'violated', 1]);
        const [v] = result.violations;
        expect(v.kind).toBe('deadlock');
        expect(steps(v.trace)).toBe(n);
        expect(v.trace.map((t) => t.action)).toEqual([null, ...Array(n).fill('TakeLeft')]);
        expect(v.trace[n].state).toEqual({ phil: Array(n).fill('holdingLeft'), fork: Array(n).fill(true) });
      }
      const verdicts = runs.map((r) => verdict(r.result));
      verdicts.forEach((v) => expect(v).toEqual(verdicts[0]));
      const counts = runs.map((r) => r.result.stats.distinctStates);
      expect(new Set(counts).size).toBe(1);
    });

    it('should agree with the naive explorer', () => {
      // Act
      const naive = naiveExplore(philosophers({ n }));
      // Assert
      expect([naive.reachable, naive.depth, naive.shortest]).toEqual([states, n, { deadlock: n }]);
      expect(naive.witnesses).toEqual({ 'someone eats': 2 });
    });

    it('should have exactly one deadlocked state', () => {
      // Arrange
      const spec = philosophers({ n });
      const all = [...naiveExplore(spec, { checkDeadlock: false }).states.values()] as PhilosophersState[];
      // Act
      const dead = all.filter((s) => spec.actions.every((a) => (a.params ?? [undefined]).every((p) => a.next(s, p) === undefined)));
      // Assert
      expect(dead).toEqual([{ phil: Array(n).fill('holdingLeft'), fork: Array(n).fill(true) }]);
    });
  });

  it('should report the ForksConsistent invariant holding and someone eating', () => {
    const r = check(philosophers({ n: 4 }), { checkDeadlock: false, store: { kind: 'exact' } });
    expect(r.properties).toEqual([
      { name: 'ForksConsistent', kind: 'invariant', status: 'holds' },
      { name: 'deadlock', kind: 'deadlock', status: 'disabled' },
      { name: 'someone eats', kind: 'witness', status: 'reached', depth: 2 },
    ]);
  });
});
