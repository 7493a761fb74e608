/**
 * Issue 8's attacks on the store, each through the real CLI or hook process: a full disk, an
 * editor's stalled in-place save, a symlinked board, sessions started together, locks that
 * never go stale by their mtime, a dead outbox lock, bytes that are not UTF-8, a hook input too
 * large to read, two machines with one host name; and issue 9's environment errors.
 */
import { strict as assert } from 'node:assert';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import lockfile from 'proper-lockfile';
import { backupPathFor } from '../../src/core/board-store';
import { BoardDocument } from '../../src/core/board-format';
import { formatIsoLocal } from '../../src/core/duration';
import { must } from '../../src/core/errors';
import { Outbox, outboxPaths } from '../../src/announce/outbox';
import { CLI, ROOT, cleanEnv, runCli, tempDir, type CliRun } from '../support/cli';
import { alive, until } from '../support/background';
import { flusherPidFile } from '../../src/cli/announcements';

const seed = fs.readFileSync(path.join(ROOT, 'test', 'fixtures', 'seed-board.md'), 'utf8');

/** A seed board with `n` more live claims (a lease until tomorrow), each held by its own session. */
function bigBoard(n: number, prefix = 'hand'): string {
  const until = formatIsoLocal(new Date(Date.now() + 24 * 3600_000));
  const lines = Array.from({ length: n }, (_, i) => `- ${prefix}-${i} (started 19:15) — repo/${prefix}/file-${i}.ts — eta 23:59 — lease until ${until}`);
  return seed.replace('## Active claims\n\n', `## Active claims\n\n${lines.join('\n')}\n`);
}

function canMount(): boolean {
  const probe = fs.mkdtempSync(path.join(os.tmpdir(), 'cb-mount-'));
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', probe]);
  if (r.status === 0) spawnSync('umount', [probe]);
  fs.rmSync(probe, { recursive: true, force: true });
  return r.status === 0;
}

function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(r.stdout);
}

