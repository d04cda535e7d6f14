/// Lockout settings shared by the services.
public struct LoginPolicy: Sendable {
  /// Consecutive failures that lock an account: 5, as the product rules state.
  public var maximumFailures: Int
  /// How long a lock lasts before it lifts by itself (15 minutes by default); an admin can lift it earlier.
  public var lockDuration: Duration

  /// The product's policy: 5 failures, 15-minute lock.
  public init(maximumFailures: Int = 5, lockDuration: Duration = .seconds(15 * 60)) {
    self.maximumFailures = maximumFailures
    self.lockDuration = lockDuration
  }
}
