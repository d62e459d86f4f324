#!/usr/bin/env bash
# Builds the libFuzzer targets (Fuzz/Targets, instrumented with -sanitize=fuzzer) and runs each for a bounded
# time from its seed corpus in Fuzz/corpus. A crash fails the run and is saved in artifacts/fuzz/.
# Usage: scripts/fuzz.sh [seconds per target] [target ...]    (FUZZ_LANES: targets at once, default the core count)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:-60}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(params json jwt ciphertext binance coinbase coinbaseexchange kraken krakenearn kucoin time coinbasekey okx bitvavo bybit)
cd "$root"
export SWIFT_BACKTRACE=enable=no  # let libFuzzer see the crash and save the input

swift build --scratch-path .build-fuzz --product HoldfastFuzz -Xswiftc -sanitize=fuzzer -Xswiftc -DFUZZING >/dev/null
lib=$root/.build-fuzz/debug
# libFuzzer's main comes from clang's runtime; the Swift library supplies LLVMFuzzerTestOneInput.
echo 'int holdfast_fuzzer_unit;' > "$lib/fuzzer-main.c"
clang=/opt/swift/usr/bin/clang
[ -x "$clang" ] || clang=$(dirname "$(readlink -f "$(command -v swift)")")/clang
"$clang" -fsanitize=fuzzer "$lib/fuzzer-main.c" -L"$lib" -lHoldfastFuzz -Wl,-rpath,"$lib" \
  -Wl,-rpath,"$(dirname "$(readlink -f "$(command -v swift)")")/../lib/swift/linux" -o "$lib/holdfast-fuzzer"

mkdir -p artifacts/fuzz
# Targets run side by side, one per core (FUZZ_LANES to change): each is single-threaded, so on a 2-core machine
# two at a time halve the phase without slowing either. Each writes its verdict to a file; they print in order.
lanes=${FUZZ_LANES:-$(nproc)}
run_target() {
  local target=$1 corpus=state/fuzz/$1
  mkdir -p "$corpus"
  cp -n Fuzz/corpus/"$target"/* "$corpus"/ 2>/dev/null || true
  if FUZZ_TARGET=$target "$lib/holdfast-fuzzer" -max_total_time="$seconds" -timeout=20 -rss_limit_mb=1024 \
      -artifact_prefix="artifacts/fuzz/$target-" "$corpus" >"artifacts/fuzz/$target.log" 2>&1; then
    printf 'fuzz %-17s ok   %s\n' "$target" "$(grep -Eo 'Done [0-9]+ runs in [0-9]+ second' "artifacts/fuzz/$target.log" | tail -1)" \
      >"artifacts/fuzz/$target.verdict"
  else
    printf 'fuzz %-17s FAILED (see artifacts/fuzz/%s.log)\n' "$target" "$target" >"artifacts/fuzz/$target.verdict"
  fi
}
for target in "${targets[@]}"; do
  rm -f "artifacts/fuzz/$target.verdict"
  while [ "$(jobs -rp | wc -l)" -ge "$lanes" ]; do wait -n || true; done
  run_target "$target" &
done
wait
failed=()
for target in "${targets[@]}"; do
  verdict=$(cat "artifacts/fuzz/$target.verdict" 2>/dev/null || printf 'fuzz %-17s FAILED (no verdict)\n' "$target")
  echo "$verdict"
  case $verdict in *FAILED*) failed+=("$target") ;; esac
done
[ ${#failed[@]} -eq 0 ] || { echo "fuzzing found crashes in: ${failed[*]}"; exit 1; }
