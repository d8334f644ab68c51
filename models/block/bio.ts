/**
 * Request plumbing between the layers of a stack ([5.2.1] block/blk-core.c:
 * submit_bio hands a bio to the device below; block/bio.c: bio_endio runs the
 * completion of the filesystem that issued it and wakes its waiter).
 *
 * @module
 */
import { KernelCore, KState } from '../core/kernel';
import type { AnyLayer, BlockLayer, FsLayer } from '../core/layer';
import { NO_REQ, PF_MEMALLOC, PF_MEMALLOC_NOFS, PF_MEMALLOC_NOIO, Req, TaskRef, withIoDone } from '../core/task';

/** The kernel core with the I/O plumbing layers use to submit and complete requests. */
export class BlockKernel extends KernelCore {
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
    // issue 10: a block layer's own request (dm-zoned's metadata write, dmz_block) completes to that layer
    if (fs.kind !== 'fs' && !(fs as { endIo?: unknown }).endIo) throw new Error(`request from non-filesystem layer ${req.fs}`);
    return (fs as unknown as FsLayer).endIo(k, req);
  }

  /** Wakes the task waiting on a request (complete(&bp->b_iowait), unlock_page). */
  wakeWaiter(k: KState, req: Req): KState {
    const t: TaskRef | null = req.ww !== null ? { w: req.ww } : req.wd >= 0 ? { d: req.wd } : null;
    return t ? this.updTask(k, t, (v) => withIoDone(v, true)) : k;
  }

  /** Finds a request anywhere in the block layers or in a daemon's hands. */
  locate(k: KState, match: (r: Req) => boolean): { where: string; tasks: TaskRef[]; irq: boolean } | null {
    for (const l of this.layers) {
      // a filesystem holds no requests, except one whose server is a daemon (issue 11: FUSE's request queue)
      if (l.kind === 'fs' && !(l as { locate?: unknown }).locate) continue;
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
