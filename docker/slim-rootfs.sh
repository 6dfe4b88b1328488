#!/bin/sh
# Collects the image's root filesystem into DIR: only what the controller, the CLI and their tools run — node,
# rclone, restic, zstd, sqlite3, tini, flock, a shell and coreutils (the entrypoint, `docker exec … sh`), the shared
# libraries those binaries load (from ldd), CA certificates, time zones, and baqup's own scripts and config. No apt,
# dpkg or perl, no docs, man pages or locales. Run in the Dockerfile's runtime-base stage (Debian with the tools
# installed); the final stages start FROM scratch with a copy of DIR (bench/README.md, "The image").
set -eu
out="$1"
mkdir -p "$out"
# usrmerge: /bin, /lib… are links into /usr on Debian bookworm; the copy keeps them links.
for l in bin sbin lib lib64 lib32 libx32; do
  if [ -L "/$l" ]; then ln -sfn "$(readlink "/$l")" "$out/$l"; fi
done
# Copies a path under its real directory (links of parent directories resolved), and a link's target too.
copy() {
  for p in "$@"; do
    [ -e "$p" ] || continue
    dir=$(readlink -f "$(dirname "$p")")
    real="$dir/$(basename "$p")"
    (cd / && cp -a --parents "${real#/}" "$out")
    if [ -L "$real" ]; then copy "$(readlink -f "$real")"; fi
  done
}
bins="$(command -v node) $(command -v sh) $(readlink -f "$(command -v sh)")"
for b in rclone restic zstd sqlite3 tini flock; do bins="$bins $(command -v "$b")"; done
# coreutils whole (cat, mkdir, od, tr, mv, ls, sha256sum… are used by the scripts, the controller's lock and users).
bins="$bins $(dpkg -L coreutils | while read -r f; do if [ -f "$f" ] && [ -x "$f" ]; then echo "$f"; fi; done)"
# shellcheck disable=SC2086
copy $bins
# The dynamic loader and every library the binaries link (better-sqlite3's addon links only what node does).
# shellcheck disable=SC2086
libs=$(for b in $bins; do ldd "$b" 2>/dev/null || true; done | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }' | sort -u)
# shellcheck disable=SC2086
copy $libs
copy /etc/passwd /etc/group /etc/nsswitch.conf /etc/ssl/certs/ca-certificates.crt /usr/share/zoneinfo /etc/localtime
# baqup's scripts and config (COPYed into the base stage before this runs).
copy /usr/local/lib/baqup /usr/local/bin/baqup /usr/local/bin/baqup-entrypoint /etc/baqup
mkdir -p "$out/tmp" "$out/data" "$out/config" "$out/app"
chmod 1777 "$out/tmp"
