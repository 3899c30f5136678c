// probe is the test suite's guest: one program whose first argument picks
// what it does, so a single build serves every runner test.
#include <errno.h>
#include <sys/stat.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static int cmd_args(int argc, char **argv) {
  for (int i = 0; i < argc; i++) printf("%s\n", argv[i]);
  return 0;
}

static int cmd_env(void) {
  for (char **e = environ; *e; e++) printf("%s\n", *e);
  return 0;
}

static int cmd_cat(void) {
  static char buf[65536];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, stdin)) > 0) {
    if (fwrite(buf, 1, n, stdout) != n) return 2;
  }
  return ferror(stdin) ? 2 : 0;
}

// relay echoes each line of stdin to stdout at once, until end of input:
// a test can see output arrive while the guest still runs.
static int cmd_relay(void) {
  static char line[4096];
  while (fgets(line, sizeof line, stdin)) {
    fputs(line, stdout);
    fflush(stdout);
  }
  return 0;
}

static int cmd_write(const char *path, const char *text) {
  FILE *f = fopen(path, "w");
  if (!f) {
    fprintf(stderr, "open %s: %s\n", path, strerror(errno));
    return 1;
  }
  fputs(text, f);
  if (fclose(f) != 0) {
    fprintf(stderr, "close %s: %s\n", path, strerror(errno));
    return 1;
  }
  return 0;
}

static int cmd_read(const char *path) {
  FILE *f = fopen(path, "r");
  if (!f) {
    fprintf(stderr, "open %s: %s\n", path, strerror(errno));
    return 1;
  }
  int c;
  while ((c = fgetc(f)) != EOF) putchar(c);
  fclose(f);
  return 0;
}

// symlink plants LINK pointing at TARGET, as a hostile guest would inside
// a read-write folder to widen a later run's access.
static int cmd_symlink(const char *target, const char *link) {
  unlink(link);
  rmdir(link);  // a folder the next run mounts is replaced as well
  if (symlink(target, link) != 0) {
    fprintf(stderr, "symlink %s -> %s: %s\n", link, target, strerror(errno));
    return 1;
  }
  return 0;
}

// hardlink makes NEW another name of OLD, then appends a line through
// NEW: a guest that tries to reach a read-only file through a name in its
// read-write folder.
static int cmd_hardlink(const char *old, const char *new) {
  if (link(old, new) != 0) {
    fprintf(stderr, "link %s %s: %s\n", old, new, strerror(errno));
    return 1;
  }
  FILE *f = fopen(new, "a");
  if (!f || fputs("written through a hard link\n", f) < 0 || fclose(f) != 0) {
    fprintf(stderr, "append %s: %s\n", new, strerror(errno));
    return 1;
  }
  return 0;
}

// include preprocesses SRC into DST as a C compiler would, pasting in
// every file named by an `#include "NAME"` line from SRC's folder: a tool
// that reads files its task never declared.
static int include_into(FILE *out, const char *path, int depth) {
  FILE *in = fopen(path, "r");
  if (!in) {
    fprintf(stderr, "open %s: %s\n", path, strerror(errno));
    return 1;
  }
  char line[1024], name[1024];
  while (fgets(line, sizeof line, in)) {
    if (depth < 8 && sscanf(line, "#include \"%1000[^\"]\"", name) == 1) {
      char inc[2048];
      const char *slash = strrchr(path, '/');
      int dir = slash ? (int)(slash - path) + 1 : 0;
      snprintf(inc, sizeof inc, "%.*s%s", dir, path, name);
      if (include_into(out, inc, depth + 1)) return 1;
      continue;
    }
    fputs(line, out);
  }
  fclose(in);
  return 0;
}

static int cmd_include(const char *src, const char *dst) {
  FILE *out = fopen(dst, "w");
  if (!out) {
    fprintf(stderr, "open %s: %s\n", dst, strerror(errno));
    return 1;
  }
  if (include_into(out, src, 0)) return 1;
  return fclose(out) ? 1 : 0;
}

// alloc takes MiB in 1 MiB blocks, writes every page and sums the bytes back,
// so no compiler can drop the allocations.
static int cmd_alloc(long mib) {
  unsigned long sum = 0;
  for (long i = 0; i < mib; i++) {
    unsigned char *p = malloc(1 << 20);
    if (!p) {
      fprintf(stderr, "out of memory after %ld MiB\n", i);
      return 1;
    }
    for (int j = 0; j < (1 << 20); j += 4096) p[j] = (unsigned char)(i + j);
    for (int j = 0; j < (1 << 20); j += 4096) sum += p[j];
  }
  printf("allocated %ld MiB (checksum %lu)\n", mib, sum);
  return 0;
}

static long long now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

// interval prints when it starts and ends, with a sleep between, so a test
// can tell whether two runs overlapped in time.
static int cmd_interval(long ms) {
  printf("start %lld\n", now_ns());
  fflush(stdout);
  usleep(ms * 1000);
  printf("end %lld\n", now_ns());
  return 0;
}

// lines writes n numbered lines tagged with tag, in many small writes.
static int cmd_lines(long n, const char *tag) {
  for (long i = 0; i < n; i++) {
    printf("%s line %ld of the output of %s\n", tag, i, tag);
    if (i % 7 == 0) fflush(stdout);
  }
  return 0;
}

