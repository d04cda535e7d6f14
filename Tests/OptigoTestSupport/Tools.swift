import Foundation

/// The full path of an installed tool (tshark, capinfos, editcap, mergecap, pcapfix, tcpdump, …) in the usual
/// directories, or nil when it is absent.
public func tool(_ name: String) -> String? {
  for dir in ["/usr/bin", "/usr/local/bin", "/bin", "/usr/sbin", "/sbin", "/usr/local/sbin"] {
    let path = dir + "/" + name
    if FileManager.default.isExecutableFile(atPath: path) { return path }
  }
  return nil
}
