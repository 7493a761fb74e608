import * as assert from 'node:assert/strict';
import { formatSettings, installHooks, ownHookEvent, uninstallHooks } from '../../src/claude/hook-settings';
import { must } from '../../src/core/errors';

const existing = {
  model: 'opus',
  permissions: { allow: ['Bash(npm test)'] },
  hooks: {
    PreToolUse: [{ matcher: 'Bash', hooks: [{ type: 'command', command: 'my-linter --check', timeout: 3 }] }],
    Stop: [{ hooks: [{ type: 'command', command: 'notify-send done' }] }],
  },
  env: { FOO: '1' },
};

describe('hook settings (install-hooks / uninstall-hooks)', () => {
  it('adds the six hooks, keeping every other key and hook', () => {
    const { settings, changes } = installHooks(existing, 'claimboard');
    assert.equal(changes.length, 6);
    assert.ok(changes.every((c) => c.startsWith('+ ')));
    const s = settings as typeof existing & { hooks: Record<string, { matcher?: string; hooks: { command: string }[] }[]> };
    assert.equal(s.model, 'opus');
    assert.deepEqual(s.permissions, existing.permissions);
    assert.deepEqual(s.env, existing.env);
    assert.deepEqual(s.hooks.Stop, existing.hooks.Stop);
    assert.deepEqual(s.hooks.PreToolUse[0], existing.hooks.PreToolUse[0], 'the other PreToolUse hook is untouched and first');
    assert.equal(s.hooks.PreToolUse[1]?.matcher, 'Edit|Write|MultiEdit|NotebookEdit|Bash');
    assert.equal(s.hooks.PreToolUse[1]?.hooks[0]?.command, 'claimboard hook pre-tool-use');
    assert.equal(s.hooks.SessionStart?.[0]?.hooks[0]?.command, 'claimboard hook session-start');
    const sessionStart = must(s.hooks.SessionStart?.[0], 'the SessionStart hook');
    assert.equal(sessionStart.matcher, undefined, 'every SessionStart source');
    assert.ok(s.hooks.SessionEnd && s.hooks.UserPromptSubmit && s.hooks.PostToolUse);
    // Claude Code waits for the person: the delayed "needs you" starts here (every notification type).
    assert.deepEqual(s.hooks.Notification, [{ hooks: [{ type: 'command', command: 'claimboard hook notification', timeout: 10 }] }]);
    assert.equal(existing.hooks.PreToolUse.length, 1, 'the input object is not mutated');
  });

  it('is idempotent: a second install changes nothing', () => {
    const once = installHooks(existing, 'claimboard').settings;
    const twice = installHooks(once, 'claimboard');
    assert.deepEqual(twice.changes, []);
    assert.equal(formatSettings(twice.settings), formatSettings(once));
  });

  it('updates its own hooks in place when the command changes, never duplicating them', () => {
    const once = installHooks(existing, 'claimboard').settings;
    const moved = installHooks(once, '"/usr/bin/node" "/opt/cb/dist/cli.js"');
    assert.equal(moved.changes.length, 6);
    assert.ok(moved.changes.every((c) => c.startsWith('~ ')));
    const text = formatSettings(moved.settings);
    assert.equal(text.match(/hook pre-tool-use/g)?.length, 1);
    assert.match(text, /cli\.js\\" hook session-start/);
  });

  it('uninstall removes exactly what install added', () => {
    const installed = installHooks(existing, 'claimboard').settings;
    const { settings, changes } = uninstallHooks(installed);
    assert.equal(changes.length, 6);
    assert.equal(formatSettings(settings), formatSettings(existing));
    assert.deepEqual(uninstallHooks(settings).changes, [], 'a second uninstall changes nothing');
  });

  it('uninstall keeps other hooks that share a group with ours', () => {
    const shared = {
      hooks: {
        SessionEnd: [
          {
            hooks: [
              { type: 'command', command: 'echo bye' },
              { type: 'command', command: 'claimboard hook session-end' },
            ],
          },
        ],
      },
    };
    const { settings } = uninstallHooks(shared);
    assert.deepEqual(settings, { hooks: { SessionEnd: [{ hooks: [{ type: 'command', command: 'echo bye' }] }] } });
  });

  it('from nothing: install then uninstall gives back an empty object', () => {
    const { settings } = installHooks(undefined, 'claimboard');
    assert.deepEqual(uninstallHooks(settings).settings, {});
  });

  it('refuses settings it cannot edit safely, with a one-line reason', () => {
    assert.throws(() => installHooks([], 'claimboard'), /must hold a JSON object/);
    assert.throws(() => installHooks({ hooks: [] }, 'claimboard'), /"hooks" in settings.json must be an object/);
    assert.throws(() => installHooks({ hooks: { PreToolUse: {} } }, 'claimboard'), /"hooks.PreToolUse" .* must be an array/);
  });

  it('carries a board given at install time in each command, and still recognises it', () => {
    const { settings } = installHooks({}, 'claimboard', { board: "/tmp/my board's.md" });
    const text = formatSettings(settings);
    assert.match(text, /claimboard hook pre-tool-use --board '\/tmp\/my board'\\\\''s\.md'/);
    assert.deepEqual(installHooks(settings, 'claimboard', { board: "/tmp/my board's.md" }).changes, []);
    assert.equal(uninstallHooks(settings).changes.length, 6);
    assert.equal(installHooks(settings, 'claimboard').changes.length, 6, 'dropping --board updates the six hooks in place');
  });

  it('recognises its own commands only', () => {
    assert.equal(ownHookEvent('claimboard hook pre-tool-use'), 'pre-tool-use');
    assert.equal(ownHookEvent('"/usr/bin/node" "/x/dist/cli.js" hook session-end'), 'session-end');
    assert.equal(ownHookEvent('/usr/local/bin/claimboard hook post-tool-use'), 'post-tool-use');
    assert.equal(ownHookEvent('my-claimboard-wrapper hook pre-tool-use'), undefined);
    assert.equal(ownHookEvent('claimboard hook pre-tool-use && rm -rf /'), undefined);
    assert.equal(ownHookEvent(42), undefined);
  });
});
