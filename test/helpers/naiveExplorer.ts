/**
 * A naive explicit-state explorer, written only to cross-check the engine.
 *
 * It shares no code with `checker/` beyond the spec types and domain
 * declarations: states are kept as plain JS values, deduplicated by a
 * canonical JSON key (object keys sorted), the search is a plain BFS over an
 * array, and symmetry is handled by brute force (the key of an orbit is the
 * least key over *all* permutations of the symmetric domains). It is slow on
 * purpose: obviously right matters more than fast here.
 *
 * Semantics it implements (the engine's contract, docs/reference-models.md):
 * - the reachable states are those reachable from `init()` by enabled actions
 *   (`guard` true if present, `next` not `undefined`), every state expanded,
 *   violating or not;
 * - a deadlock is a reachable state with no successor different from itself
 *   that is not `terminal`;
 * - the shortest violation of a property is the BFS level (number of steps)
 *   of the first state violating it. With symmetry (and properties invariant
 *   under renaming) it is the same, since the set of violating states is
 *   closed under renaming; but the *depth* can shrink when the initial states
 *   are not closed under renaming: an orbit's distance is the least distance
 *   of its members (`orbitDepth`).
 *
 * - `deadlockSemantics: 'tlc'`: a deadlock is a state with no successor at all;
 * - `constraint`: a state violating it is neither stored nor expanded, but its
 *   invariants are checked (at its own level), and it counts as a successor.
 *
 * `view` is ignored (none of the models that use this helper has one).
 *
 * @module
 */
import type { Domain, Spec, State } from '../../checker/index';

/** What the naive explorer found. */
export interface NaiveResult {
  /** Distinct reachable states. */
  readonly reachable: number;
  /** Distinct orbits of reachable states under the spec's symmetric domains (= `reachable` without any). */
  readonly orbits: number;
  /** Number of distinct states at each BFS level (level 0: initial states). */
  readonly levels: readonly number[];
  /** Largest BFS level (0 when only initial states are reachable). */
  readonly depth: number;
  /** Largest distance of an orbit (the least BFS level of its members): the depth of a search under symmetry. */
  readonly orbitDepth: number;
  /** Number of orbits at each distance (what `levels` is under symmetry). */
  readonly orbitLevels: readonly number[];
  /** Whether some state at each BFS level has a successor other than itself. */
  readonly levelHasProgress: readonly boolean[];
  /** Whether some state in an orbit at each distance has a successor other than itself. */
  readonly orbitLevelHasProgress: readonly boolean[];
  /** Invariant name (or `deadlock`) → number of steps to the shallowest state violating it. */
  readonly shortest: Readonly<Record<string, number>>;
  /** Witness name → number of steps to the shallowest state satisfying it. */
  readonly witnesses: Readonly<Record<string, number>>;
  /** The globally shallowest violation (ties: the first one this BFS meets). */
  readonly firstViolation?: { readonly kind: 'invariant' | 'deadlock'; readonly property: string; readonly length: number };
  readonly deadlock: boolean;
  /** One shortest trace (states, initial first) to each violated property, following BFS discovery order. */
  readonly traces: Readonly<Record<string, readonly { action: string | null; param: unknown; state: State }[]>>;
  /** Every reachable state, by key (for tests that inspect them). */
  readonly states: ReadonlyMap<string, State>;
}

export interface NaiveOptions {
  /** Overrides `spec.checkDeadlock` (default: on unless the spec says `false`). */
  readonly checkDeadlock?: boolean;
  /** Refuse to explore more than this many states (a safety net for tests). */
  readonly limit?: number;
  /** Overrides `spec.deadlockSemantics`: `'tlc'` counts a stutter step as enabled. */
  readonly deadlockSemantics?: 'progress' | 'tlc';
}

/** A canonical, order-independent key for plain data (object keys sorted). */
export function keyOf(v: unknown): string {
  if (v === null || typeof v !== 'object') {
    if (v === undefined) return 'u';
    if (typeof v === 'number' && !Number.isFinite(v)) return `n${String(v)}`;
    return JSON.stringify(v);
  }
  if (Array.isArray(v)) return `[${v.map(keyOf).join(',')}]`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${keyOf(o[k])}`)
    .join(',')}}`;
}

