public import Foundation
import Crypto
import NIOPosix
import CaptureArchive
import PcapKit
import SQLiteNIO

/// What became of a completed upload.
public enum IngestOutcome: Sendable, Equatable {
  /// Stored as a new capture (`damaged`: repaired before storing, with a repair account).
  case accepted(captureID: String, damaged: Bool)
  /// The organisation already has these exact bytes: nothing new stored.
  case duplicate(captureID: String)
  /// Not accepted; the reason is for the uploader.
  case refused(String)
}

/// Turns a completed upload into a stored capture: whole-file SHA-256 checked against the declared one, the
/// same bytes stored once per organisation, the capture read through by PcapKit (a damaged one is repaired
/// with `CaptureRepair` and stored with its repair account; one with nothing recoverable is refused), pcapng
/// metadata scrubbed (`MetadataScrubber`: comments, host, OS, application, interface names, name resolution,
/// custom blocks), the result written durably (PcapKit's ``AtomicOutputFile``) under a random identifier, and
/// its analysis job queued in the same transaction as its row.
public struct CaptureIngest: Sendable {
  let database: ServerDatabase
  let blobs: any BlobStore
  /// Where scrubbed output is written before it moves into the blob store (same file system).
  let staging: String
  /// Largest stored (decompressed, scrubbed) capture: a small gzip upload cannot grow beyond it.
  let maximumStoredBytes: Int
  /// Analysis attempts per capture before its job is marked failed.
  let maximumAttempts: Int

  /// Ingest over the given pieces.
  public init(database: ServerDatabase, blobs: any BlobStore, staging: String, maximumStoredBytes: Int,
              maximumAttempts: Int) {
    self.database = database
    self.blobs = blobs
    self.staging = staging
    self.maximumStoredBytes = maximumStoredBytes
    self.maximumAttempts = maximumAttempts
  }

  /// Ingests the file at `path` (removed afterwards whatever the outcome).
  public func ingest(
    path: String, declaredSHA256: String, organisation: Int, site: Int, originalName: String?
  ) async throws -> IngestOutcome {
    defer { try? FileManager.default.removeItem(atPath: path) }
    let cap = maximumStoredBytes
    let staging = self.staging
    let digest = try await Self.pool.runIfActive { try Self.sha256(ofFile: path) }
    guard digest == declaredSHA256 else {
      return .refused("the whole-file SHA-256 is \(digest), not the declared \(declaredSHA256)")
    }
    if let existing = try await existingCapture(organisation: organisation, sha256: digest) {
      return .duplicate(captureID: existing)
    }
    let objectID = RandomIdentifier.make()
    let prepared = try await Self.pool.runIfActive {
      Self.prepare(path: path, output: "\(staging)/\(objectID)", cap: cap)
    }
    let stored: PreparedCapture
    switch prepared {
    case .failure(let reason): return .refused(reason)
    case .success(let capture): stored = capture
    }
    try await blobs.put(objectID: objectID, movingFile: stored.path)
    let captureID = RandomIdentifier.make()
    let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
    let now = Date()
    let maximumAttempts = self.maximumAttempts
    let inserted = try await database.transaction { db in
      let rows = try await db.query(
        """
        INSERT INTO captures(id, org_id, site_id, sha256, object_id, original_name, size, stored_size, packets, status,
          repair_account, scrub_account, uploaded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT(org_id, sha256) DO NOTHING RETURNING id
        """,
        [.text(captureID), .int(organisation), .int(site), .text(digest), .text(objectID), .text(originalName),
         .int(size), .int(stored.size), .int(stored.packets), .text(stored.repairAccount == nil ? "valid" : "damaged"),
         .text(stored.repairAccount), .text(stored.scrubAccount), .time(now)])
      guard !rows.isEmpty else { return false }
      _ = try await db.query(
        """
        INSERT INTO jobs(org_id, capture_id, state, attempts, max_attempts, available_at, created_at)
        VALUES (?, ?, 'queued', 0, ?, ?, ?)
        """, [.int(organisation), .text(captureID), .int(maximumAttempts), .time(now), .time(now)])
      return true
    }
    guard inserted else {  // the same bytes were stored meanwhile by a concurrent upload
      try await blobs.delete(objectID: objectID)
      if let existing = try await existingCapture(organisation: organisation, sha256: digest) {
        return .duplicate(captureID: existing)
      }
      throw ServerError.internalFailure("capture neither inserted nor found")
    }
    return .accepted(captureID: captureID, damaged: stored.repairAccount != nil)
  }

  /// Threads for hashing, reading and scrubbing uploads, apart from NIO's shared pool (which runs every SQLite
  /// statement and bcrypt): a long ingest never stalls the database or logins.
  static let pool: NIOThreadPool = {
    let pool = NIOThreadPool(numberOfThreads: 2)
    pool.start()
    return pool
  }()

