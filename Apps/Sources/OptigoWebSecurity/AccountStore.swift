/// Where accounts live. The Capture Tool keeps them in a file (``FileAccountStore``); the upload server puts
/// them in its database behind the same protocol.
public protocol AccountStore: Sendable {
  /// The account with that exact name, or nil.
  func account(named username: String) async throws -> Account?
  /// Every account, sorted by name.
  func allAccounts() async throws -> [Account]
  /// Inserts or replaces the account with the same name; durable when it returns.
  func save(_ account: Account) async throws
}
