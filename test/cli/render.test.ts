/**
 * `gfpcheck render`: a saved JSON report renders exactly as the run that
 * produced it did.
 */
import { smallMainMatrix } from '../verify/helpers';
import { gfpcheck } from './helpers';

const REPORT = '/virtual/report.json';

async function saved(args: string[]): Promise<Record<string, string>> {
  const r = await gfpcheck([...args, '--format', 'json', '--out', REPORT, '--quiet']);
  return { [REPORT]: r.io.files.get(REPORT)! };
}

describe('gfpcheck render', () => {
  it.each([
    ['diehard (invariant)', ['check', 'diehard']],
    ['philosophers (deadlock, all violations)', ['check', 'philosophers', '--const', 'n=3', '--all-violations']],
    ['twophase (holds, symmetry, compact store)', ['check', 'twophase', '--store', 'compact']],
    ['an incomplete run', ['check', 'twophase', '--max-states', '10']],
    ['the 2019 stack (explanation)', ['check', '--stack', 'xfs/dm-zoned/tcmu/ext4/ssd']],
  ])('should render %s as text exactly as check printed it', async (_what, args) => {
    // Arrange
    const files = await saved(args);
    const direct = await gfpcheck(args);
    // Act
    const rendered = await gfpcheck(['render', REPORT, '--format', 'text'], { files });
    // Assert
    expect(rendered.code).toBe(0);
    expect(rendered.out).toBe(direct.out);
  });

  it.each(['itf', 'json'])('should render --format %s exactly as check printed it', async (format) => {
    const args = ['check', 'philosophers', '--const', 'n=3', '--all-violations'];
    const files = await saved(args);
    const direct = await gfpcheck([...args, '--format', format]);
    const rendered = await gfpcheck(['render', REPORT, '--format', format], { files });
    expect(rendered.out).toBe(direct.out);
  });

  it('should default to text', async () => {
    const files = await saved(['check', 'diehard']);
    const rendered = await gfpcheck(['render', REPORT], { files });
    expect(rendered.out).toContain('Error: Invariant NotSolved is violated.');
  });

  it.each([
    [{ [REPORT]: '{ not json' }, /is not a gfpcheck JSON report: not JSON/],
    [{ [REPORT]: '{"tool": "tlc"}' }, /is not a gfpcheck JSON report: not a gfpcheck report/],
    [{}, /cannot read report '\/virtual\/report.json'/],
  ])('should refuse %j with a usage error', async (files, message) => {
    const r = await gfpcheck(['render', REPORT], { files });
    expect(r.code).toBe(151);
    expect(r.err).toMatch(message);
  });
});

describe('gfpcheck list', () => {
  it('should list the reference specs with their constants by default', async () => {
    const r = await gfpcheck(['list']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^Specs by name/);
    expect(r.out).toMatch(/^ {2}diehard +Die Hard jugs.*\[small=3 big=5 goal=4\]$/m);
    expect(r.out).toMatch(/^ {2}philosophers +.*\[n=5\]$/m);
  });

  it.each([
    ['stacks', /^ {2}report-2019 +.*\[xfs\/dm-zoned\/tcmu\/ext4\/ssd\]$/m],
    ['layers', /^ {2}dm-zoned +/m],
    ['params', /^ {2}pages +.*\[default \d+\]$/m],
  ])('list %s', async (section, line) => {
    const r = await gfpcheck(['list', section]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(line);
  });

  it('should reject an unknown section', async () => {
    const r = await gfpcheck(['list', 'fixes']);
    expect(r.code).toBe(151);
    expect(r.err).toMatch(/invalid value "fixes" for <section>/);
  });
});

describe('gfpcheck main', () => {
  it('should check the 2019 stack, print the trace and the verdict, and exit 0 when it deadlocks as expected', async () => {
    // Act: on a few rows of specs/verdicts.json (smallMainMatrix); the whole matrix is the gate's job
    const r = await gfpcheck(['main'], { files: smallMainMatrix() });
    // Assert
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^gfpcheck main: the stack of the 2019 report, xfs\/dm-zoned\/tcmu\/ext4\/ssd/);
    expect(r.out).toContain('Error: Deadlock reached.');
    expect(r.out).toContain('Error: The behavior up to this point is:');
    expect(r.out).toMatch(/^Verdict: deadlock reached .*Expected: deadlock\.$/m);
  });

  it('should keep stdout pure JSON with --format json', async () => {
    const r = await gfpcheck(['main', '--format', 'json'], { files: smallMainMatrix() });
    expect(JSON.parse(r.out).result).toBe('violated');
    expect(r.err).toMatch(/^Verdict: /m);
  });

  it('should not accept a spec or --stack', async () => {
    expect((await gfpcheck(['main', '--stack', 'xfs/ssd'])).code).toBe(151);
    expect((await gfpcheck(['main', 'diehard'])).code).toBe(151);
  });
});

describe('gfpcheck --help and --version', () => {
  it('should print the commands and exit 0', async () => {
    const r = await gfpcheck(['--help']);
    expect(r.code).toBe(0);
    for (const c of ['check', 'list', 'render', 'main']) expect(r.out).toContain(`gfpcheck ${c}`);
  });

  it('should print every option of check', async () => {
    const r = await gfpcheck(['check', '--help']);
    for (const o of ['--const', '--strategy', '--store', '--capacity', '--symmetry', '--max-states', '--max-depth', '--all-violations', '--deadlock', '--format', '--out', '--quiet', '--stack', '--workload', '--param']) {
      expect(r.out).toContain(o);
    }
  });

  it('should print the version', async () => {
    const r = await gfpcheck(['--version']);
    expect(r.out).toMatch(/^\d+\.\d+\.\d+\n$/);
  });
});
