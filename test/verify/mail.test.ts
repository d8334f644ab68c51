/**
 * The `mail` format: the 2019 deadlock as plain text for a mailing-list reply
 * (snapshot), at most 72 columns and ASCII only, the same text from a saved
 * JSON report, and every deadlock class when several remain.
 */
import { check } from '../../checker';
import { buildReport, parseReport } from '../../checker/report';
import type { Report } from '../../checker/report';
import { buildFixedStackSpec } from '../../specs/fixes/spec';
import { MAIL_WIDTH, mailRenderer, renderMail, reproduceCommand, stepText, toAscii, wrap } from '../../specs/report/mail';
import { VERIFY_OPTIONS } from '../../specs/verify/run';

jest.setTimeout(60_000);

const STACK_2019 = 'xfs/dm-zoned/tcmu/ext4/ssd';

/** The JSON report of a check, as `gfpcheck check --stack ... --all-violations --format json` writes it (version pinned). */
function reportOf(stack: string, opts: { fixes?: string[]; workload?: 'write' | 'read'; params?: Record<string, string> } = {}): Report {
  const spec = buildFixedStackSpec({ stack, workload: opts.workload ?? 'write', params: opts.params ?? {}, fixes: opts.fixes ?? [] });
  const result = check(spec, { ...VERIFY_OPTIONS, clock: () => 0 });
  return buildReport(result, {
    version: '0.1.0',
    spec,
    source: `stack ${stack}`,
    options: { strategy: 'bfs', store: 'fingerprint', symmetry: true, allViolations: true },
  });
}

const overlong = (text: string) => text.split('\n').filter((l) => l.length > MAIL_WIDTH);
const nonAscii = (text: string) => text.split('\n').filter((l) => /[^\x20-\x7e]/.test(l));

describe('mail rendering of the 2019 deadlock (v5.2, no fix)', () => {
  const report = reportOf(STACK_2019);
  const mail = renderMail(report);

  it('should match the snapshot', () => {
    expect(mail).toMatchSnapshot();
  });

  it('should fit in 72 columns and use ASCII only (no colour, no box drawing)', () => {
    expect(overlong(mail)).toEqual([]);
    expect(nonAscii(mail)).toEqual([]);
    expect(mail).not.toContain('\u001b[');
  });

  it('should give the summary, the cycle, the kernel-style backtrace with GFP flags, the numbered trace and the command', () => {
    const text = mail.replace(/\n/g, ' ');
    expect(text).toMatch(/^gfpcheck 0\.1\.0: deadlock in xfs\/dm-zoned\/tcmu\/ext4\/ssd, write workload,/);
    expect(text).toContain('fix set: none');
    // issue 15: each class with its stable label (specs/verify/classes.ts), and the inevitability the witness shows; issue 10: its category
    // issue 10 defaults (tcmu_cmdr_lock): 10 classes, the kworker cmdr_lock cycle T5 first (18 steps); R1 third
    expect(text).toMatch(/finds 10 deadlock classes: \[T5\] .* \[R1\] tcmu-runner@xfs_buf_iowait \(recursion\); .* the shortest trace has 18 steps\. The deadlock is inevitable at these bounds, not merely reachable: no execution completes the workload \(the witness workload-completes is never reached\)\./);
    expect(mail).toMatch(/^ {2}tcmu-runner -> tcmu-runner {2}\(in xfs_buf_iowait\)$/m);
    expect(mail).toMatch(/^task:tcmu-runner state:D flags:PF_MEMALLOC\nCall Trace:\n wait_for_completion\n xfs_buf_iowait\n/m);
    expect(mail).toContain(' __alloc_pages_nodemask gfp=GFP_HIGHUSER_MOVABLE|__GFP_WRITE\n');
    expect(mail).toMatch(/^ {3}1\. writer\/0: sys_pwrite$/m);
    expect(mail).toMatch(/^3\/10\. Deadlock R1: tcmu-runner@xfs_buf_iowait$/m);
    expect(mail).toMatch(/^ {2}16\. tcmu-runner: __alloc_pages_slowpath \(LRU frees a clean ext4 page\)$/m);
    expect(mail).toMatch(/^ {2}\$ gfpcheck check --stack xfs\/dm-zoned\/tcmu\/ext4\/ssd --workload write \\$/m);
    expect(mail.replace(/ \\\n\s+/g, ' ').trimEnd().endsWith('--all-violations --format mail')).toBe(true);
  });

  it('should render a saved JSON report exactly as the run did (gfpcheck render)', () => {
    const saved = parseReport(JSON.stringify(report, null, 2));
    expect(saved.ok).toBe(true);
    if (saved.ok) expect(mailRenderer.render(saved.value)).toBe(mail);
  });
});

