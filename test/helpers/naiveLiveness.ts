/**
 * An independent, naive liveness checker for tests: no engine code. It builds
 * the explicit state graph with JSON keys, computes SCCs with Kosaraju's
 * algorithm, evaluates enabledness by running the spec's actions again, and
 * applies the Streett refinement for fairness. Also: a validator that checks
 * an engine lasso against the spec by hand (each step is a real transition,
 * the loop closes, the property fails on it, and the cycle is fair), and
 * random models with temporal properties and fairness for fast-check.
 *
 * Semantics (TLA+): every state may stutter; a deadlocked state (no successor
 * other than itself, not terminal) is left out when deadlock checking is on,
 * since the deadlock check reports it.
 *
 * @module
 */
import fc from 'fast-check';
import type { Fairness, Spec, State, TemporalProperty, Violation } from '../../checker/index';
import { int } from '../../checker/index';
import { Literal, PlainModel, plainModelArb, plainSpec, SymModel, symModelArb, symSpec, SymState } from './randomSpecs';

const key = (s: unknown): string => JSON.stringify(s, (_k, v) => (v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, v[k]])) : v));

interface Move {
  readonly action: string;
  readonly param: unknown;
  readonly process: string;
  readonly to: number;
}

interface NaiveGraph {
  readonly states: State[];
  readonly moves: Move[][];
  readonly initial: Set<number>;
}

function processOf(a: Spec['actions'][number], p: unknown): string {
  const proc = a.process;
  return proc === undefined ? a.name : typeof proc === 'string' ? proc : proc(p);
}

/** Every (action, param, process, successor) of a state, stutter steps left out. */
function successors(spec: Spec, s: State): { action: string; param: unknown; process: string; next: State }[] {
  const out: { action: string; param: unknown; process: string; next: State }[] = [];
  for (const a of spec.actions) {
    for (const p of a.params ?? [undefined]) {
      if (a.guard && !a.guard(s, p)) continue;
      const t = a.next(s, p);
      if (t === undefined || key(t) === key(s)) continue;
      out.push({ action: a.name, param: p, process: processOf(a, p), next: t });
    }
  }
  return out;
}

function buildGraph(spec: Spec): NaiveGraph {
  const index = new Map<string, number>();
  const states: State[] = [];
  const moves: Move[][] = [];
  const initial = new Set<number>();
  const add = (s: State): number => {
    const k = key(s);
    let i = index.get(k);
    if (i === undefined) {
      i = states.length;
      index.set(k, i);
      states.push(s);
      moves.push([]);
    }
    return i;
  };
  for (const s of spec.init()) initial.add(add(s));
  for (let i = 0; i < states.length; i++) {
    moves[i] = successors(spec, states[i]).map((m) => ({ action: m.action, param: m.param, process: m.process, to: add(m.next) }));
  }
  return { states, moves, initial };
}

/** Fairness conditions as sets of (action, process) matchers. */
interface NaiveUnit {
  readonly strong: boolean;
  readonly covers: (m: { action: string; process: string }) => boolean;
}

function unitsOf(spec: Spec, g: NaiveGraph): NaiveUnit[] {
  const procs = new Set<string>();
  for (const ms of g.moves) for (const m of ms) procs.add(m.process);
  // Processes that never move still count for '*' (they are never enabled, so they constrain nothing).
  const units: NaiveUnit[] = [];
  for (const f of spec.fairness ?? ([] as Fairness[])) {
    const strong = f.kind === 'strong';
    if (f.action !== undefined) units.push({ strong, covers: (m) => m.action === f.action });
    else if (f.process === '*') for (const p of procs) units.push({ strong, covers: (m) => m.process === p });
    else units.push({ strong, covers: (m) => m.process === f.process });
  }
  return units;
}

