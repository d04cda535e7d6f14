/*
 * Hardware-limit reference for compare.sh: the least a classic-pcap reader can do.
 *
 *   walk IN.pcap              walk every record header (read() into a 4 MiB buffer), print the packet count
 *   walk IN.pcap OUT.pcap     also write the records whose UDP port (either side) is in 47808-47823, for
 *                             Ethernet II with or without one or two 802.1Q/802.1ad tags, IPv4 (first fragments
 *                             only; options skipped) and IPv6 without extension headers
 *
 * Little- and big-endian, microsecond and nanosecond classic pcap. No error recovery: a damaged file stops the
 * walk with exit status 65. Not part of the product; it only gives compare.sh a floor to measure against.
 *   cc -O2 -o walk walk.c
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define BUF (4u << 20)

static unsigned char in[BUF], out[BUF];
static size_t outUsed;
static int outFd = -1;

static void flushOut(void) {
  size_t off = 0;
  while (off < outUsed) {
    ssize_t k = write(outFd, out + off, outUsed - off);
    if (k <= 0) { perror("write"); exit(73); }
    off += (size_t)k;
  }
  outUsed = 0;
}

static void emit(const unsigned char *p, size_t n) {
  if (outUsed + n > BUF) flushOut();
  if (n > BUF) { outUsed = 0; return; }
  memcpy(out + outUsed, p, n);
  outUsed += n;
}

static unsigned be16(const unsigned char *p) { return (unsigned)p[0] << 8 | p[1]; }

static int bacnetPort(unsigned p) { return p >= 47808 && p <= 47823; }

/* 1 when the Ethernet frame is UDP with a BACnet/IP port. */
static int keep(const unsigned char *f, size_t n) {
  if (n < 14) return 0;
  size_t i = 12;
  unsigned type = be16(f + i);
  for (int tags = 0; (type == 0x8100 || type == 0x88a8) && tags < 2; tags++) {
    i += 4;
    if (i + 2 > n) return 0;
    type = be16(f + i);
  }
  i += 2;
  if (type == 0x0800) {
    if (i + 20 > n) return 0;
    size_t ihl = (size_t)(f[i] & 0x0f) * 4;
    if (f[i + 9] != 17 || (be16(f + i + 6) & 0x1fff) != 0 || ihl < 20) return 0;
    i += ihl;
  } else if (type == 0x86dd) {
    if (i + 40 > n || f[i + 6] != 17) return 0;
    i += 40;
  } else {
    return 0;
  }
  if (i + 4 > n) return 0;
  return bacnetPort(be16(f + i)) || bacnetPort(be16(f + i + 2));
}

int main(int argc, char **argv) {
  if (argc < 2 || argc > 3) { fprintf(stderr, "usage: walk IN.pcap [OUT.pcap]\n"); return 64; }
  int fd = open(argv[1], O_RDONLY);
  if (fd < 0) { perror(argv[1]); return 66; }
  if (argc == 3) {
    outFd = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (outFd < 0) { perror(argv[2]); return 73; }
  }
  size_t have = 0, at = 0;
  int eof = 0, swap = 0, header = 1;
  uint64_t packets = 0, kept = 0;
  for (;;) {
    size_t need = header ? 24 : 16;
    if (have - at >= need && !header) {
      const unsigned char *h = in + at;
      uint32_t cap = swap ? (uint32_t)h[8] << 24 | h[9] << 16 | h[10] << 8 | h[11]
                          : (uint32_t)h[11] << 24 | h[10] << 16 | h[9] << 8 | h[8];
      if (cap > BUF - 16) return 65;
      need = 16 + cap;
    }
    if (have - at < need) {
      if (eof) break;
      memmove(in, in + at, have - at);
      have -= at;
      at = 0;
      ssize_t k = read(fd, in + have, BUF - have);
      if (k < 0) { perror("read"); return 66; }
      if (k == 0) eof = 1;
      have += (size_t)k;
      continue;
    }
    if (header) {
      uint32_t magic = (uint32_t)in[0] | in[1] << 8 | in[2] << 16 | (uint32_t)in[3] << 24;
      if (magic == 0xa1b2c3d4 || magic == 0xa1b23c4d) swap = 0;
      else if (magic == 0xd4c3b2a1 || magic == 0x4d3cb2a1) swap = 1;
      else { fprintf(stderr, "not a classic pcap\n"); return 65; }
      if (outFd >= 0) emit(in, 24);
      at = 24;
      header = 0;
      continue;
    }
    packets++;
    if (outFd >= 0 && keep(in + at + 16, need - 16)) {
      emit(in + at, need);
      kept++;
    }
    at += need;
  }
  if (have != at) { fprintf(stderr, "truncated record at the end\n"); return 65; }
  if (outFd >= 0) { flushOut(); close(outFd); }
  printf("%llu packets, %llu kept\n", (unsigned long long)packets, (unsigned long long)kept);
  return 0;
}
