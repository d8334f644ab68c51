/**
 * The CLI: commands registered explicitly, yargs in strict mode for parsing
 * and help, our own validation and handlers for the rest.
 *
 * `createCli(config).run(args, io)` parses `args`, runs one command and
 * resolves to its exit code; it never calls `process.exit` and never throws
 * (an exception escaping a handler is an internal error, exit 255). `runMain`
 * wires it to the process: real I/O, `process.exitCode`, EPIPE on stdout.
 *
 * @module
 */
import yargs from 'yargs/yargs';
import type { Argv as Yargs } from 'yargs';
import { defaultRenderers } from '../report';
import { booleanConflict, suggest } from './argv';
import { checkCommand } from './commands/check';
import { listCommand } from './commands/list';
import { renderCommand } from './commands/render';
import { ExitCode } from './exitCodes';
import { createNodeIo } from './io';
import { installSignalStop } from '../interrupt';
import { printFailure } from './output';
import { CliConfig, CliContext, CliIo, CommandModule, Failure, ResolvedCliConfig, usage } from './types';

/** Fills the config's defaults. */
export function resolveCliConfig(c: CliConfig): ResolvedCliConfig {
  return {
    providers: c.providers,
    selectors: c.selectors ?? [],
    listSections: c.listSections ?? [],
    renderers: c.renderers ?? defaultRenderers,
    version: c.version,
  };
}

/** The commands of a CLI, in `--help` order. */
export function createCommands(c: CliConfig): CommandModule<any>[] {
  const cfg = resolveCliConfig(c);
  return [checkCommand(cfg), listCommand(cfg), renderCommand(cfg), ...(c.commands ?? []).map((f) => f(cfg))];
}

const commandName = (m: CommandModule<unknown>): string => m.command.split(' ')[0];

/**
 * Turns a yargs validation message into a one-line usage failure with a hint.
 * Pure; `args` are the raw arguments (to tell `--foo` from `foo`).
 */
export function translateYargsError(message: string, args: readonly string[], cmd: CommandModule<unknown> | undefined): Failure {
  const help = cmd ? `'gfpcheck ${commandName(cmd)} --help' lists its options` : `'gfpcheck --help' lists the commands`;
  const unknown = /^Unknown arguments?: (.*)$/s.exec(message);
  if (unknown) {
    const names = unknown[1].split(', ').map((s) => s.trim());
    const n = names[0];
    const asOption = args.some((a) => a === `--${n}` || a.startsWith(`--${n}=`) || a === `-${n}`);
    if (asOption) {
      const near = cmd ? suggest(n, Object.keys(cmd.options)) : undefined;
      return usage(`unknown option --${n}${names.length > 1 ? ` (and ${names.length - 1} more)` : ''}`, near ? `did you mean --${near}? ${help}` : help);
    }
    return usage(`unexpected argument '${n}'`, help);
  }
  const invalid = /Argument: (\S+), Given: (.*), Choices: (.*)$/m.exec(message);
  if (invalid) {
    const [, arg, givenText, choices] = invalid;
    const isPositional = cmd?.positionals !== undefined && arg in cmd.positionals;
    return usage(`invalid value ${givenText} for ${isPositional ? `<${arg}>` : `--${arg}`}`, `choices: ${choices.replace(/"/g, '')}`);
  }
  const noValue = /^Not enough arguments following: (\S+)/.exec(message);
  if (noValue) return usage(`--${noValue[1]} needs a value`, help);
  const missing = /^Not enough non-option arguments: got \d+, need at least \d+/.exec(message);
  if (missing) return usage(`missing argument for '${cmd ? cmd.command : 'gfpcheck'}'`, help);
  return usage(message.split('\n').join(' '), help);
}

/** The name of the shell-completion command (`gfpcheck completion >> ~/.bashrc`). */
export const COMPLETION_COMMAND = 'completion';

function buildParser(commands: readonly CommandModule<unknown>[], version: string, strict = true): Yargs {
  let y = yargs()
    // English whatever LANG says: translateYargsError matches yargs' English messages
    .locale('en')
    .scriptName('gfpcheck')
    .usage('gfpcheck <command> [options]\n\nA TLA+-style explicit-state model checker for memory-reclaim deadlocks in stacked Linux storage.')
    .strict(strict)
    .help()
    .alias('help', 'h')
    .version(version)
    .alias('version', 'v')
    .showHelpOnFail(false)
    .exitProcess(false)
    .fail(false)
    .wrap(Math.min(110, process.stdout.columns ?? 100))
    .epilog('Exit codes follow TLC: 0 holds, 11 deadlock, 12 invariant violated, 150 spec error, 151 usage error, 152 incomplete, 153 system error, 255 internal error. See docs/cli.md.');
  for (const c of commands) {
    y = y.command(c.command, c.describe, (b) => {
      let yb = b;
      for (const [name, p] of Object.entries(c.positionals ?? {})) yb = yb.positional(name, p);
      yb = yb.options(c.options as Record<string, import('yargs').Options>);
      for (const [ex, d] of c.examples ?? []) yb = yb.example(ex, d);
      return yb;
    });
  }
  return y.completion(COMPLETION_COMMAND, 'Print a bash/zsh completion script: gfpcheck completion >> ~/.bashrc');
}

