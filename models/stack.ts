/**
 * Stack composition: parses `xfs/dm-zoned/tcmu/ext4/ssd`, validates it,
 * composes the layers with the mm core and a workload into one Spec.
 *
 * @module
 */
import { Domain, Spec, array, bits, bool, int, mapOf, record, enumOf } from '../checker';
import { KernelConfig, resolveConfig } from './core/config';
import { FRAME_NAMES } from './core/frames';
import { scopeIndex } from './core/kernel';
import { formatGfp } from './mm/gfp';
import { AnyLayer, Bounds, KAction, KState, Kernel } from './kernel';
import { DiskLayer } from './block/disk';
import { DmZonedLayer } from './md/dm-zoned';
import { Ext4Layer } from './fs/ext4';
import { LoopLayer } from './block/loop';
import { reqDomain } from './block/queue';
import { TcmuLayer } from './drivers/target/tcmu';
import { XfsLayer } from './fs/xfs';
import { RemapLayer } from './block/remap';
import type { RemapLayerDecl } from './block/remap';
import { NbdLayer } from './block/nbd';
import { FuseLayer } from './fs/fuse';
import { NfsLayer } from './fs/nfs';
import { CycleEntry, categoryOf, findCycle, waitOf } from './core/waitfor';
import { Frame, PF_BITS, Task, TaskRef, flagNames, flagsOf, isApp, newTask, withTodo } from './core/task';

/** An invalid stack, workload or parameter; the message says exactly what is wrong. */
export class StackError extends Error {
  override name = 'StackError';
}

export interface StackOptions {
  /** Layers top to bottom separated by `/`, e.g. `xfs/dm-zoned/tcmu/ext4/ssd`. */
  stack: string;
  workload?: 'write' | 'read';
  /** `--param key=value` pairs (see listParams). */
  params?: Record<string, string>;
  /** Kernel mechanism deltas (fixes) on top of v5.2. */
  config?: Partial<KernelConfig>;
  /** Layers declared by layer modules (`--layer ./dm-linear.ts`), usable by name in `stack`: remapping block layers (block/remap.ts). */
  layers?: readonly RemapLayerDecl[];
  /**
   * Optional read tracking (specs/verify/reads.ts, `verify`'s shared
   * searches): applied to the resolved KernelConfig, to the parsed params and
   * to the config's scope rules by frame (core/kernel.ts: scopeIndex)
   * before anything reads them; it must return an object that reads exactly
   * as the one given (e.g. a read-recording proxy).
   */
  track?: <T extends object>(name: 'config' | 'params' | 'scopes', value: T) => T;
}

type LayerKind = 'fs' | 'block' | 'disk';
interface LayerInfo {
  readonly name: string;
  readonly kind: LayerKind;
  readonly description: string;
  /** Block device whose data lives in a file of the filesystem below. */
  readonly fileBacked?: boolean;
  /** Presents a zoned block device. */
  readonly zoned?: boolean;
  /** Needs a zoned device directly below. */
  readonly needsZoned?: boolean;
  /** Zoned exactly when the device below it is (a remapping layer of a layer module). */
  readonly passesZoned?: boolean;
  /** A filesystem whose server keeps its data in a file of the filesystem directly below (issue 11: fuse). */
  readonly servedFromFile?: boolean;
}

const LAYERS: readonly LayerInfo[] = [
  { name: 'xfs', kind: 'fs', description: 'XFS: NOFS page-cache mapping; v5.2 inode reclaim flushes dirty inodes and waits (xfs_bwrite → xfs_buf_iowait)' },
  { name: 'ext4', kind: 'fs', description: 'ext4: default GFP_HIGHUSER_MOVABLE mapping (__GFP_FS set); ext4_da_write_begin allocates before the journal handle' },
  { name: 'dm-zoned', kind: 'block', needsZoned: true, description: 'dm-zoned target: dmz_map in the submitter, chunk work on a kworker, GFP_NOIO allocations' },
  { name: 'tcmu', kind: 'block', fileBacked: true, zoned: true, description: 'tcm_loop + tcmu: commands go through a kworker to the ring; tcmu-runner (ZBC file handler) serves them with pread/pwrite on a backing file' },
  { name: 'loop', kind: 'block', fileBacked: true, description: 'loop device: a worker kthread reads/writes the backing file (mapping without __GFP_IO|__GFP_FS)' },
  { name: 'nbd', kind: 'block', fileBacked: true, description: 'nbd device: requests go over a socket (sock_xmit under PF_MEMALLOC) to a userspace nbd-server that pwrite/preads its export file and replies' },
  { name: 'fuse', kind: 'fs', servedFromFile: true, description: 'FUSE (writeback cache): writeback copies each page to a GFP_NOFS temporary page and ends its writeback at once; a userspace daemon pwrites the data into its file on the filesystem below' },
  { name: 'nfs', kind: 'fs', servedFromFile: true, description: 'NFS client mounting an export of the local nfsd (loopback); nfsd writes into the filesystem below in its own context; UNSTABLE pages wait for a COMMIT' },
  { name: 'ssd', kind: 'disk', description: 'SSD: requests complete in hardware' },
  { name: 'zoned', kind: 'disk', zoned: true, description: 'zoned (ZBC) disk: requests complete in hardware; acceptable below dm-zoned' },
];

