// The AF_PACKET socket set-up, in the order that never lets an unfiltered frame through: socket (receives nothing
// until bound) -> SO_ATTACH_FILTER -> SO_LOCK_FILTER -> TPACKET_V3 + PACKET_RESERVE -> PACKET_RX_RING (smaller on
// ENOMEM) -> mmap -> promiscuous membership -> bind(ETH_P_ALL). Pointer-passing calls are in this file only.
internal import CPacketCapture
import PcapKit
#if canImport(Glibc)
  internal import Glibc
#endif

/// An open, bound packet socket with its mapped ring.
final class PacketSocket {
  let fd: Int32
  let ring: MappedRing
  let interfaceIndex: Int32

  /// Opens and configures the socket.
  /// - Parameters:
  ///   - interface: the interface name.
  ///   - program: the classic BPF program (attached and locked before anything can arrive).
  ///   - blockSize: ring block size (a multiple of the page size).
  ///   - blockCount: blocks wanted; fewer are taken (5% less at a time) when the kernel says ENOMEM.
  ///   - retireMilliseconds: a block is handed over at the latest this long after its first packet.
  ///   - promiscuous: add promiscuous membership.
  init(interface: String, program: [BPFInstruction], blockSize: Int, blockCount: Int, retireMilliseconds: Int,
       promiscuous: Bool) throws(CaptureError) {
    let index = Int32(bitPattern: unsafe if_nametoindex(interface))
    guard index > 0 else { throw CaptureError(.invalidArgument, offset: nil, "no interface named \(interface)") }
    let fd = cpc_open_packet_socket()
    if fd < 0 {
      if -fd == EPERM || -fd == EACCES {
        throw CaptureError(.permissionDenied, offset: nil, "opening a packet socket needs CAP_NET_RAW")
      }
      throw CaptureError(.ioError, offset: nil, "socket(AF_PACKET): \(SystemCalls.errorText(-fd))")
    }
    func fail(_ what: String, _ rc: Int32) -> CaptureError {
      _ = Glibc.close(fd)
      return CaptureError(.ioError, offset: nil, "\(what) on \(interface): \(SystemCalls.errorText(-rc))")
    }
    let filter = program.map { sock_filter(code: $0.code, jt: $0.jt, jf: $0.jf, k: $0.k) }
    var rc = unsafe filter.withUnsafeBufferPointer { unsafe cpc_attach_locked_filter(fd, $0.baseAddress, UInt16($0.count)) }
    if rc != 0 { throw fail("attaching the kernel filter", rc) }
    rc = cpc_use_tpacket_v3(fd, 4)
    if rc != 0 { throw fail("selecting TPACKET_V3", rc) }
    var blocks = max(blockCount, 1)
    while true {
      rc = cpc_request_ring(fd, UInt32(blockSize), UInt32(blocks), UInt32(retireMilliseconds))
      if rc == 0 { break }
      guard -rc == ENOMEM, blocks > 1 else { throw fail("PACKET_RX_RING (\(blocks) x \(blockSize) bytes)", rc) }
      blocks = min(blocks - 1, blocks * 95 / 100)
    }
    guard let ring = MappedRing.map(fd: fd, blockSize: blockSize, blockCount: blocks) else {
      throw fail("mapping the ring", -errno)
    }
    if promiscuous {
      rc = cpc_set_promiscuous(fd, index)
      if rc != 0 { throw fail("promiscuous mode", rc) }
    }
    rc = cpc_bind_all(fd, index)
    if rc != 0 { throw fail("bind", rc) }
    self.fd = fd
    self.ring = ring
    self.interfaceIndex = index
  }

  /// `PACKET_STATISTICS` since the last read: (packets including drops, drops).
  func readStatistics() -> (packets: UInt64, drops: UInt64) {
    var packets: UInt64 = 0, drops: UInt64 = 0, freezes: UInt64 = 0
    guard unsafe cpc_read_statistics(fd, &packets, &drops, &freezes) == 0 else { return (0, 0) }
    return (packets, drops)
  }

  /// The pending socket error (`ENETDOWN` when the interface went down or away), cleared by reading it: a pending
  /// error keeps `poll` reporting the socket ready.
  func takeError() -> Int32 { cpc_take_socket_error(fd) }

  /// True while the interface the socket is bound to exists (false once it was deleted or moved to another
  /// network namespace).
  func interfaceExists() -> Bool { cpc_interface_exists(interfaceIndex) != 0 }

  func close() { _ = Glibc.close(fd) }
}
