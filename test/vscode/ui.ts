// What the person sees, read from the workbench's DOM in Chromium through the runner's loopback
// bridge (scripts/vscode/ui-bridge.ts). Under @vscode/test-electron there is no bridge: `ui`
// is undefined there and suites check what they can through the extension's test API.

async function call<T>(base: string, body: Record<string, unknown>): Promise<T> {
  const res = await fetch(base, { method: 'POST', body: JSON.stringify(body) });
  const out = (await res.json()) as { value?: T; error?: string };
  if (out.error !== undefined) throw new Error(`ui bridge ${String(body.action)}: ${out.error}`);
  return out.value as T;
}

export interface Ui {
  /** innerText of every element under `selector` (empty when none appears within 5 s). */
  texts(selector: string): Promise<string[]>;
  /** How many elements match `selector` now (no waiting); `:visible` keeps to those on screen. */
  count(selector: string): Promise<number>;
  press(key: string): Promise<void>;
  /** Types into whatever has focus, as the keyboard does. */
  type(text: string): Promise<void>;
  click(selector: string): Promise<void>;
  hover(selector: string): Promise<void>;
  /** Opens the context menu on the first element under `selector`. */
  rightClick(selector: string): Promise<void>;
  /** A screenshot of the whole window into out/vscode-shots/<name>.png; returns the file. */
  shot(name: string): Promise<string>;
}

function bridge(base: string): Ui {
  return {
    texts: (selector) => call(base, { action: 'texts', selector }),
    count: (selector) => call(base, { action: 'count', selector }),
    press: async (key) => void (await call(base, { action: 'press', key })),
    type: async (text) => void (await call(base, { action: 'type', text })),
    click: async (selector) => void (await call(base, { action: 'click', selector })),
    hover: async (selector) => void (await call(base, { action: 'hover', selector })),
    rightClick: async (selector) => void (await call(base, { action: 'rightClick', selector })),
    shot: (name) => call(base, { action: 'shot', name }),
  };
}

const url = process.env.CLAIMBOARD_UI_BRIDGE;
export const ui: Ui | undefined = url ? bridge(url) : undefined;

/**
 * The quick input on screen. The workbench keeps one quick input widget and hides it when it
 * closes, with its last title and rows still in the DOM (and a hidden element's innerText is its
 * text): a selector without this matches the prompt before the last.
 */
export const QUICK_INPUT = '.quick-input-widget:visible';

/** Notification toasts on screen now, as text. */
export async function toasts(): Promise<string[]> {
  return ui ? ui.texts('.notifications-toasts .notification-toast') : [];
}
