import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';

/** sha256 of a file, streamed. */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** The hash from a sha256sum-format line (`<hex>  <name>`), or null when the text is not one. */
export function parseSha256Line(text: string): string | null {
  const m = /^([0-9a-f]{64})\s/i.exec(text.trim() + ' ');
  return m?.[1]?.toLowerCase() ?? null;
}

/** The hash recorded beside a staged file in `{file}.sha256`. */
export async function readSha256File(file: string): Promise<string> {
  const hash = parseSha256Line(await readFile(`${file}.sha256`, 'utf8'));
  if (hash === null) throw new Error(`${file}.sha256 is not in sha256sum format`);
  return hash;
}
