#!/bin/sh
# Like the official redis image's entrypoint: options alone mean redis-server, the server runs as redis.
# Bare `redis-server` gets the official image's effective defaults: data in /data as dump.rdb, no protected mode.
set -eu
case "${1:-}" in -*|*.conf) set -- redis-server "$@" ;; esac
if [ "${1:-}" = 'redis-server' ] && [ "$#" -eq 1 ]; then
	set -- redis-server --dir /data --dbfilename dump.rdb --protected-mode no
fi
if [ "${1:-}" = 'redis-server' ] && [ "$(id -u)" = '0' ]; then
	find . \! -user redis -exec chown redis:redis '{}' +
	exec setpriv --reuid=redis --regid=redis --init-groups "$@"
fi
exec "$@"
