/**
 * The generic command-line tool: commands, argv validation, exit codes, and
 * the extension points (spec providers, spec selectors, list sections, extra
 * commands, renderers) that the composition root (specs/cli.ts) fills.
 * Nothing here knows about kernels.
 *
 * @module
 */
export * from './types';
export { ExitCode, EXIT_CODE_TABLE, exitCodeForError, exitCodeForFailure, exitCodeForReport } from './exitCodes';
export type { ExitCodeName } from './exitCodes';
export { booleanConflict, parseCount, parseKeyValues, parseStore, single, singleBoolean, suggest, editDistance, COMPACT_BITS } from './argv';
export { classifyTarget, coerceConst, isSpecLike, loadSpecModule, resolveTarget, registerTypeScript, syntaxDiagnostics, typeDiagnostics, formatDiagnostics, TS_MODULE } from './resolve';
export type { SpecModuleOptions } from './resolve';
export type { SpecTarget } from './resolve';
export { emitOutput, formatFailure, printFailure } from './output';
export { createMemoryIo, createNodeIo } from './io';
export type { MemoryIo } from './io';
export {
  checkCommand,
  checkOptions,
  engineOptions,
  engineRunOptions,
  errorReport,
  executeCheck,
  outputOptions,
  reportOptions,
  searchOptions,
  validateCheckArgv,
  validateOutputArgv,
  validateSearchArgv,
  validateTargetArgv,
  progressLine,
  defaultWorkers,
  parseBytes,
} from './commands/check';
export type { CheckCommandOptions, CheckOutcome, OutputOptions, SearchOptions } from './commands/check';
export { listCommand, listSections, formatRows, specsSection, validateListArgv } from './commands/list';
export type { ListCommandOptions } from './commands/list';
export { renderCommand, validateRenderArgv } from './commands/render';
export type { RenderCommandOptions } from './commands/render';
export { createCli, createCommands, resolveCliConfig, runMain, translateYargsError, COMPLETION_COMMAND } from './main';
