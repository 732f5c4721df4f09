// The Go side of concurrency-bench: the same measurements with goroutines.
// Prints one "key value" line per figure; the Rust bench puts them in its table.
//
// Run: go run ./bench [-quick]   (from code/ch08-concurrency/go)
package main

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

func perOp(d time.Duration, ops int) float64 { return float64(d.Nanoseconds()) / float64(ops) }

// Start a goroutine and wait for it to finish.
func spawnJoin(n int) float64 {
	var wg sync.WaitGroup
	start := time.Now()
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() { wg.Done() }()
		wg.Wait()
	}
	return perOp(time.Since(start), n)
}

// Two goroutines hand a token back and forth over unbuffered channels.
func pingPong(roundTrips int) float64 {
	ping, pong := make(chan int), make(chan int)
	go func() {
		for t := range ping {
			pong <- t
		}
	}()
	start := time.Now()
	for i := 0; i < roundTrips; i++ {
		ping <- i
		<-pong
	}
	d := time.Since(start)
	close(ping)
	return perOp(d, 2*roundTrips)
}

func status(field string) float64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		fmt.Fprintln(os.Stderr, "opening /proc/self/status:", err)
		os.Exit(1)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if strings.HasPrefix(sc.Text(), field+":") {
			v, _ := strconv.ParseFloat(strings.Fields(sc.Text())[1], 64)
			return v
		}
	}
	return 0
}

// n goroutines blocked on a channel receive: growth of VmRSS and VmSize each.
func blockedMemory(n int) (float64, float64) {
	runtime.GC()
	rss0, vsz0 := status("VmRSS"), status("VmSize")
	gate := make(chan struct{})
	var started sync.WaitGroup
	started.Add(n)
	var done sync.WaitGroup
	done.Add(n)
	for i := 0; i < n; i++ {
		go func() {
			started.Done()
			<-gate
			done.Done()
		}()
	}
	started.Wait()
	rss1, vsz1 := status("VmRSS"), status("VmSize")
	close(gate)
	done.Wait()
	return (rss1 - rss0) / float64(n), (vsz1 - vsz0) / float64(n)
}

func parallelSum(n uint64, workers uint64) float64 {
	f := func(i uint64) uint64 { return ((i ^ (i >> 3)) * 0x9E3779B97F4A7C15) >> 40 }
	start := time.Now()
	var total uint64
	var wg sync.WaitGroup
	chunk := n / workers
	for t := uint64(0); t < workers; t++ {
		wg.Add(1)
		go func(t uint64) {
			defer wg.Done()
			var s uint64
			for i := t * chunk; i < (t+1)*chunk; i++ {
				s += f(i)
			}
			atomic.AddUint64(&total, s)
		}(t)
	}
	wg.Wait()
	_ = total
	return float64(time.Since(start).Microseconds()) / 1000
}

func mutexCounter(perG int) float64 {
	var mu sync.Mutex
	var counter int
	var wg sync.WaitGroup
	start := time.Now()
	for g := 0; g < 2; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < perG; i++ {
				mu.Lock()
				counter++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return perOp(time.Since(start), 2*perG)
}

func atomicCounter(perG int) float64 {
	var counter int64
	var wg sync.WaitGroup
	start := time.Now()
	for g := 0; g < 2; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < perG; i++ {
				atomic.AddInt64(&counter, 1)
			}
		}()
	}
	wg.Wait()
	return perOp(time.Since(start), 2*perG)
}

func main() {
	quick := flag.Bool("quick", false, "small sizes, rough figures")
	flag.Parse()
	spawns, trips, blocked, sumN, incs := 100000, 100000, 10000, uint64(1)<<28, 2000000
	if *quick {
		spawns, trips, blocked, sumN, incs = 1000, 2000, 500, 1<<20, 20000
	}
	// Each timed figure runs right after an untimed warm-up of the same work at
	// a tenth of the size (a quarter for the sum), as the Rust side does.
	spawnJoin(spawns / 10)
	fmt.Println("spawn_ns", spawnJoin(spawns))
	pingPong(trips / 10)
	fmt.Println("pingpong_ns", pingPong(trips))
	prev := runtime.GOMAXPROCS(1)
	pingPong(trips / 10)
	fmt.Println("pingpong_1p_ns", pingPong(trips))
	runtime.GOMAXPROCS(prev)
	// Not warmed up: a second run would reuse the first run's dead goroutines
	// and their stacks (the runtime keeps them on a free list) and measure
	// nothing. blockedMemory starts with a garbage collection instead.
	rss, vsz := blockedMemory(blocked)
	fmt.Println("blocked", blocked)
	fmt.Println("rss_per_g_kib", rss)
	fmt.Println("vsz_per_g_kib", vsz)
	parallelSum(sumN/4, 2)
	fmt.Println("sum1_ms", parallelSum(sumN, 1))
	fmt.Println("sum2_ms", parallelSum(sumN, 2))
	mutexCounter(incs / 10)
	fmt.Println("mutex_ns", mutexCounter(incs))
	atomicCounter(incs / 10)
	fmt.Println("atomic_ns", atomicCounter(incs))
}
