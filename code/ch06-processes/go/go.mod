module ch06processes

go 1.19
