// scratch shows what a program sees in /tmp: how many entries it holds,
// then writes a file there and reads it back, as Yosys' abc9 does with its
// temporary files. With the argument "fail" it exits 1 after writing.
#include <dirent.h>
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv) {
  DIR *d = opendir("/tmp");
  if (!d) {
    perror("opendir /tmp");
    return 1;
  }
  int n = 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL)
    if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) n++;
  closedir(d);
  printf("entries %d\n", n);
  FILE *f = fopen("/tmp/abc9.tmp", "w");
  if (!f || fputs("scratch data\n", f) < 0 || fclose(f) != 0) {
    perror("write /tmp/abc9.tmp");
    return 1;
  }
  char buf[64] = {0};
  f = fopen("/tmp/abc9.tmp", "r");
  if (!f || !fgets(buf, sizeof buf, f)) {
    perror("read /tmp/abc9.tmp");
    return 1;
  }
  fclose(f);
  printf("read back: %s", buf);
  return argc > 1 && !strcmp(argv[1], "fail");
}
