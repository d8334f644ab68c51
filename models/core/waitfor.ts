/**
 * The wait-for graph, derived from the state (never stored): each blocked
 * task waits for exactly one thing, and that thing is released only when some
 * task(s) act — or by hardware (a disk completes on its own).
 *
 * @module
 */
import { Kernel, KState } from '../kernel';
import { FrameFn } from './frames';
import { Req, Task, TaskRef, isApp, top } from './task';

export interface WaitInfo {
  /** Kernel function the task waits in. */
  readonly at: string;
  /** What it waits for, in words. */
  readonly waitsFor: string;
  /** Tasks that must act to release it (empty when only hardware must). */
  readonly on: readonly TaskRef[];
  /** Hardware (a disk) will release it without any task. */
  readonly irq: boolean;
  /**
   * How the task got there, when that names the route: the allocation that
   * entered direct reclaim (the caller of its __alloc_pages_nodemask, e.g.
   * pagecache_get_page, do_anonymous_page, tcmu_get_empty_block) or, for
   * cmdr_lock, the path that takes it (tcmu_irqcontrol, tcmu_vma_fault).
   */
  readonly via?: string;
}

export interface CycleEntry {
  readonly task: string;
  readonly role: string;
  readonly waitsFor: string;
  readonly at: string;
  /** See WaitInfo.via. */
  readonly via?: string;
  /** The next task in the cycle (whose progress this one needs). */
  readonly next: string;
}

const sameWaiter = (K: Kernel, t: TaskRef) => {
  const w = K.waiter(t);
  return (r: Req) => r.ww === w.ww && r.wd === w.wd;
};

function describeLoc(K: Kernel, loc: { where: string; tasks: TaskRef[]; irq: boolean } | null): string {
  if (!loc) return 'nowhere (lost)';
  if (loc.irq) return `${loc.where} (the device completes it)`;
  const who = loc.tasks.map((x) => K.taskName(x)).join(' or ');
  return `${loc.where} (only ${who} can move it on)`;
}

/** Where the oldest in-flight page I/O is, or which flushers still have dirty pages to write. */
function pageIo(K: Kernel, k: KState, loc: { where: string; tasks: TaskRef[]; irq: boolean } | null): string {
  if (loc) return `the oldest page I/O is ${describeLoc(K, loc)}`;
  const flushers = K.fsLayers()
    .filter((f) => f.pages(k).dirty > 0)
    .flatMap((f) => K.daemonsOf('flusher', f.index).map((t) => K.taskName(t)));
  return flushers.length ? `no page I/O in flight yet: dirty pages wait for ${flushers.join(' and ')}` : 'no page I/O in flight';
}

/**
 * Tasks whose progress could give memory back: the servers of the oldest page
 * I/O (its completion makes a page clean, hence reclaimable), the servers of
 * an inode cluster buffer I/O (its completion releases the reclaimer that
 * holds the buffer page), the flushers of filesystems with dirty pages, tasks
 * that would reclaim once released from throttle_direct_reclaim, and kswapd.
 */
function memoryReleasers(K: Kernel, k: KState): { on: TaskRef[]; loc: { where: string; tasks: TaskRef[]; irq: boolean } | null } {
  const loc = K.locate(k, (r) => r.src === 'page');
  const on: TaskRef[] = [...(loc?.tasks ?? [])];
  const ino = K.locate(k, (r) => r.src === 'inode');
  if (ino) on.push(...ino.tasks);
  for (const fs of K.fsLayers()) if (fs.pages(k).dirty > 0) on.push(...K.daemonsOf('flusher', fs.index));
  for (const t of K.allTasks()) {
    const v = K.task(k, t);
    if (v.sp >= 2 && top(v)!.fn === 'schedule' && v.stack[v.sp - 2].fn === 'throttle_direct_reclaim') on.push(t);
  }
  const ks = K.kswapdTask();
  if (ks && K.task(k, ks).sp > 0) on.push(ks);
  return { on, loc: loc ?? ino };
}

/** Allocation wrappers skipped when naming the allocation that entered reclaim. */
const ALLOC_WRAPPERS = new Set<string>(['mempool_alloc', 'bio_alloc_bioset']);

/**
 * The allocation through which task v entered direct reclaim (the caller of
 * the __alloc_pages_nodemask below its try_to_free_pages), or, for a task
 * waiting in the slow path, of its innermost allocation. Null for kswapd and
 * for tasks not allocating.
 */
export function reclaimEntry(v: Task): string | undefined {
  let alloc = -1;
  for (let i = 0; i < v.sp; i++) {
    if (v.stack[i].fn === 'try_to_free_pages') {
      alloc = i - 2;
      break;
    }
  }
  if (alloc < 0) for (let i = v.sp - 1; i >= 0; i--) if (v.stack[i].fn === '__alloc_pages_nodemask') { alloc = i; break; }
  if (alloc < 0 || v.stack[alloc]?.fn !== '__alloc_pages_nodemask') return undefined;
  for (let i = alloc - 1; i >= 0; i--) if (!ALLOC_WRAPPERS.has(v.stack[i].fn)) return v.stack[i].fn;
  return undefined;
}

