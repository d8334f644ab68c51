/**
 * The `html` format: a counterexample viewer in one self-contained file (no
 * network, no external script, style sheet or font; everything is inline).
 *
 * - a summary of the run (spec, parameters, verdict, states, store);
 * - one tab per violation (with `--all-violations`, one per deadlock class);
 * - for each, an SVG sequence diagram drawn from its `TraceView` (view.ts):
 *   a lane per lane of the view, under a band per group, time running down,
 *   one row per step; the step's event on the lane that moves; requests and
 *   wake-ups crossing lanes as arrows; waits as bars from the step that
 *   blocked the lane to the step that woke it, or to the end; the final
 *   wait-for cycle highlighted (lanes, closing waits, and the cycle's edges
 *   drawn under the last row);
 * - a details panel: clicking a row, or stepping with the keyboard (j / k or
 *   the arrow keys, Home / End; [ and ] change tab), shows that step's state
 *   diff and every lane's state there (whatever the spec's view gives: for
 *   a process, e.g. its call stack).
 *
 * The SVG is drawn here, in TypeScript, so that it is the same for the same
 * report (deterministic) and can be checked without a browser; the inline
 * script only moves the selection and fills the details panel from the JSON
 * embedded in the page. Generic: what the lanes are comes from the spec's
 * `TraceViewBuilder` (given where the CLI is composed), or the generic view.
 *
 * @module
 */
import { diffStates } from './diff';
import type { Renderer } from './renderer';
import type { Report, ReportViolation } from './report';
import { formatCount, formatValue } from './values';
import { drawableProblem, TraceView, TraceViewBuilder, traceViewOf } from './view';

/** Geometry of the diagram, in SVG user units (px). */
export const HTML_LAYOUT = { laneWidth: 122, rowHeight: 26, left: 46, groupBand: 22, laneHead: 40, cycleBand: 70 } as const;

