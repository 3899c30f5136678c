// hellogo is the Go test program: it prints one line. Built for wasip1 it
// is a preview1 module; wrapped with the adapter it is a component, which
// works because printing one line never grows the Go heap.
package main

import "fmt"

func main() {
	fmt.Println("hello from Go")
}
