// lint checks text files for the mistakes that make diffs noisy: trailing
// white space, carriage returns, and a missing final newline. It walks the
// folders it is given and exits 1 when any file breaks a rule.
//
//   lint DIR…
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

static int problems, files;

static const char *exts[] = {".md", ".c", ".go", ".yaml", ".csv", ".txt", ".svg", 0};

static int wanted(const char *name) {
  const char *dot = strrchr(name, '.');
  for (int i = 0; dot && exts[i]; i++)
    if (!strcmp(dot, exts[i])) return 1;
  return 0;
}

static void report(const char *path, int line, const char *msg) {
  printf("%s:%d: %s\n", path, line, msg);
  problems++;
}

static void check_file(const char *path) {
  FILE *f = fopen(path, "r");
  if (!f) {
    fprintf(stderr, "lint: %s: %s\n", path, strerror(errno));
    problems++;
    return;
  }
  files++;
  int c, prev = '\n', line = 1;
  while ((c = fgetc(f)) != EOF) {
    if (c == '\r') report(path, line, "carriage return (use LF line endings)");
    if (c == '\n') {
      if (prev == ' ' || prev == '\t') report(path, line, "trailing white space");
      line++;
    }
    prev = c;
  }
  if (prev != '\n') report(path, line, "no newline at the end of the file");
  fclose(f);
}

static void walk(const char *dir) {
  DIR *d = opendir(dir);
  if (!d) {
    fprintf(stderr, "lint: %s: %s\n", dir, strerror(errno));
    problems++;
    return;
  }
  struct dirent *e;
  while ((e = readdir(d))) {
    if (e->d_name[0] == '.') continue;
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
    struct stat st;
    if (stat(path, &st) != 0) continue;
    if (S_ISDIR(st.st_mode)) walk(path);
    else if (S_ISREG(st.st_mode) && wanted(e->d_name)) check_file(path);
  }
  closedir(d);
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: lint DIR…\n");
    return 2;
  }
  for (int i = 1; i < argc; i++) walk(argv[i]);
  if (problems) {
    fprintf(stderr, "lint: %d problems in %d files\n", problems, files);
    return 1;
  }
  printf("lint: %d files clean\n", files);
  return 0;
}
