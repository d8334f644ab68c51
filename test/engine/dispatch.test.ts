/**
 * Spec.dispatch: the search evaluates only the action instances a spec's
 * dispatch marks. With any dispatch that marks a superset of the instances
 * that fire, every result (counts, verdicts, classes, traces, JSON) must be
 * the one of the full evaluation; a dispatch that leaves out an instance that
 * fires is MC206 on the purity sample and on deadlocks; a bad mark is MC204,
 * a throwing dispatch MC202.
 */
import fc from 'fast-check';
import { check, CheckOptions, int, Spec, State } from '../../checker/index';
import { withoutTiming } from '../helpers/matrix';
import { plainModelArb, plainSpec, symModelArb, symSpec } from '../helpers/randomSpecs';

const SEED = 20261203;

/**
 * A dispatch for `spec` that marks every instance that fires (found by
 * evaluating it) plus the extra instances `extra` picks: a valid dispatch,
 * however many extras it marks.
 */
function supersetDispatch(spec: Spec<any>, extra: (a: number, p: number) => boolean): Spec<any>['dispatch'] {
  return (s, mark) => {
    spec.actions.forEach((a, ai) =>
      (a.params ?? [undefined]).forEach((p, pi) => {
        const fires = (!a.guard || a.guard(s, p)) && a.next(s, p) !== undefined;
        if (fires || extra(ai, pi)) mark(ai, pi);
      }),
    );
  };
}

/** Options under which the two runs are compared: every violation, so that the whole graph is searched. */
const RUNS: readonly CheckOptions[] = [{ allViolations: true }, { allViolations: true, symmetry: false }, { allViolations: false }];

function sameWithDispatch(spec: Spec<any>, extraSeed: number): void {
  // extras chosen by a hash of (action, param, seed): some instances always marked, most not
  const extra = (a: number, p: number): boolean => ((a * 7919 + p * 104729 + extraSeed) % 5) === 0;
  const withD: Spec<any> = { ...spec, dispatch: supersetDispatch(spec, extra) };
  for (const o of RUNS) {
    const full = check(spec, o);
    const dispatched = check(withD, o);
    const ignored = check(withD, { ...o, dispatch: false });
    expect(full.status).not.toBe('error');
    expect(withoutTiming(dispatched)).toEqual({ ...(withoutTiming(full) as object), spec: dispatched.spec });
    expect(withoutTiming(ignored)).toEqual({ ...(withoutTiming(full) as object), spec: ignored.spec });
  }
}

describe('Spec.dispatch', () => {
  test('random plain models: a superset dispatch gives the results of the full evaluation (300 models)', () => {
    fc.assert(
      fc.property(plainModelArb(2), fc.nat(1000), (m, k) => sameWithDispatch(plainSpec(m) as Spec<any>, k)),
      { seed: SEED, numRuns: 300 },
    );
  });

  test('random symmetric models: the same under symmetry reduction (200 models)', () => {
    fc.assert(
      fc.property(symModelArb(2), fc.nat(1000), (m, k) => sameWithDispatch(symSpec(m) as Spec<any>, k)),
      { seed: SEED + 1, numRuns: 200 },
    );
  });

  /** x counts up to 3; Inc and Reset fire, Never never does. */
  const counter = (dispatch: Spec<any>['dispatch']): Spec<{ x: number }> => ({
    name: 'dispatch-counter',
    variables: { x: int(0, 3) },
    init: () => [{ x: 0 }],
    actions: [
      { name: 'Inc', next: (s) => (s.x < 3 ? { x: s.x + 1 } : undefined) },
      { name: 'Never', next: () => undefined },
      { name: 'Reset', params: [0, 1], next: (s, p) => (s.x === 3 && p === 1 ? { x: 0 } : undefined) },
    ],
    dispatch,
  });

  test('a dispatch that marks only what fires: same states, transitions and verdict', () => {
    const exact: Spec<any>['dispatch'] = (s: State, mark) => {
      if ((s.x as number) < 3) mark(0, 0);
      else mark(2, 1);
    };
    const full = check(counter(undefined));
    const r = check(counter(exact));
    expect(r.status).toBe('holds');
    expect(r.stats.distinctStates).toBe(4);
    expect(withoutTiming(r)).toEqual(withoutTiming(full));
  });

  test('a dispatch that leaves out an action that fires is MC206, naming the action and the state', () => {
    // never marks Reset(1): the state x = 3 is on the purity sample (the first 256 states)
    const wrong: Spec<any>['dispatch'] = (s: State, mark) => {
      if ((s.x as number) < 3) mark(0, 0);
    };
    const r = check(counter(wrong));
    expect(r.status).toBe('error');
    expect(r.error?.code).toBe('MC206');
    expect(r.error?.message).toMatch(/dispatch of spec dispatch-counter did not mark action Reset\(1\), which fires in state \{"x":3\}/);
    // --no-dispatch evaluates every instance: no error
    expect(check(counter(wrong), { dispatch: false }).status).toBe('holds');
  });

  test('a wrong dispatch is caught on a deadlock even off the purity sample', () => {
    // 300 states in a line, then a fork: only the full evaluation of the last state sees Finish
    const line: Spec<{ x: number }> = {
      name: 'dispatch-line',
      variables: { x: int(0, 400) },
      init: () => [{ x: 0 }],
      actions: [
        { name: 'Step', next: (s) => (s.x < 300 ? { x: s.x + 1 } : undefined) },
        { name: 'Finish', next: (s) => (s.x === 300 ? { x: 301 } : undefined) },
      ],
      terminal: (s) => s.x === 301,
      dispatch: (s: State, mark) => {
        if ((s.x as number) < 300) mark(0, 0);
      },
    };
    // x = 300 is the 301st expanded state: not sampled (301 & 63 !== 0); the engine sees no successor, a deadlock
    const r = check(line);
    expect(r.status).toBe('error');
    expect(r.error?.code).toBe('MC206');
    expect(r.error?.message).toMatch(/did not mark action Finish, which fires in state \{"x":300\}/);
  });

  test('a mark that names no action instance is MC204; a dispatch that throws is MC202', () => {
    const out = check(counter((_s, mark) => mark(1, 1)));
    expect(out.error?.code).toBe('MC204');
    expect(out.error?.message).toMatch(/dispatch of spec dispatch-counter marked \(1, 1\), which is not an action instance/);
    const thrown = check(
      counter(() => {
        throw new Error('boom');
      }),
    );
    expect(thrown.error?.code).toBe('MC202');
    expect(thrown.error?.message).toMatch(/dispatch of spec dispatch-counter threw: boom/);
  });
});
