// A demo board and a few scripted sessions that claim and release through the real CLI, for
// `npm start` and the screenshots. Everything goes through `node dist/cli.js`, the same path a
// Claude Code session's hooks take.
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from './paths';
// `must` here runs a CLI command that has to succeed; core's must() is a value that has to be there.
import { must as present } from '../../src/core/errors';

const exec = promisify(execFile);
export const cliPath = path.join(repoRoot, 'dist', 'cli.js');

export interface DemoContext {
  board: string;
  /** The demo repository; the CLI runs inside it so paths resolve to `demo-repo/<path>`. */
  repo: string;
  /** Environment of the CLI (HOME etc. of the run, Mattermost settings when the demo has them). */
  env: NodeJS.ProcessEnv;
}

export interface CliResult {
  code: number;
  out: string;
}

/** Runs `claimboard --board <board> --session <session> <args>` inside the demo repository. */
export async function cli(ctx: DemoContext, session: string, args: string[]): Promise<CliResult> {
  try {
    const { stdout, stderr } = await exec(process.execPath, [cliPath, '--board', ctx.board, '--session', session, ...args], {
      cwd: ctx.repo,
      env: ctx.env,
    });
    return { code: 0, out: (stdout + stderr).trim() };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string; message: string };
    return { code: typeof err.code === 'number' ? err.code : 1, out: ((err.stdout ?? '') + (err.stderr ?? '') || err.message).trim() };
  }
}

async function must(ctx: DemoContext, session: string, args: string[]): Promise<void> {
  const r = await cli(ctx, session, args);
  if (r.code !== 0) throw new Error(`claimboard ${args.join(' ')} (as ${session}) failed: ${r.out}`);
}

/**
 * Claims held by other sessions and one by the person (`me`), a release and a pinned note:
 * what the screenshots show and where the demo starts.
 */
export async function seedDemoBoard(ctx: DemoContext, me: string): Promise<void> {
  await must(ctx, 'session-b', ['claim', 'src/server.ts', '--eta', '20m']);
  await must(ctx, 'session-b', ['release', 'src/server.ts']);
  await must(ctx, 'session-a', ['claim', 'src/api/**', '--eta', '45m', '--reason', 'refactor the users API']);
  await must(ctx, 'session-b', ['claim', 'src/db/schema.sql', 'src/db/migrate.ts', '--eta', '30m', '--reason', 'add an email column']);
  await must(ctx, 'session-c', ['claim', 'docs/deploy.md', '--eta', '15m']);
  await must(ctx, me, ['claim', 'src/index.ts', '--eta', '1h']);
  await must(ctx, 'session-c', ['note', 'add', "Don't run `terraform apply` before the review"]);
}

/** Paths the scripted sessions take turns on (none of them is held by the seed). */
const rotatingPaths = ['src/server.ts', 'README.md', 'infra/terraform/main.tf', 'package.json'];
const scriptedSessions = ['session-a', 'session-b', 'session-c'];

export interface ScriptedSessions {
  stop(): Promise<void>;
}

/**
 * Every `intervalMs`, one scripted session releases what it took earlier or claims a free
 * path (refused claims are part of the show: the CLI exits 3 and names the holder).
 */
export function startScriptedSessions(ctx: DemoContext, intervalMs: number, log: (line: string) => void): ScriptedSessions {
  const held = new Map<string, string>(); // path -> session
  let step = 0;
  let running: Promise<void> = Promise.resolve();
  let stopped = false;
  const tick = async (): Promise<void> => {
    const session = present(scriptedSessions[step % scriptedSessions.length], 'a scripted session');
    const p = present(rotatingPaths[Math.floor(step / 2) % rotatingPaths.length], 'a rotating path');
    step++;
    const mine = [...held].find(([, s]) => s === session);
    let args: string[];
    if (mine) {
      args = ['release', mine[0]];
      held.delete(mine[0]);
    } else {
      args = ['claim', p, '--eta', `${10 + (step % 4) * 10}m`];
    }
    const r = await cli(ctx, session, args);
    if (args[0] === 'claim' && r.code === 0) held.set(p, session);
    log(`${session} $ claimboard ${args.join(' ')} -> ${r.out.split('\n')[0] || `exit ${r.code}`}`);
  };
  const timer = setInterval(() => {
    if (stopped) return;
    running = running.then(tick, tick);
  }, intervalMs);
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running.catch(() => {});
    },
  };
}
