/**
 * Partial-order reduction: static stubborn sets from declared footprints.
 *
 * A spec may declare, for each action (instance), a `footprint`: the state
 * components it reads and the ones it may write (`Footprint` in spec.ts).
 * A component is a variable (`'x'`) or one element of an array, map or record
 * variable (`'x[3]'`, `'x[key]'`); `'x'` overlaps every `'x[k]'`.
 *
 * From the footprints the engine derives, once per spec (the footprints
 * depend on the action's parameter only, never on the state):
 * - dependence: two instances are dependent when one writes a component the
 *   other reads or writes;
 * - a necessary enabling set for each instance: every instance that writes a
 *   component it reads (conservative: whatever could change whether it fires);
 * - visibility: an instance is visible when it writes a component some
 *   invariant or witness reads.
 *
 * At each state, `Reducer` evaluates every action (as the unreduced search
 * does), then computes a stubborn set T by closure from one enabled seed:
 * an enabled instance in T brings in every instance dependent on it, a
 * disabled one its necessary enabling set. It keeps the closure with the
 * fewest enabled instances over all seeds and explores only those; when an
 * enabled instance of T is visible the state is fully expanded. The
 * engine adds the BFS proviso (a reduced state none of whose successors is
 * new is fully expanded; explore.ts). Soundness: docs/architecture.md,
 * "Partial-order reduction".
 *
 * `checkFootprint` verifies declared footprints against what the actions do
 * on sampled states (MC205).
 *
 * @module
 */
import type { Compiled } from './compile';
import { guarded, stateText } from './compile';
import { AnySpec, Footprint, isOneOf, isPacked, PackedSpec, Spec, State } from './spec';
import { SpecError } from './result';

/** Why POR is off for a run, or undefined when it may be used. */
export function porUnavailable(spec: AnySpec, o: { strategy?: string; maxDepth?: number; view?: boolean; live: boolean; tlc: boolean; por?: boolean }): string | undefined {
  if (o.por === false) return 'off (--no-por)';
  if (!declaresFootprints(spec)) return o.por === true ? 'off (the spec declares no footprints)' : undefined;
  if (o.live) return 'off (temporal properties: the reduction preserves deadlocks and invariants only)';
  if (o.strategy === 'dfs') return 'off (depth-first search: no DFS proviso implemented)';
  if (o.maxDepth !== undefined) return 'off (--max-depth bounds the reduced graph, not the model)';
  if (o.view) return 'off (the spec has a view)';
  if (typeof (spec as Spec<State>).constraint === 'function') return 'off (the spec has a state constraint)';
  return undefined;
}

/** True when at least one action declares a footprint. */
export function declaresFootprints(spec: AnySpec): boolean {
  const acts: readonly { footprint?: unknown }[] = isPacked(spec) ? spec.packed : (spec as Spec<State>).actions;
  return acts.some((a) => a.footprint !== undefined);
}

/** One parsed component: the variable and, for an element, its key. */
interface Comp {
  readonly v: string;
  readonly k?: string;
}

const COMPONENT = /^([A-Za-z_$][\w$]*)(?:\[([^\]]+)\])?$/;

function parseComponent(spec: AnySpec, where: string, c: unknown): Comp {
  const m = typeof c === 'string' ? COMPONENT.exec(c) : null;
  if (!m) throw new SpecError('MC204', `${where}: footprint component ${JSON.stringify(c)} is not of the form 'x' or 'x[key]'`);
  if (!Object.prototype.hasOwnProperty.call(spec.variables, m[1])) {
    throw new SpecError('MC204', `${where}: footprint component '${c as string}' names no variable of spec ${spec.name} (variables: ${Object.keys(spec.variables).join(', ')})`);
  }
  return m[2] === undefined ? { v: m[1] } : { v: m[1], k: m[2] };
}

/** Footprints of every action instance, in instance order (undefined: none declared, i.e. reads and writes everything). */
interface Instances {
  readonly base: Int32Array;
  readonly n: number;
  readonly fp: (Footprint | undefined)[];
  readonly label: string[];
}

