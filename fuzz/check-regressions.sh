#!/usr/bin/env bash
# Replay every saved fuzz finding once through its fuzz target (same VM config as fuzzing:
# 64 KiB heap, depth 100, 10 000 interrupt polls). An input fails if it panics, aborts,
# takes longer than 5 s, or makes the process use more than 1 GiB.
# run_gc replays run/ and run_gc/ with gc_stress on. regressions/pending/ holds findings not
# fixed yet; it is not replayed.
# Usage: fuzz/check-regressions.sh [target...]   (default: compile run run_gc)
set -u
cd "$(dirname "$0")"
targets=("$@")
[ $# -eq 0 ] && targets=(compile run run_gc)
dir="${CARGO_TARGET_DIR:-target}/x86_64-unknown-linux-gnu/release"
fail=0 pass=0
for t in "${targets[@]}"; do
    cargo fuzz build --sanitizer none -a "$t" >/dev/null 2>&1 || {
        echo "build of $t failed"
        exit 2
    }
    dirs=(regressions/"$t")
    [ "$t" = run_gc ] && dirs+=(regressions/run)
    for d in "${dirs[@]}"; do
        for f in "$d"/*; do
            [ -f "$f" ] || continue
            # Given a file, libFuzzer runs just that input once.
            if out=$(timeout -s KILL 60 "$dir/$t" -timeout=5 -rss_limit_mb=1024 "$f" 2>&1); then
                pass=$((pass + 1))
            else
                fail=$((fail + 1))
                why=$(printf '%s\n' "$out" | grep -m1 -E "panicked|ERROR: libFuzzer|memory allocation|Killed" || echo "exit status $?")
                echo "FAIL $t $f: $why"
            fi
        done
    done
done
echo "regressions: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
