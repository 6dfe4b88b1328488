// Image builds with the legacy builder, shared by the harness's Debian images and the baqup image of the image-*
// tests: whether a cache tag exists, and a build that reports the builder's last lines when it fails.
import { docker } from './client.js';

export async function imageExists(tag: string): Promise<boolean> {
  try {
    await docker().getImage(tag).inspect();
    return true;
  } catch (err) {
    if ((err as { statusCode?: number }).statusCode === 404) return false;
    throw err;
  }
}

export interface BuildOptions {
  buildargs?: Record<string, string>;
  target?: string;
  labels?: Record<string, string>;
}

/** Builds `src` (paths under `context`) as `tag`; on an engine whose bridge is missing, again on the host network. */
export async function buildImage(context: string, src: string[], tag: string, options: BuildOptions = {}): Promise<void> {
  const attempt = async (networkmode?: string) => {
    // dockerode's buildImage talks to the legacy builder unless asked for BuildKit (version "2").
    const stream = await docker().buildImage(
      { context, src },
      { t: tag, rm: true, forcerm: true, pull: false, ...options, ...(networkmode ? { networkmode } : {}) },
    );
    const lines: string[] = [];
    await new Promise<void>((resolve, reject) => {
      docker().modem.followProgress(
        stream,
        (err: Error | null, out: { error?: string }[]) => {
          const failed = err ?? out.find((o) => o.error);
          if (!failed) return resolve();
          reject(new Error(`e2e: building ${tag} failed: ${failed instanceof Error ? failed.message : failed.error}\n${lines.slice(-20).join('')}`));
        },
        (ev: { stream?: string }) => {
          if (ev.stream) lines.push(ev.stream);
        },
      );
    });
  };
  try {
    await attempt();
  } catch (err) {
    // The bridge of a shared engine has been seen missing while dockerd ran; apt then still works on the host's network.
    if (!/could not find bridge|network bridge/.test((err as Error).message)) throw err;
    console.warn(`e2e: the engine's bridge network is missing; building ${tag} on the host network`);
    await attempt('host');
  }
}
