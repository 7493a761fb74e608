/**
 * `npm start -- --shared`: the demo over a shared store. It starts an embedded PostgreSQL, the
 * scripted sessions claim through it, the demo's board file is the view written from it, and
 * everything (the database too) is stopped when the demo ends.
 */
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import { ROOT, ensureBuilt } from '../support/cli';
import { BoardDocument } from '../../src/core/board-format';
import { VIEW_MARK } from '../../src/core/shared-view';

function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port });
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });
}

describe('npm start -- --shared', function () {
  this.timeout(300_000);

  it('runs the demo over an embedded PostgreSQL it starts and stops; the board is the view written from it', async () => {
    ensureBuilt();
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/vscode/start.ts', '--shared', '--no-build', '--for', '25', '--interval', '2'], {
      cwd: ROOT,
      env: { ...process.env, CLAIMBOARD_STORE: undefined },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    let seen: string[] = [];
    let port = 0;
    try {
      for (;;) {
        const board = /\[start\] board: +(\S+)/.exec(out)?.[1];
        const store = /\[start\] shared store: postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:(\d+)\/claimboard_demo \(an embedded PostgreSQL, stopped with the demo\)/.exec(out);
        if (board && store && fs.existsSync(board)) {
          port = Number(store[1]);
          const text = fs.readFileSync(board, 'utf8');
          assert.ok(text.includes(VIEW_MARK), 'the demo board is the view of the shared store');
          seen = BoardDocument.parse(text).claims.map((c) => `${c.session} ${c.path}`);
          if (seen.includes('session-a demo-repo/src/api/**')) break;
        }
        if (child.exitCode !== null) assert.fail(`the demo ended early (exit ${child.exitCode}): ${out}\n${err}`);
        await new Promise((r) => setTimeout(r, 200));
      }
      assert.ok(seen.includes('session-b demo-repo/src/db/schema.sql'), seen.join(', '));
      assert.equal(await answers(port), true, 'the database answers while the demo runs');
    } finally {
      const code = await exited;
      assert.equal(code, 0, err);
    }
    assert.equal(await answers(port), false, 'the database is stopped with the demo');
  });
});
