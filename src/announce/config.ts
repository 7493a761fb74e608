/**
 * Where announcements go: an incoming webhook, or a server URL + token + channel. Read from the
 * user's config file and the environment (the environment wins, field by field), resolved once
 * into a fully defaulted `AnnounceConfig` so nothing downstream handles half-set settings.
 */
import * as fs from 'node:fs';
import { maskUrl } from './secrets';
import { normalizeUsername } from './decision';
import { defaultConfigPath } from '../core/config-path';

/** Where the config file is: the core decides (the shared store's settings live in it too). */
export { defaultConfigPath };

export type AnnounceDestination =
  | { kind: 'webhook'; webhookUrl: string; /** Channel override sent with each post. */ channel?: string }
  | { kind: 'rest'; serverUrl: string; token: string; /** A channel id, or `team/channel`. */ channel: string };

export interface AnnounceConfig {
  destination: AnnounceDestination;
  /** The human's Mattermost username (no `@`): `@me` in questions becomes `@<mention>`. */
  mention?: string;
  /**
   * Other people whose replies and reactions decide (`humans`, `CLAIMBOARD_HUMANS`), lowercase,
   * no `@`. With `mention`, these are the only people whose words act (see `deciders`).
   */
  humans?: string[];
  /** Where each setting came from, for `claimboard mattermost test` (never the values). */
  sources: string[];
}

export interface LoadedAnnounceConfig {
  /** Undefined when nothing is configured (nothing is posted) or when `error` is set. */
  config?: AnnounceConfig;
  /** One line saying what is wrong and how to fix it; never contains a secret. */
  error?: string;
  /** True when at least one Mattermost setting was found (so `error` means "broken", not "off"). */
  configured: boolean;
  configPath: string;
}

export interface LoadConfigOptions {
  env?: NodeJS.ProcessEnv;
  /** Settings of the calling host (VS Code's settings and secret storage), ahead of the environment. */
  overrides?: AnnounceOverrides;
  /** Overrides the `$XDG_CONFIG_HOME/claimboard/config.json` location. */
  configPath?: string;
  /** Checked on POSIX only: a config file holding a secret must not be readable by others. */
  checkPermissions?: boolean;
}

interface RawSettings {
  url?: string;
  token?: string;
  channel?: string;
  webhook?: string;
  mention?: string;
  /** Comma-separated usernames (the config file may also give an array). */
  humans?: string;
}

/** Mattermost settings a host supplies itself, each winning over the environment and the file. */
export interface AnnounceOverrides extends RawSettings {
  /** Named in `sources`, e.g. "VS Code settings". */
  from: string;
}

export const ENV = {
  url: 'CLAIMBOARD_MATTERMOST_URL',
  token: 'CLAIMBOARD_MATTERMOST_TOKEN',
  channel: 'CLAIMBOARD_MATTERMOST_CHANNEL',
  webhook: 'CLAIMBOARD_MATTERMOST_WEBHOOK',
  mention: 'CLAIMBOARD_MENTION',
  humans: 'CLAIMBOARD_HUMANS',
} as const;

