#!/bin/sh
# Regenerates output/*.txt, the recorded runs the chapter shows. Run from the
# repository root: sh code/ch10-time/record-outputs.sh
# (tests/recorded_output.rs re-runs each command and compares, with durations
# and clock times masked.)
set -eu
cargo build -q -p ch10-time
record() { # record NAME 'COMMAND': the command line, then what it printed (stdout and stderr)
    { printf '$ %s\n' "$2"; sh -c "$2" 2>&1; } > "code/ch10-time/output/$1.txt" || true
}
record clocks 'cargo run -q -p ch10-time --bin clocks'
record cpu-time 'cargo run -q -p ch10-time --bin cpu-time'
record oversleep 'cargo run -q -p ch10-time --bin oversleep'
record timerfd-epoll 'cargo run -q -p ch10-time --bin timerfd-epoll'
record tick-after 'cargo run -q -p ch10-time --bin tick-after'
record aligned-ticker 'cargo run -q -p ch10-time --bin aligned-ticker'
record rtc-timeslice 'cargo run -q -p ch10-time --bin rtc-timeslice'
record sntp-demo 'cargo run -q -p ch10-time --bin sntp-demo'
# The program's own output goes to /dev/null: the trace (stderr) is the point.
# The CPU clocks' values change from run to run, so sed blanks them.
record strace-sleep "cargo build -q -p ch10-time --bin sleep-trace && strace -e trace=clock_gettime,clock_nanosleep target/debug/sleep-trace 2>&1 >/dev/null | sed -E '/CPUTIME/s/=[0-9]+/=…/g'"
echo "recorded $(ls code/ch10-time/output | wc -l) files"
