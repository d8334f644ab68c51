/**
 * Liveness: temporal properties under weak and strong fairness, checked on
 * the reachable state graph that the search records.
 *
 * Recording (during the search, a small hook in explore.ts):
 * - each admitted state gets its index in a fingerprint → index map (64-bit
 *   fingerprints of the visited-set key, 12 bytes a slot) and the truth values
 *   of the properties' predicates (one 32-bit mask per state);
 * - each transition between visited states is one edge (source index, target
 *   index, transition id = action and parameter instance): 12 bytes an edge in
 *   chunked arrays, turned into a compressed adjacency (CSR) after the search.
 *   A successor equal to its source (a stutter step) is no edge, as in the
 *   safety search.
 *
 * Checking (after a complete search), for each property, on the subgraph B of
 * the states where the property's goal does not hold (¬P for `<>P` and
 * `[]<>P`, ¬Q for `P ~> Q`):
 * 1. SCCs of B (Tarjan, iterative). Every state may stutter (TLA+ semantics),
 *    so every SCC, even one state, carries a cycle.
 * 2. Fairness on an SCC C (Emerson–Lei / Streett refinement): a weak
 *    condition enabled in every state of C and never taken inside C rejects
 *    C; a strong condition enabled somewhere in C and never taken inside C
 *    removes the states where it is enabled, and the rest is split into SCCs
 *    again. What survives is a *fair component*.
 * 3. The property is violated iff a start state (an initial state for `<>P`,
 *    any state for `[]<>P`, a P state for `P ~> Q`) reaches a fair component
 *    inside B.
 *
 * Counterexamples are lassos: the shortest path (BFS over the recorded graph)
 * from an initial state to the nearest start state that reaches a fair
 * component, then the shortest path inside B to the component, then a cycle
 * in the component built greedily from BFS segments: it starts as stuttering
 * and adds, one at a time, the nearest state or edge that discharges a
 * fairness condition the cycle still violates. The lasso is replayed on the
 * actual states (as safety traces are), and each replayed state's key must
 * land on the recorded index (MC203 otherwise).
 *
 * With deadlock checking on, deadlocked states (no successor, not terminal)
 * are left out of B: their stuttering is reported as the deadlock it is, and
 * a temporal property's status then says "on every behaviour that does not
 * deadlock".
 *
 * @module
 */
import { Compiled, guarded } from './compile';
import { ChunkedU32 } from './frontier';
import { AnySpec, Fairness, isPacked, Spec, State, TemporalProperty } from './spec';
import { LivenessStats, PropertyStatus, SpecError, Violation } from './result';
import { formatSteps, RawStep } from './trace';
import { H } from './hash';


/** The temporal properties a spec declares. */
export function temporalProperties(spec: AnySpec): readonly TemporalProperty[] {
  return (spec as Spec).properties ?? [];
}

/** One fairness condition over a set of transition ids. */
interface Unit {
  readonly name: string;
  readonly strong: boolean;
}

/**
 * Whether a search with temporal properties records its graph for the acyclic
 * path (symmetry kept on) rather than for the full analysis (symmetry off):
 * not after the acyclic path failed (`fallback`), not with `livenessMethod:
 * 'full'`, a constraint or a view, and with symmetry only when the
 * canonicaliser gives the symmetry images. explore.ts and the parallel search
 * decide alike.
 */
export function acyclicPathFor(
  c: Compiled,
  spec: { readonly view?: unknown; readonly livenessMethod?: string },
  method: string,
  fallback: string | undefined,
  symCanon: { readonly images?: unknown } | undefined,
): boolean {
  return (
    fallback === undefined &&
    method !== 'full' &&
    !c.hasConstraint &&
    !spec.view &&
    (symCanon ? symCanon.images !== undefined : method === 'acyclic-first') &&
    (symCanon !== undefined || method === 'acyclic-first')
  );
}

/**
 * The temporal part of a finished search, shared by explore.ts and the
 * parallel search: the recorder's analysis (the acyclic path when that is its
 * mode; `retry` when the acyclic path cannot decide, so that the full
 * symmetry-off search decides and finds the lassos), the temporal properties'
 * statuses (`disabled` when `liveness` is false), and, for a complete search
 * whose properties the visited set left undecided, the note that makes it no
 * "holds".
 */
export function temporalOutcome(
  spec: AnySpec,
  live: LivenessRecorder | undefined,
  search: Omit<LivenessContext, 'indexOf'> & { readonly liveness: boolean | undefined; readonly key: (w: Uint32Array) => void },
): { retry: string } | { outcome: LivenessOutcome | undefined; properties: PropertyStatus[]; undecided: string | undefined } {
  const { complete, liveness, key, ...rest } = search;
  // `key` leaves the visited-set key's hashes in H, as the search computed them
  const ctx: LivenessContext | undefined = live && {
    complete,
    ...rest,
    indexOf: (w: Uint32Array) => {
      key(w);
      return live.lookup(H[0], H[1]);
    },
  };
  let outcome: LivenessOutcome | undefined;
  if (live && ctx) {
    if (live.mode === 'acyclic') {
      const a = live.analyseAcyclic(ctx);
      if (!a.decided) return { retry: a.reason };
      outcome = a.outcome;
    } else outcome = live.analyse(ctx);
  }
  const undecided = complete && outcome ? outcome.properties.find((p) => p.status === 'unknown' && p.note && !p.note.includes('first violation')) : undefined;
  const properties: PropertyStatus[] = outcome
    ? [...outcome.properties]
    : liveness === false
      ? temporalProperties(spec).map((p): PropertyStatus => ({ name: p.name, kind: 'temporal', status: 'disabled' }))
      : [];
  return { outcome, properties, undecided: undecided?.note };
}

