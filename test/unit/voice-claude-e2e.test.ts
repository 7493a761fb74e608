/**
 * The person's answer reaches Claude through the REAL Claude Code CLI (scripted model): Claude
 * asks in Bash, the person says yes in the question's thread while Claude works, and the model
 * server sees the answer in the request that follows the next tool call (PostToolUse context);
 * the edit that was held then goes through.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CLAIMBOARD_CLI, ensureCliBuilt, runClaimboard, runClaude, startModelServer, type ModelServer } from '../support/model-server';
import { startMattermostServer, type MattermostTestServer } from '../support/mattermost-server';
import { BackgroundProcesses } from '../support/background';

describe("the person's answer in the real Claude Code CLI", function () {
  this.timeout(150_000);
  let srv: ModelServer | undefined;
  let mm: MattermostTestServer | undefined;
  let board = '';
  const background = new BackgroundProcesses();
  afterEach(async () => {
    background.endAll(board);
    await srv?.close();
    await mm?.close();
    srv = undefined;
    mm = undefined;
  });

  it('the scripted model sees "@alice answered … (yes)" in the request after a tool call, and the handed-over edit lands', async () => {
    mm = await startMattermostServer();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cb-voice-e2e-'));
    const home = path.join(dir, 'home');
    const repo = path.join(dir, 'repo');
    const bin = path.join(dir, 'bin');
    board = path.join(dir, 'board.md');
    for (const d of [home, path.join(repo, 'src'), bin]) fs.mkdirSync(d, { recursive: true });
    execFileSync('git', ['init', '-q'], { cwd: repo });
    const held = path.join(repo, 'src/held.ts');
    fs.writeFileSync(held, 'hello\n');
    ensureCliBuilt();
    fs.symlinkSync(CLAIMBOARD_CLI, path.join(bin, 'claimboard'));
    const env = {
      PATH: `${bin}:${process.env.PATH}`,
      HOME: home,
      CLAIMBOARD_BOARD: board,
      CLAIMBOARD_MATTERMOST_URL: mm.url,
      CLAIMBOARD_MATTERMOST_TOKEN: mm.bot.token,
      CLAIMBOARD_MATTERMOST_CHANNEL: 'team/claims',
      CLAIMBOARD_MENTION: 'alice',
      CLAIMBOARD_POLL_INTERVAL: '2s',
      CLAIMBOARD_FLUSH_BUDGET: '30s',
    };
    assert.equal((await runClaimboard(['install-hooks', '--project'], { cwd: repo, env })).code, 0);
    const pre = await runClaimboard(['--session', 'session-z', 'claim', 'src/held.ts', '--eta', '40m'], { cwd: repo, env });
    assert.equal(pre.code, 0, pre.stderr);

    srv = await startModelServer([
      { tools: [{ name: 'Read', input: { file_path: held } }] },
      { tools: [{ name: 'Bash', input: { command: 'claimboard ask "I need it for the fix" --about src/held.ts' } }] },
      // Claude works on while the person answers from the phone.
      { tools: [{ name: 'Bash', input: { command: 'sleep 15' } }] },
      { tools: [{ name: 'Edit', input: { file_path: held, old_string: 'hello', new_string: 'bye' } }] },
      { text: 'done' },
    ]);
    const running = runClaude({ cwd: repo, home, modelUrl: srv.url, allowedTools: ['Bash'], env, timeoutMs: 120_000 });
    const end = Date.now() + 60_000;
    let question = mm.posts.find((p) => p.message.includes('OK to interrupt?'));
    while (!question && Date.now() < end) {
      await new Promise((r) => setTimeout(r, 100));
      question = mm.posts.find((p) => p.message.includes('OK to interrupt?'));
    }
    assert.ok(question, 'the question reached the channel');
    assert.equal(question.message, '[session-a] @alice session-z is holding `repo/src/held.ts` — I need it for the fix, OK to interrupt?');
    await mm.postAs(mm.alice, 'yes, go ahead', question.id);
    const run = await running;
    assert.equal(run.code, 0, run.stderr);

    const bodies = srv.requests.map((r) => JSON.stringify(r.body));
    const told = bodies.findIndex((b) => b.includes('@alice answered your question about `repo/src/held.ts` in Mattermost: \\"yes, go ahead\\" (yes)'));
    assert.ok(told > 0, `a request carries the answer: ${bodies.map((b) => b.slice(-400)).join('\n---\n')}`);
    assert.match(bodies[told]!, /tool_result/, 'it follows a tool call');
    assert.equal(fs.readFileSync(held, 'utf8'), 'bye\n', 'the path was handed over, so the edit lands');
    assert.match(fs.readFileSync(board, 'utf8'), /session-z — repo\/src\/held\.ts — taken over by session-a \(approved by @alice\)/);
  });
});
