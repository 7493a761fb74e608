/**
 * The person's words reach Claude through real `claimboard hook` processes: the listener the
 * hooks start reads the channel, and the asker's and the holder's next hook calls put the
 * answer / the handover into `additionalContext`, once. Messages addressed to a session arrive
 * the same way; three listeners reading the same yes at once apply it once.
 */
import * as assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { SyncHookJSONOutput } from '@anthropic-ai/claude-agent-sdk' with { 'resolution-mode': 'import' };
import type { CliRun } from '../support/cli';
import type { MattermostTestServer } from '../support/mattermost-server';
import { alive, until } from '../support/background';
import { startVoiceRepo, type VoiceRepo } from '../support/voice-repo';
import { listenerPidFile } from '../../src/announce/listener';

describe('the person reaches Claude through the hooks (real processes)', function () {
  this.timeout(120_000);
  let voice: VoiceRepo;
  let server: MattermostTestServer;
  let dir: string;
  let repo: string;
  let board: string;
  /** Stands in for each Claude Code process: the listener lives while one of them does. */
  let claudes: ChildProcess[];

  const cli = (args: string[], extra: NodeJS.ProcessEnv = {}, input?: string): Promise<CliRun> => voice.cli(args, extra, input);

  function claude(): ChildProcess {
    const c = spawn('sleep', ['600'], { stdio: 'ignore' });
    claudes.push(c);
    return c;
  }

  async function hook(event: string, id: string, pid: number, extra: Record<string, unknown> = {}): Promise<string | undefined> {
    const names: Record<string, string> = { 'session-start': 'SessionStart', 'post-tool-use': 'PostToolUse', 'user-prompt-submit': 'UserPromptSubmit', 'pre-tool-use': 'PreToolUse' };
    const payload = { session_id: id, transcript_path: '', cwd: repo, hook_event_name: names[event], ...extra };
    const r = await cli(['hook', event], { CLAUDE_PID: String(pid) }, JSON.stringify(payload));
    assert.equal(r.code, 0, r.stderr);
    if (!r.stdout.trim()) return undefined;
    const h = (JSON.parse(r.stdout) as SyncHookJSONOutput).hookSpecificOutput;
    if (h?.hookEventName === 'PreToolUse') return h.permissionDecision === 'deny' ? `deny: ${h.permissionDecisionReason}` : undefined;
    return h && 'additionalContext' in h ? h.additionalContext : undefined;
  }

  const postTool = (id: string, pid: number) => hook('post-tool-use', id, pid, { tool_name: 'Read', tool_input: { file_path: path.join(repo, 'README') }, tool_response: {}, tool_use_id: 'toolu_r' });
  const prompt = (id: string, pid: number) => hook('user-prompt-submit', id, pid, { prompt: 'go on' });

  beforeEach(async () => {
    voice = await startVoiceRepo({ cliTimeoutMs: 60_000 });
    ({ server, dir, repo, board } = voice);
    claudes = [];
  });

  afterEach(async () => {
    voice.background.note(board);
    for (const c of claudes) c.kill();
    await voice.stop();
  });

  it("a yes reaches the holder (handover) and the asker (answer) in their next hook, once; the holder's edit is then denied", async () => {
    const a = claude();
    const b = claude();
    await hook('session-start', 'uuid-a', a.pid!, { source: 'startup' });
    await hook('session-start', 'uuid-b', b.pid!, { source: 'startup' });
    const listener = await until(() => (fs.existsSync(listenerPidFile(board)) ? Number(fs.readFileSync(listenerPidFile(board), 'utf8')) : undefined), 20_000, 'the listener');
    assert.ok(alive(listener));
    assert.equal((await cli(['claim', 'repo/parser/**'], { CLAIMBOARD_SESSION: 'session-a' })).code, 0);
    assert.equal((await cli(['ask', 'need the parser', '--about', 'repo/parser/**'], { CLAIMBOARD_SESSION: 'session-b' })).code, 0);
    const q = await until(() => server.posts.find((p) => p.message.includes('OK to interrupt?')), 30_000, 'the question');
    assert.equal(await postTool('uuid-a', a.pid!), undefined, 'nothing to say before the person answers');
    await server.postAs(server.alice, 'take it', q.id);
    const repliedAt = Date.now();
    const holderContext = await until(() => postTool('uuid-a', a.pid!), 60_000, "the holder's context", 500);
    assert.ok(Date.now() - repliedAt < 60_000);
    assert.match(holderContext, /@alice handed `repo\/parser\/\*\*` over to session-b.*Stop touching `repo\/parser\/\*\*` now/);
    assert.equal(await postTool('uuid-a', a.pid!), undefined, 'delivered once');
    const askerContext = await prompt('uuid-b', b.pid!);
    assert.match(askerContext ?? '', /@alice answered your question about `repo\/parser\/\*\*` in Mattermost: "take it" \(yes\)\. .*you hold it now/);
    assert.equal(await prompt('uuid-b', b.pid!), undefined, 'delivered once');
    const denied = await hook('pre-tool-use', 'uuid-a', a.pid!, { tool_name: 'Write', tool_input: { file_path: path.join(repo, 'parser', 'x.ts'), content: 'x' }, tool_use_id: 'toolu_w' });
    assert.match(denied ?? '', /^deny: .*session-b/);
    // The listener stops once no session is live.
    a.kill();
    b.kill();
    await until(() => (alive(listener) ? undefined : true), 30_000, 'the listener to stop');
  });

  it('messages addressed to a session (`session-b: …`, `@session-a …`, a reply to its post) reach it once; others are not heard', async () => {
    // No hooks, so no background listener: three `listen --once` below do its work.
    assert.equal((await cli(['start', '--repo', 'repo', '--task', 't'], { CLAIMBOARD_SESSION: 'session-a' })).code, 0);
    assert.equal((await cli(['start', '--repo', 'repo', '--task', 't'], { CLAIMBOARD_SESSION: 'session-b' })).code, 0);
    assert.equal((await cli(['claim', 'repo/parser/**'], { CLAIMBOARD_SESSION: 'session-a' })).code, 0);
    assert.equal((await cli(['flush'])).code, 0);
    const claimPost = server.posts.find((p) => p.message.startsWith('[session-a] CLAIM'))!;
    assert.ok(claimPost);
    await server.postAs(server.alice, 'session-b: stop touching the parser');
    await server.postAs(server.alice, '@session-a please write tests first');
    await server.postAs(server.alice, 'almost done?', claimPost.id);
    await server.postAs(server.bob, 'session-b: bob is not among the humans');
    await server.postAs(server.alice, 'session-b is doing fine');
    assert.equal((await cli(['ask', 'need it', '--about', 'repo/parser/**'], { CLAIMBOARD_SESSION: 'session-b' })).code, 0);
    const q = await until(() => server.posts.find((p) => p.message.includes('OK to interrupt?')), 30_000, 'the question');
    await server.reactAs(server.alice, q.id, 'thumbsup');
    // Three readers at once: the journal's lock applies the yes and delivers each message once.
    const runs = await Promise.all([0, 1, 2].map(() => cli(['listen', '--once'])));
    for (const r of runs) assert.equal(r.code, 0, r.stderr);
    const again = await cli(['listen', '--once']);
    assert.equal(again.code, 0);
    const fromInbox = (s: string) =>
      fs
        .readFileSync(path.join(dir, 'coordination.inbox', `${s}.jsonl`), 'utf8')
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as { text: string }).text);
    const forA = fromInbox('session-a');
    const forB = fromInbox('session-b');
    assert.deepEqual(
      forA.filter((t) => !t.includes('handed')),
      ['@alice wrote to you (session-a) in Mattermost: "@session-a please write tests first"', '@alice replied in Mattermost to your post: "almost done?"'],
    );
    assert.equal(forA.filter((t) => t.includes('handed')).length, 1, 'the handover, once');
    assert.deepEqual(
      forB.filter((t) => t.startsWith('@alice wrote')),
      ['@alice wrote to you (session-b) in Mattermost: "session-b: stop touching the parser"'],
    );
    assert.equal(forB.filter((t) => t.includes('answered your question')).length, 1);
    assert.equal(server.posts.filter((p) => p.message.includes('TAKEOVER')).length <= 1, true);
    const status = fs.readFileSync(board, 'utf8');
    assert.equal(status.match(/taken over by session-b \(approved by @alice\)/g)?.length, 1);
  });
});
