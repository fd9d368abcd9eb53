#!/usr/bin/env bash
# Builds the libFuzzer targets (Tests/fuzz/Sources) into .build-fuzz and runs each for a bounded time on its
# committed seed corpus (Tests/fuzz/corpus/<target>). Fails when any target finds a crash, a timeout or an
# out-of-memory input; the input is saved under $FUZZ_ARTIFACTS/<target>/ (commit it to the corpus with the fix).
#
#   Tests/fuzz/run.sh                 # every target, FUZZ_SECONDS (default 20) each
#   Tests/fuzz/run.sh http1 gguf      # some targets
#   FUZZ_SECONDS=3600 Tests/fuzz/run.sh json
#
# Environment: FUZZ_SECONDS (per target), FUZZ_SANITIZE (default fuzzer,address; "fuzzer" builds faster),
# FUZZ_BUILD=0 (skip the build), FUZZ_RUNS (stop after this many executions instead of / besides the time),
# FUZZ_TIMEOUT (seconds one input may take, default 60: wall time, and a loaded machine can stall a run that
# long), FUZZ_FLAGS (extra libFuzzer flags), FUZZ_SCRATCH (build directory, default .build-fuzz), FUZZ_ARTIFACTS (default
# $FUZZ_SCRATCH/crashes).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)

SECONDS_PER_TARGET=${FUZZ_SECONDS:-20}
SANITIZE=${FUZZ_SANITIZE:-fuzzer,address}
SCRATCH=${FUZZ_SCRATCH:-.build-fuzz}
ARTIFACTS=${FUZZ_ARTIFACTS:-$SCRATCH/crashes}

# corpus name → executable, and the longest input libFuzzer may generate for it.
declare -A PRODUCT=(
    [http1]=FuzzHTTP1 [http2]=FuzzHTTP2 [gzip]=FuzzGzip [json]=FuzzJSONRequest
    [wordpiece]=FuzzWordPiece [unigram]=FuzzUnigram [bpe]=FuzzBPE [tokenizer-json]=FuzzTokenizerJSON
    [safetensors]=FuzzSafetensors [gguf]=FuzzGGUF
)
declare -A MAX_LEN=(
    [http1]=4096 [http2]=8192 [gzip]=4096 [json]=4096 [wordpiece]=1024 [unigram]=1024 [bpe]=1024 [tokenizer-json]=16384
    [safetensors]=8192 [gguf]=8192
)
ALL=(http1 http2 gzip json wordpiece unigram bpe tokenizer-json safetensors gguf)
TARGETS=("$@")
[[ ${#TARGETS[@]} -gt 0 ]] || TARGETS=("${ALL[@]}")
for target in "${TARGETS[@]}"; do
    [[ -n ${PRODUCT[$target]:-} ]] || { echo "unknown fuzz target '$target' (known: ${ALL[*]})" >&2; exit 2; }
done

if [[ ${FUZZ_BUILD:-1} != 0 ]]; then
    started=$(date +%s)
    for target in "${TARGETS[@]}"; do
        echo "fuzz: building ${PRODUCT[$target]} (-sanitize=$SANITIZE)"
        RAMPART_FUZZ=1 swift build -c release --scratch-path "$SCRATCH" --product "${PRODUCT[$target]}" \
            -Xswiftc "-sanitize=$SANITIZE" -Xswiftc -enable-testing 2>&1 \
            | grep -v -e '^\[' -e "Cannot export local symbol '__asan_extra_spill_area'" || true
        [[ -x $SCRATCH/release/${PRODUCT[$target]} ]] || { echo "fuzz: build of ${PRODUCT[$target]} failed" >&2; exit 1; }
    done
    echo "fuzz: built in $(( $(date +%s) - started )) s"
fi

# Swift's tagged pointers hide live globals from LeakSanitizer (false reports at exit); growth is caught by the
# RSS limit instead.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0:allocator_may_return_null=1}
# Swift's own crash handler would take SIGILL/SIGTRAP from libFuzzer (which then neither reports nor saves the input).
export SWIFT_BACKTRACE=enable=no
export RAMPART_ROOT=$ROOT
# The model-file targets write each input to a file (the parsers mmap): on tmpfs that is ten times faster than on disk.
if [[ -z ${RAMPART_FUZZ_SCRATCH:-} ]]; then
    if [[ -d /dev/shm && -w /dev/shm ]]; then RAMPART_FUZZ_SCRATCH=/dev/shm/rampart-fuzz-$(id -u); else RAMPART_FUZZ_SCRATCH=$ROOT/$SCRATCH/scratch; fi
fi
export RAMPART_FUZZ_SCRATCH
mkdir -p "$RAMPART_FUZZ_SCRATCH"

failed=()
summary=${FUZZ_SUMMARY:-$SCRATCH/summary.txt}
: > "$summary"
for target in "${TARGETS[@]}"; do
    corpus=$SCRATCH/corpus/$target
    mkdir -p "$corpus" "$ARTIFACTS/$target"
    log=$SCRATCH/logs/$target.log
    mkdir -p "$(dirname "$log")"
    flags=(-max_total_time="$SECONDS_PER_TARGET" -max_len="${MAX_LEN[$target]}" -timeout="${FUZZ_TIMEOUT:-60}" -rss_limit_mb=2048
           -print_final_stats=1 -artifact_prefix="$ARTIFACTS/$target/")
    [[ -f Tests/fuzz/dict/$target.dict ]] && flags+=(-dict="Tests/fuzz/dict/$target.dict")
    [[ -n ${FUZZ_RUNS:-} ]] && flags+=(-runs="$FUZZ_RUNS")
    # shellcheck disable=SC2206
    [[ -n ${FUZZ_FLAGS:-} ]] && flags+=($FUZZ_FLAGS)
    echo "fuzz: $target for ${SECONDS_PER_TARGET} s"
    status=0
    "$SCRATCH/release/${PRODUCT[$target]}" "${flags[@]}" "$corpus" "Tests/fuzz/corpus/$target" > "$log" 2>&1 &
    pid=$!
    wait "$pid" || status=$?
    rm -f "$RAMPART_FUZZ_SCRATCH/rampart-fuzz-$pid".*
    runs=$(sed -n 's/^stat::number_of_executed_units: //p' "$log" | tail -1)
    coverage=$(grep -o 'cov: [0-9]*' "$log" | tail -1 || true)
    if [[ $status -eq 0 ]]; then
        result=ok
    else
        result="FAILED (exit $status)"
        failed+=("$target")
        grep -E '==ERROR|Fatal error|Precondition failed|SUMMARY|Test unit written|deadly signal|ALARM|out-of-memory' "$log" \
            | head -20 >&2 || true
        echo "fuzz: $target failed; log $log; input(s) in $ARTIFACTS/$target/" >&2
    fi
    printf '%-12s %12s executions  %-10s %s\n' "$target" "${runs:-?}" "${coverage:-}" "$result" | tee -a "$summary"
done

if [[ ${#failed[@]} -gt 0 ]]; then
    echo "fuzz: FAILED: ${failed[*]}" >&2
    exit 1
fi
echo "fuzz: all ${#TARGETS[@]} targets passed"
