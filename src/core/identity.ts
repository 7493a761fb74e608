/**
 * Who is acting when nobody said: the one rule the CLI, the git guard and the VS Code extension
 * share. A person is their OS user name everywhere (so a claim made in VS Code is theirs in their
 * terminal and at `git commit`); a command Claude runs is never the person.
 */
import * as os from 'node:os';

/**
 * Claude Code marks the processes it starts (its Bash tool, hooks, and what they run, git's hooks
 * included): such a command acts as that Claude session or not at all.
 */
export function insideClaudeCode(env: NodeJS.ProcessEnv): boolean {
  return env.CLAUDECODE === '1' || Boolean(env.CLAUDE_CODE_SESSION_ID) || Boolean(env.CLAUDE_CODE_ENTRYPOINT);
}

/** A person's default name on the board: their OS user name (`me` when the system has none). */
export function personName(env: NodeJS.ProcessEnv, userInfo: () => { username: string } = os.userInfo): string {
  try {
    const name = userInfo().username;
    if (name) return name;
  } catch {
    // No passwd entry (a container's uid): the login variables, if any.
  }
  return env.USER || env.USERNAME || env.LOGNAME || 'me';
}
