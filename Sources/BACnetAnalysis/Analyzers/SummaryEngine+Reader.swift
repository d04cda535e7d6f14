public import PcapKit

extension SummaryEngine {
  /// Summarizes one capture: reads every packet of `reader` once, feeding the capture facts, the pipeline and a
  /// new engine.
  ///
  /// - Returns: the report, and the read error that ended the capture early, if any (the report then covers the
  ///   packets read before it, and its capture facts carry the error).
  public static func summarize(
    _ reader: inout CaptureReader, file: String, configuration: SummaryConfiguration = SummaryConfiguration(),
    pipeline pipelineConfiguration: BACnetPipeline.Configuration = BACnetPipeline.Configuration()
  ) -> (report: SummaryReport, error: CaptureError?) {
    var facts = CaptureFacts(file: file)
    facts.noteReader(reader)
    var engine = SummaryEngine(configuration: configuration)
    var pipeline = BACnetPipeline(configuration: pipelineConfiguration)
    var failure: CaptureError?
    do {
      while let p = try reader.nextPacket() {
        facts.observe(p)
        engine.consume(pipeline.decode(p))
      }
    } catch {
      facts.error = error.description
      failure = error
    }
    facts.noteStructure(reader)
    return (engine.report(captures: [facts]), failure)
  }
}
