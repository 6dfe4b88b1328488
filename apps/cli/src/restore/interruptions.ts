// Signals during `baqup restore` (one backup or a group): never a container left stopped.
/**
 * Signals during a restore never leave a container stopped:
 *   - the first SIGINT (Ctrl-C), SIGTERM or SIGHUP (the terminal went away: a closed `docker exec -it`) aborts the
 *     running step; the holds start what was stopped (the finally below), then the command exits 1;
 *   - a second one does not wait for that: it starts every container this command holds stopped now (at most
 *     8 s), then exits 130. Node's default for a signal without a handler is to die at once, container down.
 * Output to a terminal that is gone fails (EIO, EPIPE): those errors are ignored, never fatal.
 * Returns the function that removes the handlers.
 */
export function interruptions(holds: { releaseAll(): Promise<void> }, abort: AbortController): () => void {
  let count = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    count++;
    if (count === 1) return void abort.abort(new Error(`interrupted (${signal})`));
    if (count > 2) return;
    const sleep = new Promise<void>((r) => setTimeout(r, 8_000).unref());
    void Promise.race([holds.releaseAll(), sleep]).finally(() => process.exit(130));
  };
  const quiet = () => {};
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
  for (const s of signals) process.on(s, onSignal);
  process.stdout.on('error', quiet);
  process.stderr.on('error', quiet);
  return () => {
    for (const s of signals) process.off(s, onSignal);
  };
}
