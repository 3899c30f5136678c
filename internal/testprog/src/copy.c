// copy is a hostile test guest: it copies the file SRC to DST byte for
// byte, as a program that plants prepared bytes in a folder it may write.
#include <errno.h>
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: copy SRC DST\n");
    return 2;
  }
  FILE *in = fopen(argv[1], "rb");
  if (!in) {
    fprintf(stderr, "open %s: %s\n", argv[1], strerror(errno));
    return 1;
  }
  FILE *out = fopen(argv[2], "wb");
  if (!out) {
    fprintf(stderr, "open %s: %s\n", argv[2], strerror(errno));
    return 1;
  }
  static char buf[65536];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, in)) > 0) {
    if (fwrite(buf, 1, n, out) != n) return 1;
  }
  fclose(in);
  return fclose(out) ? 1 : 0;
}
