/**
 * composeFixes: how fix deltas combine (scopes concatenate, task flags are a
 * union per role, cleared mapping bits are a union, the later allocation-site
 * mask wins), and the fix registry's lookup and usage errors.
 */
import { defaultKernelConfig, resolveConfig } from '../../models';
import { composeFixes, findFix, FIXES, fixNames, fixSetLabel, resolveFixes } from '../../specs/fixes';
import type { Fix } from '../../specs/fixes';
import { buildFixedStackSpec, FixError } from '../../specs/fixes/spec';

const fake = (name: string, delta: Fix['delta']): Fix => ({ name, title: name, proposedBy: 'test', where: 'test', mechanism: 'test', delta });

describe('composeFixes', () => {
  it('should give an empty delta for no fix (the v5.2 baseline)', () => {
    expect(composeFixes([])).toEqual({});
    expect(resolveConfig(composeFixes([]))).toEqual(defaultKernelConfig);
  });

  it('should concatenate scopes in fix order', () => {
    // Arrange
    const a = findFix('pagecache-nofs')!;
    const b = findFix('rwf-nofsreclaim')!;
    // Act
    const d = composeFixes([a, b]);
    // Assert
    expect(d.scopes).toEqual([...a.delta.scopes!, ...b.delta.scopes!]);
    expect(resolveConfig(d).scopes.map((s) => s.frame)).toEqual(['grab_cache_page_write_begin', '__page_cache_alloc', 'ksys_pwrite64', 'ksys_pread64']);
  });

  it('should take the union of task flags per role, starting from the v5.2 flags', () => {
    // Arrange: two fixes adding flags to tcmu-runner, one to the loop worker
    const more = fake('more', { taskFlags: { 'tcmu-runner': ['PF_MEMALLOC_NOFS', 'PF_MEMALLOC_NOIO'] } });
    // Act
    const cfg = resolveConfig(composeFixes([findFix('io-flusher')!, more, findFix('loop-worker-noio')!]));
    // Assert
    expect(cfg.taskFlags['tcmu-runner']).toEqual(['PF_MEMALLOC_NOIO', 'PF_LOCAL_THROTTLE', 'PF_MEMALLOC_NOFS']);
    expect(cfg.taskFlags['loop-worker']).toEqual(['PF_KTHREAD', 'PF_LESS_THROTTLE', 'PF_MEMALLOC_NOIO']);
    expect(cfg.taskFlags.kswapd).toEqual(defaultKernelConfig.taskFlags.kswapd);
  });

  it('should keep a role\'s v5.2 flags even when a fix lists only the flag it adds', () => {
    const cfg = resolveConfig(composeFixes([fake('noio-only', { taskFlags: { 'loop-worker': ['PF_MEMALLOC_NOIO'] } })]));
    expect(cfg.taskFlags['loop-worker']).toEqual(['PF_KTHREAD', 'PF_LESS_THROTTLE', 'PF_MEMALLOC_NOIO']);
  });

  it('should take the union of cleared mapping bits per filesystem, keeping the v5.2 bits', () => {
    // Arrange
    const io = fake('ext4-noio', { mappingClear: { ext4: ['__GFP_IO'] }, lowerFsMappingClear: ['__GFP_IO'] });
    // Act
    const cfg = resolveConfig(composeFixes([findFix('ext4-mapping-nofs')!, io, findFix('nofs-mount-option')!]));
    // Assert
    expect(cfg.mappingClear.ext4).toEqual(['__GFP_FS', '__GFP_IO']);
    expect(cfg.mappingClear.xfs).toEqual(['__GFP_FS']);
    expect(cfg.lowerFsMappingClear).toEqual(['__GFP_IO', '__GFP_FS']);
  });

  it('should let the later fix win for an allocation site, keeping the other sites', () => {
    // Arrange
    const kernelAgain = fake('kernel-again', { allocSites: { tcmu_alloc_cmd: 'GFP_KERNEL' } });
    // Act
    const ab = resolveConfig(composeFixes([findFix('tcmu-gfp-noio')!, kernelAgain]));
    const ba = resolveConfig(composeFixes([kernelAgain, findFix('tcmu-gfp-noio')!]));
    // Assert
    expect(ab.allocSites).toEqual({ tcmu_alloc_cmd: 'GFP_KERNEL', tcmu_get_empty_block: 'GFP_NOIO', dmz_queue_chunk_work: 'GFP_NOIO' });
    expect(ba.allocSites).toEqual({ tcmu_alloc_cmd: 'GFP_NOIO', tcmu_get_empty_block: 'GFP_NOIO', dmz_queue_chunk_work: 'GFP_NOIO' });
  });

  it('should turn the bio-carried scope on if any fix does, and let the later fix win for scalars', () => {
    const back = fake('sync-again', { xfsInodeReclaim: 'sync-wait', bioCarriesScope: false });
    const cfg = resolveConfig(composeFixes([findFix('bio-carries-nofs')!, findFix('xfs-async-inode-reclaim')!, back]));
    expect(cfg.bioCarriesScope).toBe(true);
    expect(cfg.xfsInodeReclaim).toBe('sync-wait');
  });

  it('should compose io-flusher + tcmu-gfp-noio into both changes', () => {
    const cfg = resolveConfig(composeFixes([findFix('io-flusher')!, findFix('tcmu-gfp-noio')!]));
    expect(cfg.taskFlags['tcmu-runner']).toEqual(['PF_MEMALLOC_NOIO', 'PF_LOCAL_THROTTLE']);
    expect(cfg.allocSites.tcmu_alloc_cmd).toBe('GFP_NOIO');
    expect(cfg.allocSites.tcmu_get_empty_block).toBe('GFP_NOIO');
    expect(cfg.kernel).toBe('v5.2');
  });

  it('should not change the deltas it composes', () => {
    const before = JSON.stringify(FIXES.map((f) => f.delta));
    composeFixes(FIXES);
    expect(JSON.stringify(FIXES.map((f) => f.delta))).toBe(before);
  });
});