/** Escapes text for HTML/SVG content and attribute values. */
export function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** JSON that is safe inside a `<script>` element. */
export function scriptJson(x: unknown): string {
  return JSON.stringify(x).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

const clip = (s: string, n: number): string => (s.length > n ? `${s.slice(0, n - 1)}\u2026` : s);

/** The SVG sequence diagram of one view; `id` makes its marker ids unique in the page. */
export function traceSvg(view: TraceView, id: string): string {
  const L = HTML_LAYOUT;
  const lanes = view.lanes;
  const laneIdx = new Map(lanes.map((l, i) => [l.id, i]));
  const x = (lane: string): number => L.left + (laneIdx.get(lane) ?? 0) * L.laneWidth + L.laneWidth / 2;
  const top = L.groupBand + L.laneHead;
  const rowY = (step: number): number => top + step * L.rowHeight;
  const rows = view.steps.length;
  const bottom = rowY(rows);
  const width = L.left + lanes.length * L.laneWidth + 10;
  const height = bottom + (view.cycle.length ? L.cycleBand : 10);
  const cycleLanes = new Set(view.cycle.flatMap((e) => [e.from, e.to]));
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" class="seq" id="svg-${id}" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="sequence diagram">`,
    '<defs>',
    ...(['request', 'wake', 'data', 'cycle'] as const).map(
      (k) => `<marker id="ah-${k}-${id}" class="ah-${k}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z"/></marker>`,
    ),
    '</defs>',
  );
  // group bands
  for (const g of view.groups) {
    const ls = lanes.filter((l) => l.group === g.id);
    if (ls.length === 0) continue;
    const x0 = x(ls[0].id) - L.laneWidth / 2 + 2;
    const w = ls.length * L.laneWidth - 4;
    out.push(
      `<g class="group" data-group="${esc(g.id)}"><rect x="${x0}" y="2" width="${w}" height="${L.groupBand - 4}" rx="3"/><text x="${x0 + w / 2}" y="${L.groupBand - 7}" text-anchor="middle">${esc(clip(g.label, Math.floor(w / 7)))}</text></g>`,
    );
  }
  // lane heads and lines
  for (const l of lanes) {
    const cx = x(l.id);
    const cyc = cycleLanes.has(l.id) ? ' cycle' : '';
    out.push(
      `<g class="lane${cyc}" data-lane="${esc(l.id)}"><title>${esc(l.label)}${l.sub ? ` (${esc(l.sub)})` : ''}</title>` +
        `<rect class="lane-head" x="${cx - L.laneWidth / 2 + 4}" y="${L.groupBand}" width="${L.laneWidth - 8}" height="${L.laneHead - 6}" rx="4"/>` +
        `<text class="lane-label" x="${cx}" y="${L.groupBand + 15}" text-anchor="middle">${esc(clip(l.label, 18))}</text>` +
        (l.sub ? `<text class="lane-sub" x="${cx}" y="${L.groupBand + 28}" text-anchor="middle">${esc(clip(l.sub, 22))}</text>` : '') +
        `<line class="lane-line" x1="${cx}" y1="${top}" x2="${cx}" y2="${bottom}"/></g>`,
    );
  }
  // rows (hit areas and step numbers)
  for (const s of view.steps) {
    const y = rowY(s.step);
    out.push(
      `<g class="row" data-step="${s.step}"><rect class="row-bg" x="0" y="${y}" width="${width}" height="${L.rowHeight}"/><text class="step-no" x="${L.left - 8}" y="${y + L.rowHeight / 2 + 4}" text-anchor="end">${s.step === 0 ? 'init' : s.step}</text></g>`,
    );
  }
  // waits
  for (const w of view.waits) {
    if (!laneIdx.has(w.lane)) continue;
    const y0 = rowY(w.from) + L.rowHeight / 2;
    const y1 = w.to === null ? bottom : rowY(w.to) + L.rowHeight / 2;
    const cls = `wait${w.closing ? ' closing' : ''}${w.to === null ? ' open' : ''}`;
    const text = `${w.lane} waits at ${w.label} from step ${w.from}${w.to === null ? ' to the end (never woken)' : `, woken at step ${w.to}`}`;
    out.push(`<rect class="${cls}" data-lane="${esc(w.lane)}" x="${x(w.lane) - 5}" y="${y0}" width="10" height="${Math.max(2, y1 - y0)}" rx="2"><title>${esc(text)}</title></rect>`);
  }
  // arrows
  for (const a of view.arrows) {
    if (!laneIdx.has(a.from) || !laneIdx.has(a.to)) continue;
    const y = rowY(a.step) + L.rowHeight / 2 + 4;
    const x0 = x(a.from);
    const x1 = x(a.to);
    const dir = x1 >= x0 ? 1 : -1;
    const sx = x0 + dir * (L.laneWidth / 2 - 8);
    const ex = x1 - dir * 7;
    out.push(
      `<g class="arrow ${a.kind}" data-step="${a.step}"><title>${esc(`${a.from} -> ${a.to}: ${a.label}`)}</title>` +
        `<line x1="${sx}" y1="${y}" x2="${ex}" y2="${y}" marker-end="url(#ah-${a.kind}-${id})"/>` +
        (Math.abs(ex - sx) > 60 ? `<text class="arrow-label" x="${(sx + ex) / 2}" y="${y - 3}" text-anchor="middle">${esc(clip(a.label, Math.floor(Math.abs(ex - sx) / 6)))}</text>` : '') +
        '</g>',
    );
  }
  // events (drawn over waits and arrows)
  for (const s of view.steps) {
    if (s.lane === null || !laneIdx.has(s.lane)) continue;
    const y = rowY(s.step);
    const cx = x(s.lane);
    const full = [s.title + (s.detail ? ` (${s.detail})` : ''), ...s.lines].join('\n');
    const closing = s.lines.some((l) => l.startsWith('***'));
    out.push(
      `<g class="event${closing ? ' closing' : ''}" data-step="${s.step}" data-lane="${esc(s.lane)}"><title>${esc(full)}</title>` +
        `<rect x="${cx - L.laneWidth / 2 + 8}" y="${y + 3}" width="${L.laneWidth - 16}" height="${L.rowHeight - 6}" rx="3"/>` +
        `<text x="${cx}" y="${y + L.rowHeight / 2 + 4}" text-anchor="middle">${esc(clip(s.title, 16))}</text></g>`,
    );
  }
  // the wait-for cycle under the last row
  if (view.cycle.length) {
    const y = bottom + 18;
    out.push(`<g class="cycle-edges"><text class="cycle-title" x="6" y="${y}">wait-for cycle</text>`);
    view.cycle.forEach((e, i) => {
      if (!laneIdx.has(e.from) || !laneIdx.has(e.to)) return;
      const x0 = x(e.from);
      const x1 = x(e.to);
      const yy = y + 10 + i * 6;
      const d =
        e.from === e.to
          ? `M${x0 - 6},${bottom} C${x0 - 40},${yy + 30} ${x0 + 40},${yy + 30} ${x0 + 6},${bottom + 2}`
          : `M${x0},${bottom} C${x0},${yy + 34} ${x1},${yy + 34} ${x1},${bottom + 2}`;
      out.push(
        `<g class="cycle-edge"><title>${esc(`${e.from} waits for ${e.to} (at ${e.label})`)}</title><path d="${d}" marker-end="url(#ah-cycle-${id})"/>` +
          `<text x="${(x0 + x1) / 2}" y="${yy + 36}" text-anchor="middle">${esc(clip(e.label, 40))}</text></g>`,
      );
    });
    out.push('</g>');
  }
  out.push('</svg>');
  return out.join('\n');
}

