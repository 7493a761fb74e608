/**
 * One of several real processes racing on one board (tests and bench/). Usage:
 *   node --import tsx test/support/claim-worker.ts <board> <session> <count> [locked|naive|hold]
 * `locked` claims through ClaimService (the product); `naive` does a plain read-modify-write
 * without the lock, to show what the lock prevents; `hold` takes the lock, says "locked" and
 * spins without releasing it, to be killed with SIGKILL.
 */
import * as fs from 'node:fs';
import { ClaimService } from '../../src/core/claim-service';
import { BoardStore } from '../../src/core/board-store';
import { BoardDocument } from '../../src/core/board-format';

async function main(): Promise<void> {
  const [board, session, countText, mode = 'locked'] = process.argv.slice(2);
  if (board === undefined || session === undefined) throw new Error('usage: claim-worker.ts <board> <session> <count> [locked|naive|hold]');
  const count = Number(countText);
  // Start together: the parent writes a go-file once every worker is up.
  const go = process.env.CLAIMBOARD_TEST_GO;
  if (go) while (!fs.existsSync(go)) await new Promise((r) => setTimeout(r, 5));
  const started = Date.now();
  if (mode === 'hold') {
    const store = new BoardStore({ boardPath: board });
    await store.update((doc) => {
      doc.addNote(`held by ${session}`);
      process.stdout.write('locked\n');
      // Spin: a process stuck or killed here never refreshes or releases its lock.
      for (;;) {
        /* spin until SIGKILL */
      }
    });
    return;
  }
  if (mode === 'naive') {
    for (let i = 0; i < count; i++) {
      const text = fs.existsSync(board) ? fs.readFileSync(board, 'utf8') : undefined;
      const doc = text === undefined ? BoardDocument.create(new Date()) : BoardDocument.parse(text);
      const now = new Date();
      doc.addClaims([{ session, path: `${session}/p${i}`, started: now, expires: new Date(now.getTime() + 3600_000), mode: 'exclusive', id: `${session}${i}` }]);
      fs.writeFileSync(board, doc.serialize());
    }
  } else {
    const service = new ClaimService({ boardPath: board });
    for (let i = 0; i < count; i++) {
      const r = await service.claim(session, { paths: [`${session}/p${i}`] });
      if (r.conflicts.length > 0) throw new Error(`unexpected conflict on ${session}/p${i}`);
    }
  }
  process.stdout.write(JSON.stringify({ session, ms: Date.now() - started }) + '\n');
}

main().catch((e) => {
  process.stderr.write(`worker: ${(e as Error).stack}\n`);
  process.exit(1);
});
