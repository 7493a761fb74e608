/**
 * A scripted stand-in for the Anthropic Messages API on 127.0.0.1, so the REAL Claude Code
 * CLI can run offline in tests: it really runs its tools and really fires every hook, while
 * the "model" answers with turns the test wrote down. See ../shared/notes/real-claude-code.md.
 *
 * Also holds `runClaude`, the one way the tests start the real CLI (fresh HOME, quiet
 * variables, JSON result), so every e2e test runs it the same way.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { ensureBuilt } from './cli';

export interface ScriptedToolUse {
  name: string;
  input: Record<string, unknown>;
  /** Defaults to a unique `toolu_…` id. */
  id?: string;
}

/** One assistant turn: some text and/or tool calls. Tool calls make it stop with `tool_use`. */
export interface ScriptedTurn {
  text?: string;
  tools?: ScriptedToolUse[];
}

export interface RecordedRequest {
  url: string;
  body: MessagesRequest;
}

interface MessagesRequest {
  model?: string;
  tools?: unknown[];
  messages?: { role: string; content: unknown }[];
}

export interface ToolResult {
  tool_use_id: string;
  is_error?: boolean;
  /** Flattened to text whether Claude sent a string or content blocks. */
  text: string;
}

export interface ModelServer {
  url: string;
  /** Every request body, in arrival order (side calls included). */
  requests: RecordedRequest[];
  /** The tool_results Claude sent back, across all main requests, in order. */
  toolResults(): ToolResult[];
  close(): Promise<void>;
}

let toolCounter = 0;

/** Starts the server; the k-th main request (k = assistant messages so far) gets `script[k]`. */
export async function startModelServer(script: ScriptedTurn[]): Promise<ModelServer> {
  const requests: RecordedRequest[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      if (req.method !== 'POST' || !(req.url ?? '').startsWith('/v1/messages')) {
        // Anything else (count_tokens, telemetry the quiet variables missed) just succeeds.
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
        return;
      }
      let body: MessagesRequest = {};
      try {
        body = JSON.parse(raw) as MessagesRequest;
      } catch {
        res.writeHead(400).end('{}');
        return;
      }
      requests.push({ url: req.url ?? '', body });
      const isMain = Array.isArray(body.tools) && body.tools.length > 0;
      const k = (body.messages ?? []).filter((m) => m.role === 'assistant').length;
      const turn: ScriptedTurn = isMain ? (script[k] ?? { text: 'Done.' }) : { text: 'ok' };
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      res.end(streamTurn(turn, body.model ?? 'claude-test'));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    toolResults: () => collectToolResults(requests),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function sse(type: string, data: object): string {
  return `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
}

function streamTurn(turn: ScriptedTurn, model: string): string {
  let out = sse('message_start', {
    message: {
      id: `msg_${Date.now().toString(36)}`,
      type: 'message',
      role: 'assistant',
      model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { input_tokens: 10, output_tokens: 1 },
    },
  });
  let index = 0;
  if (turn.text !== undefined) {
    out += sse('content_block_start', { index, content_block: { type: 'text', text: '' } });
    out += sse('content_block_delta', { index, delta: { type: 'text_delta', text: turn.text } });
    out += sse('content_block_stop', { index });
    index++;
  }
  for (const tool of turn.tools ?? []) {
    const id = tool.id ?? `toolu_${(++toolCounter).toString().padStart(6, '0')}${Date.now().toString(36)}`;
    out += sse('content_block_start', { index, content_block: { type: 'tool_use', id, name: tool.name, input: {} } });
    const json = JSON.stringify(tool.input);
    // Two deltas, as a real stream splits the JSON: proves Claude reassembles the input.
    const cut = Math.floor(json.length / 2);
    out += sse('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: json.slice(0, cut) } });
    out += sse('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: json.slice(cut) } });
    out += sse('content_block_stop', { index });
    index++;
  }
  const stop = turn.tools && turn.tools.length > 0 ? 'tool_use' : 'end_turn';
  out += sse('message_delta', { delta: { stop_reason: stop, stop_sequence: null }, usage: { output_tokens: 5 } });
  out += sse('message_stop', {});
  return out;
}

function collectToolResults(requests: RecordedRequest[]): ToolResult[] {
  const seen = new Map<string, ToolResult>();
  for (const { body } of requests) {
    for (const m of body.messages ?? []) {
      if (m.role !== 'user' || !Array.isArray(m.content)) continue;
      for (const block of m.content as { type?: string; tool_use_id?: string; is_error?: boolean; content?: unknown }[]) {
        if (block.type !== 'tool_result' || !block.tool_use_id) continue;
        seen.set(block.tool_use_id, { tool_use_id: block.tool_use_id, is_error: block.is_error, text: flatten(block.content) });
      }
    }
  }
  return [...seen.values()];
}

function flatten(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content.map((c: { text?: string }) => (typeof c?.text === 'string' ? c.text : JSON.stringify(c))).join('\n');
  }
  return content === undefined ? '' : JSON.stringify(content);
}

/** Where the real Claude Code binary ships inside the SDK's optional dependency. */
export function claudeBinary(): string {
  const bin = path.resolve(__dirname, '../../node_modules/@anthropic-ai/claude-agent-sdk-linux-x64/claude');
  if (!fs.existsSync(bin)) {
    throw new Error(
      `The real Claude Code CLI is missing at ${bin}: run \`npm install\` (it comes with the optional ` +
        'dependency @anthropic-ai/claude-agent-sdk-linux-x64 of the devDependency @anthropic-ai/claude-agent-sdk).',
    );
  }
  return bin;
}

