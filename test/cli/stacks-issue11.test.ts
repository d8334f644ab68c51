/**
 * Issue 11 from the command line: the new stack strings (nbd, fuse, nfs),
 * their validation errors, the roles io-flusher applies to, and
 * `main --catalogue` on a reduced expectations file.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { gfpcheck } from './helpers';

describe('gfpcheck check --stack: nbd, fuse and nfs', () => {
  it.each([
    [['check', '--stack', 'xfs/nbd/ssd'], /nbd keeps its data in a file, so the layer below it must be a filesystem, not "ssd"/],
    [['check', '--stack', 'fuse/ssd'], /fuse is served by a daemon that keeps its data in a file, so the layer below it must be a filesystem, not "ssd"/],
    [['check', '--stack', 'nfs/loop/ext4/ssd'], /nfs is served by a daemon that keeps its data in a file, so the layer below it must be a filesystem, not "loop"/],
    [['check', '--stack', 'xfs/loop/nfs/ext4/ssd'], /nfs must be the top layer: the model has no device or loop file on a nfs mount/],
    [['check', '--stack', 'xfs/ext4/ssd'], /xfs cannot sit directly on ext4: .*only nfs \(a loopback mount of the local nfsd\) and fuse/],
    [['check', '--stack', 'fuse-ext4', '--workload', 'read'], /the read workload is not modelled for fuse/],
    [['check', '--stack', 'nfs-loopback', '--workload', 'read'], /the read workload is not modelled for nfs/],
    [['check', '--stack', 'fuse-ext4', '--param', 'fuse_strict=9'], /parameter fuse_strict=9 is out of range 1\.\.8/],
  ])('%j says what is wrong and exits 151', async (args, message) => {
    const r = await gfpcheck(args as string[]);
    expect(r.code).toBe(151);
    expect(r.err).toMatch(message);
    expect(r.err).not.toMatch(/\n\s+at /);
  });

  it('should find the nbd-server recursion deadlock at v5.2 and none with io-flusher (the fix names the nbd server\'s role)', async () => {
    const base = await gfpcheck(['check', '--stack', 'xfs/nbd/ext4/ssd', '--all-violations', '--format', 'json']);
    expect(base.code).toBe(11);
    const rep = JSON.parse(base.out);
    expect(rep.violations.map((v: any) => [v.class, v.category])).toEqual([
      ['nbd-server@xfs_buf_iowait', 'recursion'],
      ['kswapd@xfs_buf_iowait + nbd-server@mutex_lock(pag_ici_reclaim_lock)', 'recursion'],
      ['kswapd@xfs_buf_iowait + nbd-server@throttle_direct_reclaim', 'recursion'],
    ]);
    expect(rep.stats.distinctStates).toBe(516);
    const fixed = await gfpcheck(['check', '--stack', 'nbd-ext4', '--fix', 'io-flusher', '--format', 'json']);
    expect(fixed.code).toBe(0);
    expect(JSON.parse(fixed.out).stats.distinctStates).toBe(9295);
  });

  it('should show fuse_strict only in the params of a FUSE stack', async () => {
    const f = JSON.parse((await gfpcheck(['check', '--stack', 'fuse-ext4', '--param', 'fuse_strict=1', '--format', 'json'])).out);
    expect(f.params).toMatchObject({ stack: 'fuse/ext4/ssd', fuse_strict: 1 });
    expect(f.result).toBe('holds');
    const e = JSON.parse((await gfpcheck(['check', '--stack', 'ext4/ssd', '--format', 'json'])).out);
    expect(e.params.fuse_strict).toBeUndefined();
  });

  it('should reproduce the loopback-NFS COMMIT deadlock on 3.16 and not on 4.7', async () => {
    const args = ['check', '--stack', 'nfs-loopback', '--param', 'pages=3', '--param', 'dirty_limit=2', '--all-violations', '--format', 'json'];
    const old = JSON.parse((await gfpcheck([...args, '--kernel', '3.16'])).out);
    expect(old.violations.map((v: any) => [v.class, v.category])).toEqual([['nfsd@nfs_commit_inode(FLUSH_SYNC)', 'recursion']]);
    const v = old.violations[0];
    expect(v.cycle.map((c: any) => [c.task, c.at, c.via, c.next])).toEqual([['nfsd', 'nfs_commit_inode(FLUSH_SYNC)', 'pagecache_get_page', 'nfsd']]);
    expect(v.backtraces.nfsd.slice(0, 5)).toEqual(['wait_on_commit', 'nfs_commit_inode', 'nfs_release_page', 'try_to_release_page', 'shrink_page_list']);
    const r47 = await gfpcheck([...args, '--kernel', '4.7']);
    expect(r47.code).toBe(0);
  });
});

describe('gfpcheck main --catalogue', () => {
  it('should print the catalogue matrix of the pinned cells and exit 0 when they match', async () => {
    // a reduced expectations file: the default one is read from specs/verdicts.json, so point the run at a copy
    const src = JSON.parse(fs.readFileSync(path.join(__dirname, '../../specs/verdicts.json'), 'utf8'));
    const keep = ['nbd-ext4'];
    const rows = src.rows.filter((r: any) => r.kernel === undefined && (r.fixes.length === 0 || (r.fixes.length === 1 && r.fixes[0] === 'io-flusher')));
    const small = { ...src, columns: src.columns.filter((c: any) => keep.includes(c.id)), rows: rows.map((r: any) => ({ ...r, cells: { 'nbd-ext4': r.cells['nbd-ext4'] } })) };
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gfpcheck-cat-'));
    fs.writeFileSync(path.join(dir, 'verdicts.json'), JSON.stringify(small));
    const r = await gfpcheck(['main', '--catalogue', '--quiet', '--expect', path.join(dir, 'verdicts.json')]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^Catalogue matrix: the kernel's reclaim-recursion cases/);
    expect(r.out).toMatch(/nbd-ext4/);
    // a changed pin is a mismatch: exit 1
    const bad = { ...small, rows: small.rows.map((x: any, i: number) => (i === 0 ? { ...x, cells: { 'nbd-ext4': { ...x.cells['nbd-ext4'], states: 1 } } } : x)) };
    fs.writeFileSync(path.join(dir, 'bad.json'), JSON.stringify(bad));
    expect((await gfpcheck(['main', '--catalogue', '--quiet', '--expect', path.join(dir, 'bad.json')])).code).toBe(1);
  });

  it('should refuse --expect without --catalogue (151)', async () => {
    const r = await gfpcheck(['main', '--expect', 'x.json']);
    expect(r.code).toBe(151);
    expect(r.err).toMatch(/--expect applies only to main --catalogue/);
  });
});
