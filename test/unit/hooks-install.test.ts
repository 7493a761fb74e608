/** `claimboard install-hooks` / `uninstall-hooks` on real settings files, through the CLI process. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runClaimboard } from '../support/model-server';

const existing = {
  model: 'opus',
  permissions: { allow: ['Bash(npm test)'], deny: [] },
  hooks: {
    PreToolUse: [{ matcher: 'Bash', hooks: [{ type: 'command', command: 'my-linter --check', timeout: 3 }] }],
    Notification: [{ hooks: [{ type: 'command', command: 'notify-send claude' }] }],
  },
  statusLine: { type: 'command', command: 'echo hi' },
};

describe('install-hooks / uninstall-hooks (CLI)', function () {
  this.timeout(30_000);

  it('--user: adds the hooks to an existing settings.json, keeps everything else, backs up, is idempotent, uninstalls exactly', async () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'cb-install-'));
    const file = path.join(home, '.claude/settings.json');
    fs.mkdirSync(path.dirname(file));
    const original = JSON.stringify(existing, null, 4);
    fs.writeFileSync(file, original);
    const env = { HOME: home };

    const dry = await runClaimboard(['install-hooks', '--dry-run'], { env, cwd: home });
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stdout, /^would change .*settings\.json:/);
    assert.equal(fs.readFileSync(file, 'utf8'), original, '--dry-run writes nothing');

    const r = await runClaimboard(['install-hooks', '--user'], { env, cwd: home });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /\+ PreToolUse \[Edit\|Write\|MultiEdit\|NotebookEdit\|Bash\] .* hook pre-tool-use/);
    assert.match(r.stdout, /\+ SessionStart .* hook session-start/);
    assert.equal(fs.readFileSync(`${file}.claimboard-backup`, 'utf8'), original);
    const installed = JSON.parse(fs.readFileSync(file, 'utf8'));
    assert.deepEqual(installed.permissions, existing.permissions);
    assert.deepEqual(installed.statusLine, existing.statusLine);
    assert.deepEqual(installed.hooks.Notification[0], existing.hooks.Notification[0], "someone else's Notification hook is kept, first");
    assert.match(installed.hooks.Notification[1].hooks[0].command, / hook notification$/);
    assert.deepEqual(installed.hooks.PreToolUse[0], existing.hooks.PreToolUse[0]);
    assert.equal(Object.keys(installed.hooks).length, 6);

    const text = fs.readFileSync(file, 'utf8');
    const twice = await runClaimboard(['install-hooks'], { env, cwd: home });
    assert.match(twice.stdout, /nothing to change/);
    assert.equal(fs.readFileSync(file, 'utf8'), text, 'second install changes nothing');

    const un = await runClaimboard(['uninstall-hooks'], { env, cwd: home });
    assert.equal(un.code, 0, un.stderr);
    assert.equal(un.stdout.match(/^ {2}- /gm)?.length, 6);
    assert.deepEqual(JSON.parse(fs.readFileSync(file, 'utf8')), existing);
  });

  it('--project writes .claude/settings.json at the repository root; broken JSON is refused with nothing changed', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cb-install-p-'));
    fs.mkdirSync(path.join(dir, '.git'));
    fs.mkdirSync(path.join(dir, 'sub'));
    const r = await runClaimboard(['install-hooks', '--project'], { env: { HOME: dir }, cwd: path.join(dir, 'sub') });
    assert.equal(r.code, 0, r.stderr);
    const file = path.join(dir, '.claude/settings.json');
    assert.ok(JSON.parse(fs.readFileSync(file, 'utf8')).hooks.SessionEnd);

    fs.writeFileSync(file, '{ "hooks": ');
    const bad = await runClaimboard(['install-hooks', '--project'], { env: { HOME: dir }, cwd: dir });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /^claimboard: .*settings\.json is not valid JSON .*nothing changed\n$/);
    assert.equal(fs.readFileSync(file, 'utf8'), '{ "hooks": ');
    const both = await runClaimboard(['install-hooks', '--user', '--project'], { env: { HOME: dir }, cwd: dir });
    assert.equal(both.code, 2);
  });

  it('keeps a 0600 settings file 0600 (and its backup), and writes through a symlinked settings file', async () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'cb-install-mode-'));
    const dotfiles = path.join(home, 'dotfiles');
    fs.mkdirSync(dotfiles);
    fs.mkdirSync(path.join(home, '.claude'));
    const real = path.join(dotfiles, 'claude-settings.json');
    fs.writeFileSync(real, JSON.stringify({ env: { ANTHROPIC_API_KEY: 'sk-secret' } }));
    fs.chmodSync(real, 0o600);
    const link = path.join(home, '.claude/settings.json');
    fs.symlinkSync('../dotfiles/claude-settings.json', link);
    const r = await runClaimboard(['install-hooks', '--user'], { env: { HOME: home }, cwd: home });
    assert.equal(r.code, 0, r.stderr);
    assert.ok(fs.lstatSync(link).isSymbolicLink(), 'the link is still a link');
    assert.match(fs.readFileSync(real, 'utf8'), /hook pre-tool-use/, 'the linked file got the hooks');
    assert.equal(fs.statSync(real).mode & 0o777, 0o600, 'the settings keep their mode');
    assert.equal(fs.statSync(`${link}.claimboard-backup`).mode & 0o777, 0o600, 'the backup is as private as the file');
    const un = await runClaimboard(['uninstall-hooks', '--user'], { env: { HOME: home }, cwd: home });
    assert.equal(un.code, 0, un.stderr);
    assert.ok(fs.lstatSync(link).isSymbolicLink());
    assert.equal(fs.statSync(real).mode & 0o777, 0o600);
  });

  it('writes --board into the hooks even when CLAIMBOARD_BOARD names the same board', async () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'cb-install-board-'));
    const board = path.join(home, 'team', 'board.md');
    const r = await runClaimboard(['--board', board, 'install-hooks', '--user'], { env: { HOME: home, CLAIMBOARD_BOARD: board }, cwd: home });
    assert.equal(r.code, 0, r.stderr);
    const settings = JSON.parse(fs.readFileSync(path.join(home, '.claude/settings.json'), 'utf8'));
    const commands: string[] = Object.values(settings.hooks as Record<string, { hooks: { command: string }[] }[]>).flatMap((groups) => groups.flatMap((g) => g.hooks.map((h) => h.command)));
    assert.ok(commands.length >= 5);
    for (const c of commands) assert.ok(c.includes(`--board ${board}`), c);
  });
});
