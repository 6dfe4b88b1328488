#!/bin/sh
# Lays out /app of the baqup image in DIR (default .image-app): builds the controller and the CLI, deploys each
# with production dependencies only, and makes the CLI share the controller's package store (see docker/APP.md).
# Run from the repository root after `pnpm install`; the Dockerfile's build stage runs it too.
set -eu
out="${1:-.image-app}"
pnpm exec turbo run build --output-logs=errors-only --filter=@baqup/controller... --filter=@baqup/cli...
rm -rf "$out" "$out.cli"
pnpm --filter @baqup/controller deploy --prod --prefer-offline "$out" >/dev/null
pnpm --filter @baqup/cli deploy --prod --prefer-offline "$out.cli" >/dev/null
# One store: the CLI's packages join the controller's (same lockfile, so same names hold the same files), and
# the CLI's node_modules/.pnpm becomes a link to it.
node -e '
  const fs = require("node:fs");
  const [out, cli] = process.argv.slice(1);
  // Moves what the controller lacks, one level into .pnpm/node_modules (the hoisted links); files may be hard
  // links into the pnpm store, so nothing is copied.
  const merge = (from, to, depth) => {
    for (const name of fs.readdirSync(from)) {
      const src = `${from}/${name}`, dst = `${to}/${name}`;
      if (!fs.existsSync(dst) && !isLink(dst)) fs.renameSync(src, dst);
      else if (depth > 0 && fs.lstatSync(src).isDirectory() && fs.lstatSync(dst).isDirectory()) merge(src, dst, depth - 1);
    }
  };
  const isLink = (p) => { try { return fs.lstatSync(p).isSymbolicLink(); } catch { return false; } };
  merge(`${cli}/node_modules/.pnpm`, `${out}/node_modules/.pnpm`, 2);
  fs.rmSync(`${cli}/node_modules/.pnpm`, { recursive: true });
  fs.symlinkSync("../../node_modules/.pnpm", `${cli}/node_modules/.pnpm`);
  fs.renameSync(cli, `${out}/cli`);
' "$out" "$out.cli"
# Links pnpm leaves to workspace-only dev packages point outside DIR; source maps and type declarations are not run.
find "$out" -type l ! -exec test -e {} \; -delete
find "$out" \( -name '*.map' -o -name '*.d.ts' -o -name '*.d.mts' -o -name '*.d.cts' \) -type f -delete
# Not run either (bench/README.md, "The image"): native addons' C/C++ sources and build intermediates (only
# build/Release/*.node is loaded; better-sqlite3 alone carried 30 MB of them), prebuilt binaries for other
# platforms, packages' tests, docs and examples, markdown (licences stay).
nm="$out/node_modules/.pnpm"
case "$(uname -m)" in x86_64) arch=x64 ;; aarch64) arch=arm64 ;; *) arch=$(uname -m) ;; esac
find "$nm" -type d \( -path '*/build/Release/obj.target' -o -path '*/build/Release/.deps' -o -path '*/build/Release/obj' -o -path '*/build/deps' \) -prune -exec rm -rf {} +
find "$nm" -type f \( -name '*.c' -o -name '*.cc' -o -name '*.cpp' -o -name '*.h' -o -name '*.hpp' -o -name '*.gyp' -o -name '*.gypi' \
  -o -name 'Makefile' -o -name '*.mk' -o -name '*.o' -o -name '*.a' -o -name 'test_extension.node' -o -name '*.md' -o -name '*.markdown' \) -delete
find "$nm" -type d -path '*/prebuilds/*' ! -path '*/prebuilds/*/*' ! -name "linux-$arch" -prune -exec rm -rf {} +
find "$nm" -mindepth 4 -type d \( -name test -o -name tests -o -name __tests__ -o -name docs -o -name example -o -name examples -o -name benchmark -o -name benchmarks -o -name .github \) -prune -exec rm -rf {} +
find "$nm" -depth -type d -empty -delete
