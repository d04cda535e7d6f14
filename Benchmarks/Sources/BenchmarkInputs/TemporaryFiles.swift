#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// A private temporary directory for benchmark inputs and outputs, removed by ``remove()``.
public struct TemporaryDirectory: Sendable {
  /// The directory's path.
  public let path: String

  /// Creates `$TMPDIR/optigo-bench.XXXXXX`.
  public init() {
    let base = getenv("TMPDIR").map { String(cString: $0) } ?? "/tmp"
    var template = Array("\(base)/optigo-bench.XXXXXX".utf8CString)
    guard let p = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else { fatalError("mkdtemp failed") }
    path = String(cString: p)
  }

  /// Writes `bytes` to `name` inside the directory and returns the file's path.
  @discardableResult
  public func write(_ bytes: [UInt8], to name: String) -> String {
    let file = "\(path)/\(name)"
    guard let f = fopen(file, "wb") else { fatalError("cannot create \(file)") }
    let n = bytes.withUnsafeBufferPointer { fwrite($0.baseAddress, 1, $0.count, f) }
    precondition(n == bytes.count && fclose(f) == 0, "short write to \(file)")
    return file
  }

  /// Deletes the directory's files and the directory.
  public func remove() {
    guard let d = opendir(path) else { return }
    while let e = readdir(d) {
      let name = withUnsafeBytes(of: e.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
      if name != "." && name != ".." { unlink("\(path)/\(name)") }
    }
    closedir(d)
    rmdir(path)
  }
}
