import BACnetAnalysis
import PcapKit

/// What `optigo-server analyze FILE` does in the child process: the BACnet analysis of one stored capture as
/// the summary report's JSON.
public enum CaptureAnalysis {
  /// The report's JSON; throws when the capture cannot be opened.
  public static func reportJSON(path: String, displayName: String = "capture") throws -> String {
    var reader = try CaptureReader(path: path)
    let (report, _) = SummaryEngine.summarize(&reader, file: displayName)
    return report.json.json
  }
}
