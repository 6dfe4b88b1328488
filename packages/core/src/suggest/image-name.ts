// An image reference reduced to what detection matches on: `docker.io/library/postgres:16-alpine@sha256:…` →
// repository `library/postgres`, name `postgres`.

export interface ImageName {
  /** The path without registry, tag and digest, lowercased: `library/postgres`, `bitnami/postgresql`. */
  repository: string;
  /** Its last segment: `postgres`, `postgresql`. */
  name: string;
}

export function imageName(image: string): ImageName {
  let ref = image.trim().toLowerCase();
  const at = ref.indexOf('@');
  if (at >= 0) ref = ref.slice(0, at);
  const parts = ref.split('/');
  // A first segment with a dot or colon, or `localhost`, is a registry (`ghcr.io`, `registry:5000`).
  if (parts.length > 1 && /[.:]|^localhost$/.test(parts[0]!)) parts.shift();
  const last = parts.pop() ?? '';
  const colon = last.indexOf(':');
  const name = colon >= 0 ? last.slice(0, colon) : last;
  const path = [...parts, name];
  if (path.length === 1) path.unshift('library');
  return { repository: path.join('/'), name };
}
