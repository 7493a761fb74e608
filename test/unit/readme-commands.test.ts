/**
 * Every command the README tells a person to run is run here exactly as printed, the way a
 * person pastes it: from inside a repository, with `claimboard` on PATH, against a scratch HOME
 * and board. That is every `claimboard` line of its shell blocks (a command the README shows
 * failing, `echo $?` after it, must fail with the code shown), and every command given inline
 * in the text (troubleshooting, tables, set-up), in bash (fish for `… | source`). What cannot
 * run here is listed in NOT_HERE with the reason and the test that runs it instead; a command
 * shown in the README that is neither run nor listed fails the test, and so does a stale entry.
 */
import { strict as assert } from 'node:assert';
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ensureSystemPackages } from '../../scripts/vscode/setup';
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

/** The programs whose name starts a command a person types (in a shell block or inline). */
const PROGRAM = /^(?:claimboard|npm|npx|node|git|code|claude|chmod|source|export)(?=\s)/;

/**
 * Every other command the README shows: the shell blocks' lines that are not `claimboard`
 * (`npm ci`, `export …`, `git commit …`), the commands of its ```text blocks (`npm run package`;
 * their other lines are output and synopses), and the commands given inline in the text, a
 * span wrapped over a line break read as one line. Settings (`claimboard.boardPath`), URIs and
 * slash commands are not commands.
 */
export function otherCommands(readme: string): string[] {
  const found: string[] = [];
  const prose: string[] = [];
  let fence: string | undefined;
  for (const line of readme.split('\n')) {
    const open = /^```(\w*)/.exec(line);
    if (open) {
      fence = fence === undefined ? (open[1] ?? '') : undefined;
      continue;
    }
    if (fence === undefined) {
      prose.push(line);
      continue;
    }
    const command = line
      .replace(/^\$ /, '')
      .replace(/\s+#.*$/, '')
      .trim();
    if (['console', 'bash', 'sh', 'shell'].includes(fence) && PROGRAM.test(command) && !command.startsWith('claimboard')) found.push(command);
    if (fence === 'text' && /^(?:npm|code|claude) /.test(command)) found.push(command);
  }
  for (const m of prose.join('\n').matchAll(/(?<!`)`([^`]+)`(?!`)/g)) {
    const command = (m[1] ?? '').replace(/\s*\n\s*/g, ' ').trim();
    if (PROGRAM.test(command)) found.push(command);
  }
  return [...new Set(found)];
}

/** Who runs a command in the README's story ("session-b runs `claimboard ask …`"): its session. */
const STORY_SESSION: Record<string, string> = {
  "claimboard claim 'src/api/**' --eta 45m": 'session-a',
  'claimboard ask "I need the users API for the login fix" --about src/api/users.ts': 'session-b',
  "claimboard release 'src/api/**'": 'session-a',
};

