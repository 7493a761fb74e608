import type { ParseArgsConfig } from 'node:util';
import type { CliContext } from './cli-context';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

export interface ParsedArgs {
  positionals: string[];
  values: Record<string, string | boolean | (string | boolean)[] | undefined>;
}

/** One `claimboard <name>` command, in its own file under src/cli/commands/. */
export interface Command {
  name: string;
  usage: string;
  summary: string;
  options?: OptionSpec;
  run(ctx: CliContext, args: ParsedArgs): Promise<number> | number;
}
