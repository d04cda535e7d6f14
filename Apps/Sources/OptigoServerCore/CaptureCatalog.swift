public import Foundation
import SQLiteNIO

/// A stored capture as the console lists it.
public struct CaptureListing: Sendable, Equatable {
  /// Random 128-bit identifier.
  public var id: String
  /// Its site.
  public var site: Int
  /// The file name the capture tool sent (only in the database).
  public var originalName: String?
  /// Bytes uploaded.
  public var size: Int
  /// Bytes stored (scrubbed, decompressed).
  public var storedSize: Int
  /// Packets stored.
  public var packets: Int
  /// `valid` or `damaged`.
  public var status: String
  /// What the repair did, for a damaged capture.
  public var repairAccount: String?
  /// What the scrubbing removed.
  public var scrubAccount: String?
  /// When it was accepted.
  public var uploadedAt: Date
  /// Its analysis job's state.
  public var jobState: String?
  /// The last analysis error.
  public var jobError: String?
  /// The stored object's identifier.
  public var objectID: String
}

/// Reads of captures and reports, each scoped by organisation: an id of another organisation answers nil, like
/// one that does not exist.
public struct CaptureCatalog: Sendable {
  let database: ServerDatabase

  /// The catalog over `database`.
  public init(database: ServerDatabase) {
    self.database = database
  }

  static let select = """
    SELECT c.*, j.state AS job_state, j.error AS job_error FROM captures c LEFT JOIN jobs j ON j.capture_id = c.id
    """

  /// The captures of a site, newest first.
  public func captures(site: Int, organisation: Int) async throws -> [CaptureListing] {
    try await database.query(
      Self.select + " WHERE c.org_id = ? AND c.site_id = ? ORDER BY c.uploaded_at DESC",
      [.int(organisation), .int(site)]
    ).compactMap(Self.listing)
  }

  /// One capture of `organisation`.
  public func capture(_ id: String, organisation: Int) async throws -> CaptureListing? {
    guard RandomIdentifier.isWellFormed(id) else { return nil }
    return try await database.query(
      Self.select + " WHERE c.id = ? AND c.org_id = ?", [.text(id), .int(organisation)]
    ).first.flatMap(Self.listing)
  }

  /// The report of a capture of `organisation`.
  public func report(_ id: String, organisation: Int) async throws -> String? {
    guard RandomIdentifier.isWellFormed(id) else { return nil }
    return try await database.query(
      "SELECT json FROM reports WHERE capture_id = ? AND org_id = ?", [.text(id), .int(organisation)]
    ).first?.string("json")
  }

  static func listing(_ row: SQLiteRow) -> CaptureListing? {
    guard let id = row.string("id"), let site = row.int("site_id"), let size = row.int("size"),
      let stored = row.int("stored_size"), let packets = row.int("packets"), let status = row.string("status"),
      let uploaded = row.date("uploaded_at"), let object = row.string("object_id")
    else { return nil }
    return CaptureListing(
      id: id, site: site, originalName: row.string("original_name"), size: size, storedSize: stored, packets: packets,
      status: status, repairAccount: row.string("repair_account"), scrubAccount: row.string("scrub_account"),
      uploadedAt: uploaded, jobState: row.string("job_state"), jobError: row.string("job_error"), objectID: object)
  }
}
