/**
 * nbd: a block device served by a userspace server over a socket. Here the
 * server runs on the same host and keeps the export in a file on the
 * filesystem below (`xfs/nbd/ext4/ssd`): the shape of tcmu-runner, without
 * the ring.
 *
 * Kernel side ([5.2.1] drivers/block/nbd.c, kernel-semantics-stacks.md §2.1):
 * - nbd_queue_rq → nbd_handle_cmd → nbd_send_cmd → sock_xmit runs in the
 *   dispatching task (the submitter, or kblockd for a BLK_MQ_F_BLOCKING
 *   queue); sock_xmit wraps the send in memalloc_noreclaim_save() (PF_MEMALLOC)
 *   and the socket allocates GFP_NOIO | __GFP_MEMALLOC: it never enters
 *   reclaim, so the send is one atomic step (the request is `in the socket`);
 * - recv_work on the knbd-recv workqueue reads the reply (nbd_read_stat →
 *   sock_xmit, again PF_MEMALLOC) and calls blk_mq_complete_request. It never
 *   waits for memory, so it is folded into the server's reply: the request
 *   completes when the server's reply has been sent;
 * - the request timeout (30 s by default, nbd_xmit_timeout) is not modelled:
 *   a stuck server becomes an I/O error after 30 s in 5.2 (KS-stacks §2.1).
 *
 * Server side (nbd-server, commit 6a75cb1d of 2019, KS-stacks §2.2):
 * handle_request → rawexpwrite → pwrite(fhandle) / rawexpread → pread on the
 * export file, buffered (no O_DIRECT), then the reply: send_reply → write(2)
 * on the TCP socket → sock_write_iter → sock_sendmsg → tcp_sendmsg_locked →
 * sk_page_frag_refill(sk, pfrag), which refills the task's page frag with
 * sk->sk_allocation = GFP_KERNEL ([5.2.1] net/core/sock.c: sock_init_data,
 * sk_page_frag_refill; net/ipv4/tcp.c: tcp_sendmsg_locked) — the frame of the
 * trace in 8d19f1c8e193's commit message. With `daemon_alloc=1` the reply may
 * need a new page (a choice, only when no page is free); the server has no
 * task flags (no prctl) unless a fix gives them (`io-flusher`).
 *
 * @module
 */
import { DaemonDecl, FsLayer, KAction, KState } from '../kernel';
import { FsBase } from '../fs/common';
import { NO_REQ, Req, TaskRef, pop, popWith, withCmd } from '../core/task';
import { Queue, QueueLayer, dequeue, enqueue, findInQueue } from './queue';

export class NbdLayer extends QueueLayer {
  readonly kind = 'block' as const;
  readonly name = 'nbd';
  /** Requests sent on the socket (sock_xmit done), not yet taken by the server. */
  protected readonly queueNames = ['sock'];

  override daemons(): DaemonDecl[] {
    // nbd-server handles requests in a glib thread pool (genconf.threads); the model has one thread
    return [{ role: 'nbd-server', name: 'nbd-server', layer: this.index }];
  }

  private backing(): FsLayer & FsBase {
    return this.k.fsBelow(this.index) as FsLayer & FsBase;
  }

  private q(k: KState): Queue {
    return k[this.key].sock;
  }

  register(): void {
    // rawexpwrite/rawexpread returned: send the reply (send_reply → write(2) on the socket)
    this.k.onSyscallDone('nbd-server', (k, t, _ok) => this.reply(k, t, false));
    // the reply's page frag was allocated (or the allocation failed: the send returns -ENOMEM after
    // sk_stream_wait_memory; the model lets the reply through, the page itself is not kept)
    this.k.onAllocDone('sk_page_frag_refill', (k, t, ok) => this.replySent(ok ? this.k.freePage(k) : k, t));
  }

  /** nbd_queue_rq → nbd_handle_cmd → nbd_send_cmd → sock_xmit (PF_MEMALLOC, GFP_NOIO|__GFP_MEMALLOC socket): the request is on the socket. */
  submit(k: KState, req: Req, _ctx: TaskRef | null): KState {
    return this.k.withVar(k, this.key, { sock: enqueue(this.q(k), req, 'nbd socket') });
  }

  locate(k: KState, match: (r: Req) => boolean): { where: string; tasks: TaskRef[]; irq: boolean } | null {
    return findInQueue(this.q(k), match) >= 0
      ? { where: 'sent on the nbd socket, waiting for nbd-server', tasks: this.k.daemonsOf('nbd-server', this.index), irq: false }
      : null;
  }