/** All permutations of 0..n-1, as arrays p with p[i] = image of i. */
export function permutations(n: number): number[][] {
  if (n === 0) return [[]];
  const out: number[][] = [];
  for (const p of permutations(n - 1)) {
    for (let at = 0; at <= p.length; at++) out.push([...p.slice(0, at), n - 1, ...p.slice(at)]);
  }
  return out;
}

/** Applies a renaming (domain → permutation) to a value of domain `d`. */
export function rename(d: Domain, v: unknown, perms: Readonly<Record<string, readonly number[]>>): unknown {
  switch (d.kind) {
    case 'id': {
      const p = perms[d.domain];
      return v === null || !p ? v : p[v as number];
    }
    case 'array':
      return (v as unknown[]).map((x) => rename(d.of, x, perms));
    case 'map': {
      const p = perms[d.index];
      const src = v as unknown[];
      const out = new Array<unknown>(src.length);
      src.forEach((x, i) => {
        out[p ? p[i] : i] = rename(d.of, x, perms);
      });
      return out;
    }
    case 'record': {
      const o = v as Record<string, unknown>;
      return Object.fromEntries(Object.entries(d.fields).map(([k, fd]) => [k, rename(fd, o[k], perms)]));
    }
    case 'seq':
      return (v as unknown[]).map((x) => rename(d.of, x, perms));
    case 'set':
      return normalise(d, (v as unknown[]).map((x) => rename(d.of, x, perms)));
    default:
      return v;
  }
}

/** A value with every `setOf(T)` value deduplicated and sorted by key (the naive canonical form of a set). */
export function normalise(d: Domain, v: unknown): unknown {
  switch (d.kind) {
    case 'set': {
      const items = v instanceof Set ? [...v] : (v as unknown[]);
      const byKey = new Map(items.map((x) => [keyOf(x), normalise(d.of, x)]));
      return [...byKey.keys()].sort().map((k) => byKey.get(k));
    }
    case 'array':
    case 'map':
    case 'seq':
      return Array.isArray(v) ? v.map((x) => normalise(d.of, x)) : v;
    case 'record': {
      if (v === null || typeof v !== 'object') return v;
      const o = v as Record<string, unknown>;
      return Object.fromEntries(Object.keys(o).map((k) => [k, d.fields[k] ? normalise(d.fields[k], o[k]) : o[k]]));
    }
    default:
      return v;
  }
}

/** `normalise` for a whole state. */
export const normaliseState = (spec: Spec<any>, s: State): State =>
  Object.fromEntries(Object.keys(s).map((k) => [k, spec.variables[k] ? normalise(spec.variables[k], s[k]) : s[k]]));

/** Checks a value against its domain; returns a description of the first problem, or undefined. */
export function domainProblem(d: Domain, v: unknown, sym: Readonly<Record<string, number>>, path: string): string | undefined {
  const bad = (): string => `${path} = ${JSON.stringify(v)} is outside ${d.kind}`;
  switch (d.kind) {
    case 'bool':
      return typeof v === 'boolean' ? undefined : bad();
    case 'int':
      return Number.isInteger(v) && (v as number) >= d.lo && (v as number) <= d.hi ? undefined : bad();
    case 'enum':
      return d.values.includes(v as string) ? undefined : bad();
    case 'bits':
      return Number.isInteger(v) && (v as number) >= 0 && (v as number) < 2 ** d.names.length ? undefined : bad();
    case 'id':
      if (v === null) return d.optional ? undefined : bad();
      return Number.isInteger(v) && (v as number) >= 0 && (v as number) < sym[d.domain] ? undefined : bad();
    case 'array':
    case 'map': {
      const n = d.kind === 'array' ? d.length : sym[d.index];
      if (!Array.isArray(v) || v.length !== n) return bad();
      for (let i = 0; i < n; i++) {
        const p = domainProblem(d.of, v[i], sym, `${path}[${i}]`);
        if (p) return p;
      }
      return undefined;
    }
    case 'record': {
      if (v === null || typeof v !== 'object') return bad();
      for (const [k, fd] of Object.entries(d.fields)) {
        const p = domainProblem(fd, (v as Record<string, unknown>)[k], sym, `${path}.${k}`);
        if (p) return p;
      }
      return undefined;
    }
    case 'seq': {
      if (!Array.isArray(v) || v.length > d.max) return bad();
      for (let i = 0; i < v.length; i++) {
        const p = domainProblem(d.of, v[i], sym, `${path}[${i}]`);
        if (p) return p;
      }
      return undefined;
    }
    case 'set': {
      const items = v instanceof Set ? [...v] : v;
      if (!Array.isArray(items)) return bad();
      for (const x of items) {
        const p = domainProblem(d.of, x, sym, `${path}{}`);
        if (p) return p;
      }
      return undefined;
    }
  }
}

