import Foundation

/// Accounts in one JSON file (mode 0600), rewritten atomically (temporary file, fsync, rename) on every change
/// and read again on every look-up, so a change made by `optigo-capture-tool unlock` while the service runs is
/// seen at once.
public actor FileAccountStore: AccountStore {
  /// The accounts file.
  public let path: String

  /// A store over `path` (created on first save).
  public init(path: String) {
    self.path = path
  }

  public func account(named username: String) async throws -> Account? {
    try load()[username]
  }

  public func allAccounts() async throws -> [Account] {
    try load().values.sorted { $0.username < $1.username }
  }

  public func save(_ account: Account) async throws {
    var all = try load()
    all[account.username] = account
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    encoder.dateEncodingStrategy = .iso8601
    let data = try encoder.encode(all.values.sorted { $0.username < $1.username })
    try SecureFile.writeAtomically(Array(data), to: path)
  }

  private func load() throws -> [String: Account] {
    guard let bytes = try SecureFile.readIfPresent(path, limit: 16 << 20) else { return [:] }
    let decoder = JSONDecoder()
    decoder.dateDecodingStrategy = .iso8601
    let list = try decoder.decode([Account].self, from: Data(bytes))
    return Dictionary(list.map { ($0.username, $0) }, uniquingKeysWith: { first, _ in first })
  }
}
