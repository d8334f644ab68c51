/**
 * fast-check arbitraries for small random specs, used to cross-check the
 * engine against the naive explorer.
 *
 * Two families:
 * - `plainSpecArb`: 1–4 int/bool/enum variables, actions that are random
 *   transition tables (read 1–2 variables, write 1–2, some rows disabled) or
 *   guarded affine updates with parameters; random invariants (¬ a
 *   conjunction of literals), witnesses, an optional `terminal`.
 * - `symSpecArb`: a symmetric domain `p` of 1–4 elements, `a: mapOf('p', int)`,
 *   a global `g`, an optional `owner: optId('p')` and a `flag: mapOf('p', bool)`; every action
 *   acts uniformly on a parameter `p` (a table over `(a[p], g)` plus an owner
 *   guard and update), or is a global step guarded by a quantifier over `a`.
 *   Actions, invariants, witnesses and `terminal` are all invariant under
 *   renaming `p`, so symmetry reduction must count exactly the orbits.
 *
 * Each arbitrary yields a plain description (printable when a property
 * fails); `toSpec` turns it into a spec.
 *
 * @module
 */
import fc from 'fast-check';
import { Action, bool, Domain, enumOf, Footprint, FootprintTable, int, mapOf, optId, Spec } from '../../checker/index';

// ---------------------------------------------------------------- plain specs

/** With room for two invariants, sometimes generates a pair where the second can only fail where the first does. */
function nested<T>(free: fc.Arbitrary<T[]>, maxInvariants: number, pair: fc.Arbitrary<T[]>): fc.Arbitrary<T[]> {
  return maxInvariants >= 2 ? fc.oneof(free, pair) : free;
}

export interface VarShape {
  readonly kind: 'int' | 'bool' | 'enum';
  readonly size: number;
  /** For ints: the lowest value. */
  readonly lo: number;
}

/** `v[var] (=|≠) value-index`. */
export interface Literal {
  readonly v: number;
  readonly val: number;
  readonly eq: boolean;
}

export type PlainAction =
  | { readonly kind: 'table'; readonly reads: readonly number[]; readonly writes: readonly number[]; readonly table: readonly (readonly number[] | null)[] }
  | {
      readonly kind: 'affine';
      readonly guard: readonly Literal[];
      readonly read: number;
      readonly write: number;
      readonly a: number;
      readonly b: number;
      /** Number of parameter values (1: parameterless); the parameter is added to the result. */
      readonly params: number;
    };

export interface PlainModel {
  readonly vars: readonly VarShape[];
  readonly init: readonly (readonly number[])[];
  readonly actions: readonly PlainAction[];
  /** Each invariant holds unless all its literals are true. */
  readonly invariants: readonly (readonly Literal[])[];
  readonly witnesses: readonly (readonly Literal[])[];
  readonly terminal: readonly Literal[] | null;
  readonly checkDeadlock: boolean;
}

const varShapeArb: fc.Arbitrary<VarShape> = fc.oneof(
  fc.record({ kind: fc.constant('int' as const), size: fc.integer({ min: 2, max: 4 }), lo: fc.integer({ min: -2, max: 3 }) }),
  fc.constant({ kind: 'bool' as const, size: 2, lo: 0 }),
  fc.record({ kind: fc.constant('enum' as const), size: fc.integer({ min: 2, max: 3 }), lo: fc.constant(0) }),
);