/** What the page's script needs for one violation: per step, the title, the diff and every lane's state. */
export function viewData(v: ReportViolation, view: TraceView): unknown {
  return {
    steps: view.steps.map((s, i) => ({
      step: s.step,
      lane: s.lane,
      title: s.title + (s.detail ? ` (${s.detail})` : ''),
      lines: s.lines,
      diff:
        i === 0
          ? []
          : diffStates(v.trace[i - 1].state, v.trace[i].state).map((d) => [d.path || 'state', clip(formatValue(d.value), 400)]),
      lanes: (view.laneStates[i] ?? []).map((l) => ({ lane: l.lane, headline: l.headline, lines: l.lines, blocked: l.blocked })),
    })),
  };
}

function violationName(v: ReportViolation): string {
  if (v.kind === 'deadlock') return v.class ? `deadlock ${v.class}` : 'deadlock';
  return `${v.kind} ${v.property}`;
}

/** The page's style sheet. */
export const HTML_STYLE = `
body{font:14px/1.4 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#1b1f24;background:#fff}
header{padding:10px 16px;background:#f3f4f6;border-bottom:1px solid #d0d7de}
h1{font-size:18px;margin:0 0 4px}h2{font-size:16px;margin:8px 0}
.summary{margin:2px 0;font-size:13px}
code,pre,.mono{font-family:ui-monospace,"DejaVu Sans Mono",Menlo,Consolas,monospace;font-size:12px}
nav.tabs{display:flex;flex-wrap:wrap;gap:4px;padding:8px 16px 0;border-bottom:1px solid #d0d7de}
nav.tabs button{border:1px solid #d0d7de;border-bottom:none;background:#f6f8fa;padding:4px 10px;border-radius:6px 6px 0 0;cursor:pointer;font-size:12px}
nav.tabs button[aria-selected="true"]{background:#fff;font-weight:600;border-color:#8c959f}
section.violation{display:none;padding:8px 16px}section.violation.active{display:block}
.layout{display:flex;gap:16px;align-items:flex-start}
.diagram{overflow:auto;max-height:82vh;border:1px solid #d0d7de;border-radius:6px;flex:0 1 auto}
.details{flex:1 1 360px;min-width:320px;max-height:82vh;overflow:auto;border:1px solid #d0d7de;border-radius:6px;padding:8px}
.details h3{font-size:14px;margin:0 0 6px}.details ul{margin:4px 0;padding-left:18px}
.details .lane-state{margin:6px 0;border-top:1px solid #eee;padding-top:4px}
.details .lane-state.blocked .headline{color:#b42318}
.details pre{margin:2px 0 0 8px;white-space:pre-wrap}
.help{font-size:12px;color:#57606a}
svg.seq{font-family:ui-monospace,"DejaVu Sans Mono",Menlo,Consolas,monospace;font-size:11px}
svg.seq .group rect{fill:#eef2f7;stroke:#b6c2d1}svg.seq .group text{font-weight:600;fill:#334155}
svg.seq .lane-head{fill:#fff;stroke:#8c959f}svg.seq .lane.cycle .lane-head{stroke:#d1242f;stroke-width:2.5;fill:#fff1f0}
svg.seq .lane-label{font-size:10.5px}svg.seq .lane-sub{fill:#57606a;font-size:9.5px}svg.seq .lane-line{stroke:#c9d1d9;stroke-dasharray:3 3}
svg.seq .row-bg{fill:transparent;cursor:pointer}svg.seq .row:hover .row-bg{fill:#f6f8fa}svg.seq .row.selected .row-bg{fill:#fff8c5}
svg.seq .step-no{fill:#57606a}
svg.seq .event rect{fill:#ddf4ff;stroke:#0969da}svg.seq .event.closing rect{fill:#ffebe9;stroke:#d1242f;stroke-width:2}
svg.seq .event.selected rect{stroke-width:3}
svg.seq .wait{fill:#f5d76e;stroke:#bf8700}svg.seq .wait.open{fill:#ffd8b5}svg.seq .wait.closing{fill:#ff8182;stroke:#d1242f}
svg.seq .arrow line{stroke:#0969da;stroke-width:1.4}svg.seq .arrow.wake line{stroke:#1a7f37;stroke-dasharray:5 3}svg.seq .arrow.data line{stroke:#8250df}
svg.seq .arrow-label{fill:#57606a;font-size:9px}
svg.seq .ah-request path{fill:#0969da}svg.seq .ah-wake path{fill:#1a7f37}svg.seq .ah-data path{fill:#8250df}svg.seq .ah-cycle path{fill:#d1242f}
svg.seq .cycle-edge path{fill:none;stroke:#d1242f;stroke-width:2}svg.seq .cycle-edge text,svg.seq .cycle-title{fill:#d1242f;font-weight:600}
table.matrix{border-collapse:collapse;margin:8px 16px}table.matrix th,table.matrix td{border:1px solid #d0d7de;padding:4px 8px;font-size:12px;vertical-align:top}
table.matrix td.deadlock,table.matrix td.violated{background:#ffebe9}table.matrix td.holds{background:#dafbe1}table.matrix td.differs{outline:2px solid #bf8700}
`;

