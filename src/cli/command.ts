import type { ParseArgsConfig } from 'node:util';
import type { CliContext } from './cli-context';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

/**
 * One option as the parser reads it and as `--help` shows it: written once, so the help can
 * never list an option the command refuses or miss one it accepts.
 */
export interface OptionDoc {
  type: 'string' | 'boolean';
  short?: string;
  /** The value's placeholder in help (`DURATION`); string options only. */
  arg?: string;
  /** What the command does when the option is not given, as a person reads it. */
  default?: string;
  help: string;
}

export type OptionDocs = Record<string, OptionDoc>;

export interface ParsedArgs {
  positionals: string[];
  values: Record<string, string | boolean | (string | boolean)[] | undefined>;
}

/** One `claimboard <name>` command, in its own file under src/cli/commands/. */
export interface Command {
  name: string;
  usage: string;
  summary: string;
  options?: OptionDocs;
  /** The words its first argument may be (`note add|remove`), for shell completion. */
  words?: string[];
  /** Command lines shown under "Examples" in `claimboard <name> --help`, without `claimboard `. */
  examples: string[];
  run(ctx: CliContext, args: ParsedArgs): Promise<number> | number;
}

/** What `node:util` parseArgs needs of the options: their type and short letter. */
export function parserOptions(docs: OptionDocs = {}): OptionSpec {
  const spec: OptionSpec = {};
  for (const [name, d] of Object.entries(docs)) spec[name] = d.short ? { type: d.type, short: d.short } : { type: d.type };
  return spec;
}
