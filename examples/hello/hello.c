// hello shows what a WASI program sees: its arguments, the environment it
// was given (and nothing else), and its standard streams.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv) {
  const char *name = getenv("GREETING_NAME");
  printf("Hello, %s!\n", name ? name : "world");
  for (int i = 1; i < argc; i++) printf("argument %d: %s\n", i, argv[i]);
  printf("HOME is %s\n", getenv("HOME") ? "set" : "not set: the host's environment stays outside");
  char line[256];
  int lines = 0;
  while (fgets(line, sizeof line, stdin)) lines++;
  fprintf(stderr, "hello: read %d lines from stdin\n", lines);
  return 0;
}
