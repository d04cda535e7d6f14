import Foundation
import Testing
@testable import PcapKit
#if canImport(Glibc)
import Glibc
#endif

@Suite struct AtomicOutputFileTests {
  /// A fresh directory under /tmp for one test.
  func scratch() -> String {
    let dir = "/tmp/optigo-atomic-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
    mkdir(dir, 0o755)
    return dir
  }

  func contents(_ path: String) -> [UInt8]? {
    let fd = open(path, O_RDONLY)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    var out: [UInt8] = []
    var buf = [UInt8](repeating: 0, count: 4096)
    while true {
      let n = buf.withUnsafeMutableBytes { read(fd, $0.baseAddress, 4096) }
      if n <= 0 { break }
      out += buf[0..<n]
    }
    return out
  }

  func write(_ path: String, _ bytes: [UInt8]) {
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    _ = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, bytes.count) }
    close(fd)
  }

  func entries(_ dir: String) -> [String] {
    guard let d = opendir(dir) else { return [] }
    defer { closedir(d) }
    var names: [String] = []
    while let e = readdir(d) {
      let name = withUnsafeBytes(of: e.pointee.d_name) { String(decoding: $0.prefix(while: { $0 != 0 }), as: UTF8.self) }
      if name != "." && name != ".." { names.append(name) }
    }
    return names.sorted()
  }

  @Test("commit renames the temporary file over the target; nothing else is left behind")
  func commit() throws {
    let dir = scratch()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    write(dir + "/out.pcap", [9, 9])
    let out = try AtomicOutputFile(path: dir + "/out.pcap")
    let temp = try #require(out.temporaryPath)
    #expect(temp.hasPrefix(dir + "/.optigo-tmp-") && temp.hasSuffix("-out.pcap"))
    #expect(TemporaryFileNames.isTemporary(name: String(temp.split(separator: "/").last ?? "")))
    #expect(InterruptCleanup.registeredPaths.contains(temp))  // a signal would remove it
    try out.sink.write([1, 2, 3][...])
    #expect(contents(dir + "/out.pcap") == [9, 9])  // target untouched until commit
    try out.commit()
    #expect(contents(dir + "/out.pcap") == [1, 2, 3])
    #expect(entries(dir) == ["out.pcap"])
    #expect(out.isCommitted && out.temporaryPath == nil)
    #expect(!InterruptCleanup.registeredPaths.contains(temp))
  }

  @Test("durability: .renamed commits atomically without fsync, .synchronized (the default) fsyncs before the rename")
  func durability() throws {
    let dir = scratch()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    write(dir + "/out.pcap", [9, 9])
    let derived = try AtomicOutputFile(path: dir + "/out.pcap", durability: .renamed)
    try derived.sink.write([1, 2, 3][...])
    #expect(contents(dir + "/out.pcap") == [9, 9])
    try derived.commit()
    #expect(contents(dir + "/out.pcap") == [1, 2, 3])
    #expect(entries(dir) == ["out.pcap"])
    #expect(derived.isCommitted && !derived.wasSynchronized)
    let durable = try AtomicOutputFile(path: dir + "/out.pcap")
    #expect(durable.durability == .synchronized)
    try durable.sink.write([4][...])
    try durable.commit()
    #expect(contents(dir + "/out.pcap") == [4])
    #expect(durable.isCommitted && durable.wasSynchronized)
  }

  @Test("dropping or discarding without commit removes the temporary file and leaves the target untouched")
  func discard() throws {
    let dir = scratch()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    write(dir + "/out.pcap", [9, 9])
    do {
      let out = try AtomicOutputFile(path: dir + "/out.pcap")
      try out.sink.write([UInt8](repeating: 1, count: 100_000)[...])
      try out.sink.flush()
      #expect(entries(dir).count == 2)
    }
    #expect(entries(dir) == ["out.pcap"])
    #expect(contents(dir + "/out.pcap") == [9, 9])
    let second = try AtomicOutputFile(path: dir + "/new.pcap")
    second.discard()
    #expect(entries(dir) == ["out.pcap"])
    #expect(throws: CaptureError.self) { try second.commit() }
  }

  @Test("an output that is an input is refused: same path, another spelling, a hard link, a symbolic link")
  func refusesInput() throws {
    let dir = scratch()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    write(dir + "/in.pcap", [1])
    link(dir + "/in.pcap", dir + "/hard.pcap")
    symlink(dir + "/in.pcap", dir + "/soft.pcap")
    for output in [dir + "/in.pcap", dir + "/./in.pcap", dir + "//in.pcap", dir + "/hard.pcap", dir + "/soft.pcap"] {
      let e = #expect(throws: CaptureError.self) { try AtomicOutputFile(path: output, inputs: ["-", dir + "/in.pcap"]) }
      #expect(e?.code == .outputIsInput)
    }
    #expect(contents(dir + "/in.pcap") == [1])
    #expect(entries(dir) == ["hard.pcap", "in.pcap", "soft.pcap"])
    // A different file with the same content is fine.
    write(dir + "/copy.pcap", [1])
    let ok = try AtomicOutputFile(path: dir + "/copy.pcap", inputs: [dir + "/in.pcap"])
    ok.discard()
    #expect(AtomicOutputFile.sameFile(dir + "/in.pcap", dir + "/hard.pcap"))
    #expect(!AtomicOutputFile.sameFile(dir + "/in.pcap", dir + "/copy.pcap"))
  }

  @Test("a directory target, or a missing directory, is an I/O error")
  func badTargets() {
    let dir = scratch()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let e1 = #expect(throws: CaptureError.self) { try AtomicOutputFile(path: dir) }
    #expect(e1?.code == .ioError)
    let e2 = #expect(throws: CaptureError.self) { try AtomicOutputFile(path: dir + "/missing/out.pcap") }
    #expect(e2?.code == .ioError)
    #expect(entries(dir).isEmpty)
  }

  @Test("path splitting")
  func split() {
    #expect(AtomicOutputFile.split("a.pcap") == (".", "a.pcap"))
    #expect(AtomicOutputFile.split("/a.pcap") == ("/", "a.pcap"))
    #expect(AtomicOutputFile.split("x/y/a.pcap") == ("x/y", "a.pcap"))
  }
}

