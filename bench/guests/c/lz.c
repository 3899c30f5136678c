// lz compresses a file with a small LZ77 (LZ4-like tokens: literal run,
// match offset and length, 64K window, 4-byte minimum match) and writes
// the result: a real compressor's reading, hashing and writing.
//
//   lz IN OUT
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint32_t read32(const uint8_t *p) {
  uint32_t v;
  memcpy(&v, p, 4);
  return v;
}

static size_t put_len(uint8_t *out, size_t n) {
  size_t o = 0;
  for (; n >= 255; n -= 255) out[o++] = 255;
  out[o++] = (uint8_t)n;
  return o;
}

static size_t compress(const uint8_t *in, size_t n, uint8_t *out) {
  static uint32_t table[1 << 16];
  memset(table, 0, sizeof table);
  size_t o = 0, anchor = 0, i = 0;
  while (i + 8 < n) {
    uint32_t seq = read32(in + i);
    uint32_t hsh = (seq * 2654435761u) >> 16;
    size_t cand = table[hsh];
    table[hsh] = (uint32_t)i;
    if (cand < i && i - cand < 65536 && read32(in + cand) == seq) {
      size_t len = 4;
      while (i + len < n && in[cand + len] == in[i + len] && len < 65535) len++;
      size_t lit = i - anchor;
      out[o++] = (uint8_t)((lit < 15 ? lit : 15) << 4 | (len - 4 < 15 ? len - 4 : 15));
      if (lit >= 15) o += put_len(out + o, lit - 15);
      memcpy(out + o, in + anchor, lit);
      o += lit;
      out[o++] = (uint8_t)(i - cand);
      out[o++] = (uint8_t)((i - cand) >> 8);
      if (len - 4 >= 15) o += put_len(out + o, len - 4 - 15);
      i += len;
      anchor = i;
    } else {
      i++;
    }
  }
  size_t lit = n - anchor;
  out[o++] = (uint8_t)((lit < 15 ? lit : 15) << 4);
  if (lit >= 15) o += put_len(out + o, lit - 15);
  memcpy(out + o, in + anchor, lit);
  return o + lit;
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: lz IN OUT\n");
    return 2;
  }
  FILE *f = fopen(argv[1], "rb");
  if (!f) {
    perror(argv[1]);
    return 1;
  }
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  uint8_t *in = malloc(n), *out = malloc(n + n / 255 + 64);
  if (!in || !out || fread(in, 1, n, f) != (size_t)n) {
    fprintf(stderr, "lz: cannot read %s\n", argv[1]);
    return 1;
  }
  fclose(f);
  size_t m = compress(in, n, out);
  FILE *g = fopen(argv[2], "wb");
  if (!g || fwrite(out, 1, m, g) != m || fclose(g) != 0) {
    perror(argv[2]);
    return 1;
  }
  printf("%ld -> %zu bytes\n", n, m);
  return 0;
}