/** Never throws: a bad setting becomes `error`, and announcements are queued but not sent. */
export function loadAnnounceConfig(options: LoadConfigOptions = {}): LoadedAnnounceConfig {
  const env = options.env ?? process.env;
  const configPath = options.configPath ?? env.CLAIMBOARD_CONFIG ?? defaultConfigPath(env);
  const fail = (error: string): LoadedAnnounceConfig => ({ error, configured: true, configPath });

  const file: RawSettings = {};
  let fileHasSecret = false;
  let text: string | undefined;
  try {
    text = fs.readFileSync(configPath, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') return fail(`cannot read ${configPath}: ${(err as Error).message}`);
  }
  if (text !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      // The parser's message can quote the file's text, which may hold the token.
      void err;
      return fail(`${configPath} is not valid JSON`);
    }
    const section = (parsed as { mattermost?: unknown } | null)?.mattermost;
    if (section !== undefined) {
      if (typeof section !== 'object' || section === null || Array.isArray(section)) return fail(`${configPath}: "mattermost" must be an object`);
      for (const key of ['url', 'token', 'channel', 'webhook', 'mention', 'humans'] as const) {
        let v = (section as Record<string, unknown>)[key];
        if (v === undefined || v === null || v === '') continue;
        if (key === 'humans' && Array.isArray(v) && v.every((x) => typeof x === 'string')) v = v.join(',');
        if (typeof v !== 'string') return fail(`${configPath}: mattermost.${key} must be a string`);
        file[key] = v.trim();
      }
      fileHasSecret = Boolean(file.token || file.webhook);
    }
    if (fileHasSecret && options.checkPermissions !== false && process.platform !== 'win32') {
      const mode = fs.statSync(configPath).mode & 0o777;
      if (mode & 0o077) {
        return fail(`${configPath} holds a Mattermost secret but other users can read it (mode ${mode.toString(8)}): run \`chmod 600 ${configPath}\``);
      }
    }
  }

  const sources: string[] = [];
  const pick = (key: keyof RawSettings): string | undefined => {
    const fromHost = options.overrides?.[key]?.trim();
    if (fromHost) {
      sources.push(`${key} from ${options.overrides?.from}`);
      return fromHost;
    }
    const fromEnv = env[ENV[key]]?.trim();
    if (fromEnv) {
      sources.push(`${key} from $${ENV[key]}`);
      return fromEnv;
    }
    if (file[key]) {
      sources.push(`${key} from ${configPath}`);
      return file[key];
    }
    return undefined;
  };
  const s: RawSettings = { url: pick('url'), token: pick('token'), channel: pick('channel'), webhook: pick('webhook'), mention: pick('mention'), humans: pick('humans') };
  const configured = Boolean(s.url || s.token || s.webhook || s.channel);
  if (!configured) return { configured: false, configPath };

  let mention: string | undefined;
  if (s.mention) {
    mention = s.mention.replace(/^@/, '');
    if (!/^[a-z0-9._-]+$/i.test(mention)) return fail(`mention "${mention}" is not a Mattermost username (letters, digits, . _ -)`);
    // These are not people: each would notify everyone in the channel on every question.
    if (/^(channel|all|here)$/i.test(mention)) return fail(`mention "${mention}" would notify the whole channel: set CLAIMBOARD_MENTION to your own username`);
  }
  const humans: string[] = [];
  for (const raw of (s.humans ?? '').split(',')) {
    const h = normalizeUsername(raw);
    if (h === '') continue;
    if (!/^[a-z0-9._-]+$/.test(h)) return fail(`humans: "${h}" is not a Mattermost username (letters, digits, . _ -); give usernames separated by commas`);
    if (/^(channel|all|here)$/.test(h)) return fail(`humans: "${h}" is not a person: list usernames in ${ENV.humans}`);
    if (!humans.includes(h)) humans.push(h);
  }

  if (s.token || s.url) {
    if (!s.url) return fail(`a Mattermost token is set but not the server URL: set ${ENV.url} or mattermost.url`);
    if (!s.token) {
      if (!s.webhook) return fail(`a Mattermost server URL is set but no token: set ${ENV.token} or mattermost.token (or use a webhook)`);
    } else {
      if (!s.channel) return fail(`a Mattermost token is set but no channel: set ${ENV.channel} to a channel id or team/channel`);
      const url = httpUrl(s.url);
      if (!url) return fail(`Mattermost URL ${maskUrl(s.url)} is not an http(s) URL`);
      if (!isChannelRef(s.channel)) return fail(`channel "${s.channel}" is neither a channel id nor team/channel`);
      return { config: { destination: { kind: 'rest', serverUrl: url.replace(/\/+$/, ''), token: s.token, channel: s.channel }, mention, humans, sources }, configured, configPath };
    }
  }
  if (s.webhook) {
    const url = httpUrl(s.webhook);
    if (!url) return fail(`webhook ${maskUrl(s.webhook)} is not an http(s) URL`);
    return { config: { destination: { kind: 'webhook', webhookUrl: url, channel: s.channel }, mention, humans, sources }, configured, configPath };
  }
  return fail(`a Mattermost channel is set but neither a webhook nor a token: set ${ENV.webhook}, or ${ENV.url} and ${ENV.token}`);
}

/**
 * Who decides: the `mention` user plus the `humans`, lowercase. Only their replies and reactions
 * act; anyone else (another user, a bot, claimboard's own posts) is at most shown as a message.
 */
export function deciders(config: Pick<AnnounceConfig, 'mention' | 'humans'>): Set<string> {
  const out = new Set((config.humans ?? []).map(normalizeUsername));
  if (config.mention) out.add(normalizeUsername(config.mention));
  return out;
}

/** `id` (26 lowercase letters/digits) or `team/channel` (URL names). */
export function isChannelRef(channel: string): boolean {
  return /^[a-z0-9]{26}$/.test(channel) || /^[a-z0-9._-]+\/[a-z0-9._-]+$/i.test(channel);
}

/** What a person may see about the destination: the secret parts masked. */
export function describeDestination(config: AnnounceConfig): string {
  const d = config.destination;
  return d.kind === 'webhook' ? `incoming webhook ${maskUrl(d.webhookUrl)}${d.channel ? ` (channel ${d.channel})` : ''}` : `${maskUrl(d.serverUrl)} channel ${d.channel} with a token`;
}

export function secretsOf(config: AnnounceConfig | undefined): string[] {
  if (!config) return [];
  const d = config.destination;
  if (d.kind === 'rest') return [d.token];
  const id = /\/hooks\/([^/?#]+)/.exec(d.webhookUrl)?.[1];
  return id ? [id] : [];
}

/**
 * What `mattermost test` and `status` say with an incoming webhook only: it can post, but
 * nothing can come back from the channel, and which settings would change that.
 */
export const WEBHOOK_ONLY =
  `webhook only: announcements go out, but nothing comes back (no replies, decisions or channel recap; the recap reads this machine's journal); ` +
  `to read the channel set ${ENV.url}, ${ENV.token} and ${ENV.channel}`;

/** What `mattermost test` and `ask` say when nothing is configured: the settings to give. */
export const NOT_CONFIGURED =
  'Mattermost is not configured: set CLAIMBOARD_MATTERMOST_WEBHOOK (an incoming webhook URL), or CLAIMBOARD_MATTERMOST_URL, ' +
  'CLAIMBOARD_MATTERMOST_TOKEN and CLAIMBOARD_MATTERMOST_CHANNEL (team/channel), in the environment or in ~/.config/claimboard/config.json; ' +
  'CLAIMBOARD_MENTION is your username (see README, "Mattermost")';

function httpUrl(raw: string): string | undefined {
  try {
    const u = new URL(raw);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.toString().replace(/\/+$/, '') : undefined;
  } catch {
    return undefined;
  }
}
