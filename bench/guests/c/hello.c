// hello prints one line: the smallest program, for start-up cost.
#include <stdio.h>

int main(void) {
  puts("hello");
  return 0;
}
