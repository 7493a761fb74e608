/** Per-command help, unknown options, duration messages and `--json`, as a person meets them. */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Command } from '../../src/cli/command';
import { GLOBAL_OPTIONS } from '../../src/cli/help';
import { ROOT, cleanEnv, runCli, tempDir } from '../support/cli';

interface Result {
  code: number | null;
  out: string;
  err: string;
}

/** The built CLI as a person runs it, in a terminal of `columns` (80 unless told). */
async function cli(argv: string[], env: NodeJS.ProcessEnv = {}, cwd = process.cwd()): Promise<Result> {
  const r = await runCli(argv, { cwd, env: cleanEnv({ COLUMNS: '80', ...env }) });
  return { code: r.code, out: r.stdout.replace(/\n$/, ''), err: r.stderr.replace(/\n$/, '') };
}

/** Every command of the table, read from its own file. */
function loadCommands(): Record<string, Command> {
  const dir = path.join(ROOT, 'src', 'cli', 'commands');
  const commands: Record<string, Command> = {};
  for (const f of fs.readdirSync(dir)) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    for (const v of Object.values(require(path.join(dir, f)) as Record<string, unknown>)) {
      const c = v as Partial<Command>;
      if (c && typeof c === 'object' && typeof c.name === 'string' && typeof c.run === 'function') commands[c.name] = c as Command;
    }
  }
  return commands;
}
const COMMANDS = loadCommands();

/** The `--options` a block of help text names. */
function optionsNamed(text: string): Set<string> {
  return new Set([...text.matchAll(/(?<![\w-])--([a-z][\w-]*)/g)].map((m) => m[1] ?? ''));
}

