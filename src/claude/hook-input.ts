/**
 * The JSON Claude Code sends a hook on stdin, checked field by field. A guard must decide on
 * whatever arrives (a crash lets the edit through), so parsing never throws: it returns either
 * the input, typed with the official SDK shapes, or a one-line reason.
 */
import type {
  PostToolUseHookInput,
  PreToolUseHookInput,
  SessionEndHookInput,
  SessionStartHookInput,
  UserPromptSubmitHookInput,
} from '@anthropic-ai/claude-agent-sdk' with { 'resolution-mode': 'import' };
import { CLAUDE_EVENT_NAME, HOOK_EVENTS, type HookEventArg } from './hook-settings';

export type ClaimboardHookInput =
  | SessionStartHookInput
  | PreToolUseHookInput
  | PostToolUseHookInput
  | UserPromptSubmitHookInput
  | SessionEndHookInput;

export type ParsedHookInput = { ok: true; input: ClaimboardHookInput } | { ok: false; error: string };

export function isHookEventArg(s: string): s is HookEventArg {
  return (HOOK_EVENTS as readonly string[]).includes(s);
}

export function parseHookInput(text: string, event: HookEventArg): ParsedHookInput {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    return { ok: false, error: `hook input is not JSON (${(e as Error).message.replace(/\s+/g, ' ').slice(0, 120)})` };
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { ok: false, error: 'hook input is not a JSON object' };
  const o = raw as Record<string, unknown>;
  for (const field of ['session_id', 'cwd'] as const) {
    if (typeof o[field] !== 'string' || o[field] === '') return { ok: false, error: `hook input has no "${field}" string` };
  }
  const expected = CLAUDE_EVENT_NAME[event];
  // Claude Code always sends the name; a hand-run test may leave it out, the argument decides then.
  if (o.hook_event_name !== undefined && o.hook_event_name !== expected) {
    return { ok: false, error: `hook input is for ${String(o.hook_event_name)}, not ${expected} (check the hook's command in settings.json)` };
  }
  o.hook_event_name = expected;
  if (typeof o.transcript_path !== 'string') o.transcript_path = '';
  if (event === 'pre-tool-use' || event === 'post-tool-use') {
    if (typeof o.tool_name !== 'string') return { ok: false, error: 'hook input has no "tool_name" string' };
    if (typeof o.tool_input !== 'object' || o.tool_input === null) return { ok: false, error: 'hook input has no "tool_input" object' };
  }
  if (event === 'session-end' && typeof o.reason !== 'string') o.reason = 'other';
  if (event === 'session-start' && typeof o.source !== 'string') o.source = 'startup';
  if (event === 'user-prompt-submit' && typeof o.prompt !== 'string') o.prompt = '';
  return { ok: true, input: o as unknown as ClaimboardHookInput };
}

/** The file an edit tool writes, from its input; undefined for tools that write no single file. */
export function editedFile(toolName: string, toolInput: unknown): string | undefined {
  if (typeof toolInput !== 'object' || toolInput === null) return undefined;
  const i = toolInput as Record<string, unknown>;
  if (toolName === 'NotebookEdit') return typeof i.notebook_path === 'string' ? i.notebook_path : undefined;
  if (toolName === 'Edit' || toolName === 'Write' || toolName === 'MultiEdit') return typeof i.file_path === 'string' ? i.file_path : undefined;
  return undefined;
}