/** Random small specs over int, bool and enum variables, with up to `maxInvariants` invariants. */
export const plainModelArb = (maxInvariants: number): fc.Arbitrary<PlainModel> => fc.array(varShapeArb, { minLength: 1, maxLength: 4 }).chain((vars) => {
  const nv = vars.length;
  const varIdx = fc.integer({ min: 0, max: nv - 1 });
  const literal: fc.Arbitrary<Literal> = varIdx.chain((v) =>
    fc.record({ v: fc.constant(v), val: fc.integer({ min: 0, max: vars[v].size - 1 }), eq: fc.boolean() }),
  );
  const stateArb = fc.tuple(...vars.map((s) => fc.integer({ min: 0, max: s.size - 1 })));
  const tableAction: fc.Arbitrary<PlainAction> = fc
    .tuple(fc.uniqueArray(varIdx, { minLength: 1, maxLength: 2 }), fc.uniqueArray(varIdx, { minLength: 1, maxLength: 2 }))
    .chain(([reads, writes]) => {
      const rows = reads.reduce((p, r) => p * vars[r].size, 1);
      const row = fc.option(fc.tuple(...writes.map((w) => fc.integer({ min: 0, max: vars[w].size - 1 }))), { freq: 3 });
      return fc.record({
        kind: fc.constant('table' as const),
        reads: fc.constant(reads),
        writes: fc.constant(writes),
        table: fc.array(row, { minLength: rows, maxLength: rows }),
      });
    });
  const affineAction: fc.Arbitrary<PlainAction> = fc.record({
    kind: fc.constant('affine' as const),
    guard: fc.array(literal, { maxLength: 2 }),
    read: varIdx,
    write: varIdx,
    a: fc.integer({ min: 0, max: 3 }),
    b: fc.integer({ min: 0, max: 3 }),
    params: fc.integer({ min: 1, max: 3 }),
  });
  return fc.record({
    vars: fc.constant(vars),
    init: fc.array(stateArb, { minLength: 1, maxLength: 2 }),
    actions: fc.array(fc.oneof(tableAction, affineAction), { minLength: 1, maxLength: 4 }),
    invariants: nested(fc.array(fc.array(literal, { minLength: 1, maxLength: 2 }), { maxLength: maxInvariants }), maxInvariants,
      // A second invariant that can only fail where the first fails too (so the first can mask it).
      fc.tuple(fc.array(literal, { minLength: 1, maxLength: 2 }), literal).map(([l, extra]) => [l, [...l, extra]])),
    witnesses: fc.array(fc.array(literal, { minLength: 1, maxLength: 2 }), { maxLength: 1 }),
    terminal: fc.option(fc.array(literal, { minLength: 1, maxLength: 2 }), { freq: 3 }),
    checkDeadlock: fc.boolean(),
  });
});

type PlainState = Record<string, number | boolean | string>;

const varName = (i: number): string => `v${i}`;

function domainOf(s: VarShape): Domain {
  if (s.kind === 'int') return int(s.lo, s.lo + s.size - 1);
  if (s.kind === 'bool') return bool();
  return enumOf(Array.from({ length: s.size }, (_, i) => `e${i}`));
}
const toValue = (s: VarShape, i: number): number | boolean | string => (s.kind === 'int' ? s.lo + i : s.kind === 'bool' ? i === 1 : `e${i}`);
function toIndex(s: VarShape, v: unknown): number {
  if (s.kind === 'int') return (v as number) - s.lo;
  if (s.kind === 'bool') return v ? 1 : 0;
  return Number((v as string).slice(1));
}

/** Turns a plain model description into a record-API spec. */
export function plainSpec(m: PlainModel): Spec<PlainState> {
  const idx = (s: PlainState, v: number): number => toIndex(m.vars[v], s[varName(v)]);
  const holdsAll = (s: PlainState, lits: readonly Literal[]): boolean => lits.every((l) => (idx(s, l.v) === l.val) === l.eq);
  const with_ = (s: PlainState, writes: readonly [number, number][]): PlainState => {
    const t = { ...s };
    for (const [v, i] of writes) t[varName(v)] = toValue(m.vars[v], i);
    return t;
  };
  const actions: Action<PlainState, any>[] = m.actions.map((a, j) => {
    if (a.kind === 'table') {
      return {
        name: `T${j}`,
        next: (s: PlainState) => {
          let row = 0;
          for (const r of a.reads) row = row * m.vars[r].size + idx(s, r);
          const out = a.table[row];
          return out ? with_(s, a.writes.map((w, k) => [w, out[k]])) : undefined;
        },
      };
    }
    return {
      name: `A${j}`,
      ...(a.params > 1 ? { params: Array.from({ length: a.params }, (_, p) => p) } : {}),
      guard: (s: PlainState) => holdsAll(s, a.guard),
      next: (s: PlainState, p: number | undefined) => with_(s, [[a.write, (a.a * idx(s, a.read) + a.b + (p ?? 0)) % m.vars[a.write].size]]),
    };
  });
  return {
    name: 'random-plain',
    variables: Object.fromEntries(m.vars.map((s, i) => [varName(i), domainOf(s)])),
    init: () => m.init.map((st) => Object.fromEntries(st.map((i, v) => [varName(v), toValue(m.vars[v], i)]))),
    actions,
    invariants: m.invariants.map((lits, i) => ({ name: `inv${i}`, holds: (s: PlainState) => !holdsAll(s, lits) })),
    witnesses: m.witnesses.map((lits, i) => ({ name: `wit${i}`, reached: (s: PlainState) => holdsAll(s, lits) })),
    ...(m.terminal ? { terminal: (s: PlainState) => holdsAll(s, m.terminal as Literal[]) } : {}),
    checkDeadlock: m.checkDeadlock,
  };
}

