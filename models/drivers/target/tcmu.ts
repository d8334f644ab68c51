/**
 * tcmu: a SCSI disk emulated in userspace. A bio reaches the sd device on
 * tcm_loop; tcm_loop_queuecommand queues work for the tcm_loop kworker, which
 * runs tcmu_queue_cmd and puts the command in the mmapped command ring; a
 * tcmu-runner handler thread takes it, does pread/pwrite on its backing file
 * (a file in the filesystem below) and completes it. The ZBC file handler
 * (file_zbc.c, nr_threads = 0) runs commands synchronously in the single
 * cmdproc thread: the `tcmu_threads` bound is the number of threads serving
 * the ring (1 = the 2019 setup).
 *
 * Sources: [5.2.1] drivers/target/loopback/tcm_loop.c
 * (tcm_loop_queuecommand: GFP_ATOMIC + queue_work; tcm_loop_submission_work),
 * drivers/target/target_core_user.c (tcmu_queue_cmd → tcmu_alloc_cmd,
 * cmdr_lock, queue_cmd_ring → is_ring_space_avail → tcmu_get_empty_blocks →
 * tcmu_get_empty_block, uio_event_notify; tcmu_irqcontrol →
 * tcmu_handle_completions; tcmu_vma_fault → tcmu_try_get_block_page;
 * tcmu_cmd_timedout → tcmu_unmap_work → check_timedout_devices →
 * tcmu_check_expired_cmd), drivers/uio/uio.c (uio_write → irqcontrol);
 * tcmu-runner main.c (tcmur_cmdproc_thread), libtcmu.c
 * (tcmulib_get_next_command: malloc per command, tcmulib_command_complete,
 * tcmulib_processing_complete), file_zbc.c.
 *
 * Routes (KS §12.3):
 * - (a) `daemon_alloc`: tcmulib_get_next_command's malloc may touch a heap page
 *   not yet resident → an anonymous page fault allocates it
 *   (GFP_HIGHUSER_MOVABLE, masked only by the task's scope); pwrite's copy from
 *   a data-area page tcmu-runner has not mapped yet faults into
 *   tcmu_vma_fault, which takes cmdr_lock (it allocates nothing in v5.2: the
 *   page was allocated by the kernel side);
 * - (d) `tcmu_kernel`: the kworker's tcmu_alloc_cmd (GFP_KERNEL slab objects,
 *   before cmdr_lock) and tcmu_get_empty_block (alloc_page(GFP_KERNEL) under
 *   cmdr_lock when the data area grows) may enter direct reclaim; tcmu-runner
 *   takes cmdr_lock to complete commands (write(uio) → tcmu_irqcontrol);
 * - `cmd_timeout`: the in-flight command timer (default 30 s) fires only when
 *   nothing else can happen; the timeout work needs cmdr_lock.
 *
 * @module
 */
import { Domain, bool } from '../../../checker';
import { DaemonDecl, FsLayer, KAction, KState, LockWait } from '../../kernel';
import { FrameFn } from '../../core/frames';
import { FsBase } from '../../fs/common';
import { NO_REQ, Req, Task, TaskRef, findFrame, pop, popTo, setFrameN, popWith, withCmd } from '../../core/task';
import { Queue, QueueLayer, dequeue, emptyQueue, enqueue, findInQueue, queueDomain } from '../../block/queue';

/** Which allocation of tcmu_queue_cmd needs a new page (a choice of the kworker's step). */
type KworkerAlloc = 'none' | 'tcmu_alloc_cmd' | 'tcmu_get_empty_block';

export class TcmuLayer extends QueueLayer {
  readonly kind = 'block' as const;
  readonly name = 'tcmu';
  /** The tcm_loop workqueue and the tcmu command ring. */
  protected readonly queueNames = ['work', 'ring'];