/** What the analysis needs from the search. */
export interface LivenessContext {
  readonly complete: boolean;
  readonly all: boolean;
  readonly checkDeadlock: boolean;
  /** The index of the visited state with the same key as these words, or -1. */
  indexOf(w: Uint32Array): number;
  readonly clock: () => number;
  /** Why the acyclic path did not decide, when this full analysis runs after it. */
  readonly fallback?: string;
}

export interface LivenessOutcome {
  readonly properties: PropertyStatus[];
  readonly violations: Violation[];
  readonly stats: LivenessStats;
}

/** Records the state graph during the search and checks temporal properties after it. */
export class LivenessRecorder {
  private readonly props: readonly TemporalProperty[];
  private readonly preds: ((s: State) => boolean)[] = [];
  private readonly predNames: string[] = [];
  /** Per property: bit of p, bit of q (or -1). */
  private readonly bits: { p: number; q: number }[] = [];
  /** Transition id of (action a, parameter p) is tidBase[a] + p. */
  readonly tidBase: Int32Array;
  private readonly tidAction: Int32Array;
  private readonly tidParam: Int32Array;
  private readonly units: Unit[] = [];
  /** Units of transition id t: tidUnits[tidUnitOff[t] .. tidUnitOff[t+1]). */
  private readonly tidUnitOff: Int32Array;
  private readonly tidUnits: Int32Array;

  private cap = 1 << 14;
  private table = new Uint32Array(this.cap * 3);
  private size = 0;
  private readonly eSrc = new ChunkedU32();
  private readonly eDst = new ChunkedU32();
  private readonly eTid = new ChunkedU32();
  private readonly predMask = new ChunkedU32();
  private readonly dead = new Set<number>();
  private readonly roots = new Map<number, number>();
  /** Edges whose target is not in the map (a compact store omitted it). */
  private unresolved = 0;
  /** Two visited states with one 64-bit fingerprint (exact store only). */
  private collision = false;

  /**
   * `full`: predicates evaluated on every state, SCC/Streett analysis.
   * `acyclic`: the acyclic path (see `analyseAcyclic`): no predicate on the
   * way, goals evaluated on the whole orbit of each final state (`images`).
   */
  readonly mode: 'full' | 'acyclic';
  /** Every transition belongs to some fairness condition (a condition of the acyclic path). */
  readonly fairnessCoversAll: boolean;
  /** Acyclic path: per final state (no successor), bit i set when property i's goal fails on some image of it. */
  private readonly finalFail = new Map<number, number>();
  private nStates = 0;
  private readonly images: (w: Uint32Array, each: (img: Uint32Array) => void) => void;

  constructor(
    private readonly c: Compiled,
    opts: { readonly mode?: 'full' | 'acyclic'; readonly images?: (w: Uint32Array, each: (img: Uint32Array) => void) => void } = {},
  ) {
    this.mode = opts.mode ?? 'full';
    this.images = opts.images ?? ((w, each) => each(w));
    const spec = c.spec;
    this.props = temporalProperties(spec);
    const addPred = (name: string, f: (s: State) => boolean): number => {
      this.preds.push(f);
      this.predNames.push(name);
      if (this.preds.length > 32) throw new SpecError('MC204', `spec ${spec.name}: at most 16 temporal properties (32 predicates) are supported`);
      return this.preds.length - 1;
    };
    const names = new Set<string>();
    for (const p of this.props) {
      if (!p || typeof p.name !== 'string' || typeof p.p !== 'function' || !['eventually', 'alwaysEventually', 'leadsTo'].includes(p.kind) || (p.kind === 'leadsTo' && typeof p.q !== 'function')) {
        throw new SpecError('MC204', `spec ${spec.name}: a temporal property must be eventually(name, p), alwaysEventually(name, p) or leadsTo(name, p, q), got ${JSON.stringify(p)}`);
      }
      if (names.has(p.name)) throw new SpecError('MC204', `spec ${spec.name}: two temporal properties are named "${p.name}"`);
      names.add(p.name);
      const pb = addPred(`${p.name} (P)`, p.p);
      const qb = p.kind === 'leadsTo' ? addPred(`${p.name} (Q)`, p.q) : -1;
      this.bits.push({ p: pb, q: qb });
    }
    // Transition ids and the process of each.
    const nA = c.actions.length;
    this.tidBase = new Int32Array(nA + 1);
    for (let a = 0; a < nA; a++) this.tidBase[a + 1] = this.tidBase[a] + c.actions[a].arity;
    const nT = this.tidBase[nA];
    this.tidAction = new Int32Array(nT);
    this.tidParam = new Int32Array(nT);
    const procOf: string[] = new Array(nT);
    const decl = isPacked(spec) ? spec.packed : (spec as Spec).actions;
    for (let a = 0; a < nA; a++) {
      const act = decl[a] as { name: string; params?: readonly unknown[]; process?: string | ((p: unknown) => string) };
      for (let p = 0; p < c.actions[a].arity; p++) {
        const t = this.tidBase[a] + p;
        this.tidAction[t] = a;
        this.tidParam[t] = p;
        const proc = act.process;
        const param = isPacked(spec) ? p : act.params ? act.params[p] : undefined;
        procOf[t] =
          proc === undefined ? act.name : typeof proc === 'string' ? proc : String(guarded(() => `process of action ${act.name}`, () => proc(param)));
      }
    }
    const unitTids: number[][] = [];
    const fairness: readonly Fairness[] = (spec as Spec).fairness ?? [];
    for (const f of fairness) {
      if (!f || (f.kind !== 'weak' && f.kind !== 'strong') || (f.action === undefined) === (f.process === undefined)) {
        throw new SpecError('MC204', `spec ${spec.name}: a fairness condition is { kind: 'weak' | 'strong', action: name } or { kind, process: name | '*' }, got ${JSON.stringify(f)}`);
      }
      const strong = f.kind === 'strong';
      const wf = strong ? 'SF' : 'WF';
      if (f.action !== undefined) {
        const tids: number[] = [];
        for (let a = 0; a < nA; a++) if (c.actions[a].name === f.action) for (let t = this.tidBase[a]; t < this.tidBase[a + 1]; t++) tids.push(t);
        if (tids.length === 0) throw new SpecError('MC204', `spec ${spec.name}: fairness names action "${f.action}", which the spec does not have`);
        this.units.push({ name: `${wf}_vars(${f.action})`, strong });
        unitTids.push(tids);
      } else if (f.process === '*') {
        const seen = new Map<string, number[]>();
        for (let t = 0; t < nT; t++) {
          const l = seen.get(procOf[t]);
          if (l) l.push(t);
          else seen.set(procOf[t], [t]);
        }
        for (const [name, tids] of seen) {
          this.units.push({ name: `${wf}_vars(${name})`, strong });
          unitTids.push(tids);
        }
      } else {
        const tids: number[] = [];
        for (let t = 0; t < nT; t++) if (procOf[t] === f.process) tids.push(t);
        if (tids.length === 0) throw new SpecError('MC204', `spec ${spec.name}: fairness names process "${f.process}", which no action belongs to`);
        this.units.push({ name: `${wf}_vars(${f.process})`, strong });
        unitTids.push(tids);
      }
    }
    const perTid: number[][] = Array.from({ length: nT }, () => []);
    unitTids.forEach((tids, u) => tids.forEach((t) => perTid[t].push(u)));
    this.fairnessCoversAll = perTid.every((us) => us.length > 0);
    this.tidUnitOff = new Int32Array(nT + 1);
    for (let t = 0; t < nT; t++) this.tidUnitOff[t + 1] = this.tidUnitOff[t] + perTid[t].length;
    this.tidUnits = Int32Array.from(perTid.flat());
  }

