// pidreport is the Go counterpart of pid-report --report: it prints its pid,
// then every signal it receives. Started with `go run`, its pid is not the
// pid of the `go` command that started it: a signal sent to that pid does not
// reach this program.
//
// Run (from code/ch07-signals/go): go run ./pidreport
package main

import (
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"
)

func main() {
	signals := make(chan os.Signal, 4)
	signal.Notify(signals, syscall.SIGUSR1, syscall.SIGTERM, syscall.SIGINT)
	fmt.Printf("pid %d\n", os.Getpid())
	for {
		select {
		case s := <-signals:
			switch s {
			case syscall.SIGUSR1:
				fmt.Println("program: got SIGUSR1, still running")
			case syscall.SIGTERM:
				fmt.Println("program: got SIGTERM, exiting")
				return
			default:
				fmt.Println("program: got SIGINT, exiting")
				return
			}
		case <-time.After(30 * time.Second):
			fmt.Fprintln(os.Stderr, "pidreport: no signal for 30 s, giving up")
			os.Exit(1)
		}
	}
}
