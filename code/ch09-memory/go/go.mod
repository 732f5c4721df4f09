module ch09memory

go 1.19
