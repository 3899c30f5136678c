// firstline prints two lines with printf as the first thing main does,
// before it touches its arguments or environment, so that the preview1
// adapter sets itself up (through cabi_realloc) in the middle of that first
// write: musl's puts path, buffered text plus '\n' in one fd_write.
#include <stdio.h>

int main(void) {
  printf("first line\n");
  printf("second line\n");
  return 0;
}
