/**
 * loop: a block device backed by a file. loop_queue_rq queues the request
 * for the loop worker kthread, which reads or writes the backing file with
 * vfs_iter_read/vfs_iter_write (buffered) and completes the request.
 *
 * Sources ([5.2.1] drivers/block/loop.c): loop_set_fd (backing mapping mask
 * without __GFP_IO|__GFP_FS), loop_prepare_queue / loop_kthread_worker_fn
 * (worker flags: PF_LESS_THROTTLE only; 5.3 d0a255e795ab adds
 * PF_MEMALLOC_NOIO), loop_queue_rq → kthread_queue_work, loop_queue_work →
 * loop_handle_cmd → do_req_filebacked → lo_write_simple / lo_read_simple.
 *
 * @module
 */
import { DaemonDecl, KAction, KState } from '../kernel';
import { NO_REQ, Req, TaskRef, popWith, withCmd } from '../core/task';
import { Queue, QueueLayer, dequeue, enqueue, findInQueue } from './queue';

export class LoopLayer extends QueueLayer {
  readonly kind = 'block' as const;
  readonly name = 'loop';
  protected readonly queueNames = ['q'];

  override daemons(): DaemonDecl[] {
    return [{ role: 'loop-worker', name: 'loop0', layer: this.index }];
  }

  register(): void {
    // do_req_filebacked returned → blk_mq_complete_request → lo_complete_rq → bio_endio
    this.k.onSyscallDone('loop-worker', (k, t, _ok) => {
      const v = this.k.task(k, t);
      const cmd = v.cmd;
      // leave a bio-carried scope frame, if any (memalloc_*_restore)
      const k2 = this.k.setTask(k, t, popWith(v, v.sp, NO_REQ));
      return this.k.complete(k2, cmd);
    });
  }

  private q(k: KState): Queue {
    return k[this.key].q;
  }

  /** loop_queue_rq → loop_queue_work → kthread_queue_work(&lo->worker). */
  submit(k: KState, req: Req, _ctx: TaskRef | null): KState {
    return this.k.withVar(k, this.key, { q: enqueue(this.q(k), req, 'loop worker queue') });
  }

  locate(k: KState, match: (r: Req) => boolean): { where: string; tasks: TaskRef[]; irq: boolean } | null {
    return findInQueue(this.q(k), match) >= 0
      ? { where: 'queued for the loop worker', tasks: this.k.daemonsOf('loop-worker', this.index), irq: false }
      : null;
  }

  actions(): KAction[] {
    const worker = this.k.daemonsOf('loop-worker', this.index)[0];
    return [
      {
        name: 'loop_queue_work',
        params: [worker],
        formatParam: (t: TaskRef) => this.k.taskName(t),
        when: { task: (t: TaskRef) => t, frames: ['-'] },
        next: (k: KState, t: TaskRef) => {
          const v = this.k.task(k, t);
          const qu = this.q(k);
          if (v.sp !== 0 || v.cmd.op !== 'none' || qu.n === 0) return undefined;
          const [req, rest] = dequeue(qu);
          let k2 = this.k.setTask(this.k.withVar(k, this.key, { q: rest }), t, withCmd(v, req));
          // proposed: the submitter's scope travels in the bio; the worker enters it while serving it
          if (req.scope) k2 = this.k.pushFrames(k2, t, [{ fn: 'loop_kthread_worker_fn', at: this.index, scope: req.scope }]);
          k2 = this.k.fsBelow(this.index).startIo(k2, t, req.op === 'read' ? 'read' : 'write', 'loop', 'loop-backing');
          return k2;
        },
      },
    ];
  }

  format(k: KState): Record<string, unknown> {
    return { queued: this.q(k).n };
  }
}