/** The page's script: tabs, row selection, keyboard stepping, the details panel. */
export const HTML_SCRIPT = `
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('gfp-data').textContent);
  var sections = Array.prototype.slice.call(document.querySelectorAll('section.violation'));
  var tabs = Array.prototype.slice.call(document.querySelectorAll('nav.tabs button'));
  var current = 0;
  var selected = sections.map(function () { return 0; });
  function el(tag, cls, text) { var e = document.createElement(tag); if (cls) e.className = cls; if (text !== undefined) e.textContent = text; return e; }
  function showTab(i) {
    if (i < 0 || i >= sections.length) return;
    current = i;
    sections.forEach(function (s, j) { s.classList.toggle('active', j === i); });
    tabs.forEach(function (t, j) { t.setAttribute('aria-selected', j === i ? 'true' : 'false'); });
    if (sections[i].id && history.replaceState) history.replaceState(null, '', '#' + sections[i].id);
    select(selected[i]);
  }
  function select(step) {
    var sec = sections[current]; var v = data.violations[current];
    if (!sec || !v) return;
    var n = v.steps.length;
    step = Math.max(0, Math.min(n - 1, step));
    selected[current] = step;
    sec.querySelectorAll('.row, .event').forEach(function (r) { r.classList.toggle('selected', Number(r.getAttribute('data-step')) === step); });
    var s = v.steps[step];
    var d = sec.querySelector('.details');
    d.textContent = '';
    d.appendChild(el('h3', 'step-title', step === 0 ? 'Initial state' : 'Step ' + s.step + ': ' + (s.lane ? s.lane + ': ' : '') + s.title));
    if (s.lines.length) { var ul = el('ul', 'step-lines'); s.lines.forEach(function (l) { ul.appendChild(el('li', 'mono', l)); }); d.appendChild(ul); }
    d.appendChild(el('h3', null, step === 0 ? 'State' : 'State diff (what this step changed)'));
    var diff = el('ul', 'diff');
    if (step > 0 && s.diff.length === 0) diff.appendChild(el('li', null, '(no variable changed)'));
    s.diff.forEach(function (p) { diff.appendChild(el('li', 'mono', p[0] + ' = ' + p[1])); });
    d.appendChild(diff);
    if (s.lanes.length) {
      d.appendChild(el('h3', null, 'Every lane at this step'));
      s.lanes.forEach(function (l) {
        var box = el('div', 'lane-state' + (l.blocked ? ' blocked' : ''));
        box.setAttribute('data-lane', l.lane);
        box.appendChild(el('div', 'headline mono', l.headline));
        if (l.lines.length) box.appendChild(el('pre', 'backtrace', l.lines.join('\\n')));
        d.appendChild(box);
      });
    }
    var row = sec.querySelector('.row[data-step="' + step + '"]');
    if (row && row.scrollIntoView) row.scrollIntoView({ block: 'nearest' });
  }
  sections.forEach(function (sec, i) {
    sec.querySelectorAll('.row, .event').forEach(function (r) {
      r.addEventListener('click', function () { current = i; select(Number(r.getAttribute('data-step'))); });
    });
  });
  tabs.forEach(function (t, i) { t.addEventListener('click', function () { showTab(i); }); });
  document.addEventListener('keydown', function (e) {
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    var k = e.key;
    if (k === 'ArrowDown' || k === 'j' || k === 'n') select(selected[current] + 1);
    else if (k === 'ArrowUp' || k === 'k' || k === 'p') select(selected[current] - 1);
    else if (k === 'Home') select(0);
    else if (k === 'End') select(1e9);
    else if (k === ']') showTab(current + 1);
    else if (k === '[') showTab(current - 1);
    else return;
    e.preventDefault();
  });
  var start = sections.findIndex(function (s) { return s.id && '#' + s.id === location.hash; });
  if (sections.length) showTab(start >= 0 ? start : 0);
  document.body.setAttribute('data-ready', 'true');
})();
`;

