// Go counterpart of processes-bench: the cost of exec.Command("/bin/true").Run()
// and of starting a goroutine, in µs per operation.
// Run: cd code/ch06-processes/go && go run ./spawn [iterations]
package main

import (
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"time"
)

func main() {
	n := 300
	if len(os.Args) > 1 {
		if v, err := strconv.Atoi(os.Args[1]); err == nil {
			n = v
		}
	}
	start := time.Now()
	for i := 0; i < n; i++ {
		if err := exec.Command("/bin/true").Run(); err != nil {
			fmt.Fprintln(os.Stderr, "running /bin/true:", err)
			os.Exit(1)
		}
	}
	perSpawn := float64(time.Since(start).Microseconds()) / float64(n)

	m := n * 100
	start = time.Now()
	var wg sync.WaitGroup
	for i := 0; i < m; i++ {
		wg.Add(1)
		go func() { wg.Done() }()
		wg.Wait()
	}
	perGo := float64(time.Since(start).Nanoseconds()) / float64(m) / 1000
	fmt.Printf("%-44s %10.1f\n", "Go exec.Command(/bin/true).Run()", perSpawn)
	fmt.Printf("%-44s %10.2f\n", "Go goroutine start + WaitGroup wait", perGo)
}