/** Kosaraju SCCs of the subgraph on `nodes`. */
function kosaraju(g: NaiveGraph, nodes: Set<number>): number[][] {
  const order: number[] = [];
  const seen = new Set<number>();
  const dfs1 = (v: number): void => {
    // iterative post-order
    const st: [number, number][] = [[v, 0]];
    seen.add(v);
    while (st.length) {
      const top = st[st.length - 1];
      const ms = g.moves[top[0]];
      if (top[1] < ms.length) {
        const w = ms[top[1]++].to;
        if (nodes.has(w) && !seen.has(w)) {
          seen.add(w);
          st.push([w, 0]);
        }
      } else {
        order.push(top[0]);
        st.pop();
      }
    }
  };
  for (const v of nodes) if (!seen.has(v)) dfs1(v);
  const rev = new Map<number, number[]>();
  for (const v of nodes) for (const m of g.moves[v]) if (nodes.has(m.to)) (rev.get(m.to) ?? rev.set(m.to, []).get(m.to)!).push(v);
  const comp = new Map<number, number>();
  const comps: number[][] = [];
  for (let i = order.length - 1; i >= 0; i--) {
    const r = order[i];
    if (comp.has(r)) continue;
    const c: number[] = [];
    const st = [r];
    comp.set(r, comps.length);
    while (st.length) {
      const v = st.pop()!;
      c.push(v);
      for (const u of rev.get(v) ?? []) if (!comp.has(u)) {
        comp.set(u, comps.length);
        st.push(u);
      }
    }
    comps.push(c);
  }
  return comps;
}

/** States of `B` in some fair SCC (Streett refinement). */
function fairStates(g: NaiveGraph, units: NaiveUnit[], B: Set<number>): Set<number> {
  const enabled = (v: number, u: NaiveUnit): boolean => g.moves[v].some((m) => u.covers(m));
  const fair = new Set<number>();
  const work = kosaraju(g, B);
  while (work.length) {
    const C = work.pop()!;
    const inC = new Set(C);
    const takenIn = (u: NaiveUnit): boolean => C.some((v) => g.moves[v].some((m) => inC.has(m.to) && u.covers(m)));
    if (units.some((u) => !u.strong && C.every((v) => enabled(v, u)) && !takenIn(u))) continue;
    const bad = units.filter((u) => u.strong && C.some((v) => enabled(v, u)) && !takenIn(u));
    if (bad.length === 0) {
      C.forEach((v) => fair.add(v));
      continue;
    }
    const rest = new Set(C.filter((v) => !bad.some((u) => enabled(v, u))));
    if (rest.size) work.push(...kosaraju(g, rest));
  }
  return fair;
}

/** The verdict of each temporal property of a spec (complete graph; no symmetry, no view). */
export function naiveLiveness(spec: Spec<any>): Record<string, 'holds' | 'violated'> {
  const g = buildGraph(spec);
  const units = unitsOf(spec, g);
  const checkDeadlock = spec.checkDeadlock ?? true;
  const dead = (v: number): boolean => checkDeadlock && g.moves[v].length === 0 && !(spec.terminal?.(g.states[v]) ?? false);
  const out: Record<string, 'holds' | 'violated'> = {};
  for (const prop of spec.properties ?? ([] as TemporalProperty[])) {
    const goal = prop.kind === 'leadsTo' ? prop.q : prop.p;
    const B = new Set<number>();
    g.states.forEach((s, v) => {
      if (!goal(s) && !dead(v)) B.add(v);
    });
    const F = fairStates(g, units, B);
    // Forward from the starts inside B: does it meet F?
    const starts = [...B].filter((v) => (prop.kind === 'eventually' ? g.initial.has(v) : prop.kind === 'leadsTo' ? prop.p(g.states[v]) : true));
    const seen = new Set(starts);
    const q = [...starts];
    let hit = false;
    while (q.length && !hit) {
      const v = q.pop()!;
      if (F.has(v)) hit = true;
      for (const m of g.moves[v]) if (B.has(m.to) && !seen.has(m.to)) {
        seen.add(m.to);
        q.push(m.to);
      }
    }
    out[prop.name] = hit ? 'violated' : 'holds';
  }
  return out;
}

/** The parameter value a trace shows as `shown` (formatted by the action's formatParam, when it has one). */
function findParam(a: Spec['actions'][number], shown: unknown): unknown {
  if (!a.params) return undefined;
  return a.params.find((x) => JSON.stringify(a.formatParam ? a.formatParam(x) : x) === JSON.stringify(shown));
}

/**
 * Checks an engine lasso by hand; returns what is wrong, or undefined. Needs
 * record states in the trace (no formatState) and params shown as the raw
 * parameter values.
 */
