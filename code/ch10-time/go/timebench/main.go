// The Go side of time-bench: what time.Now costs, and how late time.Sleep
// wakes. Standard library only; run by `cargo run --release -p ch10-time --bin
// time-bench` when a `go` command is on PATH, or by hand: go run ./timebench
package main

import (
	"flag"
	"fmt"
	"runtime"
	"sort"
	"time"
)

var sink time.Time

// nsPerCall: best of `rounds` rounds of n calls to time.Now.
func nsPerCall(rounds, n int) float64 {
	best := 1e18
	for r := 0; r < rounds; r++ {
		start := time.Now()
		for i := 0; i < n; i++ {
			sink = time.Now()
		}
		ns := float64(time.Since(start).Nanoseconds()) / float64(n)
		if ns < best {
			best = ns
		}
	}
	return best
}

func short(d time.Duration) string {
	switch {
	case d < time.Microsecond:
		return fmt.Sprintf("%dns", d.Nanoseconds())
	case d < time.Millisecond:
		return fmt.Sprintf("%.1fµs", float64(d.Nanoseconds())/1e3)
	default:
		return fmt.Sprintf("%.2fms", float64(d.Nanoseconds())/1e6)
	}
}

func main() {
	quick := flag.Bool("quick", false, "a few rounds only")
	flag.Parse()
	rounds, calls, sleeps := 7, 1000000, 300
	if *quick {
		rounds, calls, sleeps = 1, 10000, 10
	}
	fmt.Printf("Go (%s):\n", runtime.Version())
	fmt.Printf("  %-38s %8.1f ns/call (a wall and a monotonic reading: two vDSO clock reads)\n", "time.Now()", nsPerCall(rounds, calls))
	fmt.Printf("  %d waits each; how much later than asked (p50 / p90 / p99 / max):\n", sleeps)
	for _, req := range []time.Duration{time.Microsecond, 100 * time.Microsecond, time.Millisecond} {
		late := make([]time.Duration, sleeps)
		for i := range late {
			start := time.Now()
			time.Sleep(req)
			late[i] = time.Since(start) - req
		}
		sort.Slice(late, func(i, j int) bool { return late[i] < late[j] })
		pick := func(p float64) time.Duration {
			k := int(p/100*float64(len(late))+0.999999) - 1
			if k < 0 {
				k = 0
			}
			return late[k]
		}
		name := fmt.Sprintf("time.Sleep(%s)", short(req))
		fmt.Printf("  %-38s %8s %8s %8s %8s\n", name, short(pick(50)), short(pick(90)), short(pick(99)), short(pick(100)))
	}
}
