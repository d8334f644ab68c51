/**
 * The core of the composed kernel: the task table and its frames, the
 * continuations an allocation or a syscall returns to, the state type, the
 * bounds and the layer contracts. The mechanisms are built on it, each in the
 * file where the kernel keeps it:
 *
 * - block/bio.ts: submitting and completing requests between layers;
 * - mm/page-writeback.ts: dirty accounting and balance_dirty_pages;
 * - mm/vmscan.ts: direct reclaim, shrink_slab, kswapd, throttle_direct_reclaim;
 * - mm/page_alloc.ts: the allocation masks and __alloc_pages_slowpath
 *   (the class `Kernel`, re-exported by models/kernel.ts).
 *
 * Everything here is pure: functions take a state and return a new one.
 *
 * @module
 */
import { KernelConfig, ScopeRule } from './config';
import { FrameFn } from './frames';
import { FrameSpec, PF_MEMALLOC_NOFS, PF_MEMALLOC_NOIO, Role, Task, TaskRef, isApp, popPush, push, top } from './task';
import type { AnyLayer, DaemonDecl, FsLayer, KAction, Shrinker } from './layer';

/** The whole state: mm counters, application tasks (symmetric), kernel/daemon tasks, and one variable per layer. */
export interface KState {
  /** `anon`: pages still held by the background process (only when the `anon_pages` bound is set; 0 once OOM-killed). */
  readonly mm: { readonly free: number; readonly reserve: number; readonly anon?: number };
  readonly app: readonly Task[];
  /** Kernel/daemon tasks by daemon index (a record '0'..'n-1' so that each role has its own stack depth). */
  readonly kt: { readonly [d: number]: Task };
  readonly [layer: `L${number}`]: any;
}

export interface Bounds {
  readonly writers: number;
  readonly ios: number;
  readonly pages: number;
  readonly reserve: number;
  readonly tcmuThreads: number;
  /** tcm_loop workqueue workers that may run submission work concurrently. */
  readonly tcmLoopWorkers: number;
  readonly depth: number;
  readonly queue: number;
  readonly inodes: number;
  /** Global dirty + writeback hard limit in pages for balance_dirty_pages; 0 = no dirty throttling. */
  readonly dirtyLimit: number;
  /** Model kswapd (woken by the slow path, reclaims with GFP_KERNEL and PF_MEMALLOC); also enables throttle_direct_reclaim, which waits for kswapd. */
  readonly kswapd: boolean;
  /** Route (a): tcmu-runner's allocations outside the page cache (malloc heap fault, data-area fault, ext4 read bio). */
  readonly daemonAlloc: boolean;
  /** Route (d): the tcm_loop kworker's allocations in tcmu_queue_cmd (tcmu_get_empty_block under cmdr_lock); tcmu-runner takes cmdr_lock to fault the data area and to complete. */
  readonly tcmuKernel: boolean;
  /** The tcmu in-flight command timeout (an escape, not a route): fires only when nothing else can happen. */
  readonly cmdTimeout: boolean;
  /** Route (e): the loop worker's allocations outside the backing file's page cache (ext4 read bio). */
  readonly loopAlloc: boolean;
  /**
   * vm.dirty_ratio in percent of dirtyable memory (mm/page-writeback.c:
   * domain_dirty_limits); 0 = the limit is `dirtyLimit` pages (the vm.dirty_bytes form).
   */
  readonly dirtyRatio: number;
  /** vm.dirty_background_ratio in percent (used with `dirtyRatio`). */
  readonly backgroundRatio: number;
  /** This wb's share of recent writeback completions in percent (the fprop fraction of __wb_calc_thresh). */
  readonly wbShare: number;
  /** Anonymous pages of a background process, held from the start; the OOM killer's victim frees them. */
  readonly anonPages: number;
  /** Unreclaimable slab pages, held from the start and never freed. */
  readonly slabPages: number;
  /** The paths of issue 10, each off by default (docs/routes.md, "The paths of issue 10"). */
  readonly paths: PathBounds;
  /** Issue 11: FUSE strictlimit, the own-wb pages (dirty + temporary) at which a FUSE writer is held (`fuse_strict`, the kernel's 8). */
  readonly fuseStrict?: number;
}

