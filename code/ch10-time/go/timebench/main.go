// The Go side of time-bench: what time.Now costs, and how late time.Sleep
// wakes. Standard library only. `cargo run --release -p ch10-time --bin
// time-bench` builds it once and runs it twice, from a thread with a 50 µs
// and from one with a 1 ns timer slack, which this process inherits (it
// prints the slack it got). By hand: go run ./timebench
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"sort"
	"strings"
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

// slack: this process's timer slack in ns, as the kernel reports it
// (/proc/self/timerslack_ns, Linux 4.6+): inherited from whoever started us.
func slack() string {
	b, err := os.ReadFile("/proc/self/timerslack_ns")
	if err != nil {
		return "unknown"
	}
	return strings.TrimSpace(string(b)) + "ns"
}

func main() {
	quick := flag.Bool("quick", false, "a few rounds only")
	sleeps := flag.Int("sleeps", 300, "recorded sleeps per request")
	warm := flag.Int("warm", 10, "unrecorded sleeps before each series")
	flag.Parse()
	rounds, calls := 7, 1000000
	if *quick {
		rounds, calls = 1, 10000
	}
	fmt.Printf("  Go (%s), timer slack %s (inherited), GOMAXPROCS %d:\n", runtime.Version(), slack(), runtime.GOMAXPROCS(0))
	fmt.Printf("  %-38s %8.1f ns/call (a wall and a monotonic reading: two vDSO clock reads)\n", "time.Now()", nsPerCall(rounds, calls))
	for _, req := range []time.Duration{time.Microsecond, 100 * time.Microsecond, time.Millisecond} {
		for i := 0; i < *warm; i++ {
			time.Sleep(req)
		}
		late := make([]time.Duration, *sleeps)
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
