#!/bin/sh
# Regenerates output/*.txt, the recorded runs the chapter shows. Run from the
# repository root: sh code/ch03-syscalls/record-outputs.sh
set -eu
cargo build -q -p ch03-syscalls
record() { # record NAME 'COMMAND': the command line, then what it printed (stdout and stderr)
    { echo "\$ $2"; sh -c "$2" 2>&1; } > "code/ch03-syscalls/output/$1.txt" || true
}
record hello-asm 'cargo run -q -p ch03-syscalls --bin hello-asm'
record hello-libc 'cargo run -q -p ch03-syscalls --bin hello-libc'
record hello-nix 'cargo run -q -p ch03-syscalls --bin hello-nix'
record errno 'cargo run -q -p ch03-syscalls --bin errno'
record eintr 'cargo run -q -p ch03-syscalls --bin eintr'
record vdso 'cargo run -q -p ch03-syscalls --bin vdso'
# Traced programs' own output goes to /dev/null: the trace (stderr) is the point.
record trace-known  'cargo run -q -p ch03-syscalls --bin trace -- -e trace=write,exit_group target/debug/known-syscalls >/dev/null'
record strace-known 'strace -e trace=write,exit_group target/debug/known-syscalls >/dev/null'
record trace-c-known  'cargo run -q -p ch03-syscalls --bin trace -- -c -e trace=getpid,write,execve target/debug/known-syscalls >/dev/null'
record strace-c-known 'strace -c -U calls,errors,name -S calls -e trace=getpid,write,execve target/debug/known-syscalls >/dev/null'
record trace-startup 'cargo run -q -p ch03-syscalls --bin trace -- -e trace=execve,brk,arch_prctl,set_robust_list,rseq,poll,rt_sigaction,sigaltstack,exit_group target/debug/empty-main'
record trace-c-startup 'cargo run -q -p ch03-syscalls --bin trace -- -c -e trace=execve,brk,arch_prctl,set_tid_address,set_robust_list,rseq,prlimit64,poll,rt_sigaction,sigaltstack,gettid,getrandom,exit_group target/debug/empty-main'
record strace-c-startup 'strace -c -U calls,errors,name -S calls -e trace=execve,brk,arch_prctl,set_tid_address,set_robust_list,rseq,prlimit64,poll,rt_sigaction,sigaltstack,gettid,getrandom,exit_group target/debug/empty-main'
record trace-fork   'cargo run -q -p ch03-syscalls --bin trace -- -c -e trace=getpid,write,wait4 target/debug/fork-and-wait >/dev/null'
record trace-fork-f 'cargo run -q -p ch03-syscalls --bin trace -- -f -c -e trace=getpid,write,wait4 target/debug/fork-and-wait >/dev/null'
record trace-eintr  'cargo run -q -p ch03-syscalls --bin trace -- -e trace=read,rt_sigaction target/debug/eintr 2>&1 >/dev/null | grep -E "SIGUSR1|, 16\) ="'
record trace-vdso   'cargo run -q -p ch03-syscalls --bin trace -- -c -e trace=clock_gettime,gettimeofday,write target/debug/vdso >/dev/null'
record trace-not-found 'cargo run -q -p ch03-syscalls --bin trace -- no-such-command'
record trace-exec-fails 'cargo run -q -p ch03-syscalls --bin trace -- ./no-such-program'
echo "recorded $(ls code/ch03-syscalls/output | wc -l) files"