// ------------------------------------------------------------ symmetric specs

export type OwnerGuard = 'any' | 'free' | 'mine' | 'notMine';
export type OwnerOp = 'keep' | 'take' | 'release';

/** `a[p], g, flag[p] := row(a[p], g)` for one process `p`. */
export interface SymLocalAction {
  readonly kind: 'local';
  readonly owner: OwnerGuard;
  readonly table: readonly ({ readonly a: number; readonly g: number; readonly flag: boolean; readonly owner: OwnerOp } | null)[];
}

/** `g := table[g]` when some / all / no process has `a[p] = val`. */
export interface SymGlobalAction {
  readonly kind: 'global';
  readonly quant: 'some' | 'all' | 'none';
  readonly val: number;
  readonly table: readonly (number | null)[];
}

export type SymProperty =
  | { readonly kind: 'count'; readonly val: number; readonly max: number } // at most `max` processes have a = val
  | { readonly kind: 'gOwned'; readonly g: number } // not (g = x and someone owns)
  | { readonly kind: 'flags'; readonly max: number }; // at most `max` flags set

export interface SymModel {
  readonly n: number;
  readonly aSize: number;
  readonly gSize: number;
  readonly withOwner: boolean;
  readonly init: { readonly a: readonly number[]; readonly g: number };
  readonly actions: readonly (SymLocalAction | SymGlobalAction)[];
  readonly invariants: readonly SymProperty[];
  readonly witnesses: readonly SymProperty[];
  readonly terminalG: number | null;
  readonly checkDeadlock: boolean;
}

/**
 * Random small specs with a symmetric domain `p`, with up to `maxInvariants`
 * invariants. `flag` exists only for up to 3 processes, to keep the naive
 * explorer's brute-force orbit computation fast.
 */
