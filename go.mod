module github.com/wasmtasks/wasmtasks

go 1.26

require github.com/bytecodealliance/wasmtime-go/v39 v39.0.1

require github.com/magefile/mage v1.17.2

require go.yaml.in/yaml/v3 v3.0.6

tool github.com/magefile/mage
