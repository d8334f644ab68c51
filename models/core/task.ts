/**
 * Tasks: first-class processes with a call stack of kernel frames, task
 * flags and memalloc scopes.
 *
 * Sources: [5.2.1] include/linux/sched.h (PF_* flags),
 * include/linux/sched/mm.h (`memalloc_nofs_save/restore`,
 * `memalloc_noio_save/restore`, `memalloc_noreclaim_save/restore`).
 *
 * A frame that opens a scope records which flags it set (`set`) and their
 * previous values (`old`); popping it restores `flags = (flags & ~set) | old`,
 * exactly like `memalloc_*_restore(saved)`, so scopes nest and an inner
 * restore never clears an outer scope.
 *
 * @module
 */
import { Gfp } from '../mm/gfp';
import { FrameFn } from './frames';

/** Task flags modelled, [5.2.1] include/linux/sched.h (PF_LOCAL_THROTTLE is the 5.8 name of the same bit). */
export const PF_BITS = [
  'PF_MEMALLOC',
  'PF_KSWAPD',
  'PF_MEMALLOC_NOFS',
  'PF_MEMALLOC_NOIO',
  'PF_LESS_THROTTLE',
  'PF_LOCAL_THROTTLE',
  'PF_KTHREAD',
] as const;
export type TaskFlag = (typeof PF_BITS)[number];
export const pf = (name: TaskFlag): number => 1 << PF_BITS.indexOf(name);
export const PF_MEMALLOC = pf('PF_MEMALLOC');
export const PF_KSWAPD = pf('PF_KSWAPD');
export const PF_MEMALLOC_NOFS = pf('PF_MEMALLOC_NOFS');
export const PF_MEMALLOC_NOIO = pf('PF_MEMALLOC_NOIO');
export const PF_KTHREAD = pf('PF_KTHREAD');
export const PF_LOCAL_THROTTLE = pf('PF_LOCAL_THROTTLE');
export const PF_LESS_THROTTLE = pf('PF_LESS_THROTTLE');
/** The flags a memalloc scope can save and restore. */
export const SCOPE_FLAGS = PF_MEMALLOC | PF_MEMALLOC_NOFS | PF_MEMALLOC_NOIO;

export const flagsOf = (names: readonly TaskFlag[]): number => names.reduce((m, n) => m | pf(n), 0);
export const flagNames = (flags: number): TaskFlag[] => PF_BITS.filter((n) => (flags & pf(n)) !== 0);

/** Roles of tasks in a composed stack. */
export const ROLES = [
  'app-writer',
  'app-reader',
  'flusher',
  'dmz-kworker',
  'tcm_loop-kworker',
  'tcmu-runner',
  'loop-worker',
  'kswapd',
  // issue 10
  'xfsaild',
  'dmz-flush',
  // issue 10, 5.15 profile (xfsInactivation: 'inodegc')
  'xfs-inodegc',
  // issue 11: the userspace I/O servers of nbd and FUSE
  'nbd-server',
  'fuse-daemon',
  'nfsd',
] as const;
export type Role = (typeof ROLES)[number];

/** One kernel frame: function, the layer it runs for, a small phase/index, the effective GFP mask of an allocation frame, and its scope save. */
export interface Frame {
  readonly fn: FrameFn;
  /** Index (top = 0) of the layer this frame acts on, e.g. which superblock super_cache_scan scans. */
  readonly at: number;
  /** Phase or index inside the function (e.g. next shrinker for shrink_slab, lock held for xfs_reclaim_inodes_ag). */
  readonly n: number;
  /** Effective GFP mask (allocation frames only; 0 elsewhere). */
  readonly gfp: Gfp;
  /** Scope flags this frame set on entry (memalloc_*_save). */
  readonly set: number;
  /** Their values before (the `saved` of memalloc_*_restore). */
  readonly old: number;
}

/** An I/O request (bio / SCSI command) travelling down the stack. */
export interface Req {
  readonly op: 'none' | 'read' | 'write';
  /** What completing it does in the filesystem that issued it. */
  readonly src: 'none' | 'page' | 'inode';
  /** Layer index of the filesystem that issued it. */
  readonly fs: number;
  /** Waiting application task (writers domain), or null. */
  readonly ww: number | null;
  /** Waiting kernel/daemon task index, or -1. */
  readonly wd: number;
  /** Submitter's scope flags carried in the bio (only when config.bioCarriesScope). */
  readonly scope: number;
  /** tcmu: the data-area block of this command was populated for it (tcmu_get_empty_block allocated its page), so tcmu-runner has not mapped it yet. */
  readonly fresh: boolean;
  /** tcmu: the command timed out (tcmu_check_expired_cmd) and was already completed with an error; tcmu-runner's later completion is dropped. */
  readonly err: boolean;
}

