/**
 * The gate and the fixes end to end, through bin/gfpcheck in a child process:
 * the exit code CI sees when an expectation changed, `--fix` on `check` (an
 * unknown fix is a usage error naming the known ones), and the reproducing
 * command of a mail report giving the same mail again.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { fixNames } from '../../specs/fixes';
import { REPO, smallMainMatrix, subset, tempExpectations } from './helpers';
import { gfpcheck } from '../cli/helpers';

jest.setTimeout(180_000);

const BIN = path.join(REPO, 'bin', 'gfpcheck');
const run = (args: string[]) => spawnSync(process.execPath, [BIN, ...args], { cwd: REPO, encoding: 'utf8' });

describe('bin/gfpcheck verify', () => {
  it('should exit 1 and name the cell when an expectation is changed, 0 when it is not', () => {
    // Arrange: a temporary copy restricted to one cell, then the same cell claimed to deadlock
    const e = subset(['io-flusher'], ['2019-thread']);
    const good = tempExpectations(e);
    const bad = tempExpectations({ ...e, rows: [{ ...e.rows[0], cells: { '2019-thread': { verdict: 'deadlock', classes: ['tcmu-runner@xfs_buf_iowait'], states: 24, liveness: 'holds' } } }] });
    // Act
    const ok = run(['verify', '--expect', good, '--quiet']);
    const changed = run(['verify', '--expect', bad, '--quiet', '--junit', `${bad}.xml`]);
    // Assert
    expect(ok.status).toBe(0);
    expect(ok.stdout).toContain(`The 1 cell matches ${good}.`);
    expect(changed.status).toBe(1);
    expect(changed.stdout).toContain('io-flusher x 2019-thread (xfs/dm-zoned/tcmu/ext4/ssd, write): verdict deadlock [tcmu-runner@xfs_buf_iowait] -> holds; distinct states 24 -> 162');
    expect(fs.readFileSync(`${bad}.xml`, 'utf8')).toContain('<failure message="verdict deadlock [tcmu-runner@xfs_buf_iowait] -&gt; holds; distinct states 24 -&gt; 162"');
  });
});

describe('gfpcheck check --fix', () => {
  it('should apply the fix and report the fix set', async () => {
    const r = await gfpcheck(['check', '--stack', 'xfs/dm-zoned/tcmu/ext4/ssd', '--fix', 'io-flusher', '--fix', 'tcmu-gfp-noio', '--all-violations', '--format', 'json']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.out);
    expect(report.params).toMatchObject({ stack: 'xfs/dm-zoned/tcmu/ext4/ssd', fixes: 'io-flusher + tcmu-gfp-noio' });
    expect(report.stats.distinctStates).toBe(46864); // 42,693 before the issue-10 defaults (tcmu_cmdr_lock, tcmu_batch, flusher_block)
    expect(report.source).toBe('stack xfs/dm-zoned/tcmu/ext4/ssd (write workload, fix io-flusher + tcmu-gfp-noio)');
  });

  it('should exit 151 for an unknown fix, naming the known fixes', async () => {
    const r = await gfpcheck(['check', '--stack', 'ext4/ssd', '--fix', 'no-such-fix']);
    expect(r.code).toBe(151);
    expect(r.err).toContain('gfpcheck: error: unknown fix "no-such-fix"; known fixes: ');
    for (const n of fixNames()) expect(r.err).toContain(n);
    expect(r.out).toBe('');
  });

  it('should refuse --fix without --stack', async () => {
    const r = await gfpcheck(['check', 'diehard', '--fix', 'io-flusher']);
    expect(r.code).toBe(151);
    expect(r.err).toMatch(/--fix needs --stack/);
  });
});

describe('gfpcheck --format mail', () => {
  it('should print a mail whose command, run again, prints the same mail', async () => {
    // Arrange
    const first = await gfpcheck(['check', '--stack', 'xfs/dm-zoned/tcmu/ext4/ssd', '--fix', 'dmzoned-nofs-scope', '--all-violations', '--format', 'mail']);
    expect(first.code).toBe(11);
    // Act: the command under "To reproduce:", continuation lines joined
    const cmd = first.out.split('To reproduce:\n\n')[1].replace(/ \\\n\s+/g, ' ').trim().replace(/^\$ gfpcheck /, '');
    const again = await gfpcheck(cmd.split(' '));
    // Assert
    expect(cmd).toContain('--fix dmzoned-nofs-scope');
    expect(again.out).toBe(first.out);
    expect(again.code).toBe(11);
  });

  it('should render a saved JSON report as mail exactly as check did', async () => {
    const args = ['check', '--stack', 'xfs/dm-zoned/tcmu/ext4/ssd', '--workload', 'read', '--all-violations'];
    const json = await gfpcheck([...args, '--format', 'json', '--out', '/virtual/r.json']);
    const mail = await gfpcheck([...args, '--format', 'mail']);
    const rendered = await gfpcheck(['render', '/virtual/r.json', '--format', 'mail'], { files: { '/virtual/r.json': json.io.files.get('/virtual/r.json')! } });
    expect(rendered.code).toBe(0);
    expect(rendered.out).toBe(mail.out);
  });

  it('should be what npm start prints after the matrix (main --format mail)', async () => {
    // on a few rows of specs/verdicts.json (smallMainMatrix): the whole matrix is the gate's job
    const r = await gfpcheck(['main', '--format', 'mail'], { files: smallMainMatrix() });
    expect(r.code).toBe(0);
    const matrixAt = r.out.indexOf('Verdict matrix: the 2019 stack under each proposed fix');
    const mailAt = r.out.indexOf('gfpcheck 0.1.0: deadlock in xfs/dm-zoned/tcmu/ext4/ssd');
    expect(matrixAt).toBeGreaterThan(0);
    expect(mailAt).toBeGreaterThan(matrixAt);
    // issue 15: the matrix reads in 100 columns, in blocks of stack columns each starting with the fix set
    for (const row of ['xfs-async-inode-reclaim', 'kernel 5\\.10', 'kernel 6\\.14']) {
      expect(r.out).toMatch(new RegExp(`^${row}\\s+holds \\(357\\)$`, 'm'));
      expect(r.out).toMatch(new RegExp(`^${row}\\s+holds \\(535\\)\\s+holds \\(68\\)$`, 'm'));
      expect(r.out).toMatch(new RegExp(`^${row}\\s+holds \\(32\\)$`, 'm'));
    }
    const matrix = r.out.slice(matrixAt, mailAt).split('\n');
    expect(matrix.filter((l: string) => l.length > 100)).toEqual([]);
    expect(r.out).toContain('All 16 cells match specs/verdicts.json.');
    expect(r.out).toMatch(/^Verdict: deadlock reached/m);
  });
});