  protected override otherFields(): { domain: Record<string, Domain>; init: Record<string, unknown> } {
    if (!this.k.bounds.paths.tcmuBatch) return { domain: { timedOut: bool() }, init: { timedOut: false } };
    // issue 10 (tcmu_batch): `done`, ring entries completed by tcmu-runner (tcmulib_command_complete advanced
    // mb->cmd_tail) that the kernel has not reaped yet (no write(uio) since)
    const b = this.k.bounds;
    return {
      domain: { timedOut: bool(), done: queueDomain(b.queue, this.k.layers.length, this.k.daemons.length) },
      init: { timedOut: false, done: emptyQueue(b.queue) },
    };
  }

  override daemons(): DaemonDecl[] {
    const n = this.k.bounds.tcmuThreads;
    const runners: DaemonDecl[] = Array.from({ length: n }, (_, i) => ({
      role: 'tcmu-runner' as const,
      name: n === 1 ? 'tcmu-runner' : `tcmu-runner/${i}`,
      layer: this.index,
    }));
    const w = this.k.bounds.tcmLoopWorkers;
    const kworkers: DaemonDecl[] = Array.from({ length: w }, (_, i) => ({
      role: 'tcm_loop-kworker' as const,
      name: w === 1 ? 'kworker/tcm_loop' : `kworker/tcm_loop/${i}`,
      layer: this.index,
    }));
    return [...kworkers, ...runners];
  }

  private backing(): FsLayer & FsBase {
    return this.k.fsBelow(this.index) as FsLayer & FsBase;
  }

  register(): void {
    // tcmu-runner: pread/pwrite returned → tcmulib_command_complete + tcmulib_processing_complete
    // → write(uio fd) → uio_write → tcmu_irqcontrol: mutex_lock(&udev->cmdr_lock) → tcmu_handle_completions
    this.k.onSyscallDone('tcmu-runner', (k, t, _ok) => {
      if (this.k.bounds.paths.tcmuBatch) return this.batchDone(k, t);
      if (this.cmdrLockHolder(k) === null) return this.completeCmd(k, t);
      return this.announce(k, t);
    });
    // allocation continuations of the kworker and of tcmu-runner's heap fault
    this.k.onAllocDone('tcmu_alloc_cmd', (k, t, ok) => this.afterAllocCmd(k, t, ok));
    this.k.onAllocDone('tcmu_get_empty_block', (k, t, ok) => this.afterEmptyBlock(k, t, ok));
    this.k.onAllocDone('do_anonymous_page', (k, t, ok) => this.afterHeapFault(k, t, ok));
  }

  /** tcmulib_processing_complete → write(uio fd) → uio_write → tcmu_irqcontrol → mutex_lock(&udev->cmdr_lock), held by a kworker: sleep. */
  private announce(k: KState, t: TaskRef): KState {
    return this.k.pushFrames(k, t, [
        { fn: 'tcmulib_processing_complete', at: this.index },
        { fn: 'vfs_write', at: this.index },
        { fn: 'uio_write', at: this.index },
        { fn: 'tcmu_irqcontrol', at: this.index },
        { fn: 'mutex_lock', at: this.index },
      ]);
  }

  /**
   * Issue 10 (`tcmu_batch`), tcmu-runner v1.5.0 (2019-07-30) main.c:
   * tcmur_cmdproc_thread. The handler returned (zbc_handle_cmd is synchronous,
   * file_zbc.c `.nr_threads = 0`), so tcmur_tcmulib_cmd_complete →
   * libtcmu.c: tcmulib_command_complete writes the status into the ring entry
   * and advances mb->cmd_tail: the command is `done` but not announced. The
   * drain loop (`while ((cmd = tcmulib_get_next_command(dev)) != NULL)`) goes
   * on while the ring holds entries; only when it is empty does
   * `if (completed) tcmulib_processing_complete(dev)` write(uio) →
   * tcmu_irqcontrol → tcmu_handle_completions, which reaps every completed
   * entry. An expired command's completion is dropped (the kernel completed it).
   */
  private batchDone(k: KState, t: TaskRef): KState {
    const v = this.k.task(k, t);
    const cmd = v.cmd;
    let k2 = this.k.setTask(k, t, popWith(v, v.sp, NO_REQ));
    if (!cmd.err) k2 = this.setDone(k2, enqueue(this.done(k2), cmd, 'tcmu completed ring entries'));
    if (this.q(k2, 'ring').n > 0) return k2; // back to the drain loop: tcmulib_get_next_command is the next step
    if (this.cmdrLockHolder(k2) === null) return this.reapAll(k2);
    return this.announce(k2, t);
  }

