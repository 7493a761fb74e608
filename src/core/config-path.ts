import * as os from 'node:os';
import * as path from 'node:path';

/** The user's config file (Mattermost settings, the shared store): one place decides where it is. */
export function defaultConfigPath(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CONFIG_HOME && path.isAbsolute(env.XDG_CONFIG_HOME) ? env.XDG_CONFIG_HOME : path.join(env.HOME || os.homedir(), '.config');
  return path.join(base, 'claimboard', 'config.json');
}
