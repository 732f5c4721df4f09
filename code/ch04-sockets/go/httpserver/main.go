// The Go book's HTTP server (chapter 6): net.Listen, a goroutine per
// connection, http.ReadRequest on the raw connection, gzip via compress/gzip,
// keep-alive with a 5 s read deadline. The Rust bench runs it next to the
// Rust server on the same machine.
//
// Changes from the book, each needed to measure it fairly or to survive bad input:
//   - the bufio.Reader is made once per connection, not once per request:
//     a new reader per request throws away pipelined bytes it had read ahead;
//   - responses go through a bufio.Writer flushed when no request is
//     buffered (the Rust server does the same); -unbuffered restores the
//     book's response.Write(conn), a write(2) per header line;
//   - a malformed request gets a 400 and a close, not panic();
//   - -quiet skips the request dump (printing is not what we measure).
//
// Run: go run ./code/ch04-sockets/go/httpserver -port 8888
package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httputil"
	"os"
	"strings"
	"time"
)

var (
	port       = flag.Int("port", 8888, "port on 127.0.0.1 (0: any free port)")
	quiet      = flag.Bool("quiet", false, "do not dump requests")
	unbuffered = flag.Bool("unbuffered", false, "write responses straight to the connection, as the book does")
	timeout    = flag.Duration("timeout", 5*time.Second, "keep-alive read deadline")
	maxSeconds = flag.Float64("max-seconds", 0, "exit after this many seconds (0: never)")
)

// Does the client accept gzip? (The book's test: a substring match.)
func isGZipAcceptable(request *http.Request) bool {
	return strings.Contains(strings.Join(request.Header["Accept-Encoding"], ","), "gzip")
}

// processSession serves one connection.
func processSession(conn net.Conn) {
	if !*quiet {
		fmt.Printf("Accept %v\n", conn.RemoteAddr())
	}
	defer conn.Close()
	reader := bufio.NewReader(conn)
	var out io.Writer = conn
	var buffered *bufio.Writer
	if !*unbuffered {
		buffered = bufio.NewWriterSize(conn, 16*1024)
		out = buffered
	}
	for {
		conn.SetReadDeadline(time.Now().Add(*timeout))
		request, err := http.ReadRequest(reader)
		if err != nil {
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				if !*quiet {
					fmt.Println("Timeout")
				}
			} else if !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
				io.WriteString(conn, "HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n")
			}
			return
		}
		if !*quiet {
			dump, err := httputil.DumpRequest(request, true)
			if err == nil {
				fmt.Println(string(dump))
			}
		}
		response := http.Response{
			StatusCode: 200,
			ProtoMajor: 1,
			ProtoMinor: 1,
			Header:     make(http.Header),
		}
		if isGZipAcceptable(request) {
			content := "Hello World\n"
			var buffer bytes.Buffer
			writer := gzip.NewWriter(&buffer)
			io.WriteString(writer, content)
			writer.Close()
			response.Body = io.NopCloser(&buffer)
			response.ContentLength = int64(buffer.Len())
			response.Header.Set("Content-Encoding", "gzip")
		} else {
			content := "Hello World\n"
			response.Body = io.NopCloser(strings.NewReader(content))
			response.ContentLength = int64(len(content))
		}
		if err := response.Write(out); err != nil {
			return
		}
		if buffered != nil && reader.Buffered() == 0 {
			if err := buffered.Flush(); err != nil {
				return
			}
		}
	}
}

func main() {
	flag.Parse()
	listener, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", *port))
	if err != nil {
		fmt.Fprintln(os.Stderr, "listen:", err)
		os.Exit(1)
	}
	fmt.Printf("listening on http://%v\n", listener.Addr())
	if *maxSeconds > 0 {
		time.AfterFunc(time.Duration(*maxSeconds*float64(time.Second)), func() { os.Exit(0) })
	}
	for {
		conn, err := listener.Accept()
		if err != nil {
			fmt.Fprintln(os.Stderr, "accept:", err)
			continue
		}
		go processSession(conn)
	}
}
