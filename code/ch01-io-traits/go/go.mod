module ch01iotraits

go 1.19
