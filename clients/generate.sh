#!/usr/bin/env bash
# Generates the clients client teams use from openapi.yaml, as they would, and fails on
# any error: openapi-generator (typescript-fetch, kotlin, swift5, dart; it exits 0 on
# some errors, so its ERROR lines are counted), openapi-python-client (with the media
# types it does not know mapped to bytes, python-client.yaml), openapi-typescript; then
# compiles the two TypeScript clients with `tsc --strict`.
#
#   clients/generate.sh [OUT_DIR]     (default: target/clients)
#
# Needs on PATH: openapi-generator-cli and openapi-python-client (PyPI; the first
# carries its jar and needs a Java runtime), ruff (which openapi-python-client formats
# with), and in clients/node_modules the packages of clients/package.json (`npm ci`).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
SPEC="$HERE/../openapi.yaml"
OUT=$(mkdir -p "${1:-$HERE/../target/clients}" && cd "${1:-$HERE/../target/clients}" && pwd)
BIN="$HERE/node_modules/.bin"
rm -rf "${OUT:?}"/*

for generator in typescript-fetch kotlin swift5 dart; do
  log="$OUT/$generator.log"
  if ! openapi-generator-cli generate -i "$SPEC" -g "$generator" -o "$OUT/$generator" > "$log" 2>&1; then
    tail -40 "$log"
    echo "openapi-generator $generator failed"
    exit 1
  fi
  if grep ERROR "$log"; then
    echo "openapi-generator $generator printed ERROR lines (above)"
    exit 1
  fi
  echo "ok  openapi-generator $generator"
done

log="$OUT/python.log"
(cd "$OUT" && openapi-python-client generate --path "$SPEC" --output-path "$OUT/python" \
  --config "$HERE/python-client.yaml") > "$log" 2>&1 || { cat "$log"; exit 1; }
if grep -iE "warning|error" "$log"; then
  echo "openapi-python-client left something out (above)"
  exit 1
fi
echo "ok  openapi-python-client ($(grep -rl 'def sync_detailed' "$OUT/python" | wc -l) operations)"

mkdir -p "$OUT/openapi-typescript"
"$BIN/openapi-typescript" "$SPEC" -o "$OUT/openapi-typescript/api.d.ts" > /dev/null
echo "ok  openapi-typescript"

cat > "$OUT/tsconfig.json" <<'JSON'
{
  "compilerOptions": {
    "strict": true, "noEmit": true, "target": "ES2022", "module": "ES2022",
    "moduleResolution": "bundler", "lib": ["ES2022", "DOM"]
  },
  "include": ["typescript-fetch/**/*.ts", "openapi-typescript/api.d.ts"]
}
JSON
"$BIN/tsc" -p "$OUT/tsconfig.json"
echo "ok  tsc --strict on typescript-fetch and openapi-typescript"
