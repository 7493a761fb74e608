/**
 * `claimboard mattermost test`: the settings checked against the server, one plain line per
 * step (who am I, is the channel there, may I post in it), stopping at the first failure with a
 * hint at the likely cause. Never prints a secret.
 */
import { type AnnounceConfig, NOT_CONFIGURED, WEBHOOK_ONLY, describeDestination } from './config';
import type { DeliveryError, MattermostClient } from './mattermost-client';

export interface CheckLine {
  ok: boolean;
  /** A line that does not fail the check but needs the person's attention. */
  warning?: boolean;
  text: string;
}

export interface CheckInput {
  config?: AnnounceConfig;
  error?: string;
  client: () => MattermostClient;
  resolveChannel: (signal: AbortSignal) => Promise<string>;
  rememberChannel: (channelId: string) => Promise<void>;
  mask: (text: string) => string;
}

/** Each call gets this long: a check that hangs is itself the answer. */
const STEP_TIMEOUT_MS = 10_000;

export async function checkDestination(input: CheckInput): Promise<CheckLine[]> {
  const lines: CheckLine[] = [];
  const c = input.config;
  if (!c) {
    lines.push({ ok: false, text: input.error ?? NOT_CONFIGURED });
    return lines;
  }
  lines.push({ ok: true, text: `destination: ${describeDestination(c)}` });
  for (const s of c.sources) lines.push({ ok: true, text: `  ${s}` });
  lines.push(c.mention ? { ok: true, text: `@me in questions becomes @${c.mention}` } : { ok: true, warning: true, text: 'no mention set (CLAIMBOARD_MENTION): questions will not notify you' });
  const client = input.client();
  const signal = () => AbortSignal.timeout(STEP_TIMEOUT_MS);
  const d = c.destination;
  try {
    if (d.kind === 'webhook') {
      // A webhook cannot be asked anything: posting is the only check there is.
      await client.postWebhook(d.webhookUrl, { text: '[claimboard] test — this webhook works', channel: d.channel }, signal());
      lines.push({ ok: true, text: 'posted a test message through the webhook' });
      lines.push({ ok: true, warning: true, text: WEBHOOK_ONLY });
      return lines;
    }
    const me = await client.getMe(d.serverUrl, d.token, signal());
    lines.push({ ok: true, text: `the token belongs to @${me.username}` });
    const channelId = await input.resolveChannel(signal());
    const channel = await client.getChannel(d.serverUrl, d.token, channelId, signal());
    lines.push({ ok: true, text: `channel ${channel.display_name || channel.name} (${channelId}) is readable` });
    await input.rememberChannel(channelId);
    await client.memberOfChannel(d.serverUrl, d.token, channelId, signal());
    lines.push({ ok: true, text: `@${me.username} is a member of the channel and can post there` });
  } catch (err) {
    const e = err as DeliveryError;
    const hint =
      e.status === 401
        ? ' — the token is wrong or expired'
        : e.status === 403
          ? ' — the token lacks permission for that channel'
          : e.status === 404
            ? ' — not found: check the channel (team/channel or id) and that the bot is in the team'
            : e.status === 400 && d.kind === 'webhook'
              ? ' — the server does not know this webhook'
              : e.kind === 'retry'
                ? ' — the server is unreachable or not answering'
                : '';
    lines.push({ ok: false, text: input.mask(`${e.message}${hint}`) });
  }
  return lines;
}
