import Foundation
import OptigoWebSecurity

/// The capture configuration file: read and validated at start, rewritten atomically (mode 0600) on change.
public actor ConfigurationStore {
  /// The file.
  public let path: String
  private var cached: CaptureConfiguration?

  /// A store over `path`.
  public init(path: String) {
    self.path = path
  }

  /// The configuration on disk, ``CaptureConfiguration/initial`` when there is none yet.
  public func current() throws -> CaptureConfiguration {
    if let cached { return cached }
    guard let bytes = try SecureFile.readIfPresent(path, limit: 1 << 20) else { return .initial }
    let configuration = try JSONDecoder().decode(CaptureConfiguration.self, from: Data(bytes))
    cached = configuration
    return configuration
  }

  /// Validates and stores a configuration; returns the problems instead when there are any (nothing written).
  public func replace(with configuration: CaptureConfiguration, availableInterfaces: [String]) throws -> [String] {
    let problems = configuration.problems(availableInterfaces: availableInterfaces)
    if !problems.isEmpty { return problems }
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    let directory = (path as NSString).deletingLastPathComponent
    try SecureFile.makePrivateDirectory(directory)
    try SecureFile.writeAtomically(Array(try encoder.encode(configuration)), to: path)
    cached = configuration
    return []
  }
}