export function lassoProblem(spec: Spec<any>, v: Violation): string | undefined {
  const prop = (spec.properties ?? []).find((p) => p.name === v.property);
  if (!prop) return `no property ${v.property}`;
  if (v.loop === undefined || v.loopStep === undefined) return 'no loop';
  const states = v.trace.map((t) => t.state as State);
  if (!spec.init().some((s) => key(s) === key(states[0]))) return 'the first state is not initial';
  const stepOk = (from: State, to: State, action: string, param: unknown): boolean => {
    const a = spec.actions.find((x) => x.name === action);
    if (!a) return false;
    const p = findParam(a, param);
    if (a.guard && !a.guard(from, p)) return false;
    const t = a.next(from, p);
    return t !== undefined && key(t) === key(to) && key(t) !== key(from);
  };
  for (let i = 1; i < states.length; i++) if (!stepOk(states[i - 1], states[i], v.trace[i].action!, v.trace[i].params)) return `step ${i} is not a transition`;
  const last = states[states.length - 1];
  const stutter = v.loopStep.action === null;
  if (stutter && v.loop !== states.length - 1) return 'stuttering loop not at the last state';
  if (!stutter && !stepOk(last, states[v.loop], v.loopStep.action!, v.loopStep.params)) return 'the closing step is not a transition';
  // The property fails on the lasso.
  const cyc = states.slice(v.loop);
  const goal = prop.kind === 'leadsTo' ? prop.q : prop.p;
  if (prop.kind === 'eventually' && states.some((s) => goal(s))) return 'P holds somewhere on the lasso';
  if (prop.kind === 'alwaysEventually' && cyc.some((s) => goal(s))) return 'P holds on the cycle';
  if (prop.kind === 'leadsTo') {
    const ok = states.some((s, i) => prop.p(s) && states.slice(Math.min(i, v.loop!)).every((t) => !goal(t)));
    if (!ok) return 'no P state followed only by not-Q states';
  }
  // Fairness on the cycle.
  const cycleMoves = stutter ? [] : [...v.trace.slice(v.loop + 1).map((t) => ({ action: t.action!, param: t.params })), { action: v.loopStep.action!, param: v.loopStep.params }];
  const movesOf = (s: State) => successors(spec, s);
  const procOfStep = (m: { action: string; param: unknown }): string => {
    const a = spec.actions.find((x) => x.name === m.action)!;
    const p = findParam(a, m.param);
    return processOf(a, p);
  };
  const taken = cycleMoves.map((m) => ({ action: m.action, process: procOfStep(m) }));
  const procs = new Set<string>();
  for (const s of cyc) for (const m of movesOf(s)) procs.add(m.process);
  for (const f of spec.fairness ?? []) {
    const matchers: ((m: { action: string; process: string }) => boolean)[] =
      f.action !== undefined ? [(m) => m.action === f.action] : f.process === '*' ? [...procs].map((p) => (m) => m.process === p) : [(m) => m.process === f.process];
    for (const covers of matchers) {
      const en = cyc.map((s) => movesOf(s).some((m) => covers(m)));
      const tk = taken.some((m) => covers(m));
      if (f.kind === 'weak' && en.every(Boolean) && !tk) return `the cycle violates weak fairness ${JSON.stringify(f)}`;
      if (f.kind === 'strong' && en.some(Boolean) && !tk) return `the cycle violates strong fairness ${JSON.stringify(f)}`;
    }
  }
  return undefined;
}

// ------------------------------------------------------------ random models

export interface LiveModel {
  readonly plain: PlainModel;
  readonly props: readonly { readonly kind: 'eventually' | 'alwaysEventually' | 'leadsTo'; readonly p: readonly Literal[]; readonly q: readonly Literal[] }[];
  /** Process of action j, parameter p: `P${(base[j] + p * mult[j]) % procs}`. */
  readonly procs: number;
  readonly base: readonly number[];
  readonly mult: readonly number[];
  readonly fairness: readonly { readonly kind: 'weak' | 'strong'; readonly target: { readonly action: number } | { readonly process: number } | { readonly all: true } }[];
}

