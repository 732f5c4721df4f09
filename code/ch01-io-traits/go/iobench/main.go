// iobench: the Go side of io-bench. Writes N lines of 11 bytes to /dev/null
// unbuffered (os.File, one write(2) per Fprintf), through bufio.Writer, and
// into a bytes.Buffer. Best of 5 runs each.
//
// Run it: cd code/ch01-io-traits/go && go run ./iobench 200000
package main

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"strconv"
	"time"
)

func bestOf(rounds int, f func() error) (time.Duration, error) {
	best := time.Duration(1<<63 - 1)
	for i := 0; i < rounds; i++ {
		start := time.Now()
		if err := f(); err != nil {
			return 0, err
		}
		if d := time.Since(start); d < best {
			best = d
		}
	}
	return best, nil
}

func main() {
	lines := 200000
	if len(os.Args) > 1 {
		n, err := strconv.Atoi(os.Args[1])
		if err != nil {
			fmt.Fprintf(os.Stderr, "iobench: LINES must be a number: %v\n", err)
			os.Exit(1)
		}
		lines = n
	}
	type row struct {
		name string
		f    func() error
	}
	rows := []row{
		{"os.File, Fprintf per line", func() error {
			f, err := os.Create("/dev/null")
			if err != nil {
				return err
			}
			defer f.Close()
			for i := 0; i < lines; i++ {
				if _, err := fmt.Fprintf(f, "hello %04d\n", i%10000); err != nil {
					return err
				}
			}
			return nil
		}},
		{"bufio.Writer, Fprintf", func() error {
			f, err := os.Create("/dev/null")
			if err != nil {
				return err
			}
			defer f.Close()
			w := bufio.NewWriter(f) // 4096-byte buffer by default
			for i := 0; i < lines; i++ {
				if _, err := fmt.Fprintf(w, "hello %04d\n", i%10000); err != nil {
					return err
				}
			}
			return w.Flush()
		}},
		{"bytes.Buffer, Fprintf", func() error {
			var b bytes.Buffer
			for i := 0; i < lines; i++ {
				fmt.Fprintf(&b, "hello %04d\n", i%10000)
			}
			if b.Len() != lines*11 {
				return fmt.Errorf("buffer holds %d bytes", b.Len())
			}
			return nil
		}},
	}
	fmt.Printf("%-28s %10s %10s\n", "go: way of writing", "total", "ns/line")
	for _, r := range rows {
		d, err := bestOf(5, r.f)
		if err != nil {
			fmt.Fprintf(os.Stderr, "iobench: %s: %v\n", r.name, err)
			os.Exit(1)
		}
		fmt.Printf("%-28s %8.2fms %10.1f\n", r.name, float64(d.Nanoseconds())/1e6, float64(d.Nanoseconds())/float64(lines))
	}
}
