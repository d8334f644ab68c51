/**
 * The bound ladder of the expectations file and `gfpcheck sweep`'s grid:
 * parsing, rung parameters, argv validation (no search here except one small
 * sweep point).
 */
import { createMemoryIo } from '../../checker/cli';
import { formatExpectations, parseExpectations, rungParams } from '../../specs/verify/expectations';
import { rungApplies, selectRungs } from '../../specs/verify/ladder';
import { gridPoints, runSweep, validateSweepArgv } from '../../specs/verify/sweep';

const base = {
  columns: [{ id: 'c', title: 'c', kind: 'safety', stack: 'xfs/ssd', workload: 'write', params: { pages: '3' } }],
  ladder: [{ id: 'w2', params: { writers: '2' } }, { id: 'mem+1', params: { pages: '+1' } }],
  rows: [{ fixes: [], cells: { c: { verdict: 'holds', states: 10, rungs: { w2: { verdict: 'exhaustion', classes: ['a@x'], states: 20 } } } } }],
};

describe('bound ladder in the expectations file', () => {
  it('should parse a ladder and per-cell rungs, and write them back in ladder order', () => {
    const r = parseExpectations(JSON.stringify(base));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.ladder!.map((g) => g.id)).toEqual(['w2', 'mem+1']);
    const again = parseExpectations(formatExpectations(r.value));
    expect(again.ok && again.value).toEqual(r.value);
  });

  it('should name a rung that the ladder lacks, a bad rung verdict, and a malformed ladder', () => {
    const bad = (x: unknown) => { const r = parseExpectations(JSON.stringify(x)); return r.ok ? 'ok' : r.error; };
    expect(bad({ ...base, rows: [{ fixes: [], cells: { c: { verdict: 'holds', states: 1, rungs: { w9: { verdict: 'holds', states: 1 } } } } }] })).toMatch(/rungs\["w9"\]: no rung of "ladder" has id "w9"/);
    expect(bad({ ...base, rows: [{ fixes: [], cells: { c: { verdict: 'holds', states: 1, rungs: { w2: { verdict: 'fine', states: 1 } } } } }] })).toMatch(/rungs\["w2"\]\.verdict must be one of holds, deadlock, exhaustion/);
    expect(bad({ ...base, ladder: {} })).toMatch(/"ladder" must be an array/);
    expect(bad({ ...base, ladder: [{ id: 'w2', params: {} }, { id: 'w2', params: {} }] })).toMatch(/rung id "w2" is used twice/);
  });

  it('should select the CI subset (pinned rungs of at most ciMaxRungStates states), every pinned rung, every rung, or none', () => {
    const e = parseExpectations(JSON.stringify({ ...base, ciMaxRungStates: 15 }));
    if (!e.ok) throw new Error(e.error);
    const cell = { verdict: 'holds' as const, states: 10, rungs: { w2: { verdict: 'exhaustion' as const, states: 20 }, 'mem+1': { verdict: 'holds' as const, states: 12 } } };
    const ids = (mode: Parameters<typeof selectRungs>[2]) => selectRungs(e.value, cell, mode).map((g) => g.id);
    expect(ids('ci')).toEqual(['mem+1']);
    expect(ids('pinned')).toEqual(['w2', 'mem+1']);
    expect(ids('all')).toEqual(['w2', 'mem+1']);
    expect(ids('none')).toEqual([]);
    expect(selectRungs(e.value, { verdict: 'holds', states: 1 }, 'all').map((g) => g.id)).toEqual(['w2', 'mem+1']);
    expect(selectRungs(e.value, { verdict: 'holds', states: 1 }, 'ci')).toEqual([]);
    // absent: every pinned rung is in the CI subset; the field round-trips through the writer
    const noMax = parseExpectations(JSON.stringify(base));
    if (!noMax.ok) throw new Error(noMax.error);
    expect(selectRungs(noMax.value, cell, 'ci').map((g) => g.id)).toEqual(['w2', 'mem+1']);
    expect(formatExpectations(e.value)).toContain('"ciMaxRungStates": 15,');
    const bad = parseExpectations(JSON.stringify({ ...base, ciMaxRungStates: -1 }));
    expect(bad.ok ? 'ok' : bad.error).toMatch(/"ciMaxRungStates" must be a whole number/);
  });

  it('should apply a rung that names layers only to the columns whose stack has one of them', () => {
    const dmz = { id: 'dmz', params: { dmz_block: '1' }, layers: ['dm-zoned'] };
    expect(rungApplies(dmz, { stack: 'xfs/dm-zoned/tcmu/ext4/ssd' })).toBe(true);
    expect(rungApplies(dmz, { stack: 'xfs/loop/ext4/ssd' })).toBe(false);
    expect(rungApplies({ id: 'log1', params: { xfs_log: '1' }, layers: ['xfs'] }, { stack: 'fuse/ext4/ssd' })).toBe(false);
    expect(rungApplies({ id: 'w2', params: { writers: '2' } }, { stack: 'fuse/ext4/ssd' })).toBe(true);
    const e = parseExpectations(JSON.stringify({ ...base, ladder: [...base.ladder, dmz] }));
    if (!e.ok) throw new Error(e.error);
    expect(selectRungs(e.value, undefined, 'all', { stack: 'xfs/ssd' }).map((g) => g.id)).toEqual(['w2', 'mem+1']);
    expect(formatExpectations(e.value)).toContain('{"id":"dmz","params":{"dmz_block":"1"},"layers":["dm-zoned"]}');
    const bad = parseExpectations(JSON.stringify({ ...base, ladder: [{ id: 'x', params: {}, layers: [] }] }));
    expect(bad.ok ? 'ok' : bad.error).toMatch(/ladder\[0\]\.layers must be a non-empty array of layer names/);
  });

  it('should add a +N rung to the column\'s value, or to the model default', () => {
    expect(rungParams({ params: { pages: '3' } }, { id: 'm', params: { pages: '+1' } }, { pages: '2' })).toEqual({ pages: '4' });
    expect(rungParams({}, { id: 'm', params: { pages: '+1', writers: '2' } }, { pages: '2' })).toEqual({ pages: '3', writers: '2' });
  });
});