export const liveModelArb: fc.Arbitrary<LiveModel> = plainModelArb(1).chain((plain) => {
  const nv = plain.vars.length;
  const literal = fc.integer({ min: 0, max: nv - 1 }).chain((v) => fc.record({ v: fc.constant(v), val: fc.integer({ min: 0, max: plain.vars[v].size - 1 }), eq: fc.boolean() }));
  const lits = fc.array(literal, { minLength: 1, maxLength: 2 });
  const nA = plain.actions.length;
  return fc.record({
    plain: fc.constant(plain),
    props: fc.array(fc.record({ kind: fc.constantFrom('eventually' as const, 'alwaysEventually' as const, 'leadsTo' as const), p: lits, q: lits }), { minLength: 1, maxLength: 2 }),
    procs: fc.integer({ min: 1, max: 3 }),
    base: fc.array(fc.integer({ min: 0, max: 2 }), { minLength: nA, maxLength: nA }),
    mult: fc.array(fc.integer({ min: 0, max: 2 }), { minLength: nA, maxLength: nA }),
    fairness: fc.array(
      fc.record({
        kind: fc.constantFrom('weak' as const, 'strong' as const),
        target: fc.oneof(
          fc.integer({ min: 0, max: nA - 1 }).map((action) => ({ action })),
          fc.integer({ min: 0, max: 2 }).map((process) => ({ process })),
          fc.constant({ all: true as const }),
        ),
      }),
      { maxLength: 3 },
    ),
  });
});

/** The spec of a random live model. */
export function liveSpec(m: LiveModel): Spec<any> {
  const base = plainSpec(m.plain);
  const idx = (s: Record<string, unknown>, l: Literal): number => {
    const sh = m.plain.vars[l.v];
    const v = s[`v${l.v}`];
    return sh.kind === 'int' ? (v as number) - sh.lo : sh.kind === 'bool' ? (v ? 1 : 0) : Number((v as string).slice(1));
  };
  const holds = (ls: readonly Literal[]) => (s: Record<string, unknown>): boolean => ls.every((l) => (idx(s, l) === l.val) === l.eq);
  const procs = Math.max(1, m.procs);
  const procName = (j: number, p: unknown): string => `P${(m.base[j] + (typeof p === 'number' ? p : 0) * m.mult[j]) % procs}`;
  const existing = new Set(base.actions.flatMap((a, j) => (a.params ?? [undefined]).map((p) => procName(j, p))));
  return {
    ...base,
    name: 'random-live',
    actions: base.actions.map((a, j) => ({ ...a, process: (p: unknown) => procName(j, p) })),
    properties: m.props.map((p, i): TemporalProperty<any> =>
      p.kind === 'leadsTo' ? { name: `prop${i}`, kind: 'leadsTo', p: holds(p.p), q: holds(p.q) } : { name: `prop${i}`, kind: p.kind, p: holds(p.p) },
    ),
    fairness: m.fairness
      .map((f): Fairness => {
        const t = f.target;
        if ('action' in t) return { kind: f.kind, action: base.actions[t.action].name };
        if ('process' in t) return { kind: f.kind, process: `P${t.process % procs}` };
        return { kind: f.kind, process: '*' };
      })
      // a condition on a process no action belongs to is a spec error (MC204); the generator only names real ones
      .filter((f) => f.process === undefined || f.process === '*' || existing.has(f.process)),
  };
}

// ------------------------------------------------------------ random symmetric models

/** A state predicate of a symmetric model: symmetric ones (counts, g) and asymmetric ones (process 0's value). */
export type SymPred =
  | { readonly kind: 'someA'; readonly val: number } // some process has a = val (symmetric)
  | { readonly kind: 'allA'; readonly val: number } // every process has a = val (symmetric)
  | { readonly kind: 'g'; readonly val: number } // g = val (symmetric)
  | { readonly kind: 'a0'; readonly val: number }; // process 0 has a = val (not symmetric)

export interface SymLiveModel {
  readonly sym: SymModel;
  /** Acyclic variant: every step increments a counter `steps` up to this bound (0: the model as it is). */
  readonly steps: number;
  readonly props: readonly { readonly kind: 'eventually' | 'alwaysEventually' | 'leadsTo'; readonly p: SymPred; readonly q: SymPred }[];
  /** '*': every process weakly (or strongly) fair; 'each': one condition per process, all of them; 'some': a condition on one action only. */
  readonly fairness: 'none' | 'star' | 'each' | 'some';
  readonly strong: boolean;
}

