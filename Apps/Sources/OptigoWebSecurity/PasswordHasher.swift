import HummingbirdBcrypt
import NIOPosix

/// Hashes and verifies passwords with bcrypt on NIO's blocking thread pool, never on an event loop.
///
/// The cost is fixed per deployment: ``defaultCost`` was measured on the build machine and chosen for a
/// Raspberry-Pi-class CPU (see Apps/README.md, "Password hashing"). A hash records its own cost, so raising
/// the cost later still verifies old hashes.
public struct PasswordHasher: Sendable {
  /// The cost used by the services: 2^11 rounds (0.115 s of CPU per hash on the build machine's x86-64 core
  /// in an optimised build, roughly 0.35–0.6 s on a Raspberry Pi 4 core; see Apps/README.md).
  public static let defaultCost: UInt8 = 11

  /// The bcrypt cost (log2 of the rounds) for new hashes.
  public let cost: UInt8

  /// A hasher with the given bcrypt cost (4...31; tests use the minimum to stay fast).
  public init(cost: UInt8 = PasswordHasher.defaultCost) {
    self.cost = min(max(cost, 4), 31)
  }

  /// A salted bcrypt hash of `password` (modular crypt format, `$2b$…`).
  public func hash(_ password: String) async throws -> String {
    let cost = self.cost
    return try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(password, cost: cost) }
  }

  /// True when `password` matches `hash`. Takes the time of one bcrypt at the hash's cost whatever the answer.
  public func verify(_ password: String, against hash: String) async throws -> Bool {
    try await NIOThreadPool.singleton.runIfActive { Bcrypt.verify(password, hash: hash) }
  }
}
