/** `claimboard completion <shell>`: sourced into a real bash, it completes commands, options and words. */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cleanEnv, runCli, tempDir } from '../support/cli';

describe('shell completion (CLI)', function () {
  this.timeout(60_000);
  let dir: string;
  beforeEach(() => {
    dir = fs.realpathSync(tempDir());
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('bash: complete -p after sourcing, then commands, options, option values and words', async () => {
    const r = await runCli(['completion', 'bash'], { cwd: dir, env: cleanEnv() });
    assert.equal(r.code, 0, r.stderr);
    const script = path.join(dir, 'claimboard.bash');
    fs.writeFileSync(script, r.stdout);
    fs.writeFileSync(path.join(dir, 'notes.md'), '');
    // What bash asks the function for when Tab is pressed after these words.
    const complete = (...words: string[]) => {
      const quoted = words.map((w) => `'${w}'`).join(' ');
      const b = spawnSync('bash', ['--norc', '-c', `source '${script}'; COMP_WORDS=(${quoted}); COMP_CWORD=${words.length - 1}; _claimboard; printf '%s\\n' "\${COMPREPLY[@]}"`], {
        cwd: dir,
        encoding: 'utf8',
      });
      assert.equal(b.status, 0, b.stderr);
      return b.stdout.split('\n').filter(Boolean).sort();
    };
    const p = spawnSync('bash', ['--norc', '-c', `source '${script}'; complete -p claimboard`], { encoding: 'utf8' });
    assert.equal(p.stdout.trim(), 'complete -o filenames -F _claimboard claimboard', p.stderr);
    assert.deepEqual(complete('claimboard', 'cl'), ['claim']);
    assert.deepEqual(complete('claimboard', '--board', 'b.md', 'sta'), ['start', 'status']);
    assert.deepEqual(complete('claimboard', 'claim', '--e'), ['--eta']);
    assert.ok(complete('claimboard', 'claim', '--').includes('--wait'));
    assert.ok(complete('claimboard', 'status', '--').includes('--watch'));
    assert.deepEqual(complete('claimboard', 'claim', 'x', '--eta', ''), [], 'an ETA is typed, not a file');
    assert.deepEqual(complete('claimboard', 'claim', 'no'), ['notes.md'], 'paths complete as files');
    assert.deepEqual(complete('claimboard', 'note', ''), ['add', 'remove']);
    assert.deepEqual(complete('claimboard', 'completion', ''), ['bash', 'fish', 'zsh']);
    assert.deepEqual(complete('claimboard', 'hook', 'session-'), ['session-end', 'session-start']);
    assert.deepEqual(complete('claimboard', 'help', 'install-'), ['install-git-hook', 'install-hooks']);
  });

  it('zsh and fish scripts name every command; an unknown shell is exit 2 naming the shells', async () => {
    const zsh = await runCli(['completion', 'zsh'], { cwd: dir, env: cleanEnv() });
    assert.equal(zsh.code, 0, zsh.stderr);
    assert.match(zsh.stdout, /bashcompinit/);
    const fish = await runCli(['completion', 'fish'], { cwd: dir, env: cleanEnv() });
    assert.equal(fish.code, 0, fish.stderr);
    for (const c of ['status', 'claim', 'release', 'completion']) assert.match(fish.stdout, new RegExp(`-a ${c} -d `));
    assert.match(fish.stdout, /__fish_seen_subcommand_from claim" -l eta -x -d /);
    const bad = await runCli(['completion', 'tcsh'], { cwd: dir, env: cleanEnv() });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /^claimboard: completion needs one shell: bash, zsh, fish/);
  });
});