function instances(c: Compiled): Instances {
  const spec = c.spec;
  const base = new Int32Array(c.actions.length + 1);
  for (let a = 0; a < c.actions.length; a++) base[a + 1] = base[a] + c.actions[a].arity;
  const n = base[c.actions.length];
  const fp: (Footprint | undefined)[] = new Array(n);
  const label: string[] = new Array(n);
  for (let a = 0; a < c.actions.length; a++) {
    const decl = isPacked(spec) ? (spec as PackedSpec).packed[a].footprint : (spec as Spec<State>).actions[a].footprint;
    const params = isPacked(spec) ? undefined : (spec as Spec<State>).actions[a].params;
    for (let p = 0; p < c.actions[a].arity; p++) {
      const fmt = c.actions[a].formatParam(p);
      label[base[a] + p] = fmt === null ? c.actions[a].name : `${c.actions[a].name}(${typeof fmt === 'string' ? fmt : JSON.stringify(fmt)})`;
      if (decl === undefined) continue;
      const f = typeof decl === 'function' ? (decl as (x: unknown) => Footprint)(isPacked(spec) ? p : params ? params[p] : undefined) : decl;
      if (!f || !Array.isArray(f.reads) || !Array.isArray(f.writes)) {
        throw new SpecError('MC204', `action ${label[base[a] + p]}: footprint must be { reads: string[], writes: string[] }, got ${stateText(f)}`);
      }
      fp[base[a] + p] = f;
    }
  }
  return { base, n, fp, label };
}

/** The static relations the reducer needs. */
export interface PorPlan {
  readonly base: Int32Array;
  readonly n: number;
  /** For each instance: the instances dependent on it (itself included). */
  readonly dep: Int32Array[];
  /** For each instance: its necessary enabling set (instances writing what it reads). */
  readonly nes: Int32Array[];
  /** Writes a component an invariant or witness reads. */
  readonly visible: Uint8Array;
  /** Declared footprints (for the checking mode). */
  readonly fp: readonly (Footprint | undefined)[];
  /** For each instance with declared guards: the writers of each guard's reads. */
  readonly guardNes: (Int32Array[] | undefined)[];
  /** The same relations as bit sets over the instances (`iw` words each), for the per-state closure. */
  readonly iw: number;
  readonly depM: Uint32Array[];
  readonly nesM: Uint32Array[];
  readonly guardNesM: (Uint32Array[] | undefined)[];
  readonly visibleM: Uint32Array;
  readonly label: readonly string[];
}

/**
 * Builds the plan, or returns a reason why the reduction cannot help (an
 * invariant or witness without `reads` makes every writing instance visible).
 */
