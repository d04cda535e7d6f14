@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
  let bytes = [UInt8](UnsafeRawBufferPointer(start: start, count: count))
  var options = ReaderOptions()
  options.maxBlockSize = 1 << 20
  do {
    var reader = try CaptureReader(source: MemorySource(bytes, maxReadSize: count % 3 == 0 ? 5 : 0), options: options)
    var records: [CaptureRecord] = []
    while let r = try reader.next() {
      records.append(r)
      if case .packet(let p) = r { _ = (p.flags, p.comments, p.hashes, p.dropCount, p.processAndThreadID, p.timestamp.iso8601) }
      if case .interface(let i) = r { _ = (i.name, i.ipv4Addresses, i.filterString, i.ipv6Addresses) }
      if case .nameResolution(let n) = r { _ = n.records.map(\.names) }
      if case .statistics(let s) = r { _ = (s.startTime, s.endTime, s.interfaceReceived) }
    }
    var w = PcapNGWriter(sink: MemorySink(), byteOrder: .big)
    for r in records { try? w.writeConverted(r) }
    var pw = PcapWriter(sink: MemorySink())
    for r in records { try? pw.write(r) }
  } catch {}
  return 0
}
