// Escape analysis: the Go compiler decides whether a value lives on the
// stack or on the garbage-collected heap. Ask it why with
//
//	cd code/ch09-memory/go && go build -gcflags=-m -o /dev/null ./escape
//
// Look for "moved to heap" (its address outlives the call) and "does not
// escape". Rust makes the same choice visible in the types: Box, Vec, String.
package main

import "fmt"

type point struct{ x, y int }

//go:noinline
func onStack() int {
	p := point{1, 2} // only used inside: stays in this call's frame
	q := &p          // taking the address is fine while it does not leave
	return q.x + q.y
}

//go:noinline
func toHeap() *point {
	p := point{3, 4} // its address is returned: must outlive the frame
	return &p
}

//go:noinline
func bigSlice() int {
	s := make([]byte, 1<<20) // too big for a goroutine's stack
	return len(s)
}

func main() {
	var kept []*point
	for i := 0; i < 3; i++ {
		kept = append(kept, toHeap())
	}
	fmt.Println(onStack(), len(kept), bigSlice())
}
