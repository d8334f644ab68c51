/**
 * Liveness of the kernel model: "every submitted I/O eventually completes"
 * and "every syscall eventually returns", under weak fairness of each task,
 * with livelocks named by the (role, loop point) pairs of their cycle.
 *
 * This module reads only the composed stack's public surface: the spec's
 * state variables (`app[w]` and `kt[d]` tasks with their `stack`/`sp` and
 * the `cmd` a daemon serves; `L<i>` layer states with page counters `pc` and
 * request queues `{ q, n }`), its actions' parameters (a task reference `{w}`
 * or `{d}`, or `{ t: task, ... }`), and `formatState` of the initial state
 * for the task names and roles. models/ is not imported.
 *
 * Processes (for `WF_vars(Proc(p))`, one condition per process):
 * - every action whose parameter names a task belongs to that task
 *   (the syscall, the slow path and shrinkers it runs, the wake-ups of its
 *   sleeps, a daemon's work loop);
 * - `balance_pgdat` belongs to kswapd (its parameter is the LRU it frees);
 * - the rest are not tasks, and each is a process of its own: the device
 *   completing requests in hardware (`blk_mq_complete_request(<disk>)`, so a
 *   disk does not stop completing I/O forever) and the tcmu command timer.
 *
 * Properties:
 * - `io-completes`: I/O in flight ~> no I/O in flight. I/O is in flight while
 *   a page is under writeback or locked for a read, a request sits in a queue
 *   of a block layer, or a daemon is serving a command. The model tracks
 *   requests by where they are, not by identity, so "each submitted I/O
 *   completes" is checked as "the in-flight set always drains"; with a finite
 *   workload (`ios` per task) the two are the same unless I/O keeps being
 *   resubmitted forever, which is a livelock either way.
 * - `syscall-returns(<task>)` for each application task: in a syscall (a
 *   frame on its stack) ~> back in user space (no frame).
 *
 * Livelock class: the sorted set of `role@loop point` of the tasks that move
 * on the lasso's cycle, where a task's loop point is the innermost kernel
 * function that stays on its stack for the whole cycle (`top-level` if its
 * stack empties on the way round), e.g. `kswapd@balance_pgdat`. Tasks that do
 * not move on the cycle are the starved ones; they are in the trace.
 *
 * @module
 */
import { Spec, State, leadsTo, weakFairness } from '../checker';

interface TaskView {
  readonly name: string;
  readonly role: string;
}

interface FrameLike {
  readonly fn: string;
}
interface TaskLike {
  readonly sp: number;
  readonly stack: readonly FrameLike[];
  readonly cmd?: { readonly op: string };
}

const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/** The tasks of a kernel-model state, in the model's task order: application tasks, then daemons. */
function tasksOf(k: State): TaskLike[] {
  const app = (k.app as readonly TaskLike[] | undefined) ?? [];
  const kt = (k.kt as Record<string, TaskLike> | undefined) ?? {};
  const ds = Object.keys(kt)
    .map(Number)
    .sort((a, b) => a - b)
    .map((d) => kt[d]);
  return [...app, ...ds];
}

/** The task index (in tasksOf order) an action parameter names, or undefined. */
function taskIndexOf(p: unknown, writers: number): number | undefined {
  if (!isRecord(p)) return undefined;
  if (typeof p.w === 'number') return p.w;
  if (typeof p.d === 'number') return writers + p.d;
  if (isRecord(p.t)) return taskIndexOf(p.t, writers);
  return undefined;
}

/** Is a request queue `{ q: [...], n }` non-empty anywhere in this layer state? */
function queued(x: unknown): boolean {
  if (Array.isArray(x)) return x.some(queued);
  if (!isRecord(x)) return false;
  if (Array.isArray(x.q) && typeof x.n === 'number') return x.n > 0;
  return Object.values(x).some(queued);
}

