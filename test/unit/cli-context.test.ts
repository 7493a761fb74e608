/** The CLI's context: a command's own service options are never swallowed by a shared service. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createContext } from '../../src/cli/cli-context';
import type { BoardEvent } from '../../src/core/model';

describe('CLI context', () => {
  it("service(extra) after requireSession() read the board still uses the command's event handler", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cb-ctx-'));
    const board = path.join(dir, 'board.md');
    const setup = createContext({ board, json: false, env: {}, cwd: dir, out: () => undefined, err: () => undefined, serviceOptions: { onEvents: () => undefined } });
    await setup.service().registerSession({ name: 'session-a', externalId: 'uuid-a', started: new Date() });

    // Claude's Bash: no CLAIMBOARD_SESSION, the session is found by its Claude Code id.
    const ctx = createContext({ board, json: false, env: { CLAUDE_CODE_SESSION_ID: 'uuid-a' }, cwd: dir, out: () => undefined, err: () => undefined, serviceOptions: { onEvents: () => undefined } });
    assert.equal(await ctx.requireSession(), 'session-a');
    const seen: BoardEvent[] = [];
    await ctx.service({ onEvents: (e) => void seen.push(...e) }).claim('session-a', { paths: ['repo/x'] });
    assert.deepEqual(
      seen.map((e) => e.kind),
      ['claim'],
    );
  });
});