const NAMED_STACKS = [
  { name: 'report-2019', stack: 'xfs/dm-zoned/tcmu/ext4/ssd', description: 'the 2019 report: XFS on dm-zoned on a tcmu-runner ZBC disk whose backing file is on ext4' },
  { name: 'xfs-backend', stack: 'xfs/dm-zoned/tcmu/xfs/ssd', description: 'the same with the backing file on XFS, which the reporter saw not deadlock' },
  { name: 'loop-ext4', stack: 'xfs/loop/ext4/ssd', description: 'the loopback variant the reporter tried: XFS on a loop device backed by an ext4 file' },
  { name: 'ext4-ssd', stack: 'ext4/ssd', description: 'plain ext4 on an SSD' },
  { name: 'xfs-ssd', stack: 'xfs/ssd', description: 'plain XFS on an SSD' },
  // issue 11: the catalogue's stacks (docs/catalogue.md)
  { name: 'nbd-ext4', stack: 'xfs/nbd/ext4/ssd', description: 'XFS on an nbd device whose userspace nbd-server keeps the export in a file on ext4 (the case of PR_SET_IO_FLUSHER, 8d19f1c8e193)' },
  { name: 'fuse-ext4', stack: 'fuse/ext4/ssd', description: 'a FUSE mount (writeback cache) whose daemon keeps the data in a file on ext4' },
  { name: 'nfs-loopback', stack: 'nfs/ext4/ssd', description: 'loopback NFS: an NFS client mounting the local nfsd\'s export of an ext4 filesystem' },
];

interface ParamInfo {
  readonly name: string;
  readonly default: string;
  readonly description: string;
  readonly min: number;
  readonly max: number;
}

const PARAMS: readonly ParamInfo[] = [
  { name: 'writers', default: '1', min: 1, max: 4, description: 'application tasks doing the workload on the top filesystem (a symmetric domain)' },
  { name: 'ios', default: '4', min: 1, max: 6, description: 'read/write syscalls (one page, one file each) per application task' },
  { name: 'pages', default: '2', min: 1, max: 8, description: 'pages above the min watermark for the free list and the page cache (file pages); the top XFS\'s inode cluster buffer page, anon_pages and slab_pages come on top' },
  { name: 'reserve', default: '1', min: 0, max: 4, description: 'pages below the min watermark, usable only with PF_MEMALLOC (ALLOC_NO_WATERMARKS)' },
  { name: 'dirty_limit', default: '1', min: 0, max: 8, description: 'route (c): the dirty limit in pages (the vm.dirty_bytes form) at which balance_dirty_pages throttles a writer, used when dirty_ratio=0 (0: no dirty throttling)' },
  { name: 'dirty_ratio', default: '0', min: 0, max: 100, description: 'vm.dirty_ratio: the dirty limit as a percentage of dirtyable memory (free + file LRU + 1), rounded down as domain_dirty_limits does (v5.2); 0 = use dirty_limit pages' },
  { name: 'background_ratio', default: '10', min: 0, max: 100, description: 'vm.dirty_background_ratio (percent of dirtyable memory; with dirty_ratio > 0); halved limit when >= the dirty limit' },
  { name: 'wb_share', default: '100', min: 0, max: 100, description: "a wb's share (percent) of recent writeback completions: wb_thresh = floor(limit * share / 100), which PF_LOCAL_THROTTLE's free-run ceiling uses (with dirty_ratio > 0)" },
  { name: 'anon_pages', default: '0', min: 0, max: 4, description: 'anonymous pages of a background process, held from the start; a __GFP_FS allocation with nothing reclaimable OOM-kills it (out_of_memory, v5.2) and its pages are freed' },
  { name: 'slab_pages', default: '0', min: 0, max: 4, description: 'unreclaimable slab pages held from the start (never freed, not dirtyable)' },
  { name: 'kswapd', default: '1', min: 0, max: 1, description: 'route (b): kswapd (woken by the slow path, reclaims with GFP_KERNEL, may block in the XFS shrinker) and throttle_direct_reclaim, which makes __GFP_FS direct reclaimers wait for it (0: no kswapd, no throttling)' },
  { name: 'tcmu_threads', default: '1', min: 1, max: 3, description: 'tcmu-runner threads serving the ring (1: the ZBC file handler, QD=1 in the cmdproc thread)' },
  { name: 'tcm_loop_workers', default: '2', min: 1, max: 2, description: 'kworkers running tcm_loop submission work: 2 = the running one plus the idle one that the concurrency-managed workqueue wakes when the first sleeps (a third would be created with GFP_KERNEL under the same memory pressure; not modelled); 1 = queued commands wait behind a blocked worker' },
  { name: 'daemon_alloc', default: '1', min: 0, max: 1, description: "route (a): tcmu-runner's allocations outside the page cache: the per-command malloc's heap page fault, the data-area fault (with tcmu_kernel), the ext4 read bio (0: page-cache allocations only)" },
  { name: 'tcmu_kernel', default: '1', min: 0, max: 1, description: "route (d): the tcm_loop kworker's allocations in tcmu_queue_cmd (tcmu_alloc_cmd, tcmu_get_empty_block under cmdr_lock) and tcmu-runner taking cmdr_lock to fault the data area and to complete (0: neither)" },
  { name: 'cmd_timeout', default: '0', min: 0, max: 1, description: 'the tcmu in-flight command timeout: 1 = when nothing else can happen, the oldest outstanding command times out and fails with an I/O error (needs cmdr_lock); 0 = no timeout, a hang is permanent as reported' },
  { name: 'fuse_strict', default: '8', min: 1, max: 8, description: "FUSE stacks only: the FUSE wb's dirty + temporary pages at which balance_dirty_pages holds a FUSE writer (BDI_CAP_STRICTLIMIT: wb_position_ratio leaves pos_ratio 0 once wb_dirty >= 8 and >= wb_thresh, v5.2); the kernel's 8; lower it to scale the guard to the model's memory" },
  { name: 'loop_alloc', default: '1', min: 0, max: 1, description: "route (e): the loop worker's allocations outside the backing file's page cache (the ext4 read bio of lo_read_simple) (0: page-cache allocations only)" },
  // issue 10: paths the review found missing; off by default (docs/routes.md, "Paths added in issue 10")
  { name: 'tcmu_cmdr_lock', default: '1', min: 0, max: 1, description: "issue 10: every tcm_loop kworker takes cmdr_lock in tcmu_queue_cmd (v5.2: mutex_lock(&udev->cmdr_lock) around queue_cmd_ring) and sleeps on it while another kworker holds it, e.g. in tcmu_get_empty_block's reclaim (0: a kworker that does not grow the data area assumes the lock free, the model before issue 10). On by default (v5.2)" },
  { name: 'tcmu_batch', default: '1', min: 0, max: 1, description: "issue 10: tcmu-runner completes in batches (tcmur_cmdproc_thread: tcmulib_processing_complete, the write(uio) that reaches tcmu_irqcontrol, runs only once the ring is drained; a command handled before one that blocks stays unannounced) (0: each command is announced when its pread/pwrite returns, the model before issue 10). On by default (tcmu-runner 1.4/1.5 of 2019)" },
  { name: 'xfs_log', default: '0', min: 0, max: 3, description: 'issue 10: XFS inode eviction (prune_icache_sb → evict → xfs_fs_destroy_inode → xfs_inactive → xfs_free_eofblocks → xfs_trans_alloc → xfs_log_reserve) apart from close(), an XFS log of this many transaction reservations, and xfsaild pushing the AIL; 0 = off (close leaves a dirty reclaimable inode, no log). Off by default: 3-100x the states at the base bounds; the `log1` rung of the bound ladder (specs/verdicts.json)' },
  { name: 'flusher_block', default: '1', min: 0, max: 1, description: "issue 10: the XFS flusher can block as its v5.2 code does: its ioend bio comes from xfs_ioend_bioset (xfs_alloc_ioend → mempool_alloc(GFP_NOFS)): with no page free and the pool empty it reclaims once (NOFS, NORETRY) and waits until an XFS page write completes; with xfs_log it also reserves log space for the on-disk size update of every page write (xfs_submit_ioend → xfs_setfilesize_trans_alloc, committed at I/O completion) and sleeps in xlog_grant_head_wait while the log is full (0: the flusher never blocks, the model before issue 10). On by default (v5.2)" },
  { name: 'dmz_block', default: '0', min: 0, max: 1, description: "issue 10: dm-zoned's flush work writes the dirty metadata blocks under the metadata semaphore and waits for them (dmz_flush_work → dmz_flush_metadata: down_write(mblk_sem), wait_on_bit_io); chunk work waits for that semaphore (dmz_handle_bio → dmz_lock_metadata); every write dirties a bitmap block (0: the dm-zoned worker never blocks). Off by default: up to 30x the states at the base bounds; the `dmz` rung of the bound ladder" },
];