describe('gfpcheck sweep argv and grid', () => {
  it('should take ranges as axes (first slowest) and single values as fixed', () => {
    const r = validateSweepArgv({ stack: 'xfs/ssd', param: ['writers=1..2', 'pages=2..3', 'ios=2'] });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.fixed).toEqual({ ios: '2' });
    expect(gridPoints(r.value.axes)).toEqual([
      { writers: 1, pages: 2 }, { writers: 1, pages: 3 }, { writers: 2, pages: 2 }, { writers: 2, pages: 3 },
    ]);
  });

  it.each([
    [{ param: ['pages=2..3'] }, /sweep needs --stack/],
    [{ stack: 's', param: ['pages=3..2'] }, /the range is empty \(3 > 2\)/],
    [{ stack: 's', param: ['pages=a'] }, /neither an integer nor a range/],
    [{ stack: 's', param: ['pages'] }, /expected NAME=VALUE or NAME=A\.\.B/],
    [{ stack: 's', param: ['pages=2', 'pages=3'] }, /--param pages is given twice/],
    [{ stack: 's', param: ['writers=1..4', 'pages=1..8', 'ios=1..6'] }, /the grid has 192 points; at most 64/],
    [{ stack: 's', format: 'xml' }, /invalid value 'xml' for --format/],
  ])('should reject %j', (argv, msg) => {
    const r = validateSweepArgv(argv);
    expect(r.ok).toBe(false);
    if (!r.ok && r.error.kind === 'usage') expect(r.error.message).toMatch(msg);
  });

  it('should mark where the verdict changes: loop-worker-noio on loop-ext4 (ios=2) holds at dirty_limit=1, is exhaustion at 2', () => {
    const io = createMemoryIo();
    const r = validateSweepArgv({ stack: 'loop-ext4', fix: ['loop-worker-noio'], param: ['dirty_limit=1..2', 'ios=2'] });
    if (!r.ok) throw new Error('argv');
    const pts = runSweep(r.value, () => io.clock());
    // 1,145 states and one class before flusher_block became a default (issue 10)
    expect(pts.map((p) => [p.params.dirty_limit, p.verdict, p.states])).toEqual([[1, 'holds', 243], [2, 'exhaustion', 1596]]);
    expect(pts[0].changes).toEqual([]);
    expect(pts[1].changes).toEqual(['dirty_limit 1->2: holds -> exhaustion']);
    expect(pts[1].classes).toEqual({
      exhaustion: ['flusher@mempool_alloc(xfs_ioend_bioset) + loop-worker@__alloc_pages_slowpath', 'kswapd@xfs_buf_iowait + loop-worker@__alloc_pages_slowpath'],
    });
  });
});

