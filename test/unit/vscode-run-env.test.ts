/** What a real-VS-Code run (tests, `npm start`) leaves in the system temp folder: nothing outside its run folder. */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runEnv } from '../../scripts/vscode/code-server';
import { tempDir } from '../support/cli';

describe('real VS Code runs keep their files in the run folder', () => {
  it("VS Code's IPC sockets go to the run folder (XDG_RUNTIME_DIR), never the system temp folder", () => {
    const runDir = fs.realpathSync(tempDir());
    try {
      const env = runEnv(runDir);
      const runtime = env.XDG_RUNTIME_DIR ?? '';
      assert.ok(runtime.startsWith(`${runDir}${path.sep}`), runtime);
      assert.equal(fs.statSync(runtime).mode & 0o777, 0o700, 'private, as XDG_RUNTIME_DIR must be');
      // VS Code's own rule (server-main.js): XDG_RUNTIME_DIR when set, else os.tmpdir().
      const handle = spawnSync(process.execPath, ['-e', "const os=require('os'),p=require('path');process.stdout.write(p.join(process.env.XDG_RUNTIME_DIR||os.tmpdir(),'vscode-ipc-x.sock'))"], {
        env,
        encoding: 'utf8',
      }).stdout;
      assert.ok(handle.startsWith(runDir), handle);
      assert.ok(handle.length < 104, 'a Unix socket path fits in sun_path');
    } finally {
      fs.rmSync(runDir, { recursive: true, force: true });
    }
  });
});
