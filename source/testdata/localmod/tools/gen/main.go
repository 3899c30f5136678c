// Command gen prints a message from a package of its own module: the test
// of a go: source that names a local package.
package main

import (
	"fmt"

	"example.com/localmod/internal/msg"
)

func main() { fmt.Println(msg.Text()) }
