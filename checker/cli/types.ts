/**
 * The CLI's vocabulary: results as values, failures, the I/O a handler may
 * use, and the extension points the composition root (specs/cli.ts) fills:
 * spec providers, spec selectors (such as `--stack`), list sections, extra
 * commands and renderers.
 *
 * @module
 */
import type { Options, PositionalOptions } from 'yargs';
import type { McError, SpecRecipe } from '../result';
import type { AnySpec } from '../spec';
import type { Renderer } from '../report/renderer';

/** A value or an error (G8: errors as values at the boundaries). */
export type Result<E, T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: E };

export const ok = <T>(value: T): { ok: true; value: T } => ({ ok: true, value });
export const err = <E>(error: E): { ok: false; error: E } => ({ ok: false, error });

/**
 * Why a command could not do its job.
 * - `usage`: the command line is wrong (bad flag, bad value, unknown name): exit 151;
 * - `spec`: the spec or model is wrong, or the engine failed (exit by code: 150, 153 or 255);
 * - `system`: the system failed us (cannot write --out, EPIPE): exit 153.
 */
export type Failure =
  | { readonly kind: 'usage'; readonly message: string; readonly hint?: string }
  | { readonly kind: 'spec'; readonly error: McError }
  | { readonly kind: 'system'; readonly message: string };

export const usage = (message: string, hint?: string): Failure => ({ kind: 'usage', message, ...(hint !== undefined ? { hint } : {}) });

/** Everything a handler may touch outside itself; tests pass an in-memory one. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Throws (an errno error) when the file cannot be written. */
  writeFile(path: string, text: string): void;
  /** Throws (an errno error) when the file cannot be read. */
  readFile(path: string): string;
  fileExists(path: string): boolean;
  /** Loads a JS/TS module by absolute path (require). Throws what the module throws. */
  loadModule(absPath: string): unknown;
  /** Directory relative paths are resolved against. */
  readonly cwd: string;
  /** Seconds, monotonic; handed to the engine for its statistics and progress. */
  clock(): number;
  /** stderr is a terminal: progress is one status line rewritten in place (absent: no). */
  readonly stderrIsTTY?: boolean;
  /** Width of the terminal on stderr, when it is one. */
  readonly stderrColumns?: number;
  /** Resident memory of the process in bytes, for progress (absent: not shown). */
  memory?(): number;
}

/** Constants given with `--const K=V`, as typed on the command line. */
export type Consts = Readonly<Record<string, string>>;

/** A spec found by name or built by a selector, and where it came from. */
export interface ResolvedSpec {
  readonly spec: AnySpec;
  /** Shown in reports, e.g. `reference model diehard`. */
  readonly source: string;
  /** How worker threads rebuild the spec (`--workers`); without one the search runs in one thread. */
  readonly recipe?: SpecRecipe;
}

/** One row of `gfpcheck list`. */
export interface ListRow {
  readonly name: string;
  readonly description: string;
  /** e.g. the constants and their defaults: `n=5`. */
  readonly detail?: string;
}

/** A source of specs by name (e.g. the reference models). */
export interface SpecProvider {
  /** Short name, e.g. `reference`. */
  readonly name: string;
  /** The specs it knows, for `gfpcheck list` and for suggestions. */
  list(): readonly ListRow[];
  /** Builds the named spec with these constants, or `undefined` when the name is not this provider's. */
  resolve(name: string, consts: Consts): Result<Failure, ResolvedSpec> | undefined;
}

/**
 * Another way to say which spec `check` runs, through options of its own
 * (e.g. `--stack`, `--workload`, `--param`). It is used when its trigger
 * option is given; its other options are an error without the trigger.
 */
export interface SpecSelector<R = unknown> {
  readonly name: string;
  /** The option that selects it, e.g. `stack`. */
  readonly trigger: string;
  /** Its options, as yargs option declarations (data). */
  readonly options: Readonly<Record<string, Options>>;
  /** Pure validation of its options into a request. */
  validate(argv: Readonly<Record<string, unknown>>): Result<Failure, R>;
  /** Builds the spec a request asks for. */
  resolve(request: R): Result<Failure, ResolvedSpec>;
}

/** A section of `gfpcheck list <section>`. */
export interface ListSection {
  readonly name: string;
  readonly description: string;
  rows(): Result<Failure, readonly ListRow[]>;
}

/** The parsed command line, as yargs gives it. */
export type Argv = Readonly<Record<string, unknown>>;

/**
 * A command: its syntax and options as data, a pure validation of argv into
 * options, and a handler that returns the exit code (it never calls
 * process.exit).
 */
export interface CommandModule<O = unknown> {
  /** yargs syntax, e.g. `check [spec]`. */
  readonly command: string;
  readonly describe: string;
  readonly positionals?: Readonly<Record<string, PositionalOptions>>;
  readonly options: Readonly<Record<string, Options>>;
  /** Pure: argv to options, or a failure. */
  validate(argv: Argv): Result<Failure, O>;
  /** Runs the command; resolves to the exit code. */
  run(options: O, ctx: CliContext): Promise<number> | number;
  /** Examples for `--help`: [command, description]. */
  readonly examples?: readonly (readonly [string, string])[];
}

/** What the composition root plugs into the generic CLI. */
export interface CliConfig {
  readonly providers: readonly SpecProvider[];
  readonly selectors?: readonly SpecSelector<any>[];
  readonly listSections?: readonly ListSection[];
  /** Extra commands (created with access to this config). */
  readonly commands?: readonly ((cfg: ResolvedCliConfig) => CommandModule<any>)[];
  /** Output formats; default text, json, itf. */
  readonly renderers?: readonly Renderer[];
  /** Tool version shown in reports. */
  readonly version: string;
}

/** A config with every default filled in. */
export interface ResolvedCliConfig {
  readonly providers: readonly SpecProvider[];
  readonly selectors: readonly SpecSelector<any>[];
  readonly listSections: readonly ListSection[];
  readonly renderers: readonly Renderer[];
  readonly version: string;
}

/** What a handler runs with. */
export interface CliContext {
  readonly io: CliIo;
  readonly config: ResolvedCliConfig;
  /** Seconds between progress lines on stderr (default 5). */
  readonly progressInterval?: number;
}
