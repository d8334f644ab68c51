/**
 * KernelConfig is data: a delta on v5.2 reaches the mechanism it names
 * (mapping masks, scopes at frames, task flags, bio-carried scope, XFS
 * reclaim mode) without any fix-named code path. The catalogue of fixes and
 * their verdicts is a later issue; this only checks the mechanisms respond.
 */
import { check } from '../../checker';
import { buildStackSpec, defaultKernelConfig, KernelConfig, resolveConfig } from '../../models';

const verdict = (config: Partial<KernelConfig>, workload: 'write' | 'read' = 'write') => {
  const r = check(buildStackSpec({ stack: 'report-2019', workload, config }), { allViolations: true });
  return r.violations.map((v) => v.class);
};

describe('KernelConfig deltas on the 2019 stack', () => {
  it('should default to v5.2', () => {
    expect(defaultKernelConfig.kernel).toBe('v5.2');
    expect(defaultKernelConfig.mappingClear).toEqual({ xfs: ['__GFP_FS'], ext4: [] });
    expect(defaultKernelConfig.xfsInodeReclaim).toBe('sync-wait');
    expect(resolveConfig()).toBe(defaultKernelConfig);
  });

  it('should merge a delta: records merge, scopes append', () => {
    const c = resolveConfig({ taskFlags: { 'tcmu-runner': ['PF_MEMALLOC_NOIO'] }, scopes: [{ frame: 'ksys_pwrite64', scope: 'NOFS' }] });
    expect(c.taskFlags['tcmu-runner']).toEqual(['PF_MEMALLOC_NOIO']);
    expect(c.taskFlags['loop-worker']).toEqual(defaultKernelConfig.taskFlags['loop-worker']);
    expect(c.scopes).toHaveLength(1);
  });

  it.each<[string, Partial<KernelConfig>]>([
    ['ext4 mapping without __GFP_FS', { mappingClear: { xfs: ['__GFP_FS'], ext4: ['__GFP_FS'] } }],
    ['NOFS scope around every syscall into a lower filesystem', { scopes: [{ frame: 'ksys_pwrite64', scope: 'NOFS', lowerFsOnly: true }] }],
    ['PR_SET_IO_FLUSHER on tcmu-runner', { taskFlags: { 'tcmu-runner': ['PF_MEMALLOC_NOIO', 'PF_LOCAL_THROTTLE'] } }],
    ['XFS 5.9 non-blocking inode reclaim', { xfsInodeReclaim: 'nonblocking' }],
  ])('should close the reclaim route with %s', (_name, config) => {
    expect(verdict(config)).toEqual([]);
  });

  it('should leave the deadlock when the scope travels in the bio: the tcmu ring carries no task flags', () => {
    expect(verdict({ bioCarriesScope: true })).toEqual(['tcmu-runner@xfs_buf_iowait']);
  });

  it('should leave the read deadlock with a NOFS scope on writes only', () => {
    expect(verdict({ scopes: [{ frame: 'ksys_pwrite64', scope: 'NOFS', role: 'tcmu-runner' }] }, 'read')).toEqual(['tcmu-runner@xfs_buf_iowait']);
  });
});