/** The params of the issue-10 paths (0 = off). */
const PATH_PARAMS: ReadonlySet<string> = new Set(['tcmu_cmdr_lock', 'tcmu_batch', 'xfs_log', 'flusher_block', 'dmz_block']);
const PATH_DEFAULTS: ReadonlyMap<string, string> = new Map(PARAMS.filter((d) => PATH_PARAMS.has(d.name)).map((d) => [d.name, d.default]));

/** Params shown in a report only for stacks with that layer (issue 11), so that other reports read as before. */
const LAYER_PARAMS: Readonly<Record<string, string>> = { fuse_strict: 'fuse' };

export function listLayers(): { name: string; description: string }[] {
  return LAYERS.map(({ name, description }) => ({ name, description }));
}

export function listStacks(): { name: string; stack: string; description: string }[] {
  return NAMED_STACKS.map((s) => ({ ...s }));
}

export function listParams(): { name: string; default: string; description: string }[] {
  return PARAMS.map(({ name, default: d, description }) => ({ name, default: d, description }));
}

/** The layers of layer modules, as stack entries; a name of a built-in layer is refused. */
function declaredLayers(decls: readonly RemapLayerDecl[]): LayerInfo[] {
  return decls.map((d) => {
    if (LAYERS.some((l) => l.name === d.name)) throw new StackError(`a layer module declares "${d.name}", the name of a built-in layer; give it a name of its own`);
    return { name: d.name, kind: 'block', description: d.description, ...(d.passesZoned ? { passesZoned: true } : {}) };
  });
}

