// The Go side of filesystem-bench: the same writes and syncs, a durable replace
// and stat, with the os package. Prints "key nanoseconds-per-op" lines.
//
// Run: go run ./bench [-quick] DIR   (from code/ch05-filesystem/go)
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

func perOp(n int, f func() error) float64 {
	start := time.Now()
	for i := 0; i < n; i++ {
		if err := f(); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
	return float64(time.Since(start).Nanoseconds()) / float64(n)
}

// durableWrite is the chapter's recipe: temp file, Sync, Rename, Sync the directory.
// Rust's durable_replace also makes lstat, stat and fchmod (it follows a
// symlink and keeps the old file's mode); this one does not.
func durableWrite(path string, data []byte) error {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, ".tmp")
	if err != nil {
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		return err
	}
	if err := tmp.Sync(); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

func main() {
	quick := flag.Bool("quick", false, "few iterations")
	flag.Parse()
	base := os.TempDir()
	if flag.NArg() > 0 {
		base = flag.Arg(0)
	}
	dir, err := os.MkdirTemp(base, "ch05-go-bench-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer os.RemoveAll(dir)
	writes, durable, stats := 2000, 200, 200000
	if *quick {
		writes, durable, stats = 20, 5, 1000
	}

	block := make([]byte, 4096)
	f, err := os.Create(filepath.Join(dir, "w"))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	var off int64
	fmt.Println("write", perOp(writes, func() error {
		_, err := f.WriteAt(block, off)
		off += 4096
		return err
	}))
	// The loop above left its writes dirty (8 MiB in the full run): flush
	// them outside the timing, or the first f.Sync() below pays for them.
	if err := f.Sync(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println("write_fsync", perOp(writes, func() error {
		if _, err := f.WriteAt(block, off); err != nil {
			return err
		}
		off += 4096
		return f.Sync()
	}))
	f.Close()
	target := filepath.Join(dir, "config")
	fmt.Println("durable", perOp(durable, func() error { return durableWrite(target, block) }))
	fmt.Println("stat", perOp(stats, func() error { _, err := os.Stat(target); return err }))
}