describe('CLI help and messages (CLI)', function () {
  this.timeout(60_000);
  let dir: string;
  beforeEach(() => {
    dir = fs.realpathSync(tempDir());
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  for (const name of Object.keys(COMMANDS)) {
    it(`${name} --help lists exactly the options ${name} accepts, each with its default and examples`, async () => {
      const command = COMMANDS[name]!;
      const r = await cli([name, '--help']);
      assert.equal(r.code, 0, r.err);
      if (name === 'claim') assert.equal((await cli(['help', name])).out, r.out, 'help <command> is the same text');
      const [, optionsPart = ''] = r.out.split('\nOptions:\n');
      const [ownOptions = '', globalPart = ''] = optionsPart.split('\nGlobal options:\n');
      const own = Object.keys(command.options ?? {});
      assert.deepEqual([...optionsNamed(command.options ? ownOptions : '')].sort(), own.sort());
      const globals = (command.options ? globalPart : (r.out.split('\nGlobal options:\n')[1] ?? '')).split('\nExamples:\n')[0] ?? '';
      assert.deepEqual([...optionsNamed(globals)].sort(), Object.keys(GLOBAL_OPTIONS).sort());
      // What the usage line shows must be accepted: typed as shown, no option is refused.
      for (const o of optionsNamed(command.usage)) assert.ok(own.includes(o) || o in GLOBAL_OPTIONS, `usage shows --${o}`);
      for (const [o, d] of Object.entries(command.options ?? {})) {
        if (d.default !== undefined) assert.match(r.out, new RegExp(`\\(default:\\s+${d.default.replace(/[$.*?()[\]\\]/g, '\\$&').replace(/ /g, '\\s+')}\\)`), `--${o}'s default`);
      }
      if (command.options) assert.ok(command.examples.length > 0 && r.out.includes('\nExamples:\n'), 'examples');
    });
  }

  it('help wraps to the terminal width', async () => {
    for (const columns of [50, 100]) {
      for (const argv of [['claim', '--help'], ['--help']]) {
        const lines = (await cli(argv, { COLUMNS: String(columns) })).out.split('\n');
        const long = lines.filter((l) => l.length > columns && /\s\S/.test(l.trim()));
        assert.deepEqual(long, [], `width ${columns}`);
        if (columns === 100)
          assert.ok(
            lines.some((l) => l.length > 50),
            'uses the width it has',
          );
      }
    }
  });

  it('every example in every help runs as printed without a usage error', async function () {
    // About 30 real processes in a row: a minute or two on a busy machine.
    this.timeout(180_000);
    spawnSync('git', ['init', '-q', dir]);
    const env = { HOME: dir, CLAIMBOARD_BOARD: path.join(dir, 'board.md'), CLAIMBOARD_SESSION: 'session-a', PATH: process.env.PATH };
    // Claims before releases, the session's end last: each example finds what it acts on.
    const order = (c: Command) => (c.name === 'claim' ? 0 : c.name === 'end' ? 2 : 1);
    for (const command of Object.values(COMMANDS).sort((a, b) => order(a) - order(b))) {
      for (const example of command.examples) {
        const argv = [...example.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2] ?? '');
        // Servers that run until stopped: their own tests run them (test/unit/mcp.test.ts, cli-status.test.ts).
        if (command.name === 'mcp' || example.includes('--watch')) continue;
        const r = await cli(argv, env, dir);
        assert.doesNotMatch(r.err, /unknown option|needs a value|takes no value|^claimboard: bad |usage:/m, example);
        if (!['ask', 'mattermost', 'listen'].includes(command.name)) assert.equal(r.code, 0, `${example}: ${r.err}`);
      }
    }
  });

  it('an unknown option is one error line with a hint, exit 2, nothing written', async () => {
    const board = path.join(dir, 'board.md');
    let r = await cli(['-v']);
    assert.equal(r.code, 2);
    assert.equal(r.out, '');
    assert.equal(r.err, 'claimboard: unknown option -v (did you mean --version?): run claimboard --help');
    r = await cli(['--board', board, '--session', 'me', 'claim', 'repo/a', '--forse']);
    assert.equal(r.code, 2);
    assert.equal(r.err, 'claimboard: unknown option --forse for claim (did you mean --force?): run claimboard claim --help');
    r = await cli(['--board', board, '--session', 'me', 'claim', 'repo/a', '--eta']);
    assert.equal(r.err, 'claimboard: option --eta needs a value: run claimboard claim --help');
    assert.equal(fs.existsSync(board), false);
    r = await cli(['help', 'frobnicate']);
    assert.equal(r.code, 2);
    assert.match(r.err, /unknown command "frobnicate"/);
  });

  it('a refused duration or ETA names every accepted form', async () => {
    const board = path.join(dir, 'board.md');
    for (const [option, value] of [
      ['--eta', '5'],
      ['--eta', 'soonish'],
      ['--eta', '5x'],
      ['--ttl', 'x'],
      ['--wait', '5'],
    ] as const) {
      const r = await cli(['--board', board, '--session', 'me', 'claim', 'repo/a', option, value]);
      assert.equal(r.code, 2, r.err);
      for (const form of ['90s', '30m', '1h30m', '2h', '1d']) assert.ok(r.err.includes(form), `${option} ${value}: ${r.err} names ${form}`);
      if (option === '--eta') for (const form of ['HH:MM', 'ISO 8601']) assert.ok(r.err.includes(form), `${r.err} names ${form}`);
    }
    assert.equal(fs.existsSync(board), false);
  });

  it('--json is the same two-space indented JSON from every command', async () => {
    spawnSync('git', ['init', '-q', dir]);
    const env = { HOME: dir, CLAIMBOARD_BOARD: path.join(dir, 'board.md'), CLAIMBOARD_SESSION: 'session-a', PATH: process.env.PATH };
    const runs = [
      ['start', '--repo', 'r'],
      ['claim', 'repo/a'],
      ['check', 'repo/b'],
      ['renew'],
      ['note', 'add', 'hello'],
      ['status'],
      ['note', 'remove', '1'],
      ['release', 'repo/a'],
      ['prune'],
      ['recap'],
      ['flush'],
      ['end'],
      ['install-hooks', '--dry-run', '--command', 'claimboard'],
      ['install-git-hook'],
      ['install-git-hook', '--uninstall'],
      ['store', 'status'],
    ];
    const covered = new Set(runs.map((a) => a[0]));
    for (const name of Object.keys(COMMANDS)) {
      // hook and mcp answer Claude Code in its own protocol, completion prints a shell script; ask and
      // mattermost and listen need a server (their --json goes through the same outJson); guard only refuses, on stderr.
      if (!['hook', 'mcp', 'completion', 'guard', 'ask', 'mattermost', 'listen', 'uninstall-hooks'].includes(name)) assert.ok(covered.has(name), `${name} is checked`);
    }
    for (const argv of runs) {
      const r = await cli(['--json', ...argv], env, dir);
      assert.equal(r.code, 0, `${argv.join(' ')}: ${r.err}`);
      assert.equal(r.out, JSON.stringify(JSON.parse(r.out), null, 2), argv.join(' '));
    }
  });
});
