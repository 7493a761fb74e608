/**
 * `claimboard mcp` through the MCP SDK's own client over stdio, as Claude Code talks to it:
 * every tool, the board resource, bad arguments (a protocol error, nothing written), a board
 * it cannot read, and which session the tools act as.
 */
import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { McpError } from '@modelcontextprotocol/sdk/types.js';
import { ClaimService } from '../../src/core/claim-service';
import { heldReason } from '../../src/core/held-reason';
import { must } from '../../src/core/errors';
import { runHook } from '../../src/claude/hook-runner';
import { RECAP_WINDOW_MS } from '../../src/announce/recap';
import { CLAIMBOARD_CLI, ensureCliBuilt } from '../support/model-server';
import { startMattermostServer, type MattermostTestServer } from '../support/mattermost-server';

type CallResult = { isError?: boolean; content: { type: string; text?: string }[]; structuredContent?: Record<string, unknown> };

function tempDir(): string {
  return fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'cb-mcp-')));
}

function textOf(r: CallResult): string {
  return r.content.map((c) => c.text ?? '').join('\n');
}

describe('claimboard mcp (SDK client over stdio)', function () {
  this.timeout(30_000);
  let dir: string;
  let board: string;
  let repo: string;
  let clients: Client[] = [];

  before(() => ensureCliBuilt());

  beforeEach(() => {
    dir = tempDir();
    board = path.join(dir, 'coordination.md');
    repo = path.join(dir, 'shop');
    fs.mkdirSync(path.join(repo, 'src'), { recursive: true });
    execFileSync('git', ['init', '-q', repo]);
    fs.writeFileSync(path.join(repo, 'src', 'a.ts'), 'a\n');
  });

  afterEach(async () => {
    await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
    clients = [];
  });

  async function connect(env: Record<string, string> = {}, boardPath = board): Promise<Client> {
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [CLAIMBOARD_CLI, '--board', boardPath, 'mcp'],
      cwd: repo,
      env: { PATH: process.env.PATH ?? '', HOME: dir, XDG_CONFIG_HOME: path.join(dir, 'config'), ...env },
      stderr: 'pipe',
    });
    const client = new Client({ name: 'test', version: '1.0.0' });
    await client.connect(transport);
    clients.push(client);
    return client;
  }

  const call = async (c: Client, name: string, args: Record<string, unknown>) => (await c.callTool({ name, arguments: args })) as CallResult;

  async function holder(session: string, paths: string[]) {
    const svc = new ClaimService({ boardPath: board });
    const r = await svc.claim(session, { paths, eta: new Date(Date.now() + 45 * 60_000) });
    assert.equal(r.conflicts.length, 0);
    return r.granted;
  }

  it('lists the seven tools, each with input and output schemas, and the board resource', async () => {
    const c = await connect({ CLAIMBOARD_SESSION: 'session-m' });
    const { tools } = await c.listTools();
    assert.deepEqual(tools.map((t) => t.name).sort(), ['ask', 'check', 'claim', 'note_add', 'recap', 'release', 'status']);
    for (const t of tools) {
      assert.equal(t.inputSchema.type, 'object', t.name);
      assert.equal(t.outputSchema?.type, 'object', t.name);
    }
    const claim = tools.find((t) => t.name === 'claim')!;
    assert.deepEqual(Object.keys(claim.inputSchema.properties ?? {}).sort(), ['eta', 'paths', 'reason', 'shared', 'ttl', 'wait']);
    const ask = tools.find((t) => t.name === 'ask')!;
    assert.ok('wait' in (ask.inputSchema.properties ?? {}), 'ask offers wait, as ask --wait does');
    assert.match(ask.description ?? '', /With `wait`/);
    const { resources } = await c.listResources();
    assert.deepEqual(
      resources.map((r) => r.uri),
      ['claimboard://board'],
    );
  });

  it('claim, check, status, release and note_add act on the board as the session', async () => {
    const c = await connect({ CLAIMBOARD_SESSION: 'session-m' });
    const granted = await call(c, 'claim', { paths: ['src/**', 'infra:db'], eta: '40m', reason: 'refactor' });
    assert.ok(!granted.isError, textOf(granted));
    const s = granted.structuredContent as { session: string; granted: { path: string; reason: string }[] };
    assert.equal(s.session, 'session-m');
    assert.deepEqual(s.granted.map((g) => g.path).sort(), ['infra:db', 'shop/src/**']);
    const onBoard = new ClaimService({ boardPath: board }).status();
    assert.deepEqual(onBoard.claims.map((x) => `${x.session} ${x.path} ${x.reason}`).sort(), ['session-m infra:db refactor', 'session-m shop/src/** refactor']);

    const checked = await call(c, 'check', { paths: ['src/a.ts'] });
    assert.equal((checked.structuredContent as { free: boolean }).free, true, 'own claims do not stand in the way');

    const st = await call(c, 'status', {});
    const view = st.structuredContent as { you: string; claims: unknown[]; board: string };
    assert.equal(view.you, 'session-m');
    assert.equal(view.board, board);
    assert.equal(view.claims.length, 2);

    const note = await call(c, 'note_add', { text: 'no deploys before Friday' });
    assert.deepEqual(
      (note.structuredContent as { notes: { text: string }[] }).notes.map((n) => n.text),
      ['no deploys before Friday'],
    );

    const res = await c.readResource({ uri: 'claimboard://board' });
    const boardText = (res.contents[0] as { text: string }).text;
    assert.equal(boardText, fs.readFileSync(board, 'utf8'));
    assert.match(boardText, /session-m .*shop\/src\/\*\*/);

    const released = await call(c, 'release', { paths: ['infra:db'] });
    assert.deepEqual(
      (released.structuredContent as { released: { path: string }[] }).released.map((r) => r.path),
      ['infra:db'],
    );
    const all = await call(c, 'release', { all: true });
    assert.deepEqual(
      (all.structuredContent as { released: { path: string }[] }).released.map((r) => r.path),
      ['shop/src/**'],
    );
    assert.equal(new ClaimService({ boardPath: board }).status().claims.length, 0);
  });

  it("gives a claim and a conflict the same JSON as the CLI's --json", async () => {
    // Every field a claim line can carry: an id, an ETA, its own lease, a reason, a holder pid, a takeover.
    const svc = new ClaimService({ boardPath: board });
    await svc.claim('session-q', { paths: ['shop/src/**'], eta: new Date(Date.now() + 45 * 60_000), ttlMs: 90 * 60_000, reason: 'parser', pid: process.pid });
    await svc.claim('session-p', { paths: ['infra:db'], mode: 'shared' });
    await svc.claim('session-q', { paths: ['infra:db'], force: true });
    await svc.claim('session-p', { paths: ['infra:cache'], mode: 'shared' });
    const cli = (...args: string[]) => {
      const r = spawnSync(process.execPath, [CLAIMBOARD_CLI, '--board', board, '--json', ...args], { cwd: repo, encoding: 'utf8', env: { PATH: process.env.PATH ?? '', HOME: dir } });
      return JSON.parse(r.stdout) as { claims?: unknown[]; conflicts?: unknown[] };
    };
    const c = await connect({ CLAIMBOARD_SESSION: 'session-m' });

    const viaCli = cli('status').claims;
    assert.equal(viaCli?.length, 3);
    assert.deepEqual((await call(c, 'status', {})).structuredContent?.claims, viaCli);

    const held = cli('--session', 'session-m', 'check', 'src/a.ts', 'infra:db', 'infra:cache').conflicts;
    assert.equal(held?.length, 3);
    assert.deepEqual((await call(c, 'check', { paths: ['src/a.ts', 'infra:db', 'infra:cache'] })).structuredContent?.conflicts, held);
  });

  it("a key with no repository prefix is claimed as written, with the CLI's warning in the result", async () => {
    const c = await connect({ CLAIMBOARD_SESSION: 'session-m' });
    const r = await call(c, 'claim', { paths: ['nowhere/x.ts'] });
    assert.ok(!r.isError, textOf(r));
    const s = r.structuredContent as { granted: { path: string }[]; warnings: string[] };
    assert.deepEqual(
      s.granted.map((g) => g.path),
      ['nowhere/x.ts'],
    );
    assert.equal(s.warnings.length, 1);
    assert.match(s.warnings[0] ?? '', /no folder nowhere\/ here and no repository nowhere beside shop/);
    assert.match(textOf(r), /^warning: no folder nowhere\//);
    const checked = await call(c, 'check', { paths: ['src/a.ts'] });
    assert.deepEqual((checked.structuredContent as { warnings: string[] }).warnings, [], 'a path in the repository warns of nothing');
  });

  it("a held path is a tool error in the hook deny reason's words, and nothing is claimed", async () => {
    const held = must((await holder('session-q', ['shop/src/a.ts']))[0], 'the held claim');
    const c = await connect({ CLAIMBOARD_SESSION: 'session-m' });
    const file = path.join(repo, 'src', 'a.ts');
    const r = await call(c, 'claim', { paths: [file, 'infra:free'] });
    assert.equal(r.isError, true);
    const text = textOf(r);
    assert.match(text, /is claimed by session-q \(claim: shop\/src\/a\.ts, eta \d\d:\d\d/);
    assert.ok(text.includes(`claimboard claim ${file} --wait 30m`), text);
    assert.equal(text, heldReason([{ key: 'shop/src/a.ts', abs: file, shown: file, holder: held }], 'session-m', new Date()));
    // The same held file, edited: the hook says exactly the same.
    const hook = await runHook(
      'pre-tool-use',
      JSON.stringify({
        session_id: 'x',
        transcript_path: '',
        cwd: repo,
        hook_event_name: 'PreToolUse',
        tool_name: 'Edit',
        tool_input: { file_path: file, old_string: 'a', new_string: 'b' },
      }),
      { boardPath: board, env: { CLAIMBOARD_SESSION: 'session-m' } },
    );
    assert.equal(JSON.parse(hook.stdout).hookSpecificOutput.permissionDecisionReason, text);
    assert.deepEqual(
      new ClaimService({ boardPath: board }).status().claims.map((x) => x.path),
      ['shop/src/a.ts'],
      'infra:free was not claimed either',
    );

    const checked = await call(c, 'check', { paths: ['src/a.ts'] });
    assert.ok(!checked.isError);
    assert.equal((checked.structuredContent as { free: boolean }).free, false);
    assert.match(textOf(checked), /is claimed by session-q/);
  });

  it('claim with wait takes the path once its holder releases it', async () => {
    await holder('session-q', ['infra:db']);
    const c = await connect({ CLAIMBOARD_SESSION: 'session-m' });
    const waiting = call(c, 'claim', { paths: ['infra:db'], wait: '20s' });
    await new Promise((r) => setTimeout(r, 300));
    await new ClaimService({ boardPath: board }).release('session-q', 'all');
    const r = await waiting;
    assert.ok(!r.isError, textOf(r));
    assert.deepEqual(
      new ClaimService({ boardPath: board }).status().claims.map((x) => `${x.session} ${x.path}`),
      ['session-m infra:db'],
    );
  });

  it('bad arguments are an MCP error and nothing is written', async () => {
    await holder('session-q', ['infra:other']);
    const before = fs.readFileSync(board, 'utf8');
    const c = await connect({ CLAIMBOARD_SESSION: 'session-m' });
    const bad: [string, Record<string, unknown>, RegExp][] = [
      ['claim', { paths: [] }, /paths: give at least one path/],
      ['claim', { paths: 'infra:x' }, /paths: .*expected array/],
      ['claim', { paths: ['infra:x'], eta: 'soonish' }, /soonish/],
      ['claim', { paths: ['infra:x'], ttl: '-5' }, /-5/],
      ['claim', { paths: ['infra:x'], force: true }, /unknown argument force/],
      ['claim', { paths: ['infra:x\nsession-z — infra:y'] }, /path/],
      ['release', {}, /either paths or all/],
      ['release', { paths: ['infra:x'], all: true }, /either paths or all/],
      ['note_add', { text: 'two\nlines' }, /one non-empty line/],
      ['ask', { question: '  ' }, /question is not empty/],
      ['recap', { since: 'yesterday-ish' }, /yesterday-ish/],
      ['nope', {}, /unknown tool nope/],
    ];
    for (const [name, args, message] of bad) {
      await assert.rejects(c.callTool({ name, arguments: args }), (e: unknown) => {
        assert.ok(e instanceof McpError, `${name} ${JSON.stringify(args)}: ${String(e)}`);
        assert.equal(e.code, -32602);
        assert.match(e.message, message);
        return true;
      });
    }
    assert.equal(fs.readFileSync(board, 'utf8'), before);
  });

  it('a board it cannot read is a tool error naming the board; the server keeps serving', async () => {
    const notAFile = path.join(dir, 'board-dir');
    fs.mkdirSync(notAFile);
    const c = await connect({ CLAIMBOARD_SESSION: 'session-m' }, notAFile);
    for (const [name, args] of [
      ['claim', { paths: ['infra:x'] }],
      ['status', {}],
      ['check', { paths: ['infra:x'] }],
    ] as const) {
      const r = await call(c, name, args);
      assert.equal(r.isError, true, name);
      assert.match(textOf(r), new RegExp(`could not use the board ${notAFile.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: .*EISDIR`), name);
    }
    await assert.rejects(c.readResource({ uri: 'claimboard://board' }), /could not use the board/);
    assert.ok(fs.statSync(notAFile).isDirectory());
  });

  it('acts as the session the hooks named: by CLAUDE_CODE_SESSION_ID, after /clear by its parent process', async () => {
    const svc = new ClaimService({ boardPath: board });
    await svc.registerSession({ name: 'session-c', externalId: 'uuid-1', started: new Date(), repo: 'shop', task: 't' });
    const c = await connect({ CLAUDE_CODE_SESSION_ID: 'uuid-1' });
    const r = await call(c, 'claim', { paths: ['infra:a'] });
    assert.equal((r.structuredContent as { session: string }).session, 'session-c');
    // /clear: the old session ended, a new one started in the same Claude Code process (this test, the server's parent).
    await svc.endSession('session-c', 'uuid-1');
    await svc.registerSession({ name: 'session-d', externalId: 'uuid-2', started: new Date(), pid: process.pid, host: os.hostname(), repo: 'shop', task: 't' });
    const again = await call(c, 'claim', { paths: ['infra:b'] });
    assert.equal((again.structuredContent as { session: string }).session, 'session-d');
  });

  it('without any session it says so instead of inventing one; read-only tools still answer', async () => {
    const c = await connect({ CLAUDE_CODE_SESSION_ID: 'uuid-unknown', CLAIMBOARD_MCP_SESSION_WAIT: '0' });
    const r = await call(c, 'claim', { paths: ['infra:a'] });
    assert.equal(r.isError, true);
    assert.match(textOf(r), /does not know which session it serves/);
    assert.equal(fs.existsSync(board), false, 'nothing written');
    const st = await call(c, 'status', {});
    assert.equal((st.structuredContent as { you: string | null }).you, null);
  });

  describe('ask and recap', () => {
    let mm: MattermostTestServer | undefined;
    afterEach(async () => {
      await mm?.close();
      mm = undefined;
    });

    it('ask without Mattermost is a tool error; with it the question mentions the person and names the holder', async () => {
      await holder('session-q', ['shop/src/a.ts']);
      const off = await connect({ CLAIMBOARD_SESSION: 'session-m' });
      const none = await call(off, 'ask', { question: 'may I refactor a.ts' });
      assert.equal(none.isError, true);
      assert.match(textOf(none), /Mattermost is not configured/);

      mm = await startMattermostServer();
      const on = await connect({
        CLAIMBOARD_SESSION: 'session-m',
        CLAIMBOARD_MATTERMOST_URL: mm.url,
        CLAIMBOARD_MATTERMOST_TOKEN: mm.bot.token,
        CLAIMBOARD_MATTERMOST_CHANNEL: 'team/claims',
        CLAIMBOARD_MENTION: 'alice',
      });
      const r = await call(on, 'ask', { question: 'may I refactor a.ts?', about: 'src/a.ts' });
      assert.ok(!r.isError, textOf(r));
      const { delivered: _d, ...asked } = r.structuredContent as { delivered: boolean };
      assert.deepEqual(asked, { session: 'session-m', holder: 'session-q', path: 'shop/src/a.ts', queued: true });
      await assert.rejects(on.callTool({ name: 'ask', arguments: { question: 'may I?', about: 'infra:nobody' } }), /nobody else holds infra:nobody: it is free to claim/);
      const plain = await call(on, 'ask', { question: 'is Friday a freeze' });
      assert.equal((plain.structuredContent as { holder: unknown }).holder, null);
      // Delivered within the call's budget or, on a busy machine, by the server in the background.
      const server = mm;
      for (let i = 0; i < 150 && server.posts.length < 2; i++) await new Promise((res) => setTimeout(res, 100));
      const posted = server.posts.map((p) => p.message);
      assert.deepEqual(posted.slice(-2), ['[session-m] @alice session-q is holding `shop/src/a.ts` — may I refactor a.ts, OK to interrupt?', '[session-m] @alice is Friday a freeze']);
      const recap = await call(on, 'recap', { since: '1h' });
      assert.ok(!recap.isError, textOf(recap));
      const rc = recap.structuredContent as { source: string; openQuestions: { holder?: string }[] };
      assert.equal(rc.source, 'channel');
      assert.ok(
        rc.openQuestions.some((q) => q.holder === 'session-q'),
        JSON.stringify(rc),
      );
      // Without `since`: the recap window every adapter shares.
      const before = Date.now();
      const dflt = await call(on, 'recap', {});
      assert.ok(!dflt.isError, textOf(dflt));
      const since = Date.parse((dflt.structuredContent as { since: string }).since);
      assert.ok(since >= before - RECAP_WINDOW_MS - 1_000 && since <= Date.now() - RECAP_WINDOW_MS, `since ${new Date(since).toISOString()}`);
    });

    it("ask with wait returns the answer as ask --wait --json does: the person's yes hands the path over", async () => {
      await holder('session-q', ['shop/src/a.ts']);
      mm = await startMattermostServer();
      const server = mm;
      const on = await connect({
        CLAIMBOARD_SESSION: 'session-m',
        CLAIMBOARD_MATTERMOST_URL: server.url,
        CLAIMBOARD_MATTERMOST_TOKEN: server.bot.token,
        CLAIMBOARD_MATTERMOST_CHANNEL: 'team/claims',
        CLAIMBOARD_MENTION: 'alice',
        CLAIMBOARD_POLL_INTERVAL: '2s',
      });
      const pending = call(on, 'ask', { question: 'I need a.ts for the fix', about: 'src/a.ts', wait: '25s' });
      let question: { id: string } | undefined;
      for (let i = 0; i < 200 && !question; i++) {
        question = server.posts.find((p) => p.message.includes('I need a.ts for the fix'));
        if (!question) await new Promise((res) => setTimeout(res, 50));
      }
      assert.ok(question, 'the question was posted');
      await server.postAs(server.alice, 'yes, take it', question.id);
      const r = await pending;
      assert.ok(!r.isError, textOf(r));
      const out = r.structuredContent as { question: { id: string; holder: string | null; path: string | null }; answer: { by: string; text: string; decision: string } | null; holds: boolean };
      assert.deepEqual([out.question.id, out.question.holder, out.question.path], [question.id, 'session-q', 'shop/src/a.ts']);
      assert.deepEqual(out.answer && [out.answer.by, out.answer.text, out.answer.decision], ['alice', 'yes, take it', 'yes']);
      assert.equal(out.holds, true);
      assert.equal(textOf(r), '@alice answered: "yes, take it" (yes); you hold shop/src/a.ts now');
      const view = await new ClaimService({ boardPath: board }).status();
      assert.deepEqual(
        view.claims.map((c) => [c.session, c.path]),
        [['session-m', 'shop/src/a.ts']],
      );
      // A wait with a webhook only cannot be kept: a tool error, as --wait is refused by the CLI.
      const hook = await connect({ CLAIMBOARD_SESSION: 'session-m', CLAIMBOARD_MATTERMOST_WEBHOOK: server.hookUrl });
      const refused = await call(hook, 'ask', { question: 'may I?', wait: '5s' });
      assert.equal(refused.isError, true);
      assert.match(textOf(refused), /wait needs a Mattermost token/);
    });
  });
});