export function planPor(c: Compiled): PorPlan {
  const spec = c.spec;
  const inst = instances(c);
  const { n } = inst;
  // Component ids: one per variable ("whole") and one per element named anywhere.
  const ids = new Map<string, number>();
  const elems = new Map<string, number[]>();
  const id = (key: string): number => {
    let i = ids.get(key);
    if (i === undefined) ids.set(key, (i = ids.size));
    return i;
  };
  const all = (): number[] => Object.keys(spec.variables).map((v) => id(`${v}#`));
  const parsed = (where: string, cs: readonly string[]): Comp[] => cs.map((x) => parseComponent(spec, where, x));
  const rw: Comp[][][] = inst.fp.map((f, i) => (f ? [parsed(`action ${inst.label[i]}`, f.reads), parsed(`action ${inst.label[i]}`, f.writes)] : []));
  const predReads: (Comp[] | undefined)[] = [
    ...(spec.invariants ?? []).map((x) => (x.reads ? parsed(`invariant ${x.name}`, x.reads) : undefined)),
    ...(spec.witnesses ?? []).map((x) => (x.reads ? parsed(`witness ${x.name}`, x.reads) : undefined)),
  ];
  const packedInvs = isPacked(spec) ? (spec.packedInvariants ?? []).length : 0;
  // Register every element first, so that a whole variable overlaps each of them.
  const note = (cs: Comp[]): void => {
    for (const x of cs) {
      id(`${x.v}#`);
      if (x.k !== undefined) {
        const e = id(`${x.v}[${x.k}]`);
        const l = elems.get(x.v) ?? [];
        if (!l.includes(e)) l.push(e);
        elems.set(x.v, l);
      }
    }
  };
  rw.forEach((x) => x.forEach(note));
  inst.fp.forEach((f, i) => (f?.guards ?? []).forEach((g) => note(parsed(`action ${inst.label[i]} (guard)`, g.reads))));
  predReads.forEach((x) => x && note(x));
  all();
  const toIds = (cs: Comp[]): number[] => {
    const out = new Set<number>();
    for (const x of cs) {
      if (x.k !== undefined) out.add(id(`${x.v}[${x.k}]`));
      else {
        out.add(id(`${x.v}#`));
        for (const e of elems.get(x.v) ?? []) out.add(e);
      }
    }
    return [...out];
  };
  const everything = (): number[] => [...ids.values()];
  const C = ids.size;
  const words = (C + 31) >>> 5;
  const bitset = (xs: number[]): Uint32Array => {
    const b = new Uint32Array(words);
    for (const x of xs) b[x >>> 5] |= 1 << (x & 31);
    return b;
  };
  const meets = (x: Uint32Array, y: Uint32Array): boolean => {
    for (let i = 0; i < words; i++) if (x[i] & y[i]) return true;
    return false;
  };
  // R: what decides whether an instance fires and the values it writes; RW: R and W, for dependence.
  const R: Uint32Array[] = [];
  const RW: Uint32Array[] = [];
  const W: Uint32Array[] = [];
  for (let i = 0; i < n; i++) {
    if (inst.fp[i] === undefined) {
      R.push(bitset(everything()));
      RW.push(bitset(everything()));
      W.push(bitset(everything()));
    } else {
      const g = (inst.fp[i]!.guards ?? []).flatMap((x) => parsed(`action ${inst.label[i]} (guard)`, x.reads));
      R.push(bitset([...toIds(rw[i][0]), ...toIds(g)]));
      RW.push(bitset([...toIds(rw[i][0]), ...toIds(rw[i][1]), ...toIds(g)]));
      W.push(bitset(toIds(rw[i][1])));
    }
  }
  const dep: Int32Array[] = [];
  const nes: Int32Array[] = [];
  for (let i = 0; i < n; i++) {
    const d: number[] = [];
    const e: number[] = [];
    for (let j = 0; j < n; j++) {
      if (i === j || meets(W[j], RW[i]) || meets(W[i], RW[j])) d.push(j);
      if (meets(W[j], R[i])) e.push(j);
    }
    dep.push(Int32Array.from(d));
    nes.push(Int32Array.from(e));
  }
  const anyUnread = predReads.some((x) => x === undefined) || packedInvs > 0;
  const predSet = bitset(anyUnread ? everything() : toIds(predReads.flatMap((x) => x ?? [])));
  const visible = new Uint8Array(n);
  for (let i = 0; i < n; i++) visible[i] = meets(W[i], predSet) ? 1 : 0;
  const guardNes = inst.fp.map((f, i) => {
    if (!f?.guards || f.guards.length === 0) return undefined;
    return f.guards.map((g) => {
      const gb = bitset(toIds(parsed(`action ${inst.label[i]} (guard)`, g.reads)));
      const out: number[] = [];
      for (let j = 0; j < n; j++) if (meets(W[j], gb)) out.push(j);
      return Int32Array.from(out);
    });
  });
  const iw = (n + 31) >>> 5;
  const mask = (xs: Int32Array): Uint32Array => {
    const m = new Uint32Array(iw);
    for (const x of xs) m[x >>> 5] |= 1 << (x & 31);
    return m;
  };
  return {
    base: inst.base,
    n,
    dep,
    nes,
    visible,
    fp: inst.fp,
    label: inst.label,
    guardNes,
    iw,
    depM: dep.map(mask),
    nesM: nes.map(mask),
    guardNesM: guardNes.map((g) => g?.map(mask)),
    visibleM: mask(Int32Array.from([...visible.keys()].filter((i) => visible[i]))),
  };
}

/**
 * Expands states through stubborn sets. `successors` evaluates every action
 * (through the compiled spec, as the unreduced search does), then replays the
 * successors to the engine's `emit` in their original order, with `skip`
 * set for those outside the chosen set (so that each successor keeps its
 * ordinal, which trace replay relies on).
 */