  private done(k: KState): Queue {
    return k[this.key].done;
  }

  private setDone(k: KState, qu: Queue): KState {
    return this.k.setField(k, this.key, 'done', qu);
  }

  /** tcmu_irqcontrol → tcmu_handle_completions (cmdr_lock held): every completed entry, oldest first → target_complete_cmd → … → bio_endio. */
  private reapAll(k: KState): KState {
    const qu = this.done(k);
    let k2 = this.setDone(k, emptyQueue(qu.q.length));
    for (const r of qu.q.slice(0, qu.n)) if (!r.err) k2 = this.k.complete(k2, r);
    return k2;
  }

  /**
   * tcmu_handle_completions → target_complete_cmd → … → bio_endio up to the
   * filesystem; a command that already timed out is only freed.
   */
  private completeCmd(k: KState, t: TaskRef): KState {
    const v = this.k.task(k, t);
    const cmd = v.cmd;
    const k2 = this.k.setTask(k, t, popWith(v, v.sp, NO_REQ));
    return cmd.err ? k2 : this.k.complete(k2, cmd);
  }

  private q(k: KState, which: 'work' | 'ring'): Queue {
    return k[this.key][which];
  }

  private setQ(k: KState, which: 'work' | 'ring', qu: Queue): KState {
    return this.k.setField(k, this.key, which, qu);
  }

  /**
   * A task in mutex_lock(cmdr_lock): tcmu-runner to complete (tcmu_irqcontrol)
   * or to fault in a data-area page (tcmu_vma_fault); with `tcmu_cmdr_lock`, a
   * kworker in tcmu_queue_cmd.
   */
  lockWait(k: KState, v: Task): LockWait | null {
    const holder = this.cmdrLockHolder(k);
    if (holder === null) return null;
    if (findFrame(v, 'tcmu_queue_cmd', this.index) >= 0) {
      // issue 10 (tcmu_cmdr_lock): a kworker in tcmu_queue_cmd's mutex_lock(&udev->cmdr_lock)
      return {
        at: 'mutex_lock(cmdr_lock)',
        waitsFor: `${this.label}'s cmdr_lock to queue its command (tcmu_queue_cmd), held by ${this.k.taskName(holder)} in tcmu_queue_cmd`,
        holder,
        via: 'tcmu_queue_cmd',
      };
    }
    const completing = findFrame(v, 'tcmu_irqcontrol') >= 0;
    return {
      at: 'mutex_lock(cmdr_lock)',
      waitsFor: `${this.label}'s cmdr_lock ${completing ? 'to complete its command (tcmu_irqcontrol)' : 'to fault in a data-area page (tcmu_vma_fault)'}, held by ${this.k.taskName(holder)} in tcmu_queue_cmd`,
      holder,
      via: completing ? 'tcmu_irqcontrol' : 'tcmu_vma_fault',
    };
  }

  /**
   * The task holding cmdr_lock: the kworker inside tcmu_queue_cmd past its
   * mutex_lock (`tcmu_queue_cmd` frame n = 1; n = 2 or 3: waiting for it).
   * Other holders never sleep with it.
   */
  cmdrLockHolder(k: KState): TaskRef | null {
    if (!this.k.bounds.tcmuKernel) return null;
    for (const t of this.k.daemonRefs('tcm_loop-kworker', this.index)) {
      const v = this.k.task(k, t);
      const i = findFrame(v, 'tcmu_queue_cmd', this.index);
      if (i >= 0 && v.stack[i].n === 1) return t;
    }
    return null;
  }

