public import Foundation
import Crypto
public import NIOCore
import SQLiteNIO

/// One resumable upload (tus 1.0), as stored.
public struct UploadRecord: Sendable, Equatable {
  /// Random 128-bit identifier (32 hex digits), the last part of its URL.
  public var id: String
  /// Its organisation.
  public var organisation: Int
  /// The site of the token that created it.
  public var site: Int
  /// The token that created it (only that token may continue it).
  public var token: Int
  /// Declared total length.
  public var length: Int
  /// Bytes received so far.
  public var offset: Int
  /// Declared whole-file SHA-256, hex.
  public var sha256: String
  /// Original file name, if the tool sent one.
  public var fileName: String?
  /// When an unfinished upload is removed.
  public var expiresAt: Date
  /// `open`, `complete` or `refused`.
  public var state: String
  /// The capture it became.
  public var captureID: String?
}

/// An answer of the upload API: status, tus headers, and a short text for people.
public struct UploadAnswer: Sendable, Equatable {
  /// HTTP status code.
  public var status: Int
  /// Extra headers.
  public var headers: [String: String]
  /// Body text.
  public var message: String

  init(_ status: Int, _ message: String, headers: [String: String] = [:]) {
    self.status = status
    self.message = message
    self.headers = headers
  }
}

/// The tus 1.0 subset capture tools speak: creation (`Upload-Length`, `Upload-Metadata` with `filename` and
/// `sha256`), `HEAD` for the offset, `PATCH` at the offset (`409` on a mismatch) with an optional per-chunk
/// `Upload-Checksum: sha256 …` (`460` and the chunk dropped on a mismatch), expiry of abandoned uploads. An
/// interrupted `PATCH` without a checksum keeps the bytes that arrived. When the last byte arrives the file
/// goes to ``CaptureIngest``. Every look-up is by upload id *and* the token's organisation: another
/// organisation's upload answers `404` like one that does not exist.
public struct UploadService: Sendable {
  let database: ServerDatabase
  let folder: String
  let limits: UploadLimits
  let ingest: CaptureIngest
  let activity: ActivityLog
  let locks = UploadLocks()
  let now: @Sendable () -> Date

  /// The service; partial files live in `folder`.
  public init(database: ServerDatabase, folder: String, limits: UploadLimits, ingest: CaptureIngest,
              activity: ActivityLog, now: @escaping @Sendable () -> Date = { Date() }) {
    self.database = database
    self.folder = folder
    self.limits = limits
    self.ingest = ingest
    self.activity = activity
    self.now = now
  }

  func partPath(_ id: String) -> String { "\(folder)/\(id).part" }

  /// `POST`: creates an upload.
  public func create(token: DeviceToken, lengthHeader: String?, metadataHeader: String?, address: String?)
    async throws -> UploadAnswer
  {
    guard let lengthText = lengthHeader, let length = Int(lengthText), length >= 0 else {
      return UploadAnswer(400, "Upload-Length is required (a non-negative integer).")
    }
    guard length <= limits.maximumUploadBytes else {
      return UploadAnswer(413, "Upload-Length exceeds the maximum of \(limits.maximumUploadBytes) bytes.")
    }
    let header = metadataHeader ?? ""
    guard header.utf8.count <= limits.maximumMetadataBytes else {
      return UploadAnswer(400, "Upload-Metadata exceeds \(limits.maximumMetadataBytes) bytes.")
    }
    guard let metadata = TusHeaders.metadata(header) else { return UploadAnswer(400, "Upload-Metadata is malformed.") }
    guard let shaValue = metadata["sha256"], let sha256 = TusHeaders.declaredSHA256(shaValue) else {
      return UploadAnswer(400, "Upload-Metadata must carry sha256 (the whole file's SHA-256: 32 bytes or 64 hex digits, base64-encoded).")
    }
    var fileName: String?
    if let raw = metadata["filename"] {
      guard let name = TusHeaders.fileName(raw, maximumBytes: limits.maximumNameBytes) else {
        return UploadAnswer(400, "filename must be 1–\(limits.maximumNameBytes) bytes of UTF-8 without a path separator or control character.")
      }
      fileName = name
    }
    let open = try await database.query(
      "SELECT count(*) AS n FROM uploads WHERE token_id = ? AND state = 'open'", [.int(token.id)]
    ).first?.int("n") ?? 0
    guard open < limits.maximumOpenUploadsPerToken else {
      return UploadAnswer(429, "Too many unfinished uploads for this token (\(limits.maximumOpenUploadsPerToken)).")
    }
    let id = RandomIdentifier.make()
    let time = now()
    let expires = time.addingTimeInterval(limits.expirySeconds)
    _ = try UploadFile(path: partPath(id), offset: 0).finish()
    try await database.query(
      """
      INSERT INTO uploads(id, org_id, site_id, token_id, length, upload_offset, sha256, filename, created_at,
        expires_at, state) VALUES (?, ?, ?, ?, ?, 0, ?, ?, ?, ?, 'open')
      """,
      [.text(id), .int(token.organisation), .int(token.site), .int(token.id), .int(length), .text(sha256),
       .text(fileName), .time(time), .time(expires)])
    await activity.record(
      .uploadCreated, organisation: token.organisation, user: "token:\(token.name)", address: address,
      detail: "upload \(id), \(length) bytes")
    var answer = UploadAnswer(201, "Created.", headers: ["Location": "/api/uploads/\(id)",
                                                      "Upload-Expires": Self.httpDate(expires)])
    if length == 0 { answer = try await append(id: id, token: token, offsetHeader: "0", checksumHeader: nil, contentType: "application/offset+octet-stream", body: EmptyBody(), address: address) }
    return answer
  }

