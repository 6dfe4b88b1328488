// setTimeout keeps its delay in an int32: a delay above 2^31-1 ms (~24.8 days) fires after 1 ms. This one waits in
// chunks, so a `timeout` label of months means months.
export const MAX_TIMER_MS = 2 ** 31 - 1;

export interface LongTimeout {
  clear(): void;
}

export function longTimeout(fn: () => void, ms: number, chunkMs = MAX_TIMER_MS): LongTimeout {
  const chunk = Math.max(1, Math.min(chunkMs, MAX_TIMER_MS));
  const deadline = Date.now() + Math.max(0, ms);
  let handle: NodeJS.Timeout | undefined;
  let cleared = false;
  const arm = () => {
    const remaining = deadline - Date.now();
    if (remaining > chunk) handle = setTimeout(arm, chunk);
    else
      handle = setTimeout(() => {
        if (!cleared) fn();
      }, Math.max(0, remaining));
  };
  arm();
  return {
    clear: () => {
      cleared = true;
      clearTimeout(handle);
    },
  };
}
