/**
 * Mocha root hook: every test run gets its own temporary folder (TMPDIR, inherited by the
 * processes tests start), removed when the run ends, so no suite leaves folders behind.
 * CLAIMBOARD_KEEP_TMP=1 keeps it for a post-mortem.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'claimboard-run-'));
process.env.TMPDIR = runDir;

export const mochaHooks = {
  afterAll(): void {
    if (process.env.CLAIMBOARD_KEEP_TMP) {
      process.stderr.write(`test files kept in ${runDir}\n`);
      return;
    }
    // A background flusher or listener a test started may write its last file while the folder
    // goes (ENOTEMPTY): Node's own retries take it again, rather than leave it behind.
    fs.rmSync(runDir, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
  },
};