export class Reducer {
  /** Set while a successor outside the stubborn set is being replayed: the engine's emit must drop it. */
  skip = false;
  /** Whether the last expansion explored a proper subset of the enabled instances. */
  reduced = false;
  /** States expanded with a proper subset. */
  reducedStates = 0;
  /** Enabled transitions left out (after the proviso's full expansions). */
  pruned = 0;
  /** States fully expanded by the BFS proviso. */
  provisoExpansions = 0;
  private readonly W: number;
  private buf: Uint32Array;
  private act: Int32Array;
  private par: Int32Array;
  private obj: (State | undefined)[] = [];
  private len = 0;
  /** Instances that fired (emitted a successor, a stutter step included): "enabled" for the closure. */
  private readonly enabled: Uint8Array;
  /** Instances with a successor other than the state (every fired one under TLC's deadlock meaning). */
  private readonly moving: Uint8Array;
  private readonly best: Uint8Array;
  private src: Uint32Array | undefined;
  private dst: Uint32Array | undefined;
  /** Records one successor of `src` (in `dst`) while every action is evaluated. */
  private readonly collect = (a: number, p: number): void => {
    if (this.len === this.act.length) this.grow();
    const { W } = this;
    const src = this.src!;
    const dst = this.dst!;
    const buf = this.buf;
    const o = this.len * W;
    let moves = false;
    for (let i = 0; i < W; i++) {
      const x = dst[i];
      buf[o + i] = x;
      if (x !== src[i]) moves = true;
    }
    this.act[this.len] = a;
    this.par[this.len] = p;
    this.obj[this.len] = this.c.lastState;
    this.len++;
    const i = this.plan.base[a] + p;
    this.enabled[i] = 1;
    if (moves || this.tlc) this.moving[i] = 1;
  };
  private srcState: State | undefined;
  /** Per instance: the index of its first false declared guard at this state (-1: none false; -2: not evaluated). */
  private readonly falseGuard: Int32Array;
  private readonly movM: Uint32Array;
  private readonly T: Uint32Array;
  private readonly done: Uint32Array;

  constructor(private readonly c: Compiled, readonly plan: PorPlan, private readonly tlc: boolean) {
    this.W = c.words;
    this.buf = new Uint32Array(64 * this.W);
    this.act = new Int32Array(64);
    this.par = new Int32Array(64);
    this.enabled = new Uint8Array(plan.n);
    this.moving = new Uint8Array(plan.n);
    this.best = new Uint8Array(plan.n);
    this.falseGuard = new Int32Array(plan.n);
    this.movM = new Uint32Array(plan.iw);
    this.T = new Uint32Array(plan.iw);
    this.done = new Uint32Array(plan.iw);
  }

  /** The necessary enabling set of instance t, which did not fire: the writers of its first false guard, else of all it reads. */
  private enablers(t: number): Uint32Array {
    const gn = this.plan.guardNesM[t];
    if (gn === undefined) return this.plan.nesM[t];
    let g = this.falseGuard[t];
    if (g === -2) {
      if (this.srcState === undefined) this.srcState = this.c.decode(this.src!);
      const guards = this.plan.fp[t]!.guards!;
      g = -1;
      for (let k = 0; k < guards.length; k++) {
        const st = this.srcState;
        if (!guarded(() => `guard ${k} of the footprint of ${this.plan.label[t]}`, () => guards[k].holds(st))) {
          g = k;
          break;
        }
      }
      this.falseGuard[t] = g;
    }
    return g >= 0 ? gn[g] : this.plan.nesM[t];
  }

  /**
   * Evaluates every action on `src` with `run` (the compiled successor
   * function, checked or not), chooses a stubborn set and replays to `emit`:
   * the set's successors normally, the others with `skip` set. With `rest`,
   * replays the other way round (the proviso's completion of a reduced state:
   * `skip` is set for the successors already explored).
   */
  successors(src: Uint32Array, dst: Uint32Array, run: (src: Uint32Array, dst: Uint32Array, emit: (a: number, p: number) => void) => void, emit: (a: number, p: number) => void, rest = false): void {
    const { W, plan } = this;
    const enabled = this.enabled;
    const moving = this.moving;
    enabled.fill(0);
    moving.fill(0);
    this.len = 0;
    this.src = src;
    this.dst = dst;
    run(src, dst, this.collect);
    this.srcState = undefined;
    const full = this.choose();
    this.reduced = !full;
    const inT = full ? undefined : this.best;
    if (!rest && inT) {
      this.reducedStates++;
      for (let i = 0; i < plan.n; i++) if (moving[i] && !inT[i]) this.pruned++;
    }
    for (let k = 0; k < this.len; k++) {
      const a = this.act[k];
      const p = this.par[k];
      const inside = inT === undefined || inT[plan.base[a] + p] === 1;
      this.skip = rest ? inside : !inside;
      const buf = this.buf;
      for (let i = 0, o = k * W; i < W; i++) dst[i] = buf[o + i];
      this.c.lastState = this.obj[k];
      emit(a, p);
      this.obj[k] = undefined;
    }
    this.skip = false;
    this.c.lastState = undefined;
  }