/** What task t is blocked on, or null when it can act or is idle. */
export function waitOf(K: Kernel, k: KState, t: TaskRef): WaitInfo | null {
  const w = waitOf0(K, k, t);
  if (!w || w.via) return w;
  const via = reclaimEntry(K.task(k, t));
  return via ? { ...w, via } : w;
}

function waitOf0(K: Kernel, k: KState, t: TaskRef): WaitInfo | null {
  const v = K.task(k, t);
  const f = top(v);
  if (!f) return null;
  const label = K.layers[f.at]?.label ?? '?';
  switch (f.fn as FrameFn) {
    case 'wait_for_completion': {
      if (v.ioDone) return null;
      const w = sameWaiter(K, t);
      let op = 'write';
      const loc = K.locate(k, (r) => {
        const m = r.src === 'inode' && w(r);
        if (m) op = r.op;
        return m;
      });
      return {
        at: 'xfs_buf_iowait',
        waitsFor: `completion of the ${label} inode cluster buffer ${op} it submitted, ${describeLoc(K, loc)}`,
        on: loc?.tasks ?? [],
        irq: loc?.irq ?? false,
      };
    }
    case 'io_schedule': {
      if (v.ioDone) return null;
      const w = sameWaiter(K, t);
      const loc = K.locate(k, (r) => r.src === 'page' && r.op === 'read' && w(r));
      return {
        at: 'wait_on_page_locked_killable',
        waitsFor: `the ${label} page read it submitted, ${describeLoc(K, loc)}`,
        on: loc?.tasks ?? [],
        irq: loc?.irq ?? false,
      };
    }
    case 'io_schedule_timeout': {
      if (!K.dirtyThrottled(k, f.at, v.flags)) return null;
      // global dirty drops only when some page writeback completes (or dirty pages are written)
      const loc = K.locate(k, (r) => r.src === 'page' && r.op === 'write');
      const on: TaskRef[] = [...(loc?.tasks ?? [])];
      for (const fs of K.fsLayers()) if (fs.pages(k).dirty > 0) on.push(...K.daemonsOf('flusher', fs.index));
      return {
        at: 'balance_dirty_pages',
        waitsFor: `global dirty+writeback (${K.globalDirty(k)} pages) to drop below the dirty limit (${K.dirtyThresholds(k, v.flags).thresh}) or ${label}'s own dirty pages to be written; ${pageIo(K, k, loc)}`,
        on,
        irq: loc?.irq ?? false,
      };
    }
    case 'mutex_lock': {
      const w = K.layers[f.at]?.lockWait?.(k, v);
      if (!w) return null;
      return { at: w.at, waitsFor: w.waitsFor, on: [w.holder], irq: false, ...(w.via ? { via: w.via } : {}) };
    }
    case 'schedule': {
      // throttle_direct_reclaim: wait_event_killable(pgdat->pfmemalloc_wait, allow_direct_reclaim(pgdat))
      if (K.throttleReleased(k, 'schedule')) return null;
      const ks = K.kswapdTask()!;
      const kw = waitOf(K, k, ks);
      return {
        at: 'throttle_direct_reclaim',
        waitsFor:
          `kswapd to wake pfmemalloc_wait with free pages above half the min watermark (free ${k.mm.free} + reserve ${k.mm.reserve} pages); ` +
          (kw ? `kswapd0 is blocked in ${kw.at}` : 'kswapd0 is reclaiming'),
        on: [ks],
        irq: false,
      };
    }
    case 'congestion_wait': {
      // xfs_buf_allocate_memory: alloc_page failed under PF_MEMALLOC (no reserves); retried after congestion_wait
      if (k.mm.free + k.mm.reserve > 0) return null;
      const r = memoryReleasers(K, k);
      return {
        at: 'xfs_buf_allocate_memory',
        waitsFor: `a free page for the ${label} inode cluster buffer: the reserves below the min watermark are used up; ${pageIo(K, k, r.loc)}`,
        on: r.on,
        irq: r.loc?.irq ?? false,
      };
    }
    case '__alloc_pages_slowpath': {
      const choices = [-1, ...K.layers.map((_, i) => i)];
      if (choices.some((c) => K.slowpath(k, t, c) !== undefined)) return null;
      // nothing to reclaim: memory comes back only when in-flight I/O completes (or dirty pages are written)
      const r = memoryReleasers(K, k);
      return {
        at: '__alloc_pages_slowpath',
        waitsFor: `a free page: nothing is reclaimable and every page is dirty or under I/O; ${pageIo(K, k, r.loc)}`,
        on: r.on,
        irq: r.loc?.irq ?? false,
      };
    }
    default: {
      // issue 10: waits a layer explains itself (the XFS log and xfsaild, dm-zoned's workers)
      const w = K.layers[f.at]?.frameWait?.(k, v, t);
      return w ? { at: w.at, waitsFor: w.waitsFor, on: [...w.on], irq: w.irq } : null;
    }
  }
}

