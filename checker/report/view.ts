/**
 * A trace as a picture: the data behind the sequence diagram of the HTML
 * viewer (html.ts), the Graphviz graph (dot.ts) and the ASCII swimlane of a
 * spec's mail format. A `TraceView` says which lanes there are (grouped),
 * which lane moves at each step and what it does there, which requests cross
 * lanes (arrows), when a lane waits (bars), and which lanes wait for each other
 * at the end (the cycle).
 *
 * This module is generic: `genericTraceView` draws any spec's trace with one
 * lane per top-level state variable (or a single lane when the state is not a
 * record or has too many variables); the step's row sits on the first lane
 * whose variables changed, with arrows to the other lanes that changed with
 * it. A spec with a richer picture (e.g. a lane per process, grouped by the
 * component it serves) supplies its own `TraceViewBuilder` where the CLI is
 * composed; checker/ knows nothing of what the lanes mean.
 *
 * @module
 */
import { diffStates } from './diff';
import type { Report, ReportViolation } from './report';
import { formatValue, isRecord } from './values';

/** A group of lanes (a layer of a stack, or "variables"). */
export interface ViewGroup {
  readonly id: string;
  readonly label: string;
}

/** One lane: a process, a device, a variable. */
export interface ViewLane {
  readonly id: string;
  readonly label: string;
  /** The id of its group. */
  readonly group: string;
  /** A second line under the label (e.g. a process's role). */
  readonly sub?: string;
}

/** What happens at one step (index = step number; index 0 is the initial state). */
export interface ViewStep {
  readonly step: number;
  /** The lane that moves, or null for the initial state. */
  readonly lane: string | null;
  /** Short name of the step, e.g. `__alloc_pages_slowpath`. */
  readonly title: string;
  /** What else the step's parameters say (e.g. `LRU frees a clean ext4 page`). */
  readonly detail?: string;
  /** Details shown with the step (where the lane stands, the allocation, what it waits for), one short line each. */
  readonly lines: readonly string[];
}

/** A request or wake-up crossing lanes at a step. */
export interface ViewArrow {
  readonly step: number;
  readonly from: string;
  readonly to: string;
  readonly label: string;
  /** `request` (work handed on), `wake` (a waiter woken) or `data` (values moved). */
  readonly kind: 'request' | 'wake' | 'data';
}

/** A lane waiting from step `from` until step `to` (woken there), or to the end (`to` null: never woken). */
export interface ViewWait {
  readonly lane: string;
  readonly from: number;
  readonly to: number | null;
  readonly label: string;
  /** True for a wait that closes the wait-for cycle. */
  readonly closing: boolean;
}

/** An edge of the final wait-for cycle: `from` waits for `to`. */
export interface ViewCycleEdge {
  readonly from: string;
  readonly to: string;
  readonly label: string;
}

/** Per lane, at one step: what it is doing (e.g. its backtrace, innermost first). */
export interface ViewLaneState {
  readonly lane: string;
  readonly headline: string;
  readonly lines: readonly string[];
  readonly blocked: boolean;
}

export interface TraceView {
  readonly groups: readonly ViewGroup[];
  readonly lanes: readonly ViewLane[];
  /** One per trace state, in order (`steps[0]` is the initial state). */
  readonly steps: readonly ViewStep[];
  readonly arrows: readonly ViewArrow[];
  readonly waits: readonly ViewWait[];
  /** The wait-for cycle at the end, empty when there is none. */
  readonly cycle: readonly ViewCycleEdge[];
  /** Per trace state, every lane's state (backtraces); may be empty per step. */
  readonly laneStates: readonly (readonly ViewLaneState[])[];
  /** Lanes not drawn as columns in a narrow rendering get named instead; the view's order is the preference. */
  readonly note?: string;
}

/** Builds the view of one violation of a report, or returns undefined to fall back to the generic view. */
export type TraceViewBuilder = (report: Report, violation: ReportViolation) => TraceView | undefined;

/** At most this many variables get a lane each; a larger state gets a single lane. */
export const MAX_VARIABLE_LANES = 12;

const short = (v: unknown, max = 40): string => {
  const s = formatValue(v);
  return s.length > max ? `${s.slice(0, max - 3)}...` : s;
};

/** The generic view: a lane per top-level variable (or one `state` lane), a row per step. */
export function genericTraceView(_report: Report, v: ReportViolation): TraceView {
  const first = v.trace[0]?.state;
  const vars = isRecord(first) && Object.keys(first).length > 0 && Object.keys(first).length <= MAX_VARIABLE_LANES ? Object.keys(first) : null;
  const laneIds = vars ?? ['state'];
  const lanes: ViewLane[] = laneIds.map((id) => ({ id, label: id, group: 'vars' }));
  const laneOf = (path: string): string => {
    if (!vars) return 'state';
    const m = /^([A-Za-z_$][\w$]*)|^\["((?:[^"\\]|\\.)*)"\]/.exec(path);
    const k = m ? (m[1] ?? JSON.parse(`"${m[2]}"`)) : path;
    return vars.includes(k) ? k : 'state';
  };
  const steps: ViewStep[] = [];
  const arrows: ViewArrow[] = [];
  const laneStates: ViewLaneState[][] = [];
  v.trace.forEach((s, i) => {
    const state = s.state;
    laneStates.push(
      laneIds.map((id) => {
        const value = vars && isRecord(state) ? state[id] : state;
        return { lane: id, headline: `${id} = ${short(value, 60)}`, lines: [], blocked: false };
      }),
    );
    if (i === 0) {
      steps.push({ step: 0, lane: null, title: 'Initial predicate', lines: [] });
      return;
    }
    const changes = diffStates(v.trace[i - 1].state, state);
    const changed = [...new Set(changes.map((c) => laneOf(c.path)))];
    const lane = changed[0] ?? laneIds[0];
    const title = s.action === null ? 'step' : s.params === null || s.params === undefined ? s.action : `${s.action} ${short(s.params, 30)}`;
    steps.push({ step: i, lane, title, lines: changes.slice(0, 4).map((c) => `${c.path || 'state'} = ${short(c.value)}`).concat(changes.length > 4 ? [`(${changes.length - 4} more)`] : []) });
    for (const other of changed.slice(1)) arrows.push({ step: i, from: lane, to: other, label: title, kind: 'data' });
  });
  return { groups: [{ id: 'vars', label: vars ? 'variables' : 'state' }], lanes, steps, arrows, waits: [], cycle: [], laneStates };
}

/** The view of a violation: the spec's builder when it gives one, else the generic one. */
export function traceViewOf(report: Report, v: ReportViolation, builder?: TraceViewBuilder): TraceView {
  return builder?.(report, v) ?? genericTraceView(report, v);
}

/**
 * Why a report cannot be drawn, or undefined when it can: every violation
 * needs a trace whose steps carry a state. (A report with no violation can
 * be drawn: there is nothing to draw but the verdict.)
 */
export function drawableProblem(r: Report): string | undefined {
  for (const [i, v] of r.violations.entries()) {
    const name = `violation ${i + 1} (${v.kind} ${v.class ?? v.property})`;
    if (!Array.isArray(v.trace) || v.trace.length === 0) return `${name} has an empty trace: there is nothing to draw`;
    const bad = v.trace.findIndex((s) => !isRecord(s) || !('state' in s) || typeof s.step !== 'number');
    if (bad >= 0) return `${name}: trace step ${bad} has no "step" number or no "state"`;
  }
  if (r.result === 'violated' && r.violations.length === 0) return 'the report says "violated" but carries no violation, so there is no trace to draw';
  return undefined;
}
