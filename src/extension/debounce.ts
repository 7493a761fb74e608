/** A trailing-edge debounce that can be cancelled (on dispose) or flushed (in tests). */
export interface Debounced {
  (): void;
  cancel(): void;
}

export function debounce(fn: () => void, delayMs: number): Debounced {
  let timer: NodeJS.Timeout | undefined;
  const run = (() => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      fn();
    }, delayMs);
  }) as Debounced;
  run.cancel = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
  };
  return run;
}
