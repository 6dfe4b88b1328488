/** A label's list of URLs: separated by whitespace, or by commas that start a new URL (a `?chats=a,b` stays whole). */
export function splitChannelList(value: string): string[] {
  return value
    .split(/\s+|,(?=\s*[A-Za-z][A-Za-z0-9+.-]*:\/\/)/)
    .map((s) => s.trim())
    .filter(Boolean);
}
