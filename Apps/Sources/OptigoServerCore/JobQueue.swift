public import Foundation
import SQLiteNIO

/// An analysis job as a worker holds it.
public struct AnalysisJob: Sendable, Equatable {
  /// Row id.
  public var id: Int
  /// Its organisation.
  public var organisation: Int
  /// The capture to analyse.
  public var captureID: String
  /// This attempt's number (1 for the first).
  public var attempt: Int
  /// Attempts allowed.
  public var maximumAttempts: Int
}

/// The state of a capture's analysis.
public enum JobState: String, Sendable {
  /// Waiting for a worker (or for its retry time).
  case queued
  /// Held by a worker whose lease runs.
  case running
  /// Report stored.
  case done
  /// Every attempt failed; the last error is kept.
  case failed
}

/// The queue of analysis jobs: claim with a lease, heartbeats that extend it, completion that stores the report
/// exactly once, failure that retries until a cap. A job whose worker died (lease run out) is claimed again.
public protocol JobQueue: Sendable {
  /// Takes the oldest ready job for `worker`, leased until now + `lease`; nil when none is ready.
  func claim(worker: String, lease: Duration) async throws -> AnalysisJob?
  /// Extends the lease; false when the worker no longer holds the job.
  func heartbeat(_ job: AnalysisJob, worker: String, lease: Duration) async throws -> Bool
  /// Stores the report and marks the job done; false (nothing stored) when the worker no longer holds it.
  func complete(_ job: AnalysisJob, worker: String, reportJSON: String) async throws -> Bool
  /// Records a failed attempt: queued again after `retryAfter`, or failed for good at the cap.
  func fail(_ job: AnalysisJob, worker: String, error: String, retryAfter: Duration) async throws
  /// The state and last error of a capture's job.
  func state(captureID: String, organisation: Int) async throws -> (state: JobState, attempts: Int, error: String?)?
}

/// ``JobQueue`` in SQLite. Each operation is one statement (`UPDATE … RETURNING`), atomic even with several
/// processes on the same database file.
public struct SQLiteJobQueue: JobQueue {
  let database: ServerDatabase
  let now: @Sendable () -> Date

  /// A queue over `database`.
  public init(database: ServerDatabase, now: @escaping @Sendable () -> Date = { Date() }) {
    self.database = database
    self.now = now
  }

  public func claim(worker: String, lease: Duration) async throws -> AnalysisJob? {
    let time = now()
    // A job whose last attempt's lease ran out has no attempt left: it fails rather than running again.
    try await database.query(
      """
      UPDATE jobs SET state = 'failed', finished_at = ?, lease_until = NULL,
        error = coalesce(error, 'the worker stopped answering (lease expired) on the last attempt')
      WHERE state = 'running' AND lease_until < ? AND attempts >= max_attempts
      """, [.time(time), .time(time)])
    let rows = try await database.query(
      """
      UPDATE jobs SET state = 'running', attempts = attempts + 1, worker = ?, lease_until = ?
      WHERE id = (SELECT id FROM jobs WHERE (state = 'queued' AND available_at <= ?)
                    OR (state = 'running' AND lease_until < ? AND attempts < max_attempts)
                  ORDER BY id LIMIT 1)
      RETURNING id, org_id, capture_id, attempts, max_attempts
      """, [.text(worker), .time(time.addingTimeInterval(lease.seconds)), .time(time), .time(time)])
    guard let row = rows.first, let id = row.int("id"), let org = row.int("org_id"),
      let capture = row.string("capture_id"), let attempt = row.int("attempts"), let maximum = row.int("max_attempts")
    else { return nil }
    return AnalysisJob(id: id, organisation: org, captureID: capture, attempt: attempt, maximumAttempts: maximum)
  }

  public func heartbeat(_ job: AnalysisJob, worker: String, lease: Duration) async throws -> Bool {
    !(try await database.query(
      """
      UPDATE jobs SET lease_until = ? WHERE id = ? AND worker = ? AND state = 'running' AND attempts = ?
      RETURNING id
      """, [.time(now().addingTimeInterval(lease.seconds)), .int(job.id), .text(worker), .int(job.attempt)]).isEmpty)
  }

  public func complete(_ job: AnalysisJob, worker: String, reportJSON: String) async throws -> Bool {
    let time = now()
    return try await database.transaction { db in
      let held = try await db.query(
        """
        UPDATE jobs SET state = 'done', finished_at = ?, lease_until = NULL, error = NULL
        WHERE id = ? AND worker = ? AND state = 'running' AND attempts = ? RETURNING id
        """, [.time(time), .int(job.id), .text(worker), .int(job.attempt)])
      guard !held.isEmpty else { return false }
      _ = try await db.query(
        "INSERT INTO reports(capture_id, org_id, json, created_at) VALUES (?, ?, ?, ?)",
        [.text(job.captureID), .int(job.organisation), .text(reportJSON), .time(time)])
      return true
    }
  }

  public func fail(_ job: AnalysisJob, worker: String, error: String, retryAfter: Duration) async throws {
    let time = now()
    try await database.query(
      """
      UPDATE jobs SET state = CASE WHEN attempts >= max_attempts THEN 'failed' ELSE 'queued' END,
        finished_at = CASE WHEN attempts >= max_attempts THEN ? ELSE NULL END,
        available_at = ?, lease_until = NULL, error = ?
      WHERE id = ? AND worker = ? AND state = 'running' AND attempts = ?
      """,
      [.time(time), .time(time.addingTimeInterval(retryAfter.seconds)), .text(String(error.prefix(2000))),
       .int(job.id), .text(worker), .int(job.attempt)])
  }

  public func state(captureID: String, organisation: Int) async throws -> (state: JobState, attempts: Int, error: String?)? {
    guard let row = try await database.query(
      "SELECT state, attempts, error FROM jobs WHERE capture_id = ? AND org_id = ?",
      [.text(captureID), .int(organisation)]
    ).first, let state = row.string("state").flatMap(JobState.init(rawValue:)) else { return nil }
    return (state, row.int("attempts") ?? 0, row.string("error"))
  }
}

extension Duration {
  var seconds: Double {
    let (s, atto) = components
    return Double(s) + Double(atto) / 1e18
  }
}
