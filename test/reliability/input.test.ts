/**
 * Issue 15, defects 5 and 6 and the smaller ones: odd input gives a clear
 * error (150/151), never a stack trace (255) or a silent pass.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { readBounded } from '../../checker/cli/io';
import { escapeControl, formatValue, nestingDepth } from '../../checker/report/values';
import { renderJunit, xml } from '../../specs/verify/render';
import { gfpcheck, REPO } from '../cli/helpers';

const tmp = (): string => fs.mkdtempSync(path.join(os.tmpdir(), 'gfpcheck-input-'));

describe('user strings are keys only as own properties', () => {
  it.each(['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf'])('check %s: unknown spec (151), not an internal error', async (name) => {
    const r = await gfpcheck(['check', name]);
    expect([r.code, r.err]).toEqual([151, expect.stringContaining(`unknown spec '${name}'`)]);
  });

  it.each([
    [['check', 'diehard', '--const', '__proto__=1'], "diehard has no constant '__proto__'"],
    [['check', 'twophase', '--const', 'constructor=1'], "twophase has no constant 'constructor'"],
    [['check', '--stack', 'report-2019', '--param', '__proto__=1'], 'unknown parameter "__proto__"'],
    [['check', '--stack', 'report-2019', '--param', 'toString=1'], 'unknown parameter "toString"'],
  ])('%j is rejected, not ignored', async (args, message) => {
    const r = await gfpcheck(args);
    expect([r.code, r.err]).toEqual([151, expect.stringContaining(message)]);
  });
});

/** A saved diehard report whose states are changed by `edit`. */
async function savedReport(edit: (r: Record<string, any>) => string | Record<string, any>): Promise<string> {
  const r = await gfpcheck(['check', 'diehard', '--format', 'json']);
  const out = edit(JSON.parse(r.out));
  const file = path.join(tmp(), 'report.json');
  fs.writeFileSync(file, typeof out === 'string' ? out : JSON.stringify(out));
  return file;
}

describe('render: bounded input, no stack overflow, no terminal escapes', () => {
  it('should reject a report nested 5,000 levels deep (151), in every format', async () => {
    const file = await savedReport((r) => {
      r.violations[0].trace[1].state = { x: '@DEEP@' };
      return JSON.stringify(r).replace('"@DEEP@"', `${'['.repeat(5000)}0${']'.repeat(5000)}`);
    });
    for (const format of ['text', 'json', 'itf', 'mail']) {
      const r = await gfpcheck(['render', file, '--format', format]);
      expect([r.code, r.err]).toEqual([151, expect.stringContaining('nested deeper than 1000 levels')]);
    }
  });

  it('should render a report nested 990 levels deep in every format', async () => {
    const file = await savedReport((r) => {
      r.violations[0].trace[1].state = { x: '@DEEP@' };
      return JSON.stringify(r).replace('"@DEEP@"', `${'['.repeat(990)}0${']'.repeat(990)}`);
    });
    for (const format of ['text', 'json', 'itf', 'mail']) expect((await gfpcheck(['render', file, '--format', format])).code).toBe(0);
  });

  it('should write values nested deeper than it shows without overflowing (formatValue)', () => {
    let deep: unknown = 0;
    for (let i = 0; i < 100000; i++) deep = [deep];
    expect(formatValue(deep)).toMatch(/^\[\[\[.*\.\.\..*\]\]\]$/);
    expect(nestingDepth(deep)).toBe(1001);
  });

  it('should bound what it reads: /dev/zero is an error, not 3.7 GB', () => {
    expect(() => readBounded('/dev/zero', 1 << 20)).toThrow(/larger than 1048576 bytes/);
    const r = spawnSync(process.execPath, [path.join(REPO, 'bin', 'gfpcheck'), 'render', '/dev/zero'], { cwd: REPO, encoding: 'utf8', timeout: 120_000 });
    expect(r.status).toBe(151);
    expect(r.stderr).toMatch(/the file is larger than 268435456 bytes/);
  });

  it('should escape control characters in text output (no \\u001b[2J reaches the terminal)', async () => {
    const file = await savedReport((r) => {
      r.spec = 'evil\u001b[2J\u0007';
      r.violations[0].trace[1].action = 'Fill\u001b[31m';
      r.violations[0].trace[1].state.big = '\u001b]0;title\u0007';
      return r;
    });
    const r = await gfpcheck(['render', file]);
    expect(r.code).toBe(0);
    expect(r.out).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
    expect(r.out).toContain('evil\\u001b[2J\\u0007');
    expect(r.out).toContain('<Fill\\u001b[31m>');
    expect(escapeControl('a\tb\nc\u009bd')).toBe('a\tb\nc\\u009bd');
  });

  it('should write well-formed JUnit XML when names carry control characters', () => {
    expect(xml('a\u0001b\u001bc<&>"\'\ud800')).toBe('a\\u0001b\\u001bc&lt;&amp;&gt;&quot;&apos;\\ud800');
    const cell = {
      row: { fixes: [] },
      rowLabel: 'fix\u0007set',
      column: { id: 'col\u001b[2J', stack: 's', workload: 'write', kind: 'safety', title: 't' },
      actual: { verdict: 'error', classes: [], states: 0, depth: 0, seconds: 0, shortest: [], witness: 'absent', error: 'bad\u0000thing', errorCode: 'MC202' },
      diffs: ['x'],
    };
    const text = renderJunit({ matrix: { cells: [cell as never], seconds: 0 }, expectations: 'e.json', version: '0' });
    // XML 1.0 allows no C0 control character but tab, newline and return, not even as a reference
    expect(text).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]|&#x?0*([0-8]|1[1-9a-f]|2[0-9])?;/i);
    expect(text).toContain('name="col\\u001b[2J: s write"');
  });
});

describe('smaller defects', () => {
  it('a missing spec module with --out: the error reaches stderr (150)', async () => {
    const out = path.join(tmp(), 'report.json');
    const r = await gfpcheck(['check', './no-such-spec.ts', '--out', out]);
    expect(r.code).toBe(150);
    expect(r.err).toMatch(/error MC101: cannot find spec module '\.\/no-such-spec\.ts'/);
  });

  it('--capacity 2^32 is a usage error naming the range (it could never work)', async () => {
    const r = await gfpcheck(['check', 'counter', '--store', 'compact', '--capacity', '2^32']);
    expect([r.code, r.err]).toEqual([151, expect.stringContaining('from 2^4 to 2^31')]);
  });
});
