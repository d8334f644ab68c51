/**
 * `gfpcheck check --junit FILE` and the <properties> of `verify --junit`:
 * well-formed XML 1.0 (no illegal characters, whatever a spec names things),
 * one testcase per property with the right outcome, and properties saying
 * what was checked and within which bounds.
 */
import * as path from 'path';
import { xmlEscape } from '../../checker/report';
import { subset, tempExpectations, verify } from '../verify/helpers';
import { FIXTURES, gfpcheck } from './helpers';

jest.setTimeout(120_000);

interface XmlNode {
  name: string;
  attrs: Record<string, string>;
  text: string;
  children: number[];
}

/** A strict little XML 1.0 reader: one root, nesting, quoted unique attributes, only predefined entities, no illegal characters. */
function parseXml(text: string): XmlNode[] {
  // eslint-disable-next-line no-control-regex
  const illegal = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
  if (illegal.test(text)) throw new Error(`character not allowed in XML 1.0 at ${text.search(illegal)}`);
  const decl = /^<\?xml version="1\.0" encoding="UTF-8"\?>\n/.exec(text);
  if (!decl) throw new Error('missing XML declaration');
  const body = text.slice(decl[0].length);
  const nodes: XmlNode[] = [];
  const stack: number[] = [];
  const checkChars = (s: string, where: string): void => {
    if (/<|&(?!(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/.test(s)) throw new Error(`bad character data in ${where}: ${s}`);
  };
  const re = /<(\/?)([A-Za-z_][\w.-]*)((?:\s+[A-Za-z_][\w.-]*="[^"]*")*)\s*(\/?)>|([^<]+)/gy;
  let m: RegExpExecArray | null;
  let pos = 0;
  let roots = 0;
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
      if (open === undefined || nodes[open].name !== name) throw new Error(`</${name}> does not close its element`);
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
  if (stack.length) throw new Error('unclosed element');
  return nodes;
}

const props = (nodes: XmlNode[]): Record<string, string> => Object.fromEntries(nodes.filter((n) => n.name === 'property').map((n) => [n.attrs.name, n.attrs.value]));
const cases = (nodes: XmlNode[]): { name: string; outcome: string[] }[] =>
  nodes.filter((n) => n.name === 'testcase').map((n) => ({ name: n.attrs.name, outcome: n.children.map((c) => nodes[c].name) }));

describe('xmlEscape', () => {
  it('escapes the five special characters and writes what XML 1.0 forbids as \\uXXXX text, keeping tab, newline and pairs', () => {
    expect(xmlEscape(`a<b>&"c"'d'`)).toBe('a&lt;b&gt;&amp;&quot;c&quot;&apos;d&apos;');
    expect(xmlEscape('x\u0000y\u0007z\u001b[2J\ufffe\uffff')).toBe('x\\u0000y\\u0007z\\u001b[2J\\ufffe\\uffff');
    expect(xmlEscape('tab\tnl\ncr\r')).toBe('tab\tnl\ncr\r');
    expect(xmlEscape('lone \ud800 and \udc00; pair \ud83d\ude00')).toBe('lone \\ud800 and \\udc00; pair \ud83d\ude00');
  });
});

describe('gfpcheck check --junit', () => {
  it('Die Hard: a failure with the trace for the invariant, the undecided deadlock skipped, properties with the bounds', async () => {
    const r = await gfpcheck(['check', 'diehard', '--junit', 'diehard.xml', '--quiet']);
    expect(r.code).toBe(12);
    expect(r.err).toBe('');
    const nodes = parseXml(r.io.files.get('diehard.xml')!);
    expect(nodes[0]).toMatchObject({ name: 'testsuites', attrs: { tests: '3', failures: '1', errors: '0', skipped: '1' } });
    expect(props(nodes)).toMatchObject({
      'gfpcheck.version': expect.stringMatching(/^\d+\.\d+\.\d+/),
      spec: 'diehard',
      store: 'fingerprint (64-bit)',
      symmetry: 'off',
      strategy: 'bfs',
      'bound.small': '3',
      'bound.big': '5',
      'bound.goal': '4',
      complete: 'false',
      distinctStates: '14',
    });
    expect(cases(nodes)).toEqual([
      { name: 'invariant NotSolved', outcome: ['failure'] },
      { name: 'deadlock', outcome: ['skipped'] },
      { name: 'witness both jugs full', outcome: ['system-out'] },
    ]);
    const failure = nodes.find((n) => n.name === 'failure')!;
    expect(failure.attrs.message).toBe('Invariant NotSolved is violated');
    expect(failure.text).toContain('State 7: &lt;BigToSmall&gt;\n/\\ small = 3\n/\\ big = 4');
  });

  it('a holding spec passes every testcase; --max-states and --store appear in the properties', async () => {
    const r = await gfpcheck(['check', 'twophase', '--junit', 'tp.xml', '--quiet', '--store', 'exact', '--no-symmetry']);
    expect(r.code).toBe(0);
    const nodes = parseXml(r.io.files.get('tp.xml')!);
    expect(nodes[0].attrs).toMatchObject({ failures: '0', errors: '0', skipped: '0' });
    expect(props(nodes)).toMatchObject({ store: 'exact', symmetry: 'off', complete: 'true', 'bound.rm': '3' });
    expect(cases(nodes).every((c) => c.outcome.join() === 'system-out')).toBe(true);
    const cut = await gfpcheck(['check', 'twophase', '--junit', 'cut.xml', '--quiet', '--max-states', '10']);
    expect(cut.code).toBe(152);
    const cutNodes = parseXml(cut.io.files.get('cut.xml')!);
    expect(props(cutNodes)['bound.maxStates']).toBe('10');
    expect(Number(cutNodes[0].attrs.errors)).toBeGreaterThan(0);
    expect(cutNodes.filter((n) => n.name === 'error').every((n) => n.attrs.type === 'incomplete')).toBe(true);
  });

  it('the deadlock of the dining philosophers is a failure', async () => {
    const r = await gfpcheck(['check', 'philosophers', '--const', 'n=3', '--junit', 'ph.xml', '--quiet']);
    expect(r.code).toBe(11);
    const nodes = parseXml(r.io.files.get('ph.xml')!);
    expect(cases(nodes)).toContainEqual({ name: 'deadlock', outcome: ['failure'] });
    expect(props(nodes)['bound.n']).toBe('3');
  });

  it('stays well-formed when names and states carry control characters and lone surrogates', async () => {
    const r = await gfpcheck(['check', path.join(FIXTURES, 'controlChars.ts'), '--junit', 'cc.xml', '--quiet']);
    expect(r.code).toBe(12);
    const xml = r.io.files.get('cc.xml')!;
    const nodes = parseXml(xml);
    expect(nodes.find((n) => n.name === 'testsuite')!.attrs.name).toBe('gfpcheck check control\\u001b[2Jchars');
    expect(cases(nodes)[0]).toEqual({ name: 'invariant Never\\u0001B', outcome: ['failure'] });
  });

  it('a spec error is one testcase with an error of type MCnnn', async () => {
    const r = await gfpcheck(['check', path.join(FIXTURES, 'throws.ts'), '--junit', 'err.xml', '--quiet']);
    expect(r.code).toBe(150);
    const nodes = parseXml(r.io.files.get('err.xml')!);
    const error = nodes.find((n) => n.name === 'error')!;
    expect(error.attrs.type).toBe('MC202');
    expect(error.attrs.message).toMatch(/^MC202: .*boom/);
  });

  it('--junit needs a file name, once', async () => {
    expect((await gfpcheck(['check', 'diehard', '--junit', ''])).code).toBe(151);
    const twice = await gfpcheck(['check', 'diehard', '--junit', 'a.xml', '--junit', 'b.xml']);
    expect(twice.code).toBe(151);
    expect(twice.err).toMatch(/--junit was given 2 times/);
  });
});

describe('gfpcheck verify --junit: properties', () => {
  it('each fix set says the tool version, the search and the bounds of each column', async () => {
    const e = subset(['none', 'io-flusher'], ['2019-thread']);
    const r = await verify({ expect: tempExpectations(e), junit: '/tmp/gfpcheck-junit-props.xml', quiet: true });
    expect(r.code).toBe(0);
    const nodes = parseXml(r.io.files.get('/tmp/gfpcheck-junit-props.xml')!);
    const suites = nodes.filter((n) => n.name === 'testsuite');
    expect(suites).toHaveLength(2);
    for (const s of suites) expect(nodes[s.children[0]].name).toBe('properties');
    const first = Object.fromEntries(nodes[suites[0].children[0]].children.map((c) => [nodes[c].attrs.name, nodes[c].attrs.value]));
    expect(first).toMatchObject({
      'gfpcheck.version': expect.stringMatching(/^\d+\.\d+\.\d+/),
      strategy: 'bfs',
      store: 'fingerprint (64-bit)',
      symmetry: 'on',
      kernel: '5.2',
      fixes: 'none',
    });
    expect(first['bounds.2019-thread']).toMatch(/^xfs\/dm-zoned\/tcmu\/ext4\/ssd write: .*writers=\d+.*pages=\d+/);
  });
});