export interface ClaudeRunOptions {
  cwd: string;
  /** A fresh HOME per run keeps .claude.json, transcripts and session-env files apart. */
  home: string;
  modelUrl: string;
  prompt?: string;
  allowedTools?: string[];
  permissionMode?: string;
  env?: Record<string, string>;
  timeoutMs?: number;
  /** More arguments for `claude` (`--plugin-dir <folder>`). */
  extraArgs?: string[];
}

export interface ClaudeRunResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** The `--output-format json` result object, when stdout parsed. */
  result?: { permission_denials?: { tool_name: string; tool_use_id: string; tool_input: unknown }[]; is_error?: boolean; [k: string]: unknown };
}

export function runClaude(opts: ClaudeRunOptions): Promise<ClaudeRunResult> {
  const args = ['-p', opts.prompt ?? 'do the task', '--output-format', 'json', '--permission-mode', opts.permissionMode ?? 'acceptEdits'];
  if (opts.allowedTools?.length) args.push('--allowedTools', opts.allowedTools.join(','));
  if (opts.extraArgs) args.push(...opts.extraArgs);
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: opts.home,
    ANTHROPIC_BASE_URL: opts.modelUrl,
    ANTHROPIC_API_KEY: 'sk-test',
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    DISABLE_TELEMETRY: '1',
    DISABLE_AUTOUPDATER: '1',
    DISABLE_ERROR_REPORTING: '1',
    ...opts.env,
  };
  return new Promise((resolve, reject) => {
    const child = spawn(claudeBinary(), args, { cwd: opts.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      let result: ClaudeRunResult['result'];
      try {
        result = JSON.parse(stdout.trim().split('\n').pop() ?? '');
      } catch {
        result = undefined;
      }
      resolve({ code, stdout, stderr, result });
    });
  });
}

/** The built CLI the hooks run; (re)built when stale so `mocha` works on its own. */
export const CLAIMBOARD_CLI = path.resolve(__dirname, '../../dist/cli.js');

export function ensureCliBuilt(): void {
  ensureBuilt();
}

export interface ClaimboardRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `node dist/cli.js …` as Claude Code runs a hook: JSON on stdin, nothing inherited but PATH/HOME and `env`. */
export function runClaimboard(args: string[], opts: { input?: string; env?: Record<string, string>; cwd?: string } = {}): Promise<ClaimboardRun> {
  ensureCliBuilt();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLAIMBOARD_CLI, ...args], {
      cwd: opts.cwd,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...opts.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(opts.input ?? '');
  });
}
