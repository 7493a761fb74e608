/**
 * The JSON Claude Code sends a hook on stdin, checked field by field. A guard must decide on
 * whatever arrives (a crash lets the edit through), so parsing never throws: it returns either
 * the input, typed with the official SDK shapes, or a one-line reason.
 */
import type { NotificationHookInput, PostToolUseHookInput, PreToolUseHookInput, SessionEndHookInput, SessionStartHookInput, UserPromptSubmitHookInput } from '@anthropic-ai/claude-agent-sdk' with {
  'resolution-mode': 'import',
};
import * as fs from 'node:fs';
import { CLAUDE_EVENT_NAME, HOOK_EVENTS, type HookEventArg } from './hook-settings';

export type ClaimboardHookInput = SessionStartHookInput | PreToolUseHookInput | PostToolUseHookInput | UserPromptSubmitHookInput | NotificationHookInput | SessionEndHookInput;

export type ParsedHookInput = { ok: true; input: ClaimboardHookInput } | { ok: false; error: string; deny?: boolean };

export function isHookEventArg(s: string): s is HookEventArg {
  return (HOOK_EVENTS as readonly string[]).includes(s);
}

/**
 * @param truncated the input was cut at MAX_HOOK_INPUT_BYTES: only its first fields are read,
 *   and an edit whose file cannot be found among them is refused (`deny`), never let through.
 */
export function parseHookInput(text: string, event: HookEventArg, truncated = false): ParsedHookInput {
  let raw: unknown;
  if (truncated) {
    raw = salvageHookInput(text);
    const file = raw ? editedFile(String((raw as Record<string, unknown>).tool_name), (raw as Record<string, unknown>).tool_input) : undefined;
    if (event === 'pre-tool-use' && !file) {
      return {
        ok: false,
        deny: true,
        error: `hook input is larger than ${MAX_HOOK_INPUT_BYTES / 1024 / 1024} MB and the file it edits is not at its start, so claimboard cannot check it; write it in smaller parts`,
      };
    }
    if (!raw) return { ok: false, error: `hook input is larger than ${MAX_HOOK_INPUT_BYTES / 1024 / 1024} MB and its first fields could not be read` };
  } else {
    try {
      raw = JSON.parse(text);
    } catch (e) {
      return { ok: false, error: `hook input is not JSON (${(e as Error).message.replace(/\s+/g, ' ').slice(0, 120)})` };
    }
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { ok: false, error: 'hook input is not a JSON object' };
  const fields = raw as Record<string, unknown>;
  for (const field of ['session_id', 'cwd'] as const) {
    if (typeof fields[field] !== 'string' || fields[field] === '') return { ok: false, error: `hook input has no "${field}" string` };
  }
  const expected = CLAUDE_EVENT_NAME[event];
  // Claude Code always sends the name; a hand-run test may leave it out, the argument decides then.
  if (fields.hook_event_name !== undefined && fields.hook_event_name !== expected) {
    return { ok: false, error: `hook input is for ${String(fields.hook_event_name)}, not ${expected} (check the hook's command in settings.json)` };
  }
  fields.hook_event_name = expected;
  if (typeof fields.transcript_path !== 'string') fields.transcript_path = '';
  if (event === 'pre-tool-use' || event === 'post-tool-use') {
    if (typeof fields.tool_name !== 'string') return { ok: false, error: 'hook input has no "tool_name" string' };
    if (typeof fields.tool_input !== 'object' || fields.tool_input === null) return { ok: false, error: 'hook input has no "tool_input" object' };
  }
  if (event === 'session-end' && typeof fields.reason !== 'string') fields.reason = 'other';
  if (event === 'session-start' && typeof fields.source !== 'string') fields.source = 'startup';
  if (event === 'user-prompt-submit' && typeof fields.prompt !== 'string') fields.prompt = '';
  if (event === 'notification') {
    if (typeof fields.message !== 'string') fields.message = '';
    if (typeof fields.notification_type !== 'string') fields.notification_type = '';
  }
  return { ok: true, input: fields as unknown as ClaimboardHookInput };
}

/** The file an edit tool writes, from its input; undefined for tools that write no single file. */
export function editedFile(toolName: string, toolInput: unknown): string | undefined {
  if (typeof toolInput !== 'object' || toolInput === null) return undefined;
  const i = toolInput as Record<string, unknown>;
  if (toolName === 'NotebookEdit') return typeof i.notebook_path === 'string' ? i.notebook_path : undefined;
  if (toolName === 'Edit' || toolName === 'Write' || toolName === 'MultiEdit') return typeof i.file_path === 'string' ? i.file_path : undefined;
  return undefined;
}

/**
 * The most of a hook's stdin claimboard reads. Claude Code sends a Write's whole content; a
 * JSON string past ~512 MB cannot even be made in Node, and nothing past the first fields is
 * needed to decide: what is left is read as a prefix (see salvageHookInput).
 */
export const MAX_HOOK_INPUT_BYTES = 16 * 1024 * 1024;

export interface HookStdin {
  text: string;
  /** More bytes followed: `text` is only the first MAX_HOOK_INPUT_BYTES. */
  truncated: boolean;
}

/** Reads at most `max` bytes of `fd`, synchronously (hooks read all of stdin before deciding). */
export function readHookStdin(fd: number, max = MAX_HOOK_INPUT_BYTES, readSync: typeof fs.readSync = fs.readSync): HookStdin {
  const chunks: Buffer[] = [];
  let len = 0;
  for (;;) {
    // Chunks, not one buffer of `max`: almost every input is a few hundred bytes.
    const buf = Buffer.allocUnsafe(Math.min(1 << 20, max + 1 - len));
    let n: number;
    try {
      n = readSync(fd, buf, 0, buf.length, null);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN') {
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
        continue;
      }
      if (code === 'EOF') break;
      throw e;
    }
    if (n === 0) break;
    chunks.push(buf.subarray(0, n));
    len += n;
    if (len > max) return { text: Buffer.concat(chunks).toString('utf8', 0, max), truncated: true };
  }
  return { text: Buffer.concat(chunks).toString('utf8'), truncated: false };
}

