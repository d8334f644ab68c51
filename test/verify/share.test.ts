/**
 * Shared searches (specs/verify/share.ts) on real matrix cells: sharing
 * changes no result and no rendered output, for 1 and 2 worker threads, and a
 * cell whose fix changes something its search reads is searched, not shared;
 * a shared run without `onCell` returns; `verify` shares by default, not with
 * `--no-share` or `--update`.
 */
import * as path from 'path';
import { Worker } from 'worker_threads';
import { resolveCliConfig } from '../../checker/cli';
import { closePool } from '../../checker/parallel/pool';
import { runMatrix } from '../../specs/verify/run';
import type { CellResult, MatrixResult } from '../../specs/verify/run';
import { renderJson, renderText } from '../../specs/verify/render';
import { gfpcheckConfig } from '../../specs/cli';
import { verifyCommand } from '../../specs/verify/command';
import { REPO, subset, tempExpectations, verify } from './helpers';
import type { Run } from './helpers';

jest.setTimeout(600_000);
afterAll(() => closePool());

// ---------------------------------------------------------------- real cells

const ROWS = ['none', 'ext4-mapping-nofs', 'loop-worker-noio', 'tcmu-gfp-noio'];
const COLUMNS = ['2019-thread', 'cost-ext4'];

/** A cell without its timings and without how it was obtained. */
const view = (c: CellResult) => {
  const { seconds: _s, ...actual } = c.actual;
  const { seconds: _t, statesPerSecond: _p, liveness, ...stats } = c.result.stats;
  return { row: c.rowLabel, column: c.column.id, actual, diffs: c.diffs, result: { ...c.result, stats: { ...stats, ...(liveness ? { liveness: { ...liveness, seconds: 0 } } : {}) } }, params: c.spec.params, description: c.spec.description };
};
const rendered = (m: MatrixResult): string[] => {
  const v = { matrix: { ...m, seconds: 0, searches: undefined, cells: m.cells.map((c) => ({ ...c, sharedWith: undefined, actual: { ...c.actual, seconds: 0 } })) }, expectations: 'x', version: '0' };
  return [renderText(v, { quiet: false }), renderJson(v)];
};

// ------------------------------------------------- regression: no onCell

/**
 * Runs `runMatrix` with shared searches and without `onCell` in a worker
 * thread, so that a run that never ends fails the test (a jest timeout cannot
 * stop a synchronous loop in the test's own thread): resolves with what the
 * run returned, or rejects after `ms`.
 */
function sharedRunWithoutOnCell(rows: string[], columns: string[], ms: number): Promise<{ cells: number; searches: number }> {
  const boot = `
    require(${JSON.stringify(require.resolve('ts-node'))}).register({ transpileOnly: true, project: ${JSON.stringify(path.join(REPO, 'tsconfig.json'))} });
    const { parentPort, workerData } = require('worker_threads');
    const { runMatrix } = require(${JSON.stringify(path.join(REPO, 'specs', 'verify', 'run'))});
    const { subset } = require(${JSON.stringify(path.join(REPO, 'test', 'verify', 'helpers'))});
    const r = runMatrix(subset(workerData.rows, workerData.columns), { clock: () => 0, workers: 1, share: true });
    parentPort.postMessage(r.ok ? { cells: r.value.cells.length, searches: r.value.searches } : { error: r.error });`;
  const w = new Worker(boot, { eval: true, workerData: { rows, columns } });
  let timer: NodeJS.Timeout | undefined;
  return new Promise<{ cells: number; searches: number }>((resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`runMatrix with share and no onCell did not return within ${ms} ms`)), ms);
    w.once('message', (m: { cells: number; searches: number; error?: unknown }) => (m.error !== undefined ? reject(new Error(JSON.stringify(m.error))) : resolve(m)));
    w.once('error', reject);
  }).finally(() => {
    clearTimeout(timer);
    void w.terminate();
  });
}

describe('shared searches without an onCell callback', () => {
  // the emit loop advanced its counter inside the optional call's argument (`onCell?.(out[i++])`), which is
  // skipped with the call when there is no onCell: the loop never ended (what looked like "a shared run after an
  // unshared one never finishes": the matrix test runs without onCell, verify always passes one)
  it('should return, with one search for two cells of an identical model', async () => {
    await expect(sharedRunWithoutOnCell(['none', 'loop-worker-noio'], ['cost-ext4'], 120_000)).resolves.toEqual({ cells: 2, searches: 1 });
  });
});