// route (b) alone (no daemon or kworker allocation): three classes in 873 states
describe('mail rendering with several deadlock classes (daemon_alloc=0 tcmu_kernel=0)', () => {
  const mail = renderMail(reportOf(STACK_2019, { params: { daemon_alloc: '0', tcmu_kernel: '0' } }));

  it('should give each class its own cycle, backtraces and shortest trace, within 72 ASCII columns', () => {
    expect(overlong(mail)).toEqual([]);
    expect(nonAscii(mail)).toEqual([]);
    expect(mail.replace(/\n/g, ' ')).toContain(
      'finds 3 deadlock classes: [R1] tcmu-runner@xfs_buf_iowait (recursion); [K1] kswapd@xfs_buf_iowait + tcmu-runner@mutex_lock(pag_ici_reclaim_lock) (recursion); [K2] kswapd@xfs_buf_iowait + tcmu-runner@throttle_direct_reclaim (recursion);',
    );
    expect(mail).toMatch(/^1\/3\. Deadlock R1: /m);
    expect(mail).toMatch(/^2\/3\. Deadlock K1: /m);
    expect(mail).toMatch(/^3\/3\. Deadlock K2: /m);
    expect(mail).toMatch(/^ {2}kswapd0 {5}-> tcmu-runner {2}\(in xfs_buf_iowait\)$/m);
    expect(mail).toMatch(/^task:kswapd0 state:D flags:PF_MEMALLOC\|PF_KSWAPD\|PF_KTHREAD$/m);
    expect(mail).toContain('--param kswapd=1');
    expect(mail).toContain('--param daemon_alloc=0 --param tcmu_kernel=0');
  });
});

describe('mail rendering of a fix that holds', () => {
  const mail = renderMail(reportOf(STACK_2019, { fixes: ['io-flusher', 'tcmu-gfp-noio'], workload: 'read' }));

  it('should say no deadlock, with the fix set, and how to reproduce it with --fix', () => {
    const text = mail.replace(/\n/g, ' ');
    expect(text).toMatch(/^gfpcheck 0\.1\.0: no deadlock in xfs\/dm-zoned\/tcmu\/ext4\/ssd, read workload,/);
    expect(text).toContain('fix set: io-flusher + tcmu-gfp-noio');
    expect(text).toContain('finds no deadlock and no invariant violation.');
    expect(reproduceCommand(reportOf('ext4/ssd', { fixes: ['io-flusher', 'tcmu-gfp-noio'] })).join(' ').replace(/ \\ +/g, ' ')).toContain('--fix io-flusher --fix tcmu-gfp-noio');
    expect(overlong(mail)).toEqual([]);
  });
});

describe('mail helpers', () => {
  it('should wrap at spaces and break a long GFP mask after a |', () => {
    expect(wrap('a '.repeat(40).trim(), '', '', 20)).toEqual(['a a a a a a a a a a', 'a a a a a a a a a a', 'a a a a a a a a a a', 'a a a a a a a a a a']);
    expect(wrap('gfp=GFP_NOIO|__GFP_HIGHMEM|__GFP_HARDWALL|__GFP_MOVABLE', ' ', '   ', 30)).toEqual([' gfp=GFP_NOIO|__GFP_HIGHMEM|', '   __GFP_HARDWALL|', '   __GFP_MOVABLE']);
  });

  it('should transliterate non-ASCII text', () => {
    expect(toAscii('a \u2192 b \u2014 c\u2026 \u00d7 \u2265')).toBe('a -> b -- c... x >=');
    expect(toAscii('\u00e9')).toBe('?');
  });

  it('should write a step as task: action (details)', () => {
    expect(stepText({ step: 7, action: 'blk_mq_complete_request(ssd)', params: 'ssd', state: null })).toBe('ssd: blk_mq_complete_request');
    expect(stepText({ step: 15, action: '__alloc_pages_slowpath', params: 'tcmu-runner, LRU frees a clean xfs page', state: null })).toBe(
      'tcmu-runner: __alloc_pages_slowpath (LRU frees a clean xfs page)',
    );
  });
});