@Suite("Temporary file names")
struct TemporaryFileNameTests {
  @Test("every temporary name the tools write, and those of older versions, is recognised; capture names are not")
  func recognised() {
    for name in [".optigo-tmp-12-abc-out.pcap", ".optigo-partial-x", ".optigo-undo-y", ".out.pcap.tmp-4118-1dh6t4vjbedyr",
                 TemporaryFileNames.temporaryName(for: "x.pcapng", processID: 7, random: 99)] {
      #expect(TemporaryFileNames.isTemporary(name: name), "\(name)")
    }
    for name in ["out.pcap", ".hidden.pcap", "a.tmp-1-2", ".a.tmp-x-2", ".tmp-1-2", "capture.pcapng.gz", ".a.tmp-1-2B"] {
      #expect(!TemporaryFileNames.isTemporary(name: name), "\(name)")
    }
    let long = TemporaryFileNames.temporaryName(for: String(repeating: "é", count: 200), processID: 1, random: .max)
    #expect(long.utf8.count <= 255)
  }

  @Test("stale: temporary names older than the age, regular files only; clean removes them")
  func stale() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("stale-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    for name in [".optigo-tmp-1-a-old.pcap", ".optigo-tmp-1-b-new.pcap", "old.pcap"] {
      _ = FileManager.default.createFile(atPath: dir + "/" + name, contents: Data([1, 2, 3]))
    }
    try FileManager.default.createDirectory(atPath: dir + "/.optigo-tmp-1-c-dir", withIntermediateDirectories: true)
    let hoursAgo = Date(timeIntervalSinceNow: -7200)
    for name in [".optigo-tmp-1-a-old.pcap", "old.pcap", ".optigo-tmp-1-c-dir"] {
      try FileManager.default.setAttributes([.modificationDate: hoursAgo], ofItemAtPath: dir + "/" + name)
    }
    let found = TemporaryFileNames.stale(in: dir)
    #expect(found.map(\.path) == [dir + "/.optigo-tmp-1-a-old.pcap"])
    #expect(found.first?.size == 3 && (found.first?.age ?? 0) >= 7200)
    #expect(TemporaryFileNames.remove(found[0]) == nil)
    #expect(TemporaryFileNames.stale(in: dir).isEmpty)
    #expect(FileManager.default.fileExists(atPath: dir + "/.optigo-tmp-1-b-new.pcap"))  // recent: maybe still written
  }
}
