/**
 * The wait-for graph, derived from the state (never stored): each blocked
 * task waits for exactly one thing, and that thing is released only when some
 * task(s) act — or by hardware (a disk completes on its own).
 *
 * @module
 */
import { Kernel, KState } from './kernel';
import { XfsLayer } from './layers/xfs';
import { FrameFn } from './frames';
import { Req, TaskRef, isApp, top } from './task';

export interface WaitInfo {
  /** Kernel function the task waits in. */
  readonly at: string;
  /** What it waits for, in words. */
  readonly waitsFor: string;
  /** Tasks that must act to release it (empty when only hardware must). */
  readonly on: readonly TaskRef[];
  /** Hardware (a disk) will release it without any task. */
  readonly irq: boolean;
}

export interface CycleEntry {
  readonly task: string;
  readonly role: string;
  readonly waitsFor: string;
  readonly at: string;
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

/** What task t is blocked on, or null when it can act or is idle. */
export function waitOf(K: Kernel, k: KState, t: TaskRef): WaitInfo | null {
  const v = K.task(k, t);
  const f = top(v);
  if (!f) return null;
  const label = K.layers[f.at]?.label ?? '?';
  switch (f.fn as FrameFn) {
    case 'wait_for_completion': {
      if (v.ioDone) return null;
      const w = sameWaiter(K, t);
      const loc = K.locate(k, (r) => r.src === 'inode' && w(r));
      return {
        at: 'xfs_buf_iowait',
        waitsFor: `completion of the ${label} inode cluster buffer write it submitted, ${describeLoc(K, loc)}`,
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
      if (!K.dirtyThrottled(k, f.at)) return null;
      // global dirty drops only when some page writeback completes (or dirty pages are written)
      const loc = K.locate(k, (r) => r.src === 'page' && r.op === 'write');
      const on: TaskRef[] = [...(loc?.tasks ?? [])];
      for (const fs of K.fsLayers()) if (fs.pages(k).dirty > 0) on.push(...K.daemonsOf('flusher', fs.index));
      return {
        at: 'balance_dirty_pages',
        waitsFor: `global dirty+writeback (${K.globalDirty(k)} pages) to drop below the dirty limit (${K.bounds.dirtyLimit}) or ${label}'s own dirty pages to be written; ${pageIo(K, k, loc)}`,
        on,
        irq: loc?.irq ?? false,
      };
    }
    case 'mutex_lock': {
      const holder = (K.layers[f.at] as unknown as XfsLayer).lockHolder(k);
      if (holder === null) return null;
      return {
        at: 'mutex_lock(pag_ici_reclaim_lock)',
        waitsFor: `${label}'s pag_ici_reclaim_lock, held by ${K.taskName(holder)} in xfs_reclaim_inodes_ag`,
        on: [holder],
        irq: false,
      };
    }
    case '__alloc_pages_slowpath': {
      const choices = [-1, ...K.layers.map((_, i) => i)];
      if (choices.some((c) => K.slowpath(k, t, c) !== undefined)) return null;
      // nothing to reclaim: memory comes back only when in-flight page I/O completes (or dirty pages are written)
      const dirty = K.fsLayers().filter((x) => x.pages(k).dirty > 0);
      const loc = K.locate(k, (r) => r.src === 'page');
      const on: TaskRef[] = [...(loc?.tasks ?? [])];
      for (const fs of dirty) on.push(...K.daemonsOf('flusher', fs.index));
      return {
        at: '__alloc_pages_slowpath',
        waitsFor: `a free page: nothing is reclaimable and every page is dirty or under I/O; ${pageIo(K, k, loc)}`,
        on,
        irq: loc?.irq ?? false,
      };
    }
    default:
      return null;
  }
}

/** The first wait-for cycle, following each blocked task's first blocked successor; null when there is none. */
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
      cur = w.on.find((x) => wait(x) !== null);
    }
    if (cur && seen.has(key(cur))) {
      const cyc = path.slice(seen.get(key(cur))!);
      return cyc.map((t, i) => {
        const w = wait(t)!;
        return { task: K.taskName(t), role: K.role(t), waitsFor: w.waitsFor, at: w.at, next: K.taskName(cyc[(i + 1) % cyc.length]) };
      });
    }
  }
  return null;
}
