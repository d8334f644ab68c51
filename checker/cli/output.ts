/**
 * Writing results and failures: the formatted output to stdout or `--out`,
 * and failures as one line naming what is wrong plus a hint, on stderr.
 *
 * @module
 */
import { exitCodeForFailure } from './exitCodes';
import { CliIo, err, Failure, ok, Result } from './types';

/** Writes the output to `out` (then says so on stderr unless quiet) or to stdout. */
export function emitOutput(text: string, o: { readonly out?: string; readonly quiet: boolean; readonly format?: string }, io: CliIo): Result<Failure, void> {
  if (o.out === undefined) {
    io.stdout(text);
    return ok(undefined);
  }
  try {
    io.writeFile(o.out, text);
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    return err({ kind: 'system', message: `cannot write --out ${o.out}: ${why}` });
  }
  if (!o.quiet) io.stderr(`gfpcheck: wrote the ${o.format ?? ''}${o.format ? ' ' : ''}output to ${o.out}\n`);
  return ok(undefined);
}

/** The lines that describe a failure. */
export function formatFailure(f: Failure): string {
  switch (f.kind) {
    case 'usage':
      return `gfpcheck: error: ${f.message}\n${f.hint ? `gfpcheck: hint: ${f.hint}\n` : ''}`;
    case 'system':
      return `gfpcheck: system error: ${f.message}\n`;
    case 'spec':
      return `gfpcheck: error ${f.error.code}: ${f.error.message}\ngfpcheck: hint: see docs/error-codes.md#${f.error.code.toLowerCase()}\n`;
  }
}

/** Prints a failure on stderr and returns its exit code. */
export function printFailure(f: Failure, io: CliIo): number {
  io.stderr(formatFailure(f));
  return exitCodeForFailure(f);
}
