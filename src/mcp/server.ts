/**
 * `claimboard mcp`: the board as an MCP server over stdio, for Claude Code (the plugin's
 * `.mcp.json` starts it) and any other MCP client.
 *
 * Built on the SDK's low-level `Server` rather than `McpServer`, because `McpServer` turns
 * every failure into a tool result: here bad arguments are a protocol error (InvalidParams,
 * nothing read or written) while a held path is a tool error the model reads and acts on.
 */
import * as os from 'node:os';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { CallToolRequestSchema, ErrorCode, ListResourcesRequestSchema, ListToolsRequestSchema, McpError, ReadResourceRequestSchema, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import * as z from 'zod';
import * as fs from 'node:fs';
import type { ServiceOptions } from '../core/claim-service';
import { FileClaimStore, type ClaimStore } from '../core/claim-store';
import { InputError } from '../core/errors';
import type { BoardEvent } from '../core/model';
import { createAnnouncer, loadAnnounceConfig, type Announcer, type LoadedAnnounceConfig } from '../announce';
import { pollIntervalFromEnv } from '../announce/channel-reader';
import { parseDuration } from '../core/duration';
import { resolveSession, type SessionLookup } from './session';
import { TOOLS, ToolFailure, type ToolContext } from './tools';

declare const PACKAGE_VERSION: string;
const VERSION = typeof PACKAGE_VERSION === 'string' ? PACKAGE_VERSION : '0.0.0-dev';

export const BOARD_URI = 'claimboard://board';

export interface McpServerOptions {
  boardPath: string;
  env: Record<string, string | undefined>;
  /** Relative paths in tool arguments are resolved from here. */
  cwd: string;
  ttlMs?: number;
  /** How long a tool call waits for the SessionStart hook to name the session (it starts with the server). */
  sessionWaitMs?: number;
  ppid?: number;
  host?: string;
  /** Where claims live (the CLI's factory: the board file or the shared store); default the board file. */
  openStore?: (opts: ServiceOptions) => ClaimStore;
}

const INSTRUCTIONS =
  'claimboard coordinates parallel sessions through one board of claims. Claim a path before touching a non-trivial resource, ' +
  'release it when done; when something is held by another session, wait (claim with `wait`), pick other work, or ask the human. ' +
  'Never argue with another session over a claim. Files you edit are claimed for you by the hooks.';

/** Calls still running: a client that closes stdin right after a call still gets its answer and its write. */
const inFlight = new Set<Promise<unknown>>();
function track<T>(p: Promise<T>): Promise<T> {
  inFlight.add(p);
  void p.finally(() => inFlight.delete(p)).catch(() => undefined);
  return p;
}

export function createMcpServer(o: McpServerOptions): Server {
  let loaded: { announcer: Announcer; loaded: LoadedAnnounceConfig } | undefined;
  const announcer = () => {
    if (!loaded) {
      const cfg = loadAnnounceConfig({ env: o.env as NodeJS.ProcessEnv });
      // This process lives as long as the Claude session: it delivers inline, and whatever is
      // still pending stays in the outbox for the next CLI call's flusher.
      // What the budget left pending is delivered by this process in the background, in order.
      const made: Announcer = createAnnouncer({
        boardPath: o.boardPath,
        config: cfg.config,
        error: cfg.error,
        ttlMs: o.ttlMs,
        budgetMs: 1000,
        startFlusher: () => void track(made.flush({ budgetMs: 60_000 }).catch(() => undefined)),
      });
      loaded = { announcer: made, loaded: cfg };
    }
    return loaded;
  };
  const service = (o.openStore ?? ((x: ServiceOptions) => new FileClaimStore(x)))({
    boardPath: o.boardPath,
    ttlMs: o.ttlMs,
    onEvents: async (events: BoardEvent[]) => {
      await announcer().announcer.announce(events);
    },
  });
  const lookup: SessionLookup = { env: o.env, ppid: o.ppid ?? process.ppid, host: o.host ?? os.hostname() };
  const ctx: ToolContext = {
    service,
    cwd: o.cwd,
    now: () => new Date(),
    session: () => resolveSession(service, lookup, o.sessionWaitMs ?? sessionWaitFromEnv(o.env)),
    pollIntervalMs: () => pollIntervalFromEnv(o.env as NodeJS.ProcessEnv, (t) => parseDuration(t, 'CLAIMBOARD_POLL_INTERVAL')),
    announcer,
  };

  const server = new Server({ name: 'claimboard', version: VERSION }, { capabilities: { tools: {}, resources: {} }, instructions: INSTRUCTIONS });

  server.setRequestHandler(ListToolsRequestSchema, async () => ({
    tools: TOOLS.map((t) => ({
      name: t.name,
      title: t.title,
      description: t.description,
      inputSchema: jsonSchema(t.input, 'input'),
      outputSchema: jsonSchema(t.output, 'output'),
      annotations: { title: t.title, readOnlyHint: t.readOnly, destructiveHint: false, openWorldHint: t.name === 'ask' || t.name === 'recap' },
    })),
  }));

  server.setRequestHandler(CallToolRequestSchema, (req) => track(callTool(req.params)));

  async function callTool(params: { name: string; arguments?: Record<string, unknown> }): Promise<CallToolResult> {
    const req = { params };
    const tool = TOOLS.find((t) => t.name === req.params.name);
    if (!tool) throw new McpError(ErrorCode.InvalidParams, `unknown tool ${req.params.name} (claimboard has ${TOOLS.map((t) => t.name).join(', ')})`);
    const parsed = tool.input.safeParse(req.params.arguments ?? {});
    if (!parsed.success) throw new McpError(ErrorCode.InvalidParams, `${tool.name}: ${describeIssues(parsed.error)}`);
    try {
      const out = await tool.run(parsed.data, ctx);
      return { content: [{ type: 'text', text: out.text }], structuredContent: out.structured, ...(out.isError ? { isError: true } : {}) };
    } catch (e) {
      // Bad input found past the schema (an ETA in the past, a path the board cannot hold): nothing was written.
      if (e instanceof InputError) throw new McpError(ErrorCode.InvalidParams, `${tool.name}: ${e.message}`);
      const message = e instanceof ToolFailure ? e.message : boardProblem(o.boardPath, e as Error);
      return { content: [{ type: 'text', text: message }], isError: true };
    }
  }

  server.setRequestHandler(ListResourcesRequestSchema, async () => ({
    resources: [{ uri: BOARD_URI, name: 'board', title: 'Coordination board', description: `The board every session shares (${o.boardPath})`, mimeType: 'text/markdown' }],
  }));

  server.setRequestHandler(ReadResourceRequestSchema, async (req) => {
    if (req.params.uri !== BOARD_URI) throw new McpError(ErrorCode.InvalidParams, `unknown resource ${req.params.uri} (claimboard has ${BOARD_URI})`);
    let text: string;
    try {
      text = fs.readFileSync(o.boardPath, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw new McpError(ErrorCode.InternalError, boardProblem(o.boardPath, e as Error));
      text = '';
    }
    return { contents: [{ uri: BOARD_URI, mimeType: 'text/markdown', text }] };
  });

  return server;
}

/** CLAIMBOARD_MCP_SESSION_WAIT (milliseconds): how long a tool waits for the hooks to name the session (default 5000). */
function sessionWaitFromEnv(env: Record<string, string | undefined>): number {
  const ms = Number(env.CLAIMBOARD_MCP_SESSION_WAIT);
  return env.CLAIMBOARD_MCP_SESSION_WAIT !== undefined && Number.isFinite(ms) && ms >= 0 ? ms : 5_000;
}

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): { type: 'object'; [k: string]: unknown } {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { io }) as Record<string, unknown>;
  return { ...rest, type: 'object' };
}

function describeIssues(err: z.ZodError): string {
  return err.issues
    .slice(0, 5)
    .map((i) => {
      const where = i.path.length ? i.path.join('.') : 'arguments';
      if (i.code === 'unrecognized_keys') return `unknown argument${i.keys.length > 1 ? 's' : ''} ${i.keys.join(', ')}`;
      return `${where}: ${i.message}`;
    })
    .join('; ');
}

function boardProblem(boardPath: string, e: Error): string {
  return `claimboard could not use the board ${boardPath}: ${e.message.split('\n')[0]}. Fix or move the board file (see \`claimboard status\`).`;
}

/** Serves on stdin/stdout until the client goes away. */
export async function serveStdio(o: McpServerOptions): Promise<void> {
  const server = createMcpServer(o);
  const transport = new StdioServerTransport();
  const closed = new Promise<void>((resolve) => {
    transport.onclose = () => resolve();
    process.stdin.on('end', () => resolve());
  });
  await server.connect(transport);
  await closed;
  while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
  // The SDK sends a result a few ticks after its handler settles.
  await new Promise((resolve) => setTimeout(resolve, 20));
  await server.close().catch(() => undefined);
}
