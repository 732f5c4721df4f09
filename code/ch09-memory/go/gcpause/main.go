// Go's garbage collector at work: keep a live heap of a million small
// objects, churn through a few hundred megabytes of garbage beside it, then
// ask the runtime how many collections ran and how long the world stood
// still in each (runtime/debug.ReadGCStats).
//
//	cd code/ch09-memory/go && go run ./gcpause
//
// Look for: many cycles, pauses in the tens of microseconds even with a
// live heap of tens of megabytes; the GC's share of the CPU.
//
// What it controls for: GOGC and GOMEMLIMIT from the environment would
// change when cycles start, so they are reset to the defaults (100, no
// limit) and what was inherited is printed; GOMAXPROCS (how many CPUs may
// mark at once: all of them, 2 on the book's VM, unless the environment
// or the CPU affinity mask says less) is printed, not changed. Each run is
// cold: one process, one pass, so the first cycles include the heap growing.
package main

import (
	"fmt"
	"math"
	"os"
	"runtime"
	"runtime/debug"
	"time"
)

type node struct {
	next  *node
	value [4]int64
}

func main() {
	inherited := debug.SetGCPercent(100)
	debug.SetMemoryLimit(math.MaxInt64)
	fmt.Printf("%s, GOMAXPROCS %d of %d CPUs, GOGC 100 (inherited %d, GOGC=%q GOMEMLIMIT=%q)\n",
		runtime.Version(), runtime.GOMAXPROCS(0), runtime.NumCPU(), inherited, os.Getenv("GOGC"), os.Getenv("GOMEMLIMIT"))
	// The live heap: a linked list of 1<<20 nodes of 40 bytes, which the
	// allocator serves from its 48-byte size class: 48 MiB.
	var head *node
	for i := 0; i < 1<<20; i++ {
		head = &node{next: head}
	}
	// Garbage: 4 million short-lived nodes (192 MiB), one kept in 1000.
	var kept []*node
	start := time.Now()
	for i := 0; i < 4<<20; i++ {
		n := &node{}
		n.value[0] = int64(i)
		if i%1000 == 0 {
			kept = append(kept, n)
		}
	}
	elapsed := time.Since(start)

	var stats debug.GCStats
	stats.PauseQuantiles = make([]time.Duration, 5) // min, 25%, 50%, 75%, max
	debug.ReadGCStats(&stats)
	var mem runtime.MemStats
	runtime.ReadMemStats(&mem)
	q := stats.PauseQuantiles
	fmt.Printf("allocated %d MiB in %v; live heap %d MiB\n", mem.TotalAlloc>>20, elapsed.Round(time.Millisecond), mem.HeapAlloc>>20)
	fmt.Printf("GC cycles: %d, total stop-the-world pause %v\n", stats.NumGC, stats.PauseTotal)
	fmt.Printf("pause per cycle: min %v, median %v, max %v\n", q[0], q[2], q[4])
	fmt.Printf("GC share of CPU since start: %.1f%%\n", mem.GCCPUFraction*100)
	runtime.KeepAlive(head)
	runtime.KeepAlive(kept)
}
