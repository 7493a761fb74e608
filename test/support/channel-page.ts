/**
 * A read-only web page of the test Mattermost server's channel, for `npm start`: the posts as a
 * person would see them (threads under their first post), reloading itself every 2 s, so a
 * newcomer sees the announcements and questions next to the editor. Listens on 127.0.0.1 only;
 * answers GET and nothing else.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ChannelPost {
  id: string;
  rootId: string;
  author: string;
  at: number;
  message: string;
}

export interface ChannelPage {
  url: string;
  close(): Promise<void>;
}

const escape = (t: string) => t.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The page's HTML: posts oldest first, replies indented under the post they answer. */
export function renderChannel(title: string, posts: readonly ChannelPost[]): string {
  const roots = posts.filter((p) => !p.rootId);
  const item = (p: ChannelPost) =>
    `<div class="post"><span class="who">${escape(p.author)}</span> <time>${new Date(p.at).toTimeString().slice(0, 8)}</time><div class="text">${escape(p.message)}</div></div>`;
  const body =
    roots.length === 0
      ? '<p class="empty">No posts yet: claims, releases and questions appear here as the sessions make them.</p>'
      : roots
          .map(
            (r) =>
              `<section>${item(r)}${posts
                .filter((p) => p.rootId === r.id)
                .map((p) => `<div class="reply">${item(p)}</div>`)
                .join('')}</section>`,
          )
          .join('\n');
  return `<!doctype html>
<html><head><meta charset="utf-8"><meta http-equiv="refresh" content="2"><title>${escape(title)}</title>
<style>body{font:14px system-ui,sans-serif;background:#1e1e1e;color:#ddd;margin:2em auto;max-width:60em}
section{border-bottom:1px solid #333;padding:.5em 0}.who{font-weight:bold;color:#7ee787}time{color:#888;font-size:12px}
.text{white-space:pre-wrap;margin:.2em 0 .2em 0}.reply{margin-left:2em;border-left:2px solid #444;padding-left:.8em}.empty{color:#888}</style>
</head><body><h1>${escape(title)}</h1><p class="empty">Read-only view of the test Mattermost server; reloads every 2 s.</p>
${body}
</body></html>
`;
}

export function startChannelPage(title: string, posts: () => readonly ChannelPost[], port = 0): Promise<ChannelPage> {
  const server = http.createServer((req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain' });
      res.end('read-only\n');
      return;
    }
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
    res.end(req.method === 'HEAD' ? undefined : renderChannel(title, posts()));
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const { port: bound } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${bound}/`,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}
