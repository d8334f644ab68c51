/**
 * `gfpcheck list [section]`: the specs known by name (default), or another
 * section the composition root adds (e.g. stacks, layers, params).
 *
 * @module
 */
import { single } from '../argv';
import { printFailure } from '../output';
import { Argv, CommandModule, err, Failure, ListRow, ListSection, ok, ResolvedCliConfig, Result, usage } from '../types';

export interface ListCommandOptions {
  readonly section: string;
}

/** The default section: every provider's specs. */
export function specsSection(cfg: ResolvedCliConfig): ListSection {
  return {
    name: 'specs',
    description: 'Specs by name (gfpcheck check <name> [--const K=V ...])',
    rows: () => ok(cfg.providers.flatMap((p) => p.list())),
  };
}

/** All sections, the default first. */
export function listSections(cfg: ResolvedCliConfig): ListSection[] {
  return [specsSection(cfg), ...cfg.listSections];
}

/** Rows as an aligned two-column table. */
export function formatRows(title: string, rows: readonly ListRow[]): string {
  const w = Math.max(0, ...rows.map((r) => r.name.length));
  const lines = rows.map((r) => `  ${r.name.padEnd(w)}  ${r.description}${r.detail ? ` [${r.detail}]` : ''}`);
  return `${title}:\n${lines.join('\n')}\n`;
}

/** Pure: argv of `list`. */
export function validateListArgv(argv: Argv, cfg: ResolvedCliConfig): Result<Failure, ListCommandOptions> {
  const s = single('section', argv.section);
  if (!s.ok) return s;
  const section = s.value ?? 'specs';
  const names = listSections(cfg).map((x) => x.name);
  if (!names.includes(section)) return err(usage(`unknown list section '${section}'`, `use one of ${names.join(', ')}`));
  return ok({ section });
}

/** The `list` command. */
export function listCommand(cfg: ResolvedCliConfig): CommandModule<ListCommandOptions> {
  const sections = listSections(cfg);
  return {
    command: 'list [section]',
    describe: `List ${sections.map((s) => s.name).join(', ')} (default: specs)`,
    positionals: { section: { choices: sections.map((s) => s.name), describe: 'What to list' } },
    options: {},
    validate: (argv) => validateListArgv(argv, cfg),
    run: (o, ctx) => {
      const section = listSections(ctx.config).find((s) => s.name === o.section)!;
      const rows = section.rows();
      if (!rows.ok) return printFailure(rows.error, ctx.io);
      ctx.io.stdout(formatRows(section.description, rows.value));
      return 0;
    },
  };
}
