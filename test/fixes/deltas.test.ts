/**
 * Each fix's delta is what its header says: the exact KernelConfig change,
 * and its effect on the model's mechanisms (the effective GFP mask of the
 * allocation the header names, the task flags, the scope frames), checked by
 * driving the composed model by one action, never by reading the fix's name.
 */
import * as fs from 'fs';
import * as path from 'path';
import { composeStack, defaultKernelConfig, formatGfp } from '../../models';
import type { KState } from '../../models/kernel';
import { NO_REQ, PF_BITS, TaskRef, findFrame } from '../../models/core/task';
import { composeFixes, findFix, FIXES } from '../../specs/fixes';
import { buildFixedStackSpec, COST_WITNESS } from '../../specs/fixes/spec';

const STACK_2019 = 'xfs/dm-zoned/tcmu/ext4/ssd';

function compose(stack: string, fixes: string[]) {
  const { kernel: K, spec } = composeStack({ stack, config: composeFixes(fixes.map((f) => findFix(f)!)) });
  return { K, spec, s0: { ...(spec.init()[0] as KState), mm: { free: 0, reserve: 1 } } as KState };
}

const flagNames = (flags: number): string[] => PF_BITS.filter((_, i) => flags & (1 << i));

/** tcmu-runner takes one command from the ring (freelist empty): the effective mask of its page-cache allocation and the frames that entered a scope. */
function runnerAlloc(fixes: string[], op: 'read' | 'write', stack = STACK_2019): { gfp: string; flags: string[]; scoped: string[] } {
  const { K, spec, s0 } = compose(stack, fixes);
  const tcmu = K.layers.findIndex((l) => l.name === 'tcmu');
  const key = `L${tcmu}` as `L${number}`;
  const ring = s0[key].ring;
  const q = ring.q.slice();
  q[0] = { ...NO_REQ, op, src: 'page', fs: 0 };
  const s1 = { ...s0, [key]: { ...s0[key], ring: { q, n: 1 } } } as KState;
  const runner = K.daemonsOf('tcmu-runner')[0];
  const take = spec.actions.find((a) => a.name === 'tcmulib_get_next_command')!;
  const s2 = take.next(s1, runner) as KState;
  const v = K.task(s2, runner);
  return { gfp: formatGfp(K.allocGfp(v)), flags: flagNames(v.flags), scoped: v.stack.slice(0, v.sp).filter((f) => f.set !== 0).map((f) => `${f.fn}:${flagNames(f.set).join('|')}`) };
}

/** An application writes one page to the top filesystem of `stack` with the freelist empty: the effective mask of its page-cache allocation. */
function appAlloc(fixes: string[], stack = 'ext4/ssd', op: 'write' | 'read' = 'write'): string {
  const { kernel: K, spec } = composeStack({ stack, workload: op, config: composeFixes(fixes.map((f) => findFix(f)!)) });
  const s0 = { ...(spec.init()[0] as KState), mm: { free: 0, reserve: 1 } } as KState;
  const t: TaskRef = { w: 0 };
  const s1 = spec.actions[0].next(s0, t) as KState;
  return formatGfp(K.allocGfp(K.task(s1, t)));
}

const taskFlags = (stack: string, fixes: string[], role: string): string[] => {
  const { K, s0 } = compose(stack, fixes);
  const d = K.daemons.findIndex((x) => x.role === role);
  return flagNames(s0.kt[d].flags);
};

const RUNNER_V52 = { write: 'GFP_HIGHUSER_MOVABLE|__GFP_WRITE', read: 'GFP_HIGHUSER_MOVABLE|__GFP_NOWARN|__GFP_NORETRY' };
const NOFS_WRITE = 'GFP_NOFS|__GFP_HIGHMEM|__GFP_HARDWALL|__GFP_MOVABLE|__GFP_WRITE';

describe('the v5.2 baseline (no fix)', () => {
  it("should allocate tcmu-runner's ext4 page with __GFP_FS, as in the reported trace", () => {
    expect(runnerAlloc([], 'write')).toEqual({ gfp: RUNNER_V52.write, flags: [], scoped: [] });
    expect(runnerAlloc([], 'read').gfp).toBe(RUNNER_V52.read);
  });
});