  /** sd → scsi_queue_rq → tcm_loop_queuecommand (atomic, GFP_ATOMIC tl_cmd) → queue_work(tcm_loop_workqueue). */
  submit(k: KState, req: Req, _ctx: TaskRef | null): KState {
    return this.setQ(k, 'work', enqueue(this.q(k, 'work'), req, 'tcm_loop workqueue'));
  }

  locate(k: KState, match: (r: Req) => boolean): { where: string; tasks: TaskRef[]; irq: boolean } | null {
    if (findInQueue(this.q(k, 'work'), match) >= 0) {
      return { where: 'queued for the tcm_loop kworker', tasks: this.k.daemonsOf('tcm_loop-kworker', this.index), irq: false };
    }
    if (findInQueue(this.q(k, 'ring'), (r) => !r.err && match(r)) >= 0) {
      return { where: 'in the tcmu command ring', tasks: this.k.daemonsOf('tcmu-runner', this.index), irq: false };
    }
    if (this.k.bounds.paths.tcmuBatch && findInQueue(this.done(k), (r) => !r.err && match(r)) >= 0) {
      return {
        where: 'completed in the tcmu ring but not announced (tcmu-runner writes to uio only once its batch is drained)',
        tasks: this.k.daemonsOf('tcmu-runner', this.index),
        irq: false,
      };
    }
    return null;
  }

  // ------------------------------------------------------------ kworker

  private static readonly QUEUE_FRAMES: readonly FrameFn[] = ['tcm_loop_submission_work', 'target_submit_cmd_map_sgls', '__target_execute_cmd'];
  /** QUEUE_FRAMES at this layer, built once. */
  private queueFrames: readonly { readonly fn: FrameFn; readonly at: number }[] | undefined;

  /**
   * The kworker's step: tcm_loop_submission_work → target_submit_cmd_map_sgls
   * → … → tcmu_queue_cmd: tcmu_alloc_cmd, mutex_lock(cmdr_lock), queue_cmd_ring
   * (is_ring_space_avail → tcmu_get_empty_blocks → tcmu_get_empty_block), the
   * command enters the ring, uio_event_notify, mutex_unlock. Without
   * `tcmu_kernel` the allocations are taken to succeed without a page and the
   * step is atomic. With it, `alloc` says which allocation needs a new page:
   * none (slab objects and data-area blocks are available), tcmu_alloc_cmd's
   * slab (a new slab page, before cmdr_lock) or tcmu_get_empty_block (the data
   * area grows: alloc_page under cmdr_lock; the block is `fresh`: tcmu-runner
   * has not mapped it). The page itself is not kept by the model (the data
   * area and slab caches are outside the modelled pages): only the allocation,
   * with the reclaim it may run while holding cmdr_lock, is.
   */
  private submissionWork(k: KState, t: TaskRef, alloc: KworkerAlloc): KState | undefined {
    const v = this.k.task(k, t);
    const qu = this.q(k, 'work');
    if (v.sp !== 0 || qu.n === 0) return undefined;
    if (alloc !== 'none' && !this.k.bounds.tcmuKernel) return undefined;
    // a new slab page matters only when no page is free (else the fast path serves it, leaving no trace)
    if (alloc === 'tcmu_alloc_cmd' && k.mm.free > 0) return undefined;
    const [req, rest] = dequeue(qu);
    let k2 = this.setQ(k, 'work', rest);
    const at = this.index;
    const frames = (this.queueFrames ??= Object.freeze(TcmuLayer.QUEUE_FRAMES.map((fn) => Object.freeze({ fn, at }))));
    if (alloc !== 'tcmu_alloc_cmd' && this.cmdrLockBusy(k2)) {
      // issue 10 (tcmu_cmdr_lock): tcmu_alloc_cmd got its objects; mutex_lock(&udev->cmdr_lock) sleeps
      // behind the holder. n = 3: the data area will grow once the lock is taken; n = 2: it will not
      // (the request and the frames as one copy of the task)
      return this.k.pushFramesOn(k2, t, withCmd(v, req), [...frames, { fn: 'tcmu_queue_cmd', at, n: alloc === 'none' ? 2 : 3 }, { fn: 'mutex_lock', at }]);
    }
    if (alloc === 'none') return this.toRing(k2, req, false);
    if (alloc === 'tcmu_alloc_cmd') {
      // tcmu_alloc_cmd: kmem_cache_zalloc(tcmu_cmd_cache, GFP_KERNEL) needs a new slab page (slab frames not shown)
      k2 = this.k.pushFramesOn(k2, t, withCmd(v, req), [...frames, { fn: 'tcmu_queue_cmd', at, n: 0 }, { fn: 'tcmu_alloc_cmd', at }]);
      const r = this.k.startAlloc(k2, t, this.k.effectiveGfp(this.k.task(k2, t).flags, { req: this.k.siteGfp('tcmu_alloc_cmd') }), at);
      return r.ok ? this.afterAllocCmd(r.k, t, true) : r.k;
    }
    // mutex_lock(&udev->cmdr_lock) (free here; without tcmu_cmdr_lock the model assumes so) → queue_cmd_ring → … → alloc_page(GFP_KERNEL)
    k2 = this.k.pushFramesOn(k2, t, withCmd(v, req), [...frames, { fn: 'tcmu_queue_cmd', at, n: 1 }]);
    return this.growDataArea(k2, t);
  }

