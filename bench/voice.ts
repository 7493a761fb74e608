/**
 * The person's voice, REST polling only, through real claimboard processes against the test
 * Mattermost server, at the default poll interval (5 s):
 *   - reply → the asker's `ask --wait` returns;
 *   - reply → the holder's next PostToolUse hook carries the handover in its context (hooks
 *     called back to back, as a working session does);
 *   - requests per minute to the server with 5 idle sessions (one listener for all of them).
 * Latencies are also given as a fraction of the poll interval, the bound they are measured against.
 *
 *   npm run build && node --import tsx bench/voice.ts [--rounds 8] [--minute 60] [--write]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startMattermostServer, type MattermostTestServer } from '../test/support/mattermost-server';
import { listenerPidFile } from '../src/announce/listener';
import { POLL_INTERVAL_MS } from '../src/announce/channel-reader';
import { argNumber, loadAverage, median, writeSection } from './report';

const ROOT = path.resolve(__dirname, '..');
const CLI = path.join(ROOT, 'dist', 'cli.js');

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

function cli(env: NodeJS.ProcessEnv, cwd: string, args: string[], input = ''): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

async function until<T>(get: () => T | undefined, ms: number, what: string): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = get();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function main(): Promise<void> {
  const rounds = argNumber('--rounds', 8);
  const minuteMs = argNumber('--minute', 60) * 1000;
  const server: MattermostTestServer = await startMattermostServer();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'claimboard-bench-voice-'));
  const repo = path.join(dir, 'repo');
  fs.mkdirSync(repo, { recursive: true });
  execFileSync('git', ['init', '-q'], { cwd: repo });
  const board = path.join(dir, 'coordination.md');
  const base: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: dir,
    XDG_CONFIG_HOME: path.join(dir, 'config'),
    CLAIMBOARD_BOARD: board,
    CLAIMBOARD_MATTERMOST_URL: server.url,
    CLAIMBOARD_MATTERMOST_TOKEN: server.bot.token,
    CLAIMBOARD_MATTERMOST_CHANNEL: 'team/claims',
    CLAIMBOARD_MENTION: 'alice',
    CLAIMBOARD_FLUSH_BUDGET: '30s',
  };
  const claudes: ChildProcess[] = [];
  const claude = () => {
    const c = spawn('sleep', ['3600'], { stdio: 'ignore' });
    claudes.push(c);
    return c.pid!;
  };
  const hook = (event: string, id: string, pid: number, extra: Record<string, unknown>) =>
    cli({ ...base, CLAUDE_PID: String(pid) }, repo, ['hook', event], JSON.stringify({ session_id: id, transcript_path: '', cwd: repo, ...extra }));
  const question = (marker: string) => until(() => server.posts.find((p) => p.message.includes(marker) && !p.root_id), 30_000, 'the question');
  try {
    // 1. reply → ask --wait returns (no listener running: ask reads on its own)
    const askMs: number[] = [];
    for (let i = 0; i < rounds; i++) {
      const p = `repo/a${i}/**`;
      await cli({ ...base, CLAIMBOARD_SESSION: 'session-a' }, repo, ['claim', p]);
      const marker = `round ${i} ask`;
      const asking = cli({ ...base, CLAIMBOARD_SESSION: 'session-b' }, repo, ['ask', marker, '--about', p, '--wait', '60s']);
      const q = await question(marker);
      // Let the first read pass, so the reply lands at a random point of the poll cycle.
      await new Promise((r) => setTimeout(r, Math.random() * POLL_INTERVAL_MS));
      const t0 = Date.now();
      await server.postAs(server.alice, 'yes', q.id);
      const r = await asking;
      if (r.code !== 0) throw new Error(`ask --wait: ${r.code} ${r.stderr}`);
      askMs.push(Date.now() - t0);
    }

    // 2. reply → context in the holder's next hook call (the listener reads, the hook takes)
    const aPid = claude();
    const bPid = claude();
    await hook('session-start', 'uuid-a', aPid, { hook_event_name: 'SessionStart', source: 'startup' });
    await hook('session-start', 'uuid-b', bPid, { hook_event_name: 'SessionStart', source: 'startup' });
    const hookMs: number[] = [];
    const hookCallMs: number[] = [];
    for (let i = 0; i < rounds; i++) {
      const p = `repo/h${i}/**`;
      await cli({ ...base, CLAIMBOARD_SESSION: 'session-a' }, repo, ['claim', p]);
      const marker = `round ${i} hook`;
      await cli({ ...base, CLAIMBOARD_SESSION: 'session-b' }, repo, ['ask', marker, '--about', p]);
      const q = await question(marker);
      await new Promise((r) => setTimeout(r, Math.random() * POLL_INTERVAL_MS));
      const t0 = Date.now();
      await server.postAs(server.alice, 'yes', q.id);
      for (;;) {
        const c0 = Date.now();
        const r = await hook('post-tool-use', 'uuid-a', aPid, { hook_event_name: 'PostToolUse', tool_name: 'Read', tool_input: {}, tool_response: {}, tool_use_id: 't' });
        hookCallMs.push(Date.now() - c0);
        if (r.stdout.includes('handed')) break;
        if (Date.now() - t0 > 120_000) throw new Error('no context within 120 s');
      }
      hookMs.push(Date.now() - t0);
      // the asker takes its answer too, so inboxes stay empty between rounds
      await hook('post-tool-use', 'uuid-b', bPid, { hook_event_name: 'PostToolUse', tool_name: 'Read', tool_input: {}, tool_response: {}, tool_use_id: 't' });
    }

    // 3. requests per minute with 5 idle sessions
    for (let i = 0; i < 3; i++) await hook('session-start', `uuid-idle-${i}`, claude(), { hook_event_name: 'SessionStart', source: 'startup' });
    await new Promise((r) => setTimeout(r, 2_000));
    const before = server.requests.length;
    await new Promise((r) => setTimeout(r, minuteMs));
    const perMinute = ((server.requests.length - before) * 60_000) / minuteMs;
    const kinds = new Map<string, number>();
    for (const r of server.requests.slice(before)) {
      const k = `${r.method} ${r.path.replace(/[a-z0-9]{26}/g, '{id}')}`;
      kinds.set(k, (kinds.get(k) ?? 0) + 1);
    }

    const fmt = (xs: number[]) => `${(median(xs) / 1000).toFixed(2)} s / ${(Math.max(...xs) / 1000).toFixed(2)} s`;
    const ratio = (xs: number[]) => `${(median(xs) / POLL_INTERVAL_MS).toFixed(2)}x / ${(Math.max(...xs) / POLL_INTERVAL_MS).toFixed(2)}x`;
    const load = loadAverage();
    const table = [
      "| from the person's reply to | median / max | as a fraction of the poll interval (5 s) |",
      '|---|---|---|',
      `| \`ask --wait\` returns (exit 0, the asker holds the path) | ${fmt(askMs)} | ${ratio(askMs)} |`,
      `| the holder's next PostToolUse hook carries the handover | ${fmt(hookMs)} | ${ratio(hookMs)} |`,
    ].join('\n');
    const body = `REST polling only (no websocket), default poll interval, ${rounds} rounds each, the reply placed at a
random point of the poll cycle; real \`claimboard\` processes against the test Mattermost server.
Hooks were called back to back (one PostToolUse hook process took ${(median(hookCallMs) / 1000).toFixed(2)} s median here),
as during a session's work. Load average: ${load} on 2 cores.
Reproduce: \`npm run build && node --import tsx bench/voice.ts\`.

${table}

Requests to the server with **5 idle sessions** (one listener for all of them), over ${minuteMs / 1000} s:
**${perMinute.toFixed(1)} per minute** (${[...kinds].map(([k, n]) => `\`${k}\` ${n}`).join(', ')}).
The bound is one read per poll interval, 12 per minute, whatever the number of sessions.`;
    console.log(body);
    if (process.argv.includes('--write')) writeSection("The person's voice (answers from Mattermost)", body);
  } finally {
    for (const c of claudes) c.kill();
    try {
      const pid = Number(fs.readFileSync(listenerPidFile(board), 'utf8'));
      process.kill(pid, 'SIGTERM');
    } catch {
      // gone
    }
    await server.close();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
