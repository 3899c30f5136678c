// startonce checks that a C program starts and ends once: a constructor
// registers an exit handler that reports how often constructors ran. Each
// must run once, the handler only after main, even when the preview1
// adapter calls the program's cabi_realloc before and during main.
#include <stdio.h>
#include <stdlib.h>

static int constructed;

static void report(void) { printf("constructors ran %d time(s)\n", constructed); }

__attribute__((constructor)) static void construct(void) {
  constructed++;
  atexit(report);
}

int main(void) {
  printf("main\n");
  return 0;
}