describe('the store under attack (issue 8), through the real CLI and hooks', function () {
  this.timeout(120_000);
  let dir: string;
  let board: string;
  let repo: string;
  const mounts: string[] = [];
  const cb = (args: string[], session?: string, extra: NodeJS.ProcessEnv = {}, input?: string): Promise<CliRun> =>
    runCli(['--board', board, ...args], { cwd: repo, env: cleanEnv({ ...(session ? { CLAIMBOARD_SESSION: session } : {}), ...extra }), input, timeoutMs: 60_000 });

  beforeEach(() => {
    dir = tempDir();
    board = path.join(dir, 'coordination.md');
    repo = path.join(dir, 'repo');
    fs.mkdirSync(path.join(repo, 'src'), { recursive: true });
    execFileSync('git', ['init', '-q'], { cwd: repo });
  });
  afterEach(async () => {
    for (const m of mounts.splice(0)) spawnSync('umount', ['-l', m]);
    // A background flusher started by a claim (announcement tests) is ended by its pid and waited
    // for: it writes into the folder until it exits. One that was still starting (no pid file
    // yet) shows as a folder that will not go: end it too, then remove again.
    for (let attempt = 1; ; attempt++) {
      let pid: number | undefined;
      try {
        pid = Number(fs.readFileSync(flusherPidFile(outboxPaths(board).outbox), 'utf8'));
        process.kill(pid, 'SIGTERM');
      } catch {
        /* none running */
      }
      if (pid) await until(() => !alive(pid), 10_000, `the flusher ${pid} to end`);
      try {
        fs.rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
        return;
      } catch (e) {
        if (attempt === 3) throw e;
      }
    }
  });

  function mountTmpfs(name: string, size: string, ro = false): string {
    const at = path.join(dir, name);
    fs.mkdirSync(at);
    const r = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${size}${ro ? ',ro' : ''}`, 'tmpfs', at], { encoding: 'utf8' });
    assert.equal(r.status, 0, `mount: ${r.stderr}`);
    mounts.push(at);
    return at;
  }

  describe('a nearly full disk', () => {
    before(function () {
      // Mounting needs root (CI containers and this machine have it); elsewhere the seam is the writer.
      if (!canMount()) this.skip();
    });

    it('leaves the board and the outbox whole, removes its temporary file and exits 1 naming the board', async () => {
      const disk = mountTmpfs('disk', '256k');
      board = path.join(disk, 'coordination.md');
      const text = bigBoard(600);
      fs.writeFileSync(board, text);
      const outbox = new Outbox(board);
      await outbox.update((s) => {
        for (let i = 0; i < 40; i++)
          s.entries.push({ seq: s.nextSeq++, id: `id${i}`, createdAt: new Date().toISOString(), kind: 'claim', session: 's', text: `pending ${i}`, state: 'pending', attempts: 0 });
      });
      const outboxBytes = fs.readFileSync(outboxPaths(board).outbox);
      // Fill the disk to a few KB short of room for another copy of the board.
      const free = Number(must(execFileSync('df', ['--output=avail', '-B1', disk], { encoding: 'utf8' }).split('\n')[1], 'the free bytes df prints').trim());
      fs.writeFileSync(path.join(disk, 'filler'), Buffer.alloc(Math.max(0, free - Math.floor(text.length / 2))));

      const r = await cb(['claim', 'repo/src/new.ts'], 'session-z');
      assert.equal(r.code, 1, r.stdout + r.stderr);
      assert.match(r.stderr, new RegExp(`cannot write the board ${board.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: the disk is full`));
      assert.doesNotMatch(r.stderr, /unexpected error/);
      assert.equal(fs.readFileSync(board, 'utf8'), text, 'the board is as it was');
      assert.deepEqual(
        fs.readdirSync(disk).filter((n) => n.endsWith('.tmp')),
        [],
        'no temporary file left',
      );

      // The outbox the same way: a queued write that does not fit leaves the old one readable.
      await assert.rejects(
        outbox.update((s) => {
          s.entries.push({ ...must(s.entries[0], 'the queued entry'), id: 'big', text: 'x'.repeat(200_000) });
        }),
        /disk is full/,
      );
      assert.deepEqual(fs.readFileSync(outboxPaths(board).outbox), outboxBytes);
      assert.equal(outbox.read().entries.length, 40);
    });
  });

  describe('environment problems name the board and the fix (issue 9)', () => {
    it('a read-only board folder, and a board path that is a folder', async function () {
      if (!canMount()) this.skip();
      const ro = mountTmpfs('ro', '64k', true);
      board = path.join(ro, 'coordination.md');
      let r = await cb(['claim', 'repo/src/a.ts'], 'session-a');
      assert.equal(r.code, 1);
      assert.match(r.stderr, /^claimboard: cannot write the board .*ro\/coordination\.md: its folder is on a read-only file system \(EROFS\); point CLAIMBOARD_BOARD/m);
      assert.doesNotMatch(r.stderr, /unexpected error/);

      board = path.join(dir, 'a-folder');
      fs.mkdirSync(board);
      r = await cb(['claim', 'repo/src/a.ts'], 'session-a');
      assert.equal(r.code, 1);
      assert.match(r.stderr, /^claimboard: cannot read the board .*a-folder: that path is a folder \(EISDIR\); give the board's file name/m);
      r = await cb(['status']);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /cannot read the board .*a-folder/);
    });

    it('status on a missing board says it does not exist and invents no time', async () => {
      const r = await cb(['status']);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /coordination\.md \(does not exist yet/);
      assert.doesNotMatch(r.stdout, /Last updated/);
      const j = JSON.parse((await cb(['status', '--json'])).stdout) as { exists: boolean; lastUpdated: string | null };
      assert.deepEqual([j.exists, j.lastUpdated], [false, null]);
      assert.equal(fs.existsSync(board), false);
    });
  });

  describe("an editor's in-place save", () => {
    /** Opens the board for writing (truncating it), signals, waits `stallMs`, writes `text`. */
    function inPlaceWriter(text: string | undefined, stallMs: number) {
      const script = `
        const fs = require('fs');
        const fd = fs.openSync(process.argv[1], 'w');
        process.stdout.write('truncated\\n');
        setTimeout(() => { if (process.argv[2] !== '-') fs.writeSync(fd, fs.readFileSync(process.argv[2])); fs.closeSync(fd); process.exit(0); }, Number(process.argv[3]));`;
      const src = path.join(dir, `save-${Math.random().toString(36).slice(2)}.txt`);
      if (text !== undefined) fs.writeFileSync(src, text);
      const child = spawn(process.execPath, ['-e', script, board, text === undefined ? '-' : src, String(stallMs)]);
      const truncated = new Promise<void>((resolve) => child.stdout.on('data', () => resolve()));
      const done = new Promise<void>((resolve) => child.on('close', () => resolve()));
      return { truncated, done };
    }

    /**
     * The person's editor saves the board in place (truncate, stall, write it back with a line
     * added) while session-b claims: the claim waits for the save, and nothing is lost.
     */
    async function claimDuringStalledSave(stallMs: number, added: string): Promise<{ after: string; doc: BoardDocument }> {
      const saved = fs.readFileSync(board, 'utf8') + added;
      const editor = inPlaceWriter(saved, stallMs);
      await editor.truncated;
      const r = await cb(['claim', 'repo/src/new.ts'], 'session-b');
      await editor.done;
      assert.equal(r.code, 0, r.stderr);
      const after = fs.readFileSync(board, 'utf8');
      const doc = BoardDocument.parse(after);
      assert.ok(doc.claims.some((c) => c.session === 'session-b' && c.path === 'repo/src/new.ts'));
      assert.ok(after.includes(added.trim()), 'what the person added');
      assert.ok(doc.notes.length > 0, 'the pinned notes');
      return { after, doc };
    }

    it('a claim during a stalled save waits for it and keeps all 300 claims, the notes and what the person added', async () => {
      fs.writeFileSync(board, bigBoard(300));
      assert.equal((await cb(['claim', 'repo/src/first.ts'], 'session-a')).code, 0);
      const { after, doc } = await claimDuringStalledSave(1000, '\nA line the person typed.\n');
      assert.equal(doc.claims.length, 302, 'the 300 hand-written claims, the first and the new one');
      assert.equal(fs.readFileSync(backupPathFor(board), 'utf8'), after, 'the board as written is kept beside it');
    });

    it('before claimboard ever wrote the board (no backup yet), a claim during a stalled save still keeps it all', async () => {
      // The fuzz found it: with no backup to compare with, an emptied board was taken as a new one.
      fs.writeFileSync(board, bigBoard(40));
      const { doc } = await claimDuringStalledSave(500, '- A line the person typed.\n');
      assert.equal(doc.claims.length, 41, 'the 40 hand-written claims and the new one');
    });

    it('a save that never completes: claim exits 1 naming the backup, the hook denies, and the printed restore command works', async () => {
      fs.writeFileSync(board, bigBoard(50));
      assert.equal((await cb(['claim', 'repo/src/first.ts'], 'session-a')).code, 0);
      const good = fs.readFileSync(board, 'utf8');
      await inPlaceWriter(undefined, 0).done; // truncated, then the editor died
      const r = await cb(['claim', 'repo/src/new.ts'], 'session-b');
      assert.equal(r.code, 1);
      assert.match(r.stderr, /the board .*coordination\.md is empty and did not come back .*nothing was written/);
      assert.equal(fs.readFileSync(board, 'utf8'), '', 'nothing was written over it');
      const hook = await cb(
        ['hook', 'pre-tool-use'],
        undefined,
        {},
        JSON.stringify({
          session_id: 'u1',
          cwd: repo,
          hook_event_name: 'PreToolUse',
          tool_name: 'Edit',
          tool_input: { file_path: path.join(repo, 'src/first.ts') },
        }),
      );
      const out = JSON.parse(hook.stdout) as { hookSpecificOutput: { permissionDecision: string; permissionDecisionReason: string } };
      assert.equal(out.hookSpecificOutput.permissionDecision, 'deny');
      assert.match(out.hookSpecificOutput.permissionDecisionReason, /coordination\.md is empty/);
      const cmd = /restore it with `([^`]+)`/.exec(r.stderr)?.[1];
      assert.ok(cmd, r.stderr);
      execFileSync('sh', ['-c', cmd]);
      assert.equal(fs.readFileSync(board, 'utf8'), good, 'the board as the last write left it');
      assert.equal(BoardDocument.parse(good).claims.length, 51);
      assert.equal((await cb(['claim', 'repo/src/new.ts'], 'session-b')).code, 0);
    });
  });

  it('a symlinked board stays a link, and the link and its target are one board with one lock', async () => {
    const realDir = path.join(dir, 'dotfiles');
    fs.mkdirSync(realDir);
    const real = path.join(realDir, 'coordination.md');
    fs.writeFileSync(real, seed);
    fs.symlinkSync(real, board);
    const a = await cb(['claim', 'repo/src/x.ts'], 'session-a');
    assert.equal(a.code, 0, a.stderr);
    assert.ok(fs.lstatSync(board).isSymbolicLink(), 'the link is still a link');
    const viaReal = await runCli(['--board', real, 'claim', 'repo/src/x.ts'], { cwd: repo, env: cleanEnv({ CLAIMBOARD_SESSION: 'session-b' }) });
    assert.equal(viaReal.code, 3, `the target's readers see the claim made through the link: ${viaReal.stdout}`);
    // Both paths take the target's lock: a lock held there stops a writer through the link.
    const unlock = await lockfile.lock(real, { realpath: false, stale: 5_000, update: 1_000 });
    try {
      const blocked = await runCli(['--board', board, 'hook', 'session-end'], {
        cwd: repo,
        env: cleanEnv({ CLAIMBOARD_SESSION: 'session-a' }),
        input: JSON.stringify({ session_id: 'u1', cwd: repo, hook_event_name: 'SessionEnd' }),
      });
      assert.match(blocked.stderr, /is locked by another process \(.*dotfiles\/coordination\.md\.lock\)/);
    } finally {
      await unlock();
    }
    assert.equal(BoardDocument.parse(fs.readFileSync(real, 'utf8')).claims.filter((c) => c.path === 'repo/src/x.ts').length, 1);
    assert.deepEqual(
      fs.readdirSync(dir).filter((n) => n.endsWith('.lock') || n.endsWith('.tmp')),
      [],
    );
  });

  it('six SessionStart hooks at once get six names, and each end releases its own claims', async () => {
    const ids = ['u1', 'u2', 'u3', 'u4', 'u5', 'u6'];
    const hook = (event: string, payload: object) => cb(['hook', event], undefined, {}, JSON.stringify({ cwd: repo, transcript_path: '', ...payload }));
    const starts = await Promise.all(ids.map((id) => hook('session-start', { session_id: id, hook_event_name: 'SessionStart', source: 'startup' })));
    const names = starts.map((r) => /You are (\S+) on the claimboard/.exec(r.stdout)?.[1]);
    assert.equal(new Set(names).size, 6, `names: ${names.join(', ')}`);
    for (const [i, id] of ids.entries()) {
      fs.writeFileSync(path.join(repo, 'src', `f${i}.ts`), '');
      const r = await hook('pre-tool-use', { session_id: id, hook_event_name: 'PreToolUse', tool_name: 'Edit', tool_input: { file_path: path.join(repo, 'src', `f${i}.ts`) } });
      assert.equal(r.stdout, '', r.stdout);
    }
    assert.equal(BoardDocument.parse(fs.readFileSync(board, 'utf8')).claims.length, 6);
    for (const [i, id] of ids.entries()) {
      await hook('session-end', { session_id: id, hook_event_name: 'SessionEnd', reason: 'other' });
      const left = BoardDocument.parse(fs.readFileSync(board, 'utf8')).claims;
      assert.equal(left.length, 5 - i);
      assert.ok(!left.some((c) => c.session === names[i]), `${names[i]}'s end released its claim`);
    }
  });

  describe('locks', () => {
    it('a lock folder stamped in the future (a clock running ahead) is broken once nobody refreshes it', async () => {
      fs.writeFileSync(board, seed);
      fs.mkdirSync(`${board}.lock`);
      const future = new Date(Date.now() + 3600_000);
      fs.utimesSync(`${board}.lock`, future, future);
      const r = await cb(['claim', 'repo/src/a.ts'], 'session-a');
      assert.equal(r.code, 0, r.stderr);
      assert.ok(fs.readFileSync(board, 'utf8').includes('repo/src/a.ts'));
    });

    it('a dead delivery lock stamped in the future does not stop delivery for good', async () => {
      const ob = new Outbox(board);
      const { deliveryLock } = outboxPaths(board);
      fs.mkdirSync(deliveryLock);
      const future = new Date(Date.now() + 3600_000);
      fs.utimesSync(deliveryLock, future, future);
      assert.equal(ob.isDelivering(), false, 'a future stamp is no proof of life: a flusher is started');
      // The flusher waits for the delivery lock up to its budget; nobody refreshes this one.
      const release = await ob.tryLockDelivery(15_000);
      assert.ok(release, 'the flusher got the delivery lock');
      await release();
    });

    it('hooks give up on a live, busy lock before their own timeout (session-end: 5 s) with a message', async () => {
      fs.writeFileSync(board, seed);
      await cb(['hook', 'session-start'], undefined, {}, JSON.stringify({ session_id: 'u1', cwd: repo, hook_event_name: 'SessionStart' }));
      const unlock = await lockfile.lock(board, { realpath: false, stale: 5_000, update: 1_000 });
      try {
        // Claude Code kills a session-end hook after its 5 s timeout: the hook must end itself first.
        const r = await runCli(['--board', board, 'hook', 'session-end'], {
          cwd: repo,
          env: cleanEnv(),
          timeoutMs: 5_000,
          input: JSON.stringify({ session_id: 'u1', cwd: repo, hook_event_name: 'SessionEnd', reason: 'other' }),
        });
        assert.equal(r.signal, null, 'not killed by the hook timeout');
        assert.equal(r.code, 0);
        assert.match(r.stderr, /claimboard hook session-end: the board .* is locked by another process/);
      } finally {
        await unlock();
      }
    });

    it('a dead outbox lock: the claim does not wait for it to go stale, and the announcement is kept and delivered later', async () => {
      const env = { CLAIMBOARD_MATTERMOST_WEBHOOK: 'http://127.0.0.1:9/hooks/x', XDG_CONFIG_HOME: path.join(dir, 'cfg'), CLAIMBOARD_FLUSH_BUDGET: '2s' };
      const { outbox } = outboxPaths(board);
      fs.mkdirSync(`${outbox}.lock`); // its holder died a moment ago: not stale for another 10 s
      const r = await cb(['claim', 'repo/src/a.ts'], 'session-a', env);
      assert.equal(r.code, 0, r.stderr);
      assert.ok(fs.existsSync(`${outbox}.lock`), 'the claim returned before the dead lock went stale');
      const sessionEnd = await cb(
        ['hook', 'session-end'],
        undefined,
        { ...env, CLAIMBOARD_SESSION: 'session-a' },
        JSON.stringify({ session_id: 'u9', cwd: repo, hook_event_name: 'SessionEnd', reason: 'other' }),
      );
      assert.equal(sessionEnd.code, 0, sessionEnd.stderr);
      assert.ok(fs.existsSync(`${outbox}.lock`), 'session-end did not wait for it either');
      fs.rmdirSync(`${outbox}.lock`);
      // The next outbox write (here: one from this process) merges what was queued aside, in order.
      const ob = new Outbox(board);
      await ob.update(() => undefined);
      const texts = ob.read().entries.map((e) => e.text);
      assert.ok(
        texts.some((t) => /\[session-a\] CLAIM `repo\/src\/a\.ts`/.test(t)),
        texts.join('\n'),
      );
      assert.ok(
        texts.some((t) => /\[session-a\] ending — released/.test(t)),
        texts.join('\n'),
      );
      assert.equal(ob.spooledCount(), 0);
    });
  });

  describe('bytes', () => {
    it('Latin-1 and invalid bytes a person wrote are kept byte for byte through a claim', async () => {
      const latin = Buffer.concat([
        Buffer.from(seed.replace(/\n$/, '')),
        Buffer.from('\n- Caf'),
        Buffer.from([0xe9]),
        Buffer.from(' note \u2014 '),
        Buffer.from([0xff, 0xfe, 0x80]),
        Buffer.from('\n'),
      ]);
      fs.writeFileSync(board, latin);
      const r = await cb(['claim', 'repo/src/a.ts'], 'session-a');
      assert.equal(r.code, 0, r.stderr);
      const after = fs.readFileSync(board);
      const line = Buffer.concat([Buffer.from('- Caf'), Buffer.from([0xe9]), Buffer.from(' note \u2014 '), Buffer.from([0xff, 0xfe, 0x80])]);
      assert.ok(after.includes(line), 'the Latin-1 line is unchanged');
      assert.ok(!after.includes(Buffer.from('\ufffd')), 'no replacement characters');
      assert.ok(after.includes(Buffer.from('repo/src/a.ts')));
    });

    it('a UTF-16 board is reported as unreadable by check and claim, and the hook denies naming it', async () => {
      fs.writeFileSync(
        board,
        Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(seed.replace('## Active claims\n\n', '## Active claims\n\n- session-a (started 19:15) — repo/src/a.ts — eta 23:59\n'), 'utf16le')]),
      );
      const bytes = fs.readFileSync(board);
      for (const args of [
        ['check', 'repo/src/a.ts'],
        ['claim', 'repo/src/a.ts'],
      ]) {
        const r = await cb(args, 'session-b');
        assert.equal(r.code, 1, `${args[0]}: ${r.stdout}${r.stderr}`);
        assert.match(r.stderr, /cannot read the board .*coordination\.md: it is UTF-16 text; save it as UTF-8/);
      }
      const hook = await cb(
        ['hook', 'pre-tool-use'],
        undefined,
        {},
        JSON.stringify({ session_id: 'u1', cwd: repo, hook_event_name: 'PreToolUse', tool_name: 'Write', tool_input: { file_path: path.join(repo, 'src/a.ts'), content: '' } }),
      );
      const out = JSON.parse(hook.stdout) as { hookSpecificOutput: { permissionDecision: string; permissionDecisionReason: string } };
      assert.equal(out.hookSpecificOutput.permissionDecision, 'deny');
      assert.match(out.hookSpecificOutput.permissionDecisionReason, /UTF-16/);
      assert.deepEqual(fs.readFileSync(board), bytes, 'nothing written');
    });
  });

  it('a Write too large to read whole (600 MB) is decided from its start: denied when the file is held', async () => {
    assert.equal((await cb(['claim', 'repo/src/a.ts'], 'session-a')).code, 0);
    const head = JSON.stringify({
      session_id: 'u2',
      transcript_path: '',
      cwd: repo,
      hook_event_name: 'PreToolUse',
      tool_name: 'Write',
      tool_input: { file_path: path.join(repo, 'src/a.ts'), content: '' },
    });
    const child = spawn(process.execPath, [CLI, '--board', board, 'hook', 'pre-tool-use'], { cwd: repo, env: cleanEnv() });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stdin.on('error', () => undefined); // the hook stops reading long before the end
    const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
    const chunk = Buffer.alloc(1 << 20, 'x');
    let stopped = false;
    child.stdin.on('close', () => (stopped = true));
    child.on('close', () => (stopped = true));
    child.stdin.write(head.slice(0, -3)); // …"content":"  then 600 MB of content
    for (let i = 0; i < 600 && !stopped; i++) {
      if (!child.stdin.write(chunk))
        await new Promise<void>((r) => {
          const t = setInterval(() => {
            if (stopped || child.stdin.writableNeedDrain === false) {
              clearInterval(t);
              r();
            }
          }, 5);
        });
    }
    if (!stopped) child.stdin.end('"}}');
    assert.equal(await closed, 0);
    const d = JSON.parse(out) as { hookSpecificOutput: { permissionDecision: string; permissionDecisionReason: string } };
    assert.equal(d.hookSpecificOutput.permissionDecision, 'deny');
    assert.match(d.hookSpecificOutput.permissionDecisionReason, /src\/a\.ts is claimed by session-a/);
  });

  it('a Write too large to read whose file is not at its start is denied, not allowed', async () => {
    const big = `{"session_id":"u2","cwd":${JSON.stringify(repo)},"hook_event_name":"PreToolUse","tool_name":"Write","tool_input":{"content":"${'y'.repeat(17 * 1024 * 1024)}","file_path":${JSON.stringify(path.join(repo, 'src/b.ts'))}}}`;
    const child = spawn(process.execPath, [CLI, '--board', board, 'hook', 'pre-tool-use'], { cwd: repo, env: cleanEnv() });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stdin.on('error', () => undefined); // the hook stops reading at its limit
    const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
    child.stdin.end(big);
    assert.equal(await closed, 0);
    const d = JSON.parse(out) as { hookSpecificOutput: { permissionDecision: string; permissionDecisionReason: string } };
    assert.equal(d.hookSpecificOutput.permissionDecision, 'deny');
    assert.match(d.hookSpecificOutput.permissionDecisionReason, /larger than 16 MB .*not at its start/);
  });

  it("two machines with one host name (here: two pid namespaces) do not read each other's live claims as dead", async function () {
    if (spawnSync('unshare', ['-pf', '--mount-proc', 'true']).status !== 0) this.skip();
    // session-a's Claude process (this test's own process) is alive, on "machine one".
    const r = await cb(['claim', 'repo/src/a.ts', '--pid', String(process.pid)], 'session-a');
    assert.equal(r.code, 0, r.stderr);
    // "Machine two": same host name, but that pid is not visible there.
    const other = spawnSync('unshare', ['-pf', '--mount-proc', process.execPath, CLI, '--board', board, '--session', 'session-b', 'check', 'repo/src/a.ts'], {
      cwd: repo,
      env: cleanEnv(),
      encoding: 'utf8',
    });
    assert.equal(other.status, 3, `still held, as seen from the other machine: ${other.stdout}${other.stderr}`);
    assert.match(fs.readFileSync(board, 'utf8'), new RegExp(`pid ${process.pid}@${os.hostname()}:[0-9a-f]{8}`));
    // A line written before the identity had its suffix is still read: by host name, as always.
    const dead = deadPid();
    fs.writeFileSync(
      board,
      fs.readFileSync(board, 'utf8').replace('## Active claims\n\n', `## Active claims\n\n- session-c (started 19:15) — repo/src/old.ts — eta 23:59 — pid ${dead}@${os.hostname()}\n`),
    );
    assert.equal((await cb(['check', 'repo/src/old.ts'], 'session-b')).code, 0, 'an old line of a dead local process is free');
  });
});
