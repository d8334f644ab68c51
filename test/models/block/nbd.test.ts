/**
 * models/block/nbd.ts as unit scenarios (issue 11): single actions on the
 * composed Kernel of xfs/nbd/ext4/ssd, never a search.
 *
 * Layers: 0 xfs, 1 nbd, 2 ext4, 3 ssd.
 */
import { NO_REQ, PF_MEMALLOC_NOIO, Req } from '../../../models/core/task';
import { formatGfp } from '../../../models/mm/gfp';
import { KState } from '../../../models/kernel';
import { composeFixes, findFix } from '../../../specs/fixes';
import { compose, daemon, fns, noFree, topFn } from '../helpers';

const NBD = 1;
const EXT4 = 2;
type Spec = ReturnType<typeof compose>['spec'];
const act = (spec: Spec, name: string) => {
  const a = spec.actions.find((x) => x.name === name);
  if (!a) throw new Error(`no action ${name}`);
  return a;
};
const sock = (k: KState, reqs: Req[]): KState => {
  const cap = (k[`L${NBD}`] as any).sock.q.length;
  const q = [...reqs, ...Array.from({ length: cap - reqs.length }, () => NO_REQ)];
  return { ...k, [`L${NBD}`]: { sock: { q, n: reqs.length } } } as KState;
};
const write: Req = { ...NO_REQ, op: 'write', src: 'page', fs: 0 };

describe('nbd (xfs/nbd/ext4/ssd)', () => {
  it('should queue a submitted bio on the socket without reclaim (sock_xmit under PF_MEMALLOC) and name nbd-server as the one to move it', () => {
    const { K, s0 } = compose({ stack: 'nbd-ext4' });
    const k = K.layers[NBD].kind === 'block' ? (K.layers[NBD] as any).submit(noFree(s0), write, null) : s0;
    expect((k[`L${NBD}`] as any).sock.n).toBe(1);
    expect(k.mm).toEqual(noFree(s0).mm); // no allocation, no reclaim
    const loc = K.locate(k, (r) => r.src === 'page');
    expect(loc?.where).toBe('sent on the nbd socket, waiting for nbd-server');
    expect(loc?.tasks).toEqual([daemon(K, 'nbd-server')]);
  });

  it('should have nbd-server pwrite the export file on ext4 with ext4\'s mapping mask (__GFP_FS kept) and no task flags', () => {
    const { K, s0, spec } = compose({ stack: 'nbd-ext4' });
    const srv = daemon(K, 'nbd-server');
    const k = act(spec, 'nbd_server_handle_request').next(sock(noFree(s0), [write]), srv)!;
    const v = K.task(k, srv);
    expect(v.flags).toBe(0);
    expect(fns(v).slice(0, 3)).toEqual(['ksys_pwrite64', 'vfs_write', 'new_sync_write']);
    expect(fns(v)).toContain('ext4_da_write_begin');
    expect(topFn(v)).toBe('__alloc_pages_slowpath');
    expect(formatGfp(K.allocGfp(v))).toBe('GFP_HIGHUSER_MOVABLE|__GFP_WRITE');
    expect(K.task(k, srv).cmd).toEqual(write);
  });

  it('should complete the bio only after the reply is sent; with no page free the reply may refill its page frag with GFP_KERNEL (the 8d19f1c8e193 trace)', () => {
    const { K, s0, spec } = compose({ stack: 'nbd-ext4', params: { dirty_limit: '0' } }); // no dirty throttling in this scenario
    const srv = daemon(K, 'nbd-server');
    // a free page: pwrite takes it, the reply goes at once and the xfs page ends its writeback
    const s1 = { ...sock(s0, [write]), L0: { ...(s0 as any).L0, pc: { ...(s0 as any).L0.pc, wb: 1 } } } as KState;
    const k1 = act(spec, 'nbd_server_handle_request').next(s1, srv)!;
    expect(K.task(k1, srv).sp).toBe(0);
    expect((k1 as any).L0.pc).toMatchObject({ wb: 0, clean: 1 });
    expect((k1 as any)[`L${EXT4}`].pc.dirty).toBe(1);
    // the same with the last page taken by the pwrite: the reply is a step of its own
    const s2 = { ...s1, mm: { ...s1.mm, free: 1 } } as KState;
    const k2 = act(spec, 'nbd_server_handle_request').next(s2, srv)!;
    expect(fns(K.task(k2, srv))).toEqual(['nbd_server_send_reply']);
    expect((k2 as any).L0.pc.wb).toBe(1); // not completed yet
    const send = act(spec, 'nbd_server_send_reply');
    const k3 = send.next(k2, { t: srv, alloc: true })!;
    const v3 = K.task(k3, srv);
    expect(fns(v3)).toEqual(['nbd_server_send_reply', 'vfs_write', 'sock_write_iter', 'sock_sendmsg', 'tcp_sendmsg_locked', 'sk_page_frag_refill', '__alloc_pages_nodemask', '__alloc_pages_slowpath']);
    expect(formatGfp(K.allocGfp(v3))).toBe('GFP_KERNEL');
    const k4 = send.next(k2, { t: srv, alloc: false })!;
    expect((k4 as any).L0.pc).toMatchObject({ wb: 0, clean: 1 });
  });

  it('should give nbd-server PF_MEMALLOC_NOIO with io-flusher, so its page-cache and socket allocations drop __GFP_IO|__GFP_FS', () => {
    const { K, s0, spec } = compose({ stack: 'nbd-ext4', config: composeFixes([findFix('io-flusher')!]) });
    const srv = daemon(K, 'nbd-server');
    expect(K.task(s0, srv).flags & PF_MEMALLOC_NOIO).toBe(PF_MEMALLOC_NOIO);
    const k = spec.actions.find((a) => a.name === 'nbd_server_handle_request')!.next(sock(noFree(s0), [write]), srv)!;
    const gfp = K.allocGfp(K.task(k, srv));
    expect(formatGfp(gfp)).not.toMatch(/__GFP_FS|__GFP_IO|GFP_KERNEL|GFP_HIGHUSER/);
    expect(formatGfp(gfp)).toMatch(/__GFP_WRITE/);
  });
});
