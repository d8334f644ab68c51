/**
 * A user's own layer (specs/layers.ts, models/block/remap.ts): `--layer
 * ./docs/examples/dm-linear.ts` declares a remapping block layer that stack
 * strings may name. A remapping layer passes each bio on in the submitter's
 * context and has no state, so inserting it anywhere a block device may sit
 * must change nothing: the same verdict, classes, shortest traces and
 * distinct-state count as the stack without it (an independent cross-check
 * of the composition). Bad layer modules: MC101, exit 150.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { composeStack, parseStack, StackError } from '../../models';
import { gfpcheck, REPO } from '../cli/helpers';

jest.setTimeout(120_000);

const LAYER = './docs/examples/dm-linear.ts';
const THREAD_ROUTE = ['--param', 'kswapd=0', '--param', 'daemon_alloc=0', '--param', 'tcmu_kernel=0'];

interface Outcome {
  code: number;
  result: string;
  states: number;
  classes: [string | undefined, number][];
}
async function outcome(args: readonly string[]): Promise<Outcome> {
  const run = await gfpcheck(['check', ...args, '--all-violations', '--format', 'json', '--quiet']);
  const r = JSON.parse(run.out) as { result: string; stats: { distinctStates: number }; violations: { class?: string; trace: unknown[] }[] };
  return { code: run.code, result: r.result, states: r.stats.distinctStates, classes: r.violations.map((v) => [v.class, v.trace.length - 1] as [string | undefined, number]).sort() };
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gfpcheck-layermod-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
let n = 0;
const write = (text: string): string => {
  const p = path.join(tmp, `layer${++n}.js`);
  fs.writeFileSync(p, text);
  return p;
};
const layerJs = (fields: string): string => `module.exports = { layer: { ${fields} } };\n`;
const GOOD = "name: 'dm-pass', kind: 'remap', description: 'd', source: 's'";

describe('dm-linear, a layer module: a passthrough changes nothing', () => {
  it.each([
    ['above dm-zoned', 'xfs/dm-zoned/tcmu/ext4/ssd', 'xfs/dm-linear/dm-zoned/tcmu/ext4/ssd', THREAD_ROUTE],
    ['between dm-zoned and the zoned tcmu device (DM_TARGET_ZONED_HM)', 'xfs/dm-zoned/tcmu/ext4/ssd', 'xfs/dm-zoned/dm-linear/tcmu/ext4/ssd', THREAD_ROUTE],
    ['below ext4, under the backing file', 'xfs/dm-zoned/tcmu/ext4/ssd', 'xfs/dm-zoned/tcmu/ext4/dm-linear/ssd', THREAD_ROUTE],
    ['above a loop device', 'xfs/loop/ext4/ssd', 'xfs/dm-linear/loop/ext4/ssd', ['--param', 'ios=2']],
  ])('%s: %s and %s give the same search', async (_where, plain, linear, params) => {
    const a = await outcome(['--stack', plain, ...params]);
    const b = await outcome(['--stack', linear, ...params, '--layer', LAYER]);
    expect(b).toEqual(a);
    expect(a.code).toBe(11); // both deadlock: the comparison is not between two empty searches
  });

  it('pins the thread route with dm-linear: R1 in 24 states, 18 steps', async () => {
    expect(await outcome(['--stack', 'xfs/dm-linear/dm-zoned/tcmu/ext4/ssd', ...THREAD_ROUTE, '--layer', LAYER])).toEqual({
      code: 11,
      result: 'violated',
      states: 24,
      classes: [['tcmu-runner@xfs_buf_iowait', 18]],
    });
  });

  it('combines with a fix module, also with --workers 2 (the recipe a worker rebuilds the spec from carries both modules)', async () => {
    const args = ['--stack', 'xfs/dm-linear/dm-zoned/tcmu/ext4/ssd', '--param', 'kswapd=0', '--param', 'tcmu_kernel=0', '--layer', LAYER, '--fix', './docs/examples/my-fix.ts'];
    const seq = await outcome(args);
    expect(seq).toEqual({ code: 11, result: 'violated', states: 93, classes: [['tcmu-runner@xfs_buf_iowait', 18]] });
    expect(await outcome([...args, '--workers', '2'])).toEqual(seq);
  });

  it('is zoned only over a zoned device: dm-zoned may sit on dm-linear over a zoned disk, not over an ssd', async () => {
    const decl = [{ name: 'dm-linear', description: 'd', passesZoned: true }];
    expect(parseStack('xfs/dm-zoned/dm-linear/zoned', decl).map((l) => l.name)).toEqual(['xfs', 'dm-zoned', 'dm-linear', 'zoned']);
    expect(() => parseStack('xfs/dm-zoned/dm-linear/ssd', decl)).toThrow('dm-zoned needs a zoned block device below it (tcmu\'s ZBC handler or a zoned disk), but "dm-linear" is not zoned');
    expect(() => parseStack('xfs/dm-zoned/dm-linear/zoned', [{ ...decl[0], passesZoned: false }])).toThrow(StackError);
    const run = await gfpcheck(['check', '--stack', 'xfs/dm-zoned/dm-linear/ssd', '--layer', LAYER]);
    expect([run.code, run.err]).toEqual([151, expect.stringContaining('but "dm-linear" is not zoned')]);
  });

  it('adds no variable content, task or shrinker to the model', () => {
    const decl = [{ name: 'dm-linear', description: 'd' }];
    const plain = composeStack({ stack: 'xfs/ssd' });
    const linear = composeStack({ stack: 'xfs/dm-linear/ssd', layers: decl });
    expect(linear.kernel.daemons).toEqual(plain.kernel.daemons);
    expect(linear.kernel.shrinkerList.map((s) => s.name)).toEqual(plain.kernel.shrinkerList.map((s) => s.name));
    expect((linear.spec.init() as Record<string, unknown>[])[0].L1).toEqual({});
  });

  it('is shown in docs/adding-a-fix.md exactly as docs/examples/dm-linear.ts', () => {
    const doc = fs.readFileSync(path.join(REPO, 'docs', 'adding-a-fix.md'), 'utf8');
    expect(/```ts\n(\/\*\*\n \* `dm-linear`[\s\S]*?)```/.exec(doc)?.[1]).toBe(fs.readFileSync(path.join(REPO, LAYER), 'utf8'));
  });

  it('without --layer the name is unknown (usage, 151), and the message says how to add one', async () => {
    const run = await gfpcheck(['check', '--stack', 'xfs/dm-linear/ssd']);
    expect(run.code).toBe(151);
    expect(run.err).toContain('unknown layer "dm-linear" at position 2; known layers: ');
    expect(run.err).toContain('(a layer of your own: --layer ./my-layer.ts)');
  });

  it('a built-in layer name cannot be taken, even bypassing the module validator', () => {
    expect(() => parseStack('xfs/loop/ssd', [{ name: 'loop', description: 'd' }])).toThrow('a layer module declares "loop", the name of a built-in layer');
  });
});

describe('bad layer modules: a clear message, exit 150 (MC101), never a stack trace', () => {
  const bad = async (ref: string): Promise<string> => {
    const run = await gfpcheck(['check', '--stack', 'xfs/dm-pass/ssd', '--layer', ref]);
    const text = run.out + run.err;
    expect(run.code).toBe(150);
    expect(text).toContain('Error code MC101');
    expect(text).not.toMatch(/^\s+at /m);
    return text;
  };

  it('a missing file', async () => {
    expect(await bad('./no-such-layer.ts')).toMatch(/cannot find layer module '\.\/no-such-layer\.ts' \(looked for .*no-such-layer\.ts\)/);
  });

  it('a module that throws', async () => {
    expect(await bad(write("throw new Error('no layer today');\n"))).toMatch(/cannot load layer module '.*': no layer today/);
  });

  it('a module that exports no layer', async () => {
    expect(await bad(write('exports.x = 1;\n'))).toContain("it exports no layer: expected a default export, an export named 'layer', or one exported object with a 'kind'; its exports: x");
  });

  it('a layer with behaviour of its own (kind "fs"), named like a built-in layer, with a "/" in its name, a bad field', async () => {
    const text = await bad(write(layerJs("name: 'loop', kind: 'fs', description: 'd', source: 's', passesZoned: 'yes', tasks: []")));
    expect(text).toContain('is not a valid layer: 4 problems:');
    expect(text).toContain('layer.name: "loop" is a built-in layer; give the layer a name of its own');
    expect(text).toContain('layer.kind: "fs": a layer module can only declare a remapping block layer, kind "remap"; a layer with tasks, frames, waits or state of its own needs models/');
    expect(text).toContain('layer.passesZoned: expected true or false, got "yes"');
    expect(text).toContain('layer.tasks: unknown field; known fields: name, kind, description, source, passesZoned');
    expect(await bad(write(layerJs("name: 'dm/pass', kind: 'remap', description: 'd'")))).toContain('layer.name: "dm/pass" is not a kebab-case name (lower-case letters, digits and -; no "/", which separates layers)');
  });

  it('two modules declaring one name', async () => {
    const a = write(layerJs(GOOD));
    const b = write(layerJs(GOOD));
    const run = await gfpcheck(['check', '--stack', 'xfs/dm-pass/ssd', '--layer', a, '--layer', b]);
    expect(run.code).toBe(150);
    expect(run.out + run.err).toContain(`layer module '${b}' declares "dm-pass", as another --layer does`);
  });

  it('a valid JavaScript layer module works (xfs/dm-pass/ssd is xfs/ssd)', async () => {
    const p = write(layerJs(GOOD));
    expect(await outcome(['--stack', 'xfs/dm-pass/ssd', '--layer', p])).toEqual(await outcome(['--stack', 'xfs/ssd']));
  });
});