export const symModelArb = (maxInvariants: number): fc.Arbitrary<SymModel> => fc
  .record({ n: fc.integer({ min: 1, max: 4 }), aSize: fc.integer({ min: 2, max: 3 }), gSize: fc.integer({ min: 1, max: 3 }), withOwner: fc.boolean() })
  .chain(({ n, aSize, gSize, withOwner }) => {
    const aVal = fc.integer({ min: 0, max: aSize - 1 });
    const gVal = fc.integer({ min: 0, max: gSize - 1 });
    const local: fc.Arbitrary<SymLocalAction> = fc.record({
      kind: fc.constant('local' as const),
      owner: withOwner ? fc.constantFrom<OwnerGuard>('any', 'free', 'mine', 'notMine') : fc.constant<OwnerGuard>('any'),
      table: fc.array(
        fc.option(
          fc.record({
            a: aVal,
            g: gVal,
            flag: n <= 3 ? fc.boolean() : fc.constant(false),
            owner: withOwner ? fc.constantFrom<OwnerOp>('keep', 'take', 'release') : fc.constant<OwnerOp>('keep'),
          }),
          { freq: 3 },
        ),
        { minLength: aSize * gSize, maxLength: aSize * gSize },
      ),
    });
    const global: fc.Arbitrary<SymGlobalAction> = fc.record({
      kind: fc.constant('global' as const),
      quant: fc.constantFrom<'some' | 'all' | 'none'>('some', 'all', 'none'),
      val: aVal,
      table: fc.array(fc.option(gVal, { freq: 3 }), { minLength: gSize, maxLength: gSize }),
    });
    const prop: fc.Arbitrary<SymProperty> = fc.oneof(
      fc.record({ kind: fc.constant('count' as const), val: aVal, max: fc.integer({ min: 0, max: Math.max(0, n - 1) }) }),
      fc.record({ kind: fc.constant('gOwned' as const), g: gVal }),
      fc.record({ kind: fc.constant('flags' as const), max: fc.integer({ min: 0, max: Math.min(n, 3) }) }),
    );
    return fc.record({
      n: fc.constant(n),
      aSize: fc.constant(aSize),
      gSize: fc.constant(gSize),
      withOwner: fc.constant(withOwner),
      init: fc.record({ a: fc.array(aVal, { minLength: n, maxLength: n }), g: gVal }),
      actions: fc.array(fc.oneof({ arbitrary: local, weight: 3 }, { arbitrary: global, weight: 1 }), { minLength: 1, maxLength: 3 }),
      invariants: nested(fc.array(prop, { minLength: Math.min(1, maxInvariants), maxLength: maxInvariants }), maxInvariants,
        // "at most max+1" can only fail where "at most max" fails too.
        fc.record({ val: aVal, max: fc.integer({ min: 0, max: Math.max(0, n - 2) }) }).map(({ val, max }): SymProperty[] => [
          { kind: 'count', val, max },
          { kind: 'count', val, max: max + 1 },
        ])),
      witnesses: fc.array(prop, { maxLength: 1 }),
      terminalG: fc.option(gVal, { freq: 2 }),
      checkDeadlock: fc.boolean(),
    });
  });

export type SymState = { a: readonly number[]; flag: readonly boolean[]; g: number; owner?: number | null };

/** Turns a symmetric model description into a spec with `symmetric: { p: n }`. */
export function symSpec(m: SymModel): Spec<SymState> {
  const ps = Array.from({ length: m.n }, (_, i) => i);
  const ownerOk = (s: SymState, p: number, g: OwnerGuard): boolean =>
    g === 'any' || (g === 'free' ? s.owner === null : g === 'mine' ? s.owner === p : s.owner !== p);
  const violates = (s: SymState, q: SymProperty): boolean => {
    if (q.kind === 'count') return s.a.filter((x) => x === q.val).length > q.max;
    if (q.kind === 'flags') return s.flag.filter((x) => x).length > q.max;
    return m.withOwner && s.g === q.g && s.owner !== null;
  };
  const actions: Action<SymState, any>[] = m.actions.map((act, j) => {
    if (act.kind === 'local') {
      return {
        name: `L${j}`,
        params: ps,
        formatParam: (p: number) => `p${p}`,
        next: (s: SymState, p: number) => {
          if (!ownerOk(s, p, act.owner)) return undefined;
          const row = act.table[s.a[p] * m.gSize + s.g];
          if (!row) return undefined;
          const t: SymState = {
            ...s,
            a: s.a.map((x, i) => (i === p ? row.a : x)),
            flag: s.flag.map((x, i) => (i === p ? row.flag : x)),
            g: row.g,
          };
          if (m.withOwner && row.owner !== 'keep') t.owner = row.owner === 'take' ? p : null;
          return t;
        },
      };
    }
    return {
      name: `G${j}`,
      next: (s: SymState) => {
        const k = s.a.filter((x) => x === act.val).length;
        const ok = act.quant === 'some' ? k > 0 : act.quant === 'all' ? k === m.n : k === 0;
        const g = act.table[s.g];
        return ok && g !== null ? { ...s, g } : undefined;
      },
    };
  });
  return {
    name: 'random-symmetric',
    symmetric: { p: m.n },
    variables: {
      a: mapOf('p', int(0, m.aSize - 1)),
      flag: mapOf('p', bool()),
      g: int(0, m.gSize - 1),
      ...(m.withOwner ? { owner: optId('p') } : {}),
    },
    init: () => [{ a: [...m.init.a], flag: ps.map(() => false), g: m.init.g, ...(m.withOwner ? { owner: null } : {}) }],
    actions,
    invariants: m.invariants.map((q, i) => ({ name: `inv${i}`, holds: (s: SymState) => !violates(s, q) })),
    witnesses: m.witnesses.map((q, i) => ({ name: `wit${i}`, reached: (s: SymState) => violates(s, q) })),
    ...(m.terminalG !== null ? { terminal: (s: SymState) => s.g === m.terminalG } : {}),
    checkDeadlock: m.checkDeadlock,
  };
}

