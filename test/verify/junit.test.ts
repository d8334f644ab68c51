/**
 * JUnit XML of `gfpcheck verify --junit FILE`: well-formed, one testsuite per
 * fix set, one testcase per cell, a failure for a changed cell.
 */
import { subset, tempExpectations, verify } from './helpers';
import type { Expectations } from '../../specs/verify/expectations';

jest.setTimeout(60_000);

/**
 * A small well-formedness check (no XML library in the project): one XML
 * declaration, one root, tags properly nested, attributes quoted and unique,
 * only the five predefined entities or character references, no raw `<` or
 * `&` in text or attributes. Returns the elements as [name, attributes, text].
 */
function parseXml(text: string): { name: string; attrs: Record<string, string>; text: string; children: number[] }[] {
  const decl = /^<\?xml version="1\.0" encoding="UTF-8"\?>\n/.exec(text);
  if (!decl) throw new Error('missing XML declaration');
  const body = text.slice(decl[0].length);
  const nodes: { name: string; attrs: Record<string, string>; text: string; children: number[] }[] = [];
  const stack: number[] = [];
  let roots = 0;
  const checkChars = (s: string, where: string) => {
    if (/<|&(?!(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/.test(s)) throw new Error(`bad character data in ${where}: ${s}`);
  };
  const re = /<(\/?)([A-Za-z_][\w.-]*)((?:\s+[A-Za-z_][\w.-]*="[^"]*")*)\s*(\/?)>|([^<]+)/gy;
  let m: RegExpExecArray | null;
  let pos = 0;
  while ((m = re.exec(body))) {
    pos = re.lastIndex;
    const [, close, name, attrText, selfClose, chars] = m;
    if (chars !== undefined) {
      if (stack.length === 0) {
        if (chars.trim() !== '') throw new Error(`text outside the root: ${chars}`);
        continue;
      }
      checkChars(chars, nodes[stack[stack.length - 1]].name);
      nodes[stack[stack.length - 1]].text += chars;
      continue;
    }
    if (close) {
      const open = stack.pop();
      if (open === undefined || nodes[open].name !== name) throw new Error(`</${name}> does not close ${open === undefined ? 'anything' : nodes[open].name}`);
      continue;
    }
    const attrs: Record<string, string> = {};
    for (const a of attrText.matchAll(/([A-Za-z_][\w.-]*)="([^"]*)"/g)) {
      if (a[1] in attrs) throw new Error(`attribute ${a[1]} twice on <${name}>`);
      checkChars(a[2], `${name}@${a[1]}`);
      attrs[a[1]] = a[2];
    }
    const id = nodes.push({ name, attrs, text: '', children: [] }) - 1;
    if (stack.length) nodes[stack[stack.length - 1]].children.push(id);
    else if (++roots > 1) throw new Error('more than one root element');
    if (!selfClose) stack.push(id);
  }
  if (pos !== body.length) throw new Error(`unparsable XML at: ${body.slice(pos, pos + 40)}`);
  if (stack.length) throw new Error(`unclosed <${nodes[stack[stack.length - 1]].name}>`);
  return nodes;
}

describe('gfpcheck verify --junit', () => {
  // the thread's route alone (2019-thread) keeps these runs to seconds
  const e = subset(['none', 'io-flusher', 'ext4-mapping-nofs'], ['2019-thread', 'cost-ext4']);

  it('should write well-formed JUnit XML with one testcase per cell', async () => {
    // Act
    const r = await verify({ expect: tempExpectations(e), junit: '/tmp/gfpcheck-junit-test.xml', quiet: true });
    // Assert
    const xml = r.io.files.get('/tmp/gfpcheck-junit-test.xml')!;
    const nodes = parseXml(xml);
    expect(nodes[0]).toMatchObject({ name: 'testsuites', attrs: { name: 'gfpcheck verify', tests: '6', failures: '0', errors: '0' } });
    const suites = nodes.filter((n) => n.name === 'testsuite');
    expect(suites.map((s) => s.attrs.name)).toEqual(['fix set: none', 'fix set: ext4-mapping-nofs', 'fix set: io-flusher']);
    const cases = nodes.filter((n) => n.name === 'testcase');
    expect(cases).toHaveLength(6);
    expect(cases[0].attrs).toMatchObject({ classname: 'gfpcheck.verify.none', name: '2019-thread: xfs/dm-zoned/tcmu/ext4/ssd write' });
    expect(nodes.filter((n) => n.name === 'system-out').map((n) => n.text)).toContain('deadlock [tcmu-runner@xfs_buf_iowait], 24 distinct states, liveness deadlock-only');
    for (const c of cases) expect(Number(c.attrs.time)).toBeGreaterThanOrEqual(0);
    expect(r.code).toBe(0);
  });

  it('should report a changed cell as a failure of its testcase, escaped', async () => {
    // Arrange
    const changed = {
      ...e,
      rows: e.rows.map((row, i) => (i === 2 ? { ...row, cells: { ...row.cells, '2019-thread': { verdict: 'deadlock', classes: ['a<b & "c"'], states: 24, liveness: 'holds' } } } : row)),
    } as Expectations;
    // Act
    const r = await verify({ expect: tempExpectations(changed), junit: '/tmp/gfpcheck-junit-test.xml', quiet: true });
    // Assert
    expect(r.code).toBe(1);
    const nodes = parseXml(r.io.files.get('/tmp/gfpcheck-junit-test.xml')!);
    expect(nodes[0].attrs.failures).toBe('1');
    const failure = nodes.filter((n) => n.name === 'failure');
    expect(failure).toHaveLength(1);
    expect(failure[0].attrs.message).toBe('verdict deadlock [a&lt;b &amp; &quot;c&quot;] -&gt; holds; distinct states 24 -&gt; 162');
    expect(failure[0].text).toContain('computed: holds, 162 distinct states');
  });
});
