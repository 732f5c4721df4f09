// Go counterpart of channels-bench's throughput row: one goroutine sends -n
// integers through a channel with a buffer of 1024, main receives and sums
// them; prints the median nanoseconds per message over -reps runs.
//
// Run: cd code/ch02-channels/go && go run ./throughput -n 2000000
package main

import (
	"flag"
	"fmt"
	"os"
	"sort"
	"time"
)

func transfer(n int) time.Duration {
	start := time.Now()
	ch := make(chan uint64, 1024)
	go func() {
		for i := 0; i < n; i++ {
			ch <- uint64(i)
		}
		close(ch)
	}()
	var sum uint64
	for v := range ch {
		sum += v
	}
	elapsed := time.Since(start)
	if want := uint64(n) * uint64(n-1) / 2; sum != want {
		fmt.Fprintf(os.Stderr, "throughput: sum %d, want %d\n", sum, want)
		os.Exit(1)
	}
	return elapsed
}

func main() {
	n := flag.Int("n", 2000000, "messages per run")
	reps := flag.Int("reps", 5, "runs; the median is printed")
	flag.Parse()
	var per []float64
	for r := 0; r < *reps; r++ {
		per = append(per, float64(transfer(*n).Nanoseconds())/float64(*n))
	}
	sort.Float64s(per)
	fmt.Printf("%.2f\n", per[len(per)/2])
}