describe('shared searches on real cells', () => {
  const e = subset(ROWS, COLUMNS);
  const run = (workers: number, share: boolean): MatrixResult => {
    const r = runMatrix(e, { clock: () => 0, workers, share });
    if (!r.ok) throw new Error('matrix failed');
    return r.value;
  };
  let alone: MatrixResult;
  let one: MatrixResult;
  let two: MatrixResult;
  beforeAll(() => {
    alone = run(1, false);
    one = run(1, true);
    two = run(2, true);
  });

  it('should run fewer searches than cells, and every search without --no-share', () => {
    expect(alone.searches).toBe(alone.cells.length);
    expect(alone.cells.every((c) => c.sharedWith === undefined)).toBe(true);
    expect(one.searches).toBeLessThan(one.cells.length);
    expect(one.searches).toBe(one.cells.filter((c) => c.sharedWith === undefined).length);
  });

  it('should give every cell what its own search gives, for 1 and 2 worker threads', () => {
    expect(one.cells.map(view)).toEqual(alone.cells.map(view));
    expect(two.cells.map(view)).toEqual(alone.cells.map(view));
    expect(one.cells.every((c) => c.diffs.length === 0)).toBe(true);
  });

  it('should render exactly as the unshared matrix (text and JSON)', () => {
    expect(rendered(one)).toEqual(rendered(alone));
    expect(rendered(two)).toEqual(rendered(alone));
  });

  it('should share the same cells with the same cells for any number of worker threads', () => {
    const shared = (m: MatrixResult) => m.cells.map((c) => `${c.rowLabel} x ${c.column.id} <- ${c.sharedWith ?? 'searched'}`);
    expect(shared(two)).toEqual(shared(one));
    // a fix on a layer the stack does not have (the loop worker): the baseline's search, pinned
    expect(shared(one)).toContain('loop-worker-noio x cost-ext4 <- none x cost-ext4');
    expect(shared(one)).toContain('loop-worker-noio x 2019-thread <- none x 2019-thread');
    // a fix of tcmu's allocation sites on ext4/ssd (no tcmu): the page allocator reads a site's mask only when it allocates there
    expect(shared(one)).toContain('tcmu-gfp-noio x cost-ext4 <- none x cost-ext4');
  });

  it('should search a cell whose fix changes what its search reads, even at the same state count', () => {
    const cell = (row: string, col: string) => one.cells.find((c) => c.rowLabel === row && c.column.id === col)!;
    // ext4-mapping-nofs changes ext4's mapping mask, and cost-ext4 is ext4/ssd: 32 states either way, two searches
    expect(cell('ext4-mapping-nofs', 'cost-ext4').actual.states).toBe(cell('none', 'cost-ext4').actual.states);
    expect(cell('ext4-mapping-nofs', 'cost-ext4').sharedWith).toBeUndefined();
    // tcmu-gfp-noio changes the masks of tcmu's kernel allocation sites; the 2019 stack has tcmu, but the thread's
    // route (tcmu_kernel=0) never allocates there: the search never reads those masks, and the cell shares the
    // baseline's (its own search agrees: the test above compares it with the unshared run; both pins are 24 states)
    expect(cell('tcmu-gfp-noio', '2019-thread').sharedWith).toBe('none x 2019-thread');
  });
});

// ------------------------------------------------------------ verify's default

describe('gfpcheck verify: shared searches by default, never when writing pins', () => {
  const cfg = resolveCliConfig(gfpcheckConfig());
  const validate = (argv: Record<string, unknown>) => verifyCommand(cfg).validate(argv);
  // the baseline and loop-worker-noio on cost-ext4 (ext4/ssd: no loop worker) run the same model (pinned above)
  const PAIR = () => subset(['none', 'loop-worker-noio'], ['cost-ext4']);
  const stats = (r: Run) => (JSON.parse(r.out) as { stats: { cells: number; searches: number } }).stats;

  it('should leave share unset by default, take --no-share, and refuse --update --share (a usage error)', () => {
    const d = validate({});
    expect(d.ok && d.value.share).toBeUndefined();
    const off = validate({ share: false });
    expect(off.ok && off.value.share).toBe(false);
    const both = validate({ update: true, share: true });
    expect(both.ok).toBe(false);
    if (!both.ok) expect(both.error).toMatchObject({ kind: 'usage', message: expect.stringMatching(/--share cannot be used with --update/) });
  });

  it('should share by default and say so (text and JSON), and run every search with --no-share', async () => {
    const file = tempExpectations(PAIR());
    const text = await verify({ expect: file, ladder: 'none', quiet: true });
    expect(text.code).toBe(0);
    expect(text.out).toMatch(/^Finished in .*\(2 checks, .*; 1 searches for the 2 cells, 1 shared a search of an identical model\)\.$/m);
    const json = await verify({ expect: file, ladder: 'none', quiet: true, format: 'json' });
    expect(stats(json)).toMatchObject({ cells: 2, searches: 1 });
    const off = await verify({ expect: file, ladder: 'none', quiet: true, format: 'json', share: false });
    expect(off.code).toBe(0);
    expect(stats(off)).toMatchObject({ cells: 2, searches: 2 });
  });

  it('should run every search with --update (the pins it writes are each from its own search)', async () => {
    // a wrong pin on the cell that would share: --update rewrites it from the cell's own search
    const e = PAIR();
    const wrong = { ...e, rows: e.rows.map((r) => (r.fixes.length ? { ...r, cells: { 'cost-ext4': { ...r.cells['cost-ext4'], states: 1 } } } : r)) };
    const file = tempExpectations(wrong);
    const r = await verify({ expect: file, ladder: 'none', quiet: true, update: true, format: 'json' });
    expect(r.code).toBe(0);
    expect(stats(r)).toMatchObject({ cells: 2, searches: 2 });
    expect(r.err).toContain('wrote 1 updated cell');
    const written = JSON.parse(r.io.files.get(file)!) as typeof e;
    expect(written.rows.map((x) => x.cells['cost-ext4'].states)).toEqual(e.rows.map((x) => x.cells['cost-ext4'].states));
  });
});
