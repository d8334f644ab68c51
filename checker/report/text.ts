/**
 * The `text` format: TLC's wording, so that TLA+ users recognise it.
 *
 * - a violation: "Error: Invariant X is violated." / "Error: Deadlock
 *   reached.", then "Error: The behavior up to this point is:" and the trace;
 * - a pass: "Model checking completed. No error has been found.", printed only
 *   when the search was complete;
 * - an incomplete search: "Search incomplete: <reason>." — never "No error";
 * - then "N states generated, M distinct states found, Q states left on
 *   queue." and "The depth of the complete state graph search is D.".
 *
 * Traces are written like TLC's `-difftrace`: "State n: <Action param>", the
 * whole first state, then only the values that changed (see diff.ts). The
 * spec's explanation of the final state (e.g. a wait-for cycle) follows the
 * trace. Also reported: every property's status, witnesses NOT reached (a
 * warning: the properties may hold vacuously), the omission probability of a
 * non-exact visited set (birthday bound and TLC's optimistic estimate for
 * fingerprints, the Stern–Dill bound for hash compaction), symmetry and bytes
 * per state. The only wall-clock figures are on the last line, which starts
 * with "Finished in".
 *
 * @module
 */
import type { PropertyStatus } from '../result';
import { diffStates, PathValue, splitToWidth, topLevel } from './diff';
import type { Renderer } from './renderer';
import type { Report, ReportStep, ReportViolation } from './report';
import { explanationOf } from './report';
import { escapeControl, formatAssignment, formatCount, formatDecimal, formatOutline, formatProbability, formatValue, LINE_WIDTH } from './values';

const CONJ = '/\\ ';

function paramsText(params: Readonly<Record<string, unknown>>): string {
  const ks = Object.keys(params);
  return ks.length ? ` (${ks.map((k) => `${k}=${String(params[k])}`).join(', ')})` : '';
}

/** `Take p2`, `FillBigJug`: the action and its parameter as shown in a step header. */
export function formatStepAction(step: ReportStep): string {
  if (step.action === null) return 'Initial predicate';
  if (step.params === null || step.params === undefined) return step.action;
  return `${step.action} ${typeof step.params === 'string' ? step.params : formatValue(step.params)}`;
}

function assignmentLines(e: PathValue): string[] {
  const lhs = e.path === '' ? 'state' : e.path;
  return formatAssignment(`${CONJ}${lhs} = `, e.value, '');
}

/**
 * The lines of a lasso's end, as TLC prints it: "State n: Stuttering", or
 * "Back to state k: <Action>" (k counting from 1, like the state headers).
 */
export function formatLoop(v: Pick<ReportViolation, 'loop' | 'loopStep'>): string[] {
  if (v.loop === undefined) return [];
  const st = v.loopStep;
  if (!st || st.action === null) return [`State ${v.loop + 2}: Stuttering`, ''];
  return [`Back to state ${v.loop + 1}: <${formatStepAction({ step: -1, action: st.action, params: st.params, state: null })}>`, ''];
}

/** The lines of a trace: the whole first state, then what each step changed. */
export function formatTrace(trace: readonly ReportStep[]): string[] {
  const out: string[] = [];
  const measure = (e: PathValue): number => CONJ.length + e.path.length + 3 + formatValue(e.value).length;
  trace.forEach((step, i) => {
    out.push(`State ${i + 1}: <${formatStepAction(step)}>`);
    const entries = i === 0 ? topLevel(step.state).flatMap((e) => splitToWidth(e, LINE_WIDTH, measure)) : diffStates(trace[i - 1].state, step.state);
    if (entries.length === 0) out.push('(no variable changed)');
    for (const e of entries) out.push(...assignmentLines(e));
    out.push('');
  });
  return out;
}

function violationHeadline(v: ReportViolation): string[] {
  if (v.kind === 'deadlock') return ['Error: Deadlock reached.', ...(v.class !== undefined ? [`Deadlock class: ${v.class}${v.category !== undefined ? ` (${v.category})` : ''}`] : [])];
  if (v.kind === 'invariant') return [`Error: Invariant ${v.property} is violated.`];
  if (v.kind === 'temporal') {
    return ['Error: Temporal properties were violated.', `Property: ${v.property}`, ...(v.class !== undefined ? [`Livelock class: ${v.class}`] : [])];
  }
  return [`Error: Property ${v.property} is violated.`];
}

