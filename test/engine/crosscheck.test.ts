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
import { CELLS, steps, withoutTiming } from '../helpers/matrix';
import { toPacked } from '../helpers/packed';
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
    if (!cell.symmetry) {
      // Same discovery order as the naive BFS (actions, then parameters, in declaration order), so the same traces.
      const traces = Object.fromEntries(all.violations.map((v) => [v.property, v.trace.map((t) => keyOf(t.state))]));
      const naiveTraces = Object.fromEntries(Object.entries(naive.traces).map(([p, t]) => [p, t.map((x) => keyOf(x.state))]));
      expect([cell.label, traces]).toEqual([cell.label, naiveTraces]);
    }

    // DFS finds the same set of violations, with real (not necessarily shortest) traces.
    const dfs = check(spec, { ...opts, allViolations: true, strategy: 'dfs' });
    expect([cell.label, 'dfs', dfs.violations.map((v) => v.property).sort()]).toEqual([cell.label, 'dfs', violated]);
    dfs.violations.forEach((v) => expectValidTrace(spec, v));
  }

  // Sorting normalisation (forced with permLimit 1): sound but not canonical, so between orbits and states,
  // with the same violations and the same shortest lengths.
  if (spec.symmetric) {
    const r = check(spec, { store: { kind: 'exact' }, permLimit: 1, allViolations: true });
    expect(r.stats.distinctStates).toBeGreaterThanOrEqual(naive.orbits);
    expect(r.stats.distinctStates).toBeLessThanOrEqual(naive.reachable);
    expect(Object.fromEntries(r.violations.map((v) => [v.property, steps(v.trace)]))).toEqual(naive.shortest);
    r.violations.forEach((v) => expectValidTrace(spec, v));
  }

  // Limits, in the exact store: BFS with maxDepth d visits exactly the states (orbits) within d steps and
  // is incomplete iff one of those at distance d has a successor other than itself; maxStates stops at k.
  for (const symmetry of [false, true]) {
    const levels = symmetry ? naive.orbitLevels : naive.levels;
    const progress = symmetry ? naive.orbitLevelHasProgress : naive.levelHasProgress;
    const total = symmetry ? naive.orbits : naive.reachable;
    const base = { store: { kind: 'exact' as const }, symmetry };
    for (const d of new Set([0, Math.floor((levels.length - 1) / 2), levels.length - 1])) {
      const r = check(whole, { ...base, maxDepth: d });
      const within = levels.slice(0, d + 1).reduce((a, b) => a + b, 0);
      expect([symmetry, d, r.stats.distinctStates, r.status]).toEqual([symmetry, d, within, progress[d] ? 'incomplete' : 'holds']);
    }
    if (total > 1) {
      const k = Math.ceil(total / 2);
      const r = check(whole, { ...base, maxStates: k });
      expect([symmetry, k, r.stats.distinctStates, r.status]).toEqual([symmetry, k, k, 'incomplete']);
    }
  }
}

describe('crosscheck with the naive explorer', () => {
  it('should agree on random specs over int, bool and enum variables', () => {
    const tally = newTally();
    fc.assert(
      fc.property(plainModelArb(1), (m) => crosscheck(plainSpec(m), tally)),
      { seed: SEED, numRuns: 100 },
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
      { seed: SEED, numRuns: 100 },
    );
    expect(tally.invariant).toBeGreaterThanOrEqual(30);
  });

  it('should give the same results through the packed API as through the record API', () => {
    fc.assert(
      fc.property(
        fc.oneof(plainModelArb(2).map((plain) => ({ plain })), symModelArb(2).map((sym) => ({ sym }))),
        (m: { plain?: PlainModel; sym?: SymModel }) => {
          const spec: Spec<any> = m.plain ? plainSpec(m.plain) : symSpec(m.sym!);
          const packed = toPacked(spec);
          for (const cell of CELLS) {
            for (const allViolations of [false, true]) {
              const opts = { store: cell.store, symmetry: cell.symmetry, allViolations, capacity: CAPACITY };
              const a = withoutTiming(check(spec, opts)) as Record<string, unknown>;
              const b = withoutTiming(check(packed, opts)) as Record<string, unknown>;
              // Parameters are shown as strings by the packed twin; compare them as text.
              const norm = (r: Record<string, unknown>) =>
                JSON.parse(JSON.stringify(r, (k, v) => (k === 'params' && v !== null && typeof v !== 'object' ? String(v) : k === 'bytesPerState' ? undefined : v)));
              expect([cell.label, allViolations, norm(b)]).toEqual([cell.label, allViolations, norm(a)]);
            }
          }
        },
      ),
      { seed: SEED, numRuns: 60 },
    );
  });
});