  /** The proviso fully expanded the last reduced state: its pruned transitions were explored after all. */
  unprune(): void {
    const inT = this.best;
    this.provisoExpansions++;
    this.reducedStates--;
    for (let i = 0; i < this.plan.n; i++) if (this.moving[i] && !inT[i]) this.pruned--;
  }

  private grow(): void {
    const n = this.act.length * 2;
    const b = new Uint32Array(n * this.W);
    b.set(this.buf);
    this.buf = b;
    const a = new Int32Array(n);
    a.set(this.act);
    this.act = a;
    const p = new Int32Array(n);
    p.set(this.par);
    this.par = p;
  }

  /** Picks the stubborn set into `best`; true when the state must be fully expanded. */
  private choose(): boolean {
    const { plan, enabled, moving } = this;
    const n = plan.n;
    const iw = plan.iw;
    let nMoving = 0;
    for (let i = 0; i < n; i++) nMoving += moving[i];
    if (nMoving <= 1) return true;
    this.falseGuard.fill(-2);
    const movM = this.movM;
    movM.fill(0);
    for (let i = 0; i < n; i++) if (moving[i]) movM[i >>> 5] |= 1 << (i & 31);
    const T = this.T;
    const done = this.done;
    const vis = plan.visibleM;
    let bestCount = nMoving;
    // The seed moves (so the set has a key transition that changes the state); the cost is the moving instances
    // in the set. Closures are bit sets: each instance taken adds its dependents (fired) or enablers (not fired).
    for (let seed = 0; seed < n; seed++) {
      if (!moving[seed] || plan.visible[seed]) continue;
      T.fill(0);
      done.fill(0);
      T[seed >>> 5] |= 1 << (seed & 31);
      let bad = false;
      for (let w = 0; w < iw && !bad; ) {
        const x = T[w] & ~done[w];
        if (x === 0) {
          w++;
          continue;
        }
        const bit = x & -x;
        const t = (w << 5) + 31 - Math.clz32(bit);
        done[w] |= bit;
        const m = enabled[t] ? plan.depM[t] : this.enablers(t);
        let count = 0;
        for (let k = 0; k < iw; k++) {
          const v = (T[k] |= m[k]);
          const mv = v & movM[k];
          if (mv & vis[k]) bad = true;
          count += popcount(mv);
        }
        if (count >= bestCount) bad = true;
        // Bits added below w are picked up by restarting the scan there.
        for (let k = 0; k < w; k++) {
          if (T[k] & ~done[k]) {
            w = k;
            break;
          }
        }
      }
      if (bad) continue;
      let count = 0;
      for (let k = 0; k < iw; k++) count += popcount(T[k] & movM[k]);
      bestCount = count;
      this.best.fill(0);
      for (let i = 0; i < n; i++) if (T[i >>> 5] & (1 << (i & 31))) this.best[i] = 1;
      if (count === 1) break;
    }
    return bestCount >= nMoving;
  }
}

/** Number of set bits of a 32-bit word. */
function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

// ------------------------------------------------------------ footprint check

type Rec = Record<string, unknown>;
const json = (x: unknown): string => JSON.stringify(x) ?? 'undefined';

/** The value of a component in a state (undefined for a missing element). */
function valueOf(s: State, c: Comp): unknown {
  const v = (s as Rec)[c.v];
  if (c.k === undefined) return v;
  return v !== null && typeof v === 'object' ? (v as Rec)[c.k] : undefined;
}

