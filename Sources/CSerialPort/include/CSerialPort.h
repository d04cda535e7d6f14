#ifndef OPTIGO_CSERIALPORT_H
#define OPTIGO_CSERIALPORT_H

/* Serial-line setup the Swift Glibc module cannot express: termios2 with BOTHER (any baud rate, e.g. 76800,
 * which has no Bxxxx constant on Linux). <asm/termbits.h> clashes with <termios.h>, so it lives in its own C file
 * and this header exposes plain functions only. Every function returns 0 or a negative errno. */

/* Opens `path` read-write, non-blocking, close-on-exec, without making it the controlling terminal.
 * Returns the descriptor or a negative errno. */
int optigo_serial_open(const char *path);

/* Raw 8N1 at `baud` bits per second (termios2 + BOTHER): no echo, no signals, no flow control, no
 * translation, receiver enabled, modem lines ignored, VMIN = VTIME = 0. Discards pending input. */
int optigo_serial_configure(int fd, unsigned int baud);

/* The input baud rate the line reports (termios2 c_ispeed). */
int optigo_serial_input_baud(int fd, unsigned int *baud);

/* Discards octets received but not yet read. */
int optigo_serial_discard_input(int fd);

/* Asks the driver to deliver received octets at once (ASYNC_LOW_LATENCY through TIOCSSERIAL; FTDI's ftdi_sio then
 * sets its latency timer to 1 ms). 0 when set, a negative errno when the driver has no such setting (a pty:
 * -ENOTTY) or refuses it. */
int optigo_serial_low_latency(int fd);

/* A non-blocking, close-on-exec pipe (wake-ups between the reading thread and its owner). */
int optigo_serial_pipe(int fds[2]);

#endif