describe('the fix registry', () => {
  it('should have the names of the issue, once each, in matrix order', () => {
    expect(fixNames()).toEqual([
      'ext4-mapping-nofs',
      'pagecache-nofs',
      'lower-fs-io-nofs',
      'dmzoned-nofs-scope',
      'bio-carries-nofs',
      'rwf-nofsreclaim',
      'nofs-mount-option',
      'io-flusher',
      'tcmu-gfp-noio',
      'loop-worker-noio',
      'xfs-async-inode-reclaim',
    ]);
  });

  it('should reject an unknown fix with a message that names every known fix', () => {
    // Act
    const r = resolveFixes(['io-flusher', 'no-such-fix']);
    // Assert
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error).toContain('unknown fix "no-such-fix"');
    for (const n of fixNames()) expect(r.error).toContain(n);
  });

  it('should ignore a fix given twice', () => {
    const r = resolveFixes(['io-flusher', 'io-flusher']);
    expect(r.ok && r.fixes.map((f) => f.name)).toEqual(['io-flusher']);
  });

  it('should label fix sets as the CLI and the matrix show them', () => {
    expect(fixSetLabel([])).toBe('none');
    expect(fixSetLabel(['io-flusher', 'tcmu-gfp-noio'])).toBe('io-flusher + tcmu-gfp-noio');
  });

  it('should throw FixError from buildFixedStackSpec for an unknown fix', () => {
    expect(() => buildFixedStackSpec({ stack: 'ext4/ssd', fixes: ['nope'] })).toThrow(FixError);
  });

  it('should record the fix set in the spec params', () => {
    expect(buildFixedStackSpec({ stack: 'ext4/ssd' }).params).toMatchObject({ stack: 'ext4/ssd', fixes: 'none' });
    expect(buildFixedStackSpec({ stack: 'ext4/ssd', fixes: ['io-flusher', 'tcmu-gfp-noio'] }).params).toMatchObject({ fixes: 'io-flusher + tcmu-gfp-noio' });
  });
});