/** Parses and validates a stack string; throws StackError saying why it is invalid. `extra`: layers of layer modules. */
export function parseStack(text: string, extra: readonly RemapLayerDecl[] = []): LayerInfo[] {
  const known = [...LAYERS, ...declaredLayers(extra)];
  const named = NAMED_STACKS.find((s) => s.name === text);
  const src = named ? named.stack : text;
  if (!src || src.trim() === '') throw new StackError('empty stack: give layers top to bottom separated by "/", e.g. xfs/dm-zoned/tcmu/ext4/ssd');
  const names = src.split('/').map((s) => s.trim());
  const layers = names.map((n, i) => {
    if (n === '') throw new StackError(`empty layer name at position ${i + 1} in "${src}"`);
    const info = known.find((l) => l.name === n);
    if (!info) throw new StackError(`unknown layer "${n}" at position ${i + 1}; known layers: ${known.map((l) => l.name).join(', ')} (a layer of your own: --layer ./my-layer.ts)`);
    return info;
  });
  if (layers.length > 7) throw new StackError(`stack "${src}" has ${layers.length} layers; at most 7 are supported`);
  if (layers[0].kind !== 'fs') {
    throw new StackError(`the top layer must be a filesystem (the workload reads and writes files), but "${layers[0].name}" is a ${layers[0].kind === 'disk' ? 'disk' : 'block device'}`);
  }
  const last = layers[layers.length - 1];
  if (last.kind !== 'disk') throw new StackError(`the bottom layer must be a disk (ssd or zoned), but "${last.name}" is ${last.kind === 'fs' ? 'a filesystem' : 'a block device that needs something below it'}`);
  layers.forEach((l, i) => {
    const below = layers[i + 1];
    if (l.kind === 'disk' && i !== layers.length - 1) {
      throw new StackError(`disk "${l.name}" at position ${i + 1} is not at the bottom: a disk has nothing below it`);
    }
    if (!below) return;
    if (l.servedFromFile && i !== 0) {
      throw new StackError(`${l.name} must be the top layer: the model has no device or loop file on a ${l.name} mount`);
    }
    if (l.servedFromFile && below.kind !== 'fs') {
      throw new StackError(`${l.name} is served by a daemon that keeps its data in a file, so the layer below it must be a filesystem, not "${below.name}"`);
    }
    if (l.kind === 'fs' && below.kind === 'fs' && !l.servedFromFile) {
      throw new StackError(`${l.name} cannot sit directly on ${below.name}: a filesystem needs a block device below it (put loop, nbd or tcmu between them to turn a file into a block device); only nfs (a loopback mount of the local nfsd) and fuse, whose servers keep their data in files, stand on a filesystem`);
    }
    if (l.fileBacked && below.kind !== 'fs') {
      throw new StackError(`${l.name} keeps its data in a file, so the layer below it must be a filesystem, not "${below.name}"`);
    }
    // a remapping layer of a layer module is zoned when the device below it is
    const zonedAt = (j: number): boolean => (layers[j].passesZoned && layers[j + 1] ? zonedAt(j + 1) : layers[j].zoned === true);
    if (l.needsZoned && !zonedAt(i + 1)) {
      throw new StackError(`${l.name} needs a zoned block device below it (tcmu's ZBC handler or a zoned disk), but "${below.name}" is not zoned`);
    }
  });
  return layers;
}

function parseParams(p: Record<string, string> | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  for (const info of PARAMS) out[info.name] = Number(info.default);
  for (const [key, raw] of Object.entries(p ?? {})) {
    const info = PARAMS.find((x) => x.name === key);
    if (!info) throw new StackError(`unknown parameter "${key}"; known parameters: ${PARAMS.map((x) => x.name).join(', ')}`);
    const v = Number(raw);
    if (!/^-?\d+$/.test(String(raw).trim()) || !Number.isInteger(v)) throw new StackError(`parameter ${key}=${raw} is not an integer`);
    if (v < info.min || v > info.max) throw new StackError(`parameter ${key}=${v} is out of range ${info.min}..${info.max}`);
    out[key] = v;
  }
  return out;
}

/** The composed model plus the Kernel that runs it (exposed for tests and tools). */
export interface ComposedStack {
  readonly kernel: Kernel;
  readonly spec: Spec<any>;
}

/** The tasks that do I/O on a lower filesystem for a device or mount above (issue 11 adds the nbd and FUSE servers). */
const LOWER_FS_IO_ROLES: ReadonlySet<string> = new Set(['tcmu-runner', 'loop-worker', 'nbd-server', 'fuse-daemon', 'nfsd']);

const FRAME_LABELLED = new Set(['super_cache_scan', 'mutex_lock', 'xfs_reclaim_inodes_nr']);

