/**
 * What a key means, through the real CLI and hook processes: brace patterns cannot stall or
 * crash another session's check, patterns and texts past their limits are refused (exit 2),
 * every adapter reads `infra:` keys and hand-written claim lines alike, folder conflicts name
 * the path inside, new files are keyed by their repository, and the deny hint reads back as the
 * same key from any folder.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cleanEnv, runCli, tempDir } from '../support/cli';
import { must } from '../../src/core/errors';

interface Fx {
  dir: string;
  repo: string;
  board: string;
}

function fixture(repoName = 'repo'): Fx {
  const dir = fs.realpathSync(tempDir('cb-match-'));
  const repo = path.join(dir, repoName);
  fs.mkdirSync(path.join(repo, 'src'), { recursive: true });
  fs.mkdirSync(path.join(repo, 'docs'), { recursive: true });
  execFileSync('git', ['init', '-q'], { cwd: repo });
  fs.writeFileSync(path.join(repo, 'src', 'a.ts'), 'a\n');
  fs.writeFileSync(path.join(repo, 'docs', 'readme.md'), 'r\n');
  return { dir, repo, board: path.join(dir, 'board.md') };
}

function boardWith(f: Fx, claimLines: string[]): void {
  fs.writeFileSync(
    f.board,
    ['# Claude Session Coordination Board', '', `Last updated: ${new Date().toISOString()}`, '', '## Active claims', '', ...claimLines, '', '## Recent releases', '', '## Pinned notes', ''].join('\n'),
  );
}

/** A claim line a person could have written, live for an hour. */
function handLine(session: string, p: string): string {
  const until = new Date(Date.now() + 3_600_000).toISOString();
  return `- ${session} (started 10:00) — ${p} — eta ? — lease until ${until}`;
}

function cli(f: Fx, session: string, args: string[], cwd = f.repo, extraEnv: NodeJS.ProcessEnv = {}) {
  return runCli(['--board', f.board, ...args], { cwd, env: cleanEnv({ CLAIMBOARD_SESSION: session, ...extraEnv }), timeoutMs: 60_000 });
}

function editPayload(f: Fx, file: string, sessionId = 'uuid-b') {
  return JSON.stringify({
    session_id: sessionId,
    transcript_path: path.join(f.dir, 't.jsonl'),
    cwd: f.repo,
    permission_mode: 'acceptEdits',
    hook_event_name: 'PreToolUse',
    tool_name: 'Edit',
    tool_input: { file_path: file, old_string: 'a', new_string: 'b' },
    tool_use_id: 'toolu_1',
  });
}

function denied(stdout: string): string | undefined {
  if (!stdout.trim()) return undefined;
  const out = JSON.parse(stdout) as { hookSpecificOutput?: { permissionDecision?: string; permissionDecisionReason?: string } };
  return out.hookSpecificOutput?.permissionDecision === 'deny' ? out.hookSpecificOutput.permissionDecisionReason : undefined;
}

/** 16 MB over V8's own needs would already be generous; a bomb needs gigabytes. */
const BOUNDED = { NODE_OPTIONS: '--max-old-space-size=96' };

