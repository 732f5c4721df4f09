// Go counterpart of channels-bench's ping-pong row: two goroutines bounce a
// value over two unbuffered channels; prints the median nanoseconds per
// round trip over -reps runs of -n round trips.
//
// Run: cd code/ch02-channels/go && go run ./pingpong -n 100000
package main

import (
	"flag"
	"fmt"
	"sort"
	"time"
)

func roundTrips(n int) time.Duration {
	ping := make(chan int) // unbuffered: every send waits for its receive
	pong := make(chan int)
	go func() {
		for v := range ping {
			pong <- v
		}
		close(pong)
	}()
	start := time.Now()
	for i := 0; i < n; i++ {
		ping <- i
		<-pong
	}
	elapsed := time.Since(start)
	close(ping)
	<-pong // wait for the echo goroutine to finish
	return elapsed
}

func main() {
	n := flag.Int("n", 100000, "round trips per run")
	reps := flag.Int("reps", 5, "runs; the median is printed")
	flag.Parse()
	var per []float64
	for r := 0; r < *reps; r++ {
		per = append(per, float64(roundTrips(*n).Nanoseconds())/float64(*n))
	}
	sort.Float64s(per)
	fmt.Printf("%.1f\n", per[len(per)/2])
}
