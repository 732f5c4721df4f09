module example.com/ch10-time

go 1.19