  /** Records a newly admitted state; its key's fingerprint is (h0, h1). `root` is its initial-state ordinal, or -1. */
  state(index: number, h0: number, h1: number, w: Uint32Array, off: number, st: State | undefined, root: number): void {
    this.stateMasked(index, h0, h1, root, this.mode === 'acyclic' ? 0 : this.predicateMask(w, off, st));
  }

  /**
   * The truth values of the predicates on the state at `w[off..off+W)` (its
   * decoded record `st` when known), one bit each: what `state` records in the
   * full mode. The parallel search's workers compute it (checker/parallel/expand.ts).
   */
  predicateMask(w: Uint32Array, off: number, st: State | undefined): number {
    let m = 0;
    if (this.preds.length > 0) {
      let rec = st;
      if (rec === undefined) {
        const words = off === 0 && w.length === this.c.words ? w : w.slice(off, off + this.c.words);
        rec = this.c.decode(words);
      }
      for (let i = 0; i < this.preds.length; i++) {
        const f = this.preds[i];
        const r = rec;
        if (guarded(() => `temporal property ${this.predNames[i]}`, () => f(r))) m |= 1 << i;
      }
    }
    return m >>> 0;
  }

  /** `state` with its predicate mask computed already (`predicateMask`; ignored in the acyclic mode). */
  stateMasked(index: number, h0: number, h1: number, root: number, mask: number): void {
    // map insert
    if ((this.size + 1) * 4 > this.cap * 3) this.grow();
    const t = this.table;
    const mask2 = this.cap - 1;
    let s = (h0 ^ Math.imul(h1, 0x9e3779b1)) & mask2;
    for (;;) {
      const j = s * 3;
      if (t[j + 2] === 0) {
        t[j] = h0;
        t[j + 1] = h1;
        t[j + 2] = index + 1;
        this.size++;
        break;
      }
      if (t[j] === h0 && t[j + 1] === h1) {
        this.collision = true;
        break;
      }
      s = (s + 1) & mask2;
    }
    if (root >= 0) this.roots.set(index, root);
    this.nStates++;
    if (this.mode === 'acyclic') return;
    this.predMask.push(mask >>> 0);
  }

  private grow(): void {
    const old = this.table;
    const oldCap = this.cap;
    this.cap *= 2;
    const t = (this.table = new Uint32Array(this.cap * 3));
    const mask = this.cap - 1;
    for (let i = 0; i < oldCap; i++) {
      const j = i * 3;
      if (old[j + 2] === 0) continue;
      let s = (old[j] ^ Math.imul(old[j + 1], 0x9e3779b1)) & mask;
      while (t[s * 3 + 2] !== 0) s = (s + 1) & mask;
      t[s * 3] = old[j];
      t[s * 3 + 1] = old[j + 1];
      t[s * 3 + 2] = old[j + 2];
    }
  }

  /** The index of the state with fingerprint (h0, h1), or -1. */
  lookup(h0: number, h1: number): number {
    const t = this.table;
    const mask = this.cap - 1;
    let s = (h0 ^ Math.imul(h1, 0x9e3779b1)) & mask;
    for (;;) {
      const j = s * 3;
      if (t[j + 2] === 0) return -1;
      if (t[j] === h0 && t[j + 1] === h1) return t[j + 2] - 1;
      s = (s + 1) & mask;
    }
  }

  /** Records a transition from state `src` by transition id `tid` to the state with fingerprint (h0, h1). */
  edge(src: number, h0: number, h1: number, tid: number): void {
    const d = this.lookup(h0, h1);
    if (d < 0) {
      this.unresolved++;
      return;
    }
    this.eSrc.push(src);
    this.eDst.push(d);
    this.eTid.push(tid);
  }

