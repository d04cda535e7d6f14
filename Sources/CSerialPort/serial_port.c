// termios2 lives in the kernel headers, which clash with glibc's <termios.h>: this file includes only the
// kernel's definitions and declares ioctl itself.
#define _GNU_SOURCE
#include <asm/termbits.h>
#include <asm/ioctls.h>
#include <linux/serial.h>
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include "CSerialPort.h"

extern int ioctl(int fd, unsigned long request, ...);

int optigo_serial_open(const char *path) {
  int fd = open(path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
  return fd < 0 ? -errno : fd;
}

int optigo_serial_configure(int fd, unsigned int baud) {
  struct termios2 t;
  if (baud == 0) return -EINVAL;
  if (ioctl(fd, TCGETS2, &t) != 0) return -errno;
  t.c_iflag &= ~(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON | IXOFF | IXANY | INPCK);
  t.c_oflag &= ~OPOST;
  t.c_lflag &= ~(ECHO | ECHONL | ICANON | ISIG | IEXTEN);
  t.c_cflag &= ~(CSIZE | PARENB | CSTOPB | CRTSCTS | CBAUD | (CBAUD << IBSHIFT));
  t.c_cflag |= CS8 | CREAD | CLOCAL | BOTHER | (BOTHER << IBSHIFT);
  t.c_ispeed = baud;
  t.c_ospeed = baud;
  t.c_cc[VMIN] = 0;
  t.c_cc[VTIME] = 0;
  if (ioctl(fd, TCSETS2, &t) != 0) return -errno;
  return optigo_serial_discard_input(fd);
}

int optigo_serial_input_baud(int fd, unsigned int *baud) {
  struct termios2 t;
  if (ioctl(fd, TCGETS2, &t) != 0) return -errno;
  *baud = t.c_ispeed;
  return 0;
}

int optigo_serial_discard_input(int fd) {
  return ioctl(fd, TCFLSH, TCIFLUSH) != 0 ? -errno : 0;
}

int optigo_serial_pipe(int fds[2]) {
  return pipe2(fds, O_NONBLOCK | O_CLOEXEC) != 0 ? -errno : 0;
}

int optigo_serial_low_latency(int fd) {
  struct serial_struct ss;
  if (ioctl(fd, TIOCGSERIAL, &ss) != 0) return -errno;
  if (ss.flags & ASYNC_LOW_LATENCY) return 0;
  ss.flags |= ASYNC_LOW_LATENCY;
  return ioctl(fd, TIOCSSERIAL, &ss) != 0 ? -errno : 0;
}