export const NO_REQ: Req = Object.freeze({ op: 'none', src: 'none', fs: 0, ww: null, wd: -1, scope: 0, fresh: false, err: false });

export interface Task {
  readonly stack: readonly Frame[];
  readonly sp: number;
  readonly flags: number;
  /** Application tasks: syscalls still to issue. */
  readonly todo: number;
  /** Daemons: the request being served. */
  readonly cmd: Req;
  /** The completion this task waits for has happened. */
  readonly ioDone: boolean;
}

export const EMPTY_FRAME: Frame = Object.freeze({ fn: '-', at: 0, n: 0, gfp: 0, set: 0, old: 0 });

/** Reference to a task: an application task (symmetric writers domain) or a kernel/daemon task. */
export type TaskRef = { readonly w: number } | { readonly d: number };
export const isApp = (t: TaskRef): t is { readonly w: number } => 'w' in t;

export function newTask(depth: number, flags: number, todo: number): Task {
  return { stack: Array.from({ length: depth }, () => EMPTY_FRAME), sp: 0, flags, todo, cmd: NO_REQ, ioDone: false };
}

export const top = (t: Task): Frame | undefined => (t.sp > 0 ? t.stack[t.sp - 1] : undefined);
export const frameAt = (t: Task, i: number): Frame | undefined => (i >= 0 && i < t.sp ? t.stack[i] : undefined);

/** A frame to push: function, layer, and optionally phase, GFP and the scope flags it enters. */
export interface FrameSpec {
  readonly fn: FrameFn;
  readonly at?: number;
  readonly n?: number;
  readonly gfp?: Gfp;
  /** Scope flags to save-and-set on entry (e.g. PF_MEMALLOC_NOFS for memalloc_nofs_save). */
  readonly scope?: number;
}

/**
 * The task with a new stack (and its sp and flags), every other field the
 * same: one object literal with the fields in their declared order (a spread
 * `{ ...t, stack, sp, flags }` builds the same record more slowly).
 */
export function withStack(t: Task, stack: readonly Frame[], sp: number, flags: number): Task {
  return { stack, sp, flags, todo: t.todo, cmd: t.cmd, ioDone: t.ioDone };
}

/** `{ ...t, cmd }` as one object literal in the declared field order (as `withStack`). */
export const withCmd = (t: Task, cmd: Req): Task => ({ stack: t.stack, sp: t.sp, flags: t.flags, todo: t.todo, cmd, ioDone: t.ioDone });

/** `{ ...t, ioDone }` as one object literal. */
export const withIoDone = (t: Task, ioDone: boolean): Task => ({ stack: t.stack, sp: t.sp, flags: t.flags, todo: t.todo, cmd: t.cmd, ioDone });

/** `{ ...t, todo }` as one object literal. */
export const withTodo = (t: Task, todo: number): Task => ({ stack: t.stack, sp: t.sp, flags: t.flags, todo, cmd: t.cmd, ioDone: t.ioDone });

/** A frame with phase `n`, every other field as in `f`. */
export const withN = (f: Frame, n: number): Frame => ({ fn: f.fn, at: f.at, n, gfp: f.gfp, set: f.set, old: f.old });

/**
 * Writes `frames` (outermost first) into `stack` from index `sp` with the task
 * flags `flags`, each frame with `scope` performing memalloc_*_save, plus
 * `extra(f)` scope bits per frame (the config's scope rules, core/kernel.ts:
 * pushFrames). Returns the new flags. `stack` must be a copy owned by the caller.
 */
export function pushInto(stack: Frame[], sp: number, flags: number, frames: readonly FrameSpec[], extra?: (f: FrameSpec) => number): number {
  for (let i = 0; i < frames.length; i++) {
    const f = frames[i];
    const set = ((f.scope ?? 0) | (extra === undefined ? 0 : extra(f))) & SCOPE_FLAGS;
    const old = flags & set; // memalloc_*_save: the previous state of the bits
    flags |= set;
    stack[sp + i] = { fn: f.fn, at: f.at ?? 0, n: f.n ?? 0, gfp: f.gfp ?? 0, set, old };
  }
  return flags;
}

