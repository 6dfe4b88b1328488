// Parsing what redis-cli prints (pure).

/** `INFO` output (`key:value` lines, `# Section` headers) as a map. */
export function parseInfo(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    if (!line || line.startsWith('#')) continue;
    const i = line.indexOf(':');
    if (i > 0) out.set(line.slice(0, i), line.slice(i + 1).trim());
  }
  return out;
}

/** The value of a `CONFIG GET name` reply as redis-cli prints it without a tty (name line, value line). */
export function parseConfigGet(text: string, name: string): string | undefined {
  const lines = text.split(/\r?\n/);
  const i = lines.findIndex((l) => l === name);
  const value = i >= 0 ? lines[i + 1] : undefined;
  return value === undefined || value === '' ? undefined : value;
}

export interface SaveState {
  inProgress: boolean;
  lastSaveTime: number;
  /** `rdb_saves` (Redis 7+): counts every save, so two saves in one second are still told apart. */
  saves?: number;
  lastStatusOk: boolean;
}

export function saveState(info: Map<string, string>): SaveState {
  const saves = info.get('rdb_saves');
  return {
    inProgress: info.get('rdb_bgsave_in_progress') === '1',
    lastSaveTime: Number(info.get('rdb_last_save_time') ?? 0),
    ...(saves === undefined ? {} : { saves: Number(saves) }),
    lastStatusOk: info.get('rdb_last_bgsave_status') === 'ok',
  };
}

/** Whether a BGSAVE issued after `before` has finished (successfully or not). */
export function saveFinished(before: SaveState, now: SaveState): boolean {
  if (now.inProgress) return false;
  // rdb_saves / the save time may move only on success: a status turning to err is the other way out.
  if (before.lastStatusOk && !now.lastStatusOk) return true;
  if (before.saves !== undefined && now.saves !== undefined) return now.saves > before.saves;
  return now.lastSaveTime > before.lastSaveTime;
}
