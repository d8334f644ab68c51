import { check } from '../../checker';
import { twoPhase, twoPhasePacked } from '../../specs/reference';

describe('twoPhasePacked', () => {
  it.each([1, 2, 3, 4, 5])('should agree with the record TwoPhase for %i RMs, with and without symmetry', (rm) => {
    for (const symmetry of [false, true]) {
      // Arrange / Act
      const record = check(twoPhase({ rm }), { symmetry, store: { kind: 'exact' } });
      const packed = check(twoPhasePacked({ rm }), { symmetry, store: { kind: 'exact' } });
      // Assert
      expect(packed.status).toBe('holds');
      expect([packed.stats.distinctStates, packed.stats.depth, packed.stats.statesGenerated]).toEqual([
        record.stats.distinctStates,
        record.stats.depth,
        record.stats.statesGenerated,
      ]);
      expect(packed.properties.filter((p) => p.kind === 'witness')).toEqual(record.properties.filter((p) => p.kind === 'witness'));
    }
  });

  it('should pin 8832 states for 5 RMs and 314 orbits with symmetry', () => {
    expect(check(twoPhasePacked({ rm: 5 }), { symmetry: false }).stats.distinctStates).toBe(8832);
    expect(check(twoPhasePacked({ rm: 5 })).stats.distinctStates).toBe(314);
  });
});
