/**
 * What the person said to this session in Mattermost (an answer, a handover, a message), taken
 * from the session's inbox once, in words for Claude's context. The listener fills the inbox;
 * a hook only reads it, so it costs one `stat` when nothing waits and never touches the network.
 */
import { takeInbox } from '../core/inbox';

/** At most this much of the person's words goes into one hook's context; the rest waits. */
const MAX_CONTEXT_CHARS = 4_000;

export async function personContext(boardPath: string, session: string): Promise<string | undefined> {
  let messages;
  try {
    messages = await takeInbox(boardPath, session);
  } catch {
    // A busy inbox lock: the messages stay for the next hook call.
    return undefined;
  }
  if (messages.length === 0) return undefined;
  const lines = ['From the person, in Mattermost (claimboard):'];
  let size = lines[0]!.length;
  for (const m of messages) {
    const line = `- ${m.text}`;
    if (size + line.length > MAX_CONTEXT_CHARS) {
      lines.push(`- …and ${messages.length - lines.length + 1} more; \`claimboard recap\` shows the channel`);
      break;
    }
    lines.push(line);
    size += line.length;
  }
  return lines.join('\n');
}
