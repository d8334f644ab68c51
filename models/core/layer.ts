/**
 * What a layer of a stack provides to the composed kernel: the filesystem and
 * block-device contracts, its daemons, actions, shrinkers and lock waits.
 *
 * @module
 */
import type { Domain } from '../../checker';
import { FsName } from './config';
import type { Gfp } from '../mm/gfp';
import type { KState } from './kernel';
import { Req, Role, Task, TaskRef } from './task';
import type { FrameFn } from './frames';

/** Per-filesystem page-cache counters (pages). */
export interface PageCache {
  readonly clean: number;
  readonly dirty: number;
  /** Under writeback (PageWriteback). */
  readonly wb: number;
  /** Locked, being read (not uptodate). */
  readonly locked: number;
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
export type Via = 'app' | 'tcmu' | 'loop' | 'nbd' | 'fuse' | 'nfsd';

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
  fileClosed(k: KState, op: 'read' | 'write', t?: TaskRef): KState;
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
  domain(): Domain;
  init(): unknown;
  daemons(): DaemonDecl[];
  actions(): KAction[];
  shrinkers(): Shrinker[];
  /** Readable state of this layer for formatState. */
  format(k: KState): Record<string, unknown>;
  /** The mutex a task sleeping in this layer's mutex_lock frame waits for (null: it is free), for the wait-for graph. */
  lockWait?(k: KState, v: Task): LockWait | null;
  /** Other waits of this layer (issue 10: the XFS log and xfsaild, dm-zoned's workers), read off the task's top frame; null: not blocked there. */
  frameWait?(k: KState, v: Task, t: TaskRef): FrameWait | null;
};

/** A task sleeping in mutex_lock: the lock (`at`, e.g. `mutex_lock(cmdr_lock)`), why in words, its holder, and the path that takes it. */
/** A wait read off a task's top frame by its layer (AnyLayer.frameWait): the fields of the wait-for graph's WaitInfo. */
export interface FrameWait {
  readonly at: string;
  readonly waitsFor: string;
  /** Tasks that must act to release it. */
  readonly on: readonly TaskRef[];
  /** Hardware will release it without any task. */
  readonly irq: boolean;
}

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
  /**
   * Where the step can happen, for the spec's dispatch (checker Spec.dispatch):
   * the instance for parameter `p` can fire only while the task `task(p)` has
   * one of `frames` as its innermost frame ('-': no frame, the task is idle or
   * between syscalls). `next` must return undefined everywhere else; the
   * engine checks that on its sample of states (MC206). Omit: the step is
   * tried in every state.
   */
  readonly when?: { readonly task: (p: P) => TaskRef; readonly frames: readonly FrameFn[] };
}
