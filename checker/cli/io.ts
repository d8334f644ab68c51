/**
 * The two `CliIo`s: the process's, and an in-memory one for tests (and for
 * any caller that wants the output as strings).
 *
 * @module
 */
import * as fs from 'fs';
import { registerTypeScript, TS_MODULE } from './resolve';
import type { CliIo } from './types';

/**
 * The real thing: process streams, the file system, `require` (through
 * ts-node, registered on first use, for a .ts module), the monotonic clock.
 */
export function createNodeIo(): CliIo {
  return {
    stdout: (t) => void process.stdout.write(t),
    stderr: (t) => void process.stderr.write(t),
    writeFile: (p, t) => fs.writeFileSync(p, t),
    readFile: (p) => fs.readFileSync(p, 'utf8'),
    fileExists: (p) => fs.existsSync(p) && fs.statSync(p).isFile(),
    loadModule: (p) => {
      if (TS_MODULE.test(p)) registerTypeScript();
      // eslint-disable-next-line @typescript-eslint/no-var-requires
      return require(p);
    },
    cwd: process.cwd(),
    clock: () => Number(process.hrtime.bigint()) / 1e9,
    stderrIsTTY: process.stderr.isTTY === true,
    ...(process.stderr.isTTY && process.stderr.columns ? { stderrColumns: process.stderr.columns } : {}),
    memory: () => process.memoryUsage.rss(),
  };
}

/** An in-memory `CliIo` whose output accumulates in `out` and `err`. */
export interface MemoryIo extends CliIo {
  out: string;
  err: string;
  readonly files: Map<string, string>;
}

/**
 * An in-memory `CliIo`. Files written go to `files`; files read come from
 * `files`, then from disk. Modules are loaded with `require`. The clock is
 * frozen at 0 unless one is given, so reported times are 0.
 */
export function createMemoryIo(opts: { cwd?: string; clock?: () => number; files?: Record<string, string>; tty?: boolean; memory?: () => number } = {}): MemoryIo {
  const files = new Map(Object.entries(opts.files ?? {}));
  const io: MemoryIo = {
    out: '',
    err: '',
    files,
    stdout: (t) => void (io.out += t),
    stderr: (t) => void (io.err += t),
    writeFile: (p, t) => void files.set(p, t),
    readFile: (p) => files.get(p) ?? fs.readFileSync(p, 'utf8'),
    fileExists: (p) => files.has(p) || (fs.existsSync(p) && fs.statSync(p).isFile()),
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    loadModule: (p) => require(p),
    cwd: opts.cwd ?? process.cwd(),
    clock: opts.clock ?? (() => 0),
    ...(opts.tty ? { stderrIsTTY: true, stderrColumns: 100 } : {}),
    ...(opts.memory ? { memory: opts.memory } : {}),
  };
  return io;
}