  /**
   * Acyclic path: a state with no successor other than itself (a final
   * state). Evaluates each property's goal (Q of `P ~> Q`, P otherwise) on
   * every image of the state under the symmetry group.
   */
  finalState(index: number, w: Uint32Array): void {
    if (this.mode !== 'acyclic') return;
    this.finalMasked(index, this.finalMask(w));
  }

  /** Bit i set when property i's goal fails on some image of the state `w` (what `finalState` records; the parallel search's workers compute it). */
  finalMask(w: Uint32Array): number {
    let fail = 0;
    this.images(w, (img) => {
      const st = this.c.decode(img);
      this.props.forEach((p, i) => {
        if ((fail >>> i) & 1) return;
        const goal = p.kind === 'leadsTo' ? p.q : p.p;
        const name = `${p.name} (${p.kind === 'leadsTo' ? 'Q' : 'P'})`;
        if (!guarded(() => `temporal property ${name}`, () => goal(st))) fail |= 1 << i;
      });
    });
    return fail;
  }

  /** `finalState` with its mask computed already (`finalMask`). */
  finalMasked(index: number, fail: number): void {
    if (this.mode !== 'acyclic') return;
    this.finalFail.set(index, fail);
  }

  /**
   * The acyclic path (docs/architecture.md, "Liveness: the acyclic path").
   * Decides "holds" for every property when (1) the recorded graph — the
   * symmetry quotient when symmetry is on — has no cycle and no self-loop,
   * (2) every transition is under a fairness condition, and (3) each
   * property's goal holds on every image of every final state that is not a
   * reported deadlock. Then every fair behaviour of the unreduced model is a
   * finite path to a final state followed by stuttering there, and each
   * property holds on it. Otherwise it does not decide (`reason`), and the
   * caller runs the full symmetry-off search. An incomplete search or an
   * unresolved edge decides "unknown", as in `analyse`.
   */
  analyseAcyclic(ctx: LivenessContext): { decided: true; outcome: LivenessOutcome } | { decided: false; reason: string } {
    const t0 = ctx.clock();
    const props = this.props;
    const stats = (): LivenessStats => ({
      edges: this.eSrc.length,
      bytes: this.bytes(),
      seconds: Math.max(0, ctx.clock() - t0),
      method: 'acyclic',
      finalStates: [...this.finalFail.keys()].filter((v) => !(ctx.checkDeadlock && this.dead.has(v))).length,
    });
    const unknown = (note: string): PropertyStatus[] => props.map((p) => ({ name: p.name, kind: 'temporal', status: 'unknown', note }));
    if (!ctx.complete) return { decided: true, outcome: { properties: unknown('not checked: the search was incomplete'), violations: [], stats: stats() } };
    if (this.unresolved > 0) {
      return { decided: true, outcome: { properties: unknown(`not checked: ${this.unresolved} transitions lead to states the visited set omitted`), violations: [], stats: stats() } };
    }
    if (this.collision) return { decided: true, outcome: { properties: unknown('not checked: two visited states share a 64-bit fingerprint in the edge map'), violations: [], stats: stats() } };
    if (!this.fairnessCoversAll) return { decided: false, reason: 'some transition is under no fairness condition' };
    // (1) Kahn's algorithm: the graph is acyclic iff every state gets removed.
    const n = this.nStates;
    const m = this.eSrc.length;
    const indeg = new Uint32Array(n);
    const off = new Uint32Array(n + 1);
    for (let e = 0; e < m; e++) {
      const a = this.eSrc.get(e);
      const b = this.eDst.get(e);
      if (a === b) return { decided: false, reason: 'a transition leads from a state to one with the same key (a self-loop, up to symmetry)' };
      off[a + 1]++;
      indeg[b]++;
    }
    for (let v = 0; v < n; v++) off[v + 1] += off[v];
    const adj = new Uint32Array(m);
    const fill = off.slice(0, n);
    for (let e = 0; e < m; e++) adj[fill[this.eSrc.get(e)]++] = this.eDst.get(e);
    const q = new Uint32Array(n);
    let t = 0;
    for (let v = 0; v < n; v++) if (indeg[v] === 0) q[t++] = v;
    for (let h = 0; h < t; h++) {
      const v = q[h];
      for (let k = off[v]; k < off[v + 1]; k++) if (--indeg[adj[k]] === 0) q[t++] = adj[k];
    }
    if (t < n) return { decided: false, reason: `the reachable graph has a cycle (${n - t} states on a cycle or after one)` };
    // (3) goals on the orbits of the final states.
    let failed = 0;
    for (const [v, f] of this.finalFail) if (!(ctx.checkDeadlock && this.dead.has(v))) failed |= f;
    if (failed !== 0) {
      const names = props.filter((_, i) => (failed >>> i) & 1).map((p) => p.name);
      return { decided: false, reason: `a final state does not satisfy the goal of ${names.join(', ')} (the full search finds the counterexample)` };
    }
    const deadNote = ctx.checkDeadlock && this.dead.size > 0 ? { note: 'on every behaviour that does not deadlock (deadlocks are reported as such)' } : {};
    return { decided: true, outcome: { properties: props.map((p) => ({ name: p.name, kind: 'temporal', status: 'holds', ...deadNote })), violations: [], stats: stats() } };
  }

  /** Marks a deadlocked state (no successor, not terminal) found by the deadlock check. */
  markDead(index: number): void {
    this.dead.add(index);
  }

  bytes(): number {
    return this.table.byteLength + this.eSrc.bytes() + this.eDst.bytes() + this.eTid.bytes() + this.predMask.bytes();
  }

