import Foundation
import Testing

@testable import CaptureArchive
import PcapKit
import _CaptureInternals
import OptigoTestSupport

/// Helpers shared by the Archive* test suites.
enum ArchiveTestSupport {
  static let packageRoot = OptigoTestSupport.packageRoot
  static let fixtures = packageRoot.appendingPathComponent("Fixtures/anonymize")

  static func fixture(_ name: String) throws -> [UInt8] {
    [UInt8](try Data(contentsOf: fixtures.appendingPathComponent(name)))
  }

  /// A fresh directory under `base` (default: the system temporary directory), removed by the caller.
  static func makeDirectory(in base: String = NSTemporaryDirectory()) throws -> String {
    let path = (base as NSString).appendingPathComponent("archive-test-\(UUID().uuidString)")
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return try PosixFileSystem().resolve(path)
  }

  static func remove(_ path: String) {
    // Make everything writable again first (read-only directory tests).
    if let e = FileManager.default.enumerator(atPath: path) {
      for case let p as String in e {
        try? FileManager.default.setAttributes(
          [.posixPermissions: 0o755], ofItemAtPath: (path as NSString).appendingPathComponent(p))
      }
    }
    try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
    try? FileManager.default.removeItem(atPath: path)
  }

  static func write(_ bytes: [UInt8], to path: String) throws {
    try Data(bytes).write(to: URL(fileURLWithPath: path))
  }

  static func read(_ path: String) throws -> [UInt8] {
    [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
  }

  /// Regular files below `directory` (recursively), relative path → bytes.
  static func snapshot(_ directory: String) throws -> [String: [UInt8]] {
    var result: [String: [UInt8]] = [:]
    guard let e = FileManager.default.enumerator(atPath: directory) else { return result }
    for case let relative as String in e {
      let full = (directory as NSString).appendingPathComponent(relative)
      let attributes = try FileManager.default.attributesOfItem(atPath: full)
      if attributes[.type] as? FileAttributeType == .typeRegular {
        result[relative] = try read(full)
      }
    }
    return result
  }

  /// Contents regardless of names: sorted list of byte arrays (to compare "same files, other names").
  static func contents(_ snapshot: [String: [UInt8]]) -> [[UInt8]] {
    snapshot.values.sorted { $0.lexicographicallyPrecedes($1) }
  }

  /// A classic pcap with `packets` Ethernet frames of `size` bytes each; `seed` varies the bytes.
  static func pcap(packets: Int, size: Int = 60, seed: UInt32 = 0) -> [UInt8] {
    var out: [UInt8] = []
    func le32(_ v: UInt32) { out += withUnsafeBytes(of: v.littleEndian, Array.init) }
    func le16(_ v: UInt16) { out += withUnsafeBytes(of: v.littleEndian, Array.init) }
    le32(0xA1B2_C3D4)
    le16(2)
    le16(4)
    le32(0)
    le32(0)
    le32(65535)
    le32(1)
    for i in 0..<packets {
      le32(1_700_000_000 &+ seed)
      le32(UInt32(i))
      le32(UInt32(size))
      le32(UInt32(size))
      for j in 0..<size { out.append(UInt8(truncatingIfNeeded: j &+ i &+ Int(seed))) }
    }
    return out
  }

  /// True when the file system at `a` is a different device from `b`.
  static func differentDevices(_ a: String, _ b: String) -> Bool {
    guard let sa = try? PosixFileSystem().status(of: a), let sb = try? PosixFileSystem().status(of: b) else {
      return false
    }
    return sa.device != sb.device
  }

  /// A tmpfs on another device for cross-file-system tests: /dev/shm when it is one.
  static var otherFileSystem: String? {
    let shm = "/dev/shm"
    guard FileManager.default.isWritableFile(atPath: shm), differentDevices(shm, NSTemporaryDirectory()) else {
      return nil
    }
    return shm
  }

  /// Runs a program, returning its exit status and output.
  @discardableResult
  static func run(_ executable: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
  }

  static var isRoot: Bool { getuid() == 0 }

  /// Mounts a tmpfs of `size` at a new directory (root only); nil when mounting is not possible here.
  static func mountTmpfs(size: String, readOnly: Bool = false) -> String? {
    guard isRoot,
      FileManager.default.isExecutableFile(atPath: "/bin/mount")
        || FileManager.default.isExecutableFile(atPath: "/usr/bin/mount"),
      let dir = try? makeDirectory()
    else { return nil }
    let mount = FileManager.default.isExecutableFile(atPath: "/bin/mount") ? "/bin/mount" : "/usr/bin/mount"
    guard let r = try? run(mount, ["-t", "tmpfs", "-o", "size=\(size),mode=0755", "tmpfs", dir]), r.status == 0 else {
      remove(dir)
      return nil
    }
    return dir
  }

  static func remountReadOnly(_ dir: String) -> Bool {
    let mount = FileManager.default.isExecutableFile(atPath: "/bin/mount") ? "/bin/mount" : "/usr/bin/mount"
    return (try? run(mount, ["-o", "remount,ro", dir]))?.status == 0
  }

  static func unmount(_ dir: String) {
    let umount = FileManager.default.isExecutableFile(atPath: "/bin/umount") ? "/bin/umount" : "/usr/bin/umount"
    _ = try? run(umount, [dir])
    remove(dir)
  }
}

/// A non-cryptographic 256-bit test digest (four FNV-1a lanes): the engine only compares digests, and PcapKit's
/// tests must not depend on swift-crypto. The CLI's tests use the real SHA-256.
struct TestDigest: ContentDigest {
  private var lanes: [UInt64] = [0xcbf2_9ce4_8422_2325, 0x1000_0000_01b3, 0x9e37_79b9_7f4a_7c15, 0x27d4_eb2f_1656_67c5]

