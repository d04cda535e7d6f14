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

  /// Summarizes several captures as one timeline: a k-way merge by timestamp (PcapKit's `CaptureMerge`, which
  /// opens each file for a first look and then reads it once), frame numbers counting the merged stream, capture
  /// facts per file.
  ///
  /// - Returns: the report (nil when the merge failed before its first record), the read error that ended the
  ///   merge early, if any (its message names the file), and the number of records read.
  public static func summarizeMerged(
    _ paths: [String], configuration: SummaryConfiguration = SummaryConfiguration(),
    pipeline pipelineConfiguration: BACnetPipeline.Configuration = BACnetPipeline.Configuration()
  ) -> (report: SummaryReport?, error: CaptureError?, recordsRead: Int) {
    var facts = paths.map { CaptureFacts(file: $0) }
    var merge = CaptureMerge(inputs: paths.map { MergeInput(path: $0) })
    var engine = SummaryEngine(configuration: configuration)
    var pipeline = BACnetPipeline(configuration: pipelineConfiguration)
    var failure: CaptureError?
    var records = 0
    do {
      while let m = try merge.next() {
        records += 1
        if m.input >= 0 && m.input < facts.count { facts[m.input].observe(m.record) }
        if case .packet(let p) = m.record { engine.consume(pipeline.decode(p)) }
      }
    } catch {
      failure = error
    }
    for (i, opened) in merge.inputFormats.enumerated() where i < facts.count {
      if let opened { facts[i].noteFormat(opened.format, compressed: opened.isCompressed) }
    }
    if failure != nil && records == 0 { return (nil, failure, 0) }
    return (engine.report(captures: facts), failure, records)
  }
}
