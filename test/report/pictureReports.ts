/**
 * The reports the picture tests draw: the 2019 deadlock (every class of the
 * default check) and one class of each route of docs/routes.md, each route
 * alone (`daemon_alloc=0 tcmu_kernel=0 kswapd=0 loop_alloc=0`, then one on),
 * and DieHard, each computed here by exhaustive search as
 * `gfpcheck check ... --all-violations --format json` would (version pinned,
 * times 0).
 */
import { check } from '../../checker';
import { buildReport } from '../../checker/report';
import type { Report, ReportViolation } from '../../checker/report';
import { buildFixedStackSpec } from '../../specs/fixes/spec';
import { dieHard } from '../../specs/reference/dieHard';
import { VERIFY_OPTIONS } from '../../specs/verify/run';

export const STACK_2019 = 'xfs/dm-zoned/tcmu/ext4/ssd';
const OFF = { daemon_alloc: '0', tcmu_kernel: '0', kswapd: '0', loop_alloc: '0' };

/** The JSON report of a `--stack` check with every violation. */
export function stackReport(stack: string, opts: { workload?: 'write' | 'read'; params?: Record<string, string>; fixes?: string[] } = {}): Report {
  const spec = buildFixedStackSpec({ stack, workload: opts.workload ?? 'write', params: opts.params ?? {}, fixes: opts.fixes ?? [] });
  const result = check(spec, { ...VERIFY_OPTIONS, clock: () => 0 });
  return buildReport(result, { version: '0.1.0', spec, source: `stack ${stack}`, options: { strategy: 'bfs', store: 'fingerprint', symmetry: true, allViolations: true } });
}

/** DieHard's report (the invariant violation whose trace is the solution). */
export function dieHardReport(): Report {
  const spec = dieHard();
  const result = check(spec, { clock: () => 0 });
  return buildReport(result, { version: '0.1.0', spec, source: 'reference model diehard', options: { strategy: 'bfs', store: 'fingerprint', symmetry: true, allViolations: false } });
}

export interface RouteCase {
  /** The route of docs/routes.md. */
  readonly route: string;
  readonly report: () => Report;
  /** The class drawn. */
  readonly cls: string;
}

/** One class of each route (docs/routes.md, "Each route on its own"), plus the three-task cycle K4 of the full model. */
export const ROUTE_CASES: readonly RouteCase[] = [
  { route: 'reported (the thread\'s route alone)', report: () => stackReport(STACK_2019, { params: OFF }), cls: 'tcmu-runner@xfs_buf_iowait' },
  { route: '(a) daemon allocations (xfs-backend: the heap fault)', report: () => stackReport('xfs/dm-zoned/tcmu/xfs/ssd', { params: { ...OFF, daemon_alloc: '1' } }), cls: 'tcmu-runner@xfs_buf_iowait' },
  { route: '(b) kswapd', report: () => stackReport(STACK_2019, { params: { ...OFF, kswapd: '1' } }), cls: 'kswapd@xfs_buf_iowait + tcmu-runner@mutex_lock(pag_ici_reclaim_lock)' },
  // route (d) with the v5.2 cmdr_lock in every tcmu_queue_cmd (tcmu_cmdr_lock, a default since issue 10): T5
  { route: '(d) tcmu kernel', report: () => stackReport(STACK_2019, { params: { ...OFF, tcmu_kernel: '1' } }), cls: 'tcm_loop-kworker@mutex_lock(cmdr_lock) + tcm_loop-kworker@xfs_buf_iowait' },
  { route: '(e) loop worker (loop-ext4, read)', report: () => stackReport('xfs/loop/ext4/ssd', { workload: 'read', params: { ...OFF, loop_alloc: '1' } }), cls: 'loop-worker@xfs_buf_iowait' },
  {
    route: '(a)+(b)+(d): K4, a cycle of three tasks (report-2019 defaults)',
    report: () => stackReport(STACK_2019),
    cls: 'kswapd@xfs_buf_iowait + tcm_loop-kworker@mutex_lock(pag_ici_reclaim_lock) + tcmu-runner@mutex_lock(cmdr_lock)',
  },
];

/** The violation of a class in a report (throws when the model no longer finds it). */
export function violationOf(r: Report, cls: string): ReportViolation {
  const v = r.violations.find((x) => x.class === cls);
  if (!v) throw new Error(`class ${cls} not found; the report has: ${r.violations.map((x) => x.class).join('; ')}`);
  return v;
}
