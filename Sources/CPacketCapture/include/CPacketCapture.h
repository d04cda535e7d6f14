// The Linux packet-socket interface for PacketCapture: linux/if_packet.h and linux/filter.h, which Swift's Glibc
// module does not cover, plus a few small helpers so that the Swift side passes plain integers and one pointer
// per call. Everything here is a thin veneer over packet(7), socket(7), mmap(2), statvfs(3), posix_spawn(3).
#ifndef CPACKETCAPTURE_H
#define CPACKETCAPTURE_H

#include <stdint.h>
#include <stddef.h>
#include <sys/types.h>
#include <linux/if_packet.h>
#include <linux/filter.h>

// TPACKET_V3 constants (macros with expressions are not always imported into Swift: restated as constants).
static const uint32_t CPC_TP_STATUS_KERNEL = TP_STATUS_KERNEL;
static const uint32_t CPC_TP_STATUS_USER = TP_STATUS_USER;
static const uint32_t CPC_TP_STATUS_VLAN_VALID = TP_STATUS_VLAN_VALID;
static const uint32_t CPC_TP_STATUS_VLAN_TPID_VALID = TP_STATUS_VLAN_TPID_VALID;
static const size_t CPC_TPACKET3_HDRLEN = TPACKET3_HDRLEN;

// Layout facts the Swift block walker restates (checked against these in the tests).
static const size_t CPC_OFFSET_BLOCK_STATUS = offsetof(struct tpacket_block_desc, hdr.bh1.block_status);
static const size_t CPC_OFFSET_NUM_PKTS = offsetof(struct tpacket_block_desc, hdr.bh1.num_pkts);
static const size_t CPC_OFFSET_FIRST_PKT = offsetof(struct tpacket_block_desc, hdr.bh1.offset_to_first_pkt);
static const size_t CPC_OFFSET_BLK_LEN = offsetof(struct tpacket_block_desc, hdr.bh1.blk_len);
static const size_t CPC_OFFSET_TP_NEXT = offsetof(struct tpacket3_hdr, tp_next_offset);
static const size_t CPC_OFFSET_TP_SEC = offsetof(struct tpacket3_hdr, tp_sec);
static const size_t CPC_OFFSET_TP_NSEC = offsetof(struct tpacket3_hdr, tp_nsec);
static const size_t CPC_OFFSET_TP_SNAPLEN = offsetof(struct tpacket3_hdr, tp_snaplen);
static const size_t CPC_OFFSET_TP_LEN = offsetof(struct tpacket3_hdr, tp_len);
static const size_t CPC_OFFSET_TP_STATUS = offsetof(struct tpacket3_hdr, tp_status);
static const size_t CPC_OFFSET_TP_MAC = offsetof(struct tpacket3_hdr, tp_mac);
static const size_t CPC_OFFSET_TP_VLAN_TCI = offsetof(struct tpacket3_hdr, hv1.tp_vlan_tci);
static const size_t CPC_OFFSET_TP_VLAN_TPID = offsetof(struct tpacket3_hdr, hv1.tp_vlan_tpid);
static const size_t CPC_OFFSET_SLL_PKTTYPE = TPACKET_ALIGN(sizeof(struct tpacket3_hdr)) + offsetof(struct sockaddr_ll, sll_pkttype);

/// `socket(AF_PACKET, SOCK_RAW, 0)` with close-on-exec: a socket that receives nothing until bound. -errno on failure.
int cpc_open_packet_socket(void);
/// `SO_ATTACH_FILTER` with `count` classic BPF instructions, then `SO_LOCK_FILTER`. 0 or -errno.
int cpc_attach_locked_filter(int fd, const struct sock_filter *program, unsigned short count);
/// `PACKET_VERSION` = TPACKET_V3 and `PACKET_RESERVE` = `reserve`. 0 or -errno.
int cpc_use_tpacket_v3(int fd, unsigned int reserve);
/// `PACKET_RX_RING` with a TPACKET_V3 request (`frame_size` = `block_size`, as libpcap does). 0 or -errno.
int cpc_request_ring(int fd, unsigned int block_size, unsigned int block_count, unsigned int retire_ms);
/// `mmap` of the ring (shared, read-write); NULL with errno on failure.
void *cpc_map_ring(int fd, size_t length);
/// `munmap`.
void cpc_unmap_ring(void *address, size_t length);
/// `PACKET_ADD_MEMBERSHIP` with `PACKET_MR_PROMISC` on `ifindex`. 0 or -errno.
int cpc_set_promiscuous(int fd, int ifindex);
/// `bind` to `ifindex` with protocol `ETH_P_ALL`. 0 or -errno.
int cpc_bind_all(int fd, int ifindex);
/// `PACKET_STATISTICS` (TPACKET_V3): packets (drops included) and drops since the last call. 0 or -errno.
int cpc_read_statistics(int fd, uint64_t *packets, uint64_t *drops, uint64_t *freezes);
/// `SO_ERROR`: the socket's pending error (0 when none), which reading clears; -errno on failure.
int cpc_take_socket_error(int fd);
/// 1 when an interface with index `ifindex` exists in this network namespace, 0 when none does (`if_indextoname`).
int cpc_interface_exists(int ifindex);
/// `poll` on `count` descriptors for input; `ready` receives 1 for each readable one. Returns poll's result or -errno.
int cpc_poll_input(const int *fds, int *ready, int count, int timeout_ms);

/// Block status, loaded with acquire ordering: the packets of a block handed to user space are visible after it.
static inline uint32_t cpc_block_status_acquire(const void *block) {
  return __atomic_load_n((const uint32_t *)((const char *)block + offsetof(struct tpacket_block_desc, hdr.bh1.block_status)), __ATOMIC_ACQUIRE);
}
/// Hands a block back to the kernel with release ordering: every read of its packets happens before.
static inline void cpc_block_release(void *block) {
  __atomic_store_n((uint32_t *)((char *)block + offsetof(struct tpacket_block_desc, hdr.bh1.block_status)), TP_STATUS_KERNEL, __ATOMIC_RELEASE);
}

/// Installs SIGTERM/SIGINT/SIGHUP handlers that write the signal number to a non-blocking pipe; returns the read
/// end (poll it), or -errno. Idempotent: later calls return the same descriptor.
int cpc_stop_signals_install(void);
/// A non-blocking close-on-exec pipe: fds[0] read end, fds[1] write end. 0 or -errno.
int cpc_make_pipe(int fds[2]);
/// Restores the default actions of the signals above.
void cpc_stop_signals_restore(void);

/// Free bytes for unprivileged users (`f_bavail * f_frsize`) on the file system holding `path`; -errno on failure.
int64_t cpc_free_bytes(const char *path);
/// Starts `argv[0]` (searched in PATH) with `argv`, standard input from /dev/null; the child's pid, or -errno.
pid_t cpc_spawn(char *const argv[]);
/// Reaps one finished child without blocking: its pid (and exit status in `status`), 0 when none, -errno.
pid_t cpc_reap(pid_t pid, int *status);

#endif