/** Pushes frames (outermost first); each frame with `scope` performs memalloc_*_save. */
export function push(t: Task, frames: readonly FrameSpec[], extra?: (f: FrameSpec) => number): Task {
  if (t.sp + frames.length > t.stack.length) {
    throw new Error(`call stack overflow (${t.sp + frames.length} > ${t.stack.length}) pushing ${frames.map((f) => f.fn).join(',')}`);
  }
  const stack = t.stack.slice();
  const flags = pushInto(stack, t.sp, t.flags, frames, extra);
  return withStack(t, stack, t.sp + frames.length, flags);
}

/**
 * pop(t, count) then push(frames) (with the top frame's phase set to `n`
 * first when `n` is given), as one copy of the task: the same task as the
 * composition of those calls.
 */
export function popPush(t: Task, count: number, frames: readonly FrameSpec[], extra?: (f: FrameSpec) => number, topN?: number): Task {
  if (count > t.sp) throw new Error(`call stack underflow popping ${count} of ${t.sp}`);
  const base = t.sp - count;
  if (base + frames.length > t.stack.length) {
    throw new Error(`call stack overflow (${base + frames.length} > ${t.stack.length}) pushing ${frames.map((f) => f.fn).join(',')}`);
  }
  const stack = t.stack.slice();
  const flags0 = popFrom(stack, t.sp, t.flags, count);
  if (topN !== undefined && base > 0) stack[base - 1] = withN(stack[base - 1], topN);
  const flags = pushInto(stack, base, flags0, frames, extra);
  return withStack(t, stack, base + frames.length, flags);
}

/** Pops `count` frames of `stack` (a copy owned by the caller) from `sp`, restoring each scope; returns the flags. */
function popFrom(stack: Frame[], sp: number, flags: number, count: number): number {
  for (let i = 0; i < count; i++) {
    const f = stack[--sp];
    flags = (flags & ~f.set) | f.old; // memalloc_*_restore(saved)
    stack[sp] = EMPTY_FRAME;
  }
  return flags;
}

/** Pops `count` frames, restoring each frame's scope (memalloc_*_restore). */
export function pop(t: Task, count = 1): Task {
  if (count > t.sp) throw new Error(`call stack underflow popping ${count} of ${t.sp}`);
  if (count === 0) return withStack(t, t.stack.slice(), t.sp, t.flags);
  const stack = t.stack.slice();
  const flags = popFrom(stack, t.sp, t.flags, count);
  return withStack(t, stack, t.sp - count, flags);
}

/**
 * `{ ...pop(t, count), cmd, ioDone }` (each field kept when not given) as one
 * copy of the task: the frames popped with their scopes restored, then the
 * request and the completion flag replaced.
 */
export function popWith(t: Task, count: number, cmd: Req = t.cmd, ioDone: boolean = t.ioDone): Task {
  if (count > t.sp) throw new Error(`call stack underflow popping ${count} of ${t.sp}`);
  const stack = t.stack.slice();
  const flags = count === 0 ? t.flags : popFrom(stack, t.sp, t.flags, count);
  return { stack, sp: t.sp - count, flags, todo: t.todo, cmd, ioDone };
}

/** Pops frames down to (and excluding) the innermost frame named `fn`; throws if absent. */
export function popTo(t: Task, fn: FrameFn): Task {
  const i = findFrame(t, fn);
  if (i < 0) throw new Error(`no frame ${fn} on the stack`);
  return pop(t, t.sp - 1 - i);
}

/** Pops frames down to and including the innermost frame named `fn`. */
export function popThrough(t: Task, fn: FrameFn): Task {
  const i = findFrame(t, fn);
  if (i < 0) throw new Error(`no frame ${fn} on the stack`);
  return pop(t, t.sp - i);
}

/** Index of the innermost frame named `fn`, or -1. */
export function findFrame(t: Task, fn: FrameFn, at?: number): number {
  for (let i = t.sp - 1; i >= 0; i--) if (t.stack[i].fn === fn && (at === undefined || t.stack[i].at === at)) return i;
  return -1;
}

/** Replaces the top frame's phase `n`. */
export function setTopN(t: Task, n: number): Task {
  return setFrameN(t, t.sp - 1, n);
}

/** Replaces the phase `n` of frame i. */
export function setFrameN(t: Task, i: number, n: number): Task {
  const stack = t.stack.slice();
  stack[i] = withN(stack[i], n);
  return withStack(t, stack, t.sp, t.flags);
}
