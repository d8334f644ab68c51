/**
 * Cross-check: random small specs (fast-check, fixed seed) checked by the
 * engine and by the independent naive explorer must agree on the number of
 * reachable states (orbits, with symmetry), the BFS depth, the verdict, which
 * properties are violated and the length of each shortest counterexample —
 * under every store, with symmetry off and on. Every counterexample the
 * engine returns is replayed against the spec by hand.
 */
import fc from 'fast-check';
import { check, CheckResult, Spec, State } from '../../checker/index';
import { CELLS, steps } from '../helpers/matrix';
import { keyOf, naiveExplore, NaiveResult } from '../helpers/naiveExplorer';
import { PlainModel, plainModelArb, plainSpec, SymModel, symModelArb, symSpec } from '../helpers/randomSpecs';

const SEED = 42;
/** Slots of the compact table: enough for every generated spec, and much cheaper to allocate than the default 2^22. */
const CAPACITY = 1 << 15;

/** Tally of what the generated models exercised, so a generator change cannot quietly stop testing something. */
interface Tally {
  models: number;
  deadlock: number;
  invariant: number;
  holds: number;
  terminalUsed: number;
  reducedBySymmetry: number;
}
const newTally = (): Tally => ({ models: 0, deadlock: 0, invariant: 0, holds: 0, terminalUsed: 0, reducedBySymmetry: 0 });

/** True when `t` is the successor of `s` by action `name` for some parameter. */
function isStep(spec: Spec<any>, s: State, name: string, t: State): boolean {
  const target = keyOf(t);
  return spec.actions
    .filter((a) => a.name === name)
    .some((a) =>
      (a.params ?? [undefined]).some((p) => {
        if (a.guard && !a.guard(s, p)) return false;
        const u = a.next(s, p);
        return u !== undefined && keyOf(u) === target;
      }),
    );
}

const hasProgress = (spec: Spec<any>, s: State): boolean =>
  spec.actions.some((a) =>
    (a.params ?? [undefined]).some((p) => {
      if (a.guard && !a.guard(s, p)) return false;
      const u = a.next(s, p);
      return u !== undefined && keyOf(u) !== keyOf(s);
    }),
  );

/** Replays an engine counterexample against the spec and checks that its last state violates the property. */
function expectValidTrace(spec: Spec<any>, v: CheckResult['violations'][number]): void {
  const states = v.trace.map((t) => t.state as State);
  expect(spec.init().map(keyOf)).toContain(keyOf(states[0]));
  for (let i = 1; i < states.length; i++) expect([i, isStep(spec, states[i - 1], v.trace[i].action as string, states[i])]).toEqual([i, true]);
  const last = states[states.length - 1];
  if (v.kind === 'deadlock') {
    expect(hasProgress(spec, last)).toBe(false);
    expect(spec.terminal?.(last) ?? false).toBe(false);
  } else {
    expect(spec.invariants!.find((inv) => inv.name === v.property)!.holds(last)).toBe(false);
  }
}

