# The baqup image: the controller as the entrypoint, `baqup` (the CLI) on PATH, rclone, restic, zstd and
# sqlite3 from Debian. Everything it writes goes under /data and /config, so it runs with a read-only root.
# The shipped stages start FROM scratch with only the files that run (docker/slim-rootfs.sh): no package
# manager; to add a tool, build FROM runtime-base and copy it in, or use another image beside baqup.
#
#   docker build -t baqup .                                                 # JS built in the build stage
#   docker build --build-arg BASE_IMAGE=node:24-bookworm-slim -t baqup .    # another Node LTS
#   docker/prebuild.sh && docker build --target runtime-prebuilt -t baqup . # JS built on the host (no npm
#                                                                           # registry needed by the build)
#
# BASE_IMAGE is the runtime base: Debian bookworm (or later) with `node` on PATH, like the official
# node:*-bookworm-slim images. BUILD_IMAGE (default: the same) needs node and npm.
ARG BASE_IMAGE=node:22-bookworm-slim
ARG BUILD_IMAGE=${BASE_IMAGE}

# ---- Debian with the tools, from which the runtime's files are collected (this stage is not shipped)
FROM ${BASE_IMAGE} AS runtime-base
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      ca-certificates rclone restic sqlite3 tini zstd >/dev/null \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin /var/log/apt /var/log/dpkg.log
COPY docker/env.sh docker/check-sqlite.cjs /usr/local/lib/baqup/
COPY docker/baqup.yml /etc/baqup/baqup.yml
COPY docker/baqup docker/baqup-entrypoint /usr/local/bin/
COPY docker/slim-rootfs.sh /tmp/
RUN chmod 755 /usr/local/bin/baqup /usr/local/bin/baqup-entrypoint && sh /tmp/slim-rootfs.sh /rootfs

# ---- what every runtime variant shares: only the files the controller, the CLI and their tools run (node,
# rclone, restic, zstd, sqlite3, tini, flock, sh, coreutils and the libraries they link; no apt, docs, man pages
# or locales: docker/slim-rootfs.sh), one layer, then the entrypoint, env and healthcheck
FROM scratch AS runtime-os
COPY --from=runtime-base /rootfs/ /
# HOME, caches (restic's) and temp files live in the data volume: the root filesystem may be read-only.
ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    BAQUP_DATA_DIR=/data \
    RCLONE_CONFIG=/config/rclone.conf \
    HOME=/data/home \
    XDG_CACHE_HOME=/data/cache \
    TMPDIR=/data/tmp \
    NODE_ENV=production
VOLUME ["/data", "/config"]
WORKDIR /data
EXPOSE 8080
HEALTHCHECK --interval=1m --timeout=20s --start-period=1m --retries=3 CMD ["baqup", "healthcheck"]
ENTRYPOINT ["tini", "--", "baqup-entrypoint"]

# ---- /app laid out on the host by docker/prebuild.sh into .image-app. It comes before the build stage
# because the legacy builder builds every stage up to its target; the wildcard lets a default legacy build
# pass this stage without .image-app (BuildKit skips it anyway).
FROM runtime-os AS runtime-prebuilt
COPY docker/APP.md .image-ap[p] /app/
RUN baqup --help >/dev/null || echo 'runtime-prebuilt: no working /app; run docker/prebuild.sh before building this target' >&2
RUN node /usr/local/lib/baqup/check-sqlite.cjs || echo 'runtime-prebuilt: better-sqlite3 does not load in /app (built for another Node or libc?); the controller would run without history' >&2

# ---- the JS built from source: dependencies fetched from the lockfile alone (cached while it is unchanged)
FROM ${BUILD_IMAGE} AS build
# better-sqlite3 (the history database) is compiled here with node-gyp against this image's own Node headers
# (/usr/local/include/node in node:* images): no prebuilt binary and no header tarball is downloaded, and the addon
# matches the runtime's Node (BUILD_IMAGE defaults to BASE_IMAGE) and glibc.
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends g++ make python3 >/dev/null \
 && rm -rf /var/lib/apt/lists/*
ENV npm_config_build_from_source=true \
    npm_config_nodedir=/usr/local
RUN npm install -g --no-fund --no-audit pnpm@9.15.9 >/dev/null
WORKDIR /src
COPY pnpm-lock.yaml pnpm-workspace.yaml package.json ./
RUN pnpm fetch
COPY . .
RUN pnpm install --frozen-lockfile --offline && sh docker/prebuild.sh /out

# ---- the default image (no compiler, no pnpm: only /app from the build stage)
FROM runtime-os AS runtime
COPY --from=build /out /app/
RUN baqup --help >/dev/null && node /app/dist/main.js --help >/dev/null && node /usr/local/lib/baqup/check-sqlite.cjs
