/**
 * `gfpcheck render <report.json> [--format F] [--out FILE]`: renders a saved
 * JSON report (from `check --format json`) in another format, without
 * re-running the check. The output is exactly what `check --format F` printed
 * for that run. Exits 0 when it rendered (whatever the report's verdict).
 *
 * @module
 */
import * as path from 'path';
import { readReport } from '../../report/json';
import { findRenderer } from '../../report/renderer';
import { single } from '../argv';
import { emitOutput, printFailure } from '../output';
import { Argv, CommandModule, err, Failure, ok, ResolvedCliConfig, Result, usage } from '../types';
import { emitOutDir, OutputOptions, outputOptions, validateOutputArgv } from './check';

export interface RenderCommandOptions {
  readonly report: string;
  readonly output: OutputOptions;
}

/** Pure: argv of `render`. */
export function validateRenderArgv(argv: Argv, cfg: ResolvedCliConfig): Result<Failure, RenderCommandOptions> {
  const report = single('report', argv.report);
  if (!report.ok) return report;
  if (report.value === undefined || report.value === '') return err(usage('no report given', 'gfpcheck render <report.json> --format text'));
  const output = validateOutputArgv(argv, cfg);
  if (!output.ok) return output;
  return ok({ report: report.value, output: output.value });
}

/** The `render` command. */
export function renderCommand(cfg: ResolvedCliConfig): CommandModule<RenderCommandOptions> {
  return {
    command: 'render <report>',
    describe: 'Render a saved JSON report (from check --format json) in another format, without re-running',
    positionals: { report: { type: 'string', describe: 'A JSON report written by gfpcheck check --format json' } },
    options: outputOptions(cfg),
    examples: [['gfpcheck render report.json --format itf', 'The counterexample of a saved report as an ITF trace']],
    validate: (argv) => validateRenderArgv(argv, cfg),
    run: (o, { io, config }) => {
      let text: string;
      try {
        text = io.readFile(path.resolve(io.cwd, o.report));
      } catch (e) {
        return printFailure(usage(`cannot read report '${o.report}': ${e instanceof Error ? e.message : String(e)}`), io);
      }
      const parsed = readReport(text);
      if (!parsed.ok) return printFailure(usage(`'${o.report}' is not a gfpcheck JSON report: ${parsed.error}`, 'write one with gfpcheck check ... --format json --out FILE'), io);
      const renderer = findRenderer(config.renderers, o.output.format)!;
      const problem = renderer.problem?.(parsed.value);
      if (problem) return printFailure(usage(`'${o.report}' cannot be rendered as ${o.output.format}: ${problem}`, 'render a report written by gfpcheck check ... --format json whose violations carry their traces'), io);
      const written = emitOutput(renderer.render(parsed.value), o.output, io);
      if (!written.ok) return printFailure(written.error, io);
      const files = emitOutDir(parsed.value, o.output, io);
      return files.ok ? 0 : printFailure(files.error, io);
    },
  };
}