function crosscheck(spec: Spec<any>, tally: Tally): void {
  const naive: NaiveResult = naiveExplore(spec);
  const violated = Object.keys(naive.shortest).sort();
  const min = Math.min(...Object.values(naive.shortest));
  tally.models++;
  if (naive.deadlock) tally.deadlock++;
  if (violated.some((p) => p !== 'deadlock')) tally.invariant++;
  if (violated.length === 0) tally.holds++;
  if (spec.terminal && [...naive.states.values()].some((s) => !hasProgress(spec, s) && spec.terminal!(s))) tally.terminalUsed++;
  if (naive.orbits < naive.reachable) tally.reducedBySymmetry++;

  // The whole reachable graph: no invariants, no deadlock check, so nothing stops the search.
  const whole: Spec<any> = { ...spec, invariants: [], checkDeadlock: false };
  for (const cell of CELLS) {
    const opts = { store: cell.store, symmetry: cell.symmetry, capacity: CAPACITY };
    const expected = cell.symmetry ? naive.orbits : naive.reachable;
    for (const strategy of ['bfs', 'dfs'] as const) {
      const r = check(whole, { ...opts, strategy });
      expect([cell.label, strategy, r.status, r.stats.distinctStates]).toEqual([cell.label, strategy, 'holds', expected]);
      if (strategy === 'bfs') {
        expect([cell.label, 'depth', r.stats.depth]).toEqual([cell.label, 'depth', cell.symmetry ? naive.orbitDepth : naive.depth]);
        const reached = Object.fromEntries(r.properties.filter((p) => p.status === 'reached').map((p) => [p.name, p.depth]));
        expect([cell.label, reached]).toEqual([cell.label, naive.witnesses]);
      }
    }

    // The verdict: the first violation found must be a shortest one for its property.
    const r = check(spec, opts);
    if (violated.length === 0) {
      expect([cell.label, r.status, r.stats.distinctStates]).toEqual([cell.label, 'holds', expected]);
    } else {
      expect([cell.label, r.status, r.violations.length]).toEqual([cell.label, 'violated', 1]);
      const [v] = r.violations;
      expect([cell.label, v.property, steps(v.trace)]).toEqual([cell.label, v.property, naive.shortest[v.property]]);
      expect(steps(v.trace)).toBeLessThanOrEqual(min + 1);
      expectValidTrace(spec, v);
    }

    // All violations: every violated property, each with its shortest trace.
    const all = check(spec, { ...opts, allViolations: true });
    const byProperty = Object.fromEntries(all.violations.map((v) => [v.property, steps(v.trace)]));
    expect([cell.label, all.status, all.complete]).toEqual([cell.label, violated.length ? 'violated' : 'holds', true]);
    expect([cell.label, byProperty]).toEqual([cell.label, naive.shortest]);
    expect([cell.label, all.stats.distinctStates]).toEqual([cell.label, expected]);
    all.violations.forEach((v) => expectValidTrace(spec, v));
  }
}

describe('crosscheck with the naive explorer', () => {
  it('should agree on random specs over int, bool and enum variables', () => {
    const tally = newTally();
    fc.assert(
      fc.property(plainModelArb(1), (m) => crosscheck(plainSpec(m), tally)),
      { seed: SEED, numRuns: 120 },
    );
    // The generator must keep producing each kind of outcome.
    expect(tally.deadlock).toBeGreaterThanOrEqual(15);
    expect(tally.invariant).toBeGreaterThanOrEqual(15);
    expect(tally.holds).toBeGreaterThanOrEqual(15);
    expect(tally.terminalUsed).toBeGreaterThanOrEqual(5);
  });

  it('should agree on random specs with a symmetric domain, counting orbits under symmetry', () => {
    const tally = newTally();
    fc.assert(
      fc.property(symModelArb(1), (m) => crosscheck(symSpec(m), tally)),
      { seed: SEED, numRuns: 80 },
    );
    expect(tally.reducedBySymmetry).toBeGreaterThanOrEqual(25);
    expect(tally.deadlock).toBeGreaterThanOrEqual(10);
    expect(tally.invariant).toBeGreaterThanOrEqual(10);
    expect(tally.holds).toBeGreaterThanOrEqual(10);
  });

  // Kept apart so that a failure here (see semantics.test.ts, "should report every invariant a
  // state violates") does not hide other disagreements in the two properties above.
  it('should agree on random specs with two invariants, reporting each under allViolations', () => {
    const tally = newTally();
    fc.assert(
      fc.property(
        fc.oneof(plainModelArb(2).map((plain) => ({ plain })), symModelArb(2).map((sym) => ({ sym }))),
        (m: { plain?: PlainModel; sym?: SymModel }) => crosscheck(m.plain ? plainSpec(m.plain) : symSpec(m.sym!), tally),
      ),
      { seed: SEED, numRuns: 150 },
    );
    expect(tally.invariant).toBeGreaterThanOrEqual(40);
  });
});