/** I/O in flight: pages under writeback or locked for read, queued requests, a daemon serving a command. */
export function ioInFlight(k: State): boolean {
  for (const t of tasksOf(k)) if (t.cmd && t.cmd.op !== 'none') return true;
  for (const key of Object.keys(k)) {
    if (!/^L\d+$/.test(key)) continue;
    const l = k[key];
    if (isRecord(l) && isRecord(l.pc) && ((l.pc.wb as number) > 0 || (l.pc.locked as number) > 0)) return true;
    if (queued(l)) return true;
  }
  return false;
}

/** The loop point of a task over a cycle: the innermost function on its stack in every state of the cycle. */
function loopPoint(ts: readonly TaskLike[]): string {
  let depth = Math.min(...ts.map((t) => t.sp));
  for (let i = 0; i < depth; i++) {
    if (!ts.every((t) => t.stack[i].fn === ts[0].stack[i].fn)) {
      depth = i;
      break;
    }
  }
  return depth === 0 ? 'top-level' : ts[0].stack[depth - 1].fn;
}

/** The livelock class of a cycle of kernel-model states (see the module comment). */
export function kernelLivelockClass(cycle: readonly State[], tasks: readonly TaskView[]): string {
  const per = cycle.map(tasksOf);
  const pairs = new Set<string>();
  tasks.forEach((tv, i) => {
    const ts = per.map((p) => p[i]);
    const moves = ts.some((t, j) => JSON.stringify(t) !== JSON.stringify(ts[(j + 1) % ts.length]));
    if (moves) pairs.add(`${tv.role}@${loopPoint(ts)}`);
  });
  if (pairs.size === 0) return cycle.length === 1 ? 'stuttering' : 'no task moves';
  return [...pairs].sort().join(' + ');
}

/** The names and roles of the tasks, from formatState of the initial state. */
function taskViews(spec: Spec<any>): TaskView[] {
  const init = spec.init()[0];
  const shown = spec.formatState ? spec.formatState(init) : undefined;
  const ts = isRecord(shown) && Array.isArray(shown.tasks) ? shown.tasks.filter(isRecord) : [];
  const n = tasksOf(init).length;
  if (ts.length !== n) throw new Error(`the kernel model's formatState lists ${ts.length} tasks, its state has ${n}`);
  return ts.map((t) => ({ name: String(t.name), role: String(t.role) }));
}

/** The kernel-model spec with the liveness properties, per-process fairness, and livelock classes. */
export function withKernelLiveness(spec: Spec<any>): Spec<any> {
  const tasks = taskViews(spec);
  const writers = ((spec.init()[0].app as unknown[] | undefined) ?? []).length;
  const kswapd = tasks.find((t) => t.role === 'kswapd');
  const processOf = (action: string) => (p: unknown): string => {
    const i = taskIndexOf(p, writers);
    if (i !== undefined) return tasks[i].name;
    if (action === 'balance_pgdat' && kswapd) return kswapd.name;
    return action;
  };
  const appTasks = tasks.slice(0, writers);
  return {
    ...spec,
    actions: spec.actions.map((a) => ({ ...a, process: processOf(a.name) })),
    properties: [
      leadsTo('io-completes', ioInFlight, (k) => !ioInFlight(k)),
      ...appTasks.map((t, w) =>
        leadsTo(`syscall-returns(${t.name})`, (k: State) => (k.app as readonly TaskLike[])[w].sp > 0, (k: State) => (k.app as readonly TaskLike[])[w].sp === 0),
      ),
    ],
    fairness: [weakFairness({ process: '*' })],
    livelockClass: (cycle) => kernelLivelockClass(cycle, tasks),
    // The acyclic path first, with or without symmetry: the kernel model's graph
    // has had no cycle in every configuration measured (a futile reclaim retry is
    // no step), and the path needs no predicate on the way, only on final states.
    // When a cycle appears, the full search runs and decides (docs/architecture.md).
    livenessMethod: 'acyclic-first',
  };
}