/**
 * The paths of issue 10, each switchable by its own `--param` (default 0):
 * - `tcmuCmdrLock` (`tcmu_cmdr_lock`): every tcm_loop kworker takes cmdr_lock
 *   in tcmu_queue_cmd and sleeps on it while another holds it
 *   ([5.2.1] drivers/target/target_core_user.c: tcmu_queue_cmd);
 * - `tcmuBatch` (`tcmu_batch`): tcmu-runner announces completions once per
 *   drained batch (tcmu-runner v1.5.0 main.c: tcmur_cmdproc_thread);
 * - `xfsLog` (`xfs_log`): XFS eviction runs xfs_inactive with a log
 *   reservation, the log holds this many reservations, xfsaild pushes the AIL
 *   (0: off);
 * - `flusherBlock` (`flusher_block`): the XFS flusher waits for its ioend bio
 *   mempool, and (with xfs_log) for log space for each page write's size update;
 * - `dmzBlock` (`dmz_block`): dm-zoned's flush work writes metadata under the
 *   metadata semaphore and waits; chunk work waits for the semaphore.
 */
export interface PathBounds {
  readonly tcmuCmdrLock: boolean;
  readonly tcmuBatch: boolean;
  readonly xfsLog: number;
  readonly flusherBlock: boolean;
  readonly dmzBlock: boolean;
}

/**
 * `{ ...o, [key]: v }`: the record `o` with the field `key` replaced (same
 * keys, same order). Built as a spread and one store, which V8 runs about 3x
 * faster than a spread followed by a computed key in the literal; the layers
 * replace their state variable (`L<index>`) with it on most steps.
 */
export function withKey<T extends object>(o: T, key: string, v: unknown): T {
  const c = { ...o } as Record<string, unknown>;
  c[key] = v;
  return c as T;
}

/** A state with one variable replaced, per variable (KernelCore.withVar). */
interface StateCopies {
  readonly by: Readonly<Record<string, ((o: KState, v: unknown) => KState) | undefined>>;
  readonly app: (o: KState, v: KState['app']) => KState;
  readonly kt: (o: KState, v: KState['kt']) => KState;
  readonly mm: (o: KState, v: KState['mm']) => KState;
}

/** Continuation run when an allocation started under a given frame finishes. */
export type AllocCont = (k: KState, t: TaskRef, ok: boolean) => KState;

/**
 * The scope rules by frame function, in list order (a null-prototype record,
 * so that a frame without rules reads as absent): what `scopeRule` looks up.
 */
export type ScopeIndex = Readonly<Record<string, readonly ScopeRule[] | undefined>>;

/** The index of `rules` by frame function (`ScopeIndex`). */
export function scopeIndex(rules: readonly ScopeRule[]): ScopeIndex {
  const index = Object.create(null) as Record<string, ScopeRule[]>;
  for (const r of rules) (index[r.frame] ??= []).push(r);
  return index;
}

/** The task table and the frame machinery every mechanism shares. */
export class KernelCore {
  readonly layers: AnyLayer[] = [];
  readonly daemons: DaemonDecl[] = [];
  readonly shrinkerList: Shrinker[] = [];
  readonly appRole: Role;
  protected readonly allocConts = new Map<FrameFn, AllocCont>();
  protected readonly syscallDoneHooks = new Map<Role, (k: KState, t: TaskRef, ok: boolean) => KState>();

  /** The config's scope rules by frame function (`scopeIndex`), looked up one frame at a time (`scopeRule`). */
  protected readonly scopeByFrame: ScopeIndex;

  constructor(
    readonly cfg: KernelConfig,
    readonly bounds: Bounds,
    readonly workload: 'write' | 'read',
    scopes?: ScopeIndex,
  ) {
    this.appRole = workload === 'write' ? 'app-writer' : 'app-reader';
    this.scopeByFrame = scopes ?? scopeIndex(cfg.scopes);
  }

  // ---------------------------------------------------------------- tasks

  task(k: KState, t: TaskRef): Task {
    return isApp(t) ? k.app[t.w] : k.kt[t.d];
  }

  setTask(k: KState, t: TaskRef, v: Task): KState {
    const c = this.stateCopy();
    if (isApp(t)) {
      const app = k.app.slice();
      app[t.w] = v;
      return c === null ? { ...k, app } : c.app(k, app);
    }
    const kt = this.ktWith(k.kt, t.d, v);
    return c === null ? { ...k, kt } : c.kt(k, kt);
  }

  /**
   * The state's variables and, for a record variable, its fields, in
   * declaration order: the Spec's `variables` (models/stack.ts declares them
   * when it composes the stack). A state has exactly these (the engine decodes
   * them, the actions return them), so a copy with one of them replaced can be
   * one object literal (`withVar`, `setField`). Until they are declared the
   * copies are spreads.
   */
  declareState(vars: Readonly<Record<string, readonly string[] | null>>): void {
    this.stateVars = vars;
    this.stateCopies = undefined;
    this.fieldCopies = Object.create(null) as Record<string, Record<string, (o: KState, v: unknown) => KState> | undefined>;
  }