// both writes N lines to stdout and N to stderr, alternating, each
// flushed at once: two streams written at the same time.
static int cmd_both(long n) {
  for (long i = 0; i < n; i++) {
    printf("out %ld\n", i);
    fflush(stdout);
    fprintf(stderr, "err %ld\n", i);
  }
  return 0;
}

// fill takes MiB of heap in one block and writes every byte of it, then
// prints: with the heap grown past the adapter's memory, this shows that
// the two do not overlap.
static int cmd_fill(long mib) {
  size_t n = (size_t)mib << 20;
  unsigned char *p = malloc(n);
  if (!p) {
    fprintf(stderr, "out of memory\n");
    return 1;
  }
  memset(p, 0xA5, n);
  unsigned long sum = 0;
  for (size_t i = 0; i < n; i += 4096) sum += p[i];
  printf("filled %ld MiB (checksum %lu)\n", mib, sum);
  return 0;
}

// spew writes MiB mebibytes to stdout in 64 KiB writes.
static int cmd_spew(long mib) {
  static char buf[65536];
  memset(buf, 'z', sizeof buf);
  for (long i = 0; i < mib * 16; i++)
    if (fwrite(buf, 1, sizeof buf, stdout) != sizeof buf) return 1;
  return 0;
}

// nested_exit calls exit from deep inside a chain of calls.
static int nested_exit(int depth, int code) {
  if (depth == 0) exit(code);
  return nested_exit(depth - 1, code) + 1;
}

// close_stdout closes stdout, then tries to write to it and reports on
// stderr what happened.
static int cmd_close_stdout(void) {
  puts("before close");
  fflush(stdout);
  close(1);
  long r = (long)write(1, "after close\n", 12);
  fprintf(stderr, "write after close returned %ld\n", r);
  return 0;
}

static volatile unsigned long spins;

static int cmd_spin(void) {
  for (;;) spins++;
}

// recurse never stops unless depth overflows (it cannot in a test run), so
// the guest must die of stack exhaustion.
static int recurse(long n) {
  volatile char pad[256];
  pad[0] = (char)n;
  if (n < 0) return 0;
  return recurse(n + 1) + pad[0];
}

// gen writes TEXT to DIR/sub/gen.txt and says so on stdout and stderr: a
// task that leaves a file and prints, for the remote cache's tests.
static int cmd_gen(const char *dir, const char *text) {
  char path[1024];
  snprintf(path, sizeof path, "%s/sub", dir);
  if (mkdir(path, 0755) != 0 && errno != EEXIST) {
    fprintf(stderr, "mkdir %s: %s\n", path, strerror(errno));
    return 1;
  }
  snprintf(path, sizeof path, "%s/sub/gen.txt", dir);
  if (cmd_write(path, text) != 0) return 1;
  printf("generated %s\n", text);
  fprintf(stderr, "note: wrote %s\n", path);
  return 0;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    puts("hello from probe");
    return 0;
  }
  const char *cmd = argv[1];
  if (!strcmp(cmd, "args")) return cmd_args(argc, argv);
  if (!strcmp(cmd, "env")) return cmd_env();
  if (!strcmp(cmd, "cat")) return cmd_cat();
  if (!strcmp(cmd, "relay")) return cmd_relay();
  if (!strcmp(cmd, "write") && argc == 4) return cmd_write(argv[2], argv[3]);
  if (!strcmp(cmd, "gen") && argc == 4) return cmd_gen(argv[2], argv[3]);
  if (!strcmp(cmd, "read") && argc == 3) return cmd_read(argv[2]);
  if (!strcmp(cmd, "include") && argc == 4) return cmd_include(argv[2], argv[3]);
  if (!strcmp(cmd, "symlink") && argc == 4) return cmd_symlink(argv[2], argv[3]);
  if (!strcmp(cmd, "hardlink") && argc == 4) return cmd_hardlink(argv[2], argv[3]);
  if (!strcmp(cmd, "exit") && argc == 3) exit(atoi(argv[2]));
  if (!strcmp(cmd, "stderr") && argc == 3) {
    fprintf(stderr, "%s\n", argv[2]);
    return 0;
  }
  if (!strcmp(cmd, "alloc") && argc == 3) return cmd_alloc(atol(argv[2]));
  if (!strcmp(cmd, "fill") && argc == 3) return cmd_fill(atol(argv[2]));
  if (!strcmp(cmd, "spew") && argc == 3) return cmd_spew(atol(argv[2]));
  if (!strcmp(cmd, "nested-exit") && argc == 3) return nested_exit(200, atoi(argv[2]));
  if (!strcmp(cmd, "close-stdout")) return cmd_close_stdout();
  if (!strcmp(cmd, "spin")) return cmd_spin();
  if (!strcmp(cmd, "sleep") && argc == 3) {
    usleep(atol(argv[2]) * 1000);
    return 0;
  }
  if (!strcmp(cmd, "interval") && argc == 3) return cmd_interval(atol(argv[2]));
  if (!strcmp(cmd, "both") && argc == 3) return cmd_both(atol(argv[2]));
  if (!strcmp(cmd, "lines") && argc == 4) return cmd_lines(atol(argv[2]), argv[3]);
  if (!strcmp(cmd, "fail") && argc == 3) {
    fprintf(stderr, "%s\n", argv[2]);
    return 1;
  }
  if (!strcmp(cmd, "trap")) __builtin_trap();
  if (!strcmp(cmd, "recurse")) return recurse(0);
  fprintf(stderr, "probe: unknown command %s\n", cmd);
  return 2;
}
