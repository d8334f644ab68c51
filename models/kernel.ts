/**
 * The composed kernel: the task table, the mm core (effective GFP mask,
 * page allocator slow path, direct reclaim, shrink_slab) and the plumbing
 * layers use to submit and complete I/O.
 *
 * Layers (models/layers/*) own their variables and actions; this module owns
 * the rules every task shares. Everything here is pure: functions take a state
 * and return a new one.
 *
 * @module
 */
import {
  Gfp,
  GFP_HIGHUSER_MOVABLE,
  GFP_KERNEL,
  __GFP_KSWAPD_RECLAIM,
  __GFP_DIRECT_RECLAIM,
  __GFP_FS,
  __GFP_IO,
  __GFP_NOMEMALLOC,
  __GFP_NORETRY,
  gfpOf,
  parseGfp,
} from './mm/gfp';
import { AllocSite, KernelConfig, FsName, RouteAllocSite } from './core/config';
import { FrameFn } from './core/frames';
import {
  Frame,
  FrameSpec,
  NO_REQ,
  PF_KTHREAD,
  PF_LOCAL_THROTTLE,
  PF_MEMALLOC,
  PF_MEMALLOC_NOFS,
  PF_MEMALLOC_NOIO,
  Req,
  Role,
  Task,
  TaskRef,
  findFrame,
  isApp,
  pop,
  popTo,
  push,
  setFrameN,
  top,
} from './core/task';

/** Per-filesystem page-cache counters (pages). */
export interface PageCache {
  readonly clean: number;
  readonly dirty: number;
  /** Under writeback (PageWriteback). */
  readonly wb: number;
  /** Locked, being read (not uptodate). */
  readonly locked: number;
}

/** The whole state: mm counters, application tasks (symmetric), kernel/daemon tasks, and one variable per layer. */
export interface KState {
  readonly mm: { readonly free: number; readonly reserve: number };
  readonly app: readonly Task[];
  /** Kernel/daemon tasks by daemon index (a record '0'..'n-1' so that each role has its own stack depth). */
  readonly kt: { readonly [d: number]: Task };
  readonly [layer: `L${number}`]: any;
}

/** A kernel or daemon task contributed by a layer. */
export interface DaemonDecl {
  readonly role: Role;
  readonly name: string;
  /** Layer index that owns it. */
  readonly layer: number;
}

/** A registered shrinker ([5.2.1] mm/vmscan.c: shrink_slab walks the list in registration order). */
export interface Shrinker {
  readonly name: string;
  readonly layer: number;
  /** Would scanning with this mask do anything (free objects or block)? */
  hasWork(k: KState, gfp: Gfp): boolean;
  /** Would scanning with this mask allocate memory (and so depend on the free pages)? */
  allocates?(k: KState, gfp: Gfp): boolean;
  /** Runs the shrinker for task t. `blocked` when it pushed frames and waits; it then resumes via `shrinkSlabContinue`. */
  scan(k: KState, t: TaskRef, gfp: Gfp): { k: KState; blocked: boolean };
}

/** Which file a page-cache allocation is for. */
export type FileKind = 'regular' | 'loop-backing';

/** Who issues a read/write syscall into a filesystem. */
export type Via = 'app' | 'tcmu' | 'loop';

/** Filesystem layer contract. */
export interface FsLayer {
  readonly kind: 'fs';
  readonly name: FsName;
  readonly index: number;
  /** Starts a read or write of one page by task t (a syscall, or loop's vfs_iter_*). */
  startIo(k: KState, t: TaskRef, op: 'read' | 'write', via: Via, file: FileKind): KState;
  /** Bio completion in this filesystem (end_page_writeback, read completion, buffer iodone). */
  endIo(k: KState, req: Req): KState;
  /** An application task closed a file it read or wrote. */
  fileClosed(k: KState, op: 'read' | 'write'): KState;
  /** Clean page-cache pages reclaimable by LRU reclaim. */
  pages(k: KState): PageCache;
  setPages(k: KState, pc: PageCache): KState;
}

/** Block layer contract: a device that accepts bios from the layer above. */
export interface BlockLayer {
  readonly kind: 'block' | 'disk';
  readonly name: string;
  readonly index: number;
  /** submit_bio into this device, running in the submitter's context `ctx`. */
  submit(k: KState, req: Req, ctx: TaskRef | null): KState;
  /** Where a request currently sits in this layer and who must act on it, or null. */
  locate(k: KState, match: (r: Req) => boolean): { where: string; tasks: TaskRef[]; irq: boolean } | null;
}

