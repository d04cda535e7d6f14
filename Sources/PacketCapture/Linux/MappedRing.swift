// The mmap'd TPACKET_V3 ring: the only Swift code that reads memory through a pointer. Block status is loaded
// with acquire and stored back with release ordering by the shim's inline functions; packet bytes are read only
// through `MappedBlock`, whose every access the block walker has bounds-checked against the block size first.
internal import CPacketCapture

/// One block of the mapped ring, as ``BlockMemory``.
@safe struct MappedBlock: BlockMemory {
  let base: UnsafeRawPointer
  let count: Int

  func load8(_ offset: Int) -> UInt8 {
    precondition(offset >= 0 && offset < count)
    return unsafe base.load(fromByteOffset: offset, as: UInt8.self)
  }
  func load16(_ offset: Int) -> UInt16 {
    precondition(offset >= 0 && offset <= count - 2)
    return unsafe base.loadUnaligned(fromByteOffset: offset, as: UInt16.self)
  }
  func load32(_ offset: Int) -> UInt32 {
    precondition(offset >= 0 && offset <= count - 4)
    return unsafe base.loadUnaligned(fromByteOffset: offset, as: UInt32.self)
  }
  func copy(from offset: Int, count n: Int, into buffer: inout [UInt8], at index: Int) {
    precondition(offset >= 0 && n >= 0 && n <= count - offset && index >= 0 && index <= buffer.count - n)
    guard n > 0 else { return }
    unsafe buffer.withUnsafeMutableBytes { destination in
      unsafe destination.baseAddress.map { unsafe ($0 + index).copyMemory(from: base + offset, byteCount: n) }
    }
  }
}

/// The ring mapping of one packet socket: `blockCount` blocks of `blockSize` bytes.
@safe final class MappedRing {
  let base: UnsafeMutableRawPointer
  let blockSize: Int
  let blockCount: Int

  /// Maps the ring of `fd`; nil with the errno on failure.
  static func map(fd: Int32, blockSize: Int, blockCount: Int) -> MappedRing? {
    guard let p = unsafe cpc_map_ring(fd, blockSize * blockCount) else { return nil }
    return unsafe MappedRing(base: p, blockSize: blockSize, blockCount: blockCount)
  }

  init(base: UnsafeMutableRawPointer, blockSize: Int, blockCount: Int) {
    unsafe self.base = base
    self.blockSize = blockSize
    self.blockCount = blockCount
  }

  deinit { unsafe cpc_unmap_ring(base, blockSize * blockCount) }

  /// True when block `index` belongs to user space (`TP_STATUS_USER`), loaded with acquire ordering.
  func isReady(_ index: Int) -> Bool {
    unsafe cpc_block_status_acquire(base + index * blockSize) & CPC_TP_STATUS_USER != 0
  }

  /// Block `index` for reading.
  func block(_ index: Int) -> MappedBlock {
    unsafe MappedBlock(base: UnsafeRawPointer(base + index * blockSize), count: blockSize)
  }

  /// Hands block `index` back to the kernel (release ordering).
  func release(_ index: Int) { unsafe cpc_block_release(base + index * blockSize) }
}