/**
 * Random models with a symmetric domain (randomSpecs' symModelArb), temporal
 * properties over symmetric and asymmetric predicates, and fairness per
 * process; half of them made acyclic by a step counter, so that the acyclic
 * path (checker/liveness.ts) decides many of them.
 */
export const symLiveModelArb: fc.Arbitrary<SymLiveModel> = symModelArb(0).chain((sym) => {
  const pred: fc.Arbitrary<SymPred> = fc.oneof(
    fc.record({ kind: fc.constant('someA' as const), val: fc.integer({ min: 0, max: sym.aSize - 1 }) }),
    fc.record({ kind: fc.constant('allA' as const), val: fc.integer({ min: 0, max: sym.aSize - 1 }) }),
    fc.record({ kind: fc.constant('g' as const), val: fc.integer({ min: 0, max: sym.gSize - 1 }) }),
    fc.record({ kind: fc.constant('a0' as const), val: fc.integer({ min: 0, max: sym.aSize - 1 }) }),
  );
  return fc.record({
    sym: fc.constant(sym),
    steps: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 4 })),
    props: fc.array(fc.record({ kind: fc.constantFrom('eventually' as const, 'alwaysEventually' as const, 'leadsTo' as const), p: pred, q: pred }), { minLength: 1, maxLength: 2 }),
    fairness: fc.constantFrom<'none' | 'star' | 'each' | 'some'>('star', 'star', 'each', 'some', 'none'),
    strong: fc.boolean(),
  });
});

const symHolds = (s: SymState, q: SymPred): boolean =>
  q.kind === 'someA' ? s.a.some((x) => x === q.val) : q.kind === 'allA' ? s.a.every((x) => x === q.val) : q.kind === 'g' ? s.g === q.val : s.a[0] === q.val;

/** The spec of a random symmetric live model: `symmetric: { p: n }`, processes `P<i>` (local actions) and the global actions' names. */
export function symLiveSpec(m: SymLiveModel): Spec<any> {
  const base = symSpec(m.sym);
  const K = m.steps;
  type S = SymState & { steps?: number };
  const actions = base.actions.map((a) => ({
    ...a,
    process: (p: unknown) => (typeof p === 'number' ? `P${p}` : a.name),
    ...(K > 0
      ? {
          next: (s: S, p: any) => {
            if ((s.steps as number) >= K) return undefined;
            const t = a.next(s, p);
            return t === undefined ? undefined : { ...t, steps: (s.steps as number) + 1 };
          },
        }
      : {}),
  }));
  const kind = m.strong ? ('strong' as const) : ('weak' as const);
  const procs = [...Array.from({ length: m.sym.n }, (_, i) => `P${i}`), ...base.actions.filter((a) => a.params === undefined).map((a) => a.name)];
  const fairness: Fairness[] =
    m.fairness === 'none'
      ? []
      : m.fairness === 'star'
        ? [{ kind, process: '*' }]
        : m.fairness === 'each'
          ? procs.filter((p) => !p.startsWith('P') || base.actions.some((a) => a.params !== undefined)).map((process) => ({ kind, process }))
          : [{ kind, action: base.actions[0].name }];
  return {
    ...base,
    name: 'random-symmetric-live',
    invariants: [],
    witnesses: [],
    variables: K > 0 ? { ...base.variables, steps: int(0, K) } : base.variables,
    init: K > 0 ? () => base.init().map((s) => ({ ...s, steps: 0 })) : base.init,
    actions: actions as Spec<any>['actions'],
    properties: m.props.map((p, i): TemporalProperty<any> =>
      p.kind === 'leadsTo'
        ? { name: `prop${i}`, kind: 'leadsTo', p: (s: SymState) => symHolds(s, p.p), q: (s: SymState) => symHolds(s, p.q) }
        : { name: `prop${i}`, kind: p.kind, p: (s: SymState) => symHolds(s, p.p) },
    ),
    fairness,
  };
}