/** `base` with the components `cs` taken from `from`. */
function splice(base: State, from: State, cs: readonly Comp[]): State {
  const out: Rec = { ...base };
  for (const c of cs) {
    if (c.k === undefined) out[c.v] = (from as Rec)[c.v];
    else {
      const cur = out[c.v];
      const src = (from as Rec)[c.v];
      if (cur === null || typeof cur !== 'object' || src === null || typeof src !== 'object') continue;
      const copy: Rec | unknown[] = Array.isArray(cur) ? [...cur] : { ...(cur as Rec) };
      (copy as Rec)[c.k] = (src as Rec)[c.k];
      out[c.v] = copy;
    }
  }
  return out;
}

/** The components in which two states differ (elements of arrays and records, variables otherwise). */
function differences(s: State, t: State): string[] {
  const out: string[] = [];
  for (const v of Object.keys(s)) {
    const x = (s as Rec)[v];
    const y = (t as Rec)[v];
    if (json(x) === json(y)) continue;
    if (x !== null && y !== null && typeof x === 'object' && typeof y === 'object' && Array.isArray(x) === Array.isArray(y)) {
      const keys = new Set([...Object.keys(x as Rec), ...Object.keys(y as Rec)]);
      for (const k of keys) if (json((x as Rec)[k]) !== json((y as Rec)[k])) out.push(`${v}[${k}]`);
    } else out.push(v);
  }
  return out;
}

/** Whether component `name` (`x` or `x[k]`) is covered by the declared components. */
function covered(name: string, cs: readonly Comp[]): boolean {
  const m = COMPONENT.exec(name)!;
  return cs.some((c) => c.v === m[1] && (c.k === undefined || c.k === m[2]));
}

/**
 * Checks declared footprints against the actions on one state: every
 * component an instance changes must be declared written, and the instance
 * must behave the same (enabled or not, the same values of its written
 * components) on every other sampled state spliced to agree with this one on
 * what it declares read or written. Invariants and witnesses with `reads` are
 * checked the same way. `others` are earlier sampled states (decoded). Throws
 * MC205 on a wrong footprint.
 */
export function checkFootprints(c: Compiled, plan: PorPlan, w: Uint32Array, others: readonly State[]): State {
  const spec = c.spec;
  const s = c.decode(w);
  const run = runner(c);
  for (let a = 0; a < c.actions.length; a++) {
    for (let p = 0; p < c.actions[a].arity; p++) {
      const i = plan.base[a] + p;
      const f = plan.fp[i];
      if (f === undefined) continue;
      const what = `action ${plan.label[i]}`;
      const reads = f.reads.map((x) => parseComponent(spec, what, x));
      const writes = f.writes.map((x) => parseComponent(spec, what, x));
      const mine = run(a, p, s);
      for (const t of mine ?? []) {
        const bad = differences(s, t).filter((d) => !covered(d, writes));
        if (bad.length > 0) {
          throw new SpecError(
            'MC205',
            `${what} has a wrong footprint: it changed ${bad.join(', ')}, which its footprint does not declare written (writes: [${f.writes.join(', ')}]); state ${stateText(s)}, successor ${stateText(t)}`,
          );
        }
      }
      (f.guards ?? []).forEach((g, k) => {
        const gWhat = `${what}: footprint guard ${k}`;
        const gReads = g.reads.map((x) => parseComponent(spec, gWhat, x));
        const holds = (x: State): boolean => guarded(() => gWhat, () => g.holds(x));
        const v = holds(s);
        if (!v && mine !== undefined) {
          throw new SpecError('MC205', `${what} has a wrong footprint: its guard ${k} is false on ${stateText(s)}, yet the action fires there (a guard must be a necessary condition)`);
        }
        for (const o of others) {
          const probe = splice(o, s, gReads);
          let w: boolean;
          try {
            w = g.holds(probe);
          } catch {
            continue;
          }
          if (w !== v) {
            throw new SpecError(
              'MC205',
              `${gWhat} reads something outside [${g.reads.join(', ')}]: it is ${v} on ${stateText(s)} and ${w} on ${stateText(probe)}, which agree on those; they differ in ${differences(s, probe).join(', ')}`,
            );
          }
        }
      });
      const project = (ts: State[] | undefined): string => (ts === undefined ? 'disabled' : json(ts.map((t) => writes.map((x) => valueOf(t, x))).map(json).sort()));
      const mineP = project(mine);
      for (const o of others) {
        const probe = splice(o, s, reads);
        let theirs: State[] | undefined;
        try {
          theirs = run(a, p, probe);
        } catch {
          continue; // a spliced state may be one the action was never meant to see
        }
        if (project(theirs) === mineP) continue;
        const diff = differences(s, probe);
        throw new SpecError(
          'MC205',
          `${what} has a wrong footprint: it reads something outside its declared reads [${f.reads.join(', ')}]: ` +
            `on two states that agree on those it gave ${mine === undefined ? 'no successor' : 'successors'} and ${theirs === undefined ? 'no successor' : 'different successors'}; ` +
            `the states differ in ${diff.join(', ')}, so one of these must be declared read. States: ${stateText(s)} and ${stateText(probe)}`,
        );
      }
    }
  }
  const preds: { kind: string; name: string; reads?: readonly string[]; f: (x: State) => boolean }[] = [
    ...(spec.invariants ?? []).map((x) => ({ kind: 'invariant', name: x.name, reads: x.reads, f: (y: State) => x.holds(y as never) })),
    ...(spec.witnesses ?? []).map((x) => ({ kind: 'witness', name: x.name, reads: x.reads, f: (y: State) => x.reached(y as never) })),
  ];
  for (const q of preds) {
    if (q.reads === undefined) continue;
    const what = `${q.kind} ${q.name}`;
    const reads = q.reads.map((x) => parseComponent(spec, what, x));
    const mine = q.f(s);
    for (const o of others) {
      const probe = splice(o, s, reads);
      let theirs: boolean;
      try {
        theirs = q.f(probe);
      } catch {
        continue;
      }
      if (theirs === mine) continue;
      throw new SpecError(
        'MC205',
        `${what} has wrong reads: it reads something outside [${q.reads.join(', ')}]: it is ${mine} on ${stateText(s)} and ${theirs} on ${stateText(probe)}, which agree on those; they differ in ${differences(s, probe).join(', ')}`,
      );
    }
  }
  return s;
}

