module github.com/wasmtasks/wasmtasks/bench

go 1.26.0

require (
	github.com/bytecodealliance/wasmtime-go/v39 v39.0.1
	github.com/tetratelabs/wazero v1.12.0
	github.com/wasmtasks/wasmtasks v0.0.0
)

require golang.org/x/sys v0.44.0 // indirect

replace github.com/wasmtasks/wasmtasks => ../
