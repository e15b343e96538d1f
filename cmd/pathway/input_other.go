//go:build !unix

package main

// openNoWait is 0 where named pipes cannot replace a file as on Unix.
const openNoWait = 0
