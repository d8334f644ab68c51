/**
 * The HTML trace viewer and the Graphviz output, without a browser: the page
 * is self-contained (nothing fetched), has a lane per task grouped by layer,
 * a row per step, the cycle highlighted, one tab per class; DieHard draws with
 * the generic view; `dot -Tsvg` accepts the DOT (Graphviz, when installed);
 * `render` refuses a report it cannot draw (151) and a foreign file (151).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { genericTraceView, parseReport, renderDot, renderHtml } from '../../checker/report';
import { kernelHtmlRenderer, kernelDotRenderer } from '../../specs/report/pictures';
import { kernelTraceView } from '../../specs/report/kernelView';
import { gfpcheck } from '../cli/helpers';
import { dieHardReport, ROUTE_CASES, STACK_2019, stackReport, violationOf } from './pictureReports';

jest.setTimeout(180_000);

/** The external references a self-contained page must not have. */
function externalRefs(html: string): string[] {
  const refs = [...html.matchAll(/\b(?:src|href)\s*=\s*["']?([^"' >]+)/gi)].map((m) => m[1]).filter((u) => !u.startsWith('#'));
  const imports = [...html.matchAll(/@import|url\((?!#)[^)]*\)/g)].map((m) => m[0]);
  const links = [...html.matchAll(/<link\b[^>]*>/gi)].map((m) => m[0]);
  return [...refs, ...imports, ...links];
}

const count = (html: string, re: RegExp): number => (html.match(re) ?? []).length;

function hasDot(): boolean {
  return spawnSync('dot', ['-V'], { encoding: 'utf8' }).status === 0;
}

/** Runs `dot -Tsvg` on a DOT text; null when Graphviz is not installed. */
function dotToSvg(text: string): { status: number | null; stdout: string; stderr: string } | null {
  if (!hasDot()) return null;
  const r = spawnSync('dot', ['-Tsvg'], { input: text, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('the HTML viewer of the 2019 deadlock, every class (check --stack report-2019 --all-violations --format html)', () => {
  const report = stackReport(STACK_2019);
  const html = kernelHtmlRenderer.render(report);
  // The reported deadlock, class R1 (since tcmu_cmdr_lock is on by default, T5 is the shortest class and comes first).
  const r1 = report.violations.findIndex((v) => v.class === 'tcmu-runner@xfs_buf_iowait') + 1;

  it('should be one self-contained page: inline style and script, no external reference', () => {
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(externalRefs(html)).toEqual([]);
    expect(html).not.toMatch(/<script[^>]+src=/i);
    expect(count(html, /<script>/g)).toBe(1);
    expect(html).toContain('<script type="application/json" id="gfp-data">');
  });

  it('should have one tab and one section per class, each with an SVG sequence diagram', () => {
    const n = report.violations.length;
    expect(n).toBe(10);
    expect(count(html, /<section class="violation"/g)).toBe(n);
    expect(count(html, /<button type="button" role="tab"/g)).toBe(n);
    expect(count(html, /<svg xmlns="http:\/\/www.w3.org\/2000\/svg" class="seq"/g)).toBe(n);
  });

  it('should give class R1 a lane per task and device grouped by layer, a row per step, and the cycle highlighted', () => {
    expect(r1).toBeGreaterThan(0);
    const start = html.indexOf(`<section class="violation" id="v${r1}">`);
    const next = html.indexOf('<section class="violation"', start + 1);
    const first = html.slice(start, next < 0 ? undefined : next);
    const lanes = [...first.matchAll(/<g class="lane( cycle)?" data-lane="([^"]+)"/g)].map((m) => `${m[2]}${m[1] ? '*' : ''}`);
    expect(lanes).toEqual(['writer/0', 'flush-xfs', 'kworker/dmz_cwq', 'kworker/tcm_loop/0', 'kworker/tcm_loop/1', 'tcmu-runner*', 'flush-ext4', 'ssd', 'kswapd0']);
    const groups = [...first.matchAll(/<g class="group" data-group="([^"]+)"/g)].map((m) => m[1]);
    expect(groups).toEqual(['app', 'xfs', 'dm-zoned', 'tcmu', 'ext4', 'ssd', 'mm']);
    expect(count(first, /<g class="row" data-step=/g)).toBe(20);
    expect(count(first, /<g class="event[^"]*" data-step=/g)).toBe(19);
    expect(count(first, /<rect class="wait closing open" data-lane="tcmu-runner"/g)).toBe(1);
    expect(first).toContain('<g class="cycle-edge"><title>tcmu-runner waits for tcmu-runner (at xfs_buf_iowait)</title>');
    // requests down the stack: the XFS flusher hands work to dm-zoned, which hands it to the tcm_loop kworker, which puts it in tcmu-runner's ring
    expect(first).toMatch(/<g class="arrow request" data-step="2"><title>flush-xfs -&gt; kworker\/dmz_cwq: chunkWork \+1<\/title>/);
    expect(first).toMatch(/<g class="arrow request" data-step="4"><title>kworker\/tcm_loop\/0 -&gt; tcmu-runner: ring \+1<\/title>/);
    // the SSD's completion wakes tcmu-runner
    expect(first).toMatch(/<g class="arrow wake" data-step="7"><title>ssd -&gt; tcmu-runner: wakes<\/title>/);
  });

  it('should embed, for every step, the state diff and every task with its backtrace and GFP masks', () => {
    const json = html.slice(html.indexOf('id="gfp-data">') + 'id="gfp-data">'.length, html.indexOf('</script>', html.indexOf('id="gfp-data">')));
    const data = JSON.parse(json) as { violations: { steps: { diff: [string, string][]; lanes: { lane: string; lines: string[]; blocked: boolean }[] }[] }[] };
    expect(data.violations).toHaveLength(10);
    const steps = data.violations[r1 - 1].steps;
    expect(steps).toHaveLength(20);
    const last = steps[19];
    const runner = last.lanes.find((l) => l.lane === 'tcmu-runner')!;
    expect(runner.blocked).toBe(true);
    expect(runner.lines).toContain('__alloc_pages_nodemask [GFP_HIGHUSER_MOVABLE|__GFP_WRITE]');
    expect(last.lanes.map((l) => l.lane)).toHaveLength(8);
    expect(steps[16].diff.some(([p]) => p === 'tasks[5].stack')).toBe(true);
  });

  it('should render the same page from the saved JSON report', () => {
    const saved = parseReport(JSON.stringify(report));
    expect(saved.ok && kernelHtmlRenderer.render(saved.value)).toBe(html);
  });
});

describe('DOT of the 2019 deadlock', () => {
  const report = stackReport(STACK_2019);
  const dot = kernelDotRenderer.render(report);
  const r1 = report.violations.findIndex((v) => v.class === 'tcmu-runner@xfs_buf_iowait') + 1;

  it('should cluster the tasks by layer and draw each cycle in red', () => {
    expect(dot).toMatch(/^digraph gfpcheck \{$/m);
    expect(count(dot, /subgraph cluster_v\d+ \{/g)).toBe(10);
    expect(dot).toMatch(new RegExp(`subgraph cluster_v${r1}_\\d+ \\{\n\\s+label="tcmu";`));
    expect(dot).toContain(`"v${r1}:tcmu-runner" -> "v${r1}:tcmu-runner" [label="waits for (xfs_buf_iowait)", color="#d1242f"`);
    const k4 = report.violations.findIndex((v) => v.class === ROUTE_CASES[5].cls) + 1;
    for (const [a, b] of [['kworker/tcm_loop/0', 'kswapd0'], ['kswapd0', 'tcmu-runner'], ['tcmu-runner', 'kworker/tcm_loop/0']]) {
      expect(dot).toContain(`"v${k4}:${a}" -> "v${k4}:${b}"`);
    }
  });

  it('should be valid Graphviz (dot -Tsvg)', () => {
    const r = dotToSvg(dot);
    if (r === null) {
      console.warn('SKIPPED: Graphviz `dot` is not installed (apt-get install -y graphviz); the DOT output was not validated');
      return;
    }
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('<svg');
    expect(r.stdout).toContain('tcmu&#45;runner');
  });
});

describe.each(ROUTE_CASES)('HTML and DOT of route $route', ({ report, cls }) => {
  const r = report();
  const v = violationOf(r, cls);
  const one = { ...r, violations: [v] };

  it('should draw every task of the cycle as a highlighted lane with a closing wait, and valid DOT', () => {
    const html = kernelHtmlRenderer.render(one);
    const view = kernelTraceView(one, v)!;
    for (const e of view.cycle) {
      expect(html).toContain(`<g class="lane cycle" data-lane="${e.from}">`);
      expect(html).toMatch(new RegExp(`<rect class="wait closing open" data-lane="${e.from.replace(/\//g, '\\/')}"`));
    }
    expect(externalRefs(html)).toEqual([]);
    const res = dotToSvg(kernelDotRenderer.render(one));
    if (res) expect([res.status, res.stderr]).toEqual([0, '']);
  });
});

describe('DieHard (a reference model, the generic view)', () => {
  const r = dieHardReport();

  it('should draw a lane per variable and the trace as a path of states in DOT', () => {
    const view = genericTraceView(r, r.violations[0]);
    expect(view.lanes.map((l) => l.id)).toEqual(['small', 'big']);
    expect(view.steps.map((s) => s.lane)).toEqual([null, 'big', 'small', 'small', 'small', 'big', 'small']);
    const html = renderHtml(r);
    expect(count(html, /<g class="lane" data-lane=/g)).toBe(2);
    expect(count(html, /<g class="row" data-step=/g)).toBe(7);
    expect(count(html, /<g class="arrow data"/g)).toBe(3);
    expect(externalRefs(html)).toEqual([]);
    const dot = renderDot(r);
    expect(count(dot, / -> /g)).toBe(6);
    expect(dot).toContain('"v1:s6" [label="state 6\\n{small: 3, big: 4}"');
    const res = dotToSvg(dot);
    if (res) expect([res.status, res.stderr]).toEqual([0, '']);
  });
});

describe('every format renders the 2019 deadlock, one class of each route and DieHard', () => {
  const { gfpcheckConfig } = require('../../specs/cli') as typeof import('../../specs/cli');
  const renderers = gfpcheckConfig().renderers ?? [];
  const cases: [string, () => import('../../checker/report').Report][] = [
    ['the 2019 deadlock', () => stackReport(STACK_2019)],
    ...ROUTE_CASES.slice(0, 5).map((c): [string, () => import('../../checker/report').Report] => [c.route, () => { const r = c.report(); return { ...r, violations: [violationOf(r, c.cls)] }; }]),
    ['DieHard', dieHardReport],
  ];
  it.each(cases)('%s', (_name, make) => {
    const r = make();
    expect(renderers.map((x) => x.name).sort()).toEqual(['dot', 'html', 'itf', 'json', 'mail', 'text']);
    for (const x of renderers) {
      expect(x.problem?.(r)).toBeUndefined();
      const out = x.render(r);
      expect(out.length).toBeGreaterThan(200);
      expect(out.endsWith('\n')).toBe(true);
    }
  });
});

describe('gfpcheck check/render --format html|dot, and bad input to render', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gfpcheck-pictures-'));
  const json = path.join(dir, 'diehard.json');

  it('should write the viewer with check --format html --out, and the same from render', async () => {
    const c = await gfpcheck(['check', 'diehard', '--format', 'json', '--quiet']);
    expect(c.code).toBe(12);
    fs.writeFileSync(json, c.out);
    const h = await gfpcheck(['check', 'diehard', '--format', 'html', '--out', 'x.html', '--quiet']);
    expect(h.code).toBe(12);
    const page = h.io.files.get('x.html')!;
    expect(page).toContain('<svg');
    const rr = await gfpcheck(['render', json, '--format', 'html']);
    expect(rr.code).toBe(0);
    expect(rr.out).toBe(page);
    const d = await gfpcheck(['render', json, '--format', 'dot']);
    expect(d.code).toBe(0);
    expect(d.out).toMatch(/^\/\/ gfpcheck/);
  });

  it('should refuse a report whose violation has an empty trace, naming it (exit 151)', async () => {
    const broken = JSON.parse(fs.readFileSync(json, 'utf8'));
    broken.violations[0].trace = [];
    const file = path.join(dir, 'no-trace.json');
    fs.writeFileSync(file, JSON.stringify(broken));
    for (const format of ['html', 'dot']) {
      const r = await gfpcheck(['render', file, '--format', format]);
      expect(r.code).toBe(151);
      expect(r.out).toBe('');
      // The JSON Schema check of render (docs/report.schema.json) refuses it before any renderer sees it.
      expect(r.err).toMatch(/is not a gfpcheck JSON report: it does not follow docs\/report.schema.json: field violations\.0\.trace must NOT have fewer than 1 items/);
      expect(r.err).not.toMatch(/\n\s+at /);
    }
  });

  it('should refuse a report with a violation without a trace, and a foreign file (exit 151)', async () => {
    const broken = JSON.parse(fs.readFileSync(json, 'utf8'));
    delete broken.violations[0].trace;
    const file = path.join(dir, 'missing-trace.json');
    fs.writeFileSync(file, JSON.stringify(broken));
    const a = await gfpcheck(['render', file, '--format', 'html']);
    expect(a.code).toBe(151);
    expect(a.err).toMatch(/is not a gfpcheck JSON report: .*field violations\.0 lacks "trace"/);
    const foreign = path.join(dir, 'package.json');
    fs.writeFileSync(foreign, JSON.stringify({ name: 'x', version: '1.0.0' }));
    const b = await gfpcheck(['render', foreign, '--format', 'html']);
    expect(b.code).toBe(151);
    expect(b.err).toMatch(/is not a gfpcheck JSON report/);
    expect(b.out).toBe('');
  });
});
