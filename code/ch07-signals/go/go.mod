module ch07signals

go 1.19
