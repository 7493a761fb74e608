/**
 * The plugin and `install-hooks` together never run a hook twice: `install-hooks` refuses while
 * the plugin is enabled, and the plugin's hook steps aside (saying so) when settings.json runs
 * the same one. Also the warnings about hook commands that name this machine's paths.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { ClaimService } from '../../src/core/claim-service';
import { must } from '../../src/core/errors';
import { PLUGIN_HOOK_MARK } from '../../src/claude/plugin-presence';
import { runClaimboard } from '../support/model-server';

function tempDir(): string {
  return fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'cb-once-')));
}

describe('plugin and install-hooks: each hook once', function () {
  this.timeout(30_000);
  let dir: string;
  let home: string;
  let project: string;
  let board: string;
  const markName = must(PLUGIN_HOOK_MARK.split('=')[0], 'the mark name');
  const markValue = must(PLUGIN_HOOK_MARK.split('=')[1], 'the mark value');

  beforeEach(() => {
    dir = tempDir();
    home = path.join(dir, 'home');
    project = path.join(dir, 'shop');
    board = path.join(dir, 'board.md');
    fs.mkdirSync(path.join(home, '.claude'), { recursive: true });
    fs.mkdirSync(project);
    execFileSync('git', ['init', '-q', project]);
  });

  const sessionStart = (env: Record<string, string>) =>
    runClaimboard(['hook', 'session-start'], {
      cwd: project,
      input: JSON.stringify({ session_id: 'uuid-1', transcript_path: '', cwd: project, hook_event_name: 'SessionStart', source: 'startup' }),
      env: { HOME: home, CLAIMBOARD_BOARD: board, CLAUDE_PROJECT_DIR: project, ...env },
    });

  it("the plugin's hook steps aside when settings.json has claimboard's hooks, says so, and the command it prints ends that", async () => {
    const install = await runClaimboard(['install-hooks', '--user', '--command', 'claimboard'], { env: { HOME: home, PATH: process.env.PATH ?? '' }, cwd: project });
    assert.equal(install.code, 0, install.stderr);

    const aside = await sessionStart({ [markName]: markValue });
    assert.equal(aside.code, 0, aside.stderr);
    const said = JSON.parse(aside.stdout) as { systemMessage: string };
    assert.match(said.systemMessage, /installed twice, by the claimboard plugin and in .*home\/\.claude\/settings\.json/);
    assert.equal(fs.existsSync(board), false, "the plugin's copy did nothing");

    // The settings hook itself (no mark) runs as always.
    const settingsHook = await sessionStart({});
    assert.match(settingsHook.stdout, /additionalContext/);
    assert.equal(new ClaimService({ boardPath: board }).status().sessions.length, 1);

    // The fix, run exactly as printed; then the plugin's hook does the work.
    const fix = must(/`(claimboard uninstall-hooks --user)`/.exec(said.systemMessage)?.[1], 'the printed fix');
    const un = await runClaimboard(fix.split(' ').slice(1), { env: { HOME: home }, cwd: project });
    assert.equal(un.code, 0, un.stderr);
    const now = await sessionStart({ [markName]: markValue });
    assert.match(now.stdout, /additionalContext/);
    assert.doesNotMatch(now.stdout, /installed twice/);
  });

  it("a project's settings hooks count too, and the message names the project command", async () => {
    const install = await runClaimboard(['install-hooks', '--project', '--command', 'claimboard'], { env: { HOME: home, PATH: process.env.PATH ?? '' }, cwd: project });
    assert.equal(install.code, 0, install.stderr);
    const aside = await sessionStart({ [markName]: markValue });
    assert.match(JSON.parse(aside.stdout).systemMessage, /`claimboard uninstall-hooks --project`/);
    const un = await runClaimboard(['uninstall-hooks', '--project'], { env: { HOME: home }, cwd: project });
    assert.equal(un.code, 0, un.stderr);
    assert.match((await sessionStart({ [markName]: markValue })).stdout, /additionalContext/);
  });

  it('install-hooks refuses while the claimboard plugin is enabled, changing nothing', async () => {
    const settings = path.join(home, '.claude', 'settings.json');
    const text = JSON.stringify({ enabledPlugins: { 'claimboard@claimboard': true, 'other@x': true } }, null, 2);
    fs.writeFileSync(settings, text);
    const r = await runClaimboard(['install-hooks', '--project'], { env: { HOME: home }, cwd: project });
    assert.equal(r.code, 2);
    assert.match(
      r.stderr,
      /^claimboard: the claimboard plugin is enabled \(claimboard@claimboard in .*settings\.json\).*run each hook twice\. Nothing changed\. .*claude plugin disable claimboard@claimboard\n$/,
    );
    assert.equal(fs.readFileSync(settings, 'utf8'), text);
    assert.equal(fs.existsSync(path.join(project, '.claude', 'settings.json')), false);
    // Disabled, it installs.
    fs.writeFileSync(settings, JSON.stringify({ enabledPlugins: { 'claimboard@claimboard': false } }));
    const ok = await runClaimboard(['install-hooks', '--user', '--command', 'claimboard'], { env: { HOME: home, PATH: process.env.PATH ?? '' }, cwd: project });
    assert.equal(ok.code, 0, ok.stderr);
  });

  it("warns when the hooks name this machine's paths (worse in a project's settings), and when --command is not on PATH", async () => {
    const proj = await runClaimboard(['install-hooks', '--project'], { env: { HOME: home }, cwd: project });
    assert.equal(proj.code, 0, proj.stderr);
    assert.match(
      proj.stderr,
      /warning: the hooks will run .*cli\.js: paths on this machine\. Moving the checkout or changing Node disables every guard, and .*shop\/\.claude\/settings\.json is usually committed/,
    );
    assert.match(proj.stderr, /Use --command claimboard/);

    const bin = path.join(dir, 'bin');
    fs.mkdirSync(bin);
    fs.writeFileSync(path.join(bin, 'claimboard'), '#!/bin/sh\n', { mode: 0o755 });
    const portable = await runClaimboard(['install-hooks', '--user', '--command', 'claimboard'], { env: { HOME: home, PATH: `${bin}:/usr/bin:/bin` }, cwd: project });
    assert.equal(portable.code, 0, portable.stderr);
    assert.equal(portable.stderr, '', 'claimboard on PATH: nothing to warn about');
    const missing = await runClaimboard(['install-hooks', '--user', '--command', 'claimboard'], { env: { HOME: home, PATH: '/usr/bin:/bin' }, cwd: project });
    assert.match(missing.stderr, /warning: claimboard is not on PATH here/);
  });
});