  /** Checks every temporal property (after the search). */
  analyse(ctx: LivenessContext): LivenessOutcome {
    const t0 = ctx.clock();
    const props = this.props;
    const unknown = (note?: string): PropertyStatus[] =>
      props.map((p) => ({ name: p.name, kind: 'temporal', status: 'unknown', ...(note ? { note } : {}) }));
    const stats = (): LivenessStats => ({ edges: this.eSrc.length, bytes: this.bytes(), seconds: Math.max(0, ctx.clock() - t0), method: 'full', ...(ctx.fallback ? { fallback: ctx.fallback } : {}) });
    if (!ctx.complete) {
      return { properties: unknown('not checked: the search was incomplete'), violations: [], stats: stats() };
    }
    if (this.unresolved > 0) {
      return { properties: unknown(`not checked: ${this.unresolved} transitions lead to states the visited set omitted`), violations: [], stats: stats() };
    }
    if (this.collision) {
      return { properties: unknown('not checked: two visited states share a 64-bit fingerprint in the edge map'), violations: [], stats: stats() };
    }
    const g = new Graph(this, this.predMask.length);
    const out: PropertyStatus[] = [];
    const violations: Violation[] = [];
    let stopped = false;
    props.forEach((p, i) => {
      if (stopped) {
        out.push({ name: p.name, kind: 'temporal', status: 'unknown', note: 'not checked: the check stopped at the first violation' });
        return;
      }
      const found = this.checkOne(g, i, ctx);
      const deadNote = ctx.checkDeadlock && this.dead.size > 0 ? { note: 'on every behaviour that does not deadlock (deadlocks are reported as such)' } : {};
      if (found.length === 0) {
        out.push({ name: p.name, kind: 'temporal', status: 'holds', ...deadNote });
      } else {
        out.push({ name: p.name, kind: 'temporal', status: 'violated', ...deadNote });
        violations.push(...found);
        if (!ctx.all) stopped = true;
      }
    });
    return { properties: out, violations, stats: stats() };
  }

  // ------------------------------------------------------------ analysis

  private checkOne(g: Graph, pi: number, ctx: LivenessContext): Violation[] {
    const prop = this.props[pi];
    const { p: pb, q: qb } = this.bits[pi];
    const n = g.n;
    const goal = prop.kind === 'leadsTo' ? qb : pb;
    const inB = new Uint8Array(n);
    const start = new Uint8Array(n);
    for (let v = 0; v < n; v++) {
      const m = this.predMask.get(v);
      if ((m >>> goal) & 1) continue;
      if (ctx.checkDeadlock && this.dead.has(v)) continue;
      inB[v] = 1;
      if (prop.kind === 'alwaysEventually') start[v] = 1;
      else if (prop.kind === 'leadsTo') start[v] = (m >>> pb) & 1;
      else start[v] = this.roots.has(v) ? 1 : 0;
    }
    const comps = g.fairComponents(inB);
    if (comps.length === 0) return [];
    // Each fair component: its entry (smallest index) and the cycle from there.
    const withCycles = comps.map((F) => ({ F, entry: F[0], walk: g.cycle(F[0], F) }));
    const classOf = (w: Walk): string => {
      if (!this.c.spec.livelockClass) return '';
      const cyc = this.replay(g, g.treePath(w.nodes[0]), [], w, ctx).cycleStates;
      return String(guarded(() => 'livelockClass', () => this.c.spec.livelockClass!(cyc.map((x) => this.c.decode(x)))));
    };
    // Group by class, in the order of the components' entries.
    const groups = new Map<string, typeof withCycles>();
    if (ctx.all) {
      for (const x of withCycles) {
        const k = classOf(x.walk);
        const l = groups.get(k);
        if (l) l.push(x);
        else groups.set(k, [x]);
      }
    } else {
      groups.set('', withCycles);
    }
    const result: Violation[] = [];
    for (const [, members] of groups) {
      // Start states that reach (inside B) one of these components' entries.
      const entries = new Uint8Array(n);
      const inF = new Uint8Array(n);
      for (const m of members) {
        if (ctx.all) entries[m.entry] = 1;
        for (const v of m.F) inF[v] = 1;
      }
      const back = g.backward(ctx.all ? entries : inF, inB);
      let s = -1;
      let best = Infinity;
      for (let v = 0; v < n; v++) {
        if (!start[v] || !back[v]) continue;
        const d = g.depth[v];
        if (d < best) {
          best = d;
          s = v;
        }
      }
      if (s < 0) continue;
      // Shortest path inside B from s to an entry (all) or to any fair component (first only).
      const target = ctx.all ? entries : inF;
      const mid = g.bfsPath(s, (v) => target[v] === 1, inB);
      if (!mid) throw new SpecError('MC501', 'internal error: liveness: a start state that reaches a fair component has no path to it');
      const e = mid.nodes[mid.nodes.length - 1];
      let F: number[] | undefined;
      for (const m of members) if (inF[e] && m.F.includes(e)) F = m.F;
      if (!F) throw new SpecError('MC501', 'internal error: liveness: lasso entry outside its fair component');
      const walk = ctx.all ? members.find((m) => m.entry === e)!.walk : g.cycle(e, F);
      const r = this.replay(g, g.treePath(s), mid.tids.map((t, i) => ({ tid: t, node: mid.nodes[i + 1] })), walk, ctx);
      const cls = this.c.spec.livelockClass
        ? String(guarded(() => 'livelockClass', () => this.c.spec.livelockClass!(r.cycleStates.map((x) => this.c.decode(x)))))
        : undefined;
      const trace = formatSteps(this.c, r.raw);
      const closing = walk.tids.length === 0 ? null : walk.tids[walk.tids.length - 1];
      const loopStep =
        closing === null
          ? { action: null, params: null }
          : (() => {
              const a = this.tidAction[closing];
              const act = this.c.actions[a];
              return { action: act.name, params: guarded(() => `formatParam of action ${act.name}`, () => act.formatParam(this.tidParam[closing])) };
            })();
      result.push({
        property: prop.name,
        kind: 'temporal',
        ...(cls !== undefined ? { class: cls } : {}),
        trace,
        loop: r.loop,
        loopStep,
      });
      if (!ctx.all) break;
    }
    return result;
  }

