/**
 * Claim latency through the real CLI with Mattermost up vs hung (accepts, never answers), and
 * with no Mattermost configured as the baseline. A claim must not wait on the channel, so the
 * hung/up ratio should stay at or below 1.2. Modes are interleaved, so drift in machine load
 * hits all of them alike; figures are ratios from the same run.
 *
 *   npm run build && node --import tsx bench/mattermost.ts [--rounds 30] [--write]
 *
 * `--write` replaces the "Mattermost" section of docs/benchmarks.md with this run's table.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startMattermostServer, type MattermostTestServer } from '../test/support/mattermost-server';
import { outboxPaths } from '../src/announce';
import { flusherPidFile } from '../src/cli/announcements';
import { must } from '../src/core/errors';
import { argNumber, msSince, ratio, writeSection } from './report';

const ROOT = path.resolve(__dirname, '..');
const CLI = path.join(ROOT, 'dist', 'cli.js');

type Mode = 'none' | 'up' | 'hung';

interface Lane {
  mode: Mode;
  dir: string;
  board: string;
  env: NodeJS.ProcessEnv;
  server?: MattermostTestServer;
  claimMs: number[];
}

function run(lane: Lane, args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, [CLI, '--board', lane.board, ...args], { cwd: lane.dir, env: lane.env, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`${args.join(' ')} → ${code}: ${err}`));
      resolve(msSince(started));
    });
  });
}

async function lane(mode: Mode): Promise<Lane> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `claimboard-bench-mm-${mode}-`));
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: dir, XDG_CONFIG_HOME: path.join(dir, 'config'), CLAIMBOARD_SESSION: 'session-a', CLAIMBOARD_FLUSH_BUDGET: '10m' };
  let server: MattermostTestServer | undefined;
  if (mode !== 'none') {
    server = await startMattermostServer();
    if (mode === 'hung') server.inject({ kind: 'hang' });
    Object.assign(env, {
      CLAIMBOARD_MATTERMOST_URL: server.url,
      CLAIMBOARD_MATTERMOST_TOKEN: server.bot.token,
      CLAIMBOARD_MATTERMOST_CHANNEL: server.channel.id,
    });
  }
  return { mode, dir, board: path.join(dir, 'coordination.md'), env, server, claimMs: [] };
}

function stats(xs: number[]) {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number) => must(s[Math.min(s.length - 1, Math.floor(p * s.length))], 'a figure');
  return { median: q(0.5), p95: q(0.95), max: q(1), mean: s.reduce((a, b) => a + b, 0) / s.length };
}

async function main(): Promise<void> {
  const rounds = argNumber('--rounds', 30);
  if (!fs.existsSync(CLI)) throw new Error('run `npm run build` first');
  const lanes = [await lane('none'), await lane('up'), await lane('hung')];
  // One warm-up claim per lane: the first run of a bundle pays for the disk cache.
  for (const l of lanes) await run(l, ['claim', 'warm/up']);
  for (let i = 0; i < rounds; i++) {
    const order = [...lanes.slice(i % 3), ...lanes.slice(0, i % 3)];
    for (const l of order) {
      l.claimMs.push(await run(l, ['claim', `repo/f${i}`, '--eta', '30m']));
      await run(l, ['release', `repo/f${i}`]);
    }
  }
  const up = must(lanes[1], 'the up lane');
  const hung = must(lanes[2], 'the hung lane');
  // Let the "up" lane's flusher finish so the delivered count is final.
  await new Promise((r) => setTimeout(r, 1500));
  const delivered = up.server!.posts.length;
  const hungAnswered = hung.server!.posts.length;
  const hungRequests = hung.server!.requests.length;
  for (const l of lanes) {
    try {
      const pid = Number(fs.readFileSync(flusherPidFile(outboxPaths(l.board).outbox), 'utf8'));
      if (pid) process.kill(pid, 'SIGTERM');
    } catch {
      // no flusher left
    }
    await l.server?.close();
  }

  const s = Object.fromEntries(lanes.map((l) => [l.mode, stats(l.claimMs)])) as Record<Mode, ReturnType<typeof stats>>;
  // Load from other processes drifts over a run; a per-round ratio compares neighbours in time.
  const paired = stats(hung.claimMs.map((h, i) => h / must(up.claimMs[i], 'the up round'))).median;
  const table = [
    `Claim latency through the real CLI (\`claimboard claim\`, spawn to exit), ${rounds} claims + releases per lane, lanes interleaved; ${os.cpus().length} cores, Node ${process.version}.`,
    '',
    '| lane | median | p95 | max | ratio of medians to "up" | ratio of means to "up" |',
    '|---|---|---|---|---|---|',
    ...lanes.map(
      (l) =>
        `| ${l.mode === 'none' ? 'no Mattermost (baseline)' : l.mode === 'up' ? 'server up' : 'server hung (accepts, never answers)'} | ${s[l.mode].median.toFixed(0)} ms | ${s[l.mode].p95.toFixed(0)} ms | ${s[l.mode].max.toFixed(0)} ms | ${ratio(s[l.mode].median, s.up.median)} | ${ratio(s[l.mode].mean, s.up.mean)} |`,
    ),
    '',
    `**Hung vs up: ${ratio(s.hung.median, s.up.median)} (medians), ${ratio(s.hung.mean, s.up.mean)} (means), ${paired.toFixed(2)}x (median of per-round ratios); target ≤ 1.2x.** Up vs no Mattermost: ${ratio(s.up.median, s.none.median)} (median).`,
    `Server up: ${delivered} of ${rounds * 2 + 1} announcements delivered by the background flushers during the run. Server hung: ${hungRequests} request(s) received, ${hungAnswered} answered; every message stays in the outbox.`,
  ].join('\n');
  process.stdout.write(`${table}\n`);
  if (process.argv.includes('--write')) {
    writeSection(
      'Mattermost',
      `${table}\n\nReproduce: \`npm run build && node --import tsx bench/mattermost.ts --write\`. A claimboard process only appends to the outbox and, when nobody is delivering, starts a detached \`claimboard flush --background\`; it never waits on the server. The machine is shared with other work, so compare the ratios, not the milliseconds.`,
    );
  }
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack}\n`);
  process.exitCode = 1;
});