  private stateVars: Readonly<Record<string, readonly string[] | null>> | undefined;

  /**
   * `{ ...k, [key]: v }` for a state variable `key` (`mm`, `app`, `kt` or a
   * layer's `L<i>`): the same keys in the same order, built as one object
   * literal of the state's variables (generated once, `declareState`). V8
   * builds it about 5x faster than it spreads the 8-variable state, and most
   * steps replace one to three variables. Another key falls back to the spread.
   */
  withVar(k: KState, key: string, v: unknown): KState {
    const c = this.stateCopy();
    const f = c === null ? undefined : c.by[key];
    return f !== undefined ? f(k, v) : withKey(k, key, v);
  }

  /**
   * `{ ...k, [key]: { ...k[key], [field]: v } }`: the state with one field of
   * the record variable `key` (a layer's state) replaced, built as one
   * generated object literal of both records (copy-on-write: the two records
   * the step changes are copied once, everything else is shared).
   */
  setField(k: KState, key: string, field: string, v: unknown): KState {
    // by variable, then by field: no key string is built per call
    let byField = this.fieldCopies[key];
    if (byField === undefined) this.fieldCopies[key] = byField = Object.create(null) as Record<string, (o: KState, v: unknown) => KState>;
    let f = byField[field];
    if (f === undefined) {
      const fields = this.stateVars?.[key];
      const c = this.stateCopy();
      if (c !== null && fields && fields.includes(field) && c.by[key] !== undefined) {
        const inner = fields.map((x) => (x === field ? `${JSON.stringify(x)}: v` : `${JSON.stringify(x)}: r[${JSON.stringify(x)}]`)).join(', ');
        const outer = Object.keys(this.stateVars!).map((x) => (x === key ? `${JSON.stringify(x)}: {${inner}}` : `${JSON.stringify(x)}: o[${JSON.stringify(x)}]`)).join(', ');
        // eslint-disable-next-line @typescript-eslint/no-implied-eval
        f = new Function('o', 'v', `const r = o[${JSON.stringify(key)}]; return {${outer}};`) as (o: KState, v: unknown) => KState;
      } else {
        f = (o: KState, v: unknown): KState => this.withVar(o, key, withKey(o[key as `L${number}`] as object, field, v));
      }
      byField[field] = f;
    }
    return f(k, v);
  }

  private fieldCopies = Object.create(null) as Record<string, Record<string, (o: KState, v: unknown) => KState> | undefined>;

  /** The state with the mm counters replaced (`anon` kept unless given): `{ ...k, mm: { ...k.mm, free, reserve } }`. */
  setMm(k: KState, free: number, reserve: number, anon: number | undefined = k.mm.anon): KState {
    const mm = anon === undefined ? { free, reserve } : { free, reserve, anon };
    const c = this.stateCopy();
    return c === null ? { ...k, mm } : c.mm(k, mm);
  }

  /** The generated copies of a state with one variable replaced (`withVar`), once the variables are declared. */
  protected stateCopy(): StateCopies | null {
    let c = this.stateCopies;
    if (c === undefined) {
      const vars = this.stateVars;
      if (vars === undefined || !('mm' in vars && 'app' in vars && 'kt' in vars)) return null;
      const keys = Object.keys(vars);
      const by = Object.create(null) as Record<string, (o: KState, v: unknown) => KState>;
      for (const key of keys) {
        const fields = keys.map((x) => (x === key ? `${JSON.stringify(x)}: v` : `${JSON.stringify(x)}: o[${JSON.stringify(x)}]`)).join(', ');
        // eslint-disable-next-line @typescript-eslint/no-implied-eval
        by[key] = new Function('o', 'v', `return {${fields}};`) as (o: KState, v: unknown) => KState;
      }
      c = { by, app: by.app, kt: by.kt, mm: by.mm };
      this.stateCopies = c;
    }
    return c;
  }

  private stateCopies: StateCopies | undefined;

  /**
   * `{ ...kt, [d]: v }`, the kt record with daemon d's task replaced: the same
   * keys in the same order, built as one object literal of the daemons'
   * indexes (generated once per daemon count). V8 copies such a literal about
   * 3x faster than it spreads an object whose keys are integers, and this copy
   * is on the path of most steps.
   */
  protected ktWith(kt: KState['kt'], d: number, v: Task): KState['kt'] {
    const n = this.daemons.length;
    if (this.ktCopy === undefined || this.ktCopy.n !== n) {
      const fields = Array.from({ length: n }, (_, i) => `${i}: o[${i}]`).join(', ');
      // eslint-disable-next-line @typescript-eslint/no-implied-eval
      const f = new Function('o', 'd', 'v', `const c = {${fields}}; c[d] = v; return c;`) as (o: KState['kt'], d: number, v: Task) => KState['kt'];
      this.ktCopy = { n, f };
    }
    if (d < 0 || d >= n || !Number.isInteger(d)) return { ...kt, [d]: v };
    return this.ktCopy.f(kt, d, v);
  }