/** The lines for one violation: headline, trace, explanation. */
export function formatViolation(v: ReportViolation): string[] {
  const lead = v.kind === 'temporal' ? 'Error: The following behavior constitutes a counter-example:' : 'Error: The behavior up to this point is:';
  const out = [...violationHeadline(v), lead, ...formatTrace(v.trace), ...formatLoop(v)];
  const explanation = explanationOf(v);
  if (Object.keys(explanation).length > 0) {
    out.push('The final state, as the spec explains it:', ...formatOutline(explanation, '  '), '');
  }
  return out;
}

function propertyLabel(p: PropertyStatus): string {
  if (p.kind === 'deadlock') return p.name === 'deadlock' ? 'deadlock' : `deadlock ${p.name}`;
  if (p.kind === 'witness') return `witness "${p.name}"`;
  return `${p.kind} ${p.name}`;
}

function propertyStatus(p: PropertyStatus, r: Report): string {
  switch (p.status) {
    case 'holds':
      return p.note ? `holds ${p.note}` : 'holds';
    case 'violated':
      return 'VIOLATED';
    case 'reached':
      return p.depth !== undefined ? `reached at depth ${p.depth}` : 'reached';
    case 'unreached':
      return 'NOT reached';
    case 'disabled':
      return 'not checked';
    case 'unknown':
      if (p.kind === 'witness') return 'not reached in the states explored';
      if (p.kind === 'temporal') return `unknown (${p.note ?? 'not checked'})`;
      return r.result === 'violated' ? 'unknown (the search stopped at a violation)' : 'unknown (not violated in the states explored)';
  }
}

