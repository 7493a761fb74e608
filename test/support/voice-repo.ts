/**
 * The world of the voice tests (the person's answers reaching sessions through real
 * `claimboard` processes): the Mattermost test server, a git repository `repo/` with a
 * `parser/` folder beside the board, the CLI's environment for that server (HOME in the test's
 * folder), and the
 * flusher and listener those runs start, ended by `stop()`.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runCli, tempDir, type CliRun } from './cli';
import { BackgroundProcesses, mattermostEnv } from './background';
import { startMattermostServer, type MattermostTestServer } from './mattermost-server';

export interface VoiceRepo {
  server: MattermostTestServer;
  dir: string;
  repo: string;
  board: string;
  background: BackgroundProcesses;
  /** `claimboard --board <board> <args>` from the repository, noting what it started in the background. */
  cli(args: string[], extraEnv?: NodeJS.ProcessEnv, input?: string): Promise<CliRun>;
  /** Ends the background processes, then the server. */
  stop(): Promise<void>;
}

export async function startVoiceRepo(o: { cliTimeoutMs: number }): Promise<VoiceRepo> {
  const server = await startMattermostServer();
  const dir = tempDir();
  const repo = path.join(dir, 'repo');
  fs.mkdirSync(path.join(repo, 'parser'), { recursive: true });
  execFileSync('git', ['init', '-q'], { cwd: repo });
  const board = path.join(dir, 'coordination.md');
  // Its own HOME (nothing of the developer's Claude Code or claimboard set-up leaks in), and
  // polls and flushes short enough for a test to see an answer within seconds.
  const env = mattermostEnv(server, dir, { HOME: dir, CLAIMBOARD_POLL_INTERVAL: '2s', CLAIMBOARD_FLUSH_BUDGET: '30s' });
  const background = new BackgroundProcesses();
  return {
    server,
    dir,
    repo,
    board,
    background,
    async cli(args, extraEnv = {}, input) {
      const r = await runCli(['--board', board, ...args], { cwd: repo, env: { ...env, ...extraEnv }, input, timeoutMs: o.cliTimeoutMs });
      background.note(board);
      return r;
    },
    async stop() {
      background.endAll(board);
      await server.close();
    },
  };
}