  /** Holding cmdr_lock (top frame tcmu_queue_cmd, n = 1): queue_cmd_ring → is_ring_space_avail → tcmu_get_empty_blocks → tcmu_get_empty_block: alloc_page. */
  private growDataArea(k: KState, t: TaskRef): KState {
    const at = this.index;
    const k2 = this.k.pushFrames(k, t, [
      { fn: 'queue_cmd_ring', at },
      { fn: 'is_ring_space_avail', at },
      { fn: 'tcmu_get_empty_blocks', at },
      { fn: 'tcmu_get_empty_block', at },
    ]);
    const r = this.k.startAlloc(k2, t, this.k.effectiveGfp(this.k.task(k2, t).flags, { req: this.k.siteGfp('tcmu_get_empty_block') }), at);
    return r.ok ? this.afterEmptyBlock(r.k, t, true) : r.k;
  }

  /** Is cmdr_lock held by a kworker that a kworker about to take it must wait for (only with `tcmu_cmdr_lock`)? */
  private cmdrLockBusy(k: KState): boolean {
    return this.k.bounds.paths.tcmuCmdrLock && this.cmdrLockHolder(k) !== null;
  }

  /** tcmu_alloc_cmd returned: mutex_lock(cmdr_lock), queue_cmd_ring (no new data-area page), unlock. */
  private afterAllocCmd(k: KState, t: TaskRef, ok: boolean): KState {
    const k2 = ok ? this.k.freePage(k) : k; // the slab page stays with the slab cache: not kept by the model
    if (this.cmdrLockBusy(k2)) {
      // issue 10 (tcmu_cmdr_lock): mutex_lock(&udev->cmdr_lock) sleeps behind the holder
      const k3 = this.k.updTask(k2, t, (v) => setFrameN(popTo(v, 'tcmu_queue_cmd'), findFrame(v, 'tcmu_queue_cmd', this.index), 2));
      return this.k.pushFrames(k3, t, [{ fn: 'mutex_lock', at: this.index }]);
    }
    return this.finishQueue(k2, t, false);
  }

