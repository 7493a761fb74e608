/**
 * The Claude Code plugin through the REAL Claude Code CLI (offline, scripted model): the
 * plugin is built by this test from the current dist/, loaded with `--plugin-dir`, validated
 * with `claude plugin validate`, and installed from its marketplace into a scratch HOME.
 */
import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ClaimService } from '../../src/core/claim-service';
import { must } from '../../src/core/errors';
import { claudeBinary, ensureCliBuilt, runClaude, startModelServer, type ModelServer, type ScriptedTurn } from '../support/model-server';
import { MARKETPLACE, PLUGIN_COMMAND, buildPlugin } from '../../scripts/plugin/build';
import { installHooks } from '../../src/claude/hook-settings';

const MCP = (tool: string) => `mcp__plugin_claimboard_claimboard__${tool}`;
/** Claude Code defers MCP tools: the model loads a tool's schema with ToolSearch before calling it. */
const loadTools = (...tools: string[]): ScriptedTurn => ({ tools: [{ name: 'ToolSearch', input: { query: `select:${tools.map(MCP).join(',')}` } }] });

function tempDir(prefix: string): string {
  return fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), prefix)));
}

function claudeCli(args: string[], home: string, cwd: string): { code: number | null; out: string } {
  const r = spawnSync(claudeBinary(), args, {
    cwd,
    encoding: 'utf8',
    timeout: 60_000,
    env: { PATH: process.env.PATH, HOME: home, CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1', DISABLE_TELEMETRY: '1', DISABLE_AUTOUPDATER: '1', DISABLE_ERROR_REPORTING: '1' },
  });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

describe('the Claude Code plugin (real Claude Code CLI)', function () {
  this.timeout(120_000);
  let dir: string;
  let plugin: string;
  let srv: ModelServer | undefined;

  before(() => {
    ensureCliBuilt();
    dir = tempDir('cb-plugin-');
    plugin = buildPlugin(path.join(dir, 'claude-plugin'));
  });

  afterEach(async () => {
    await srv?.close();
    srv = undefined;
  });

  function workspace(name: string) {
    const root = path.join(dir, name);
    const home = path.join(root, 'home');
    const ws = path.join(root, 'shop');
    fs.mkdirSync(home, { recursive: true });
    fs.mkdirSync(ws, { recursive: true });
    execFileSync('git', ['init', '-q', ws]);
    fs.writeFileSync(path.join(ws, 'held.txt'), 'hello\n');
    fs.writeFileSync(path.join(ws, 'free.txt'), 'hello\n');
    return { root, home, ws, board: path.join(root, 'coordination.md') };
  }

  it('passes `claude plugin validate`, as a plugin and as a marketplace; its hooks are the ones install-hooks writes', () => {
    const home = tempDir('cb-validate-');
    for (const target of [plugin, path.join(plugin, '.claude-plugin', 'plugin.json'), path.join(plugin, '.claude-plugin', 'marketplace.json')]) {
      const r = claudeCli(['plugin', 'validate', target], home, dir);
      assert.equal(r.code, 0, r.out);
      assert.match(r.out, /Validation passed/);
    }
    const text = fs.readFileSync(path.join(plugin, 'hooks', 'hooks.json'), 'utf8');
    const hooks = JSON.parse(text).hooks;
    // The same events, matchers, timeouts and arguments as `claimboard install-hooks`; only how the CLI is reached differs.
    const asInstalled = JSON.parse(text.split(JSON.stringify(PLUGIN_COMMAND).slice(1, -1)).join('claimboard')).hooks;
    assert.deepEqual(asInstalled, installHooks({}, 'claimboard').settings.hooks);
    assert.match(PLUGIN_COMMAND, /"\$\{CLAUDE_PLUGIN_ROOT\}\/bin\/claimboard"$/);
    assert.deepEqual(Object.keys(hooks), ['SessionStart', 'PreToolUse', 'PostToolUse', 'UserPromptSubmit', 'Notification', 'SessionEnd']);
  });

  it("with --plugin-dir: hooks guard and auto-claim, the MCP claim tool acts as the same session, claimboard in Bash is the plugin's", async () => {
    const w = workspace('dir');
    const holder = new ClaimService({ boardPath: w.board });
    await holder.claim('session-q', { paths: ['shop/held.txt'], eta: new Date(Date.now() + 40 * 60_000) });
    const held = path.join(w.ws, 'held.txt');
    const free = path.join(w.ws, 'free.txt');
    srv = await startModelServer([
      {
        tools: [
          { name: 'Read', input: { file_path: held } },
          { name: 'Read', input: { file_path: free } },
        ],
      },
      { tools: [{ name: 'Edit', input: { file_path: held, old_string: 'hello', new_string: 'bye' } }] },
      { tools: [{ name: 'Edit', input: { file_path: free, old_string: 'hello', new_string: 'bye' } }] },
      loadTools('claim'),
      { tools: [{ name: MCP('claim'), input: { paths: ['infra:db'], eta: '20m', reason: 'migration' } }] },
      { tools: [{ name: MCP('claim'), input: { paths: ['held.txt'] } }] },
      { tools: [{ name: 'Bash', input: { command: 'command -v claimboard && claimboard status >/dev/null && claimboard status --json' } }] },
      { text: 'done' },
    ]);
    const run = await runClaude({
      cwd: w.ws,
      home: w.home,
      modelUrl: srv.url,
      allowedTools: ['Bash', MCP('claim')],
      env: { CLAIMBOARD_BOARD: w.board },
      extraArgs: ['--plugin-dir', plugin],
    });
    assert.equal(run.code, 0, run.stderr);
    const results = srv.toolResults();

    assert.equal(fs.readFileSync(held, 'utf8'), 'hello\n', 'the held file must not change');
    assert.equal(fs.readFileSync(free, 'utf8'), 'bye\n', 'the free file is edited');
    const denied = results.find((r) => r.text.includes('held.txt is claimed by session-q'));
    assert.ok(denied?.is_error, `the Edit deny names the holder: ${JSON.stringify(results)}`);

    const sessions = new ClaimService({ boardPath: w.board }).status().sessions;
    assert.equal(sessions.length, 1);
    const me = must(sessions[0], 'the session').name;
    assert.match(me, /^session-[a-z]$/);

    const claimed = results.find((r) => r.text.includes('"granted"') && r.text.includes('infra:db'));
    assert.ok(claimed && !claimed.is_error, `MCP claim: ${JSON.stringify(results)}`);
    assert.equal(JSON.parse(claimed.text).session, me, 'the tool acts as the session the hooks named');

    const conflict = results.find((r) => r.text.includes('is claimed by session-q (claim: shop/held.txt') && r.text.includes(`claimboard claim ${held} --wait 30m`));
    assert.ok(conflict?.is_error, `a conflict through the tool is a tool error naming the holder: ${JSON.stringify(results)}`);

    const bash = results.find((r) => r.text.includes(path.join(plugin, 'bin', 'claimboard')));
    assert.ok(bash, `claimboard in Bash is the plugin's bin/: ${JSON.stringify(results)}`);
    const mid = JSON.parse(bash.text.slice(bash.text.indexOf('{'))) as { claims: { session: string; path: string; reason: string | null }[] };
    assert.deepEqual(
      mid.claims.map((c) => `${c.session} ${c.path}`).sort(),
      [`${me} infra:db`, `${me} shop/free.txt`, 'session-q shop/held.txt'].sort(),
      "mid-session: the free file auto-claimed and infra:db claimed by the tool, both under the hooks' name",
    );

    // SessionEnd released everything the session held; session-q keeps its claim.
    const after = new ClaimService({ boardPath: w.board }).status();
    assert.deepEqual(
      after.claims.map((c) => `${c.session} ${c.path}`),
      ['session-q shop/held.txt'],
    );
    assert.deepEqual(
      after.releases
        .filter((r) => r.session === me)
        .map((r) => r.path)
        .sort(),
      ['infra:db', 'shop/free.txt'],
    );
    assert.ok(after.sessions[0]?.ended, 'the session is marked ended');
  });

  it('offers the skill and the slash commands: /claimboard:claim reaches the model as the claim instructions', async () => {
    const w = workspace('commands');
    srv = await startModelServer([{ text: 'ok' }]);
    const run = await runClaude({
      cwd: w.ws,
      home: w.home,
      modelUrl: srv.url,
      prompt: '/claimboard:claim infra:db 20m migration',
      env: { CLAIMBOARD_BOARD: w.board },
      extraArgs: ['--plugin-dir', plugin],
    });
    assert.equal(run.code, 0, run.stderr);
    const main = srv.requests.filter((r) => Array.isArray(r.body.tools) && r.body.tools.length > 0);
    const sent = JSON.stringify(main[0]?.body ?? {});
    assert.match(sent, /Claim these on the claimboard board with the `claim` tool: infra:db 20m migration/);
    assert.match(sent, /claimboard:claimboard/, 'the skill is offered');
    assert.match(sent, /Coordinate with the other Claude Code sessions/);
  });

  it('installs from its marketplace into a scratch HOME, takes the board from its user configuration, and guards a session from the installed copy', async () => {
    const w = workspace('installed');
    // As the README says: `npm run plugin` (its build step, here into this test's folder), then the two claude commands.
    const script = spawnSync(process.execPath, ['--import', 'tsx', path.join(__dirname, '../../scripts/plugin/build.ts'), path.join(w.root, 'out', 'claude-plugin')], { encoding: 'utf8' });
    assert.equal(script.status, 0, script.stderr);
    assert.match(script.stdout, /claude plugin install claimboard@claimboard/);
    const market = path.join(w.root, 'out', 'claude-plugin');
    const add = claudeCli(['plugin', 'marketplace', 'add', './out/claude-plugin'], w.home, w.root);
    assert.equal(add.code, 0, add.out);
    const install = claudeCli(['plugin', 'install', 'claimboard@claimboard', '--config', `board_path=${w.board}`], w.home, w.root);
    assert.equal(install.code, 0, install.out);
    const list = claudeCli(['plugin', 'list'], w.home, w.ws);
    assert.match(list.out, /claimboard@claimboard/);

    await new ClaimService({ boardPath: w.board }).claim('session-q', { paths: ['shop/held.txt'] });
    const held = path.join(w.ws, 'held.txt');
    srv = await startModelServer([
      { tools: [{ name: 'Read', input: { file_path: held } }] },
      { tools: [{ name: 'Edit', input: { file_path: held, old_string: 'hello', new_string: 'bye' } }] },
      { tools: [{ name: 'Bash', input: { command: 'command -v claimboard' } }] },
      loadTools('status'),
      { tools: [{ name: MCP('status'), input: {} }] },
      { text: 'done' },
    ]);
    // No CLAIMBOARD_BOARD: the hooks (CLAUDE_PLUGIN_OPTION_BOARD_PATH) and the MCP server (${user_config.board_path}) get it from the plugin's configuration.
    const run = await runClaude({ cwd: w.ws, home: w.home, modelUrl: srv.url, allowedTools: ['Bash', MCP('status')] });
    assert.equal(run.code, 0, run.stderr);
    const results = srv.toolResults();
    assert.equal(fs.readFileSync(held, 'utf8'), 'hello\n');
    assert.ok(
      results.some((r) => r.is_error && r.text.includes('held.txt is claimed by session-q')),
      JSON.stringify(results),
    );
    const where = results.find((r) => r.text.trim().endsWith('/bin/claimboard'));
    assert.ok(where, JSON.stringify(results));
    // Claude Code copies the plugin under ~/.claude/plugins on install, but (2.1.332) runs a
    // plugin from a directory marketplace out of that folder: removing it disables the plugin.
    const installed = JSON.parse(fs.readFileSync(path.join(w.home, '.claude', 'plugins', 'installed_plugins.json'), 'utf8'));
    const installPath: string = installed.plugins[`claimboard@${MARKETPLACE}`][0].installPath;
    assert.ok(fs.existsSync(path.join(installPath, 'bin', 'claimboard')), installPath);
    assert.ok([path.join(installPath, 'bin', 'claimboard'), path.join(market, 'bin', 'claimboard')].includes(where.text.trim()), where.text);
    const sessions = new ClaimService({ boardPath: w.board }).status().sessions;
    assert.equal(sessions.length, 1, 'its SessionStart hook named the session on the configured board');
    const status = results.find((r) => r.text.includes('"board"'));
    assert.ok(status, JSON.stringify(results));
    assert.equal(JSON.parse(status.text).board, w.board);
    assert.equal(JSON.parse(status.text).you, must(sessions[0], 'the session').name);
  });
});
