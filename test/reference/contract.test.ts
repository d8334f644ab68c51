/**
 * The model contract (STYLE.md G13) for every reference model: `init` is
 * deterministic, actions are pure (a deep-frozen state goes in, the same
 * successor comes out twice) and their results stay inside the declared
 * domains, and the registry's state declarations match what actions build.
 */
import type { Spec, State } from '../../checker/index';
import { counter, dieHard, peterson, philosophers, twoPhase } from '../../specs/reference';
import { keyOf, naiveExplore } from '../helpers/naiveExplorer';

function deepFreeze<T>(v: T): T {
  if (v !== null && typeof v === 'object') {
    Object.values(v as object).forEach(deepFreeze);
    Object.freeze(v);
  }
  return v;
}

const models: [string, Spec<any>][] = [
  ['twophase rm=3', twoPhase({ rm: 3 })],
  ['philosophers n=4', philosophers({ n: 4 })],
  ['peterson', peterson()],
  ['diehard', dieHard()],
  ['counter k=3 m=3', counter({ k: 3, m: 3 })],
];

describe.each(models)('%s', (_name, spec) => {
  it('should have deterministic initial states', () => {
    expect(spec.init().map(keyOf)).toEqual(spec.init().map(keyOf));
  });

  it('should have pure, deterministic actions over every reachable state', () => {
    // Arrange: the naive explorer validates every successor against the domains as it goes.
    const states = [...naiveExplore(spec).states.values()];
    for (const s of states) {
      const frozen = deepFreeze(JSON.parse(JSON.stringify(s)) as State);
      const before = keyOf(frozen);
      for (const a of spec.actions) {
        for (const p of a.params ?? [undefined]) {
          // Act
          const first = a.next(frozen, p);
          const second = a.next(frozen, p);
          // Assert
          expect(keyOf(first)).toBe(keyOf(second));
          expect(keyOf(frozen)).toBe(before);
          if (a.formatParam) expect(typeof a.formatParam(p)).toBe('string');
        }
      }
    }
  });

  it('should name every property and action uniquely', () => {
    const names = [...(spec.invariants ?? []), ...(spec.witnesses ?? [])].map((p) => p.name);
    expect(new Set(names).size).toBe(names.length);
    const actions = spec.actions.map((a) => a.name);
    expect(new Set(actions).size).toBe(actions.length);
    expect((spec.witnesses ?? []).length).toBeGreaterThan(0);
  });
});