function storeLines(r: Report): string[] {
  const s = r.stats;
  const kind = s.store.split(/[\s:(]/)[0];
  if (kind === 'exact') return ['Exact visited set: no state can have been omitted.'];
  if (kind === 'fingerprint') {
    return [
      'Estimates of the probability that the search did not check all reachable states',
      'because two distinct states had the same fingerprint:',
      `  birthday bound:           Pr[even one collision] <= ${formatProbability(s.omissionProbability)}`,
      ...(s.optimisticCollisionProbability !== undefined ? [`  calculated (optimistic):  val = ${formatProbability(s.optimisticCollisionProbability)}`] : []),
    ];
  }
  if (kind === 'compact') return [`Hash compaction (Stern-Dill): Pr[even one omitted state] <= ${formatProbability(s.omissionProbability)}`];
  return [`Pr[even one omitted state] <= ${formatProbability(s.omissionProbability)}`];
}

/** The partial-order reduction line: used or not, what it left out, how the traces were obtained. */
function porLine(p: NonNullable<Report['stats']['por']>): string {
  if (p.status !== 'on') return `Partial-order reduction: ${p.status}${p.footprintsChecked !== undefined ? `; footprints checked on ${p.footprintsChecked} states` : ''}.`;
  return (
    `Partial-order reduction: on; ${p.reducedStates ?? 0} states expanded through a stubborn set, ${p.prunedTransitions ?? 0} enabled transitions left out, ` +
    `${p.provisoExpansions ?? 0} states fully expanded by the proviso${p.footprintsChecked !== undefined ? `; footprints checked on ${p.footprintsChecked} states` : ''}` +
    `${p.traces ? `; traces: ${p.traces}` : ''}.`
  );
}

function searchLine(r: Report): string {
  const o = r.options;
  const strategy = o ? (o.strategy === 'dfs' ? 'Depth-first search' : 'Breadth-first search') : 'Search';
  const limits = [
    o?.maxStates !== undefined ? `--max-states ${o.maxStates}` : undefined,
    o?.maxDepth !== undefined ? `--max-depth ${o.maxDepth}` : undefined,
    o?.allViolations ? '--all-violations' : undefined,
    o?.checkDeadlock === false ? '--no-deadlock' : undefined,
    o?.deadlockSemantics === 'tlc' ? '--deadlock-semantics tlc' : undefined,
    o?.liveness === false ? '--no-liveness' : o?.liveness === true ? '--liveness' : undefined,
  ].filter((x) => x !== undefined);
  return `${strategy}; visited set: ${r.stats.store}; symmetry reduction: ${r.stats.symmetry}${limits.length ? `; ${limits.join(' ')}` : ''}.`;
}

/** Extra lines a spec adds after each violation of the text format (e.g. a picture of the trace); [] for none. */
export type ViolationExtra = (v: ReportViolation, r: Report) => string[];

/** Renders a report as TLC-like text; `extra` adds a spec's lines after each violation. */
export function renderText(r: Report, extra?: ViolationExtra): string {
  const out: string[] = [`${r.tool} ${r.version}: ${r.spec}${paramsText(r.params)}`];
  if (r.description) out.push(r.description);
  if (r.result === 'error') {
    const e = r.error ?? { code: 'MC501', message: 'the report says error but carries no error' };
    out.push(`Error: ${e.message}`, `Error code ${e.code} (see docs/error-codes.md).`);
    if (Array.isArray(e.trace) && e.trace.length > 0) out.push('Error: The behavior up to this point is:', ...formatTrace(e.trace as readonly ReportStep[]));
    return `${escapeControl(out.join('\n'))}\n`;
  }
  out.push(searchLine(r));
  if (r.stats.por) out.push(porLine(r.stats.por));
  const n = r.violations.length;
  r.violations.forEach((v, i) => {
    if (n > 1) out.push(`Violation ${i + 1} of ${n}:`);
    out.push(...formatViolation(v));
    const more = extra?.(v, r) ?? [];
    if (more.length) out.push(...more, '');
  });
  if (r.result === 'holds') out.push('Model checking completed. No error has been found.');
  else if (r.result === 'violated' && r.complete) out.push(`Model checking completed. ${n === 1 ? '1 error was' : `${n} errors were`} found.`);
  else if (r.result === 'violated' && !r.options?.allViolations) out.push('The search stopped at the first violation; --all-violations keeps searching for others.');
  else if (r.result === 'violated') out.push(`Search incomplete: ${r.incompleteReason ?? 'stopped early'}; other violations may exist.`);
  if (r.result === 'incomplete') {
    out.push(`Search incomplete: ${r.incompleteReason ?? 'stopped early'}.`, 'Not every reachable state was explored, so no property is known to hold.');
  }
  out.push('Properties:');
  for (const p of r.properties) out.push(`  ${propertyLabel(p)}: ${propertyStatus(p, r)}`);
  for (const p of r.properties) {
    if (p.kind === 'witness' && p.status === 'unreached') {
      out.push(`WARNING: witness "${p.name}" was NOT reached: the behaviour it stands for never happens in this model, so the properties above may hold vacuously.`);
    }
  }
  // Vacuity, as TLC's -coverage and SPIN's "unreached" list: an action that
  // never fired in a complete search is dead code in the model.
  if (r.complete && r.stats.coverage) {
    const dead = Object.entries(r.stats.coverage).filter(([, n]) => n === 0).map(([a]) => a);
    if (dead.length > 0) out.push(`WARNING: ${dead.length === 1 ? 'action' : 'actions'} never enabled in any reachable state: ${dead.join(', ')}.`);
  }
  const s = r.stats;
  out.push(...storeLines(r));
  out.push(
    `${formatCount(s.statesGenerated)} states generated, ${formatCount(s.distinctStates)} distinct states found` +
      (s.queue !== undefined ? `, ${formatCount(s.queue)} states left on queue.` : '.'),
  );
  out.push(r.complete ? `The depth of the complete state graph search is ${s.depth}.` : `The depth of the state graph search so far is ${s.depth} (the search stopped early).`);
  out.push(`Bytes per state: ${formatDecimal(s.bytesPerState)} (visited set and parent links).`);
  if (s.liveness) {
    out.push(`State graph for temporal properties: ${formatCount(s.liveness.edges)} edges, ${formatDecimal(s.liveness.bytes / Math.max(1, s.distinctStates))} bytes per state.`);
    if (s.liveness.method === 'acyclic') {
      out.push(
        `Temporal properties decided by the acyclic path: the ${s.symmetry.startsWith('off') ? 'state graph' : 'symmetry-reduced graph'} has no cycle, ` +
          `so every fair behaviour ends in a final state; ${
            s.liveness.finalStates ? `the goals hold on all ${formatCount(s.liveness.finalStates)} final states that are not deadlocks (whole orbits)` : 'every final state is a reported deadlock'
          }.`,
      );
    } else if (s.liveness.method === 'full') {
      out.push(`Temporal properties decided by the full search (SCCs and fairness)${s.liveness.fallback ? `; the acyclic path did not apply: ${s.liveness.fallback}` : ''}.`);
    }
  }
  out.push(`Finished in ${s.seconds.toFixed(2)} s (${formatCount(Math.round(s.statesPerSecond))} distinct states/s).`);
  // A report is data (possibly someone else's): no terminal escape sequence gets through.
  return `${escapeControl(out.join('\n'))}\n`;
}

export const textRenderer: Renderer = {
  name: 'text',
  description: 'TLC-like text: verdict, diff trace, properties, statistics',
  render: renderText,
};

/** The text renderer with a spec's extra lines after each violation (see `ViolationExtra`). */
export function textRendererWith(extra: ViolationExtra): Renderer {
  return { ...textRenderer, render: (r) => renderText(r, extra) };
}
