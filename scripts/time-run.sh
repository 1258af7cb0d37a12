#!/usr/bin/env bash
# Times `muchan run` at county and province scale with /usr/bin/time -v: wall time, peak
# memory, and the stage timings from the manifest. Usage: scripts/time-run.sh [county|province|nation]…
# (default: county province). Generated data goes to ${MUCHAN_BENCH_DIR:-/var/tmp/muchan-bench}.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/tmp/muchan-target}"
cargo build --release --quiet
bin="$CARGO_TARGET_DIR/release/muchan"
root="${MUCHAN_BENCH_DIR:-/var/tmp/muchan-bench}"
scales=("$@")
[ ${#scales[@]} -gt 0 ] || scales=(county province)
for scale in "${scales[@]}"; do
  data="$root/$scale"
  if [ ! -f "$data/enterprises.csv" ]; then
    echo "== generating $scale"
    /usr/bin/time -f "generate $scale: %e s, %M KB peak" "$bin" generate --scale "$scale" --seed 7 --out "$data"
  fi
  echo "== muchan run ($scale)"
  /usr/bin/time -f "run $scale: %e s, %M KB peak" "$bin" run --quiet --timings --data "$data" --out "$root/out-$scale"
done
