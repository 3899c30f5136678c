// greet prints "hello, NAME" for its first argument (or "world") and exits
// with the status its second argument gives: a small program whose output
// never changes, for the Example functions.
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
  // argv is touched before the first printf (see DESIGN.md on C components).
  const char *name = argc > 1 ? argv[1] : "world";
  printf("hello, %s\n", name);
  return argc > 2 ? atoi(argv[2]) : 0;
}