  /// The upload `id` of the token's organisation that this token created, nil otherwise.
  public func record(id: String, token: DeviceToken) async throws -> UploadRecord? {
    guard RandomIdentifier.isWellFormed(id) else { return nil }
    guard let row = try await database.query(
      "SELECT * FROM uploads WHERE id = ? AND org_id = ? AND token_id = ?",
      [.text(id), .int(token.organisation), .int(token.id)]
    ).first else { return nil }
    return Self.record(row)
  }

  /// `HEAD`: the offset to resume from.
  public func head(id: String, token: DeviceToken) async throws -> UploadAnswer {
    guard let upload = try await record(id: id, token: token), upload.state != "refused",
      upload.state == "complete" || upload.expiresAt > now()
    else { return UploadAnswer(404, "No such upload.") }
    var headers = ["Upload-Offset": "\(upload.offset)", "Upload-Length": "\(upload.length)", "Cache-Control": "no-store"]
    if upload.state == "open" { headers["Upload-Expires"] = Self.httpDate(upload.expiresAt) }
    if let capture = upload.captureID { headers["Optigo-Capture"] = capture }
    return UploadAnswer(200, "", headers: headers)
  }

  /// `PATCH`: appends the body at `Upload-Offset`; on the last byte, ingests the file.
  public func append<Body: AsyncSequence & Sendable>(
    id: String, token: DeviceToken, offsetHeader: String?, checksumHeader: String?, contentType: String?,
    body: Body, address: String?
  ) async throws -> UploadAnswer where Body.Element == ByteBuffer {
    guard contentType?.lowercased() == "application/offset+octet-stream" else {
      return UploadAnswer(415, "Content-Type must be application/offset+octet-stream.")
    }
    guard let offsetText = offsetHeader, let offset = Int(offsetText), offset >= 0 else {
      return UploadAnswer(400, "Upload-Offset is required.")
    }
    var expectedDigest: [UInt8]?
    if let checksumHeader {
      guard let digest = TusHeaders.sha256Checksum(checksumHeader) else {
        return UploadAnswer(400, "Upload-Checksum must be 'sha256 <base64 digest>' (the only algorithm supported).")
      }
      expectedDigest = digest
    }
    guard await locks.lock(id) else { return UploadAnswer(409, "Another request is writing to this upload.") }
    do {
      let answer = try await appendLocked(
        id: id, token: token, offset: offset, expectedDigest: expectedDigest, body: body, address: address)
      await locks.unlock(id)
      return answer
    } catch {
      await locks.unlock(id)
      throw error
    }
  }

