// Command hello prints one line: the smallest program, for start-up cost.
package main

import "fmt"

func main() { fmt.Println("hello") }
