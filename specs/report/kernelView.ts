/**
 * The kernel model's trace as a picture (a `TraceView`, checker/report/view.ts):
 * what the HTML viewer, the Graphviz graph and the mail's swimlane draw for a
 * `check --stack` report.
 *
 * - a lane per task (and per device that completes I/O, e.g. `ssd`), grouped
 *   by the layer it serves, in the stack's order: the application on top,
 *   then each layer of `params.stack`, then mm (kswapd);
 * - at each step, the task that moves; where it stands afterwards (the
 *   innermost frame of its call stack that is not a sleep primitive, with the
 *   subsystem of that frame's source file), the allocation on its stack with
 *   the effective GFP mask, what it takes or releases (a lock field of the
 *   state naming it), and what it waits for when the step leaves it blocked;
 * - requests handed to a lower layer (a queue count of `io.<layer>` that
 *   grows) as arrows to the lane of that layer that serves it, and wake-ups
 *   (a task blocked before the step and running after it) as arrows from the
 *   task that moved;
 * - waits as bars from the step that blocked a task to the step that woke it,
 *   or to the end; the waits of the final wait-for cycle (`cycle` in the
 *   violation, from models/waitfor.ts) are the closing ones.
 *
 * It reads only the JSON report, so `gfpcheck render` draws the same picture
 * as the run. The layer of a frame comes from models/frames.ts (the v5.2 file
 * each frame abstracts), loaded lazily so that rendering never depends on
 * the model being loadable.
 *
 * @module
 */
import { diffStates } from '../../checker/report/diff';
import type { Report, ReportViolation } from '../../checker/report';
import type { TraceView, ViewArrow, ViewCycleEdge, ViewGroup, ViewLane, ViewLaneState, ViewStep, ViewWait } from '../../checker/report/view';

const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const str = (x: unknown): string => (typeof x === 'string' ? x : JSON.stringify(x));

/** A task of a kernel-model state, as `formatState` writes it. */
export interface KTask {
  readonly name: string;
  readonly role: string;
  readonly flags: readonly string[];
  readonly blocked: boolean;
  readonly waitsFor: string | null;
  /** Innermost frame first; allocation and reclaim frames end with ` [GFP mask]`. */
  readonly stack: readonly string[];
}

/** The tasks of a kernel-model state, or null when the state is not one. */
export function tasksOfState(state: unknown): KTask[] | null {
  if (!isRecord(state) || !Array.isArray(state.tasks)) return null;
  const out: KTask[] = [];
  for (const t of state.tasks) {
    if (!isRecord(t) || typeof t.name !== 'string') return null;
    out.push({
      name: t.name,
      role: str(t.role ?? ''),
      flags: Array.isArray(t.flags) ? t.flags.map(str) : [],
      blocked: t.blocked === true,
      waitsFor: typeof t.waitsFor === 'string' ? t.waitsFor : null,
      stack: Array.isArray(t.stack) ? t.stack.map(str) : [],
    });
  }
  return out;
}

/** True for a report of the kernel model (a `--stack` check whose states have tasks). */
export function isKernelReport(r: Report, v?: ReportViolation): boolean {
  if (typeof r.params.stack !== 'string') return false;
  const viol = v ?? r.violations[0];
  return viol === undefined || tasksOfState(viol.trace[0]?.state) !== null;
}

/** The layer labels of a stack string, as models/stack.ts labels them (`xfs@0`, `xfs@3` when a name repeats). */
export function layerLabels(stack: string): string[] {
  const names = stack.split('/').map((s) => s.trim()).filter((s) => s !== '');
  const count = new Map<string, number>();
  for (const n of names) count.set(n, (count.get(n) ?? 0) + 1);
  return names.map((n, i) => ((count.get(n) ?? 0) > 1 ? `${n}@${i}` : n));
}

const SLEEP_FRAMES = new Set(['wait_for_completion', 'io_schedule', 'io_schedule_timeout', 'schedule', 'schedule_timeout']);

let frameSources: Readonly<Record<string, string>> | null | undefined;
function sourceOf(fn: string): string | undefined {
  if (frameSources === undefined) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-var-requires
      frameSources = (require('../../models/core/frames') as typeof import('../../models/core/frames')).FRAME_SOURCES as Readonly<Record<string, string>>;
    } catch {
      frameSources = null;
    }
  }
  return frameSources?.[fn];
}