/** Builds the orbit key function for a spec: the least key over all renamings of its symmetric domains. */
export function orbitKey(spec: Spec<any>): (s: State) => string {
  const sym = spec.symmetric ?? {};
  const names = Object.keys(sym);
  if (names.length === 0) return keyOf;
  // Every combination of one permutation per symmetric domain.
  let combos: Record<string, number[]>[] = [{}];
  for (const name of names) {
    const next: Record<string, number[]>[] = [];
    for (const c of combos) for (const p of permutations(sym[name])) next.push({ ...c, [name]: p });
    combos = next;
  }
  return (s) => {
    let best: string | undefined;
    for (const perms of combos) {
      // Built in declaration order (variables, then record fields), so plain JSON is already canonical here.
      const r = Object.fromEntries(Object.entries(spec.variables).map(([k, d]) => [k, rename(d, s[k], perms)]));
      const k = JSON.stringify(r);
      if (best === undefined || k < best) best = k;
    }
    return best as string;
  };
}

interface Node {
  readonly state: State;
  readonly level: number;
  readonly parent: number;
  readonly action: string | null;
  readonly param: unknown;
  /** Set on expansion: some successor differs from the state. */
  progress?: boolean;
}

/** Explores every reachable state of a record-API spec by plain BFS. */
export function naiveExplore(spec: Spec<any>, options: NaiveOptions = {}): NaiveResult {
  const limit = options.limit ?? 200_000;
  const checkDeadlock = options.checkDeadlock ?? spec.checkDeadlock !== false;
  const sym = spec.symmetric ?? {};
  const validate = (s: State, where: string): void => {
    for (const [k, d] of Object.entries(spec.variables)) {
      const p = domainProblem(d, s[k], sym, k);
      if (p) throw new Error(`naiveExplore: ${where}: ${p}`);
    }
  };

  const index = new Map<string, number>();
  const nodes: Node[] = [];
  const tlc = (options.deadlockSemantics ?? spec.deadlockSemantics ?? 'progress') === 'tlc';
  const outside: { property: string; level: number }[] = [];
  const add = (state: State, level: number, parent: number, action: string | null, param: unknown): void => {
    if (spec.constraint && !spec.constraint(state)) {
      for (const inv of spec.invariants ?? []) if (!inv.holds(state)) outside.push({ property: inv.name, level });
      return;
    }
    const k = keyOf(state);
    if (index.has(k)) return;
    if (nodes.length >= limit) throw new Error(`naiveExplore: more than ${limit} states`);
    index.set(k, nodes.length);
    nodes.push({ state, level, parent, action, param });
  };
  for (const s0 of spec.init()) {
    validate(s0, 'initial state');
    add(normaliseState(spec, s0), 0, -1, null, undefined);
  }

  const shortest: Record<string, number> = {};
  const witnesses: Record<string, number> = {};
  const found: Record<string, number> = {}; // property → node index
  let first: NaiveResult['firstViolation'];
  const note = (kind: 'invariant' | 'deadlock', property: string, at: number): void => {
    if (property in shortest) return;
    shortest[property] = nodes[at].level;
    found[property] = at;
    if (!first || nodes[at].level < first.length) first = { kind, property, length: nodes[at].level };
  };

  for (let at = 0; at < nodes.length; at++) {
    const { state, level } = nodes[at];
    const own = keyOf(state);
    let moves = false;
    let enabled = false;
    for (const action of spec.actions) {
      for (const param of action.params ?? [undefined]) {
        if (action.guard && !action.guard(state, param)) continue;
        const result = action.next(state, param);
        if (result === undefined) continue;
        // oneOf: several successors (an array the engine marks; a state is never an array).
        for (const raw of Array.isArray(result) ? (result as State[]) : [result]) {
          validate(raw, `${action.name}(${JSON.stringify(param)})`);
          const next = normaliseState(spec, raw);
          enabled = true;
          if (keyOf(next) !== own) moves = true;
          add(next, level + 1, at, action.name, param);
        }
      }
    }
    nodes[at].progress = moves;
    if (checkDeadlock && !(tlc ? enabled : moves) && !(spec.terminal?.(state) ?? false)) note('deadlock', 'deadlock', at);
    for (const inv of spec.invariants ?? []) if (!inv.holds(state)) note('invariant', inv.name, at);
    for (const w of spec.witnesses ?? []) if (!(w.name in witnesses) && w.reached(state)) witnesses[w.name] = level;
  }

  // Invariant violations in states outside the constraint: the shallowest counts.
  for (const o of outside) if (!(o.property in shortest) || o.level < shortest[o.property]) shortest[o.property] = o.level;
  const levels: number[] = [];
  for (const n of nodes) levels[n.level] = (levels[n.level] ?? 0) + 1;
  const orbitOf = orbitKey(spec);
  const orbitLevel = new Map<string, number>();
  const orbitProgress = new Map<string, boolean>();
  for (const n of nodes) {
    const k = orbitOf(n.state);
    orbitLevel.set(k, Math.min(orbitLevel.get(k) ?? Infinity, n.level));
    // Renaming preserves "has a successor other than itself", so any member will do.
    orbitProgress.set(k, n.progress === true);
  }
  const orbits = orbitLevel.size;
  const orbitDepth = Math.max(...orbitLevel.values());
  const orbitLevels: number[] = [];
  const orbitLevelHasProgress: boolean[] = [];
  for (const [k, l] of orbitLevel) {
    orbitLevels[l] = (orbitLevels[l] ?? 0) + 1;
    orbitLevelHasProgress[l] = (orbitLevelHasProgress[l] ?? false) || (orbitProgress.get(k) as boolean);
  }
  const levelHasProgress: boolean[] = [];
  for (const n of nodes) levelHasProgress[n.level] = (levelHasProgress[n.level] ?? false) || n.progress === true;
  const traces: Record<string, { action: string | null; param: unknown; state: State }[]> = {};
  for (const [property, at] of Object.entries(found)) {
    const steps: { action: string | null; param: unknown; state: State }[] = [];
    for (let i = at; i >= 0; i = nodes[i].parent) steps.unshift({ action: nodes[i].action, param: nodes[i].param, state: nodes[i].state });
    traces[property] = steps;
  }
  return {
    reachable: nodes.length,
    orbits,
    levels,
    depth: levels.length - 1,
    orbitDepth,
    orbitLevels,
    levelHasProgress,
    orbitLevelHasProgress,
    shortest,
    witnesses,
    firstViolation: first,
    deadlock: 'deadlock' in shortest,
    traces,
    states: new Map([...index].map(([k, i]) => [k, nodes[i].state])),
  };
}

