# Sourced by the entrypoint and by the `baqup` wrapper, so that `docker exec baqup baqup …` reads the same config
# as the controller: docker exec does not inherit what the entrypoint exported, only the image's and `-e` env.
# Order: $BAQUP_CONFIG if set, else /config/baqup.yml if it exists, else the image's built-in /etc/baqup/baqup.yml.
if [ -z "${BAQUP_CONFIG:-}" ]; then
  if [ -f /config/baqup.yml ]; then BAQUP_CONFIG=/config/baqup.yml; else BAQUP_CONFIG=/etc/baqup/baqup.yml; fi
  export BAQUP_CONFIG
fi
# Two glibc malloc arenas instead of one per thread (libuv's pool, V8's workers): 7 MiB less RSS for an idle
# controller, no measurable cost (bench/README.md, "Idle memory"). A value given with `-e` wins.
: "${MALLOC_ARENA_MAX:=2}"
export MALLOC_ARENA_MAX