/** A CLI over a config: `run(args, io)` resolves to the exit code. */
export function createCli(config: CliConfig): { run(args: readonly string[], io: CliIo, opts?: { progressInterval?: number }): Promise<number>; commands: CommandModule<any>[] } {
  const commands = createCommands(config);
  const cfg = resolveCliConfig(config);
  const names = [...commands.map(commandName), COMPLETION_COMMAND];
  const run = async (args: readonly string[], io: CliIo, opts: { progressInterval?: number } = {}): Promise<number> => {
    const help = (): string => {
      let text = '';
      buildParser(commands, cfg.version).parse(['--help'], {}, (_e: unknown, _a: unknown, out: string) => void (text = out));
      return text.endsWith('\n') ? text : `${text}\n`;
    };
    if (args[0] === '--get-yargs-completions' || (args[0] === COMPLETION_COMMAND && args.length === 1)) {
      // the completion script, or the shell asking for completions (yargs' completion needs a non-strict parser)
      let out = '';
      buildParser(commands, cfg.version, false).parse([...args], {}, (_e: unknown, _a: unknown, o: string) => void (out = o));
      io.stdout(out === '' || out.endsWith('\n') ? out : `${out}\n`);
      return ExitCode.ok;
    }
    const first = args.find((a) => !a.startsWith('-'));
    const wantsMeta = args.some((a) => a === '--help' || a === '-h' || a === '--version' || a === '-v');
    if (first === undefined && !wantsMeta) {
      // no command: the help, then the usage error (a script calling gfpcheck without a command fails)
      if (args.length === 0) io.stderr(`${help()}\n`);
      return printFailure(usage('no command given', `commands: ${names.join(', ')}; 'gfpcheck --help' describes them`), io);
    }
    if (first !== undefined && !names.includes(first) && args.indexOf(first) === 0) {
      const near = suggest(first, names);
      return printFailure(usage(`unknown command '${first}'`, `${near ? `did you mean '${near}'? ` : ''}commands: ${names.join(', ')}`), io);
    }
    const cmd = commands.find((c) => commandName(c) === args[0]);
    if (cmd) {
      const booleans = Object.entries(cmd.options).filter(([, o]) => (o as { type?: string }).type === 'boolean').map(([n]) => n);
      const conflict = booleanConflict(args, booleans);
      if (conflict) return printFailure(conflict, io);
    }
    let parsed: Record<string, unknown> | undefined;
    let output = '';
    try {
      buildParser(commands, cfg.version).parse([...args], {}, (_e: unknown, argv: unknown, out: string) => {
        parsed = argv as Record<string, unknown>;
        output = out;
      });
    } catch (e) {
      return printFailure(translateYargsError(e instanceof Error ? e.message : String(e), args, cmd), io);
    }
    if (output !== '') {
      io.stdout(output.endsWith('\n') ? output : `${output}\n`);
      return ExitCode.ok;
    }
    if (!cmd || !parsed) return printFailure(usage('no command given', `commands: ${names.join(', ')}`), io);
    const valid = cmd.validate(parsed);
    if (!valid.ok) return printFailure(valid.error, io);
    const ctx: CliContext = { io, config: cfg, ...(opts.progressInterval !== undefined ? { progressInterval: opts.progressInterval } : {}) };
    try {
      return await cmd.run(valid.value, ctx);
    } catch (e) {
      io.stderr(`gfpcheck: internal error (MC501), please report it: ${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
      return ExitCode.internal;
    }
  };
  return { run, commands };
}

/**
 * Runs the CLI as the process: arguments from argv, real I/O, the exit code
 * in `process.exitCode`.
 *
 * - Any failed write to stdout (ENOSPC on a full disk, EPIPE under `| head`)
 *   makes the exit code 153, whatever the verdict: CI must not read success
 *   from a report that was never written.
 * - The first SIGINT/SIGTERM stops the search cleanly (interrupt.ts): the
 *   report of what was found so far is written as usual, as incomplete (152).
 *   A second signal exits at once (130/143).
 */
export async function runMain(config: CliConfig, args: readonly string[] = process.argv.slice(2)): Promise<void> {
  let writeFailed = false;
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    const first = !writeFailed;
    writeFailed = true;
    process.exitCode = ExitCode.system;
    if (e.code === 'EPIPE' || !first) return;
    process.stderr.write(`gfpcheck: system error: cannot write to stdout: ${e.message}\n`);
  });
  const stop = await installSignalStop().catch(() => undefined);
  let code: number;
  try {
    code = await createCli(config).run(args, createNodeIo());
  } finally {
    stop?.dispose();
  }
  // Let pending stdout writes finish (or fail) before the exit code is set.
  await new Promise<void>((resolve) => {
    if (process.stdout.writableLength === 0 && !process.stdout.writableNeedDrain) return resolve();
    process.stdout.write('', () => resolve());
  });
  process.exitCode = writeFailed ? ExitCode.system : code;
}