/** The first wait-for cycle, following each blocked task's first blocked successor (another task before itself); null when there is none. */
export function findCycle(K: Kernel, k: KState): CycleEntry[] | null {
  const tasks = K.allTasks();
  const key = (t: TaskRef) => (isApp(t) ? `w${t.w}` : `d${t.d}`);
  const waits = new Map<string, WaitInfo | null>();
  const wait = (t: TaskRef) => {
    const kk = key(t);
    if (!waits.has(kk)) waits.set(kk, waitOf(K, k, t));
    return waits.get(kk)!;
  };
  // kernel tasks first: a cycle through the daemons is the root cause, application tasks hang off it
  const order = [...tasks.filter((t) => !isApp(t)), ...tasks.filter(isApp)];
  for (const start of order) {
    if (!wait(start)) continue;
    const path: TaskRef[] = [];
    const seen = new Map<string, number>();
    let cur: TaskRef | undefined = start;
    while (cur && !seen.has(key(cur))) {
      const w = wait(cur);
      if (!w || w.irq) break;
      seen.set(key(cur), path.length);
      path.push(cur);
      // An OR-wait (I/O any of several workers can move on) names another blocked
      // mover before the task itself: a self-loop would hide the other worker
      // whose being blocked is what makes this a deadlock.
      const self: TaskRef = cur;
      cur = w.on.find((x) => key(x) !== key(self) && wait(x) !== null) ?? w.on.find((x) => wait(x) !== null);
    }
    if (cur && seen.has(key(cur))) {
      const cyc = path.slice(seen.get(key(cur))!);
      return cyc.map((t, i) => {
        const w = wait(t)!;
        return { task: K.taskName(t), role: K.role(t), waitsFor: w.waitsFor, at: w.at, ...(w.via ? { via: w.via } : {}), next: K.taskName(cyc[(i + 1) % cyc.length]) };
      });
    }
  }
  return null;
}

/** The three categories of a deadlock class (docs/routes.md, "Categories"). */
export type DeadlockCategory = 'exhaustion' | 'recursion' | 'lock';

/**
 * Wait points at which a task waits for a free page (an allocator that loops).
 * Not `mempool_alloc(xfs_ioend_bioset)` (issue 10, flusher_block): a mempool
 * waiter sleeps until an element comes back, which an in-flight write's
 * completion guarantees (mm/mempool.c: mempool_alloc → io_schedule_timeout;
 * mempool_free): a wait for I/O, not for reclaimable memory.
 */
const MEMORY_WAITS = new Set(['__alloc_pages_slowpath', 'xfs_buf_allocate_memory']);

/**
 * The category of a deadlock from the wait points of its tasks (the `at` of
 * each cycle entry, i.e. the `role@at` parts of the class; a function of the
 * class alone):
 * - `exhaustion`: some task waits for a free page — in __alloc_pages_slowpath
 *   with nothing reclaimable for its mask and no OOM kill possible (NOFS/NOIO,
 *   or no victim), or for a reserve page in xfs_buf_allocate_memory. More
 *   memory, or another task's OOM kill, would break the cycle.
 * - `lock`: otherwise, when every wait is a lock acquisition (isLockWait): a
 *   cycle of lock waits.
 * - `recursion`: otherwise: the cycle closes through a wait on I/O (or on
 *   kswapd, on dirty writeback, on log space, on a mempool element) that only
 *   the tasks of the cycle can complete — in these models every such cycle
 *   has a task in reclaim (xfs_buf_iowait in the XFS shrinker,
 *   pag_ici_reclaim_lock held by a reclaimer, throttle_direct_reclaim on a
 *   blocked kswapd; issue 10: xlog_grant_head_wait in eviction's
 *   xfs_inactive, xfs_iflock / xfs_reclaim_inode(delay) in inode reclaim,
 *   with xfsaild@xfs_buf_iowait, dmz_flush_metadata, dmz_lock_metadata and
 *   mutex_lock(cmdr_lock) as the links that hold the reclaimer's I/O back) or
 *   is closed by dirty throttling (balance_dirty_pages).
 */
export function categoryOf(ats: readonly string[]): DeadlockCategory {
  if (ats.some((a) => MEMORY_WAITS.has(a))) return 'exhaustion';
  if (ats.length > 0 && ats.every(isLockWait)) return 'lock';
  return 'recursion';
}

/**
 * Wait points that are sleeping lock acquisitions: every `mutex_lock(…)`
 * (cmdr_lock, pag_ici_reclaim_lock) and dm-zoned's `dmz_lock_metadata`
 * (down_read(&zmd->mblk_sem), [5.2.1] dm-zoned-metadata.c; issue 10,
 * dmz_block). Not lock waits, though named after locks: `xfs_iflock` (the
 * inode flush lock is held until xfsaild's buffer write completes: a wait for
 * I/O) and `xfs_reclaim_inode(delay)` (the buffer lock xfsaild holds across
 * its delayed-write I/O: a retry until the write completes).
 */
export function isLockWait(at: string): boolean {
  return at.startsWith('mutex_lock') || at === 'dmz_lock_metadata';
}