/** The subsystem of a kernel frame (`xfs`, `mm`, `tcmu`, ...), from the source file it abstracts. */
export function subsystemOf(frame: string, layers: readonly string[] = []): string {
  const fn = frameFn(frame);
  // a frame labelled with its layer (`super_cache_scan (xfs)`, `mutex_lock (xfs pag_ici_reclaim_lock)`)
  const labelled = /\(([\w@-]+)[ )]/.exec(frame.replace(/\s*\[[^\]]*\]$/, ''));
  if (labelled && layers.includes(labelled[1])) return labelled[1];
  const file = sourceOf(fn) ?? '';
  const rules: [RegExp, string][] = [
    [/^fs\/xfs\//, 'xfs'],
    [/^fs\/iomap/, 'iomap'],
    [/^fs\/ext4\//, 'ext4'],
    [/^fs\/(read_write|super)\.c/, 'vfs'],
    [/^(mm\/|include\/linux\/(pagemap|slab)\.h|arch\/x86\/mm\/)/, 'mm'],
    [/^block\//, 'block'],
    [/^lib\//, 'lib'],
    [/^drivers\/block\/loop/, 'loop'],
    [/^drivers\/md\//, 'dm'],
    [/^drivers\/target\/loopback/, 'tcm_loop'],
    [/^drivers\/target\//, 'tcmu'],
    [/^drivers\/uio/, 'uio'],
    [/^tcmu-runner/, 'tcmu-runner'],
    [/^kernel\/locking/, 'locking'],
    [/^kernel\//, 'sched'],
  ];
  for (const [re, name] of rules) if (re.test(file)) return name;
  const prefix = /^(xfs|ext4|tcmu|dmz|loop|iomap)_/.exec(fn);
  return prefix ? prefix[1] : 'kernel';
}

/** `xfs_buf_iowait` of `xfs_buf_iowait`, `super_cache_scan` of `super_cache_scan (xfs)`, `mutex_lock` of `mutex_lock (tcmu cmdr_lock)`. */
export function frameFn(frame: string): string {
  return frame.replace(/\s*\[[^\]]*\]$/, '').replace(/\s*\(.*\)$/, '');
}

/** The GFP mask of a frame (`[GFP_NOIO]` at its end), if it has one. */
export function frameGfp(frame: string): string | undefined {
  return /\[([^\]]+)\]$/.exec(frame)?.[1];
}

/** Where a task stands: its innermost frame that is not a sleep primitive (with the lock or layer it names). */
export function standingFrame(stack: readonly string[]): string | undefined {
  const f = stack.find((x) => !SLEEP_FRAMES.has(frameFn(x)));
  return f?.replace(/\s*\[[^\]]*\]$/, '');
}

/** The innermost allocation on a stack and its effective GFP mask: `__alloc_pages_nodemask GFP_NOIO`. */
export function allocationOf(stack: readonly string[]): { fn: string; gfp: string } | undefined {
  // the allocator's entry (outermost frame with a mask under reclaim) carries the caller's effective mask
  const masked = stack.filter((f) => frameGfp(f) !== undefined);
  if (masked.length === 0) return undefined;
  const f = masked[masked.length - 1];
  return { fn: frameFn(f), gfp: frameGfp(f)! };
}

/** A short name of what a task waits for: the wait point of the cycle, or where it stands. */
function waitPoint(t: KTask, cycleAt: Map<string, string>): string {
  return cycleAt.get(t.name) ?? standingFrame(t.stack) ?? 'wait';
}

/** The group (layer label) a task serves, from its role and name. */
export function groupOfTask(t: { name: string; role: string }, labels: readonly string[]): string {
  const byName = (kind: string): string => labels.find((l) => l === kind || l.startsWith(`${kind}@`)) ?? kind;
  if (t.role.startsWith('app')) return 'app';
  if (t.role === 'kswapd') return 'mm';
  if (t.role === 'flusher') {
    const label = t.name.replace(/^flush-/, '');
    return labels.includes(label) ? label : byName(label);
  }
  if (t.role === 'dmz-kworker') return byName('dm-zoned');
  if (t.role === 'tcm_loop-kworker' || t.role.startsWith('tcmu')) return byName('tcmu');
  if (t.role === 'loop-worker') return byName('loop');
  return labels.find((l) => t.role.includes(l)) ?? 'other';
}

/** The task (or device) that moves at a step: the first element of its params. */
export function actorOf(params: unknown): string | null {
  if (typeof params !== 'string' || params === '') return null;
  return params.split(', ')[0];
}

/** The step's extra params beyond the actor (`LRU frees a clean ext4 page`). */
function stepDetail(params: unknown): string | undefined {
  if (typeof params !== 'string') return undefined;
  const [, ...rest] = params.split(', ');
  return rest.length ? rest.join(', ') : undefined;
}

/** The kernel view of a violation of a `--stack` report; undefined for any other report. */
export function kernelTraceView(r: Report, v: ReportViolation): TraceView | undefined {
  if (typeof r.params.stack !== 'string') return undefined;
  const states = v.trace.map((s) => tasksOfState(s.state));
  if (states.length === 0 || states.some((s) => s === null)) return undefined;
  const tasksAt = states as KTask[][];
  const labels = layerLabels(r.params.stack);
  const groupIds = ['app', ...labels, 'mm'];
  const first = tasksAt[0];
  const lanes: ViewLane[] = first.map((t) => ({ id: t.name, label: t.name, group: groupOfTask(t, labels), sub: t.role }));
  // devices and other actors that are not tasks (e.g. `ssd` completing a request)
  for (const s of v.trace) {
    const a = actorOf(s.params);
    if (a !== null && !lanes.some((l) => l.id === a)) lanes.push({ id: a, label: a, group: labels.includes(a) ? a : 'other', sub: labels.includes(a) ? 'device' : 'actor' });
  }
  if (lanes.some((l) => l.group === 'other')) groupIds.push('other');
  for (const l of lanes) if (!groupIds.includes(l.group)) groupIds.splice(groupIds.length - 1, 0, l.group);
  const groups: ViewGroup[] = groupIds
    .filter((g) => lanes.some((l) => l.group === g))
    .map((g) => ({ id: g, label: g === 'app' ? 'application' : g === 'mm' ? 'mm (reclaim)' : g }));
  const order = (l: ViewLane) => groups.findIndex((g) => g.id === l.group);
  const sortedLanes = lanes.map((l, i) => ({ l, i })).sort((a, b) => order(a.l) - order(b.l) || a.i - b.i).map((x) => x.l);

  const cycleRaw = Array.isArray(v.cycle) ? v.cycle.filter(isRecord) : [];
  const cycleAt = new Map(cycleRaw.map((e) => [str(e.task), str(e.at)]));
  const cycle: ViewCycleEdge[] = cycleRaw.map((e) => ({ from: str(e.task), to: str(e.next), label: str(e.at) }));

  const steps: ViewStep[] = [];
  const arrows: ViewArrow[] = [];
  const laneStates: ViewLaneState[][] = [];
  const last = v.trace.length - 1;
  // the step at which each task of the cycle starts the wait it never leaves
  const closingFrom = new Map<string, number>();
  for (const name of cycleAt.keys()) {
    let j = last;
    while (j > 0 && tasksAt[j - 1].find((t) => t.name === name)?.blocked) j--;
    if (tasksAt[last].find((t) => t.name === name)?.blocked) closingFrom.set(name, j);
  }
  v.trace.forEach((s, i) => {
    const tasks = tasksAt[i];
    laneStates.push(
      tasks.map((t) => ({
        lane: t.name,
        headline: `${t.name} (${t.role}) flags:${t.flags.length ? t.flags.join('|') : '0'} ${t.blocked ? `state:D, waits for ${t.waitsFor ?? '?'}` : t.stack.length ? 'state:R' : 'idle'}`,
        lines: t.stack,
        blocked: t.blocked,
      })),
    );
    if (i === 0) {
      steps.push({ step: 0, lane: null, title: 'initial state', lines: [] });
      return;
    }
    const actor = actorOf(s.params) ?? lanes[0].id;
    const before = tasksAt[i - 1];
    const me = tasks.find((t) => t.name === actor);
    const lines: string[] = [];
    if (me) {
      const at = standingFrame(me.stack);
      lines.push(at ? `${subsystemOf(at, labels)}: ${at.replace(/^mutex_lock \([\w@-]+ (\w+)\)$/, 'mutex_lock($1)').replace(/ \([\w@-]+\)$/, '')}` : 'done (returns)');
      const alloc = allocationOf(me.stack);
      if (alloc) lines.push(`alloc ${alloc.gfp}`);
    }
    // locks: a state field that now names the actor (taken) or named it before (released)
    const changes = diffStates(v.trace[i - 1].state, s.state);
    for (const c of changes) {
      const key = c.path.replace(/^.*[.[]"?/, '').replace(/"?\]$/, '');
      if (!/lock/i.test(key)) continue;
      if (c.value === actor) lines.push(`takes ${key.replace(/Lock$/, '_lock')}`);
    }
    for (const c of diffStates(s.state, v.trace[i - 1].state)) {
      const key = c.path.replace(/^.*[.[]"?/, '').replace(/"?\]$/, '');
      if (/lock/i.test(key) && c.value === actor) lines.push(`releases ${key.replace(/Lock$/, '_lock')}`);
    }
    if (me?.blocked) {
      const closing = closingFrom.get(me.name) === i;
      lines.push(closing ? `*** waits ${cycleAt.get(me.name)} ***` : `waits ${waitPoint(me, new Map())}`);
    }
    const detail = stepDetail(s.params);
    steps.push({ step: i, lane: actor, title: s.action ?? 'step', ...(detail !== undefined ? { detail } : {}), lines });
    // requests: a queue of io.<layer> grew
    for (const c of changes) {
      const m = /^io(?:\.([\w@-]+)|\["([^"]+)"\])\.(\w+)$/.exec(c.path);
      if (!m || typeof c.value !== 'number') continue;
      const layer = m[1] ?? m[2];
      const key = m[3];
      const prev = valueAt(v.trace[i - 1].state, ['io', layer, key]);
      if (typeof prev !== 'number' || c.value <= prev) continue;
      const target = requestTarget(layer, key, i, sortedLanes, v, tasksAt[0]);
      if (target && target !== actor) arrows.push({ step: i, from: actor, to: target, label: `${key} +${c.value - prev}`, kind: 'request' });
    }
    // wake-ups: blocked before, running after
    for (const t of tasks) {
      const was = before.find((b) => b.name === t.name);
      if (was?.blocked && !t.blocked && t.name !== actor) arrows.push({ step: i, from: actor, to: t.name, label: 'wakes', kind: 'wake' });
    }
  });

  const waits: ViewWait[] = [];
  for (const lane of first) {
    let from: number | null = null;
    let label = '';
    tasksAt.forEach((tasks, i) => {
      const t = tasks.find((x) => x.name === lane.name);
      if (!t) return;
      if (t.blocked && from === null) {
        from = i;
        label = waitPoint(t, i === last ? cycleAt : new Map());
      } else if (t.blocked && from !== null) {
        label = waitPoint(t, i === last ? cycleAt : new Map());
      } else if (!t.blocked && from !== null) {
        waits.push({ lane: lane.name, from, to: i, label, closing: false });
        from = null;
      }
    });
    if (from !== null) waits.push({ lane: lane.name, from, to: null, label, closing: closingFrom.get(lane.name) === from });
  }
  const others = sortedLanes.filter((l) => !cycleAt.has(l.id) && v.trace.some((s) => actorOf(s.params) === l.id)).map((l) => l.id);
  return {
    groups,
    lanes: sortedLanes,
    steps,
    arrows,
    waits,
    cycle,
    laneStates,
    ...(others.length ? { note: `other tasks that move: ${others.join(', ')}` } : {}),
  };
}

function valueAt(state: unknown, path: readonly string[]): unknown {
  let x: unknown = state;
  for (const k of path) x = isRecord(x) ? x[k] : undefined;
  return x;
}

/** The lane that serves a request queued on `io.<layer>.<key>`: the tcmu ring is tcmu-runner's, its work queue the tcm_loop kworkers'; otherwise the next lane of that layer to move. */
function requestTarget(layer: string, key: string, step: number, lanes: readonly ViewLane[], v: ReportViolation, tasks: readonly KTask[]): string | undefined {
  const inLayer = lanes.filter((l) => l.group === layer || l.id === layer);
  const roleWanted = key === 'ring' ? 'tcmu-runner' : key === 'tcmLoopWork' ? 'tcm_loop-kworker' : undefined;
  const candidates = roleWanted ? inLayer.filter((l) => tasks.find((t) => t.name === l.id)?.role === roleWanted) : inLayer;
  if (candidates.length === 0) return undefined;
  for (let j = step + 1; j < v.trace.length; j++) {
    const a = actorOf(v.trace[j].params);
    if (a !== null && candidates.some((c) => c.id === a)) return a;
  }
  return candidates[0].id;
}