  /**
   * A kworker's mutex_lock(cmdr_lock) in tcmu_queue_cmd returned (issue 10,
   * `tcmu_cmdr_lock`): it holds the lock; queue_cmd_ring either finds data-area
   * blocks (n = 2: the command enters the ring, unlock) or grows the data area
   * (n = 3: tcmu_get_empty_block allocates with the lock held).
   */
  private kworkerLocked(k: KState, t: TaskRef, v: Task): KState {
    const i = findFrame(v, 'tcmu_queue_cmd', this.index);
    const grow = v.stack[i].n === 3;
    const k2 = this.k.updTask(k, t, (x) => setFrameN(pop(x, 1), i, 1));
    return grow ? this.growDataArea(k2, t) : this.finishQueue(k2, t, false);
  }

  /** tcmu_get_empty_block got its page: the command enters the ring with a fresh block; mutex_unlock. */
  private afterEmptyBlock(k: KState, t: TaskRef, ok: boolean): KState {
    const k2 = ok ? this.k.freePage(k) : k; // the data-area page is outside the modelled pages
    return this.finishQueue(k2, t, ok);
  }

  private finishQueue(k: KState, t: TaskRef, fresh: boolean): KState {
    const v = this.k.task(k, t);
    const req = v.cmd;
    const k2 = this.k.setTask(k, t, popWith(v, v.sp, NO_REQ));
    return this.toRing(k2, req, fresh);
  }

  /** queue_cmd_ring: the entry is in the ring, uio_event_notify. A SCSI command carries no task flags: a bio-carried scope stops here. */
  private toRing(k: KState, req: Req, fresh: boolean): KState {
    return this.setQ(k, 'ring', enqueue(this.q(k, 'ring'), { ...req, scope: 0, fresh: fresh && this.k.bounds.daemonAlloc }, 'tcmu ring'));
  }

  // ------------------------------------------------------------ tcmu-runner

  /**
   * tcmur_cmdproc_thread: tcmulib_get_next_command takes the oldest ring
   * entry (and mallocs its command; `heapFault`: the malloc touches a heap page
   * that is not resident, which matters only when no page is free), then
   * zbc_handle_cmd does pwrite/pread on the backing file.
   */
  private getNextCommand(k: KState, t: TaskRef, heapFault: boolean): KState | undefined {
    const v = this.k.task(k, t);
    const qu = this.q(k, 'ring');
    if (v.sp !== 0 || v.cmd.op !== 'none' || qu.n === 0) return undefined;
    if (heapFault && (!this.k.bounds.daemonAlloc || k.mm.free > 0)) return undefined;
    const [req, rest] = dequeue(qu);
    const k2 = this.k.setTask(this.setQ(k, 'ring', rest), t, withCmd(v, req));
    if (!heapFault) return this.handleCmd(k2, t);
    const at = this.index;
    // malloc() → (user page fault) do_page_fault → handle_mm_fault → do_anonymous_page →
    // alloc_zeroed_user_highpage_movable → alloc_pages_vma (inline wrappers not shown)
    const k3 = this.k.pushFrames(k2, t, [
      { fn: 'tcmulib_get_next_command', at },
      { fn: 'do_page_fault', at },
      { fn: 'handle_mm_fault', at },
      { fn: 'do_anonymous_page', at },
    ]);
    const r = this.k.startAlloc(k3, t, this.k.effectiveGfp(this.k.task(k3, t).flags, { req: this.k.siteGfp('tcmur_malloc_fault') }), at);
    return r.ok ? this.afterHeapFault(r.k, t, true) : r.k;
  }

  /** The heap page was faulted in (its page is part of the daemon's resident heap, outside the modelled pages); handle the command. */
  private afterHeapFault(k: KState, t: TaskRef, ok: boolean): KState {
    const k2 = ok ? this.k.freePage(k) : k;
    return this.handleCmd(this.k.updTask(k2, t, (v) => pop(v, v.sp)), t);
  }

