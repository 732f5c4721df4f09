module example.com/ch05-filesystem

go 1.19
