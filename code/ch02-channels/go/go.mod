module example.com/ch02channels

go 1.19
