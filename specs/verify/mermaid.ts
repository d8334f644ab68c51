/**
 * Mermaid diagrams for the markdown matrix (`gfpcheck verify --format
 * markdown`): the wait-for cycle of each deadlock class, from the first cell
 * where the class appears (the cycle of its shortest trace), with the stack's
 * layers as subgraphs. GitHub and most markdown viewers draw `mermaid` code
 * blocks; elsewhere they read as text.
 *
 * @module
 */
import { groupOfTask, layerLabels } from '../report/kernelView';
import type { MatrixResult } from './run';

const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const q = (s: string): string => `"${s.replace(/"/g, '#quot;')}"`;

/** The mermaid flowchart of one wait-for cycle (`cycle` of a violation's explanation). */
export function mermaidCycle(cycle: readonly Record<string, unknown>[], stack: string): string[] {
  const labels = layerLabels(stack);
  const tasks = [...new Set(cycle.flatMap((e) => [String(e.task), String(e.next)]))];
  const roleOf = new Map(cycle.map((e) => [String(e.task), String(e.role ?? '')]));
  const id = (t: string) => `t${tasks.indexOf(t)}`;
  const groups = new Map<string, string[]>();
  for (const t of tasks) {
    const g = groupOfTask({ name: t, role: roleOf.get(t) ?? '' }, labels);
    groups.set(g, [...(groups.get(g) ?? []), t]);
  }
  const out = ['```mermaid', 'flowchart LR'];
  let gi = 0;
  for (const [g, ts] of groups) {
    out.push(`  subgraph L${gi++}[${q(g)}]`);
    for (const t of ts) out.push(`    ${id(t)}[${q(t)}]`);
    out.push('  end');
  }
  for (const e of cycle) out.push(`  ${id(String(e.task))} -->|${q(`waits: ${String(e.at)}`)}| ${id(String(e.next))}`);
  out.push('```');
  return out;
}

/** A section with one diagram per deadlock class of the matrix ([] when none has a cycle). */
export function mermaidSection(m: MatrixResult): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const c of m.cells) {
    for (const v of c.result.violations) {
      if (v.kind !== 'deadlock' || v.class === undefined || seen.has(v.class)) continue;
      const cycle = Array.isArray(v.explain?.cycle) ? (v.explain!.cycle as unknown[]).filter(isRecord) : [];
      if (cycle.length === 0) continue;
      seen.add(v.class);
      out.push(`**\`${v.class}\`** (first in ${c.rowLabel} x ${c.column.id}, \`${c.column.stack}\` ${c.column.workload}):`, '', ...mermaidCycle(cycle, c.column.stack), '');
    }
  }
  return out.length ? ['', '### Wait-for cycles', '', 'Each class\'s cycle (each task waits for the next), the layers as boxes:', '', ...out] : [];
}
