/**
 * One writer of a claim storm on the shared store, a real process standing for a session on
 * some machine. Usage:
 *   node --import tsx test/support/pg-claim-worker.ts <url> <session> <host> <keys,comma,separated>
 * Claims each key in turn (never releasing), retrying while the store is unreachable, and
 * prints one JSON line per attempt: granted (with its fencing number), refused (with holders)
 * or an error message.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { openPgStore } from '../../src/store-pg';
import { StoreUnavailableError } from '../../src/core/claim-store';

async function main(): Promise<void> {
  const [url, session, host, keyList] = process.argv.slice(2);
  const keys = keyList!.split(',');
  const go = process.env.CLAIMBOARD_TEST_GO;
  if (go) while (!fs.existsSync(go)) await new Promise((r) => setTimeout(r, 5));
  const boardPath = path.join(process.env.HOME ?? os.tmpdir(), 'coordination.md');
  const store = openPgStore({ kind: 'postgres', url: url!, shown: url!, board: 'storm', source: 'test' }, { boardPath, host, lockWaitMs: 60_000 });
  const out = (o: object): void => void fs.writeSync(1, `${JSON.stringify(o)}\n`);
  for (const key of keys) {
    for (let attempt = 0; ; attempt++) {
      try {
        const r = await store.claim(session!, { paths: [key], ttlMs: 3_600_000 });
        if (r.granted.length > 0) out({ key, granted: r.granted.map((c) => ({ id: c.id, fence: (c as { fence?: number }).fence })) });
        else if (r.renewed.length > 0) out({ key, renewed: true });
        else out({ key, refused: r.conflicts.map((c) => ({ holder: c.holder.session, path: c.holder.path })) });
        break;
      } catch (e) {
        if (!(e instanceof StoreUnavailableError) || attempt > 400) throw e;
        out({ key, error: (e as Error).message });
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  }
  await store.close();
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
