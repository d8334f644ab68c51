/**
 * The ASCII swimlane (lockdep's "Possible unsafe locking scenario" style) of
 * the 2019 deadlock and of one class of each route: snapshots, 72 ASCII
 * columns, one column per task of the cycle, the closing waits marked, the
 * tasks not drawn named; in --format mail and --format text; DieHard's
 * generic one.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parseReport, renderText } from '../../checker/report';
import { kernelTraceView } from '../../specs/report/kernelView';
import { renderMail } from '../../specs/report/mail';
import { kernelTextRenderer, textSwimlane } from '../../specs/report/pictures';
import { cellWrap, columnsThatFit, swimlaneLines } from '../../specs/report/swimlane';
import { dieHardReport, ROUTE_CASES, STACK_2019, stackReport, violationOf } from './pictureReports';

jest.setTimeout(120_000);

const overlong = (lines: readonly string[]) => lines.filter((l) => l.length > 72);
const nonAscii = (lines: readonly string[]) => lines.filter((l) => /[^\x20-\x7e]/.test(l));

describe('the swimlane of the 2019 deadlock (gfpcheck check --stack report-2019 --all-violations, class R1)', () => {
  const report = stackReport(STACK_2019);
  // The reported deadlock, R1; with tcmu_cmdr_lock on by default T5 is the shortest class and comes first.
  const v = violationOf(report, 'tcmu-runner@xfs_buf_iowait');
  const lines = swimlaneLines(report, v);

  it('should match the snapshot', () => {
    expect(v.class).toBe('tcmu-runner@xfs_buf_iowait');
    expect(lines.join('\n')).toMatchSnapshot();
  });

  it('should draw one column for the one task of the cycle, the allocation with its GFP mask, and mark the closing wait', () => {
    expect(overlong(lines)).toEqual([]);
    expect(nonAscii(lines)).toEqual([]);
    const head = lines.findIndex((l) => /^ {5}tcmu-runner\s*$/.test(l));
    expect(head).toBeGreaterThan(0);
    expect(lines[head + 1].trim()).toBe('[tcmu]');
    const text = lines.join('\n');
    // step 16: tcmu-runner's page-cache allocation enters reclaim and waits in XFS inode reclaim
    expect(text).toMatch(/^ 16\. __alloc_pages_slowpath \(LRU\n.*\n {5}xfs: xfs_buf_iowait\n {5}alloc\n {7}GFP_HIGHUSER_MOVABLE\|__GFP_\n {7}WRITE\n {5}\*\*\* waits xfs_buf_iowait \*\*\*$/m);
    expect(text).toContain('*** DEADLOCK *** tcmu-runner -> tcmu-runner');
    expect(text).toMatch(/Not drawn \(not in the cycle\), folded into the lines in parentheses:\s+writer\/0, flush-xfs, kworker\/dmz_cwq, kworker\/tcm_loop\/0, flush-ext4,\s+ssd, kswapd0\./);
    // every step of the trace is either a row of the column or folded into a line naming who moved
    const drawn = [...text.matchAll(/^ {0,2}(\d+)\. /gm)].map((m) => Number(m[1]));
    const folded = [...text.matchAll(/\(steps? (\d+)(?:-(\d+))?:/g)].flatMap((m) => {
      const a = Number(m[1]);
      const b = m[2] ? Number(m[2]) : a;
      return Array.from({ length: b - a + 1 }, (_, i) => a + i);
    });
    expect([...drawn, ...folded].sort((a, b) => a - b)).toEqual(Array.from({ length: v.trace.length - 1 }, (_, i) => i + 1));
  });

  it('should be in the mail, after the cycle, and in --format text after the trace, for every class', () => {
    const mail = renderMail(report);
    expect(mail.split('\n').filter((l) => l.startsWith('Possible unsafe scenario'))).toHaveLength(report.violations.length);
    expect(mail.indexOf('Possible unsafe scenario')).toBeGreaterThan(mail.indexOf('Wait-for cycle (each task waits for the next):'));
    expect(mail.indexOf('Possible unsafe scenario')).toBeLessThan(mail.indexOf('Blocked tasks, innermost frame first'));
    const text = kernelTextRenderer.render(report);
    expect(text.split('\n').filter((l) => l.startsWith('Possible unsafe scenario'))).toHaveLength(report.violations.length);
    // the text format is TLC's plus the swimlane, nothing else changed
    const plain = renderText(report);
    const stripped = text.replace(/Possible unsafe scenario[\s\S]*?(?=\nViolation \d+ of|\nModel checking completed|\nSearch incomplete)/g, (m) => (m.endsWith('\n') ? '' : ''));
    expect(stripped.replace(/\n{2,}/g, '\n')).toBe(plain.replace(/\n{2,}/g, '\n'));
  });

  it('should be the swimlane docs/cli.md shows', () => {
    const doc = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'cli.md'), 'utf8');
    const block = /<!-- swimlane-2019 -->\n```\n([\s\S]*?)\n```\n<!-- \/swimlane-2019 -->/.exec(doc);
    expect(block?.[1]).toBe(lines.join('\n'));
  });

  it('should draw the same from a saved JSON report (gfpcheck render)', () => {
    const saved = parseReport(JSON.stringify(report));
    expect(saved.ok).toBe(true);
    if (saved.ok) expect(swimlaneLines(saved.value, violationOf(saved.value, 'tcmu-runner@xfs_buf_iowait'))).toEqual(lines);
  });
});

describe.each(ROUTE_CASES)('the swimlane of route $route', ({ report, cls }) => {
  const r = report();
  const v = violationOf(r, cls);
  const lines = swimlaneLines(r, v);
  const text = lines.join('\n');
  const view = kernelTraceView(r, v)!;
  const cycleTasks = [...new Set(view.cycle.map((e) => e.from))];

  it('should match the snapshot', () => {
    expect(text).toMatchSnapshot();
  });

  it('should fit 72 ASCII columns, with one column per task of the cycle, each closing wait marked once', () => {
    expect(overlong(lines)).toEqual([]);
    expect(nonAscii(lines)).toEqual([]);
    expect(cycleTasks.length).toBeGreaterThan(0);
    expect(cycleTasks.length).toBeLessThanOrEqual(columnsThatFit());
    const header = lines[lines.findIndex((l) => l.trim() === '') + 1];
    expect(header.trim().split(/\s{2,}/)).toEqual(cycleTasks);
    const cycleAt = Array.isArray(v.cycle) ? (v.cycle as { task: string; at: string }[]) : [];
    // cells wrap inside identifiers: compare without blanks and wait bars
    for (const e of cycleAt) expect(text.replace(/[\s|]/g, '')).toContain(`***waits${e.at.replace(/\s/g, '')}***`);
    expect((text.match(/\*\*\* waits(?!")/g) ?? []).length).toBe(cycleAt.length);
    expect(text.replace(/\s+/g, ' ')).toContain(`*** DEADLOCK *** ${[...cycleTasks, cycleTasks[0]].join(' -> ')}`);
  });

  it('should show an allocation with its effective GFP mask', () => {
    expect(text).toMatch(/alloc\s+(GFP_|__GFP_)/);
  });
});

describe('the swimlane of a reference model (DieHard, no cycle)', () => {
  const r = dieHardReport();
  const lines = swimlaneLines(r, r.violations[0]);

  it('should draw a column per variable, every step, in the mail but not in the TLC text', () => {
    expect(lines.join('\n')).toMatchSnapshot();
    expect(lines[2].trim().split(/\s+/)).toEqual(['small', 'big']);
    expect(lines.filter((l) => /^ {2}\d\. /.test(l))).toHaveLength(6);
    expect(renderMail(r)).toContain('The trace as a scenario, one column per lane');
    expect(textSwimlane(r.violations[0], r)).toEqual([]);
  });
});

describe('cellWrap', () => {
  it('should break identifiers after _ or | and never exceed the width', () => {
    expect(cellWrap('GFP_HIGHUSER_MOVABLE|__GFP_WRITE', 21, '  ')).toEqual(['GFP_HIGHUSER_MOVABLE|', '  __GFP_WRITE']);
    for (const w of [10, 14, 21, 32]) {
      for (const l of cellWrap('tcm_loop_submission_work (the data area grows: tcmu_get_empty_block allocates a page)', w, '  ')) expect(l.length).toBeLessThanOrEqual(w);
    }
  });
});

describe('the swimlane when the lanes do not fit', () => {
  it('should draw as many columns as fit in 72 and name the others', () => {
    const vars = ['alpha', 'beta', 'gamma', 'delta', 'epsilon', 'zeta'];
    const state = (n: number) => Object.fromEntries(vars.map((k, i) => [k, i < n ? 1 : 0]));
    const report = {
      tool: 'gfpcheck', version: '0.1.0', spec: 'six', params: {}, result: 'violated', complete: true,
      stats: { distinctStates: 7, statesGenerated: 7, depth: 6, seconds: 0, statesPerSecond: 0, store: 'exact', omissionProbability: 0, bytesPerState: 0, symmetry: 'off' },
      properties: [],
      violations: [{ property: 'Inv', kind: 'invariant', trace: [0, 1, 2, 3, 4, 5, 6].map((n) => ({ step: n, action: n === 0 ? null : `Set${n}`, params: null, state: state(n) })) }],
    } as unknown as import('../../checker/report').Report;
    const lines = swimlaneLines(report, report.violations[0]);
    expect(columnsThatFit()).toBe(4);
    expect(lines[2].trim().split(/\s+/)).toEqual(['alpha', 'beta', 'gamma', 'delta']);
    expect(overlong(lines)).toEqual([]);
    expect(lines.join('\n')).toContain('(steps 5-6: epsilon, zeta)');
    expect(lines.join('\n').replace(/\s+/g, ' ')).toContain('Not drawn (no room), folded into the lines in parentheses: epsilon, zeta.');
  });
});