/** Every shortest path (as action-name sequences) from an initial state to a state satisfying `goal`. */
export function allShortestPaths(spec: Spec<any>, goal: (s: State) => boolean, limit = 100_000): string[][] {
  type Path = { state: State; actions: string[] };
  let frontier: Path[] = spec.init().map((state) => ({ state, actions: [] }));
  const seen = new Set(frontier.map((p) => keyOf(p.state)));
  while (frontier.length > 0) {
    const hits = frontier.filter((p) => goal(p.state)).map((p) => p.actions);
    if (hits.length > 0) return hits;
    const next: Path[] = [];
    const levelSeen = new Set<string>();
    for (const p of frontier) {
      for (const action of spec.actions) {
        for (const param of action.params ?? [undefined]) {
          if (action.guard && !action.guard(p.state, param)) continue;
          const s = action.next(p.state, param);
          if (s === undefined) continue;
          const k = keyOf(s);
          if (seen.has(k)) continue;
          levelSeen.add(k);
          const label = param === undefined ? action.name : `${action.name}(${JSON.stringify(param)})`;
          next.push({ state: s, actions: [...p.actions, label] });
          if (next.length > limit) throw new Error('allShortestPaths: too many paths');
        }
      }
    }
    levelSeen.forEach((k) => seen.add(k));
    frontier = next;
  }
  return [];
}
