// cwd shows where a C program (wasi-libc) starts: it prints getcwd() and
// the relative file data.txt, then moves to $PWD, as a program that wants
// its task's workdir must, and does both again.
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static void show(void) {
  char buf[256];
  printf("cwd %s\n", getcwd(buf, sizeof buf) ? buf : "(error)");
  FILE *f = fopen("data.txt", "r");
  if (!f) {
    puts("data.txt: not found");
    return;
  }
  char line[128] = {0};
  fgets(line, sizeof line, f);
  fclose(f);
  printf("data.txt: %s", line);
}

int main(void) {
  show();
  const char *pwd = getenv("PWD");
  if (pwd && chdir(pwd) == 0) {
    printf("chdir $PWD\n");
    show();
  }
  return 0;
}