/** A violation as a page section: title, diagram, details panel. */
export interface HtmlSection {
  readonly id: string;
  readonly tab: string;
  readonly heading: string;
  readonly body: string;
  /** Per step data for the script (see viewData). */
  readonly data: unknown;
}

/** The section of one violation. */
export function violationSection(r: Report, v: ReportViolation, i: number, builder?: TraceViewBuilder, idPrefix = 'v'): HtmlSection {
  const view = traceViewOf(r, v, builder);
  const id = `${idPrefix}${i + 1}`;
  const steps = v.trace.length - 1;
  const cycle = view.cycle.length ? `<p class="summary">Wait-for cycle: <code>${esc([...view.cycle.map((e) => `${e.from} [${e.label}]`), view.cycle[view.cycle.length - 1].to].join(' -> '))}</code></p>` : '';
  const note = view.note ? `<p class="summary">${esc(view.note)}</p>` : '';
  const body =
    `${cycle}${note}<p class="help">Click a row, or step with j/k or the arrow keys (Home, End); [ and ] change tab. Arrows: requests (blue), wake-ups (green, dashed), values moved (purple). Bars: waits (red: the waits that close the cycle, open at the bottom: never woken).</p>` +
    `<div class="layout"><div class="diagram">${traceSvg(view, id)}</div><div class="details" aria-live="polite"></div></div>`;
  return { id, tab: `${i + 1}. ${clip(violationName(v), 60)}`, heading: `${violationName(v)} (${steps} step${steps === 1 ? '' : 's'})`, body, data: viewData(v, view) };
}

