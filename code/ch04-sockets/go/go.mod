module workbook/ch04-sockets

go 1.19