/** Shown in the README but not run here: why, and what runs it instead. */
const NOT_HERE: Record<string, string> = {
  'npm ci': "installs this checkout's dependencies: the first step of CI (.ci/run) and of every worktree",
  'npm pack': 'packaging.test.ts packs the tarball',
  'npm install -g ./claimboard-0.1.0.tgz': 'changes the machine; packaging.test.ts installs the packed tarball with -g into a scratch prefix',
  'npm run package': "npm test's last step (test:vsix) packages the .vsix",
  'code --install-extension out/claimboard.vsix': "needs VS Code's `code`; test:vsix installs the .vsix with code-server --install-extension",
  'npm run plugin': 'plugin-e2e.test.ts builds the plugin',
  'claude plugin marketplace add ./out/claude-plugin': 'needs Claude Code; plugin-e2e.test.ts adds the marketplace in a scratch HOME',
  'claude plugin install claimboard@claimboard --config board_path=$HOME/.claude/hooks/state/coordination.md': 'needs Claude Code; plugin-e2e.test.ts installs from the marketplace in a scratch HOME',
  'claude --plugin-dir out/claude-plugin': 'needs Claude Code and a model; plugin-e2e.test.ts runs the real CLI with --plugin-dir',
  'git commit -m wip': 'shown refused by the guard; git-guard.test.ts commits held paths through the installed hook',
  'git commit': 'a step of the story, not a command to paste; git-guard.test.ts',
  'git checkout --': 'a form the Bash guard reads (docs/hooks.md), not a command to run',
  'git add -A': 'a form the Bash guard reads (docs/hooks.md), not a command to run',
  'claude plugin uninstall claimboard@claimboard': 'needs Claude Code with the plugin installed',
  'code --uninstall-extension claimboard.claimboard': "needs VS Code's `code` with the extension installed",
  'npm uninstall -g claimboard': 'changes the machine (a global uninstall)',
  'npm link': 'changes the machine (a global link); packaging.test.ts installs globally into a scratch prefix',
  'npm ci && npm start': 'npm-start.test.ts runs `npm start` and every command it prints',
  'npm start': 'npm-start.test.ts runs it and every command it prints',
  'npm start -- --shared': 'start-shared.test.ts runs it over the embedded PostgreSQL it starts and stops',
  'npm ci && npm test': 'the whole CI (.ci/run)',
  'npm test': 'the whole CI (.ci/run)',
  'npm run test:unit': 'one half of npm test; CI runs it',
  'npm run test:integration': 'one half of npm test, which holds this test; CI runs it',
  'claimboard store init': 'needs a PostgreSQL server: store-cli.test.ts runs it against a real one',
  'claimboard store hold': 'needs a PostgreSQL server and runs until idle: store-holder.test.ts runs it against a real one',
  'claimboard <command> --help': 'a form (<command>); cli-help.test.ts runs --help and every example of every command',
  'claimboard hook <event>': 'a form (<event>); hooks-cli.test.ts runs every event',
  'claimboard start --repo R --task T': 'a form (R, T); cli-help.test.ts runs the examples of start',
  'claimboard claim P': 'a form (P); the claim lines above run',
  'claimboard ask "QUESTION"': 'a form (QUESTION); voice-ask.test.ts',
  'claimboard ask "QUESTION" --about P': 'a form (QUESTION, P); voice-ask.test.ts',
  'claimboard ask "QUESTION" [--about P] --wait 10m [--json]': 'a form; voice-ask.test.ts waits for answers',
  'claimboard listen [--once]': 'a form; voice-hooks.test.ts',
  'claimboard recap [--since 8h] [--json]': 'a form; recap-window.test.ts',
  'claimboard flush [--retry-failed]': 'a form; both forms run below as printed elsewhere in the README',
  'git config claimboard.repo NAME': 'a form (NAME); `git config claimboard.repo shop` runs',
};

function bash(command: string, cwd: string, env: NodeJS.ProcessEnv): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    // `claimboard completion fish | source` is fish's line; everything else is bash's.
    const shell = / \| source$/.test(command) ? 'fish' : 'bash';
    const child = spawn(shell, ['-c', command], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out }));
  });
}

describe('the README: every command it tells a person to run runs as printed', function () {
  this.timeout(120_000);
  let server: MattermostTestServer;
  let dir: string;

  before(async function () {
    this.timeout(600_000); // a fresh machine: fish installed once
    ensureSystemPackages(['fish']);
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
      // Posts go out within each command: no background delivery outlives the test's folder.
      CLAIMBOARD_ANNOUNCE_INLINE: '1',
    });
    for (const s of shown) {
      const r = await bash(s.command, repo, env);
      assert.equal(r.code, s.code, `README line ${s.line}: \`${s.command}\` exited ${r.code}, the README shows ${s.code}:\n${r.out}`);
    }

    // Then every other command, in the README's order (the troubleshooting ones last).
    const others = otherCommands(fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8'));
    assert.ok(others.includes('claimboard flush --retry-failed'), 'inline commands are found');
    // A person told to make their config file private has one.
    fs.mkdirSync(path.join(dir, '.config', 'claimboard'), { recursive: true });
    fs.writeFileSync(path.join(dir, '.config', 'claimboard', 'config.json'), '{}\n');
    // On a board of their own: the story's claims are not the shell blocks' claims.
    fs.mkdirSync(path.join(dir, 'inline'));
    const inlineEnv = { ...env, CLAIMBOARD_BOARD: path.join(dir, 'inline', 'coordination.md') };
    const ran: string[] = [];
    for (const command of others) {
      if (command in NOT_HERE) continue;
      assert.match(command, /^(?:claimboard|source|chmod|export|git config) /, `\`${command}\` is shown in the README: run it here, or say in NOT_HERE why not`);
      const session = STORY_SESSION[command];
      const r = await bash(command, repo, session ? { ...inlineEnv, CLAIMBOARD_SESSION: session } : inlineEnv);
      assert.equal(r.code, 0, `README: \`${command}\` exited ${r.code}:\n${r.out}`);
      ran.push(command);
    }
    assert.ok(ran.length >= 10, `only ${ran.length} inline commands ran: ${ran.join(', ')}`);
    const stale = Object.keys(NOT_HERE).filter((c) => !others.includes(c));
    assert.deepEqual(stale, [], 'NOT_HERE names commands the README no longer shows');
  });
});
