/**
 * A worker thread of the pool (pool.ts). It answers messages:
 *
 * - `open {job, recipe, config}`: rebuild and compile the spec, reply
 *   `opened {job, sig}` (the signature the coordinator compares with its own);
 * - `expand {job, chunk, states, n, atBound, table, invActive, witActive, level, spare}`:
 *   expand a chunk (expand.ts; `spare`: a words buffer of an earlier result to
 *   fill again), reply `expanded {job, chunk, result}`;
 * - `insert {job, table, lists, stride, from, to, part, parts, out}`: insert the
 *   level's candidates of partition `part` into the shared visited set
 *   (sharedStore.ts, `sharedInsert`), reply `inserted {job, inserted, deferred}`;
 * - `check {job, recipe, options}`: run a whole sequential check of the
 *   rebuilt spec, reply `checked {job, result}` (verify's independent cells);
 *
 * and replies `error {job, message}` when anything throws. After each reply
 * it bumps the shared counter the coordinator waits on.
 *
 * @module
 */
import { MessagePort, workerData } from 'worker_threads';
import { compile, Compiled } from '../compile';
import { check } from '../explore';
import { adoptInterruptFlag } from '../interrupt';
import type { CheckOptions, SpecRecipe } from '../result';
import { createExpander, ExpandConfig, resultBuffers } from './expand';
import { buildFromRecipe, specSignature } from './recipe';
import { sharedInsert } from './sharedStore';

const { port, signal, id, interrupt } = workerData as { port: MessagePort; signal: Int32Array; id: number; interrupt: SharedArrayBuffer };
// A signal to the process stops a check running here as it stops one on the main thread.
adoptInterruptFlag(interrupt);

function reply(msg: Record<string, unknown>, transfer: ArrayBuffer[] = []): void {
  port.postMessage(msg, transfer);
  Atomics.add(signal, 0, 1);
  Atomics.notify(signal, 0);
}

process.on('exit', () => {
  Atomics.store(signal, 1 + id, 2);
  Atomics.add(signal, 0, 1);
  Atomics.notify(signal, 0);
});

let open: { job: number; c: Compiled; expander: ReturnType<typeof createExpander> } | undefined;

port.on('message', (m: Record<string, unknown>) => {
  const job = m.job as number;
  try {
    switch (m.op) {
      case 'open': {
        const c = compile(buildFromRecipe(m.recipe as SpecRecipe));
        open = { job, c, expander: createExpander(c, m.config as ExpandConfig) };
        reply({ op: 'opened', job, sig: specSignature(c) });
        return;
      }
      case 'expand': {
        if (!open || open.job !== job) throw new Error(`no open search ${job}`);
        const r = open.expander.expand(
          m.states as Uint32Array,
          m.n as number,
          m.atBound as boolean,
          m.table as Uint32Array | undefined,
          m.invActive as Uint8Array,
          m.witActive as Uint8Array,
          m.level as number,
          m.spare as Uint32Array | undefined,
        );
        reply({ op: 'expanded', job, chunk: m.chunk, result: r }, resultBuffers(r));
        return;
      }
      case 'insert': {
        const r = sharedInsert(m.table as Uint32Array, m.lists as Uint32Array[], m.stride as number, m.from as number, m.to as number, m.part as number, m.parts as number, m.out as Uint8Array);
        reply({ op: 'inserted', job, inserted: r.inserted, deferred: r.deferred });
        return;
      }
      case 'check': {
        open = undefined;
        const spec = buildFromRecipe(m.recipe as SpecRecipe);
        const result = check(spec, { ...(m.options as CheckOptions), workers: 1 });
        reply({ op: 'checked', job, result });
        return;
      }
      default:
        throw new Error(`unknown message ${String(m.op)}`);
    }
  } catch (e) {
    reply({ op: 'error', job, message: e instanceof Error ? e.message : String(e), code: (e as { code?: unknown }).code });
  }
});