  mutating func update(_ bytes: ArraySlice<UInt8>) {
    for b in bytes {
      for i in 0..<4 {
        lanes[i] = (lanes[i] ^ UInt64(b) ^ UInt64(i)) &* 0x100_0000_01b3
      }
    }
  }

  mutating func finalize() -> [UInt8] {
    lanes.flatMap { withUnsafeBytes(of: $0.bigEndian, Array.init) }
  }

  static let factory: ContentDigestFactory = { TestDigest() }

  static func hex(_ bytes: [UInt8]) -> String {
    var d = TestDigest()
    d.update(bytes[...])
    return hexString(d.finalize())
  }
}

/// A random source that replays fixed words (collision tests).
struct ReplayGenerator: RandomNumberGenerator {
  var words: [UInt64]
  var index = 0
  mutating func next() -> UInt64 {
    defer { index += 1 }
    return words[index % words.count]
  }
}

/// Wraps the real file system and fails on purpose: a write budget (full disk), errors on rename, create or
/// write in chosen directories. Thread-safety via a lock; tests only.
final class FaultyFileSystem: ArchiveFileSystem, @unchecked Sendable {
  let base = PosixFileSystem()
  private let lock = NSLock()
  /// Bytes that may still be written to files (not the journal) before ENOSPC; nil: unlimited.
  var writeBudget: Int?
  /// errno for renames whose destination is in this directory.
  var renameFailure: (directory: String, errno: Int32)?
  /// When true, renames of the engine's own temporary files are spared by `renameFailure` (so an EXDEV there
  /// simulates a destination on another file system).
  var spareTemporaries = false
  /// errno for creating files in this directory.
  var createFailure: (directory: String, errno: Int32)?
  /// Paths exempt from the write budget (the journal).
  var unlimited: Set<String> = []

