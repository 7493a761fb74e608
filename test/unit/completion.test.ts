/**
 * `claimboard completion <shell>`: loaded into a real bash, zsh and fish the way the README says,
 * it completes commands, options and words. zsh and fish are installed when missing, through
 * the one install path of the test suite's system packages (scripts/vscode/setup.ts).
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ensureSystemPackages } from '../../scripts/vscode/setup';
import { ROOT, cleanEnv, pathWithClaimboard, runCli, tempDir } from '../support/cli';

describe('shell completion (CLI)', function () {
  this.timeout(60_000);
  let dir: string;
  before(function () {
    this.timeout(600_000); // a fresh machine: apt-get update and install, once
    ensureSystemPackages(['zsh', 'fish']);
  });
  beforeEach(() => {
    dir = fs.realpathSync(tempDir());
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** A scratch folder with one file and `claimboard` on PATH, as after `npm install -g`. */
  function shellEnv(): NodeJS.ProcessEnv {
    fs.writeFileSync(path.join(dir, 'notes.md'), '');
    return cleanEnv({ PATH: pathWithClaimboard(path.join(dir, '.tools')), HOME: dir, TMPDIR: dir });
  }

  /**
   * Each shell as a person loads it: first the README's line, then the same script from a file
   * (a node start less per Tab). `run` gives the shell's own answer to Tab after these words,
   * one candidate a line (fish adds a tab and the description).
   */
  const shells: { name: 'bash' | 'zsh' | 'fish'; readme: string; helpLine?: RegExp; run(load: string, words: string[], env: NodeJS.ProcessEnv): string[] }[] = [
    {
      name: 'bash',
      readme: 'source <(claimboard completion bash)',
      run(load, words, env) {
        // What bash asks the function for when Tab is pressed after these words.
        const quoted = words.map((w) => `'${w}'`).join(' ');
        const b = spawnSync('bash', ['--norc', '-c', `${load}; COMP_WORDS=(${quoted}); COMP_CWORD=${words.length - 1}; _claimboard; printf '%s\\n' "\${COMPREPLY[@]}"`], {
          cwd: dir,
          env,
          encoding: 'utf8',
        });
        assert.equal(b.status, 0, b.stderr);
        return b.stdout.split('\n').filter(Boolean);
      },
    },
    {
      name: 'zsh',
      readme: 'source <(claimboard completion zsh)',
      run(load, words, env) {
        // What an interactive zsh offers on Tab (test/support/zsh-complete.zsh).
        const z = spawnSync('zsh', ['-f', path.join(ROOT, 'test', 'support', 'zsh-complete.zsh'), load, ...words], { cwd: dir, env, encoding: 'utf8', timeout: 30_000 });
        assert.equal(z.status, 0, `zsh: ${z.stderr}${z.stdout}`);
        return z.stdout.split('\n').filter(Boolean);
      },
    },
    {
      name: 'fish',
      readme: 'claimboard completion fish | source',
      helpLine: /^claim\tclaim paths for this session[^\n]*$/,
      run(load, words, env) {
        const f = spawnSync('fish', ['--no-config', '-c', `${load}; complete -C ${JSON.stringify(words.join(' '))}`], { cwd: dir, env, encoding: 'utf8', timeout: 30_000 });
        assert.equal(f.status, 0, `fish: ${f.stderr}`);
        return f.stdout.split('\n').filter(Boolean);
      },
    },
  ];

  for (const shell of shells) {
    it(`${shell.name}: \`${shell.readme}\`, then Tab completes commands${shell.helpLine ? ' with their help line' : ''}, options, option values and words`, () => {
      const env = shellEnv();
      let load = shell.readme;
      const namesOf = (lines: string[]) => lines.map((l) => l.split('\t')[0] ?? '').sort();
      const names = (...words: string[]) => namesOf(shell.run(load, words, env));
      const first = shell.run(load, ['claimboard', 'cl'], env);
      assert.deepEqual(namesOf(first), ['claim']);
      if (shell.helpLine) assert.match(first.join('\n'), shell.helpLine, 'commands carry their help line');
      const script = path.join(dir, `claimboard.${shell.name}`);
      fs.writeFileSync(script, spawnSync('claimboard', ['completion', shell.name], { env, encoding: 'utf8' }).stdout);
      load = `source ${script}`;
      assert.deepEqual(names('claimboard', '--board', 'b.md', 'sta'), ['start', 'status']);
      assert.deepEqual(names('claimboard', 'claim', '--e'), ['--eta']);
      assert.ok(names('claimboard', 'claim', '--').includes('--wait'));
      assert.ok(names('claimboard', 'status', '--').includes('--watch'));
      assert.deepEqual(names('claimboard', 'claim', 'x', '--eta', ''), [], 'an ETA is typed, not a file');
      assert.deepEqual(names('claimboard', 'claim', 'no'), ['notes.md'], 'paths complete as files');
      assert.deepEqual(names('claimboard', 'note', ''), ['add', 'remove']);
      assert.deepEqual(names('claimboard', 'completion', ''), ['bash', 'fish', 'zsh']);
      assert.deepEqual(names('claimboard', 'hook', 'session-'), ['session-end', 'session-start']);
      assert.deepEqual(names('claimboard', 'help', 'install-'), ['install-git-hook', 'install-hooks']);
    });
  }

  it('bash: sourcing registers the function for `claimboard`, completing file names', () => {
    const p = spawnSync('bash', ['--norc', '-c', 'source <(claimboard completion bash); complete -p claimboard'], { env: shellEnv(), encoding: 'utf8' });
    assert.equal(p.stdout.trim(), 'complete -o filenames -F _claimboard claimboard', p.stderr);
  });

  it('an unknown shell is exit 2 naming the shells', async () => {
    const bad = await runCli(['completion', 'tcsh'], { cwd: dir, env: cleanEnv() });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /^claimboard: completion needs one shell: bash, zsh, fish/);
  });
});
