/**
 * The `dot` format: Graphviz. For a violation whose view has a wait-for
 * cycle (a deadlock the spec explains), the wait-for graph at the end of the
 * trace: a node per lane, clustered by the view's groups (in the view's
 * order, top to bottom), the cycle's edges in red with the wait point, the
 * other waiting lanes in orange with what they wait for; lanes that are not
 * waiting are grey. For a violation without a cycle (e.g. a reference model's
 * invariant), the trace as a path of states, the violating one in red.
 * Several violations are clusters of one graph. Render with
 * `dot -Tsvg report.dot > report.svg`.
 *
 * @module
 */
import type { Renderer } from './renderer';
import type { Report, ReportViolation } from './report';
import { formatValue } from './values';
import { drawableProblem, TraceView, TraceViewBuilder, traceViewOf } from './view';

/** A DOT double-quoted string. */
export function dotString(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\r?\n/g, '\\n')}"`;
}

const clip = (s: string, n: number): string => (s.length > n ? `${s.slice(0, n - 3)}...` : s);

function waitGraph(view: TraceView, p: string, out: string[]): void {
  const openWait = new Map(view.waits.filter((w) => w.to === null).map((w) => [w.lane, w]));
  const inCycle = new Set(view.cycle.flatMap((e) => [e.from, e.to]));
  const node = (id: string) => dotString(`${p}:${id}`);
  view.groups.forEach((g, gi) => {
    const lanes = view.lanes.filter((l) => l.group === g.id);
    if (lanes.length === 0) return;
    out.push(`    subgraph cluster_${p}_${gi} {`, `      label=${dotString(g.label)}; style="rounded,filled"; fillcolor="#eef2f7"; color="#94a3b8";`);
    for (const l of lanes) {
      const w = openWait.get(l.id);
      const label = w ? `${l.label}\nwaits at ${clip(w.label, 40)}\n(since step ${w.from})` : l.label;
      const style = inCycle.has(l.id)
        ? 'color="#d1242f", penwidth=2.5, fillcolor="#ffebe9"'
        : w
          ? 'color="#bf8700", fillcolor="#fff8c5"'
          : 'color="#8c959f", fillcolor="#ffffff", fontcolor="#57606a"';
      out.push(`      ${node(l.id)} [label=${dotString(label)}, shape=box, style="rounded,filled", ${style}];`);
    }
    out.push('    }');
  });
  // the layers top to bottom, in the stack's order: invisible edges between the first lanes of consecutive groups
  const firsts = view.groups.map((g) => view.lanes.find((l) => l.group === g.id)).filter((l) => l !== undefined);
  for (let i = 1; i < firsts.length; i++) out.push(`    ${node(firsts[i - 1]!.id)} -> ${node(firsts[i]!.id)} [style=invis];`);
  for (const e of view.cycle) {
    out.push(`    ${node(e.from)} -> ${node(e.to)} [label=${dotString(`waits for (${e.label})`)}, color="#d1242f", fontcolor="#d1242f", penwidth=2.5];`);
  }
}

function pathGraph(v: ReportViolation, view: TraceView, p: string, out: string[]): void {
  v.trace.forEach((s, i) => {
    const last = i === v.trace.length - 1;
    const label = `${i === 0 ? 'initial state' : `state ${i}`}\n${clip(formatValue(s.state), 120)}`;
    out.push(`    ${dotString(`${p}:s${i}`)} [label=${dotString(label)}, shape=box, style="rounded,filled", fillcolor=${last ? '"#ffebe9", color="#d1242f", penwidth=2' : '"#ffffff"'}];`);
    if (i > 0) out.push(`    ${dotString(`${p}:s${i - 1}`)} -> ${dotString(`${p}:s${i}`)} [label=${dotString(clip(view.steps[i]?.title ?? s.action ?? '', 60))}];`);
  });
}

/** The DOT text of a report; `builder` gives the spec's view of a trace. */
export function renderDot(r: Report, builder?: TraceViewBuilder): string {
  const problem = drawableProblem(r);
  if (problem) throw new Error(`cannot draw this report: ${problem}`);
  const out: string[] = [
    `// ${r.tool} ${r.version}: ${r.spec} (${r.result}); render with: dot -Tsvg FILE > FILE.svg`,
    'digraph gfpcheck {',
    `  graph [label=${dotString(`${r.spec}: ${r.result}${r.violations.length ? ` (${r.violations.length} violation${r.violations.length === 1 ? '' : 's'})` : ''}`)}, labelloc=t, fontname="Helvetica", rankdir=TB, compound=true];`,
    '  node [fontname="Helvetica", fontsize=11];',
    '  edge [fontname="Helvetica", fontsize=10];',
  ];
  if (r.violations.length === 0) out.push(`  "verdict" [label=${dotString(`no counterexample: ${r.result}`)}, shape=note];`);
  r.violations.forEach((v, i) => {
    const view = traceViewOf(r, v, builder);
    const p = `v${i + 1}`;
    const name = v.kind === 'deadlock' ? `deadlock ${v.class ?? ''}`.trim() : `${v.kind} ${v.property}`;
    out.push(`  subgraph cluster_${p} {`, `    label=${dotString(`${i + 1}. ${name} (${v.trace.length - 1} steps)`)}; color="#57606a"; style=rounded;`);
    if (view.cycle.length) waitGraph(view, p, out);
    else pathGraph(v, view, p, out);
    out.push('  }');
  });
  out.push('}', '');
  return out.join('\n');
}

/** The dot renderer with a spec's trace views. */
export function dotRendererWith(builder?: TraceViewBuilder): Renderer {
  return {
    name: 'dot',
    description: 'Graphviz: the wait-for cycle with the layers as clusters (or the trace as a path of states)',
    render: (r) => renderDot(r, builder),
    problem: drawableProblem,
  };
}

export const dotRenderer: Renderer = dotRendererWith();
