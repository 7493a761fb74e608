import type { Command } from '../command';
import { InputError } from '../../core/errors';
import { uninstallHooks } from '../../claude/hook-settings';
import { applyToSettings, settingsPath } from './install-hooks';

export const uninstallHooksCommand: Command = {
  name: 'uninstall-hooks',
  usage: 'uninstall-hooks [--user | --project] [--dry-run]',
  summary: 'remove exactly the hooks install-hooks added, keeping everything else',
  options: {
    user: { type: 'boolean', help: 'edit ~/.claude/settings.json', default: 'user' },
    project: { type: 'boolean', help: "edit this repository's .claude/settings.json instead" },
    'dry-run': { type: 'boolean', help: 'print the settings it would write and change nothing' },
  },
  examples: ['uninstall-hooks --dry-run', 'uninstall-hooks'],
  run(ctx, { positionals, values }) {
    if (positionals.length) throw new InputError(`uninstall-hooks takes no arguments (got ${positionals[0]})`);
    return applyToSettings(ctx, settingsPath(ctx, values), Boolean(values['dry-run']), (s) => uninstallHooks(s), 'removed');
  },
};
