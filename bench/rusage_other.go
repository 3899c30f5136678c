//go:build !linux

package main

import "os"

// peakRSS is not measured off Linux (ru_maxrss has other units there).
func peakRSS(*os.ProcessState) int64 { return 0 }
