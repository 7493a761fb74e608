/**
 * Every `claimboard` command the README shows in a shell block is run here exactly as printed,
 * the way a person pastes it: from inside a repository, with `claimboard` on PATH, against a
 * scratch HOME and board. A command the README shows failing (`echo $?` after it) must fail
 * with the code shown; every other one must succeed.
 */
import { strict as assert } from 'node:assert';
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT, cleanEnv, ensureBuilt, pathWithClaimboard, tempDir } from '../support/cli';
import { must } from '../../src/core/errors';
import { startMattermostServer, type MattermostTestServer } from '../support/mattermost-server';

interface Shown {
  line: number;
  command: string;
  /** The exit code the README shows with `echo $?`, else 0. */
  code: number;
}

/** Commands of the README's shell blocks (```console, ```bash, ```sh) that start with `claimboard`. */
export function readmeCommands(readme: string): Shown[] {
  const shown: Shown[] = [];
  const lines = readme.split('\n');
  let shell = false;
  for (let i = 0; i < lines.length; i++) {
    const line = must(lines[i], 'a README line');
    const fence = /^```(\w*)/.exec(line);
    if (fence) {
      shell = !shell && ['console', 'bash', 'sh', 'shell'].includes(fence[1] ?? '');
      continue;
    }
    if (!shell) continue;
    const m = /^(?:\$ )?(claimboard(?:\s.*)?)$/.exec(line);
    if (!m) continue;
    const command = must(m[1], 'the command')
      .replace(/\s+#.*$/, '')
      .trim();
    // `$ echo $?` and the code on the next line: the README shows this command failing.
    const code = lines[i + 2] === '$ echo $?' ? Number(lines[i + 3]) : lines[i + 1] === '$ echo $?' ? Number(lines[i + 2]) : 0;
    shown.push({ line: i + 1, command, code });
  }
  return shown;
}

function bash(command: string, cwd: string, env: NodeJS.ProcessEnv): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', command], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out }));
  });
}

describe('the README: every claimboard command it shows runs as printed', function () {
  this.timeout(120_000);
  let server: MattermostTestServer;
  let dir: string;

  before(async () => {
    ensureBuilt();
    server = await startMattermostServer();
  });
  after(async () => {
    await server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('finds the commands, and each exits as the README shows', async () => {
    const shown = readmeCommands(fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8'));
    // A README rewritten without shell blocks would make this test vacuous: it must find them.
    assert.ok(shown.length >= 4, `only ${shown.length} commands found in the README`);
    assert.ok(
      shown.some((s) => s.code !== 0),
      'the README shows a refused claim',
    );

    dir = tempDir('cb-readme-');
    const repo = path.join(dir, 'repo');
    fs.mkdirSync(path.join(repo, 'src', 'a'), { recursive: true });
    fs.writeFileSync(path.join(repo, 'src', 'a', 'b.ts'), 'export {};\n');
    execFileSync('git', ['init', '-q'], { cwd: repo });
    const env = cleanEnv({
      PATH: pathWithClaimboard(dir),
      HOME: dir,
      XDG_CONFIG_HOME: path.join(dir, 'config'),
      CLAIMBOARD_BOARD: path.join(dir, 'coordination.md'),
      CLAIMBOARD_MATTERMOST_URL: server.url,
      CLAIMBOARD_MATTERMOST_TOKEN: server.bot.token,
      CLAIMBOARD_MATTERMOST_CHANNEL: 'team/claims',
      CLAIMBOARD_MENTION: 'alice',
    });
    for (const s of shown) {
      const r = await bash(s.command, repo, env);
      assert.equal(r.code, s.code, `README line ${s.line}: \`${s.command}\` exited ${r.code}, the README shows ${s.code}:\n${r.out}`);
    }
  });
});