  func existingCapture(organisation: Int, sha256: String) async throws -> String? {
    try await database.query(
      "SELECT id FROM captures WHERE org_id = ? AND sha256 = ?", [.int(organisation), .text(sha256)]
    ).first?.string("id")
  }

  /// SHA-256 of a file, hex.
  static func sha256(ofFile path: String) throws -> String {
    guard let handle = FileHandle(forReadingAtPath: path) else { throw BlobError.io("cannot open an upload") }
    defer { try? handle.close() }
    var hasher = SHA256()
    while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty { hasher.update(data: chunk) }
    return hasher.finalize().hexString
  }

  struct PreparedCapture: Sendable {
    var path: String
    var size: Int
    var packets: Int
    var repairAccount: String?
    var scrubAccount: String?
  }

  enum Preparation: Sendable {
    case success(PreparedCapture)
    case failure(String)
  }

  /// Reads `path` through, repairs it when damaged, and writes the scrubbed capture to `output`.
  static func prepare(path: String, output: String, cap: Int) -> Preparation {
    switch scrub(path, output: output, cap: cap) {
    case .success(let capture): return .success(capture)
    case .failure(let strictError):
      if strictError.hasPrefix("too large") { return .failure(strictError.description) }
      // Damaged: recover what can be recovered, then scrub the recovered capture.
      let repaired = output + ".repaired"
      defer { try? FileManager.default.removeItem(atPath: repaired) }
      let summary: CaptureRepair.Summary
      do {
        var reader = try LenientCaptureReader(path: path)
        let file = try AtomicOutputFile(path: repaired, durability: .renamed, permissions: 0o600)
        var sink = CappedSink(inner: file.sink, cap: cap)
        do {
          summary = try CaptureRepair.run(reader: &reader, to: &sink)
          try file.commit()
        } catch {
          file.discard()
          throw error
        }
      } catch {
        return .failure("not a readable capture: \(strictError)")
      }
      guard summary.packetsWritten > 0 else { return .failure("not a readable capture: \(strictError)") }
      switch scrub(repaired, output: output, cap: cap) {
      case .failure(let why): return .failure("the repaired capture cannot be read: \(why)")
      case .success(var capture):
        let first = summary.damage.first.map { "; first: \($0)" } ?? ""
        capture.repairAccount =
          "damaged: \(summary.damageCount) damaged region(s), \(summary.skippedBytes) byte(s) skipped, "
          + "\(summary.packetsWritten) packet(s) kept (\(summary.truncatedPackets) cut short)\(first); read error: \(strictError)"
        return .success(capture)
      }
    }
  }

  /// Writes the scrubbed form of a capture that reads cleanly; the error text when it does not.
  static func scrub(_ path: String, output: String, cap: Int) -> Result<PreparedCapture, ScrubFailure> {
    do {
      var reader = try CaptureReader(path: path)
      let file = try AtomicOutputFile(path: output, durability: .synchronized, permissions: 0o600)
      var sink = CappedSink(inner: file.sink, cap: cap)
      let report: ScrubReport
      do {
        report = try MetadataScrubber.scrub(&reader, into: &sink)
        try file.commit()
      } catch {
        file.discard()
        if sink.exceeded { return .failure(ScrubFailure("too large: more than \(cap) bytes once decompressed")) }
        throw error
      }
      return .success(PreparedCapture(
        path: output, size: sink.written, packets: report.packets, repairAccount: nil,
        scrubAccount: report.isEmpty ? nil : report.summary))
    } catch {
      return .failure(ScrubFailure("\(error)"))
    }
  }

  struct ScrubFailure: Error, CustomStringConvertible {
    var description: String
    init(_ text: String) { description = text }
    func hasPrefix(_ prefix: String) -> Bool { description.hasPrefix(prefix) }
  }
}

extension Result where Failure == CaptureIngest.ScrubFailure {
  fileprivate static func failure(_ text: String) -> Self { .failure(CaptureIngest.ScrubFailure(text)) }
}

/// A sink that refuses to grow past a cap (decompression bombs).
struct CappedSink<Inner: ByteSink>: ByteSink {
  var inner: Inner
  let cap: Int
  var written = 0
  var exceeded = false

  init(inner: Inner, cap: Int) {
    self.inner = inner
    self.cap = cap
  }

  mutating func write(_ bytes: ArraySlice<UInt8>) throws(CaptureError) {
    guard written + bytes.count <= cap else {
      exceeded = true
      throw CaptureError(.ioError, offset: nil, "output larger than \(cap) bytes")
    }
    written += bytes.count
    try inner.write(bytes)
  }
}
