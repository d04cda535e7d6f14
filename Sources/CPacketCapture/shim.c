// System calls behind CPacketCapture.h (see packet(7)): each returns 0 / a value, or -errno.
#define _GNU_SOURCE
#include "CPacketCapture.h"
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <linux/if_ether.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/statvfs.h>
#include <sys/wait.h>

#ifndef SO_LOCK_FILTER
#define SO_LOCK_FILTER 44
#endif

int cpc_open_packet_socket(void) {
  int fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
  return fd < 0 ? -errno : fd;
}

int cpc_attach_locked_filter(int fd, const struct sock_filter *program, unsigned short count) {
  struct sock_fprog prog = {.len = count, .filter = (struct sock_filter *)program};
  if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof prog) != 0) return -errno;
  int one = 1;
  if (setsockopt(fd, SOL_SOCKET, SO_LOCK_FILTER, &one, sizeof one) != 0) return -errno;
  return 0;
}

int cpc_use_tpacket_v3(int fd, unsigned int reserve) {
  int version = TPACKET_V3;
  if (setsockopt(fd, SOL_PACKET, PACKET_VERSION, &version, sizeof version) != 0) return -errno;
  if (setsockopt(fd, SOL_PACKET, PACKET_RESERVE, &reserve, sizeof reserve) != 0) return -errno;
  return 0;
}

int cpc_request_ring(int fd, unsigned int block_size, unsigned int block_count, unsigned int retire_ms) {
  struct tpacket_req3 req;
  memset(&req, 0, sizeof req);
  req.tp_block_size = block_size;
  req.tp_block_nr = block_count;
  req.tp_frame_size = block_size;
  req.tp_frame_nr = block_count;
  req.tp_retire_blk_tov = retire_ms;
  req.tp_feature_req_word = 0;
  if (setsockopt(fd, SOL_PACKET, PACKET_RX_RING, &req, sizeof req) != 0) return -errno;
  return 0;
}

void *cpc_map_ring(int fd, size_t length) {
  void *p = mmap(NULL, length, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_LOCKED, fd, 0);
  if (p == MAP_FAILED) {
    // MAP_LOCKED needs RLIMIT_MEMLOCK room; fall back to an ordinary mapping, as libpcap does.
    p = mmap(NULL, length, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  }
  return p == MAP_FAILED ? NULL : p;
}

void cpc_unmap_ring(void *address, size_t length) { munmap(address, length); }

int cpc_set_promiscuous(int fd, int ifindex) {
  struct packet_mreq mr;
  memset(&mr, 0, sizeof mr);
  mr.mr_ifindex = ifindex;
  mr.mr_type = PACKET_MR_PROMISC;
  return setsockopt(fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mr, sizeof mr) == 0 ? 0 : -errno;
}

int cpc_bind_all(int fd, int ifindex) {
  struct sockaddr_ll sll;
  memset(&sll, 0, sizeof sll);
  sll.sll_family = AF_PACKET;
  sll.sll_protocol = htons(ETH_P_ALL);
  sll.sll_ifindex = ifindex;
  return bind(fd, (struct sockaddr *)&sll, sizeof sll) == 0 ? 0 : -errno;
}

int cpc_read_statistics(int fd, uint64_t *packets, uint64_t *drops, uint64_t *freezes) {
  struct tpacket_stats_v3 st;
  socklen_t len = sizeof st;
  memset(&st, 0, sizeof st);
  if (getsockopt(fd, SOL_PACKET, PACKET_STATISTICS, &st, &len) != 0) return -errno;
  *packets = st.tp_packets;
  *drops = st.tp_drops;
  *freezes = st.tp_freeze_q_cnt;
  return 0;
}

int cpc_take_socket_error(int fd) {
  int err = 0;
  socklen_t len = sizeof err;
  if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0) return -errno;
  return err;
}

int cpc_interface_exists(int ifindex) {
  char name[IF_NAMESIZE];
  return if_indextoname((unsigned int)ifindex, name) != NULL;
}

int cpc_poll_input(const int *fds, int *ready, int count, int timeout_ms) {
  struct pollfd p[64];
  if (count < 0 || count > 64) return -EINVAL;
  for (int i = 0; i < count; i++) {
    p[i].fd = fds[i];
    p[i].events = POLLIN;
    p[i].revents = 0;
  }
  int n = poll(p, (nfds_t)count, timeout_ms);
  if (n < 0) return -errno;
  for (int i = 0; i < count; i++) ready[i] = (p[i].revents & (POLLIN | POLLERR | POLLHUP)) != 0;
  return n;
}

static int stop_pipe[2] = {-1, -1};

static void on_stop_signal(int sig) {
  int saved = errno;
  unsigned char b = (unsigned char)sig;
  if (write(stop_pipe[1], &b, 1) < 0) { /* pipe full: a stop is already pending */ }
  errno = saved;
}

int cpc_stop_signals_install(void) {
  if (stop_pipe[0] >= 0) return stop_pipe[0];
  if (pipe2(stop_pipe, O_CLOEXEC | O_NONBLOCK) != 0) return -errno;
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_stop_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGHUP, &sa, NULL);
  // A parent may have started us with these signals blocked (the mask is inherited): unblock them.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGHUP);
  pthread_sigmask(SIG_UNBLOCK, &set, NULL);
  return stop_pipe[0];
}

int cpc_make_pipe(int fds[2]) { return pipe2(fds, O_CLOEXEC | O_NONBLOCK) == 0 ? 0 : -errno; }

void cpc_stop_signals_restore(void) {
  signal(SIGTERM, SIG_DFL);
  signal(SIGINT, SIG_DFL);
  signal(SIGHUP, SIG_DFL);
}

int64_t cpc_free_bytes(const char *path) {
  struct statvfs s;
  if (statvfs(path, &s) != 0) return -errno;
  return (int64_t)s.f_bavail * (int64_t)s.f_frsize;
}

extern char **environ;

pid_t cpc_spawn(char *const argv[]) {
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  // The child must not inherit our handlers' pipe-writing behaviour: reset the stop signals to default.
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t def;
  sigemptyset(&def);
  sigaddset(&def, SIGTERM);
  sigaddset(&def, SIGINT);
  sigaddset(&def, SIGHUP);
  posix_spawnattr_setsigdefault(&attr, &def);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF);
  pid_t pid;
  int rc = posix_spawnp(&pid, argv[0], &fa, &attr, argv, environ);
  posix_spawn_file_actions_destroy(&fa);
  posix_spawnattr_destroy(&attr);
  return rc == 0 ? pid : -rc;
}

pid_t cpc_reap(pid_t pid, int *status) {
  pid_t r = waitpid(pid, status, WNOHANG);
  return r < 0 ? -errno : r;
}
