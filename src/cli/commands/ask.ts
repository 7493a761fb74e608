import type { Command } from '../command';
import { EXIT } from '../cli-context';
import { cliAnnouncer } from '../announcements';
import { InputError } from '../../core/errors';
import { isFileSystemArgument, resolvePathKey } from '../../core/path-key';
import { parseDuration } from '../../core/duration';
import type { CliContext } from '../cli-context';
import type { Announcer } from '../../announce';

/**
 * Three forms, because the hooks tell Claude to ask in words:
 *   ask "<question>"                  the question, to the person (mentioned)
 *   ask "<question>" --about <path>   "<holder> is holding <path> — <question>, OK to interrupt?"
 *   ask <path> [--message TEXT]       the first release's form, kept
 * One word that looks like a path (a `/` or `:` in it, or a file that is there) is read as the
 * last form; anything else is a question.
 */
export const ask: Command = {
  name: 'ask',
  usage: 'ask "<question>" [--about PATH] [--wait DURATION] | ask PATH [--message TEXT]',
  summary: 'ask the human in the channel a question, or whether to interrupt whoever holds a path; --wait for the answer',
  options: {
    about: { type: 'string', arg: 'PATH', help: 'ask whether to interrupt whoever holds PATH (their name goes into the question)' },
    message: { type: 'string', short: 'm', arg: 'TEXT', help: 'with a PATH as the argument: the question about it', default: 'OK to interrupt?' },
    wait: { type: 'string', arg: 'DURATION', help: "wait up to DURATION for the person's answer and print it (exit 0 answered, 3 no or no answer; needs a token)" },
  },
  examples: ['ask "Which branch should the parser fix go to?"', 'ask "I need the schema for the migration" --about repo/db/schema.sql --wait 10m'],
  async run(ctx, { positionals, values }) {
    const waitMs = values.wait !== undefined ? parseDuration(String(values.wait), '--wait') : undefined;
    const session = await ctx.requireSession();
    if (positionals.length !== 1) throw new InputError('ask needs exactly one question in quotes (or one path with --message)');
    const text = positionals[0] ?? '';
    if (text.trim() === '') throw new InputError('the question is empty');
    const about = values.about as string | undefined;
    const message = values.message as string | undefined;
    if (about !== undefined && message !== undefined) throw new InputError('use either ask "<question>" --about PATH or ask PATH --message TEXT, not both');

    let question: string | undefined = text;
    let pathArg: string | undefined = about;
    if (message !== undefined) {
      pathArg = text;
      question = message;
    } else if (about === undefined && looksLikePath(text, ctx.cwd)) {
      pathArg = text;
      question = undefined;
    }

    let holder: { session: string; path: string } | undefined;
    if (pathArg !== undefined) {
      if (pathArg.trim() === '') throw new InputError('--about needs a path');
      const key = resolvePathKey(pathArg, ctx.cwd);
      const conflict = (await ctx.service().check(session, [key]))[0];
      if (!conflict) throw new InputError(`nobody else holds ${key}: it is free to claim`);
      holder = { session: conflict.holder.session, path: conflict.holder.path };
    }

    const { announcer, loaded } = cliAnnouncer({ boardPath: ctx.boardPath, env: ctx.env, err: ctx.err });
    if (!loaded.configured) throw new InputError('Mattermost is not configured, so there is nobody to ask (see README, "Mattermost")');
    if (waitMs !== undefined && loaded.config?.destination.kind !== 'rest') {
      throw new InputError('--wait needs a Mattermost token (CLAIMBOARD_MATTERMOST_URL, _TOKEN, _CHANNEL): with a webhook only, no answer can come back');
    }
    const started = Date.now();
    const r = await announcer.ask({ session, holder: holder?.session, path: holder?.path, message: question });
    if (waitMs !== undefined && r.id) return waitAndPrint(ctx, { announcer, session, outboxId: r.id, deadline: started + waitMs, about: holder?.path, waitMs });
    if (r.error) ctx.err(`claimboard: mattermost: ${r.error}`);
    const delivered = r.delivered > 0;
    if (ctx.json) ctx.outJson({ asked: true, question: question ?? null, holder: holder?.session ?? null, path: holder?.path ?? null, delivered });
    else if (holder) ctx.out(`asked about ${holder.path} (held by ${holder.session})${delivered ? '' : '; queued for delivery'}`);
    else ctx.out(`asked${delivered ? '' : '; queued for delivery'}`);
    return EXIT.ok;
  },
};

function looksLikePath(text: string, cwd: string): boolean {
  const t = text.trim();
  return !/\s/.test(t) && (/[/:]/.test(t) || isFileSystemArgument(t, cwd));
}

/**
 * `--wait`: prints the answer (or that none came) and exits 0 when answered (for `--about`,
 * when the asker now holds the path), 3 when the answer is no or the time passed without one.
 */
async function waitAndPrint(ctx: CliContext, o: { announcer: Announcer; session: string; outboxId: string; deadline: number; about?: string; waitMs: number }): Promise<number> {
  const [{ waitForDecision, waitText }, { pollIntervalFromEnv }] = await Promise.all([import('../../announce/ask-wait'), import('../../announce/channel-reader')]);
  const {
    result: r,
    json,
    ok,
  } = await waitForDecision({
    announcer: o.announcer,
    boardPath: ctx.boardPath,
    outboxId: o.outboxId,
    deadline: o.deadline,
    intervalMs: pollIntervalFromEnv(ctx.env, (t) => parseDuration(t, 'CLAIMBOARD_POLL_INTERVAL')),
    service: () => ctx.service(),
    session: o.session,
    about: o.about,
    status: () => ctx.service().status(),
  });
  ctx.out(ctx.json ? JSON.stringify(json, null, 2) : waitText(r, json.holds, o.about, o.waitMs));
  return ok ? EXIT.ok : EXIT.conflict;
}
