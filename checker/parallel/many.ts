/**
 * Independent checks on worker threads (e.g. the cells of a verdict matrix):
 * each worker rebuilds its spec from the recipe and runs a whole sequential
 * check; results are handed back in job order.
 *
 * @module
 */
import type { CheckOptions, CheckResult, SpecRecipe } from '../result';
import { getPool } from './pool';

/** One independent check: the spec's recipe and options that survive structured cloning (no clock, no callbacks). */
export interface CheckJob {
  readonly recipe: SpecRecipe;
  readonly options: CheckOptions;
}

/**
 * Runs the jobs on `workers` threads, at most one per thread at a time, and
 * calls `onResult(i, result, seconds)` in job order (0, 1, 2, …) as soon as
 * every earlier job has finished. `result` is undefined when the worker could
 * not run the job (e.g. the recipe failed to build the spec): the caller runs
 * that one itself. `seconds` is measured with `clock` from the job's start to
 * its result.
 */
export function checkInWorkers(
  jobs: readonly CheckJob[],
  workers: number,
  clock: () => number,
  onResult: (i: number, result: CheckResult | undefined, seconds: number) => void,
): void {
  const n = Math.max(1, Math.min(workers, jobs.length));
  const pool = getPool(n);
  const job = pool.newJob();
  const assigned = new Int32Array(n).fill(-1);
  const started: number[] = [];
  const done: { result: CheckResult | undefined; seconds: number }[] = [];
  let next = 0;
  let emitted = 0;
  const start = (wk: number): void => {
    if (next >= jobs.length) return;
    const i = next++;
    assigned[wk] = i;
    started[i] = clock();
    pool.send(wk, { op: 'check', job, recipe: jobs[i].recipe, options: jobs[i].options });
  };
  for (let wk = 0; wk < n; wk++) start(wk);
  while (emitted < jobs.length) {
    const d = done[emitted];
    if (d !== undefined) {
      onResult(emitted, d.result, d.seconds);
      emitted++;
      continue;
    }
    const { worker, reply } = pool.receive(job);
    const i = assigned[worker];
    done[i] = { result: reply.op === 'checked' ? (reply.result as CheckResult) : undefined, seconds: clock() - started[i] };
    start(worker);
  }
}