  private ktCopy: { n: number; f: (o: KState['kt'], d: number, v: Task) => KState['kt'] } | undefined;

  updTask(k: KState, t: TaskRef, f: (v: Task) => Task): KState {
    return this.setTask(k, t, f(this.task(k, t)));
  }

  role(t: TaskRef): Role {
    return isApp(t) ? this.appRole : this.daemons[t.d].role;
  }

  taskName(t: TaskRef): string {
    return isApp(t) ? `${this.appRole === 'app-writer' ? 'writer' : 'reader'}/${t.w}` : this.daemons[t.d].name;
  }

  /**
   * The wake-up of a task sleeping in layer `at` with `fn` as its innermost
   * frame: enabled once `ready` holds, then `wake` continues the task. One
   * parameter per task (all tasks unless `params` says which can sleep there).
   */
  sleeperAction(
    name: string,
    fn: FrameFn,
    at: number,
    ready: (k: KState, v: Task) => boolean,
    wake: (k: KState, t: TaskRef, v: Task) => KState | undefined,
    params: readonly TaskRef[] = this.allTasks(),
  ): KAction<TaskRef> {
    return {
      name,
      params,
      formatParam: (t) => this.taskName(t),
      when: { task: (t) => t, frames: [fn] },
      next: (k, t) => {
        const v = this.task(k, t);
        const f = top(v);
        if (!f || f.fn !== fn || f.at !== at || !ready(k, v)) return undefined;
        return wake(k, t, v);
      },
    };
  }

  allTasks(): TaskRef[] {
    const refs: TaskRef[] = [];
    for (let w = 0; w < this.bounds.writers; w++) refs.push({ w });
    for (let d = 0; d < this.daemons.length; d++) refs.push({ d });
    return refs;
  }

  /**
   * allTasks() and daemonsOf() computed once (the task list is fixed once the
   * stack is composed; a cache is rebuilt if daemons were added since), for
   * the hot paths that only read them.
   */
  protected refCache: { daemons: number; all: readonly TaskRef[]; of: Map<Role, (readonly TaskRef[])[]>; kswapd: TaskRef | null } | undefined;

  protected refs(): NonNullable<KernelCore['refCache']> {
    if (this.refCache === undefined || this.refCache.daemons !== this.daemons.length) {
      this.refCache = { daemons: this.daemons.length, all: this.allTasks(), of: new Map(), kswapd: this.findKswapd() };
    }
    return this.refCache;
  }

  /** allTasks(), shared (do not modify). */
  taskRefs(): readonly TaskRef[] {
    return this.refs().all;
  }

  /** daemonsOf(role, layer), shared (do not modify). */
  daemonRefs(role: Role, layer: number): readonly TaskRef[] {
    const c = this.refs();
    // by role, then by layer (no key string built per call: tcmu's cmdr_lock holder asks on its hot path)
    let byLayer = c.of.get(role);
    if (byLayer === undefined) {
      byLayer = [];
      c.of.set(role, byLayer);
    }
    let r = byLayer[layer];
    if (r === undefined) {
      r = this.daemonsOf(role, layer);
      byLayer[layer] = r;
    }
    return r;
  }

  daemonsOf(role: Role, layer?: number): TaskRef[] {
    const out: TaskRef[] = [];
    this.daemons.forEach((x, d) => {
      if (x.role === role && (layer === undefined || x.layer === layer)) out.push({ d });
    });
    return out;
  }

  /** The waiter fields of a request issued on behalf of task t. */
  waiter(t: TaskRef): { ww: number | null; wd: number } {
    return isApp(t) ? { ww: t.w, wd: -1 } : { ww: null, wd: t.d };
  }

  /**
   * Pushes frames for task t, applying config scope rules: a frame matching a
   * ScopeRule enters memalloc_nofs/noio_save on entry (restored on pop).
   */
  pushFrames(k: KState, t: TaskRef, frames: readonly FrameSpec[]): KState {
    return this.setTask(k, t, push(this.task(k, t), frames, this.scopeRule(t)));
  }