  /**
   * zbc_handle_cmd: pwrite of a write command first faults in its source, the
   * data-area page; a fresh block is not mapped in tcmu-runner yet, so the
   * copy faults: generic_perform_write → iov_iter_fault_in_readable → … →
   * tcmu_vma_fault → tcmu_try_get_block_page → mutex_lock(cmdr_lock). A read
   * command copies into the data area at the end of pread, right before its
   * completion takes cmdr_lock again; that fault is folded into the
   * completion's lock.
   */
  private handleCmd(k: KState, t: TaskRef): KState {
    const req = this.k.task(k, t).cmd;
    const op = req.op === 'read' ? 'read' : 'write';
    if (op === 'write' && req.fresh) {
      const at = this.index;
      const fs = this.backing();
      const k2 = this.k.pushFrames(k, t, [
        ...fs.faultInFrames().map((fn) => ({ fn, at: fs.index })),
        { fn: 'do_page_fault', at },
        { fn: 'handle_mm_fault', at },
        { fn: '__do_fault', at },
        { fn: 'tcmu_vma_fault', at },
        { fn: 'tcmu_try_get_block_page', at },
      ]);
      if (this.cmdrLockHolder(k2) !== null) return this.k.pushFrames(k2, t, [{ fn: 'mutex_lock', at }]);
      return this.startIo(this.k.updTask(k2, t, (v) => pop(v, v.sp)), t);
    }
    return this.startIo(k, t);
  }

  private startIo(k: KState, t: TaskRef): KState {
    const op = this.k.task(k, t).cmd.op === 'read' ? 'read' : 'write';
    return this.backing().startIo(k, t, op, 'tcmu', 'regular');
  }

  /** mutex_lock(cmdr_lock) returned (the kworker released it): the fault maps the page, or the completion runs. */
  private cmdrLocked(k: KState, t: TaskRef, v: Task): KState {
    if (findFrame(v, 'tcmu_irqcontrol', this.index) >= 0) {
      if (this.k.bounds.paths.tcmuBatch) return this.reapAll(this.k.updTask(k, t, (x) => pop(x, x.sp)));
      return this.completeCmd(k, t);
    }
    return this.startIo(this.k.updTask(k, t, (x) => pop(x, x.sp)), t);
  }

  // ------------------------------------------------------------ timeout

  /**
   * tcmu_cmd_timedout → tcmu_unmap_work → check_timedout_devices takes
   * cmdr_lock → tcmu_check_expired_cmd: the oldest outstanding command (the
   * one a runner serves, else the ring's head) is marked expired and completed
   * to the initiator with CHECK CONDITION (LUN communication failure). The
   * model assumes the initiator fails the bio (no retry), so the filesystem
   * that issued it sees an I/O error: a page write ends its writeback, a page
   * read unlocks the page (the reader gets EIO), an inode buffer I/O wakes the
   * reclaimer (XFS shuts down on a metadata write error). The model records
   * the error (`timedOut`) and lets the run go on as after any completion; what
   * a shut-down XFS does next is not modelled. Returns undefined when no
   * command is outstanding or cmdr_lock is held.
   */
  timeout(k: KState): KState | undefined {
    if (this.cmdrLockHolder(k) !== null) return undefined;
    if (this.k.bounds.paths.tcmuBatch) {
      // issue 10: an entry completed in the ring but not reaped is the oldest outstanding command
      const d = this.done(k);
      const i = findInQueue(d, (r) => !r.err);
      if (i >= 0) {
        const q = d.q.slice();
        q[i] = { ...q[i], err: true }; // reaped (and dropped) by the next write(uio)
        return this.k.complete(this.k.withVar(k, this.key, { ...k[this.key], done: { q, n: d.n }, timedOut: true }), d.q[i]);
      }
    }
    for (const t of this.k.daemonsOf('tcmu-runner', this.index)) {
      const v = this.k.task(k, t);
      if (v.cmd.op !== 'none' && !v.cmd.err) {
        const k2 = this.k.setTask(k, t, { ...v, cmd: { ...v.cmd, err: true } });
        return this.k.complete(this.k.withVar(k2, this.key, { ...k2[this.key], timedOut: true }), v.cmd);
      }
    }
    const ring = this.q(k, 'ring');
    const i = findInQueue(ring, (r) => !r.err);
    if (i < 0) return undefined;
    const q = ring.q.slice();
    const req = q[i];
    q[i] = { ...req, err: true }; // the entry stays in the ring; tcmu-runner's completion of it is dropped
    return this.k.complete(this.k.withVar(k, this.key, { ...k[this.key], ring: { q, n: ring.n }, timedOut: true }), req);
  }

