/**
 * An optional speed-up of the listener: Mattermost's websocket (`/api/v4/websocket`) says at once
 * when a post lands or a reaction is added in the channel, and the listener then reads by REST
 * right away instead of at its next poll. Never required: REST polling stays the one source of
 * what was said; when the websocket cannot connect (a proxy blocks it, an old server), or drops,
 * nothing changes but the delay, and it is tried again no faster than the poll interval.
 */

function undiciWebSocket(): typeof import('undici').WebSocket {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('undici') as typeof import('undici')).WebSocket;
}

export interface ChannelWake {
  close(): void;
}

/** `CLAIMBOARD_WEBSOCKET=off` keeps the listener to REST polling alone. */
export function websocketWanted(env: NodeJS.ProcessEnv): boolean {
  return !/^(off|0|false|no)$/i.test(env.CLAIMBOARD_WEBSOCKET?.trim() ?? '');
}

export function wakeOnChannelEvents(o: { serverUrl: string; token: string; channelId: string; retryMs: number; onEvent: () => void; onError?: (message: string) => void }): ChannelWake {
  let closed = false;
  let socket: InstanceType<ReturnType<typeof undiciWebSocket>> | undefined;
  let timer: NodeJS.Timeout | undefined;
  const url = `${o.serverUrl.replace(/^http/i, 'ws')}/api/v4/websocket`;
  const connect = () => {
    if (closed) return;
    try {
      const WebSocket = undiciWebSocket();
      socket = new WebSocket(url, { headers: { authorization: `Bearer ${o.token}` } });
    } catch (err) {
      o.onError?.(`websocket: ${(err as Error).message}`);
      return retry();
    }
    socket.addEventListener('message', (ev) => {
      try {
        const m = JSON.parse(String(ev.data)) as { event?: string; broadcast?: { channel_id?: string } };
        if ((m.event === 'posted' || m.event === 'reaction_added') && m.broadcast?.channel_id === o.channelId) o.onEvent();
      } catch {
        // Not an event we read.
      }
    });
    socket.addEventListener('error', () => o.onError?.('websocket: could not connect or was dropped; reading by polling'));
    socket.addEventListener('close', () => retry());
  };
  const retry = () => {
    socket = undefined;
    if (closed || timer) return;
    timer = setTimeout(() => {
      timer = undefined;
      connect();
    }, o.retryMs);
    timer.unref();
  };
  connect();
  return {
    close() {
      closed = true;
      if (timer) clearTimeout(timer);
      try {
        socket?.close();
      } catch {
        // Already closing.
      }
    },
  };
}