  /** setTask(k, t, v) then pushFrames(frames) for task t, as one copy of the task and of the state. */
  pushFramesOn(k: KState, t: TaskRef, v: Task, frames: readonly FrameSpec[]): KState {
    return this.setTask(k, t, push(v, frames, this.scopeRule(t)));
  }

  /**
   * pop(count) then pushFrames(frames) for task t as one copy of its task
   * (`topN`: first set the phase of the frame left on top to it, as
   * setFrameN(v, v.sp - 1, topN) would): the same state as those steps one
   * after another.
   */
  popPushFrames(k: KState, t: TaskRef, count: number, frames: readonly FrameSpec[], topN?: number): KState {
    return this.setTask(k, t, popPush(this.task(k, t), count, frames, this.scopeRule(t), topN));
  }

  /**
   * The scope bits the config's scope rules add to a frame pushed by task t:
   * a frame matching a ScopeRule enters memalloc_nofs/noio_save on entry. The
   * result depends only on (frame function, role, layer), so it is computed
   * once per triple, from the rules of that frame function only (the index,
   * `scopeByFrame`): a search reads the rules of the frames it pushes and
   * nothing else of the list, so that `verify`'s shared searches
   * (specs/verify/share.ts) see a rule on a frame a cell never pushes as no
   * difference.
   */
  protected scopeRule(t: TaskRef): (f: FrameSpec) => number {
    // by task (the application tasks share slot 0, daemon d is slot d + 1): a task's role never changes
    const slot = isApp(t) ? 0 : t.d + 1;
    let r = this.scopeByTask[slot];
    if (r === undefined) {
      r = this.scopeRuleOf(this.role(t));
      this.scopeByTask[slot] = r;
    }
    return r;
  }

  private readonly scopeByTask: (((f: FrameSpec) => number) | undefined)[] = [];

  /** scopeRule for the tasks of a role. */
  private scopeRuleOf(role: Role): (f: FrameSpec) => number {
    let byRole = this.scopeRules.get(role);
    if (byRole === undefined) {
      const cache = new Map<string, number[]>();
      const index = this.scopeByFrame;
      byRole = (f: FrameSpec): number => {
        const at = f.at ?? 0;
        let byAt = cache.get(f.fn);
        if (byAt === undefined) cache.set(f.fn, (byAt = []));
        let scope = byAt[at];
        if (scope === undefined) {
          scope = 0;
          const rules = index[f.fn];
          if (rules !== undefined) {
            for (const r of rules) {
              if (r.role && r.role !== role) continue;
              if (r.lowerFsOnly && !this.isLowerFs(at)) continue;
              scope |= r.scope === 'NOFS' ? PF_MEMALLOC_NOFS : PF_MEMALLOC_NOIO;
            }
          }
          byAt[at] = scope;
        }
        return scope;
      };
      this.scopeRules.set(role, byRole);
    }
    return byRole;
  }

  private readonly scopeRules = new Map<Role, (f: FrameSpec) => number>();

  isLowerFs(layer: number): boolean {
    const l = this.layers[layer];
    return l !== undefined && l.kind === 'fs' && layer > 0;
  }

  onAllocDone(fn: FrameFn, cont: AllocCont): void {
    this.allocConts.set(fn, cont);
  }

  onSyscallDone(role: Role, hook: (k: KState, t: TaskRef, ok: boolean) => KState): void {
    this.syscallDoneHooks.set(role, hook);
  }

  /** A read/write syscall (or loop's vfs_iter_*) of task t returned; runs the role's continuation. */
  syscallDone(k: KState, t: TaskRef, ok: boolean): KState {
    const hook = this.syscallDoneHooks.get(this.role(t));
    if (!hook) throw new Error(`no syscall continuation for role ${this.role(t)}`);
    return hook(k, t, ok);
  }

  fsLayers(): FsLayer[] {
    return this.layers.filter((l): l is AnyLayer & FsLayer => l.kind === 'fs');
  }

  protected fsCache: { layers: number; list: readonly FsLayer[] } | undefined;

  /** fsLayers(), shared (do not modify); rebuilt if layers were added since. */
  protected fsList(): readonly FsLayer[] {
    if (this.fsCache === undefined || this.fsCache.layers !== this.layers.length) this.fsCache = { layers: this.layers.length, list: this.fsLayers() };
    return this.fsCache.list;
  }

  /** The kswapd task, when modelled. */
  kswapdTask(): TaskRef | null {
    return this.refs().kswapd;
  }

  protected findKswapd(): TaskRef | null {
    const d = this.daemons.findIndex((x) => x.role === 'kswapd');
    return d < 0 ? null : { d };
  }
}
