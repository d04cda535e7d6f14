/// Where the Capture Tool keeps its files under `--data DIR` (the product's layout).
public struct CaptureToolPaths: Sendable {
  /// The data folder given with `--data`.
  public let root: String

  /// The layout under `root`.
  public init(root: String) {
    self.root = root.hasSuffix("/") && root.count > 1 ? String(root.dropLast()) : root
  }

  /// Capture files waiting for upload or download: `DIR/data/pcap`.
  public var spool: String { root + "/data/pcap" }
  /// The capture configuration: `DIR/config/capture.json`.
  public var configuration: String { root + "/config/capture.json" }
  /// Accounts: `DIR/state/accounts.json`.
  public var accounts: String { root + "/state/accounts.json" }
  /// The audit log: `DIR/log/audit.jsonl`.
  public var auditLog: String { root + "/log/audit.jsonl" }
  /// Certificate and key: `DIR/tls`.
  public var tls: String { root + "/tls" }
}