describe('gfpcheck verify with the bound ladder', () => {
  // none x 2019-thread: tens to hundreds of states per rung
  const { realExpectations, subset, tempExpectations, verify } = require('./helpers') as typeof import('./helpers');
  // the three bound rungs (the issue-10 path rungs log1 and dmz change the classes, so the cell is not stable with them)
  const BOUNDS = ['w2', 'mem+1', 'dirty2'];
  const ladderOf = () => {
    const e = realExpectations();
    const s = subset(['none'], ['2019-thread'], e);
    const real = e.rows.find((r) => r.fixes.length === 0 && r.kernel === undefined)!.cells['2019-thread'];
    const rungs = Object.fromEntries(Object.entries(real.rungs ?? {}).filter(([id]) => BOUNDS.includes(id)));
    return { ...s, ladder: (e.ladder ?? []).filter((g) => BOUNDS.includes(g.id)), rows: s.rows.map((r) => ({ ...r, cells: { '2019-thread': { ...real, rungs } } })) };
  };

  it('should pin every rung of none x 2019-thread in specs/verdicts.json: deadlock R1 on each bound rung (stable), other classes with the log and dm-zoned paths', () => {
    const real = realExpectations().rows.find((r) => r.fixes.length === 0 && r.kernel === undefined)!.cells['2019-thread'];
    // 618 / 460 states at w2 / dirty2 before tcmu_batch and flusher_block became defaults (issue 10)
    expect(real.rungs).toEqual({
      w2: { verdict: 'deadlock', classes: ['tcmu-runner@xfs_buf_iowait'], states: 1153 },
      'mem+1': { verdict: 'deadlock', classes: ['tcmu-runner@xfs_buf_iowait'], states: 21 },
      dirty2: { verdict: 'deadlock', classes: ['tcmu-runner@xfs_buf_iowait'], states: 851 },
      log1: { verdict: 'deadlock', classes: ['tcmu-runner@xlog_grant_head_wait'], states: 110 },
      dmz: { verdict: 'deadlock', classes: ['dmz-flush@dmz_flush_metadata + dmz-kworker@dmz_lock_metadata + tcmu-runner@xfs_buf_iowait', 'tcmu-runner@xfs_buf_iowait'], states: 384 },
    });
  });

  it('should pin every rung that applies, of every cell of specs/verdicts.json, with a decided verdict (issue 10: none left unpinned)', () => {
    const e = realExpectations();
    const missing: string[] = [];
    const stray: string[] = [];
    let pinned = 0;
    let na = 0;
    for (const row of e.rows) {
      for (const col of e.columns) {
        const cell = row.cells[col.id];
        if (!cell) continue;
        for (const g of e.ladder ?? []) {
          const r = cell.rungs?.[g.id];
          if (!rungApplies(g, col)) {
            na++;
            if (r) stray.push(`${col.id} ${g.id}`);
          } else if (!r || !['holds', 'deadlock', 'exhaustion', 'violated', 'over-restrictive'].includes(r.verdict)) missing.push(`${row.fixes.join('+') || 'none'}${row.kernel ? `@${row.kernel}` : ''} x ${col.id} @ ${g.id}`);
          else pinned++;
        }
      }
    }
    expect(missing).toEqual([]);
    expect(stray).toEqual([]);
    expect({ pinned, na }).toEqual({ pinned: 760, na: 190 });
  });

  it('should run the pinned rungs, mark the cell stable, and fail (exit 1) when a rung differs', async () => {
    const file = tempExpectations(ladderOf());
    const ok = await verify({ expect: file });
    expect(ok.code).toBe(0);
    expect(ok.out).toContain('stable   none x 2019-thread: base deadlock [R1] (24) | w2 deadlock [R1] (1,153) | mem+1 deadlock [R1] (21) | dirty2 deadlock [R1] (851)');
    // the rung cells on two worker threads: the same text
    const threads = await verify({ expect: file, workers: '2' });
    expect(threads.code).toBe(0);
    expect(threads.out.replace(/\d+\.\d+ ?s\b/g, '')).toBe(ok.out.replace(/\d+\.\d+ ?s\b/g, ''));
    const e = ladderOf();
    const cell = e.rows[0].cells['2019-thread'];
    const flipped = { ...e, rows: [{ ...e.rows[0], cells: { '2019-thread': { ...cell, rungs: { ...cell.rungs, w2: { verdict: 'holds' as const, states: 1153 } } } } }] };
    const bad = await verify({ expect: tempExpectations(flipped), quiet: true });
    expect(bad.code).toBe(1);
    expect(bad.out).toContain('none x 2019-thread @ w2: verdict holds -> deadlock [tcmu-runner@xfs_buf_iowait]');
    const none = await verify({ expect: tempExpectations(flipped), quiet: true, ladder: 'none' });
    expect(none.code).toBe(0);
  });
});
