/**
 * The kernel model's dispatch (models/stack.ts, from each action's `when`):
 * on every named stack, both workloads, and with the issue-10 paths (the XFS
 * log, dm-zoned's metadata flush), the 5.15 profile and the OOM killer, the search with the dispatch finds exactly what the full
 * evaluation of every action finds: the same states, transitions, depth,
 * classes and traces (the whole JSON-level result, timings aside). The engine
 * also evaluates every action on its purity sample and on every deadlock
 * (MC206 when the dispatch left one out), in every run of the suite.
 */
import { check, CheckResult } from '../../checker';
import { buildStackSpec, listStacks, StackOptions } from '../../models';
import { composeProfile } from '../../specs/profiles';
import { withoutTiming } from '../helpers/matrix';

const OPTIONS = { allViolations: true, liveness: false } as const;

function bothWays(opts: StackOptions): { on: CheckResult; off: CheckResult } {
  const spec = buildStackSpec(opts);
  expect(typeof spec.dispatch).toBe('function');
  return { on: check(spec, OPTIONS), off: check(spec, { ...OPTIONS, dispatch: false }) };
}

const CASES: { label: string; opts: StackOptions }[] = [
  // every named stack with each workload it models (FUSE and NFS model writes only)
  ...listStacks()
    .flatMap((s) => (['write', 'read'] as const).map((workload) => ({ label: `${s.name} ${workload}`, opts: { stack: s.name, workload } as StackOptions })))
    .filter(({ opts }) => !(opts.workload === 'read' && /^(fuse|nfs)/.test(opts.stack))),
  { label: 'report-2019 with xfs_log=1', opts: { stack: 'report-2019', params: { xfs_log: '1' } } },
  { label: 'xfs/dm-zoned/zoned with dmz_block=1', opts: { stack: 'xfs/dm-zoned/zoned', params: { dmz_block: '1' } } },
  { label: 'xfs-ssd on 5.15 (inodegc) with xfs_log=1', opts: { stack: 'xfs-ssd', params: { xfs_log: '1' }, config: composeProfile('5.15') } },
  { label: 'nbd-ext4 read with anon_pages=1', opts: { stack: 'nbd-ext4', workload: 'read', params: { anon_pages: '1' } } },
];

describe('kernel model dispatch', () => {
  test.each(CASES)('$label: the same result with and without the dispatch', ({ opts }) => {
    const { on, off } = bothWays(opts);
    expect(on.status).not.toBe('error');
    expect(on.stats.distinctStates).toBeGreaterThan(20);
    expect(withoutTiming(on)).toEqual(withoutTiming(off));
  });

  test('every action the model can take in report-2019 is dispatched by frame except the ones without a task step', () => {
    const spec = buildStackSpec({ stack: 'report-2019' });
    const undispatched = (spec.actions as readonly { name: string; when?: unknown }[]).filter((a) => a.when === undefined).map((a) => a.name);
    // the disk's completion and the dm-zoned chunk work (which, without dmz_block, runs whatever the kworker's frames)
    expect(undispatched).toEqual(['dmz_chunk_work', 'blk_mq_complete_request(ssd)']);
  });
});
