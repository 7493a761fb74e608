/**
 * `claimboard mcp`: what a tool call costs Claude against the same command through the CLI
 * (a process per call, as Claude's Bash runs it), and what the server's start-up costs against
 * `node -e 0`. Board of 1,000 live claims; medians of 25 calls, ratios measured in one run.
 *
 *   npm run build && node --import tsx bench/mcp.ts [--write]
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { BoardDocument } from '../src/core/board-format';
import type { ClaimLine } from '../src/core/board-lines';
import { loadAverage, median, msSince, ratio, writeSection } from './report';

const ROOT = path.resolve(__dirname, '..');
const CLI = path.join(ROOT, 'dist', 'cli.js');
const RUNS = 25;

function board(file: string): void {
  const now = Date.now();
  const claims: ClaimLine[] = [];
  for (let i = 0; i < 1000; i++) {
    claims.push({ id: `b${i}`, session: `session-${'abcde'[i % 5]}`, path: `repo${i % 20}/src/mod${i}/**`, started: new Date(now), expires: new Date(now + 3_600_000), mode: 'exclusive' });
  }
  const doc = BoardDocument.create(new Date(now));
  doc.addClaims(claims);
  fs.writeFileSync(file, doc.serialize());
}

function cli(args: string[], env: NodeJS.ProcessEnv, expectCode: number): number {
  const t = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [CLI, ...args], { env, encoding: 'utf8' });
  const took = msSince(t);
  if (r.status !== expectCode) throw new Error(`claimboard ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return took;
}

async function connect(env: Record<string, string>): Promise<{ client: Client; ms: number }> {
  const t = process.hrtime.bigint();
  const client = new Client({ name: 'bench', version: '1' });
  await client.connect(new StdioClientTransport({ command: process.execPath, args: [CLI, 'mcp'], env, stderr: 'ignore' }));
  return { client, ms: msSince(t) };
}

async function main(): Promise<void> {
  if (!fs.existsSync(CLI)) throw new Error('run `npm run build` first');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'claimboard-bench-mcp-'));
  const file = path.join(dir, 'board.md');
  board(file);
  const env = { PATH: process.env.PATH ?? '', HOME: dir, CLAIMBOARD_BOARD: file, CLAIMBOARD_SESSION: 'session-z' };
  const { client } = await connect(env);

  const rows: string[] = [];
  const compare = async (name: string, viaMcp: (i: number) => Promise<void>, viaCli: (i: number) => number, after?: (i: number) => Promise<void>) => {
    const m: number[] = [];
    const c: number[] = [];
    for (let i = 0; i < RUNS + 3; i++) {
      const t = process.hrtime.bigint();
      await viaMcp(i);
      const tookMcp = msSince(t);
      await after?.(i);
      const tookCli = viaCli(i);
      await after?.(i + 1000);
      if (i >= 3) {
        m.push(tookMcp);
        c.push(tookCli);
      }
    }
    const a = median(m);
    const b = median(c);
    console.log(`${name}: MCP ${a.toFixed(2)} ms, CLI ${b.toFixed(1)} ms, ratio ${ratio(a, b, 3)}`);
    rows.push(`| ${name} | ${a.toFixed(2)} ms | ${b.toFixed(1)} ms | **${ratio(a, b, 3)}** |`);
  };

  const held = 'repo8/src/mod8/x.ts';
  await compare(
    '`check` of a held path (answer: held by session-d)',
    async () => {
      const r = (await client.callTool({ name: 'check', arguments: { paths: [held] } })) as { structuredContent?: { free?: boolean } };
      if (r.structuredContent?.free !== false) throw new Error('check should find the path held');
    },
    () => cli(['check', held], env, 3),
  );
  await compare(
    '`claim` of a free path (then released, not timed)',
    async (i) => {
      const r = (await client.callTool({ name: 'claim', arguments: { paths: [`infra:bench-${i}`] } })) as { isError?: boolean };
      if (r.isError) throw new Error('claim should be granted');
    },
    (i) => cli(['claim', `infra:bench-${i + 1000}`], env, 0),
    async (i) => {
      await client.callTool({ name: 'release', arguments: { paths: [`infra:bench-${i}`] } });
    },
  );
  await client.close();

  const start: number[] = [];
  const node: number[] = [];
  for (let i = 0; i < RUNS + 3; i++) {
    const t = process.hrtime.bigint();
    spawnSync(process.execPath, ['-e', '0'], { env });
    const n = msSince(t);
    const { client: c, ms: s } = await connect(env);
    await c.close();
    if (i >= 3) {
      node.push(n);
      start.push(s);
    }
  }
  const s = median(start);
  const n = median(node);
  console.log(`start-up (spawn to initialize answered): ${s.toFixed(1)} ms, node -e 0 ${n.toFixed(1)} ms, ratio ${ratio(s, n)}`);

  if (process.argv.includes('--write')) {
    writeSection(
      'MCP server',
      `
\`claimboard mcp\` through the MCP SDK's stdio client, board of 1,000 live claims, median of ${RUNS}
calls, against the same command through the CLI (one process per call, as Claude's Bash runs
it), alternated in one loop. Load average: ${loadAverage()} on ${os.cpus().length} cores.
Reproduce: \`npm run build && node --import tsx bench/mcp.ts\`.

| call | MCP tool | CLI process | ratio |
|---|---|---|---|
${rows.join('\n')}

Start-up, spawn to the \`initialize\` answer: **${s.toFixed(1)} ms against ${n.toFixed(1)} ms for \`node -e 0\` (${ratio(s, n)})**.
The server is its own bundle (\`dist/mcp.js\`, the SDK and zod), loaded only by \`claimboard mcp\`:
the CLI file every hook call loads does not grow. Claude Code starts the server once per session,
so a tool call pays only the board read or write, not a Node start-up.
`,
    );
  }
  fs.rmSync(dir, { recursive: true, force: true });
}

void main().catch((e) => {
  console.error(e);
  process.exit(1);
});
