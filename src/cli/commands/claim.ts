import type { Command } from '../command';
import { EXIT } from '../cli-context';
import { claimJson, conflictJson } from '../../core/claim-json';
import { clockSeconds, describeClaim, describeConflict, formatCountdown } from '../format';
import type { CliContext } from '../cli-context';
import { ETA_FORMS, formatDurationExact, parseDuration, parseEta, parseLeaseDuration } from '../../core/duration';
import { InputError } from '../../core/errors';
import { resolvePathKeyWithWarning } from '../../core/path-key';
import { claimWaiting } from '../../core/claim-wait';
import { leaseLength } from '../../core/claim-service';

export const claim: Command = {
  name: 'claim',
  usage: 'claim <path>... [--eta 30m|19:45] [--ttl 60m] [--shared] [--reason TEXT] [--wait DURATION] [--force]',
  summary: 'claim paths for this session (exit 3 when someone else holds them)',
  options: {
    eta: { type: 'string', arg: 'WHEN', help: `when you expect to be done: ${ETA_FORMS}`, default: 'none, shown as eta ?' },
    ttl: { type: 'string', arg: 'DURATION', help: 'the lease: the claim expires unless renewed within this time (1s to 7d)', default: '$CLAIMBOARD_TTL, else 60m' },
    shared: { type: 'boolean', help: 'a shared claim: other shared claims on the path are allowed, exclusive ones are not', default: 'exclusive' },
    reason: { type: 'string', arg: 'TEXT', help: 'what you are doing, shown to whoever the claim stops' },
    wait: { type: 'string', arg: 'DURATION', help: 'when someone else holds a path, wait up to this long for the release instead of failing', default: 'no wait: exit 3 at once' },
    force: { type: 'boolean', help: "take the paths over from their holders (announced); for a person's decision, not a session's" },
    pid: { type: 'string', arg: 'N', help: 'the process the claim belongs to: when it dies, the claim ends', default: '$CLAUDE_PID, else none' },
  },
  examples: ['claim repo/src/parser.ts --eta 30m', 'claim "repo/docs/**" --eta 19:45 --reason "release notes"', 'claim repo/src/parser.ts --wait 10m', 'claim infra:homelab-prod --shared --ttl 2h'],
  async run(ctx, { positionals, values }) {
    const session = await ctx.requireSession();
    if (positionals.length === 0) throw new InputError('claim needs at least one path');
    const now = new Date();
    const eta = values.eta !== undefined ? parseEta(String(values.eta), now) : undefined;
    const ttlMs = values.ttl !== undefined ? parseLeaseDuration(String(values.ttl), 'lease length') : undefined;
    const waitMs = values.wait !== undefined ? parseDuration(String(values.wait), 'wait') : 0;
    // Run by Claude in Bash, the claim belongs to that Claude process: when it dies, the claim ends.
    const pidText = values.pid !== undefined ? String(values.pid) : ctx.env.CLAUDE_PID;
    const pid = pidText !== undefined && pidText !== '' ? Number(pidText) : undefined;
    if (pid !== undefined && !(Number.isInteger(pid) && pid > 0)) throw new InputError(`bad --pid ${pidText}`);
    if (values.force && waitMs > 0) throw new InputError('use either --force or --wait, not both');
    const resolved = positionals.map((p) => resolvePathKeyWithWarning(p, ctx.cwd));
    for (const r of resolved) if (r.warning) ctx.err(`claimboard: warning: ${r.warning}`);
    const paths = resolved.map((r) => r.key);
    const files = resolved.filter((r) => r.file).map((r) => r.key);
    const service = ctx.service();
    const request = {
      paths,
      eta,
      ttlMs,
      mode: values.shared ? ('shared' as const) : ('exclusive' as const),
      reason: values.reason as string | undefined,
      force: Boolean(values.force),
      pid,
      files,
    };
    // Said before the first wait (and when whom it waits for changes): a person, a test or Claude
    // sees why the command has not returned, whom it waits for and until when.
    const until = new Date(Date.now() + waitMs);
    const progress = waitProgress(ctx, until);
    let result;
    try {
      result = await claimWaiting(service, session, request, waitMs, (refused) => {
        progress.clear();
        const now = new Date();
        for (const k of refused.conflicts)
          ctx.err(`claimboard: ${describeConflict(k, now)}; waiting up to ${values.wait}, until ${clockSeconds(until)} (${formatCountdown(until.getTime() - now.getTime())} from now)`);
        progress.start(refused.conflicts.map((k) => k.holder.session));
      });
    } finally {
      progress.clear();
    }
    const shown = new Date();
    if (ctx.json) {
      ctx.outJson({
        granted: result.granted.map(claimJson),
        renewed: result.renewed.map(claimJson),
        conflicts: values.force ? [] : result.conflicts.map(conflictJson),
        takenOver: result.takenOver.map(claimJson),
      });
    }
    if (result.conflicts.length > 0 && !values.force) {
      for (const k of result.conflicts) ctx.err(`claimboard: ${describeConflict(k, shown)}`);
      if (waitMs > 0) ctx.err(`claimboard: still held after waiting ${values.wait}`);
      return EXIT.conflict;
    }
    if (!ctx.json) {
      for (const c of result.takenOver) ctx.out(`took over from ${c.session}: ${c.path}`);
      for (const c of result.granted) ctx.out(`claimed ${describeClaim(c, shown)}`);
      for (const c of result.renewed) ctx.out(`renewed ${describeClaim(c, shown)}`);
    }
    // A lease shorter than this command took has ended already: never report it as simply held.
    for (const c of [...result.granted, ...result.renewed]) {
      if (c.expires.getTime() <= shown.getTime()) ctx.err(`claimboard: the lease on ${c.path} already ended (${formatDurationExact(leaseLength(c))}): claim it with a longer --ttl`);
    }
    return EXIT.ok;
  },
};

/**
 * On a terminal, one line under the messages counts down while the claim waits, rewritten in
 * place every second and erased when the wait ends; piped, nothing (the messages say it all).
 */
function waitProgress(ctx: CliContext, until: Date): { start(holders: string[]): void; clear(): void } {
  const tty = ctx.stderrIsTTY;
  let timer: NodeJS.Timeout | undefined;
  let shown = false;
  const clear = () => {
    if (timer) clearInterval(timer);
    timer = undefined;
    if (shown) ctx.errRaw('\r\x1b[K');
    shown = false;
  };
  return {
    start(holders) {
      if (!tty) return;
      const names = [...new Set(holders)].join(', ');
      const draw = () => {
        const left = formatCountdown(until.getTime() - Date.now());
        ctx.errRaw(`\r\x1b[K  waiting for ${names} to release: ${left} left (until ${clockSeconds(until)}); Ctrl-C to stop`);
        shown = true;
      };
      draw();
      timer = setInterval(draw, 1000);
      timer.unref();
    },
    clear,
  };
}
