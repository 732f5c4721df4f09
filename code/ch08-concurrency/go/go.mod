module example.com/ch08-concurrency

go 1.19