export type AnyLayer = (FsLayer | BlockLayer) & {
  readonly label: string;
  domain(): import('../checker').Domain;
  init(): unknown;
  daemons(): DaemonDecl[];
  actions(): KAction[];
  shrinkers(): Shrinker[];
  /** Readable state of this layer for formatState. */
  format(k: KState): Record<string, unknown>;
  /** The mutex a task sleeping in this layer's mutex_lock frame waits for (null: it is free), for the wait-for graph. */
  lockWait?(k: KState, v: Task): LockWait | null;
};

/** A task sleeping in mutex_lock: the lock (`at`, e.g. `mutex_lock(cmdr_lock)`), why in words, its holder, and the path that takes it. */
export interface LockWait {
  readonly at: string;
  readonly waitsFor: string;
  readonly holder: TaskRef;
  readonly via?: string;
}

/** An action over KState (record API). */
export interface KAction<P = any> {
  readonly name: string;
  readonly params: readonly P[];
  next(k: KState, p: P): KState | undefined;
  formatParam?(p: P): string;
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
}

/** Continuation run when an allocation started under a given frame finishes. */
export type AllocCont = (k: KState, t: TaskRef, ok: boolean) => KState;

/** The composition: layers, tasks, config, and the shared mm rules. */
export class Kernel {
  readonly layers: AnyLayer[] = [];
  readonly daemons: DaemonDecl[] = [];
  readonly shrinkerList: Shrinker[] = [];
  readonly appRole: Role;
  private readonly allocConts = new Map<FrameFn, AllocCont>();
  private readonly syscallDoneHooks = new Map<Role, (k: KState, t: TaskRef, ok: boolean) => KState>();

  private readonly siteMasks = new Map<AllocSite | RouteAllocSite, Gfp>();
  /** pfmemalloc_reserve / 2 of allow_direct_reclaim, in pages: floor(min watermark / 2). */
  private readonly halfMin: number;

  constructor(
    readonly cfg: KernelConfig,
    readonly bounds: Bounds,
    readonly workload: 'write' | 'read',
  ) {
    this.appRole = workload === 'write' ? 'app-writer' : 'app-reader';
    this.halfMin = (bounds.reserve - (bounds.reserve % 2)) / 2;
    const mask = (m: readonly string[] | string): Gfp => (typeof m === 'string' ? parseGfp(m) : parseGfp(m.join('|')));
    for (const [site, m] of Object.entries(cfg.allocSites)) this.siteMasks.set(site as AllocSite, mask(m));
    for (const [site, m] of Object.entries(cfg.allocMasks)) this.siteMasks.set(site as RouteAllocSite, mask(m));
  }

  /** The requested mask of a configurable allocation site (KernelConfig.allocSites / allocMasks). */
  siteGfp(site: AllocSite | RouteAllocSite): Gfp {
    const m = this.siteMasks.get(site);
    if (m === undefined) throw new Error(`no mask for allocation site ${site}`);
    return m;
  }

  // ---------------------------------------------------------------- tasks

  task(k: KState, t: TaskRef): Task {
    return isApp(t) ? k.app[t.w] : k.kt[t.d];
  }

  setTask(k: KState, t: TaskRef, v: Task): KState {
    if (isApp(t)) {
      const app = k.app.slice();
      app[t.w] = v;
      return { ...k, app };
    }
    return { ...k, kt: { ...k.kt, [t.d]: v } };
  }

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
  private refCache: { daemons: number; all: readonly TaskRef[]; of: Map<string, readonly TaskRef[]>; kswapd: TaskRef | null } | undefined;