// ------------------------------------------------------------- footprints

/** The exact footprints of a plain model's actions (what each table or affine update reads and writes), and its predicates' reads. */
export function plainFootprints(m: PlainModel): FootprintTable {
  const names = (vs: readonly number[]): string[] => [...new Set(vs)].map(varName);
  const actions: Record<string, Footprint> = {};
  m.actions.forEach((a, j) => {
    if (a.kind === 'table') actions[`T${j}`] = { reads: names(a.reads), writes: names(a.writes) };
    else actions[`A${j}`] = { reads: names([...a.guard.map((l) => l.v), a.read]), writes: names([a.write]) };
  });
  const predicates: Record<string, string[]> = {};
  m.invariants.forEach((lits, i) => (predicates[`inv${i}`] = names(lits.map((l) => l.v))));
  m.witnesses.forEach((lits, i) => (predicates[`wit${i}`] = names(lits.map((l) => l.v))));
  return { actions, predicates };
}

/** The footprints of a symmetric model: a local step of p touches a[p], flag[p], g (and owner); a global step reads all of a. */
export function symFootprints(m: SymModel): FootprintTable {
  const actions: Record<string, Footprint | ((p: number) => Footprint)> = {};
  m.actions.forEach((act, j) => {
    if (act.kind === 'local') {
      const owner = m.withOwner ? ['owner'] : [];
      // A row that keeps the owner copies it: an action that may write it reads it too.
      const writesOwner = act.table.some((r) => r !== null && r.owner !== 'keep');
      actions[`L${j}`] = (p: number) => ({
        reads: [`a[${p}]`, 'g', ...(act.owner !== 'any' || writesOwner ? owner : [])],
        writes: [`a[${p}]`, `flag[${p}]`, 'g', ...(writesOwner ? owner : [])],
      });
    } else actions[`G${j}`] = { reads: ['a', 'g'], writes: ['g'] };
  });
  const reads = (q: SymProperty): string[] => (q.kind === 'count' ? ['a'] : q.kind === 'flags' ? ['flag'] : m.withOwner ? ['g', 'owner'] : ['g']);
  const predicates: Record<string, string[]> = {};
  m.invariants.forEach((q, i) => (predicates[`inv${i}`] = reads(q)));
  m.witnesses.forEach((q, i) => (predicates[`wit${i}`] = reads(q)));
  return { actions, predicates };
}

// ------------------------------------------------------- process models

/**
 * Processes with a program counter each and a few shared variables: the
 * family where partial-order reduction has something to reduce. Each step of
 * process i moves `pc_i` from `from` to `to`, may require a shared variable
 * to hold a value, and may set a shared variable.
 */
export interface ProcStep {
  readonly proc: number;
  readonly from: number;
  readonly to: number;
  readonly test: { readonly v: number; readonly val: number } | null;
  readonly set: { readonly v: number; readonly val: number } | null;
}

export interface ProcModel {
  readonly procs: number;
  readonly pcs: number;
  readonly shared: readonly number[];
  readonly steps: readonly ProcStep[];
  /** Each invariant holds unless pc_proc = val and (if given) shared v = sval. */
  readonly invariants: readonly { readonly proc: number; readonly pc: number; readonly shared: { readonly v: number; readonly val: number } | null }[];
  readonly checkDeadlock: boolean;
  /** A terminal state: every process at its last pc. */
  readonly terminal: boolean;
  /** Whether the footprints declare their guard conjuncts. */
  readonly guards: boolean;
}