/**
 * The fields a decision needs, from the start of a hook input cut short: top-level strings
 * (`session_id`, `cwd`, `tool_name`, …) and `tool_input`'s strings read before the cut.
 * A small JSON scanner, not a search: a `"file_path"` inside the content is inside a string.
 */
function salvageHookInput(prefix: string): Record<string, unknown> | undefined {
  const top: Record<string, unknown> = {};
  const toolInput: Record<string, string> = {};
  let i = 0;
  const ws = () => {
    while (i < prefix.length && /\s/.test(prefix.charAt(i))) i++;
  };
  const str = (): string | undefined => {
    if (prefix[i] !== '"') return undefined;
    let j = i + 1;
    while (j < prefix.length && prefix[j] !== '"') j += prefix[j] === '\\' ? 2 : 1;
    if (j >= prefix.length) return undefined;
    const raw = prefix.slice(i, j + 1);
    i = j + 1;
    try {
      return JSON.parse(raw) as string;
    } catch {
      return undefined;
    }
  };
  /** Skips one value (object/array/literal), or returns false at the cut. */
  const skip = (): boolean => {
    ws();
    if (prefix[i] === '"') return str() !== undefined;
    if (prefix[i] === '{' || prefix[i] === '[') {
      let depth = 0;
      while (i < prefix.length) {
        const c = prefix[i];
        if (c === '"') {
          if (str() === undefined) return false;
          continue;
        }
        if (c === '{' || c === '[') depth++;
        if (c === '}' || c === ']') {
          depth--;
          if (depth === 0) {
            i++;
            return true;
          }
        }
        i++;
      }
      return false;
    }
    while (i < prefix.length && !/[,}\]]/.test(prefix.charAt(i))) i++;
    return i < prefix.length;
  };
  /** Reads `{ "k": v, … }`, calling `onString` for string values; stops quietly at the cut. */
  const object = (onString: (k: string, v: string) => void, onObject?: (k: string) => boolean): void => {
    ws();
    if (prefix[i] !== '{') return;
    i++;
    for (;;) {
      ws();
      const k = str();
      if (k === undefined) return;
      ws();
      if (prefix[i] !== ':') return;
      i++;
      ws();
      if (prefix[i] === '"') {
        const v = str();
        if (v === undefined) return;
        onString(k, v);
      } else if (prefix[i] === '{' && onObject?.(k)) {
        // handled by onObject
      } else if (!skip()) return;
      ws();
      if (prefix[i] !== ',') return;
      i++;
    }
  };
  object(
    (k, v) => {
      top[k] = v;
    },
    (k) => {
      if (k !== 'tool_input') return false;
      object((k2, v2) => {
        toolInput[k2] = v2;
      });
      // The cut falls inside tool_input (that is where the bulk is): nothing after it is read.
      i = prefix.length;
      return true;
    },
  );
  if (typeof top.session_id !== 'string' || typeof top.cwd !== 'string') return undefined;
  return { ...top, tool_input: toolInput };
}