  func status(of path: String) throws(ArchiveError) -> FileStatus? { try base.status(of: path) }
  func contents(ofDirectory path: String) throws(ArchiveError) -> (names: [String], undecodable: Int) {
    try base.contents(ofDirectory: path)
  }
  func openForReading(_ path: String) throws(ArchiveError) -> OpenFile { try base.openForReading(path) }
  func createNew(_ path: String, permissions: UInt32) throws(ArchiveError) -> OpenFile {
    if let f = createFailure, ArchivePaths.directory(of: path) == f.directory {
      throw ArchiveError.system(f.errno, path: path, action: "create")
    }
    return try base.createNew(path, permissions: permissions)
  }
  func openForAppending(_ path: String) throws(ArchiveError) -> OpenFile { try base.openForAppending(path) }
  func read(_ file: OpenFile, into buffer: inout [UInt8]) throws(ArchiveError) -> Int {
    try base.read(file, into: &buffer)
  }
  func write(_ file: OpenFile, _ bytes: ArraySlice<UInt8>) throws(ArchiveError) {
    lock.lock()
    var allowed = bytes.count
    if let budget = writeBudget, !unlimited.contains(file.path) {
      allowed = min(budget, bytes.count)
      writeBudget = budget - allowed
    }
    lock.unlock()
    try base.write(file, bytes.prefix(allowed))
    if allowed < bytes.count { throw ArchiveError.system(28, path: file.path, action: "write") }
  }
  func synchronize(_ file: OpenFile) throws(ArchiveError) { try base.synchronize(file) }
  func truncate(_ file: OpenFile, to length: Int64) throws(ArchiveError) { try base.truncate(file, to: length) }
  func lockExclusively(_ file: OpenFile) throws(ArchiveError) { try base.lockExclusively(file) }
  func setPermissions(_ file: OpenFile, _ permissions: UInt32) throws(ArchiveError) {
    try base.setPermissions(file, permissions)
  }
  func close(_ file: OpenFile) throws(ArchiveError) { try base.close(file) }
  func renameWithoutReplacing(_ from: String, to: String) throws(ArchiveError) {
    let temporary =
      ArchivePaths.name(of: from).hasPrefix(ArchivePaths.partialPrefix)
      || ArchivePaths.name(of: from).hasPrefix(ArchivePaths.undoPrefix)
    if let f = renameFailure, ArchivePaths.directory(of: to) == f.directory, !(spareTemporaries && temporary) {
      throw ArchiveError.system(f.errno, path: to, action: "rename \(from)")
    }
    try base.renameWithoutReplacing(from, to: to)
  }
  func removeFile(_ path: String) throws(ArchiveError) { try base.removeFile(path) }
  func synchronizeDirectory(_ path: String) throws(ArchiveError) { try base.synchronizeDirectory(path) }
  func makeDirectory(_ path: String, permissions: UInt32) throws(ArchiveError) {
    try base.makeDirectory(path, permissions: permissions)
  }
  func resolve(_ path: String) throws(ArchiveError) -> String { try base.resolve(path) }
  func currentDirectory() throws(ArchiveError) -> String { try base.currentDirectory() }
}

/// Collects events for assertions.
final class EventLog {
  var events: [ArchiveEvent] = []
  var skipped: [(String, String)] {
    events.compactMap { if case .skipped(let p, let r) = $0 { (p, r) } else { nil } }
  }
  var failed: [(String, ArchiveError)] {
    events.compactMap { if case .failed(let p, let e) = $0 { (p, e) } else { nil } }
  }
  var completed: [(String, String)] {
    events.compactMap { if case .completed(let f, let t, _, _) = $0 { (f, t) } else { nil } }
  }
  func record(_ e: ArchiveEvent) { events.append(e) }
}

extension CaptureArchiver {
  /// An engine for tests: test digest, optional fault hook and file system, small copy chunks.
  static func testing(
    _ configuration: ArchiveConfiguration, fileSystem: any ArchiveFileSystem = PosixFileSystem(),
    generator: any RandomNumberGenerator = SystemRandomNumberGenerator(), chunkSize: Int = 64,
    hook: ArchiveFaultHook? = nil, log: EventLog
  ) -> CaptureArchiver {
    CaptureArchiver(
      configuration: configuration, digest: TestDigest.factory, fileSystem: fileSystem, generator: generator,
      chunkSize: chunkSize, faultHook: hook, onEvent: log.record)
  }
}

extension ArchiveRecovery {
  static func testing(
    fileSystem: any ArchiveFileSystem = PosixFileSystem(), chunkSize: Int = 64, hook: ArchiveFaultHook? = nil,
    log: EventLog
  ) -> ArchiveRecovery {
    ArchiveRecovery(
      digest: TestDigest.factory, fileSystem: fileSystem, chunkSize: chunkSize, faultHook: hook, onEvent: log.record)
  }
}

/// A fault hook that throws at the `n`th time (1-based) it sees `step`.
final class CrashAt {
  let step: ArchiveStep
  let n: Int
  private(set) var seen = 0
  private(set) var fired = false
  init(_ step: ArchiveStep, n: Int) {
    self.step = step
    self.n = n
  }
  var hook: ArchiveFaultHook {
    { [self] (s: ArchiveStep) throws(ArchiveError) in
      guard s == step, !fired else { return }
      seen += 1
      if seen == n {
        fired = true
        throw ArchiveError.simulatedCrash(at: s)
      }
    }
  }
}
