/**
 * The CLI's one way to the store (commands, hooks, the git guard and the MCP server it starts):
 * the file board, or the shared store whose client loads only when a command first uses it.
 */
import { FileClaimStore, describeStore, lazyStore, type ClaimStore, type StoreChoice } from '../core/claim-store';
import type { ServiceOptions } from '../core/claim-service';

export function openStore(choice: StoreChoice, opts: ServiceOptions): ClaimStore {
  if (choice.kind === 'file') return new FileClaimStore(opts);
  // Its own bundle (dist/store-pg.js): the database client stays out of the file every hook loads.
  return lazyStore(opts.boardPath, describeStore(choice, opts.boardPath), async () => (await import('../store-pg')).openPgStore(choice, opts));
}
