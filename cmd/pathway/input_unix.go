//go:build unix

package main

import "syscall"

// openNoWait opens a named pipe without waiting for a writer, should a
// regular file be replaced by one between looking at it and opening it.
const openNoWait = syscall.O_NONBLOCK
