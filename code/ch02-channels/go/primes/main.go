// Go counterpart of channels-bench's prime rows, after the Go book's
// primeNumber(): a goroutine sends every prime below -limit through an
// unbuffered channel. Prints "<count> <ms with channel> <ms without>", each
// the median of -reps runs; "without" is the same search in a plain loop.
//
// Run: cd code/ch02-channels/go && go run ./primes -limit 100000
package main

import (
	"flag"
	"fmt"
	"sort"
	"time"
)

// isPrime is trial division by odd numbers up to the square root, the same
// test as the Rust side's ch02_channels::is_prime.
func isPrime(n uint64) bool {
	if n < 2 {
		return false
	}
	if n%2 == 0 {
		return n == 2
	}
	for d := uint64(3); d*d <= n; d += 2 {
		if n%d == 0 {
			return false
		}
	}
	return true
}

func primeNumber(limit uint64) chan uint64 {
	result := make(chan uint64)
	go func() {
		for n := uint64(2); n < limit; n++ {
			if isPrime(n) {
				result <- n
			}
		}
		close(result)
	}()
	return result
}

func median(xs []float64) float64 {
	sort.Float64s(xs)
	return xs[len(xs)/2]
}

func main() {
	limit := flag.Uint64("limit", 100000, "find primes below this")
	reps := flag.Int("reps", 5, "runs; the median is printed")
	flag.Parse()
	var withChan, plain []float64
	count := 0
	for r := 0; r < *reps; r++ {
		start := time.Now()
		count = 0
		for range primeNumber(*limit) {
			count++
		}
		withChan = append(withChan, float64(time.Since(start).Nanoseconds())/1e6)

		start = time.Now()
		c := 0
		for n := uint64(2); n < *limit; n++ {
			if isPrime(n) {
				c++
			}
		}
		plain = append(plain, float64(time.Since(start).Nanoseconds())/1e6)
		if c != count {
			panic("the two searches disagree")
		}
	}
	fmt.Printf("%d %.3f %.3f\n", count, median(withChan), median(plain))
}