/** Composes a stack into a Kernel and its Spec. */
export function composeStack(opts: StackOptions): ComposedStack {
  const infos = parseStack(opts.stack, opts.layers);
  const workload = opts.workload ?? 'write';
  if (workload !== 'write' && workload !== 'read') throw new StackError(`unknown workload "${String(workload)}": use write or read`);
  if (workload === 'read' && infos[0].name === 'fuse') throw new StackError('the read workload is not modelled for fuse (FUSE reads go to the daemon through fuse_readpages): use --workload write');
  if (workload === 'read' && infos[0].name === 'nfs') throw new StackError('the read workload is not modelled for nfs (NFS reads go to nfsd through nfs_readpages): use --workload write');
  const track = opts.track ?? (<T>(_n: string, v: T): T => v);
  const p = track('params', parseParams(opts.params));
  // the profile label is read from the untracked config: it names the run (description, params), which a shared
  // cell rebuilds from its own spec, and no rule reads it (docs/architecture.md, "Shared searches")
  const rawCfg = resolveConfig(opts.config);
  const cfg = track('config', rawCfg);
  const inodes = p.writers * p.ios;
  const bounds: Bounds = {
    writers: p.writers,
    ios: p.ios,
    pages: p.pages,
    reserve: p.reserve,
    tcmuThreads: p.tcmu_threads,
    tcmLoopWorkers: p.tcm_loop_workers,
    depth: 34,
    // a request in flight is a page I/O (each holds its own page: under writeback or locked) or the inode
    // cluster buffer I/O of an XFS layer (one buffer, used only by the AG lock holder): no queue holds more
    // more (an expired tcmu command stays in the ring after its upper completion, so with the timeout
    // the bound doubles). enqueue throws if a bound is ever exceeded.
    // (pages freed by an OOM kill can hold page I/O too; the top XFS's buffer page is counted with the XFS layers)
    queue: (p.pages + (infos[0].name === 'xfs' ? 1 : 0) + p.anon_pages + p.reserve + infos.filter((i) => i.name === 'xfs').length) * (p.cmd_timeout === 1 ? 2 : 1),
    inodes,
    dirtyLimit: p.dirty_limit,
    kswapd: p.kswapd === 1,
    daemonAlloc: p.daemon_alloc === 1,
    tcmuKernel: p.tcmu_kernel === 1,
    cmdTimeout: p.cmd_timeout === 1,
    loopAlloc: p.loop_alloc === 1,
    dirtyRatio: p.dirty_ratio,
    backgroundRatio: p.background_ratio,
    wbShare: p.wb_share,
    anonPages: p.anon_pages,
    slabPages: p.slab_pages,
    fuseStrict: p.fuse_strict,
    paths: {
      tcmuCmdrLock: p.tcmu_cmdr_lock === 1,
      tcmuBatch: p.tcmu_batch === 1,
      xfsLog: p.xfs_log,
      flusherBlock: p.flusher_block === 1,
      dmzBlock: p.dmz_block === 1,
    },
  };
  // the scope rules by frame, tracked apart, so that a search reads only the rules of the frames it pushes
  const K = new Kernel(cfg, bounds, workload, track('scopes', scopeIndex(rawCfg.scopes)));
  /**
   * Call-stack depth per role (a push beyond it throws "call stack overflow",
   * which the engine reports as an error, never silently): the flushers and the
   * dm-zoned kworker never sleep inside a call (their steps are atomic); kswapd
   * reaches balance_pgdat → … → xfs_buf_allocate_memory → the slow path (17);
   * an application's deepest path is its page-cache allocation in direct
   * reclaim, throttled or in a shrinker (at most 20 in any stack, as no
   * application's reclaim can flush an XFS inode: the top filesystem's own
   * mask is NOFS for XFS, and a lower XFS has no dirty inodes); tcmu-runner,
   * the tcm_loop kworker and the loop worker can reach XFS inode reclaim and a
   * nested buffer allocation below their own call chains (33 for the loop
   * worker's read of its backing file).
   */
  // issue 10: with flusher_block the flusher can sleep (log reservation, ioend mempool), with dmz_block the
  // dm-zoned workers can (metadata semaphore, metadata I/O); xfsaild reads an uncached cluster buffer
  // issue 11: a FUSE flusher allocates its temporary page (fuse_writepages_fill) and may reclaim (NOFS)
  const fuseFlusher = infos.some((i) => i.name === 'fuse') ? 16 : 0;
  const depthOf = (role: string): number =>
    role === 'flusher'
      ? Math.max(bounds.paths.flusherBlock ? 12 : 0, fuseFlusher)
      : role === 'dmz-kworker' || role === 'dmz-flush'
        ? bounds.paths.dmzBlock ? 6 : 0
        : role === 'xfsaild' ? 14 : role === 'xfs-inodegc' ? 8 : role === 'kswapd' ? 20 : role.startsWith('app-') ? 24 : bounds.depth;
  const counts = new Map<string, number>();
  infos.forEach((i) => counts.set(i.name, (counts.get(i.name) ?? 0) + 1));
  const layerObjs: AnyLayer[] = infos.map((info, i) => {
    const label = counts.get(info.name)! > 1 ? `${info.name}@${i}` : info.name;
    switch (info.name) {
      case 'xfs':
        return new XfsLayer(K, i, label) as unknown as AnyLayer;
      case 'ext4':
        return new Ext4Layer(K, i, label) as unknown as AnyLayer;
      case 'dm-zoned':
        return new DmZonedLayer(K, i, label) as unknown as AnyLayer;
      case 'tcmu':
        return new TcmuLayer(K, i, label) as unknown as AnyLayer;
      case 'loop':
        return new LoopLayer(K, i, label) as unknown as AnyLayer;
      case 'nbd':
        return new NbdLayer(K, i, label) as unknown as AnyLayer;
      case 'fuse':
        return new FuseLayer(K, i, label) as unknown as AnyLayer;
      case 'nfs':
        return new NfsLayer(K, i, label) as unknown as AnyLayer;
      case 'ssd':
      case 'zoned':
        return new DiskLayer(K, i, label, info.name) as unknown as AnyLayer;
      default: {
        // a layer module's remapping layer (block/remap.ts)
        const decl = opts.layers?.find((d) => d.name === info.name);
        if (decl) return new RemapLayer(K, i, label, decl) as unknown as AnyLayer;
        throw new StackError(`unknown layer ${info.name}`);
      }
    }
  });
  K.layers.push(...layerObjs);
  // pages a layer holds outside the page cache from the start (the top XFS's cached inode cluster buffer), on top of `pages`
  const held = layerObjs.map((l) => l as unknown as { initialPages?: () => number; heldPages?: (k: KState) => number });
  const initialHeld = held.reduce((n, l) => n + (l.initialPages?.() ?? 0), 0);
  K.heldAtStart = initialHeld;
  for (const l of layerObjs) K.daemons.push(...l.daemons());
  if (bounds.kswapd) K.daemons.push({ role: 'kswapd', name: 'kswapd0', layer: 0 });
  // shrinkers register at mount/ctr time, bottom layer first (register_shrinker appends to shrinker_list)
  for (const l of [...layerObjs].reverse()) K.shrinkerList.push(...l.shrinkers());
  for (const l of layerObjs) (l as unknown as { register?: () => void }).register?.();

  const topFs = K.fsLayers()[0];
  // application: the syscall returned → close the file (inode dirtied: mtime/size, or atime under relatime)
  K.onSyscallDone(K.appRole, (k, t, ok) => (ok ? topFs.fileClosed(k, workload, t) : k));

  const taskDomain = (depth: number): Domain =>
    record({
      stack: array(
        depth,
        record({
          fn: enumOf(FRAME_NAMES),
          at: int(0, infos.length - 1),
          n: int(0, 15),
          gfp: bits(GFP_BITS_FOR_DOMAIN),
          set: bits(PF_BITS),
          old: bits(PF_BITS),
        }),
      ),
      sp: int(0, depth),
      flags: bits(PF_BITS),
      todo: int(0, bounds.ios),
      cmd: reqDomain(infos.length, K.daemons.length),
      ioDone: bool(),
    });

  const variables: Record<string, Domain> = {
    mm: record({ free: int(0, K.totalPages()), reserve: int(0, bounds.reserve), ...(bounds.anonPages > 0 ? { anon: int(0, bounds.anonPages) } : {}) }),
    app: mapOf('writers', taskDomain(depthOf(K.appRole))),
    kt: record(Object.fromEntries(K.daemons.map((d, i) => [String(i), taskDomain(depthOf(d.role))]))),
  };
  layerObjs.forEach((l, i) => (variables[`L${i}`] = l.domain()));
  // the state's variables and record fields, for the kernel's one-literal copies (core/kernel.ts: declareState)
  K.declareState(Object.fromEntries(Object.entries(variables).map(([n, d]) => [n, d.kind === 'record' ? Object.keys(d.fields) : null])));

  const init = (): KState => {
    const s: Record<string, unknown> = {
      mm: { free: bounds.pages, reserve: bounds.reserve, ...(bounds.anonPages > 0 ? { anon: bounds.anonPages } : {}) },
      app: Array.from({ length: bounds.writers }, () => newTask(depthOf(K.appRole), 0, bounds.ios)),
      kt: Object.fromEntries(K.daemons.map((d, i) => [String(i), newTask(depthOf(d.role), flagsOf(cfg.taskFlags[d.role] ?? []), 0)])),
    };
    layerObjs.forEach((l, i) => (s[`L${i}`] = l.init()));
    return s as unknown as KState;
  };

  const writers: TaskRef[] = Array.from({ length: bounds.writers }, (_, w) => ({ w }));
  const appAction: KAction<TaskRef> = {
    // the application (fio, psync engine) issues pwrite/pread of one page of a new file on the top filesystem
    name: workload === 'write' ? 'sys_pwrite' : 'sys_pread',
    params: writers,
    formatParam: (t) => K.taskName(t),
    when: { task: (t) => t, frames: ['-'] },
    next: (k, t) => {
      const v = K.task(k, t);
      if (v.sp !== 0 || v.todo === 0) return undefined;
      const k2 = K.setTask(k, t, withTodo(v, v.todo - 1));
      return topFs.startIo(k2, t, workload, 'app', 'regular');
    },
  };
  const slowParams: { t: TaskRef; lru: number }[] = [];
  for (const t of K.allTasks()) for (const lru of [-1, ...K.fsLayers().map((f) => f.index)]) slowParams.push({ t, lru });
  const slowAction: KAction<{ t: TaskRef; lru: number }> = {
    name: '__alloc_pages_slowpath',
    params: slowParams,
    formatParam: (x) => `${K.taskName(x.t)}${x.lru >= 0 ? `, LRU frees a clean ${K.layers[x.lru].label} page` : ''}`,
    when: { task: (x) => x.t, frames: ['__alloc_pages_slowpath'] },
    next: (k, x) => K.slowpath(k, x.t, x.lru),
  };
  const throttleAction: KAction<{ t: TaskRef; lru: number }> = {
    // throttle_direct_reclaim: the sleep ended (kswapd woke pfmemalloc_wait, or the HZ timeout of a caller without __GFP_FS)
    name: 'throttle_direct_reclaim',
    params: slowParams,
    formatParam: (x) => `${K.taskName(x.t)}${x.lru >= 0 ? `, LRU frees a clean ${K.layers[x.lru].label} page` : ''}`,
    when: { task: (x) => x.t, frames: ['schedule', 'schedule_timeout'] },
    next: (k, x) => K.throttleStep(k, x.t, x.lru),
  };
  const shrinkSlabAction: KAction<TaskRef> = {
    // shrink_slab after shrink_node_memcg freed an LRU page (a step of its own when a shrinker has work)
    name: 'shrink_slab',
    params: K.allTasks(),
    formatParam: (t) => K.taskName(t),
    when: { task: (t) => t, frames: ['shrink_slab'] },
    next: (k, t) => K.shrinkSlabStep(k, t),
  };
  const kswapdRef = K.kswapdTask();
  const kswapdAction: KAction<number> | null = kswapdRef && {
    name: 'balance_pgdat',
    params: [-1, ...K.fsLayers().map((f) => f.index)],
    formatParam: (lru) => `kswapd0${lru >= 0 ? `, LRU frees a clean ${K.layers[lru].label} page` : ''}`,
    when: { task: () => kswapdRef, frames: ['balance_pgdat'] },
    next: (k, lru) => K.kswapdStep(k, kswapdRef, lru),
  };
  const baseActions: KAction[] = [appAction, slowAction, shrinkSlabAction, ...(bounds.kswapd ? [throttleAction] : []), ...(kswapdAction ? [kswapdAction] : []), ...layerObjs.flatMap((l) => l.actions())];
  const tcmuLayers = layerObjs.filter((l): l is AnyLayer & TcmuLayer => l instanceof TcmuLayer);
  const stuck = (k: KState): boolean => baseActions.every((a) => a.params.every((p) => a.next(k, p) === undefined));
  const timeoutAction: KAction<number> = {
    // tcmu_cmd_timedout (cmd_time_out, 30 s by default): a timer cannot be told from an instant in an untimed
    // model, so it fires only in a state where nothing else can happen (the system made no progress for 30 s)
    name: 'tcmu_cmd_timedout',
    params: tcmuLayers.map((l) => l.index),
    formatParam: (i) => K.layers[i].label,
    next: (k, i) => {
      const l = K.layers[i] as unknown as TcmuLayer;
      const r = l.timeout(k);
      return r !== undefined && stuck(k) ? r : undefined;
    },
  };
  const actions: KAction[] = [...baseActions, ...(bounds.cmdTimeout && tcmuLayers.length ? [timeoutAction] : [])];

  // The spec's dispatch (checker/spec.ts, Spec.dispatch): an action that declares `when` is tried only while its
  // task's innermost frame is one of its frames. Per task, a table from that frame to the (action, param) pairs
  // it enables; the actions without `when` are tried in every state.
  const taskRefs = K.allTasks();
  const taskIndex = (t: TaskRef): number => (isApp(t) ? t.w : bounds.writers + t.d);
  const always: number[] = [];
  const byFrame: Map<string, number[]>[] = taskRefs.map(() => new Map());
  actions.forEach((a, ai) =>
    a.params.forEach((p, pi) => {
      if (!a.when) return void always.push(ai, pi);
      const ti = taskIndex(a.when.task(p));
      if (!(ti >= 0 && ti < taskRefs.length)) throw new Error(`action ${a.name}: its when.task names no task`);
      for (const fn of a.when.frames) {
        const l = byFrame[ti].get(fn) ?? [];
        l.push(ai, pi);
        byFrame[ti].set(fn, l);
      }
    }),
  );
  const dispatch = (k: KState, mark: (action: number, param: number) => void): void => {
    for (let i = 0; i < always.length; i += 2) mark(always[i], always[i + 1]);
    for (let ti = 0; ti < taskRefs.length; ti++) {
      const v = ti < bounds.writers ? k.app[ti] : k.kt[ti - bounds.writers];
      const l = byFrame[ti].get(v.sp > 0 ? v.stack[v.sp - 1].fn : '-');
      if (l !== undefined) for (let i = 0; i < l.length; i += 2) mark(l[i], l[i + 1]);
    }
  };

  const frameText = (f: Frame): string => {
    let s: string = f.fn;
    if (FRAME_LABELLED.has(f.fn)) s += ` (${K.layers[f.at].label})`;
    if (f.fn === 'mutex_lock') s = `mutex_lock (${K.layers[f.at].label} ${K.layers[f.at].name === 'tcmu' ? 'cmdr_lock' : 'pag_ici_reclaim_lock'})`;
    if (f.gfp) s += ` [${formatGfp(f.gfp)}]`;
    return s;
  };
  const backtrace = (v: Task): string[] => v.stack.slice(0, v.sp).map(frameText).reverse();

  const formatState = (k: KState) => ({
    tasks: K.allTasks().map((t) => {
      const v = K.task(k, t);
      const w = waitOf(K, k, t);
      return { name: K.taskName(t), role: K.role(t), flags: flagNames(v.flags), blocked: w !== null, waitsFor: w ? w.waitsFor : null, stack: backtrace(v) };
    }),
    memory: {
      free: k.mm.free,
      reserve: k.mm.reserve,
      ...(bounds.anonPages > 0 ? { anon: k.mm.anon } : {}),
      ...Object.fromEntries(K.fsLayers().map((f) => [f.index, f]).map(([, f]) => [(f as unknown as AnyLayer).label, (f as unknown as AnyLayer).format(k)])),
    },
    io: Object.fromEntries(layerObjs.filter((l) => l.kind !== 'fs').map((l) => [l.label, l.format(k)])),
  });

  const terminal = (k: KState): boolean =>
    k.app.every((v) => v.sp === 0 && v.todo === 0) &&
    K.daemons.every((_, d) => k.kt[d].sp === 0 && k.kt[d].cmd.op === 'none') &&
    layerObjs.every((l) => {
      if (l.kind === 'fs') {
        const pc = (l as unknown as { pages(k: KState): { dirty: number; wb: number; locked: number } }).pages(k);
        return pc.dirty === 0 && pc.wb === 0 && pc.locked === 0;
      }
      const st = k[`L${l.index}`] as Record<string, unknown>;
      return Object.values(st).every((q) => typeof q !== 'object' || q === null || (q as { n?: number }).n === undefined || (q as { n: number }).n === 0);
    });

  const cycleOf = (k: KState): CycleEntry[] | null => findCycle(K, k);
  const deadlockClass = (k: KState): string => {
    const c = cycleOf(k);
    if (!c) {
      const blocked = K.allTasks()
        .map((t) => ({ t, w: waitOf(K, k, t) }))
        .filter((x) => x.w)
        .map((x) => `${K.role(x.t)}@${x.w!.at}`);
      return `no-cycle: ${[...new Set(blocked)].sort().join(' + ')}`;
    }
    return [...new Set(c.map((e) => `${e.role}@${e.at}`))].sort().join(' + ');
  };
  const deadlockCategory = (k: KState): string => {
    const c = cycleOf(k);
    if (c) return categoryOf(c.map((e) => e.at));
    return categoryOf(K.allTasks().map((t) => waitOf(K, k, t)?.at).filter((a): a is string => a !== undefined));
  };
  const explain = (k: KState) => {
    const cycle = cycleOf(k) ?? [];
    const backtraces: Record<string, string[]> = {};
    for (const t of K.allTasks()) {
      if (waitOf(K, k, t)) backtraces[K.taskName(t)] = backtrace(K.task(k, t));
    }
    return { cycle: cycle.map(({ task, waitsFor, at, via, next, role }) => ({ task, role, waitsFor, at, ...(via ? { via } : {}), next })), backtraces };
  };

  const pagesConserved = (k: KState): boolean =>
    k.mm.free +
      k.mm.reserve +
      K.fsLayers().reduce((s, f) => { const pc = f.pages(k); return s + pc.clean + pc.dirty + pc.wb + pc.locked; }, 0) +
      held.reduce((n, l) => n + (l.heldPages?.(k) ?? 0), 0) +
      (k.mm.anon ?? 0) +
      bounds.slabPages ===
    K.totalPages();

  const inSlowpath = (k: KState, t: TaskRef): boolean => {
    const v = K.task(k, t);
    return v.stack.slice(0, v.sp).some((f) => f.fn === '__alloc_pages_slowpath');
  };
  const xfsLayers = layerObjs.filter((l): l is AnyLayer & XfsLayer => l instanceof XfsLayer);
  const spec: Spec<any> = {
    name: `stack:${infos.map((i) => i.name).join('/')}`,
    description: `${infos.map((i) => i.name).join('/')} with a ${workload} workload (${rawCfg.kernel})`,
    // the issue-10 path params are shown only when they differ from their defaults (tcmu_cmdr_lock, tcmu_batch and
    // flusher_block on, the costlier xfs_log and dmz_block off), so that a report names the paths it changed; a
    // layer's own param (fuse_strict) only in reports of stacks with that layer
    params: { stack: infos.map((i) => i.name).join('/'), workload, kernel: rawCfg.kernel, ...Object.fromEntries(Object.entries(p).filter(([n, v]) => (!PATH_PARAMS.has(n) || String(v) !== PATH_DEFAULTS.get(n)) && (!LAYER_PARAMS[n] || infos.some((i) => i.name === LAYER_PARAMS[n])))) },
    symmetric: { writers: bounds.writers },
    variables,
    init: () => [init()],
    actions: actions as Spec<any>['actions'],
    dispatch,
    invariants: [{ name: 'pages-are-conserved', holds: pagesConserved }],
    witnesses: [
      { name: 'workload-completes', reached: (k: KState) => terminal(k) },
      { name: 'allocation-enters-slowpath', reached: (k: KState) => K.allTasks().some((t) => inSlowpath(k, t)) },
      {
        name: 'lower-fs-io-enters-slowpath',
        reached: (k: KState) => K.allTasks().some((t) => LOWER_FS_IO_ROLES.has(K.role(t)) && inSlowpath(k, t)),
      },
      {
        name: 'reclaim-waits-on-xfs-inode-io',
        reached: (k: KState) => xfsLayers.length > 0 && K.allTasks().some((t) => waitOf(K, k, t)?.at === 'xfs_buf_iowait'),
      },
      ...(bounds.kswapd
        ? [{ name: 'direct-reclaim-throttled', reached: (k: KState) => K.allTasks().some((t) => { const v = K.task(k, t); return v.sp >= 2 && v.stack[v.sp - 2].fn === 'throttle_direct_reclaim'; }) }]
        : []),
      ...(bounds.cmdTimeout && tcmuLayers.length ? [{ name: 'tcmu-command-timed-out', reached: (k: KState) => tcmuLayers.some((l) => l.timedOut(k)) }] : []),
    ],
    terminal,
    deadlockClass,
    deadlockCategory,
    formatState,
    explain,
  };
  return { kernel: K, spec };
}

/** Builds the Spec of a stack; throws StackError for an invalid stack, workload or parameter. */
export function buildStackSpec(opts: StackOptions): Spec<any> {
  return composeStack(opts).spec;
}

import { GFP_BITS } from './mm/gfp';
const GFP_BITS_FOR_DOMAIN = GFP_BITS;
