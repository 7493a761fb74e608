import type { Command } from '../command';
import { EXIT } from '../cli-context';
import { cliAnnouncer, closeAnnouncers, writeFlusherPid } from '../announcements';
import { parseDuration } from '../../core/duration';
import { outboxPaths } from '../../announce';

/** A background flusher gives up after this long; the next claimboard process starts another. */
const BACKGROUND_BUDGET_MS = 120_000;

export const flush: Command = {
  name: 'flush',
  usage: 'flush [--budget 60s] [--retry-failed]',
  summary: 'deliver the announcements waiting in the outbox, in order',
  options: {
    budget: { type: 'string', arg: 'DURATION', help: 'give up delivering after this long (what is left stays in the outbox)', default: '60s' },
    'retry-failed': { type: 'boolean', help: 'send again the announcements the server refused (after fixing the settings)' },
    background: { type: 'boolean', help: 'deliver silently, as the claimboard processes do after a write', default: 'budget $CLAIMBOARD_FLUSH_BUDGET, else 2m' },
  },
  examples: ['flush', 'flush --budget 5m --retry-failed'],
  async run(ctx, { values }) {
    const { announcer, loaded } = cliAnnouncer({ boardPath: ctx.boardPath, env: ctx.env, err: values.background ? () => undefined : ctx.err });
    try {
      if (values.background) {
        // Started detached by a claim: no output, deliver until empty or out of budget.
        const budget = ctx.env.CLAIMBOARD_FLUSH_BUDGET ? parseDuration(ctx.env.CLAIMBOARD_FLUSH_BUDGET) : BACKGROUND_BUDGET_MS;
        const forget = writeFlusherPid(outboxPaths(ctx.boardPath).outbox);
        try {
          await announcer.flush({ budgetMs: budget });
        } finally {
          forget();
        }
        return EXIT.ok;
      }
      const budgetMs = values.budget !== undefined ? parseDuration(String(values.budget), 'budget') : 60_000;
      if (!loaded.config && !loaded.error) {
        if (ctx.json) ctx.outJson({ configured: false, delivered: 0, pending: 0, failed: 0 });
        else ctx.out('Mattermost is not configured: nothing to deliver');
        return EXIT.ok;
      }
      const r = await announcer.flush({ budgetMs, waitForLockMs: budgetMs, retryFailed: Boolean(values['retry-failed']) });
      if (ctx.json) ctx.outJson({ ...r, error: loaded.error ?? null });
      else {
        ctx.out(`delivered ${r.delivered}; ${r.pending} pending, ${r.failed} failed`);
        if (r.busy) ctx.out('another claimboard process is delivering the rest, in order');
      }
      if (loaded.error) ctx.err(`claimboard: mattermost: ${loaded.error}`);
      else if (r.lastError && (r.pending > 0 || r.failed > 0)) ctx.err(`claimboard: mattermost: ${r.lastError}`);
      if (r.failed > 0) ctx.err('claimboard: refused messages stay in the outbox: fix the configuration, then run `claimboard flush --retry-failed`');
      return r.pending === 0 && r.failed === 0 ? EXIT.ok : EXIT.unexpected;
    } finally {
      await closeAnnouncers();
    }
  },
};
