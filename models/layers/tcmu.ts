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
 * cmdr_lock, queue_cmd_ring → tcmu_get_empty_block, uio_event_notify;
 * tcmu_irqcontrol → tcmu_handle_completions); tcmu-runner main.c
 * (tcmur_cmdproc_thread), libtcmu.c (tcmulib_get_next_command,
 * tcmulib_command_complete, tcmulib_processing_complete), file_zbc.c.
 *
 * @module
 */
import { Domain, record } from '../../checker';
import { DaemonDecl, KAction, KState, Kernel, Shrinker } from '../kernel';
import { NO_REQ, Req, TaskRef } from '../task';
import { Queue, dequeue, emptyQueue, enqueue, findInQueue, queueDomain } from './queue';

export class TcmuLayer {
  readonly kind = 'block' as const;
  readonly name = 'tcmu';
  constructor(
    private readonly k: Kernel,
    readonly index: number,
    readonly label: string,
  ) {}

  private get key(): `L${number}` {
    return `L${this.index}`;
  }

  domain(): Domain {
    const qd = queueDomain(this.k.bounds.queue, this.k.layers.length, this.k.daemons.length);
    return record({ work: qd, ring: qd });
  }

  init(): unknown {
    return { work: emptyQueue(this.k.bounds.queue), ring: emptyQueue(this.k.bounds.queue) };
  }

  daemons(): DaemonDecl[] {
    const n = this.k.bounds.tcmuThreads;
    const runners: DaemonDecl[] = Array.from({ length: n }, (_, i) => ({
      role: 'tcmu-runner' as const,
      name: n === 1 ? 'tcmu-runner' : `tcmu-runner/${i}`,
      layer: this.index,
    }));
    return [{ role: 'tcm_loop-kworker', name: 'kworker/tcm_loop', layer: this.index }, ...runners];
  }

  shrinkers(): Shrinker[] {
    return [];
  }

  register(): void {
    // tcmu-runner: pread/pwrite returned → tcmulib_command_complete + tcmulib_processing_complete
    // → write(uio fd) → tcmu_irqcontrol → tcmu_handle_completions → target_complete_cmd → … → bio_endio
    this.k.onSyscallDone('tcmu-runner', (k, t, _ok) => {
      const v = this.k.task(k, t);
      const cmd = v.cmd;
      const k2 = this.k.setTask(k, t, { ...v, cmd: NO_REQ });
      return this.k.complete(k2, cmd);
    });
  }

  private q(k: KState, which: 'work' | 'ring'): Queue {
    return k[this.key][which];
  }

  private setQ(k: KState, which: 'work' | 'ring', qu: Queue): KState {
    return { ...k, [this.key]: { ...k[this.key], [which]: qu } };
  }

  /** sd → scsi_queue_rq → tcm_loop_queuecommand (atomic, GFP_ATOMIC tl_cmd) → queue_work(tcm_loop_workqueue). */
  submit(k: KState, req: Req, _ctx: TaskRef | null): KState {
    return this.setQ(k, 'work', enqueue(this.q(k, 'work'), req, 'tcm_loop workqueue'));
  }

  locate(k: KState, match: (r: Req) => boolean): { where: string; tasks: TaskRef[]; irq: boolean } | null {
    if (findInQueue(this.q(k, 'work'), match) >= 0) {
      return { where: 'queued for the tcm_loop kworker', tasks: this.k.daemonsOf('tcm_loop-kworker', this.index), irq: false };
    }
    if (findInQueue(this.q(k, 'ring'), match) >= 0) {
      return { where: 'in the tcmu command ring', tasks: this.k.daemonsOf('tcmu-runner', this.index), irq: false };
    }
    return null;
  }

  actions(): KAction[] {
    const kworker = this.k.daemonsOf('tcm_loop-kworker', this.index)[0];
    const runners = this.k.daemonsOf('tcmu-runner', this.index);
    const backing = () => this.k.fsBelow(this.index);
    return [
      {
        // tcm_loop_submission_work → target_submit_cmd_map_sgls → tcmu_queue_cmd → queue_cmd_ring → uio_event_notify.
        // tcmu_alloc_cmd / tcmu_get_empty_block (GFP_KERNEL in v5.2) are taken to succeed from slab and the
        // already-populated data area (steady state); their reclaim route is a later addition.
        name: 'tcm_loop_submission_work',
        params: [kworker],
        formatParam: (t: TaskRef) => this.k.taskName(t),
        next: (k: KState, _t: TaskRef) => {
          const qu = this.q(k, 'work');
          if (qu.n === 0) return undefined;
          const [req, rest] = dequeue(qu);
          // a SCSI command in the ring carries no task flags: a bio-carried scope stops here
          return this.setQ(this.setQ(k, 'work', rest), 'ring', enqueue(this.q(k, 'ring'), { ...req, scope: 0 }, 'tcmu ring'));
        },
      },
      {
        // tcmur_cmdproc_thread: tcmulib_get_next_command → zbc_handle_cmd → pread/pwrite on the backing file
        name: 'tcmulib_get_next_command',
        params: runners,
        formatParam: (t: TaskRef) => this.k.taskName(t),
        next: (k: KState, t: TaskRef) => {
          const v = this.k.task(k, t);
          const qu = this.q(k, 'ring');
          if (v.sp !== 0 || v.cmd.op !== 'none' || qu.n === 0) return undefined;
          const [req, rest] = dequeue(qu);
          const k2 = this.k.setTask(this.setQ(k, 'ring', rest), t, { ...v, cmd: req });
          return backing().startIo(k2, t, req.op === 'read' ? 'read' : 'write', 'tcmu', 'regular');
        },
      },
    ];
  }

  format(k: KState): Record<string, unknown> {
    return { tcmLoopWork: this.q(k, 'work').n, ring: this.q(k, 'ring').n };
  }
}
