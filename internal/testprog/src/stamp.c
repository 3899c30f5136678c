// stamp writes what a run cannot know in advance, the wall-clock time and
// random bytes, to the file named by its argument (or stdout): the guest of
// the reproducible-mode tests.
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv) {
  struct timespec ts;
  unsigned char rnd[32];
  if (clock_gettime(CLOCK_REALTIME, &ts) != 0 || getentropy(rnd, sizeof rnd) != 0) {
    fputs("stamp: no clock or entropy\n", stderr);
    return 1;
  }
  FILE *f = argc > 1 ? fopen(argv[1], "w") : stdout;
  if (f == NULL) {
    perror(argv[1]);
    return 1;
  }
  fprintf(f, "time %lld.%09ld\nrandom ", (long long)ts.tv_sec, ts.tv_nsec);
  for (size_t i = 0; i < sizeof rnd; i++) fprintf(f, "%02x", rnd[i]);
  fputc('\n', f);
  return fclose(f) == 0 ? 0 : 1;
}
