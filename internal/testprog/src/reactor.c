// reactor is a library-style program with no main: built as a WASI reactor
// it has no _start, and as a component it exports no wasi:cli/run.
int add(int a, int b) { return a + b; }