/** A whole page: head, the header HTML, tabs over the sections, the data and the script. */
export function htmlPage(title: string, header: string, sections: readonly HtmlSection[], extra = ''): string {
  const tabs =
    sections.length > 1
      ? `<nav class="tabs" role="tablist">${sections.map((s, i) => `<button type="button" role="tab" data-v="${i}" aria-selected="${i === 0}">${esc(s.tab)}</button>`).join('')}</nav>`
      : '';
  const secs = sections.map((s) => `<section class="violation" id="${esc(s.id)}"><h2>${esc(s.heading)}</h2>${s.body}</section>`).join('\n');
  return [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${esc(title)}</title>`,
    `<style>${HTML_STYLE}</style></head><body>`,
    `<header>${header}</header>`,
    extra,
    tabs,
    secs,
    `<script type="application/json" id="gfp-data">${scriptJson({ violations: sections.map((s) => s.data) })}</script>`,
    `<script>${HTML_SCRIPT}</script>`,
    '</body></html>',
    '',
  ].join('\n');
}

/** The header of a report's page: spec, parameters, verdict, statistics. */
export function reportHeader(r: Report): string {
  const params = Object.entries(r.params).map(([k, v]) => `${k}=${String(v)}`).join(' ');
  const verdict =
    r.result === 'violated'
      ? `${r.violations.length} violation${r.violations.length === 1 ? '' : 's'}: ${r.violations.map(violationName).join('; ')}`
      : r.result === 'holds'
        ? 'every property holds (complete search)'
        : r.result === 'incomplete'
          ? `search incomplete: ${r.incompleteReason ?? 'stopped early'}`
          : `error ${r.error?.code ?? ''}: ${r.error?.message ?? ''}`;
  return (
    `<h1>${esc(`${r.tool} ${r.version}: ${r.spec}`)}</h1>` +
    (r.description ? `<p class="summary">${esc(r.description)}</p>` : '') +
    `<p class="summary"><b>Verdict:</b> <span class="verdict ${esc(r.result)}">${esc(verdict)}</span></p>` +
    `<p class="summary mono">${esc(params)}</p>` +
    `<p class="summary">${esc(`${formatCount(r.stats.distinctStates)} distinct states, ${formatCount(r.stats.statesGenerated)} generated, depth ${r.stats.depth}; ${r.complete ? 'complete' : 'incomplete'} search; visited set ${r.stats.store}; symmetry ${r.stats.symmetry}`)}</p>`
  );
}

/** Renders a report as a self-contained HTML page; `builder` gives the spec's picture of a trace. */
export function renderHtml(r: Report, builder?: TraceViewBuilder): string {
  const problem = drawableProblem(r);
  if (problem) throw new Error(`cannot draw this report: ${problem}`);
  const sections = r.violations.map((v, i) => violationSection(r, v, i, builder));
  const none = sections.length === 0 ? '<p class="summary" style="padding:8px 16px">No counterexample: there is no trace to draw.</p>' : '';
  return htmlPage(`${r.spec}: ${r.result}`, reportHeader(r), sections, none);
}

/** The html renderer with a spec's trace views (see TraceViewBuilder). */
export function htmlRendererWith(builder?: TraceViewBuilder): Renderer {
  return {
    name: 'html',
    description: 'a self-contained HTML trace viewer: SVG sequence diagram, one tab per violation, step-by-step state and backtraces',
    render: (r) => renderHtml(r, builder),
    problem: drawableProblem,
  };
}

export const htmlRenderer: Renderer = htmlRendererWith();
