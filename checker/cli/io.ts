/**
 * The two `CliIo`s: the process's, and an in-memory one for tests (and for
 * any caller that wants the output as strings).
 *
 * @module
 */
import * as fs from 'fs';
import * as path from 'path';
import { registerTypeScript, TS_MODULE } from './resolve';
import type { CliIo } from './types';

/**
 * Writes a file atomically: the text goes to a temporary file in the same
 * directory, which is then renamed over the target, so that a reader (or a
 * CI job after a full disk or a signal) sees the old file or the whole new
 * one, never a truncated one. The temporary file is removed on failure.
 */
export function writeFileAtomic(file: string, text: string): void {
  const dir = path.dirname(file);
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${Date.now().toString(36)}.tmp`);
  try {
    const fd = fs.openSync(tmp, 'w');
    try {
      fs.writeFileSync(fd, text);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, file);
  } catch (e) {
    try {
      fs.unlinkSync(tmp);
    } catch {
      // nothing to remove
    }
    throw e;
  }
}

/**
 * The real thing: process streams, the file system, `require` (through
 * ts-node, registered on first use, for a .ts module), the monotonic clock.
 */
export function createNodeIo(): CliIo {
  return {
    stdout: (t) => void process.stdout.write(t),
    stderr: (t) => void process.stderr.write(t),
    writeFile: (p, t) => writeFileAtomic(p, t),
    readFile: (p) => readBounded(p),
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

/** Largest file `readFile` reads (reports, expectations files): 256 MiB. */
export const MAX_READ_BYTES = 256 * 1024 * 1024;

/**
 * Reads a text file of at most `max` bytes (default `MAX_READ_BYTES`); a
 * larger file, or an endless one such as /dev/zero, is an error naming the limit.
 */
export function readBounded(file: string, max = MAX_READ_BYTES): string {
  const fd = fs.openSync(file, 'r');
  try {
    const chunks: Buffer[] = [];
    let total = 0;
    const buf = Buffer.alloc(1 << 16);
    for (;;) {
      const n = fs.readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      total += n;
      if (total > max) throw new Error(`the file is larger than ${max} bytes, the most gfpcheck reads`);
      chunks.push(Buffer.from(buf.subarray(0, n)));
    }
    return Buffer.concat(chunks, total).toString('utf8');
  } finally {
    fs.closeSync(fd);
  }
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
