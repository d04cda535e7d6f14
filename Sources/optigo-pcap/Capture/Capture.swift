import ArgumentParser
import BACnetAnalysis
import PacketCapture
import CaptureArchive
import PcapKit

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// `optigo-pcap capture`: live BACnet/IP capture into a spool of complete pcapng/pcap files.
struct Capture: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "capture",
    abstract: "Capture BACnet/IP live (UDP 47808-47823 and added ports) or MS/TP from an RS-485 serial adapter (--mstp) into rotating pcapng/pcap files.",
    discussion: """
      Opens an AF_PACKET socket per interface whose kernel filter — attached and locked before the socket is bound \
      — passes only UDP on the port set and later IP fragments; PcapKit's fragment-aware filter then keeps exactly \
      the fragments of kept datagrams. VLAN tags stripped by the kernel are put back. Each completed file is flushed \
      to disk and renamed into the spool directory, then announced (its path on standard output, or --hook), so an \
      uploader never sees a partial file; files being written are hidden (.NAME.tmp-…). SIGTERM, SIGINT and SIGHUP \
      close the current file properly, statistics included. An interface removed while capturing (or an MS/TP adapter \
      unplugged) ends the capture the same way, with exit status 66. Needs the CAP_NET_RAW capability, not root; without it \
      the exit status is 77.

      --mstp DEVICE captures BACnet MS/TP from a serial RS-485 adapter (e.g. /dev/ttyUSB0), raw 8N1 at --baud \
      (9600, 19200, 38400, 57600, 76800, 115200, or auto). Every frame is written as link type 165 from 55 FF \
      through the data CRC, timestamped at its estimated first octet; frames with a bad header or data CRC, frames \
      cut short by T_frame_abort of silence, and stray octets are kept and marked (pcapng flags and comments). \
      --baud auto tries the rates fastest first and locks after 4 valid frames. For usable timestamps set an FTDI \
      adapter's latency timer to 1 ms (echo 1 > /sys/bus/usb-serial/devices/ttyUSB0/latency_timer; the default is \
      16 ms). Capture MS/TP for at least 15 minutes. The device must be readable by the user (group dialout).
      """
  )

  @Option(name: [.customShort("i"), .customLong("interface")], help: "Interface to capture on (repeatable: several go into one pcapng).")
  var interfaces: [String] = []

  @Option(name: .customLong("mstp"), help: ArgumentHelp("Capture BACnet MS/TP from this serial device (an RS-485 adapter).", valueName: "device"))
  var mstpDevice: String?

  @Option(help: ArgumentHelp("MS/TP line rate: 9600, 19200, 38400, 57600, 76800, 115200 (any rate the adapter can make), or auto.", valueName: "rate|auto"))
  var baud = "38400"

  @Option(name: .customLong("frame-abort-ms"), help: "MS/TP: silence (ms) that cuts a frame in progress (T_frame_abort; the standard allows up to 100).")
  var frameAbortMs = 95

  @Option(name: .customLong("auto-baud-dwell"), help: "MS/TP --baud auto: seconds to listen at each rate.")
  var autoBaudDwell = 5.0

  @Option(name: .customLong("auto-baud-timeout"), help: "MS/TP --baud auto: give up after this many seconds without locking.")
  var autoBaudTimeout = 60.0

  @Flag(name: [.customShort("D"), .customLong("list-interfaces")], help: "List the interfaces (index, name, link type, state, addresses) and exit.")
  var listInterfaces = false

  @OptionGroup var portOptions: PortOptions

  @Option(name: [.customShort("s"), .customLong("snaplen")], help: "Bytes kept of each frame.")
  var snapLength: UInt32 = 262_144

  @Option(name: .customLong("block-size"), help: "Kernel ring block size in bytes (a multiple of the page size).")
  var blockSize = 1 << 20

  @Option(name: .customLong("blocks"), help: "Kernel ring blocks (fewer are used if memory is short).")
  var blocks = 16

  @Flag(name: .customLong("no-promiscuous"), help: "Do not put the interfaces in promiscuous mode.")
  var noPromiscuous = false

  @Flag(help: "Also analyse the packets live and print findings (Who-Is storms, unanswered requests…) on standard error as they arise.")
  var summarize = false

  @Flag(name: .customLong("print-filter"), help: "Print the kernel filter program (tcpdump -d style) and its libpcap expression, then exit.")
  var printFilter = false

  @OptionGroup var output: CaptureOutputOptions

  mutating func validate() throws {
    if listInterfaces || printFilter { return }
    do { _ = try KernelFilter(ports: portOptions.portSet, snapLength: snapLength) } catch { throw ValidationError(error.message) }
    if interfaces.isEmpty && mstpDevice == nil { throw ValidationError("give an interface with -i (see --list-interfaces) or a serial device with --mstp") }
    if output.spool == nil { throw ValidationError("give the spool directory with -w") }
    if mstpDevice != nil {
      if baud != "auto", (Int(baud) ?? 0) < 50 { throw ValidationError("--baud must be a rate in bits per second (e.g. 38400) or auto") }
      if frameAbortMs < 1 || frameAbortMs > 10_000 { throw ValidationError("--frame-abort-ms must be 1…10000") }
      if !(autoBaudDwell > 0) || !(autoBaudTimeout > 0) { throw ValidationError("--auto-baud-dwell and --auto-baud-timeout must be positive") }
    }
    if blockSize < 4096 || blockSize % 4096 != 0 { throw ValidationError("--block-size must be a multiple of 4096") }
    if blocks < 1 { throw ValidationError("--blocks must be at least 1") }
  }

  func run() throws {
    if listInterfaces {
      for i in NetworkInterface.all() {
        let link = i.linkType.map { $0 == .ethernet ? "EN10MB" : "\($0)" } ?? "not capturable (ARPHRD \(i.hardwareType))"
        let addrs = i.addresses.isEmpty ? "" : " " + i.addresses.joined(separator: " ")
        print("\(i.index). \(i.name) [\(link)] \(i.isUp ? "up" : "down") (\(i.operationalState))\(addrs)")
      }
      return
    }
    if printFilter {
      let f = try KernelFilter(ports: portOptions.portSet, snapLength: snapLength)
      print(f.listing)
      print("# \(f.instructions.count) instructions; libpcap equivalent:\n\(f.expression)")
      return
    }
    let ports = portOptions.portSet
    var sources: [any PacketSource] = []
    var mstp: MSTPSerialSource?
    if let device = mstpDevice {
      let source = try openMSTP(device)
      mstp = source
      sources.append(source)
    }
    defer { if let mstp { MSTPCaptureReport.print(mstp) } }
    for name in interfaces {
      do {
        sources.append(try AFPacketSource(.init(interface: name, ports: ports, snapLength: snapLength, blockSize: blockSize,
                                                 blockCount: blocks, promiscuous: !noPromiscuous)))
      } catch {
        if error.code == .permissionDenied {
          StandardError.line("""
            optigo-pcap capture: capturing needs the CAP_NET_RAW capability (not root). Grant it once with
              sudo setcap cap_net_raw=eip "$(command -v optigo-pcap)"
            or run it from a systemd service with AmbientCapabilities=CAP_NET_RAW and CapabilityBoundingSet=CAP_NET_RAW.
            """)
          throw ExitStatus.permission
        }
        StandardError.line("optigo-pcap capture: \(error)")
        throw error.code == .invalidArgument ? ExitStatus.usage : ExitStatus.failure
      }
    }
    let ready = "capturing on \(interfaces.joined(separator: ", ")), UDP ports \(ports) (kernel filter locked)"
    try CaptureSession.run(sources: sources, output: output, summarize: summarize, ready: ready)
  }
}