  private refs(): NonNullable<Kernel['refCache']> {
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
    const key = `${role}@${layer}`;
    let r = c.of.get(key);
    if (r === undefined) {
      r = this.daemonsOf(role, layer);
      c.of.set(key, r);
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
    // push reads each field with a default (`scope ?? 0`): with no scope rule the frames go as they are
    if (this.cfg.scopes.length === 0) return this.updTask(k, t, (v) => push(v, frames));
    const role = this.role(t);
    const specs = frames.map((f): FrameSpec => {
      let scope = f.scope ?? 0;
      for (const r of this.cfg.scopes) {
        if (r.frame !== f.fn) continue;
        if (r.role && r.role !== role) continue;
        if (r.lowerFsOnly && !this.isLowerFs(f.at ?? 0)) continue;
        scope |= r.scope === 'NOFS' ? PF_MEMALLOC_NOFS : PF_MEMALLOC_NOIO;
      }
      return { fn: f.fn, at: f.at, n: f.n, gfp: f.gfp, scope };
    });
    return this.updTask(k, t, (v) => push(v, specs));
  }

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

  // ------------------------------------------------------------ GFP masks

  /** The mapping mask of a file in filesystem layer `fs` (inode_init_always, then the fs and loop narrow it). */
  mappingGfp(fs: number, file: FileKind): Gfp {
    const l = this.layers[fs];
    if (l.kind !== 'fs') throw new Error(`layer ${fs} is not a filesystem`);
    let m = GFP_HIGHUSER_MOVABLE; // fs/inode.c: inode_init_always → mapping_set_gfp_mask(GFP_HIGHUSER_MOVABLE)
    m &= ~gfpOf(this.cfg.mappingClear[l.name]); // xfs_iops.c: xfs_setup_inode clears __GFP_FS (ext4: none)
    if (fs > 0) m &= ~gfpOf(this.cfg.lowerFsMappingClear); // proposed mount option (not in any kernel)
    if (file === 'loop-backing') m &= ~gfpOf(this.cfg.loopBackingClear); // loop.c: loop_set_fd
    return m;
  }

  /**
   * THE effective GFP mask of an allocation, computed in one place
   * (kernel-semantics.md §12.5 rule 1):
   *
   *   eff = current_gfp_context((req [& mapping mask] | add [| FS|IO for a fault]) & ~clear)
   *
   * - `mapping`: page-cache allocations take the mapping mask as their request
   *   (mm/filemap.c: pagecache_get_page, __page_cache_alloc, readahead_gfp_mask);
   * - `fault`: a page fault ORs __GFP_FS|__GFP_IO back in (mm/memory.c: __get_fault_gfp_mask);
   * - scope: include/linux/sched/mm.h: current_gfp_context — PF_MEMALLOC_NOIO
   *   clears IO|FS, else PF_MEMALLOC_NOFS clears FS; nothing else changes.
   */
  effectiveGfp(
    taskFlags: number,
    a: { req?: Gfp; mapping?: { fs: number; file: FileKind }; add?: Gfp; clear?: Gfp; fault?: boolean },
  ): Gfp {
    let g = a.mapping ? this.mappingGfp(a.mapping.fs, a.mapping.file) & (a.req ?? ~0) : (a.req ?? 0);
    if (a.fault && this.cfg.faultAddsFsIo) g |= __GFP_FS | __GFP_IO;
    g |= a.add ?? 0;
    g &= ~(a.clear ?? 0);
    return currentGfpContext(g, taskFlags);
  }

  // ------------------------------------------------------------ memory

  totalPages(): number {
    return this.bounds.pages + this.bounds.reserve;
  }

  fsLayers(): FsLayer[] {
    return this.layers.filter((l): l is AnyLayer & FsLayer => l.kind === 'fs');
  }

  private fsCache: { layers: number; list: readonly FsLayer[] } | undefined;

  /** fsLayers(), shared (do not modify); rebuilt if layers were added since. */
  private fsList(): readonly FsLayer[] {
    if (this.fsCache === undefined || this.fsCache.layers !== this.layers.length) this.fsCache = { layers: this.layers.length, list: this.fsLayers() };
    return this.fsCache.list;
  }

  /** A page returns to the allocator: refill the min-watermark reserve first, then the freelist. */
  freePage(k: KState): KState {
    const { free, reserve } = k.mm;
    return reserve < this.bounds.reserve ? { ...k, mm: { free, reserve: reserve + 1 } } : { ...k, mm: { free: free + 1, reserve } };
  }

  /** Global NR_FILE_DIRTY + NR_WRITEBACK (mm/page-writeback.c: balance_dirty_pages, global domain). */
  globalDirty(k: KState): number {
    return this.fsList().reduce((s, f) => s + f.pages(k).dirty + f.pages(k).wb, 0);
  }

  /**
   * [5.2.1] mm/page-writeback.c: balance_dirty_pages keeps a writer sleeping
   * while global dirty >= the hard limit (pos_ratio = 0, task_ratelimit = 0)
   * unless its own wb is (nearly) clean (wb_dirty <= wb_stat_error(), here:
   * no dirty or writeback page of that filesystem). The PF_LESS_THROTTLE
   * bonus (+limit/4 + limit/32) rounds to zero at the model's page counts.
   *
   * PF_LOCAL_THROTTLE ([5.10.7] balance_dirty_pages, a37b0715ddf3, 5.8): a
   * task with the flag is free-running while its own wb is below the wb's
   * free-run ceiling, whatever global dirty is ("goto free_running"). The
   * kernel's ceiling is (wb_thresh + wb_bg_thresh) / 2, a fraction of the
   * limit proportional to the wb's share of recent writeout; at the model's
   * page counts that fraction rounds to 0 or to one limit's worth, and the
   * model takes one limit's worth: free-running while the own wb holds at most
   * `dirtyLimit` dirty + writeback pages (with 0 the flag would never apply).
   */
  dirtyThrottled(k: KState, fs: number, taskFlags = 0): boolean {
    if (this.bounds.dirtyLimit === 0) return false;
    const pc = (this.layers[fs] as unknown as FsLayer).pages(k);
    const own = pc.dirty + pc.wb;
    if (taskFlags & PF_LOCAL_THROTTLE && own <= this.bounds.dirtyLimit) return false;
    return this.globalDirty(k) >= this.bounds.dirtyLimit && own > 0;
  }

  anyClean(k: KState): boolean {
    return this.fsList().some((f) => f.pages(k).clean > 0);
  }

  /** Could a direct reclaim pass with this mask change anything (free a page, scan or block in a shrinker)? */
  reclaimCouldProgress(k: KState, gfp: Gfp): boolean {
    return this.anyClean(k) || this.shrinkerList.some((s) => s.hasWork(k, gfp));
  }

  /**
   * Starts a one-page allocation for task t under its current top frame.
   * Fast path ([5.2.1] __alloc_pages_nodemask → get_page_from_freelist): a free
   * page is taken at once and the caller continues in the same step
   * (`ok: true`). Otherwise the allocation frames are pushed and the task
   * continues in the slow path (`ok: false`); its continuation is the
   * AllocCont registered for the caller's frame.
   */
  startAlloc(k: KState, t: TaskRef, gfp: Gfp, at: number): { k: KState; ok: boolean } {
    if (k.mm.free > 0) return { k: { ...k, mm: { ...k.mm, free: k.mm.free - 1 } }, ok: true };
    const k2 = this.pushFrames(k, t, [
      { fn: '__alloc_pages_nodemask', at, gfp },
      { fn: '__alloc_pages_slowpath', at, n: 0 },
    ]);
    // __alloc_pages_slowpath: if (alloc_flags & ALLOC_KSWAPD) wake_all_kswapds(...)
    return { k: this.wakeKswapd(k2, gfp), ok: false };
  }

  /** Pops the allocation frames and runs the caller's continuation. */
  private allocDone(k: KState, t: TaskRef, ok: boolean): KState {
    const k2 = this.updTask(k, t, (v) => pop(popTo(v, '__alloc_pages_nodemask'), 1));
    const caller = top(this.task(k2, t));
    const cont = caller && this.allocConts.get(caller.fn);
    if (!cont) throw new Error(`no allocation continuation for frame ${caller?.fn}`);
    return cont(k2, t, ok);
  }

  /** The effective mask of the allocation task t is in (from its __alloc_pages_nodemask frame). */
  allocGfp(v: Task): Gfp {
    const i = findFrame(v, '__alloc_pages_nodemask');
    return i < 0 ? 0 : v.stack[i].gfp;
  }

  /**
   * One step of [5.2.1] mm/page_alloc.c: __alloc_pages_slowpath for task t whose
   * top frame is __alloc_pages_slowpath. `lru` is the filesystem whose clean
   * page LRU reclaim frees if this step enters direct reclaim (-1: none; the
   * choice abstracts LRU age order).
   */
  slowpath(k: KState, t: TaskRef, lru: number): KState | undefined {
    const v = this.task(k, t);
    const f = top(v);
    if (!f || f.fn !== '__alloc_pages_slowpath') return undefined;
    const gfp = this.allocGfp(v);
    // get_page_from_freelist at the min watermark
    if (k.mm.free > 0) {
      if (lru !== -1) return undefined;
      return this.allocDone({ ...k, mm: { ...k.mm, free: k.mm.free - 1 } }, t, true);
    }
    // no __GFP_DIRECT_RECLAIM: fail (GFP_NOWAIT / GFP_ATOMIC)
    if ((gfp & __GFP_DIRECT_RECLAIM) === 0) return lru === -1 ? this.allocDone(k, t, false) : undefined;
    // "Avoid recursion of direct reclaim": PF_MEMALLOC uses reserves (ALLOC_NO_WATERMARKS) unless
    // __GFP_NOMEMALLOC (__gfp_pfmemalloc_flags), else fails
    if (v.flags & PF_MEMALLOC) {
      if (lru !== -1) return undefined;
      if (k.mm.reserve > 0 && (gfp & __GFP_NOMEMALLOC) === 0) return this.allocDone({ ...k, mm: { ...k.mm, reserve: k.mm.reserve - 1 } }, t, true);
      return this.allocDone(k, t, false);
    }
    // __GFP_NORETRY: one reclaim round, then fail
    if (f.n >= 1 && gfp & __GFP_NORETRY) return lru === -1 ? this.allocDone(k, t, false) : undefined;
    // should_reclaim_retry: an order-0 request keeps retrying; when no reclaim
    // could change anything the task is stuck waiting for memory (no step).
    if (f.n >= 1 && !this.reclaimCouldProgress(k, gfp)) return undefined;
    // retry: "wake kswapd again so it doesn't go to sleep as long as we loop"
    const k1 = f.n >= 1 ? this.wakeKswapd(k, gfp) : k;
    // __alloc_pages_direct_reclaim → __perform_reclaim (PF_MEMALLOC) → try_to_free_pages → throttle_direct_reclaim
    const throttle = this.throttleKind(k1, v, gfp);
    if (throttle !== null) {
      if (lru !== -1) return undefined;
      let k2 = this.updTask(k1, t, (x) => setFrameN(x, x.sp - 1, 1));
      k2 = this.pushFrames(k2, t, [
        { fn: 'try_to_free_pages', gfp, scope: PF_MEMALLOC },
        { fn: 'throttle_direct_reclaim' },
        { fn: throttle },
      ]);
      // allow_direct_reclaim: "if (!wmark_ok && waitqueue_active(&pgdat->kswapd_wait)) wake_up_interruptible(&pgdat->kswapd_wait)"
      return this.wakeKswapdTask(k2);
    }
    if (!this.validLru(k1, lru)) return undefined;
    return this.directReclaim(k1, t, gfp, lru);
  }

  /** The LRU choice of a reclaim pass must be a filesystem with a clean page, or -1 when there is none. */
  private validLru(k: KState, lru: number): boolean {
    return lru === -1 ? !this.anyClean(k) : this.layers[lru]?.kind === 'fs' && (this.layers[lru] as FsLayer).pages(k).clean > 0;
  }

  /**
   * [5.2.1] mm/vmscan.c: allow_direct_reclaim — true when the free pages of the
   * node exceed half of the min watermarks (model: free + reserve pages >
   * floor(reserve bound / 2)), or kswapd has given up (kswapd_failures >=
   * MAX_RECLAIM_RETRIES; the model's kswapd goes back to sleep exactly when it is
   * balanced or can change nothing, so a sleeping kswapd means "allowed").
   * Without a modelled kswapd there is no throttling.
   */
  allowDirectReclaim(k: KState): boolean {
    const ks = this.kswapdTask();
    if (!ks || this.task(k, ks).sp === 0) return true;
    return k.mm.free + k.mm.reserve > this.halfMin;
  }

  /**
   * [5.2.1] mm/vmscan.c: throttle_direct_reclaim — kernel threads (PF_KTHREAD)
   * are never throttled; otherwise, when allow_direct_reclaim() is false, a
   * caller without __GFP_FS sleeps at most HZ
   * (wait_event_interruptible_timeout → `schedule_timeout`), a caller with
   * __GFP_FS sleeps killable and unbounded until kswapd wakes pfmemalloc_wait
   * with the condition true (wait_event_killable → `schedule`). Returns the
   * sleep frame, or null when the task is not throttled.
   */
  throttleKind(k: KState, v: Task, gfp: Gfp): 'schedule' | 'schedule_timeout' | null {
    if (v.flags & PF_KTHREAD || this.allowDirectReclaim(k)) return null;
    return gfp & __GFP_FS ? 'schedule' : 'schedule_timeout';
  }

  /**
   * May a task sleeping in throttle_direct_reclaim go on? The unbounded
   * (__GFP_FS) sleep ends only when kswapd wakes pfmemalloc_wait: at the top of
   * a balance_pgdat iteration when allow_direct_reclaim() holds, or when it
   * goes back to sleep (prepare_kswapd_sleep wakes every waiter; the model's
   * kswapd sleeps only when balanced or hopeless, where the condition holds).
   * A kswapd blocked inside a shrinker wakes nobody. The bounded sleep ends by
   * its timeout in any case.
   */
  throttleReleased(k: KState, sleep: 'schedule' | 'schedule_timeout'): boolean {
    if (sleep === 'schedule_timeout') return true;
    const ks = this.kswapdTask();
    if (!ks) return true;
    const kv = this.task(k, ks);
    if (kv.sp === 0) return true;
    return top(kv)!.fn === 'balance_pgdat' && this.allowDirectReclaim(k);
  }

  /**
   * The step of a task sleeping in throttle_direct_reclaim: when released,
   * try_to_free_pages goes on into do_try_to_free_pages (LRU choice `lru`).
   */
  throttleStep(k: KState, t: TaskRef, lru: number): KState | undefined {
    const v = this.task(k, t);
    const f = top(v);
    if (!f || (f.fn !== 'schedule' && f.fn !== 'schedule_timeout') || v.stack[v.sp - 2]?.fn !== 'throttle_direct_reclaim') return undefined;
    if (!this.throttleReleased(k, f.fn)) return undefined;
    if (!this.validLru(k, lru)) return undefined;
    const k2 = this.updTask(k, t, (x) => pop(x, 2));
    const gfp = this.task(k2, t).stack[this.task(k2, t).sp - 1].gfp;
    return this.reclaimPass(k2, t, gfp, lru);
  }

  /** The kswapd task, when modelled. */
  kswapdTask(): TaskRef | null {
    return this.refs().kswapd;
  }

  private findKswapd(): TaskRef | null {
    const d = this.daemons.findIndex((x) => x.role === 'kswapd');
    return d < 0 ? null : { d };
  }

  /**
   * [5.2.1] mm/vmscan.c: wakeup_kswapd — wakes a sleeping kswapd when the
   * request has __GFP_KSWAPD_RECLAIM and the node is not balanced (here: no
   * free page). kswapd then runs balance_pgdat.
   */
  wakeKswapd(k: KState, gfp: Gfp): KState {
    if ((gfp & __GFP_KSWAPD_RECLAIM) === 0 || k.mm.free > 0) return k;
    return this.wakeKswapdTask(k);
  }

  /** Wakes kswapd if it sleeps (wake_up_interruptible(&pgdat->kswapd_wait)). */
  wakeKswapdTask(k: KState): KState {
    const kt = this.kswapdTask();
    if (!kt || this.task(k, kt).sp !== 0) return k;
    return this.pushFrames(k, kt, [
      { fn: 'kswapd', at: 0 },
      { fn: 'balance_pgdat', at: 0, gfp: GFP_KERNEL },
    ]);
  }

  /**
   * One step of kswapd ([5.2.1] mm/vmscan.c: kswapd → balance_pgdat): when the
   * node is balanced (a free page) or reclaim can change nothing, it goes back
   * to sleep (kswapd_try_to_sleep; repeated failures make it "hopeless");
   * otherwise one pass of kswapd_shrink_node → shrink_node with
   * sc.gfp_mask = GFP_KERNEL under its permanent PF_MEMALLOC: one clean LRU
   * page (choice `lru`) and every shrinker — with __GFP_FS, so XFS inode
   * reclaim can block kswapd in xfs_buf_iowait.
   */
  kswapdStep(k: KState, t: TaskRef, lru: number): KState | undefined {
    const v = this.task(k, t);
    const f = top(v);
    if (!f || f.fn !== 'balance_pgdat') return undefined;
    const sleep = k.mm.free > 0 || !this.reclaimCouldProgress(k, GFP_KERNEL);
    if (sleep) return lru === -1 ? this.updTask(k, t, (x) => pop(x, x.sp)) : undefined;
    if (!this.validLru(k, lru)) return undefined;
    const k2 = this.pushFrames(k, t, [{ fn: 'kswapd_shrink_node' }, { fn: 'shrink_node' }, { fn: 'shrink_slab', n: 0 }]);
    return this.shrinkNode(k2, t, GFP_KERNEL, lru);
  }

  /**
   * shrink_node: shrink_node_memcg frees one clean page-cache page from the LRU
   * (choice `lru`, -1: none), then shrink_slab runs every shrinker. When a page
   * was freed and a shrinker would allocate (XFS reading an uncached cluster
   * buffer under PF_MEMALLOC), shrink_slab is a step of its own: between the
   * two, other tasks may take the freed page (the freelist is shared), and the
   * shrinker's allocation then dips into the reserves. Otherwise the pass is one
   * step: the freed page is then only a count that the shrinkers do not read.
   */
  private shrinkNode(k: KState, t: TaskRef, gfp: Gfp, lru: number): KState {
    if (lru < 0) return this.runShrinkers(k, t, gfp, 0);
    const fs = this.layers[lru] as FsLayer;
    const pc = fs.pages(k);
    const k2 = this.freePage(fs.setPages(k, { ...pc, clean: pc.clean - 1 }));
    if (this.shrinkerList.some((s) => s.allocates?.(k2, gfp))) return k2; // shrink_slab is the next step (shrinkSlabStep)
    return this.runShrinkers(k2, t, gfp, 0);
  }

  /** The shrink_slab step of a pass split by shrinkNode (top frame shrink_slab, no shrinker run yet). */
  shrinkSlabStep(k: KState, t: TaskRef): KState | undefined {
    const f = top(this.task(k, t));
    if (!f || f.fn !== 'shrink_slab' || f.n !== 0) return undefined;
    return this.shrinkSlabContinue(k, t);
  }

  /**
   * __alloc_pages_direct_reclaim → __perform_reclaim (sets PF_MEMALLOC via
   * memalloc_noreclaim_save) → try_to_free_pages (sc.gfp_mask =
   * current_gfp_context(gfp)) → do_try_to_free_pages → shrink_node:
   * - LRU: one clean, unmapped page-cache page is freed (shrink_page_list);
   *   dirty file pages are never written by direct reclaim and pages under
   *   writeback are skipped without waiting (global reclaim, §4.4);
   * - shrink_slab: every registered shrinker runs with sc.gfp_mask (§4.5).
   * The non-blocking part runs in one step; a shrinker that blocks leaves its
   * frames on the stack.
   */
  private directReclaim(k: KState, t: TaskRef, gfp: Gfp, lru: number): KState {
    let k2 = this.updTask(k, t, (v) => setFrameN(v, v.sp - 1, 1));
    k2 = this.pushFrames(k2, t, [{ fn: 'try_to_free_pages', gfp, scope: PF_MEMALLOC }]);
    return this.reclaimPass(k2, t, gfp, lru);
  }

  /** do_try_to_free_pages → shrink_node: one clean LRU page (choice `lru`) and every shrinker, under try_to_free_pages. */
  private reclaimPass(k: KState, t: TaskRef, gfp: Gfp, lru: number): KState {
    const k2 = this.pushFrames(k, t, [
      { fn: 'do_try_to_free_pages' },
      { fn: 'shrink_node' },
      { fn: 'shrink_slab', n: 0 },
    ]);
    return this.shrinkNode(k2, t, gfp, lru);
  }

  private runShrinkers(k: KState, t: TaskRef, gfp: Gfp, from: number): KState {
    let k2 = k;
    for (let i = from; i < this.shrinkerList.length; i++) {
      const r = this.shrinkerList[i].scan(k2, t, gfp);
      k2 = r.k;
      if (r.blocked) {
        return this.updTask(k2, t, (v) => setFrameN(v, findFrame(v, 'shrink_slab'), i + 1));
      }
    }
    return this.finishReclaim(k2, t);
  }

  /** A blocking shrinker finished (its frames popped down to shrink_slab): run the remaining shrinkers. */
  shrinkSlabContinue(k: KState, t: TaskRef): KState {
    const v = this.task(k, t);
    const f = top(v);
    if (!f || f.fn !== 'shrink_slab') throw new Error(`shrinkSlabContinue with top frame ${f?.fn}`);
    const i = findFrame(v, 'try_to_free_pages');
    const gfp = i >= 0 ? v.stack[i].gfp : GFP_KERNEL; // direct reclaim's sc.gfp_mask, or kswapd's GFP_KERNEL
    return this.runShrinkers(k, t, gfp, f.n);
  }

  /** Reclaim returns to the slow path (PF_MEMALLOC restored); get_page_from_freelist once more. */
  private finishReclaim(k: KState, t: TaskRef): KState {
    if (this.role(t) === 'kswapd') return this.updTask(k, t, (v) => popTo(v, 'balance_pgdat')); // next balance_pgdat step decides
    const k2 = this.updTask(k, t, (v) => popTo(v, '__alloc_pages_slowpath'));
    if (k2.mm.free > 0) return this.allocDone({ ...k2, mm: { ...k2.mm, free: k2.mm.free - 1 } }, t, true);
    return k2;
  }

  // ------------------------------------------------------------------ I/O

  /** The block layer directly below layer i. */
  below(i: number): BlockLayer {
    const l = this.layers[i + 1];
    if (!l || l.kind === 'fs') throw new Error(`no block device below layer ${i}`);
    return l as AnyLayer & BlockLayer;
  }

  /** The filesystem directly below layer i (a file-backed device's backing filesystem). */
  fsBelow(i: number): FsLayer {
    const l = this.layers[i + 1];
    if (!l || l.kind !== 'fs') throw new Error(`no filesystem below layer ${i}`);
    return l as AnyLayer & FsLayer;
  }

  /** A new request issued by task t (its scope travels in the bio when config.bioCarriesScope). */
  newReq(k: KState, t: TaskRef | null, op: 'read' | 'write', src: 'page' | 'inode', fs: number, waiter: TaskRef | null): Req {
    const w = waiter ? this.waiter(waiter) : { ww: null, wd: -1 };
    const scope = this.cfg.bioCarriesScope && t ? this.task(k, t).flags & (PF_MEMALLOC | PF_MEMALLOC_NOFS | PF_MEMALLOC_NOIO) : 0;
    return { op, src, fs, ww: w.ww, wd: w.wd, scope, fresh: false, err: false };
  }

  /** A request completed at the bottom of its path: bio_endio up to the filesystem that issued it. */
  complete(k: KState, req: Req): KState {
    const fs = this.layers[req.fs];
    if (fs.kind !== 'fs') throw new Error(`request from non-filesystem layer ${req.fs}`);
    return fs.endIo(k, req);
  }

  /** Wakes the task waiting on a request (complete(&bp->b_iowait), unlock_page). */
  wakeWaiter(k: KState, req: Req): KState {
    const t: TaskRef | null = req.ww !== null ? { w: req.ww } : req.wd >= 0 ? { d: req.wd } : null;
    return t ? this.updTask(k, t, (v) => ({ ...v, ioDone: true })) : k;
  }

  /** Finds a request anywhere in the block layers or in a daemon's hands. */
  locate(k: KState, match: (r: Req) => boolean): { where: string; tasks: TaskRef[]; irq: boolean } | null {
    for (const l of this.layers) {
      if (l.kind === 'fs') continue;
      const r = (l as AnyLayer & BlockLayer).locate(k, match);
      if (r) return r;
    }
    for (let d = 0; d < this.daemons.length; d++) {
      if (k.kt[d].cmd.op !== 'none' && match(k.kt[d].cmd)) {
        return { where: `being served by ${this.daemons[d].name}`, tasks: [{ d }], irq: false };
      }
    }
    return null;
  }

  idleReq(): Req {
    return NO_REQ;
  }
}

/** [5.2.1] include/linux/sched/mm.h: current_gfp_context. */
export function currentGfpContext(gfp: Gfp, taskFlags: number): Gfp {
  if (taskFlags & PF_MEMALLOC_NOIO) return gfp & ~(__GFP_IO | __GFP_FS);
  if (taskFlags & PF_MEMALLOC_NOFS) return gfp & ~__GFP_FS;
  return gfp;
}

/**
 * [5.2.1] fs/super.c: super_cache_scan wrapped as a shrinker: stops at once
 * without __GFP_FS ("Deadlock avoidance"), otherwise the filesystem's
 * free_cached_objects runs (XFS: xfs_fs_free_cached_objects →
 * xfs_reclaim_inodes_nr).
 */
export function superShrinker(
  fsName: string,
  layer: number,
  cached: (k: KState) => boolean,
  freeCached: (k: KState, t: TaskRef, gfp: Gfp) => { k: KState; blocked: boolean },
  allocates?: (k: KState) => boolean,
): Shrinker {
  return {
    name: `super_cache_scan(${fsName})`,
    layer,
    hasWork: (k, gfp) => (gfp & __GFP_FS) !== 0 && cached(k),
    allocates: (k, gfp) => (gfp & __GFP_FS) !== 0 && (allocates?.(k) ?? false),
    scan: (k, t, gfp) => {
      if ((gfp & __GFP_FS) === 0) return { k, blocked: false }; // SHRINK_STOP
      return freeCached(k, t, gfp);
    },
  };
}

export type { Frame };