  timedOut(k: KState): boolean {
    return k[this.key].timedOut;
  }

  actions(): KAction[] {
    const kworkers = this.k.daemonsOf('tcm_loop-kworker', this.index);
    const runners = this.k.daemonsOf('tcmu-runner', this.index);
    const allocs: KworkerAlloc[] = this.k.bounds.tcmuKernel ? ['none', 'tcmu_alloc_cmd', 'tcmu_get_empty_block'] : ['none'];
    const params = kworkers.flatMap((t) => allocs.map((a) => ({ t, a })));
    const actions: KAction[] = [
      {
        name: 'tcm_loop_submission_work',
        params,
        formatParam: (x: { t: TaskRef; a: KworkerAlloc }) =>
          `${this.k.taskName(x.t)}${x.a === 'none' ? '' : x.a === 'tcmu_alloc_cmd' ? ', tcmu_alloc_cmd needs a new slab page' : ', the data area grows: tcmu_get_empty_block allocates a page'}`,
        when: { task: (x: { t: TaskRef; a: KworkerAlloc }) => x.t, frames: ['-'] },
        next: (k: KState, x: { t: TaskRef; a: KworkerAlloc }) => this.submissionWork(k, x.t, x.a),
      },
      {
        // tcmur_cmdproc_thread: tcmulib_get_next_command → zbc_handle_cmd → pread/pwrite on the backing file
        name: 'tcmulib_get_next_command',
        params: runners,
        formatParam: (t: TaskRef) => this.k.taskName(t),
        when: { task: (t: TaskRef) => t, frames: ['-'] },
        next: (k: KState, t: TaskRef) => this.getNextCommand(k, t, false),
      },
    ];
    if (this.k.bounds.daemonAlloc) {
      actions.push({
        name: 'tcmulib_get_next_command+malloc_fault',
        params: runners,
        formatParam: (t: TaskRef) => `${this.k.taskName(t)}, malloc touches a heap page that is not resident`,
        when: { task: (t: TaskRef) => t, frames: ['-'] },
        next: (k: KState, t: TaskRef) => this.getNextCommand(k, t, true),
      });
    }
    if (this.k.bounds.tcmuKernel) {
      actions.push(
        this.k.sleeperAction('mutex_lock(cmdr_lock)', 'mutex_lock', this.index, (k) => this.cmdrLockHolder(k) === null, (k, t, v) => this.cmdrLocked(k, t, v), runners),
      );
    }
    if (this.k.bounds.paths.tcmuCmdrLock) {
      // issue 10: tcmu_queue_cmd's mutex_lock(&udev->cmdr_lock) returns once the holder released it
      actions.push(
        this.k.sleeperAction('tcmu_queue_cmd: mutex_lock(cmdr_lock)', 'mutex_lock', this.index, (k) => this.cmdrLockHolder(k) === null, (k, t, v) => this.kworkerLocked(k, t, v), kworkers),
      );
    }
    return actions;
  }

  format(k: KState): Record<string, unknown> {
    const holder = this.cmdrLockHolder(k);
    return {
      tcmLoopWork: this.q(k, 'work').n,
      ring: this.q(k, 'ring').n,
      ...(this.k.bounds.tcmuKernel ? { cmdrLock: holder === null ? 'free' : this.k.taskName(holder) } : {}),
      ...(this.k.bounds.paths.tcmuBatch ? { unannounced: this.done(k).n } : {}),
      ...(this.timedOut(k) ? { timedOut: true } : {}),
    };
  }
}