  /** Replays prefix (tree path to s), the path inside B, and the cycle, on actual states. */
  private replay(
    g: Graph,
    tree: { root: number; steps: { tid: number; node: number }[] },
    mid: { tid: number; node: number }[],
    walk: Walk,
    ctx: LivenessContext,
  ): { raw: RawStep[]; loop: number; cycleStates: Uint32Array[] } {
    const c = this.c;
    const inits = c.initStates();
    const rootOrd = this.roots.get(tree.root);
    if (rootOrd === undefined) throw new SpecError('MC501', 'internal error: liveness: path does not start at an initial state');
    let cur = inits[rootOrd];
    const raw: RawStep[] = [{ action: -1, param: 0, words: cur }];
    const dst = new Uint32Array(c.words);
    const step = (tid: number, node: number): void => {
      let found: Uint32Array | undefined;
      c.successors(cur, dst, (a, p) => {
        if (!found && this.tidBase[a] + p === tid) found = Uint32Array.from(dst);
      });
      if (!found || ctx.indexOf(found) !== node) {
        throw new SpecError('MC203', `replay of a lasso failed at step ${raw.length}: the action does not reproduce the recorded transition (nondeterministic action, or a view the actions do not respect)`);
      }
      raw.push({ action: this.tidAction[tid], param: this.tidParam[tid], words: found });
      cur = found;
    };
    for (const s of tree.steps) step(s.tid, s.node);
    for (const s of mid) step(s.tid, s.node);
    const loop = raw.length - 1;
    // The cycle: nodes[0] is the current state; steps to nodes[1..], the last step returns to nodes[0].
    for (let i = 0; i + 1 < walk.tids.length; i++) step(walk.tids[i], walk.nodes[i + 1]);
    if (walk.tids.length > 0) {
      // Check the closing step too.
      const back = raw[loop].words;
      const last = walk.tids[walk.tids.length - 1];
      let found: Uint32Array | undefined;
      c.successors(cur, dst, (a, p) => {
        if (!found && this.tidBase[a] + p === last) found = Uint32Array.from(dst);
      });
      if (!found || ctx.indexOf(found) !== walk.nodes[0] || ctx.indexOf(back) !== walk.nodes[0]) {
        throw new SpecError('MC203', 'replay of a lasso failed at its closing step: the action does not reproduce the recorded transition');
      }
    }
    void g;
    return { raw, loop, cycleStates: raw.slice(loop).map((r) => r.words) };
  }

  /** For Graph. */
  get fairnessUnits(): readonly Unit[] {
    return this.units;
  }
  unitsOf(tid: number): Int32Array {
    return this.tidUnits.subarray(this.tidUnitOff[tid], this.tidUnitOff[tid + 1]);
  }
  edgeArrays(): { src: ChunkedU32; dst: ChunkedU32; tid: ChunkedU32 } {
    return { src: this.eSrc, dst: this.eDst, tid: this.eTid };
  }
  rootIndexes(): number[] {
    return [...this.roots.keys()].sort((a, b) => a - b);
  }
}

/** A closed walk: nodes[0..k], tids[i] from nodes[i] to nodes[i+1]; nodes[k] = nodes[0]. No tids: stuttering at nodes[0]. */
interface Walk {
  readonly nodes: number[];
  readonly tids: number[];
}

type Obligation = { readonly unit: number; readonly edge: boolean };

/** The recorded graph in CSR form, with the BFS tree from the initial states. */
class Graph {
  readonly off: Uint32Array;
  readonly dst: Uint32Array;
  readonly tid: Uint32Array;
  readonly roff: Uint32Array;
  readonly rsrc: Uint32Array;
  /** BFS depth from the initial states (over the recorded graph), and the tree edge into each state. */
  readonly depth: Int32Array;
  private readonly tparent: Int32Array;
  private readonly ttid: Int32Array;
  private readonly nUnits: number;
  private readonly strong: Uint8Array;
  private readonly rec: LivenessRecorder;

  constructor(rec: LivenessRecorder, readonly n: number) {
    this.rec = rec;
    const { src, dst, tid } = rec.edgeArrays();
    const m = src.length;
    this.off = new Uint32Array(n + 1);
    this.roff = new Uint32Array(n + 1);
    for (let e = 0; e < m; e++) {
      this.off[src.get(e) + 1]++;
      this.roff[dst.get(e) + 1]++;
    }
    for (let v = 0; v < n; v++) {
      this.off[v + 1] += this.off[v];
      this.roff[v + 1] += this.roff[v];
    }
    this.dst = new Uint32Array(m);
    this.tid = new Uint32Array(m);
    this.rsrc = new Uint32Array(m);
    const fill = this.off.slice(0, n);
    const rfill = this.roff.slice(0, n);
    for (let e = 0; e < m; e++) {
      const s = src.get(e);
      const d = dst.get(e);
      const k = fill[s]++;
      this.dst[k] = d;
      this.tid[k] = tid.get(e);
      this.rsrc[rfill[d]++] = s;
    }
    this.nUnits = rec.fairnessUnits.length;
    this.strong = Uint8Array.from(rec.fairnessUnits.map((u) => (u.strong ? 1 : 0)));
    // BFS tree.
    this.depth = new Int32Array(n).fill(-1);
    this.tparent = new Int32Array(n).fill(-1);
    this.ttid = new Int32Array(n).fill(-1);
    const q = new Int32Array(n);
    let h = 0;
    let t = 0;
    for (const r of rec.rootIndexes()) {
      this.depth[r] = 0;
      q[t++] = r;
    }
    while (h < t) {
      const v = q[h++];
      for (let k = this.off[v]; k < this.off[v + 1]; k++) {
        const d = this.dst[k];
        if (this.depth[d] >= 0) continue;
        this.depth[d] = this.depth[v] + 1;
        this.tparent[d] = v;
        this.ttid[d] = this.tid[k];
        q[t++] = d;
      }
    }
  }