/** Runs one action instance on a record state: its successors, or undefined when disabled. */
function runner(c: Compiled): (a: number, p: number, s: State) => State[] | undefined {
  const spec = c.spec;
  if (isPacked(spec)) {
    const W = c.words;
    const src = new Uint32Array(W);
    const dst = new Uint32Array(W);
    return (a, p, s) => {
      c.layout.encode(s, src);
      dst.set(src);
      return spec.packed[a].fire(src, dst, p) ? [c.decode(dst)] : undefined;
    };
  }
  const acts = (spec as Spec<State>).actions;
  return (a, p, s) => {
    const act = acts[a];
    const param = act.params ? act.params[p] : undefined;
    if (act.guard && !act.guard(s, param)) return undefined;
    const t = act.next(s, param);
    if (t === undefined) return undefined;
    const many = isOneOf(t) ? [...t] : [t];
    return many.length === 0 ? undefined : many;
  };
}

/** Footprints by action name (a constant or a function of the parameter), and reads by invariant or witness name. */
export interface FootprintTable {
  readonly actions: Readonly<Record<string, Footprint | ((param: any) => Footprint)>>;
  readonly predicates?: Readonly<Record<string, readonly string[]>>;
}

/**
 * The spec with footprints attached to the actions (and reads to the
 * invariants and witnesses) named in `table`. An action name the spec does
 * not have is a RangeError; predicate names it does not have are ignored (a
 * table may cover several variants of a spec). For specs written elsewhere
 * (reference models, generated specs).
 */
export function withFootprints<S extends State>(spec: Spec<S>, table: FootprintTable): Spec<S> {
  const names = new Set(spec.actions.map((a) => a.name));
  for (const k of Object.keys(table.actions)) if (!names.has(k)) throw new RangeError(`withFootprints: spec ${spec.name} has no action ${k}`);
  const preds = table.predicates ?? {};
  return {
    ...spec,
    actions: spec.actions.map((a) => (table.actions[a.name] !== undefined ? { ...a, footprint: table.actions[a.name] } : a)),
    invariants: (spec.invariants ?? []).map((p) => (preds[p.name] !== undefined ? { ...p, reads: preds[p.name] } : p)),
    witnesses: (spec.witnesses ?? []).map((p) => (preds[p.name] !== undefined ? { ...p, reads: preds[p.name] } : p)),
  };
}
