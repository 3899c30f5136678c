// Package tasks loads a task file into a dependency graph and runs it: each
// task at most once, after its dependencies, independent tasks in parallel,
// with one shared engine and store of compiled code, up-to-date checks, and
// output that keeps tasks apart.
package tasks
