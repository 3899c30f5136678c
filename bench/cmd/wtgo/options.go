package main

import (
	"flag"
	"fmt"
	"strings"

	"github.com/bytecodealliance/wasmtime-go/v39"

	"github.com/wasmtasks/wasmtasks/bench/internal/peerflags"
)

// options are the compile choices the bench compares: each one changes
// the generated code, so it is part of the cached artifact's name.
type options struct {
	opt       string
	unwind    bool
	cranelift []string // NAME=VALUE, passed to wasmtime_config_cranelift_flag_set
	stats     string
}

var opts = options{unwind: true}

func init() {
	flag.StringVar(&opts.opt, "opt", "speed", "Cranelift opt level: none, speed or speed_and_size")
	flag.BoolVar(&opts.unwind, "unwind", true, "generate native unwind information")
	flag.Func("cranelift", "NAME=VALUE, a Cranelift setting (repeatable)", func(v string) error {
		if !strings.Contains(v, "=") {
			return fmt.Errorf("%q is not NAME=VALUE", v)
		}
		opts.cranelift = append(opts.cranelift, v)
		return nil
	})
	flag.StringVar(&opts.stats, "stats", "", "write compile time, artifact size and run time as JSON to FILE")
}

var levels = map[string]wasmtime.OptLevel{
	"none": wasmtime.OptLevelNone, "speed": wasmtime.OptLevelSpeed, "speed_and_size": wasmtime.OptLevelSpeedAndSize,
}

// apply sets the options on cfg.
func (o options) apply(cfg *wasmtime.Config) error {
	level, ok := levels[o.opt]
	if !ok {
		return fmt.Errorf("-opt %q: want none, speed or speed_and_size", o.opt)
	}
	cfg.SetCraneliftOptLevel(level)
	cfg.SetNativeUnwindInfo(o.unwind)
	for _, f := range o.cranelift {
		name, value, _ := strings.Cut(f, "=")
		cfg.SetCraneliftFlag(name, value)
	}
	return nil
}

// key names the options in a cached artifact's file name.
func (o options) key() string {
	return fmt.Sprintf("%s-unwind%v-%s", o.opt, o.unwind, strings.Join(o.cranelift, ","))
}

// write saves s to the -stats file, if one was named.
func (o options) write(s peerflags.Stats) error {
	if o.stats == "" {
		return nil
	}
	return s.Write(o.stats)
}