  /** The tree path from an initial state to v. */
  treePath(v: number): { root: number; steps: { tid: number; node: number }[] } {
    const steps: { tid: number; node: number }[] = [];
    let x = v;
    while (this.tparent[x] >= 0) {
      steps.push({ tid: this.ttid[x], node: x });
      x = this.tparent[x];
    }
    return { root: x, steps: steps.reverse() };
  }

  /** States of `inSet` that reach a `target` state by a path inside `inSet`. */
  backward(target: Uint8Array, inSet: Uint8Array): Uint8Array {
    const n = this.n;
    const seen = new Uint8Array(n);
    const q = new Int32Array(n);
    let t = 0;
    for (let v = 0; v < n; v++) if (target[v]) {
      seen[v] = 1;
      q[t++] = v;
    }
    let h = 0;
    while (h < t) {
      const v = q[h++];
      for (let k = this.roff[v]; k < this.roff[v + 1]; k++) {
        const s = this.rsrc[k];
        if (seen[s] || !inSet[s]) continue;
        seen[s] = 1;
        q[t++] = s;
      }
    }
    return seen;
  }

  /** Shortest path (BFS, edges in index order) from `from` to a state satisfying `goal`, staying in `inSet`. */
  bfsPath(from: number, goal: (v: number) => boolean, inSet: Uint8Array): Walk | undefined {
    if (goal(from)) return { nodes: [from], tids: [] };
    const prev = new Map<number, { v: number; tid: number }>();
    prev.set(from, { v: -1, tid: -1 });
    const q = [from];
    for (let h = 0; h < q.length; h++) {
      const v = q[h];
      for (let k = this.off[v]; k < this.off[v + 1]; k++) {
        const d = this.dst[k];
        if (!inSet[d] || prev.has(d)) continue;
        prev.set(d, { v, tid: this.tid[k] });
        if (goal(d)) {
          const nodes = [d];
          const tids: number[] = [];
          let x = d;
          while (x !== from) {
            const p = prev.get(x)!;
            tids.push(p.tid);
            nodes.push(p.v);
            x = p.v;
          }
          return { nodes: nodes.reverse(), tids: tids.reverse() };
        }
        q.push(d);
      }
    }
    return undefined;
  }

  /** The fairness units enabled at v (a non-stutter transition of the unit leaves v). */
  private enabledAt(v: number, out: Uint8Array): void {
    out.fill(0);
    for (let k = this.off[v]; k < this.off[v + 1]; k++) {
      const us = this.rec.unitsOf(this.tid[k]);
      for (let i = 0; i < us.length; i++) out[us[i]] = 1;
    }
  }

  /** Tarjan scratch arrays (sized n, reset per call for the nodes it touches). */
  private tIndex?: Int32Array;
  private tLow?: Int32Array;
  private tOn?: Uint8Array;
  private tStack?: Int32Array;
  private tCallV?: Int32Array;
  private tCallK?: Uint32Array;

  /** SCCs of the subgraph on `nodes` (membership: mark[v] === stamp), iterative Tarjan. Components sorted by smallest state. */
  private sccs(nodes: readonly number[], mark: Int32Array, stamp: number): number[][] {
    const n = this.n;
    const index = (this.tIndex ??= new Int32Array(n).fill(-1));
    const low = (this.tLow ??= new Int32Array(n));
    const onStack = (this.tOn ??= new Uint8Array(n));
    const stack = (this.tStack ??= new Int32Array(n));
    const callV = (this.tCallV ??= new Int32Array(n));
    const callK = (this.tCallK ??= new Uint32Array(n));
    for (const v of nodes) index[v] = -1;
    const off = this.off;
    const dst = this.dst;
    let sp = 0;
    let cp = 0;
    let counter = 0;
    const comps: number[][] = [];
    for (const root of nodes) {
      if (index[root] >= 0) continue;
      callV[cp] = root;
      callK[cp++] = off[root];
      index[root] = low[root] = counter++;
      stack[sp++] = root;
      onStack[root] = 1;
      while (cp > 0) {
        const v = callV[cp - 1];
        const k = callK[cp - 1];
        if (k < off[v + 1]) {
          callK[cp - 1] = k + 1;
          const d = dst[k];
          if (mark[d] !== stamp) continue;
          if (index[d] < 0) {
            index[d] = low[d] = counter++;
            stack[sp++] = d;
            onStack[d] = 1;
            callV[cp] = d;
            callK[cp++] = off[d];
          } else if (onStack[d] && index[d] < low[v]) {
            low[v] = index[d];
          }
          continue;
        }
        cp--;
        if (cp > 0) {
          const u = callV[cp - 1];
          if (low[v] < low[u]) low[u] = low[v];
        }
        if (low[v] === index[v]) {
          const comp: number[] = [];
          let x: number;
          do {
            x = stack[--sp];
            onStack[x] = 0;
            comp.push(x);
          } while (x !== v);
          comp.sort((a, b) => a - b);
          comps.push(comp);
        }
      }
    }
    comps.sort((a, b) => a[0] - b[0]);
    return comps;
  }

