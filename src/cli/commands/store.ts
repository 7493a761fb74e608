import type { Command } from '../command';
import { EXIT, ExitError } from '../cli-context';
import { InputError, must } from '../../core/errors';
import { ClaimService } from '../../core/claim-service';
import { describeStore, STORE_ENV, type StoreChoice } from '../../core/claim-store';
import type { CliContext } from '../cli-context';
import { holderDisabled, holderFolder, holderSocketPath, STORE_HOLDER_ENV } from '../../store-pg/holder-client';
import { shellWord } from '../../core/shell-word';
import { parseDuration } from '../../core/duration';

const USAGE = 'store init | store status | store import [BOARD_FILE] | store hold';

/** Where claims live; the shared store's schema (init) and a file board's copy into it (import). */
export const store: Command = {
  name: 'store',
  usage: USAGE,
  summary: "the shared store (PostgreSQL, CLAIMBOARD_STORE): create or migrate its schema, say where claims live, import a board file, hold this machine's connection for the hooks' reads",
  words: ['init', 'status', 'import', 'hold'],
  examples: ['store status'],
  async run(ctx, { positionals }) {
    const [sub, ...rest] = positionals;
    if (sub !== 'init' && sub !== 'status' && sub !== 'import' && sub !== 'hold') throw new InputError(`usage: claimboard ${USAGE}`);
    if (sub !== 'import' && rest.length > 0) throw new InputError(`store ${sub} takes no arguments (got ${rest[0]})`);
    if (rest.length > 1) throw new InputError(`store import takes one board file (got ${rest.length})`);
    const choice = ctx.storeChoice();
    if (choice.kind === 'file') {
      if (sub === 'status') {
        if (ctx.json) ctx.outJson({ store: 'file', board: ctx.boardPath });
        else ctx.out(`claims live in ${describeStore(choice, ctx.boardPath)} (set ${STORE_ENV}=postgres://… to share them across machines)`);
        return EXIT.ok;
      }
      throw new InputError(`store ${sub} needs a shared store: set ${STORE_ENV}=postgres://user@host:5432/db (or store.url in the config file)`);
    }
    if (sub === 'hold') return hold(ctx, choice);
    const { openPgStore } = await import('../../store-pg');
    const pg = openPgStore(choice, { boardPath: ctx.boardPath });
    try {
      if (sub === 'init') {
        const r = await pg.init();
        if (ctx.json) ctx.outJson({ store: choice.shown, from: r.from, to: r.to });
        else ctx.out(r.from === r.to ? `${pg.where}: schema is current (version ${r.to})` : `${pg.where}: schema ${r.from === 0 ? 'created' : `migrated from version ${r.from}`} (version ${r.to})`);
        return EXIT.ok;
      }
      if (sub === 'status') {
        const d = await pg.describe();
        if (ctx.json) {
          ctx.outJson({ store: choice.shown, board: choice.board, source: choice.source, schema: d.version ?? null, claims: d.claims, sessions: d.sessions, history: d.history, view: ctx.boardPath });
        } else {
          ctx.out(`claims live in ${pg.where} (from ${choice.source}); the database answers (its clock: ${d.serverTime.toISOString()})`);
          ctx.out(
            d.version === undefined
              ? 'no claimboard schema yet: run `claimboard store init`'
              : `schema version ${d.version}; ${d.claims} claims, ${d.sessions} sessions, ${d.history} history rows on board ${choice.board}`,
          );
          ctx.out(`this machine's view: ${ctx.boardPath}`);
        }
        return EXIT.ok;
      }
      const from = rest[0] ?? ctx.boardPath;
      const file = new ClaimService({ boardPath: from });
      const view = file.status();
      if (!view.exists) throw new ExitError(EXIT.usage, `no board file at ${from}`);
      const r = await pg.importBoard(view);
      if (ctx.json) ctx.outJson(r);
      else {
        ctx.out(`imported from ${from} into ${pg.where}: ${r.claims} claims, ${r.releases} releases, ${r.notes} pinned notes, ${r.sessions} sessions`);
        for (const s of r.skipped) ctx.err(`claimboard: ${from}:${s.line}: not imported: ${s.why}`);
      }
      return r.skipped.length > 0 ? EXIT.conflict : EXIT.ok;
    } finally {
      await pg.close();
    }
  },
};

/**
 * `store hold`: this machine's store holder (src/store-pg/holder.ts), started detached by a read
 * that found none; run by hand, it says where it holds and ends when idle or on Ctrl-C.
 */
async function hold(ctx: CliContext, choice: Extract<StoreChoice, { kind: 'postgres' }>): Promise<number> {
  if (holderDisabled(ctx.env)) throw new InputError(`the store holder is turned off here (${STORE_HOLDER_ENV}=${ctx.env[STORE_HOLDER_ENV] ?? ''})`);
  const configPath = must(choice.configPath, 'the config path of a chosen store');
  const socket = holderSocketPath(choice.url, configPath);
  if (!socket) {
    const folder = holderFolder(configPath);
    throw new InputError(`no store holder: ${folder} must be a folder only you can open: run \`chmod 700 ${shellWord(folder)}\``);
  }
  const { runHolder, scramKeysPath, HolderRunningError, HOLDER_IDLE_MS } = await import('../../store-pg');
  const idle = ctx.env.CLAIMBOARD_STORE_HOLDER_IDLE ? parseDuration(ctx.env.CLAIMBOARD_STORE_HOLDER_IDLE, 'CLAIMBOARD_STORE_HOLDER_IDLE') : HOLDER_IDLE_MS;
  try {
    const why = await runHolder({ url: choice.url, socket, scramKeys: scramKeysPath(choice), idleMs: idle, log: (l) => ctx.err(`claimboard store hold: ${l}`) });
    return why.startsWith('cannot reach') ? EXIT.unexpected : EXIT.ok;
  } catch (e) {
    if (e instanceof HolderRunningError) {
      ctx.err(`claimboard store hold: ${e.message}`);
      return EXIT.ok;
    }
    throw e;
  }
}