export const procModelArb: fc.Arbitrary<ProcModel> = fc
  .record({ procs: fc.integer({ min: 2, max: 4 }), pcs: fc.integer({ min: 2, max: 4 }), shared: fc.array(fc.integer({ min: 2, max: 3 }), { maxLength: 2 }) })
  .chain(({ procs, pcs, shared }) => {
    // Shared variables are touched by about one step in six (else every step depends on every other).
    const some = fc.integer({ min: 0, max: Math.max(0, shared.length - 1) }).chain((v) => fc.record({ v: fc.constant(v), val: fc.integer({ min: 0, max: shared[v] - 1 }) }));
    const sv: fc.Arbitrary<{ v: number; val: number } | null> = shared.length === 0 ? fc.constant<{ v: number; val: number } | null>(null) : fc.oneof({ arbitrary: fc.constant(null), weight: 5 }, { arbitrary: some, weight: 1 });
    const step: fc.Arbitrary<ProcStep> = fc.record({
      proc: fc.integer({ min: 0, max: procs - 1 }),
      from: fc.integer({ min: 0, max: pcs - 1 }),
      to: fc.integer({ min: 0, max: pcs - 1 }),
      test: sv,
      set: sv,
    });
    return fc.record({
      procs: fc.constant(procs),
      pcs: fc.constant(pcs),
      shared: fc.constant(shared),
      steps: fc.array(step, { minLength: 1, maxLength: 8 }),
      invariants: fc.array(fc.record({ proc: fc.integer({ min: 0, max: procs - 1 }), pc: fc.integer({ min: 0, max: pcs - 1 }), shared: sv }), { maxLength: 1 }),
      checkDeadlock: fc.boolean(),
      terminal: fc.boolean(),
      guards: fc.boolean(),
    });
  });

type ProcState = Record<string, number>;

/** A process model as a spec with exact footprints. */
export function procSpec(m: ProcModel): Spec<ProcState> {
  const pc = (i: number): string => `pc${i}`;
  const sh = (v: number): string => `s${v}`;
  const variables: Record<string, Domain> = {};
  for (let i = 0; i < m.procs; i++) variables[pc(i)] = int(0, m.pcs - 1);
  m.shared.forEach((n, v) => (variables[sh(v)] = int(0, n - 1)));
  const init: ProcState = Object.fromEntries(Object.keys(variables).map((k) => [k, 0]));
  const actions: Action<ProcState, any>[] = m.steps.map((st, j) => ({
    name: `S${j}`,
    next: (s: ProcState) => {
      if (s[pc(st.proc)] !== st.from) return undefined;
      if (st.test && s[sh(st.test.v)] !== st.test.val) return undefined;
      return { ...s, [pc(st.proc)]: st.to, ...(st.set ? { [sh(st.set.v)]: st.set.val } : {}) };
    },
    footprint: {
      reads: [pc(st.proc), ...(st.test ? [sh(st.test.v)] : [])],
      writes: [pc(st.proc), ...(st.set ? [sh(st.set.v)] : [])],
      // Half the models declare the guard's conjuncts (a disabled step then waits on its first false one only).
      ...(m.guards
        ? {
            guards: [
              { reads: [pc(st.proc)], holds: (s: ProcState) => s[pc(st.proc)] === st.from },
              ...(st.test ? [{ reads: [sh(st.test.v)], holds: (s: ProcState) => s[sh(st.test!.v)] === st.test!.val }] : []),
            ],
          }
        : {}),
    },
  }));
  return {
    name: 'random-procs',
    variables,
    init: () => [init],
    actions,
    invariants: m.invariants.map((q, i) => ({
      name: `inv${i}`,
      holds: (s: ProcState) => !(s[pc(q.proc)] === q.pc && (q.shared === null || s[sh(q.shared.v)] === q.shared.val)),
      reads: [pc(q.proc), ...(q.shared ? [sh(q.shared.v)] : [])],
    })),
    ...(m.terminal ? { terminal: (s: ProcState) => Array.from({ length: m.procs }, (_, i) => s[pc(i)]).every((x) => x === m.pcs - 1) } : {}),
    checkDeadlock: m.checkDeadlock,
  };
}