describe('each fix changes exactly the mechanism its header names', () => {
  it('ext4-mapping-nofs: ext4 mapping mask without __GFP_FS, for tcmu-runner and for an application alike', () => {
    expect(findFix('ext4-mapping-nofs')!.delta).toEqual({ mappingClear: { ext4: ['__GFP_FS'] } });
    expect(runnerAlloc(['ext4-mapping-nofs'], 'write')).toEqual({ gfp: NOFS_WRITE, flags: [], scoped: [] });
    expect(appAlloc(['ext4-mapping-nofs'])).toBe(NOFS_WRITE);
  });

  it('pagecache-nofs: memalloc_nofs_save around grab_cache_page_write_begin and __page_cache_alloc, every filesystem', () => {
    expect(findFix('pagecache-nofs')!.delta.scopes!.map((s) => [s.frame, s.scope, s.role, s.lowerFsOnly])).toEqual([
      ['grab_cache_page_write_begin', 'NOFS', undefined, undefined],
      ['__page_cache_alloc', 'NOFS', undefined, undefined],
    ]);
    expect(runnerAlloc(['pagecache-nofs'], 'write')).toMatchObject({ gfp: NOFS_WRITE, scoped: ['grab_cache_page_write_begin:PF_MEMALLOC_NOFS'] });
    expect(runnerAlloc(['pagecache-nofs'], 'read')).toMatchObject({ scoped: ['__page_cache_alloc:PF_MEMALLOC_NOFS'] });
    expect(runnerAlloc(['pagecache-nofs'], 'read').gfp).not.toContain('GFP_HIGHUSER');
    expect(appAlloc(['pagecache-nofs'])).toBe(NOFS_WRITE);
  });

  it('lower-fs-io-nofs: a NOFS scope over the whole read/write (vfs_write/vfs_read) into a lower filesystem only', () => {
    expect(findFix('lower-fs-io-nofs')!.delta.scopes!.map((s) => [s.frame, s.scope, s.lowerFsOnly])).toEqual([
      ['vfs_write', 'NOFS', true],
      ['vfs_read', 'NOFS', true],
      ['vfs_iter_write', 'NOFS', true],
      ['vfs_iter_read', 'NOFS', true],
    ]);
    expect(runnerAlloc(['lower-fs-io-nofs'], 'write')).toMatchObject({ gfp: NOFS_WRITE, scoped: ['vfs_write:PF_MEMALLOC_NOFS'] });
    expect(runnerAlloc(['lower-fs-io-nofs'], 'read')).toMatchObject({ scoped: ['vfs_read:PF_MEMALLOC_NOFS'] });
    expect(appAlloc(['lower-fs-io-nofs'])).toBe(RUNNER_V52.write); // ext4 at the top: untouched
  });

  it("dmzoned-nofs-scope: PF_MEMALLOC_NOFS on dm-zoned's kworker only; tcmu-runner is unaffected", () => {
    expect(findFix('dmzoned-nofs-scope')!.delta).toEqual({ taskFlags: { 'dmz-kworker': ['PF_KTHREAD', 'PF_MEMALLOC_NOFS'] } });
    expect(taskFlags(STACK_2019, ['dmzoned-nofs-scope'], 'dmz-kworker')).toEqual(['PF_MEMALLOC_NOFS', 'PF_KTHREAD']);
    expect(runnerAlloc(['dmzoned-nofs-scope'], 'write')).toEqual({ gfp: RUNNER_V52.write, flags: [], scoped: [] });
  });

  it("bio-carries-nofs: the bio-carried scope is on; tcmu-runner's own allocation is unaffected", () => {
    expect(findFix('bio-carries-nofs')!.delta).toEqual({ bioCarriesScope: true });
    expect(compose(STACK_2019, ['bio-carries-nofs']).K.cfg.bioCarriesScope).toBe(true);
    expect(runnerAlloc(['bio-carries-nofs'], 'write').gfp).toBe(RUNNER_V52.write);
  });

  it("rwf-nofsreclaim: a NOFS scope over tcmu-runner's pwrite/pread system call only", () => {
    expect(findFix('rwf-nofsreclaim')!.delta.scopes!.map((s) => [s.frame, s.scope, s.role])).toEqual([
      ['ksys_pwrite64', 'NOFS', 'tcmu-runner'],
      ['ksys_pread64', 'NOFS', 'tcmu-runner'],
    ]);
    expect(runnerAlloc(['rwf-nofsreclaim'], 'write')).toMatchObject({ gfp: NOFS_WRITE, flags: ['PF_MEMALLOC_NOFS'], scoped: ['ksys_pwrite64:PF_MEMALLOC_NOFS'] });
    expect(appAlloc(['rwf-nofsreclaim'])).toBe(RUNNER_V52.write);
  });

  it('nofs-mount-option: the lower filesystem maps without __GFP_FS; an unstacked ext4 keeps it', () => {
    expect(findFix('nofs-mount-option')!.delta).toEqual({ lowerFsMappingClear: ['__GFP_FS'] });
    expect(runnerAlloc(['nofs-mount-option'], 'write')).toEqual({ gfp: NOFS_WRITE, flags: [], scoped: [] });
    expect(appAlloc(['nofs-mount-option'])).toBe(RUNNER_V52.write);
  });

  it('io-flusher: tcmu-runner starts with PF_MEMALLOC_NOIO | PF_LOCAL_THROTTLE; all its allocations drop __GFP_IO|__GFP_FS', () => {
    // issue 11: the fix names the roles of every userspace I/O daemon, not one stack
    expect(findFix('io-flusher')!.delta).toEqual({
      taskFlags: {
        'tcmu-runner': ['PF_MEMALLOC_NOIO', 'PF_LOCAL_THROTTLE'],
        'nbd-server': ['PF_MEMALLOC_NOIO', 'PF_LOCAL_THROTTLE'],
        'fuse-daemon': ['PF_MEMALLOC_NOIO', 'PF_LOCAL_THROTTLE'],
      },
    });
    expect(runnerAlloc(['io-flusher'], 'write')).toEqual({
      gfp: 'GFP_NOIO|__GFP_HIGHMEM|__GFP_HARDWALL|__GFP_MOVABLE|__GFP_WRITE',
      flags: ['PF_MEMALLOC_NOIO', 'PF_LOCAL_THROTTLE'],
      scoped: [],
    });
    expect(appAlloc(['io-flusher'])).toBe(RUNNER_V52.write);
  });

  it("tcmu-gfp-noio: tcmu_alloc_cmd and tcmu_get_empty_block request GFP_NOIO; dm-zoned's site is unchanged", () => {
    expect(findFix('tcmu-gfp-noio')!.delta).toEqual({ allocSites: { tcmu_alloc_cmd: 'GFP_NOIO', tcmu_get_empty_block: 'GFP_NOIO' } });
    expect(compose(STACK_2019, ['tcmu-gfp-noio']).K.cfg.allocSites).toEqual({ tcmu_alloc_cmd: 'GFP_NOIO', tcmu_get_empty_block: 'GFP_NOIO', dmz_queue_chunk_work: 'GFP_NOIO' });
    expect(runnerAlloc(['tcmu-gfp-noio'], 'write').gfp).toBe(RUNNER_V52.write);
  });

  it('loop-worker-noio: the loop worker gains PF_MEMALLOC_NOIO and keeps PF_KTHREAD | PF_LESS_THROTTLE', () => {
    expect(findFix('loop-worker-noio')!.delta).toEqual({ taskFlags: { 'loop-worker': ['PF_KTHREAD', 'PF_LESS_THROTTLE', 'PF_MEMALLOC_NOIO'] } });
    expect(taskFlags('xfs/loop/ext4/ssd', [], 'loop-worker')).toEqual(['PF_LESS_THROTTLE', 'PF_KTHREAD']);
    expect(taskFlags('xfs/loop/ext4/ssd', ['loop-worker-noio'], 'loop-worker')).toEqual(['PF_MEMALLOC_NOIO', 'PF_LESS_THROTTLE', 'PF_KTHREAD']);
  });

  it('xfs-async-inode-reclaim: XFS inode reclaim is non-blocking (5.9)', () => {
    expect(findFix('xfs-async-inode-reclaim')!.delta).toEqual({ xfsInodeReclaim: 'nonblocking' });
    expect(defaultKernelConfig.xfsInodeReclaim).toBe('sync-wait');
  });
});