/// The source-independent part of `capture`: spool, runner, status line, live findings, exit status.
enum CaptureSession {
  /// Runs the capture; `ready` is printed on standard error once signals are handled and the sources are open.
  static func run(sources: [any PacketSource], output: CaptureOutputOptions, summarize: Bool, ready: String) throws {
    let start = SystemClock.now()
    let configuration = try output.configuration()
    if (try? PosixFileSystem().status(of: configuration.directory)) == nil {
      try? PosixFileSystem().makeDirectory(configuration.directory, permissions: 0o755)
    }
    let spool: CaptureSpool
    let announcer = output.announcer()
    do {
      spool = try CaptureSpool(configuration: configuration, interfaces: sources.map(\.interface),
                               announcer: announcer, start: start)
    } catch {
      StandardError.line("optigo-pcap capture: \(error)")
      throw error.code == .invalidArgument ? ExitStatus.usage : ExitStatus.outputFailure
    }
    let runner = try CaptureRunner(sources: sources, spool: spool, stop: try output.stopConditions(start: start))
    let showStatus = !output.quiet && isatty(2) == 1
    var live = summarize ? LiveFindings() : nil
    if live != nil {
      runner.onFrame = { frame in live?.consume(frame, linkType: sources[frame.interface].interface.linkType) }
    }
    runner.onStart = { StandardError.line("optigo-pcap capture: \(ready)") }
    var lostSources = 0
    runner.onSourceEnd = { index in
      lostSources += 1
      if showStatus { StandardError.line("") }
      let why = sources[index].endReason ?? "\(sources[index].interface.name) ended"
      let rest = lostSources < sources.count ? "capturing on with the others" : "the capture ends"
      StandardError.line("optigo-pcap capture: \(why); \(rest)")
    }
    var ticks = 0
    runner.onStatus = { status in
      if showStatus { CaptureCommandSupport.printStatus(status.description) }
      ticks += 1
      if ticks % 5 == 0 {
        live?.printNew()
        if sources.contains(where: { $0.interface.linkType == .bacnetMSTP }) { live?.printMSTPHealth() }
      }
    }
    let end: CaptureEnd
    do {
      end = try runner.run()
    } catch {
      if showStatus { StandardError.line("") }
      StandardError.line("optigo-pcap capture: \(error)")
      throw ExitStatus.outputFailure
    }
    live?.printNew()
    if sources.contains(where: { $0.interface.linkType == .bacnetMSTP }) { live?.printMSTPHealth() }
    if showStatus { StandardError.line("") }
    let status = runner.status()
    StandardError.line(
      "optigo-pcap capture: \(end); \(status.written) packets written in \(spool.completed.count) files, \(status.kernelDrops) dropped by the kernel")
    if let hooks = announcer as? CommandAnnouncer {
      for f in hooks.failures { StandardError.line("optigo-pcap capture: hook failed (status \(f.status)) for \(f.path)") }
    }
    if case .diskGuard = end { throw ExitStatus.outputFailure }
    // An input that went away (an interface removed, a serial adapter unplugged): its files are complete and
    // announced, but the capture did not run as asked.
    if lostSources > 0 { throw ExitStatus.unreadableInput }
  }
}

/// `--summarize`: the summary engine fed live; findings that are new or changed are printed on standard error.
struct LiveFindings {
  var engine = SummaryEngine()
  var pipeline = BACnetPipeline()
  var shown: Set<String> = []

  mutating func consume(_ frame: CapturedFrame, linkType: LinkType) {
    let packet = Packet(data: frame.data, timestamp: frame.timestamp, linkType: linkType, interfaceID: frame.interface,
                        originalLength: frame.originalLength)
    engine.consume(pipeline.decode(packet))
  }

  mutating func printNew() {
    for f in engine.report(captures: []).findings where f.status != .ok {
      let line = "\(f.status) \(f.check): \(f.message)"
      if shown.insert(line).inserted { StandardError.line("optigo-pcap capture: finding: \(line)") }
    }
  }
}

extension CaptureCommandSupport {
  /// Rewrites the status line in place on a terminal.
  static func printStatus(_ line: String) {
    StandardError.write("\r\u{1B}[K" + line)
  }
}
