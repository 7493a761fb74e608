/**
 * Recap on return: a prompt to a session idle for longer than CLAIMBOARD_RECAP_IDLE gets what
 * happened since it last worked, through the real `claimboard hook user-prompt-submit` process,
 * from the test Mattermost server (token) or the local journal (webhook only).
 */
import * as assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { SessionStartHookInput, SyncHookJSONOutput, UserPromptSubmitHookInput } from '@anthropic-ai/claude-agent-sdk' with { 'resolution-mode': 'import' };
import { cleanEnv, pathWithClaimboard, runCli, tempDir } from '../support/cli';
import { startMattermostServer, type MattermostTestServer } from '../support/mattermost-server';
import { lastWorked } from '../../src/claude/session-activity';
import { putInInbox } from '../../src/core/inbox';
import { installHooks } from '../../src/claude/hook-settings';

const PROMPT_HOOK_TIMEOUT_S = (installHooks({}, 'claimboard').settings.hooks as Record<string, { hooks: { timeout: number }[] }[]>).UserPromptSubmit?.[0]?.hooks[0]?.timeout ?? 0;

describe('recap on return: a prompt after an idle spell gets what happened meanwhile', function () {
  this.timeout(120_000);
  let mm: MattermostTestServer;
  let dir: string;
  let repo: string;
  let board: string;
  before(async () => {
    mm = await startMattermostServer();
  });
  after(async () => {
    mm.clearFaults();
    mm.dropHung();
    await mm.close();
  });
  beforeEach(() => {
    dir = tempDir('cb-recap-return-');
    repo = path.join(dir, 'repo');
    fs.mkdirSync(path.join(repo, 'src'), { recursive: true });
    execFileSync('git', ['init', '-q'], { cwd: repo });
    board = path.join(dir, 'board.md');
    mm.posts.length = 0;
  });

  const rest = () => ({ CLAIMBOARD_MATTERMOST_URL: mm.url, CLAIMBOARD_MATTERMOST_TOKEN: mm.bot.token, CLAIMBOARD_MATTERMOST_CHANNEL: mm.channel.id });
  const env = (mattermost: Record<string, string>, extra: Record<string, string> = {}) =>
    cleanEnv({
      HOME: dir,
      XDG_CONFIG_HOME: path.join(dir, 'config'),
      CLAIMBOARD_BOARD: board,
      CLAIMBOARD_MENTION: 'alice',
      CLAIMBOARD_ANNOUNCE_INLINE: '1',
      CLAIMBOARD_RECAP_IDLE: '1s',
      ...mattermost,
      ...extra,
    });
  const base = (id: string) => ({ session_id: id, transcript_path: '', cwd: repo });

  async function start(id: string, e: NodeJS.ProcessEnv): Promise<void> {
    const payload: SessionStartHookInput = { ...base(id), hook_event_name: 'SessionStart', source: 'startup' };
    const r = await runCli(['hook', 'session-start'], { input: JSON.stringify(payload), env: e, cwd: repo });
    assert.equal(r.code, 0, r.stderr);
  }
  /** The prompt's hook; its additionalContext, or undefined. A hook that hangs is killed and fails here. */
  async function prompt(id: string, e: NodeJS.ProcessEnv): Promise<string | undefined> {
    const payload: UserPromptSubmitHookInput = { ...base(id), hook_event_name: 'UserPromptSubmit', prompt: 'where were we?' };
    // Killed, as Claude Code would, at the timeout install-hooks gives the hook.
    const r = await runCli(['hook', 'user-prompt-submit'], { input: JSON.stringify(payload), env: e, cwd: repo, timeoutMs: PROMPT_HOOK_TIMEOUT_S * 1000 });
    assert.equal(r.signal, null, 'the hook answered within its timeout (it was not killed)');
    assert.equal(r.code, 0, r.stderr);
    if (!r.stdout.trim()) return undefined;
    const h = (JSON.parse(r.stdout) as SyncHookJSONOutput).hookSpecificOutput;
    assert.equal(h?.hookEventName, 'UserPromptSubmit');
    return h?.hookEventName === 'UserPromptSubmit' ? h.additionalContext : undefined;
  }
  async function cli(args: string[], session: string, e: NodeJS.ProcessEnv): Promise<void> {
    const r = await runCli(['--session', session, ...args], { env: e, cwd: repo });
    assert.equal(r.code, 0, r.stderr);
  }
  /** Delivered, as a background flusher would (an inline delivery can run out of budget on a loaded machine). */
  async function delivered(e: NodeJS.ProcessEnv, count: number): Promise<void> {
    const deadline = Date.now() + 30_000;
    while (mm.messages().length < count) {
      assert.ok(Date.now() < deadline, `${count} posts expected: ${JSON.stringify(mm.messages())}`);
      await runCli(['flush'], { env: e, cwd: repo });
    }
  }
  /** The session has been idle for longer than CLAIMBOARD_RECAP_IDLE (1s). */
  async function idle(id: string): Promise<void> {
    const since = lastWorked(board, id);
    assert.ok(since, 'the session has worked');
    while (Date.now() - since.getTime() <= 1_100) await new Promise((r) => setTimeout(r, 50));
  }

  it('from the channel: lists the starts, claims, releases and questions since the session last worked, and only those', async () => {
    const e = env(rest());
    // Before session-b (uuid-a) last worked: must not be in its recap.
    await start('uuid-c', e);
    await cli(['claim', 'src/old/**', '--eta', '30m'], 'session-a', e);
    await delivered(e, 2);
    await new Promise((r) => setTimeout(r, 5));
    await start('uuid-a', e);
    await delivered(e, 3);
    assert.equal(await prompt('uuid-a', e), undefined, 'a first prompt gets no recap: its start had one');
    // The person is away; another session works.
    await start('uuid-b', e);
    await cli(['claim', 'src/parser/**', '--eta', '30m'], 'session-c', e);
    await cli(['ask', 'Which parser should I keep?'], 'session-c', e);
    await cli(['release', 'src/parser/**'], 'session-c', e);
    await delivered(e, 7);
    await idle('uuid-a');

    const context = await prompt('uuid-a', e);
    assert.ok(context, 'a recap after the idle spell');
    assert.match(context, /^The person is back after \S+ away from this session\. Greet them with a short recap/);
    assert.match(context, /from the channel:/);
    assert.match(context, /^session-c:$/m);
    assert.match(context, /starting — repo: repo/);
    assert.match(context, /CLAIM `repo\/src\/parser\/\*\*` — eta/);
    assert.match(context, /@alice Which parser should I keep\?/);
    assert.match(context, /RELEASE `repo\/src\/parser\/\*\*` — done/);
    assert.doesNotMatch(context, /src\/old/, 'nothing from before the session last worked');
    assert.ok(context.length < 4_000, 'bounded');

    // Working again within CLAIMBOARD_RECAP_IDLE (10 min here: the machine may be slow): no recap.
    assert.equal(await prompt('uuid-a', { ...e, CLAIMBOARD_RECAP_IDLE: '10m' }), undefined);
  });

  it('what the person said to the session while it was idle comes with the recap, not instead of it', async () => {
    const e = env(rest());
    await start('uuid-a', e);
    await delivered(e, 1);
    assert.equal(await prompt('uuid-a', e), undefined, 'a first prompt gets no recap: its start had one');
    await start('uuid-b', e);
    await cli(['claim', 'src/lexer/**', '--eta', '30m'], 'session-b', e);
    await delivered(e, 3);
    await putInInbox(board, 'session-a', [{ id: 'p1', at: new Date().toISOString(), text: '@alice said to session-a: leave the lexer to session-b' }]);
    await idle('uuid-a');
    const context = await prompt('uuid-a', e);
    assert.match(context ?? '', /^The person is back after/);
    assert.match(context ?? '', /CLAIM `repo\/src\/lexer\/\*\*`/);
    assert.match(context ?? '', /leave the lexer to session-b/, 'the message taken from the inbox reaches Claude');
    assert.equal(await prompt('uuid-a', { ...e, CLAIMBOARD_RECAP_IDLE: '10m' }), undefined, 'delivered once');
  });

  it("the person's answers while the session was idle are in the recap: who, what, and what it decided", async () => {
    const e = env(rest());
    await start('uuid-a', e);
    await delivered(e, 1);
    assert.equal(await prompt('uuid-a', e), undefined, 'a first prompt gets no recap: its start had one');
    await cli(['claim', 'src/parser/**', '--eta', '30m'], 'session-c', e);
    await cli(['ask', 'I need the parser for the fix', '--about', 'src/parser/**'], 'session-b', e);
    await cli(['ask', 'Is Friday a freeze?'], 'session-b', e);
    await delivered(e, 4);
    const about = mm.posts.find((p) => p.message.includes('I need the parser'));
    const plain = mm.posts.find((p) => p.message.includes('Is Friday a freeze'));
    assert.ok(about && plain);
    await mm.postAs(mm.alice, 'take it', about.id);
    await mm.postAs(mm.alice, 'only until noon', plain.id);
    // The listener reads the channel and records the answers (one read, as its poll would).
    await cli(['listen', '--once'], 'session-b', e);
    await idle('uuid-a');

    const context = await prompt('uuid-a', e);
    assert.match(context ?? '', /^The person's answers:$/m);
    assert.match(context ?? '', /^ {2}\d\d:\d\d {2}@alice answered session-b about `repo\/src\/parser\/\*\*`: "take it" \(yes, handed over from session-c\)$/m);
    assert.match(context ?? '', /^ {2}\d\d:\d\d {2}@alice answered session-b: "only until noon" \(not a yes or no\)$/m);
    // Answered: no longer an open question.
    assert.doesNotMatch(context ?? '', /Open questions:/);
  });

  it('with the server hung, the hook still answers: it says the channel could not be read, with the command for later', async () => {
    const e = env(rest());
    await start('uuid-a', e);
    await delivered(e, 1);
    assert.equal(await prompt('uuid-a', e), undefined, 'a first prompt gets no recap: its start had one');
    await idle('uuid-a');
    mm.inject({ kind: 'hang' });
    let context: string | undefined;
    try {
      context = await prompt('uuid-a', e);
    } finally {
      mm.clearFaults();
      mm.dropHung();
    }
    assert.match(context ?? '', /^The person is back after .*\nThe channel could not be read \(.*\): say so, and that `(claimboard recap --since \S+)` shows it later\.$/);
    // The command Claude is given runs as printed.
    const command = /`(claimboard recap --since \S+)`/.exec(context ?? '')?.[1] ?? '';
    // Not execFileSync: the test server runs in this process and must keep answering.
    const { stdout } = await promisify(execFile)('sh', ['-c', command], { cwd: repo, env: { ...e, PATH: pathWithClaimboard(dir) }, encoding: 'utf8' });
    assert.match(stdout, /session-a/);
  });

  it('webhook only: the recap comes from the local journal of what this machine posted', async () => {
    const e = env({ CLAIMBOARD_MATTERMOST_WEBHOOK: mm.hookUrl });
    await start('uuid-a', e);
    assert.equal(await prompt('uuid-a', e), undefined, 'a first prompt gets no recap: its start had one');
    await start('uuid-b', e);
    await cli(['claim', 'src/lexer.ts', '--eta', '20m'], 'session-b', e);
    await delivered(e, 3);
    await idle('uuid-a');
    const context = await prompt('uuid-a', e);
    assert.match(context ?? '', /from this machine's journal of its posts, as a webhook cannot read the channel:/);
    assert.match(context ?? '', /^session-b:\n.*starting[\s\S]*CLAIM `repo\/src\/lexer\.ts`/m);
  });
});