describe('what a key means, through the CLI and the hooks', function () {
  this.timeout(120_000);

  it("a brace pattern with 22 groups neither stalls nor crashes another session's check and hook; claiming one is refused (exit 2)", async () => {
    const f = fixture();
    const bomb = `repo/src/${'{a,b}'.repeat(22)}`;
    const refused = await cli(f, 'session-a', ['claim', bomb]);
    assert.equal(refused.code, 2, refused.stderr);
    assert.match(refused.stderr, /22 brace groups \(at most 8\)/);
    assert.equal(fs.existsSync(f.board), false, 'nothing written');
    // Written by hand, the pattern still protects what it names (everything under repo/src) at no cost.
    boardWith(f, [handLine('session-a', bomb)]);
    const check = await cli(f, 'session-b', ['check', 'src/a.ts'], f.repo, BOUNDED);
    assert.equal(check.signal, null, 'not killed by the time bound');
    assert.equal(check.code, 3, check.stderr);
    const hook = await runCli(['--board', f.board, 'hook', 'pre-tool-use'], { cwd: f.repo, env: cleanEnv(BOUNDED), input: editPayload(f, path.join(f.repo, 'src', 'a.ts')), timeoutMs: 60_000 });
    assert.equal(hook.code, 0, hook.stderr);
    assert.match(denied(hook.stdout) ?? '', /is claimed by session-a/);
    // 8 groups is within the limit: granted, enforced exactly, and still cheap for the others.
    const wide = `repo/src/${'{a,b}'.repeat(8)}`;
    assert.equal((await cli(f, 'session-a', ['claim', wide])).code, 0);
    const other = await cli(f, 'session-b', ['check', 'docs/readme.md'], f.repo, BOUNDED);
    assert.equal(other.code, 0, other.stderr);
    // A stepped range would be written out value by value: past 1,000 values it is refused.
    const range = await cli(f, 'session-a', ['check', 'repo/{1..100000000..3}']);
    assert.equal(range.code, 2);
    assert.match(range.stderr, /spans 33333334 values \(at most 1000\)/);
  });

  it('a range of 1,000 held blocks its 500th path in claim, hook and git guard', async () => {
    const f = fixture();
    fs.mkdirSync(path.join(f.repo, 'n'));
    fs.writeFileSync(path.join(f.repo, 'n', '500'), 'x');
    assert.equal((await cli(f, 'session-a', ['claim', 'repo/n/{1..1000}'])).code, 0);
    assert.equal((await cli(f, 'session-b', ['claim', 'n/500'])).code, 3);
    assert.equal((await cli(f, 'session-b', ['check', 'n/1001'])).code, 0, 'outside the range');
    const hook = await runCli(['--board', f.board, 'hook', 'pre-tool-use'], { cwd: f.repo, env: cleanEnv(), input: editPayload(f, path.join(f.repo, 'n', '500')) });
    assert.match(denied(hook.stdout) ?? '', /claim: repo\/n\/\{1\.\.1000\}/);
    const git = (args: string[]) => execFileSync('git', ['-c', 'user.email=t@t', '-c', 'user.name=t', ...args], { cwd: f.repo });
    git(['add', 'n/500']);
    const guard = await cli(f, 'session-b', ['guard']);
    assert.equal(guard.code, 3, guard.stderr);
    assert.match(guard.stderr, /repo\/n\/500 is held by session-a/);
  });

  it('an empty or blank path is bad input (exit 2), never the whole repository', async () => {
    const f = fixture();
    for (const arg of ['', '   ']) {
      for (const cmd of ['claim', 'check', 'release']) {
        const r = await cli(f, 'session-a', [cmd, arg]);
        assert.equal(r.code, 2, `${cmd} '${arg}': ${r.stderr}`);
        assert.match(r.stderr, /path is empty/);
      }
    }
    assert.equal(fs.existsSync(f.board), false, 'nothing written');
  });

  it('paths, reasons, pinned notes and patterns past their documented length are refused (exit 2), nothing written', async () => {
    const f = fixture();
    assert.equal((await cli(f, 'session-a', ['claim', 'src/a.ts'])).code, 0);
    const before = fs.readFileSync(f.board, 'utf8');
    const huge = 'x'.repeat(120 * 1024);
    for (const args of [
      ['start', '--task', huge],
      ['claim', `repo/${huge}`],
      ['claim', 'src/a.ts', '--reason', huge],
      ['note', 'add', huge],
    ]) {
      const r = await cli(f, 'session-a', args);
      assert.equal(r.code, 2, `${args[0]}: ${r.stderr}`);
      assert.match(r.stderr, /characters long \(at most \d+\)/);
      assert.ok(r.stderr.length < 400, 'the error is one short line');
    }
    assert.equal(fs.readFileSync(f.board, 'utf8'), before);
  });

  it('infra: keys are one key in any case, for the CLI and the hook guard alike', async () => {
    const f = fixture();
    assert.equal((await cli(f, 'session-a', ['claim', 'infra:Homelab-Prod'])).code, 0);
    assert.equal((await cli(f, 'session-b', ['claim', 'infra:homelab-prod'])).code, 3);
    assert.equal((await cli(f, 'session-b', ['check', 'INFRA:HOMELAB-PROD'])).code, 3);
    // The holder's own claim in another case is the same claim: renewed, not doubled.
    assert.equal((await cli(f, 'session-a', ['claim', 'infra:homelab-prod'])).code, 0);
    assert.equal(fs.readFileSync(f.board, 'utf8').match(/infra:/gi)?.length, 1);
    assert.equal((await cli(f, 'session-a', ['release', 'INFRA:homelab-PROD'])).code, 0);
    assert.equal((await cli(f, 'session-b', ['check', 'infra:homelab-prod'])).code, 0);
  });

  it('a hand-written claim protects what the person obviously meant, and an unreadable one is a problem with its line', async () => {
    const f = fixture('app');
    fs.writeFileSync(path.join(f.repo, 'src', 'b.ts'), 'b\n');
    const lines = [
      handLine('s1', '`app/src/a.ts`'),
      handLine('s2', './app/docs/readme.md'),
      handLine('s3', `${path.join(f.repo, 'src', 'c.ts')}`),
      handLine('s4', 'app/src/d.ts (main file)'),
      handLine('s5', 'app/src/e.ts, app/src/f.ts'),
      handLine('s6', 'APP/src/g.ts'),
      `1. s7 (started 10:00) — app/src/h.ts — eta ? — lease until ${new Date(Date.now() + 3_600_000).toISOString()}`,
      handLine('s8', '`app/src/i.ts'),
    ];
    boardWith(f, lines);
    const text = fs.readFileSync(f.board, 'utf8');
    const held: Record<string, string> = { 'src/a.ts': 's1', 'docs/readme.md': 's2', 'src/c.ts': 's3', 'src/d.ts': 's4', 'src/e.ts': 's5', 'src/f.ts': 's5', 'src/g.ts': 's6', 'src/h.ts': 's7' };
    for (const [file, holder] of Object.entries(held)) {
      const r = await cli(f, 'session-z', ['check', file]);
      assert.equal(r.code, 3, `${file} is held by ${holder}: ${r.stdout}${r.stderr}`);
      assert.match(r.stderr, new RegExp(`held by ${holder}`));
    }
    const status = await cli(f, 'session-z', ['status', '--json']);
    const problems = (JSON.parse(status.stdout) as { problems: { line: number; message: string }[] }).problems;
    assert.deepEqual(
      problems.map((p) => p.line),
      [14],
    );
    assert.match(must(problems[0], 'the problem').message, /unmatched backtick/);
    assert.equal(fs.readFileSync(f.board, 'utf8'), text, 'reading never rewrites the board');
  });

  it('checking a folder when a file inside it is held names that file', async () => {
    const f = fixture();
    assert.equal((await cli(f, 'session-b', ['claim', 'docs/readme.md'])).code, 0);
    const r = await cli(f, 'session-a', ['check', 'docs']);
    assert.equal(r.code, 3);
    assert.match(r.stderr, /repo\/docs\/readme\.md, inside repo\/docs, is held by session-b/);
    const json = await cli(f, 'session-a', ['check', 'docs', '--json']);
    assert.equal((JSON.parse(json.stdout) as { conflicts: { relation: string }[] }).conflicts[0]?.relation, 'inside');
  });

  it('a file not created yet inside a repository is keyed by the repository; a key with no repository prefix is warned about', async () => {
    const f = fixture();
    const made = await cli(f, 'session-a', ['claim', 'newfile.ts'], path.join(f.repo, 'src'));
    assert.equal(made.code, 0, made.stderr);
    assert.match(made.stdout, /repo\/src\/newfile\.ts/);
    assert.equal((await cli(f, 'session-b', ['check', path.join(f.repo, 'src', 'newfile.ts')], f.dir)).code, 3);
    const loose = await cli(f, 'session-a', ['claim', 'other.ts'], f.dir);
    assert.equal(loose.code, 0);
    assert.match(loose.stderr, /warning: other\.ts is not a path here and has no repository prefix/);
  });

  it("the deny hint's command, run from the repository and from its folder of the same name, waits for the held file", async () => {
    const f = fixture('pyproj');
    fs.mkdirSync(path.join(f.repo, 'pyproj'));
    const file = path.join(f.repo, 'pyproj', 'core.py');
    fs.writeFileSync(file, 'x\n');
    assert.equal((await cli(f, 'session-a', ['claim', 'pyproj/core.py', '--ttl', '10m'])).code, 0);
    const hook = await runCli(['--board', f.board, 'hook', 'pre-tool-use'], { cwd: f.repo, env: cleanEnv(), input: editPayload(f, file) });
    const reason = denied(hook.stdout) ?? '';
    const cmd = /`claimboard (claim [^`]*--wait 30m)`/.exec(reason)?.[1];
    assert.ok(cmd, reason);
    // Run exactly as printed (with a short wait): from both folders it is refused, never granted on another key.
    for (const cwd of [f.repo, path.join(f.repo, 'pyproj'), f.dir]) {
      const args = cmd.replace('--wait 30m', '--wait 1s').split(' ');
      const r = await cli(f, 'session-b', args, cwd);
      assert.equal(r.code, 3, `from ${cwd}: ${r.stdout}${r.stderr}`);
      assert.match(r.stderr, /pyproj\/pyproj\/core\.py is held by session-a/);
    }
  });
});