  func appendLocked<Body: AsyncSequence & Sendable>(
    id: String, token: DeviceToken, offset: Int, expectedDigest: [UInt8]?, body: Body, address: String?
  ) async throws -> UploadAnswer where Body.Element == ByteBuffer {
    guard let upload = try await record(id: id, token: token), upload.state == "open", upload.expiresAt > now() else {
      return UploadAnswer(404, "No such upload.")
    }
    guard offset == upload.offset else {
      return UploadAnswer(409, "Upload-Offset \(offset) does not match the upload's offset.",
                          headers: ["Upload-Offset": "\(upload.offset)"])
    }
    let file = try UploadFile(path: partPath(id), offset: offset)
    var hasher = SHA256()
    var received = 0
    var tooLong = false
    var interrupted = false
    do {
      for try await buffer in body {
        if offset + received + buffer.readableBytes > upload.length {
          tooLong = true
          break
        }
        try buffer.withUnsafeReadableBytes { bytes in
          try file.write(bytes)
          if expectedDigest != nil { hasher.update(bufferPointer: bytes) }
        }
        received += buffer.readableBytes
      }
    } catch let error as BlobError {
      file.truncate(to: offset)
      try? file.finish()
      throw error
    } catch {
      interrupted = true  // the client went away mid-body
    }
    var refusal: UploadAnswer?
    if tooLong {
      refusal = UploadAnswer(413, "The body goes beyond Upload-Length.")
    } else if let expectedDigest, interrupted || Array(hasher.finalize()) != expectedDigest {
      refusal = UploadAnswer(460, interrupted ? "The chunk was cut off: its checksum cannot be verified." : "Checksum mismatch: the chunk was dropped.")
    }
    if refusal != nil { received = 0 }
    file.truncate(to: offset + received)
    try file.finish()
    let newOffset = offset + received
    try await database.query("UPDATE uploads SET upload_offset = ? WHERE id = ?", [.int(newOffset), .text(id)])
    if var refusal {
      refusal.headers["Upload-Offset"] = "\(newOffset)"
      return refusal
    }
    guard newOffset == upload.length else {
      return UploadAnswer(204, "", headers: ["Upload-Offset": "\(newOffset)"])
    }
    return try await complete(upload, token: token, address: address)
  }

  func complete(_ upload: UploadRecord, token: DeviceToken, address: String?) async throws -> UploadAnswer {
    let outcome = try await ingest.ingest(
      path: partPath(upload.id), declaredSHA256: upload.sha256, organisation: upload.organisation, site: upload.site,
      originalName: upload.fileName)
    let actor = "token:\(token.name)"
    let capture: String
    var damaged = false
    var duplicate = false
    switch outcome {
    case .accepted(let id, let wasDamaged):
      capture = id
      damaged = wasDamaged
    case .duplicate(let id):
      capture = id
      duplicate = true
    case .refused(let reason):
      try await database.query("UPDATE uploads SET state = 'refused' WHERE id = ?", [.text(upload.id)])
      await activity.record(
        .uploadRefused, organisation: upload.organisation, user: actor, address: address,
        detail: "upload \(upload.id): \(reason)")
      return UploadAnswer(460, "Refused: \(reason)", headers: ["Upload-Offset": "\(upload.length)"])
    }
    try await database.query(
      "UPDATE uploads SET state = 'complete', capture_id = ? WHERE id = ?", [.text(capture), .text(upload.id)])
    await activity.record(
      duplicate ? .uploadDuplicate : .uploadAccepted, organisation: upload.organisation, user: actor,
      address: address,
      detail: "capture \(capture), \(upload.length) bytes\(damaged ? ", damaged (repaired)" : "")\(duplicate ? ", already stored" : "")")
    return UploadAnswer(204, "", headers: ["Upload-Offset": "\(upload.length)", "Optigo-Capture": capture])
  }

  /// Removes unfinished uploads past their expiry (rows and partial files); returns how many.
  @discardableResult
  public func expireAbandoned() async throws -> Int {
    let rows = try await database.query(
      "DELETE FROM uploads WHERE state = 'open' AND expires_at <= ? RETURNING id", [.time(now())])
    for row in rows { if let id = row.string("id") { try? FileManager.default.removeItem(atPath: partPath(id)) } }
    return rows.count
  }

  static func record(_ row: SQLiteRow) -> UploadRecord? {
    guard let id = row.string("id"), let org = row.int("org_id"), let site = row.int("site_id"),
      let token = row.int("token_id"), let length = row.int("length"), let offset = row.int("upload_offset"),
      let sha = row.string("sha256"), let expires = row.date("expires_at"), let state = row.string("state")
    else { return nil }
    return UploadRecord(
      id: id, organisation: org, site: site, token: token, length: length, offset: offset, sha256: sha,
      fileName: row.string("filename"), expiresAt: expires, state: state, captureID: row.string("capture_id"))
  }

  static func httpDate(_ date: Date) -> String {
    let format = DateFormatter()
    format.locale = Locale(identifier: "en_US_POSIX")
    format.timeZone = TimeZone(identifier: "GMT")
    format.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
    return format.string(from: date)
  }
}

/// Uploads being written, so two `PATCH` requests never write one file at once.
actor UploadLocks {
  private var held: Set<String> = []

  func lock(_ id: String) -> Bool { held.insert(id).inserted }

  func unlock(_ id: String) { held.remove(id) }
}

/// A body with no bytes (the completion of a zero-length upload).
struct EmptyBody: AsyncSequence, Sendable {
  typealias Element = ByteBuffer
  struct AsyncIterator: AsyncIteratorProtocol {
    mutating func next() async throws -> ByteBuffer? { nil }
  }
  func makeAsyncIterator() -> AsyncIterator { AsyncIterator() }
}
