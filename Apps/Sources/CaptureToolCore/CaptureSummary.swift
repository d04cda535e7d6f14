import BACnetAnalysis
import PcapKit

/// The summary report of a spool file, as `optigo-pcap summarize` prints it (the analysis library's text).
enum CaptureSummary {
  /// The report's text, or why the file could not be read.
  static func text(of path: String, name: String) -> String {
    var reader: CaptureReader
    do {
      reader = try CaptureReader(path: path)
    } catch {
      return "\(name) cannot be read: \(error)"
    }
    let (report, error) = SummaryEngine.summarize(&reader, file: name)
    if let error { return report.text + "\nThe capture is damaged: \(error)\n" }
    return report.text
  }
}