  /** nbd-server: read the request from the socket (its buffer is malloc'd: not modelled), then pwrite/pread on the export file. */
  private handleRequest(k: KState, t: TaskRef): KState | undefined {
    const v = this.k.task(k, t);
    const qu = this.q(k);
    if (v.sp !== 0 || v.cmd.op !== 'none' || qu.n === 0) return undefined;
    const [req, rest] = dequeue(qu);
    const k2 = this.k.setTask(this.k.withVar(k, this.key, { sock: rest }), t, withCmd(v, req));
    return this.backing().startIo(k2, t, req.op === 'read' ? 'read' : 'write', 'nbd', 'regular');
  }

  /**
   * The I/O on the export file returned. The reply is either sent at once (the
   * task's page frag has room, or a page is free) or, with `daemon_alloc` and
   * no page free, its page frag refill allocates with the socket's mask
   * (GFP_KERNEL, masked by the server's scope): nbd_server_send_reply →
   * sock_write_iter → sock_sendmsg → tcp_sendmsg_locked → sk_page_frag_refill.
   * `needPage` is that choice; it is offered as a separate step (nbdReply).
   */
  private reply(k: KState, t: TaskRef, _needPage: boolean): KState {
    const v = this.k.task(k, t);
    // leave the syscall frames; the request stays in cmd until the reply is sent
    const k2 = this.k.setTask(k, t, pop(v, v.sp));
    if (!this.k.bounds.daemonAlloc || k2.mm.free > 0) return this.replySent(k2, t);
    // no page free: the reply's page frag needs a new page, or (a choice) the frag still has room
    return this.k.pushFrames(k2, t, [{ fn: 'nbd_server_send_reply', at: this.index, n: 1 }]);
  }

  /** The reply is on the socket: recv_work (knbd-recv, PF_MEMALLOC) reads it → blk_mq_complete_request → bio_endio. */
  private replySent(k: KState, t: TaskRef): KState {
    const v = this.k.task(k, t);
    const cmd = v.cmd;
    const k2 = this.k.setTask(k, t, popWith(v, v.sp, NO_REQ));
    return this.k.complete(k2, cmd);
  }

  /** The pending reply (frame nbd_server_send_reply, n = 1): `alloc` says whether the page frag needs a new page. */
  private sendReply(k: KState, t: TaskRef, alloc: boolean): KState | undefined {
    const v = this.k.task(k, t);
    if (v.sp !== 1 || v.stack[0].fn !== 'nbd_server_send_reply' || v.stack[0].at !== this.index || v.stack[0].n !== 1) return undefined;
    if (!alloc) return this.replySent(k, t);
    const at = this.index;
    let k2 = this.k.updTask(k, t, (x) => ({ ...x, stack: x.stack.map((f, i) => (i === 0 ? { ...f, n: 0 } : f)) }));
    k2 = this.k.pushFrames(k2, t, [
      { fn: 'vfs_write', at },
      { fn: 'sock_write_iter', at },
      { fn: 'sock_sendmsg', at },
      { fn: 'tcp_sendmsg_locked', at },
      { fn: 'sk_page_frag_refill', at },
    ]);
    const r = this.k.startAlloc(k2, t, this.k.effectiveGfp(this.k.task(k2, t).flags, { req: this.k.siteGfp('nbd_sk_page_frag_refill') }), at);
    return r.ok ? this.replySent(this.k.freePage(r.k), t) : r.k;
  }

  actions(): KAction[] {
    const servers = this.k.daemonsOf('nbd-server', this.index);
    const actions: KAction[] = [
      {
        // nbd-server: handle_request → rawexpwrite / rawexpread on the export file
        name: 'nbd_server_handle_request',
        params: servers,
        formatParam: (t: TaskRef) => this.k.taskName(t),
        next: (k: KState, t: TaskRef) => this.handleRequest(k, t),
      },
    ];
    if (this.k.bounds.daemonAlloc) {
      actions.push({
        // send_reply → write(2): the reply fits the task's page frag, or the frag is refilled with a new page
        name: 'nbd_server_send_reply',
        params: servers.flatMap((t) => [false, true].map((alloc) => ({ t, alloc }))),
        formatParam: (x: { t: TaskRef; alloc: boolean }) => `${this.k.taskName(x.t)}${x.alloc ? ', sk_page_frag_refill allocates a page (GFP_KERNEL)' : ''}`,
        next: (k: KState, x: { t: TaskRef; alloc: boolean }) => this.sendReply(k, x.t, x.alloc),
      });
    }
    return actions;
  }

  format(k: KState): Record<string, unknown> {
    return { socket: this.q(k).n };
  }
}
