/**
 * The CI gate: `gfpcheck verify` passes on the committed expectations, and
 * fails with exit 1 naming the cell and what changed when an expectation no
 * longer matches what the model computes (checked on temporary copies of the
 * expectations file, restricted to a few cells to stay fast).
 */
import * as fs from 'fs';
import { fixNames } from '../../specs/fixes';
import { COST_WITNESS } from '../../specs/fixes/spec';
import { parseExpectations, rowLabel } from '../../specs/verify/expectations';
import type { Expectations } from '../../specs/verify/expectations';
import { realExpectations, subset, tempExpectations, verify, VERDICTS } from './helpers';

jest.setTimeout(120_000);

// the thread's route alone (2019-thread: tens of states) keeps these runs to seconds; every cell of every column is
// checked by `gfpcheck verify --quiet` at the end of npm test
const SMALL = () => subset(['none', 'io-flusher', 'ext4-mapping-nofs'], ['2019-thread', 'cost-ext4']);

/** A copy of `e` with one cell replaced. */
function withCell(e: Expectations, row: string, column: string, cell: object): Expectations {
  return {
    ...e,
    rows: e.rows.map((r) => (rowLabel(r) === row ? { ...r, cells: { ...r.cells, [column]: cell } } : r)),
  } as Expectations;
}

describe('specs/verdicts.json', () => {
  const e = realExpectations();

  it('should be a valid expectations file', () => {
    expect(parseExpectations(fs.readFileSync(VERDICTS, 'utf8')).ok).toBe(true);
  });

  it('should have a row for the baseline, every fix, io-flusher + tcmu-gfp-noio (+ loop-worker-noio), and every other kernel profile', () => {
    // issue 11: the historic profiles of the loopback-NFS case (3.16, 4.7) before the later ones
    expect(e.rows.map(rowLabel)).toEqual(['none', ...fixNames(), 'io-flusher + tcmu-gfp-noio', 'io-flusher + tcmu-gfp-noio + loop-worker-noio', 'kernel 3.16', 'kernel 4.7', 'kernel 5.10', 'kernel 5.15', 'kernel 6.14']);
  });

  it('should have the columns of the issue: the 2019 stack (write, read), its XFS-backed and loop variants, and the cost witness on ext4/ssd', () => {
    const cols = e.columns.map((c) => `${c.kind} ${c.stack} ${c.workload}`);
    for (const c of ['safety xfs/dm-zoned/tcmu/ext4/ssd write', 'safety xfs/dm-zoned/tcmu/ext4/ssd read', 'safety xfs/dm-zoned/tcmu/xfs/ssd write', 'safety xfs/loop/ext4/ssd write', 'cost ext4/ssd write']) {
      expect(cols).toContain(c);
    }
  });

  it('should record every cell of every row', () => {
    for (const r of e.rows) expect(Object.keys(r.cells).sort()).toEqual(e.columns.map((c) => c.id).sort());
  });

  it('should expect the unfixed 2019 stack to deadlock in the reported class (among the other routes), and in it alone on the route the thread saw', () => {
    expect(e.rows[0].cells['2019-write']).toMatchObject({ verdict: 'deadlock', classes: expect.arrayContaining(['tcmu-runner@xfs_buf_iowait']) });
    expect(e.rows[0].cells['2019-thread']).toMatchObject({ verdict: 'deadlock', classes: ['tcmu-runner@xfs_buf_iowait'] });
  });
});

