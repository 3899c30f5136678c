module github.com/wasmtasks/wasmtasks

go 1.26.0

require github.com/bytecodealliance/wasmtime-go/v39 v39.0.1

require github.com/magefile/mage v1.17.2

require (
	github.com/opencontainers/go-digest v1.0.0
	github.com/opencontainers/image-spec v1.1.1
	go.yaml.in/yaml/v3 v3.0.6
	google.golang.org/protobuf v1.36.12
	oras.land/oras-go/v2 v2.7.0
)

require golang.org/x/sync v0.24.0 // indirect

tool github.com/magefile/mage
