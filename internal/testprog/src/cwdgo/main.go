// cwdgo shows where a Go program built for wasip1 starts: it prints
// os.Getwd() and the content of the relative file data.txt.
package main

import (
	"fmt"
	"os"
)

func main() {
	wd, err := os.Getwd()
	fmt.Printf("cwd %s %v\n", wd, err)
	if b, err := os.ReadFile("data.txt"); err != nil {
		fmt.Println("data.txt: not found")
	} else {
		fmt.Printf("data.txt: %s", b)
	}
}
