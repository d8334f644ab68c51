/**
 * Claims docs/fixes.md makes about variants that are not rows of the matrix,
 * each checked by exhaustive search: the big hammer without its oracle, the
 * cost witness on XFS, and the fixes that leave the 2019 deadlock exactly as
 * it was.
 */
import { check } from '../../checker';
import { composeStack } from '../../models';
import { buildFixedStackSpec, COST_WITNESS, costWitness } from '../../specs/fixes/spec';
import { VERIFY_OPTIONS } from '../../specs/verify/options';

jest.setTimeout(120_000);

/** The 2019-thread column of specs/verdicts.json: the route the thread saw, alone. */
const THREAD = { kswapd: '0', daemon_alloc: '0', tcmu_kernel: '0' };

const witness = (r: ReturnType<typeof check>) => r.properties.find((p) => p.name === COST_WITNESS)?.status;

describe('lower-fs-io-nofs without the lower-filesystem oracle', () => {
  // the same NOFS scopes on every read/write, top filesystem included
  const scopes = (['vfs_write', 'vfs_read', 'vfs_iter_write', 'vfs_iter_read'] as const).map((frame) => ({ frame, scope: 'NOFS' as const }));
  const run = (stack: string, params: Record<string, string> = {}) => {
    const { kernel, spec } = composeStack({ stack, workload: 'write', params, config: { scopes } });
    return check({ ...spec, witnesses: [...(spec.witnesses ?? []), costWitness(kernel)] }, VERIFY_OPTIONS);
  };

  it('should be over-restrictive: an application on an unstacked ext4 can no longer reclaim with __GFP_FS', () => {
    const r = run('ext4/ssd', { pages: '3' }); // the cost column's memory (pages=3: as much as the XFS stacks with their buffer page)
    expect(r.complete).toBe(true);
    expect(r.stats.distinctStates).toBe(32);
    expect(witness(r)).toBe('unreached');
  });

  it('should still remove the deadlock the thread saw (2019-thread: kswapd=0 daemon_alloc=0 tcmu_kernel=0)', () => {
    const r = run('xfs/dm-zoned/tcmu/ext4/ssd', THREAD);
    expect(r.status).toBe('holds');
    expect(r.stats.distinctStates).toBe(68);
  });
});

describe('the cost witness on xfs/ssd', () => {
  it('should be unreached even with no fix (XFS page-cache allocations are NOFS), so xfs/ssd is no cost column', () => {
    const r = check(buildFixedStackSpec({ stack: 'xfs/ssd' }), VERIFY_OPTIONS);
    expect(r.stats.distinctStates).toBe(185);
    expect(witness(r)).toBe('unreached');
  });
});

describe('fixes that leave the 2019 deadlock as it was', () => {
  const runs = new Map<string, [string | undefined, string[]][]>();
  const actions = (fixes: string[], params: Record<string, string> = {}) => {
    const key = JSON.stringify([fixes, params]);
    if (!runs.has(key)) {
      const r = check(buildFixedStackSpec({ stack: 'xfs/dm-zoned/tcmu/ext4/ssd', params, fixes }), VERIFY_OPTIONS);
      runs.set(key, r.violations.map((v) => [v.class, v.trace.map((s) => `${s.action}(${String(s.params)})`)]));
    }
    return runs.get(key)!;
  };

  it.each(['dmzoned-nofs-scope', 'bio-carries-nofs', 'tcmu-gfp-noio', 'loop-worker-noio'])("%s: on the thread's route, the same class with step-for-step the same shortest trace", (fix) => {
    expect(actions([fix], THREAD)).toEqual(actions([], THREAD));
    expect(actions([], THREAD).map(([c]) => c)).toEqual(['tcmu-runner@xfs_buf_iowait']);
  });

  // tcmu-gfp-noio is no longer one of them with every route on: it closes the kworker's routes (its row in specs/verdicts.json)
  it.each(['dmzoned-nofs-scope', 'bio-carries-nofs', 'loop-worker-noio'])('%s: with every route on, the same classes with step-for-step the same shortest traces', (fix) => {
    expect(actions([fix])).toEqual(actions([]));
  });
});