  /** The fair components of the subgraph `inB` (see the module comment). */
  fairComponents(inB: Uint8Array): number[][] {
    const n = this.n;
    const mark = new Int32Array(n).fill(-1);
    let stamp = 0;
    const nodes: number[] = [];
    for (let v = 0; v < n; v++) if (inB[v]) {
      nodes.push(v);
      mark[v] = stamp;
    }
    const work: number[][] = this.sccs(nodes, mark, stamp);
    const fair: number[][] = [];
    const en = new Uint8Array(this.nUnits);
    const enabledCount = new Int32Array(this.nUnits);
    const taken = new Uint8Array(this.nUnits);
    const compMark = new Int32Array(n).fill(-1);
    let compStamp = 0;
    for (let wi = 0; wi < work.length; wi++) {
      const C = work[wi];
      const cs = compStamp++;
      for (const v of C) compMark[v] = cs;
      enabledCount.fill(0);
      taken.fill(0);
      for (const v of C) {
        this.enabledAt(v, en);
        for (let u = 0; u < this.nUnits; u++) enabledCount[u] += en[u];
        for (let k = this.off[v]; k < this.off[v + 1]; k++) {
          if (compMark[this.dst[k]] !== cs) continue;
          const us = this.rec.unitsOf(this.tid[k]);
          for (let i = 0; i < us.length; i++) taken[us[i]] = 1;
        }
      }
      let reject = false;
      const badStrong: number[] = [];
      for (let u = 0; u < this.nUnits; u++) {
        if (taken[u]) continue;
        if (!this.strong[u] && enabledCount[u] === C.length) reject = true;
        if (this.strong[u] && enabledCount[u] > 0) badStrong.push(u);
      }
      if (reject) continue;
      if (badStrong.length === 0) {
        fair.push(C);
        continue;
      }
      const rest: number[] = [];
      for (const v of C) {
        this.enabledAt(v, en);
        if (!badStrong.some((u) => en[u])) rest.push(v);
      }
      if (rest.length === 0) continue;
      stamp++;
      for (const v of rest) mark[v] = stamp;
      work.push(...this.sccs(rest, mark, stamp));
    }
    fair.sort((a, b) => a[0] - b[0]);
    return fair;
  }

  /** A fair cycle through e inside the fair component F (see the module comment). */
  cycle(e: number, F: readonly number[]): Walk {
    const inF = new Uint8Array(this.n);
    for (const v of F) inF[v] = 1;
    const obligations: Obligation[] = [];
    const en = new Uint8Array(this.nUnits);
    for (let round = 0; round <= 2 * this.nUnits + 1; round++) {
      const walk = this.buildWalk(e, inF, obligations);
      // Which conditions does it violate?
      const cycleNodes = walk.tids.length === 0 ? [e] : walk.nodes.slice(0, -1);
      const allEnabled = new Uint8Array(this.nUnits).fill(1);
      const someEnabled = new Uint8Array(this.nUnits);
      const taken = new Uint8Array(this.nUnits);
      for (const v of cycleNodes) {
        this.enabledAt(v, en);
        for (let u = 0; u < this.nUnits; u++) {
          if (en[u]) someEnabled[u] = 1;
          else allEnabled[u] = 0;
        }
      }
      for (const t of walk.tids) for (const u of this.rec.unitsOf(t)) taken[u] = 1;
      let added = false;
      for (let u = 0; u < this.nUnits; u++) {
        if (taken[u]) continue;
        const violated = this.strong[u] ? someEnabled[u] === 1 : allEnabled[u] === 1;
        if (!violated || obligations.some((o) => o.unit === u && (o.edge || !this.strong[u]))) continue;
        obligations.push({ unit: u, edge: this.strong[u] === 1 });
        added = true;
      }
      if (!added) return walk;
    }
    throw new SpecError('MC501', 'internal error: liveness: no fair cycle found in a fair component');
  }

  private hasUnitEdge(v: number, u: number, inF: Uint8Array): number {
    for (let k = this.off[v]; k < this.off[v + 1]; k++) {
      if (!inF[this.dst[k]]) continue;
      const us = this.rec.unitsOf(this.tid[k]);
      for (let i = 0; i < us.length; i++) if (us[i] === u) return k;
    }
    return -1;
  }

  private buildWalk(e: number, inF: Uint8Array, obligations: readonly Obligation[]): Walk {
    const nodes = [e];
    const tids: number[] = [];
    let cur = e;
    const en = new Uint8Array(this.nUnits);
    const disabledAt = (v: number, u: number): boolean => {
      this.enabledAt(v, en);
      return en[u] === 0;
    };
    for (const ob of obligations) {
      const satisfied = tids.some((t) => this.rec.unitsOf(t).includes(ob.unit)) || (!ob.edge && nodes.some((v) => disabledAt(v, ob.unit)));
      if (satisfied) continue;
      const seg = this.bfsPath(cur, (v) => (!ob.edge && disabledAt(v, ob.unit)) || this.hasUnitEdge(v, ob.unit, inF) >= 0, inF);
      if (!seg) throw new SpecError('MC501', 'internal error: liveness: a fairness obligation cannot be met inside its fair component');
      for (let i = 0; i < seg.tids.length; i++) {
        tids.push(seg.tids[i]);
        nodes.push(seg.nodes[i + 1]);
      }
      cur = seg.nodes[seg.nodes.length - 1];
      if (!(!ob.edge && disabledAt(cur, ob.unit))) {
        const k = this.hasUnitEdge(cur, ob.unit, inF);
        tids.push(this.tid[k]);
        cur = this.dst[k];
        nodes.push(cur);
      }
    }
    if (tids.length > 0 && cur !== e) {
      const back = this.bfsPath(cur, (v) => v === e, inF);
      if (!back) throw new SpecError('MC501', 'internal error: liveness: a fair component is not strongly connected');
      for (let i = 0; i < back.tids.length; i++) {
        tids.push(back.tids[i]);
        nodes.push(back.nodes[i + 1]);
      }
    }
    return { nodes, tids };
  }
}

