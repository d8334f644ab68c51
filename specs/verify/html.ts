/**
 * `gfpcheck verify --format html --out matrix.html`: the verdict matrix as a
 * table whose cells link to that cell's shortest trace, drawn by the HTML
 * trace viewer (checker/report/html.ts, with the kernel view of
 * specs/report/kernelView.ts), all in one self-contained page. A cell that
 * holds has no trace and no link; a cell with several deadlock classes links
 * to the shortest of their shortest traces (BFS), and its tab names the class.
 *
 * @module
 */
import { buildReport, esc, htmlPage, HtmlSection, violationSection } from '../../checker/report';
import type { ReportViolation } from '../../checker/report';
import { kernelTraceView } from '../report/kernelView';
import { cellName, columnsOf, livenessLines, mismatches, rowsOf, searchLine } from './render';
import type { MatrixView } from './render';
import { VERIFY_OPTIONS } from './options';

const count = (n: number): string => n.toLocaleString('en-US');

/** The page of a verify run. */
export function renderMatrixHtml(v: MatrixView): string {
  const m = v.matrix;
  const cols = columnsOf(m);
  const sections: HtmlSection[] = [];
  const anchors = new Map<(typeof m.cells)[number], string>();
  for (const c of m.cells) {
    if (c.result.violations.length === 0) continue;
    const report = buildReport(c.result, {
      version: v.version,
      spec: c.spec,
      options: { strategy: VERIFY_OPTIONS.strategy, store: VERIFY_OPTIONS.store.kind, symmetry: VERIFY_OPTIONS.symmetry, allViolations: VERIFY_OPTIONS.allViolations },
    });
    let best: ReportViolation = report.violations[0];
    for (const x of report.violations) if (x.trace.length < best.trace.length) best = x;
    const i = sections.length;
    const sec = violationSection({ ...report, violations: [best] }, best, 0, kernelTraceView, `cell${i + 1}-`);
    const id = `cell${i + 1}`;
    anchors.set(c, id);
    sections.push({ ...sec, id, tab: `${c.rowLabel} x ${c.column.id}`, heading: `${cellName(c)}: ${sec.heading}` });
  }
  const head = `<tr><th>fix set</th>${cols.map((c) => `<th>${esc(c.title)}<br><code>${esc(c.stack)}</code> ${esc(c.workload)}</th>`).join('')}</tr>`;
  const body = rowsOf(m).map((r) => {
    const cells = cols.map((col) => {
      const c = m.cells.find((x) => x.rowLabel === r && x.column === col);
      if (!c) return '<td>-</td>';
      const a = c.actual;
      const live = a.liveness !== undefined ? `; liveness: ${a.liveness}${a.livelocks?.length ? ` ${a.livelocks.join(', ')}` : ''}` : '';
      const text = `${a.verdict}${a.classes.length ? `: ${a.classes.join(', ')}` : ''} (${count(a.states)} states)${live}${c.diffs.length ? ' (differs)' : ''}`;
      const id = anchors.get(c);
      const inner = id ? `<a href="#${id}" data-cell="${id}">${esc(text)}</a>` : esc(text);
      return `<td class="${esc(a.verdict)}${c.diffs.length ? ' differs' : ''}" title="${esc(c.diffs.join('; '))}">${inner}</td>`;
    });
    return `<tr><th><code>${esc(r)}</code></th>${cells.join('')}</tr>`;
  });
  const bad = mismatches(m).length;
  const header =
    `<h1>${esc(`gfpcheck ${v.version}: verdict matrix`)}</h1>` +
    `<p class="summary">${esc(`Expectations ${v.expectations}; ${searchLine()}. ${m.cells.length} cells, ${bad === 0 ? 'every cell matches' : `${bad} differ`}. A cell links to its shortest trace below.`)}</p>`;
  const table = `<table class="matrix">${head}${body.join('')}</table>${livenessLines(m).length ? `<p class="liveness">${esc(livenessLines(m).join(' ').replace(/ {2,}/g, ' '))}</p>` : ''}`;
  const page = htmlPage('gfpcheck verify', header, sections, table);
  // a link to a cell opens its tab (the page's script selects the section named by the location hash)
  return page.replace(
    '</body></html>',
    `<script>document.querySelectorAll('a[data-cell]').forEach(function(a){a.addEventListener('click',function(){var b=document.querySelectorAll('nav.tabs button');var s=Array.prototype.map.call(document.querySelectorAll('section.violation'),function(x){return x.id;});var i=s.indexOf(a.getAttribute('data-cell'));if(i>=0&&b[i])b[i].click();});});</script>\n</body></html>`,
  );
}