describe('gfpcheck verify', () => {
  it('should exit 0 and print the matrix when every cell matches', async () => {
    // Arrange
    const file = tempExpectations(SMALL());
    // Act
    const r = await verify({ expect: file });
    // Assert
    expect(r.code).toBe(0);
    expect(r.out).toContain('search: exhaustive BFS, fingerprint store (64-bit), all violations');
    // issue 15: the class label is stable (R1, classes.ts), and ! marks an inevitable deadlock (workload-completes unreached)
    expect(r.out).toMatch(/^none\s+deadlock! R1 \(24\)\s+holds \(32\)$/m);
    expect(r.out).toMatch(/^ext4-mapping-nofs\s+holds \(68\)\s+over-restrictive \(32\)$/m);
    expect(r.out).toContain('R1    tcmu-runner@xfs_buf_iowait');
    expect(r.out).toContain(COST_WITNESS);
    expect(r.out).toContain(`All 6 cells match ${file}.`);
    expect(r.out).toMatch(/^Finished in /m);
  });

  it('should exit 1 and name the cell and the change when a verdict differs', async () => {
    // Arrange: claim io-flusher still deadlocks on the 2019 stack
    const file = tempExpectations(withCell(SMALL(), 'io-flusher', '2019-thread', { verdict: 'deadlock', classes: ['tcmu-runner@xfs_buf_iowait'], states: 24 }));
    // Act
    const r = await verify({ expect: file });
    // Assert
    expect(r.code).toBe(1);
    expect(r.out).toContain(`1 of 6 cells differs from ${file}:`);
    expect(r.out).toContain(
      'io-flusher x 2019-thread (xfs/dm-zoned/tcmu/ext4/ssd, write): verdict deadlock [tcmu-runner@xfs_buf_iowait] -> holds; distinct states 24 -> 162',
    );
    expect(r.out).toMatch(/^io-flusher\s+holds \(162\) \*/m);
  });

  it('should exit 1 when only the distinct-state count changed', async () => {
    const file = tempExpectations(withCell(SMALL(), 'none', 'cost-ext4', { verdict: 'holds', states: 31 }));
    const r = await verify({ expect: file, quiet: true });
    expect(r.code).toBe(1);
    expect(r.out).toContain('none x cost-ext4 (ext4/ssd, write): distinct states 31 -> 32');
    expect(r.err).toBe('');
  });

  it('should exit 1 when the over-restrictive verdict of the cost witness changed', async () => {
    const file = tempExpectations(withCell(SMALL(), 'ext4-mapping-nofs', 'cost-ext4', { verdict: 'holds', states: 32 }));
    const r = await verify({ expect: file, quiet: true });
    expect(r.code).toBe(1);
    expect(r.out).toContain('ext4-mapping-nofs x cost-ext4 (ext4/ssd, write): verdict holds -> over-restrictive');
  });

  it('should exit 1 when a remaining deadlock class changed', async () => {
    const file = tempExpectations(withCell(SMALL(), 'none', '2019-thread', { verdict: 'deadlock', classes: ['kswapd@xfs_buf_iowait'], states: 24 }));
    const r = await verify({ expect: file, quiet: true });
    expect(r.code).toBe(1);
    expect(r.out).toContain('none x 2019-thread (xfs/dm-zoned/tcmu/ext4/ssd, write): classes no longer [kswapd@xfs_buf_iowait], now also [tcmu-runner@xfs_buf_iowait]');
  });

  it('should exit 1 for a cell with no expectation, saying what the model gives', async () => {
    const e = SMALL();
    const file = tempExpectations({ ...e, rows: e.rows.map((r, i) => (i === 0 ? { ...r, cells: { 'cost-ext4': r.cells['cost-ext4'] } } : r)) });
    const r = await verify({ expect: file, quiet: true });
    expect(r.code).toBe(1);
    expect(r.out).toContain('none x 2019-thread (xfs/dm-zoned/tcmu/ext4/ssd, write): no expectation recorded (the model gives deadlock [tcmu-runner@xfs_buf_iowait], 24 states)');
  });

  it('should rewrite the expectations with --update, after which they match', async () => {
    // Arrange
    const file = tempExpectations(withCell(SMALL(), 'io-flusher', '2019-thread', { verdict: 'deadlock', states: 1 }));
    // Act
    const updated = await verify({ expect: file, update: true, quiet: true });
    // Assert
    expect(updated.code).toBe(0);
    expect(updated.err).toContain(`wrote 1 updated cell (3 fix sets) to ${file}`);
    const text = updated.io.files.get(file)!;
    expect((JSON.parse(text) as Expectations).rows.find((row) => rowLabel(row) === 'io-flusher')!.cells['2019-thread']).toEqual({ verdict: 'holds', states: 162, liveness: 'holds' });
    fs.writeFileSync(file, text);
    expect((await verify({ expect: file, quiet: true })).code).toBe(0);
  });

  it('should print the matrix as JSON with the cells, their expectations and the mismatches', async () => {
    const file = tempExpectations(withCell(SMALL(), 'none', 'cost-ext4', { verdict: 'holds', states: 31 }));
    const r = await verify({ expect: file, format: 'json', quiet: true });
    const j = JSON.parse(r.out);
    expect(r.code).toBe(1);
    expect(j).toMatchObject({ tool: 'gfpcheck', command: 'verify', result: 'mismatch', options: { strategy: 'bfs', store: 'fingerprint', allViolations: true } });
    expect(j.rows[0].cells['2019-thread']).toMatchObject({ verdict: 'deadlock', classes: ['tcmu-runner@xfs_buf_iowait'], states: 24, shortest: [18], match: true });
    expect(j.mismatches).toEqual([{ row: 'none', column: 'cost-ext4', diffs: ['distinct states 31 -> 32'] }]);
  });

  it('should pin the liveness column: exit 1 when a cell\'s liveness verdict or livelock classes change, or none is recorded', async () => {
    const none = SMALL().rows[0].cells['2019-thread'];
    expect(none.liveness).toBe('deadlock-only');
    const changed = await verify({ expect: tempExpectations(withCell(SMALL(), 'none', '2019-thread', { ...none, liveness: 'holds' })), quiet: true });
    expect(changed.code).toBe(1);
    expect(changed.out).toContain('none x 2019-thread (xfs/dm-zoned/tcmu/ext4/ssd, write): liveness holds -> deadlock-only');
    const livelock = await verify({ expect: tempExpectations(withCell(SMALL(), 'io-flusher', '2019-thread', { verdict: 'holds', states: 162, liveness: 'livelock', livelocks: ['kswapd@top-level'] })), quiet: true });
    expect(livelock.code).toBe(1);
    expect(livelock.out).toContain('io-flusher x 2019-thread (xfs/dm-zoned/tcmu/ext4/ssd, write): liveness livelock [kswapd@top-level] -> holds');
    const missing = await verify({ expect: tempExpectations(withCell(SMALL(), 'io-flusher', '2019-thread', { verdict: 'holds', states: 162 })), quiet: true });
    expect(missing.code).toBe(1);
    expect(missing.out).toContain('io-flusher x 2019-thread (xfs/dm-zoned/tcmu/ext4/ssd, write): no liveness verdict recorded (the model gives holds)');
  });

  it('should print the liveness summary under the matrix, and the liveness of each cell in JSON, markdown and JUnit', async () => {
    const file = tempExpectations(SMALL());
    const text = await verify({ expect: file });
    expect(text.code).toBe(0);
    expect(text.out.replace(/\n/g, ' ')).toContain(
      'of 3 safety cells, 2 hold, 1 hang only by deadlock, 0 livelock. No fix turns a deadlock into a livelock, and none leaves one. Decided by the acyclic path (no cycle in the reachable graph) in 3, by the full search in 0.',
    );
    const j = JSON.parse((await verify({ expect: file, format: 'json', quiet: true })).out);
    expect(j.rows[0].cells['2019-thread']).toMatchObject({ liveness: 'deadlock-only', livelocks: [], livenessMethod: 'acyclic' });
    expect(j.rows[0].cells['cost-ext4'].liveness).toBeUndefined();
    const md = (await verify({ expect: file, format: 'markdown' })).out;
    expect(md).toContain('| `none` | **deadlock**: `tcmu-runner@xfs_buf_iowait` (24 states)<br>liveness: deadlock-only | holds (32 states) |');
  });

  it('should print the matrix as a markdown table', async () => {
    const r = await verify({ expect: tempExpectations(SMALL()), format: 'markdown' });
    expect(r.out).toMatch(/^\| fix set \| 2019 report, the thread's route only<br>`xfs\/dm-zoned\/tcmu\/ext4\/ssd` write \| cost: app on ext4\/ssd<br>`ext4\/ssd` write \|$/m);
    expect(r.out).toContain('| `none` | **deadlock**: `tcmu-runner@xfs_buf_iowait` (24 states)<br>liveness: deadlock-only | holds (32 states) |');
    expect(r.out).toContain('| `ext4-mapping-nofs` | holds (68 states)<br>liveness: holds | **over-restrictive** (32 states) |');
  });

  it.each([
    ['an unknown fix', (e: Expectations) => ({ ...e, rows: [...e.rows, { fixes: ['no-such-fix'], cells: {} }] }), /unknown fix "no-such-fix"; known fixes: ext4-mapping-nofs, pagecache-nofs/],
    ['an unknown layer', (e: Expectations) => ({ ...e, columns: [...e.columns, { ...e.columns[0], id: 'bad', stack: 'xfs/nosuch/ssd' }] }), /column "bad": unknown layer "nosuch"/],
    ['an unknown parameter', (e: Expectations) => ({ ...e, columns: [...e.columns, { ...e.columns[0], id: 'bad', params: { nosuch: '1' } }] }), /unknown parameter "nosuch"/],
    ['a cell of no column', (e: Expectations) => withCell(e, 'none', 'nowhere', { verdict: 'holds', states: 1 }), /no column has id "nowhere"/],
    ['an unknown verdict', (e: Expectations) => withCell(e, 'none', '2019-thread', { verdict: 'fine', states: 1 }), /verdict must be one of holds, deadlock/],
    ['an unknown liveness verdict', (e: Expectations) => withCell(e, 'none', '2019-thread', { verdict: 'deadlock', states: 24, liveness: 'fine' }), /liveness must be one of holds, deadlock-only, livelock/],
  ])('should exit 151 (usage) for %s in the expectations file', async (_name, change, message) => {
    const r = await verify({ expect: tempExpectations(change(SMALL()) as Expectations) });
    expect(r.code).toBe(151);
    expect(r.err).toMatch(message);
    expect(r.out).toBe('');
  });

  it('should exit 151 for a file that is not JSON or does not exist', async () => {
    expect((await verify({ expect: tempExpectations('{ nope') })).err).toMatch(/is not a valid expectations file: not JSON/);
    const missing = await verify({ expect: '/nonexistent/verdicts.json' });
    expect(missing.code).toBe(151);
    expect(missing.err).toMatch(/cannot read the expectations file/);
  });
});