describe('fix headers', () => {
  it.each(FIXES.map((f) => [f.name, f] as const))('%s: says who, where and which kernel mechanism (with its kernel-semantics.md section)', (name, f) => {
    // Arrange: the file whose module comment opens with the fix's name
    const dir = path.join(__dirname, '..', '..', 'specs', 'fixes');
    const file = fs.readdirSync(dir).find((x) => fs.readFileSync(path.join(dir, x), 'utf8').includes(`name: '${name}'`));
    // Assert
    expect(file).toBeDefined();
    expect(fs.readFileSync(path.join(dir, file!), 'utf8')).toMatch(new RegExp(`^/\\*\\*\\n \\* \`${name}\`: `));
    for (const field of [f.title, f.proposedBy, f.where, f.mechanism]) expect(field.trim()).not.toBe('');
    expect(f.mechanism).toMatch(/kernel-semantics\.md §\d/);
    expect(f.where).toMatch(/\d{4}-\d{2}-\d{2}|[0-9a-f]{12}/);
  });
});

describe('the cost witness', () => {
  it('should be a witness of every fixed stack spec, evaluated by the search', () => {
    const spec = buildFixedStackSpec({ stack: 'ext4/ssd' });
    expect(spec.witnesses!.map((w) => w.name)).toContain(COST_WITNESS);
  });

  it("should not be reached by the initial state (nobody is allocating)", () => {
    const spec = buildFixedStackSpec({ stack: 'ext4/ssd' });
    expect(spec.witnesses!.find((w) => w.name === COST_WITNESS)!.reached(spec.init()[0])).toBe(false);
  });

  it('should be reached when an application on ext4 enters the slow path with __GFP_FS, and not on XFS (NOFS mapping)', () => {
    const at = (stack: string, fixes: string[]) => {
      const spec = buildFixedStackSpec({ stack, fixes });
      const s0 = spec.init()[0] as KState;
      const s1 = spec.actions[0].next({ ...s0, mm: { free: 0, reserve: 1 } }, { w: 0 }) as KState;
      const v = s1.app[0];
      expect(findFrame(v, '__alloc_pages_slowpath')).toBeGreaterThanOrEqual(0);
      return spec.witnesses!.find((w) => w.name === COST_WITNESS)!.reached(s1);
    };
    expect(at('ext4/ssd', [])).toBe(true);
    expect(at('ext4/ssd', ['ext4-mapping-nofs'])).toBe(false);
    expect(at('ext4/ssd', ['io-flusher'])).toBe(true);
    expect(at('xfs/ssd', [])).toBe(false);
  });
});
