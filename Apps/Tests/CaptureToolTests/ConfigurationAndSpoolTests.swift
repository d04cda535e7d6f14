import CaptureToolCore
import Foundation
import Testing

@Suite struct ConfigurationAndSpoolTests {
  @Test func initialConfigurationIsValidAndCapturesTheStandardPorts() {
    #expect(CaptureConfiguration.initial.problems(availableInterfaces: []).isEmpty)
    #expect(CaptureConfiguration.initial.capturedPorts == Array(47808...47823))
  }

  @Test func vendorMinimumsAreEnforced() {
    var c = CaptureConfiguration.initial
    c.ipDurationMinutes = 59
    c.mstpDurationMinutes = 14
    let problems = c.problems(availableInterfaces: [])
    #expect(problems.contains { $0.contains("at least 60 minutes") })
    #expect(problems.contains { $0.contains("at least 15 minutes") })
    c.ipDurationMinutes = 60
    c.mstpDurationMinutes = 15
    #expect(c.problems(availableInterfaces: []).isEmpty)
  }

  @Test func portsAndSerialDevicesAreChecked() {
    var c = CaptureConfiguration.initial
    c.userPorts = [0, 47810, 5000, 5000]
    c.serialPorts = [.init(device: "/dev/ttyUSB0", baud: 76800), .init(device: "/dev/../etc/shadow", baud: nil),
                     .init(device: "/dev/serial/by-id/usb-FTDI_1-if00-port0", baud: nil), .init(device: "/dev/ttyUSB1", baud: 12345)]
    let problems = c.problems(availableInterfaces: [])
    #expect(problems.contains { $0.contains("Port 0 is not between") })
    #expect(problems.contains { $0.contains("47810 is in the standard BACnet range") })
    #expect(problems.contains { $0.contains("listed twice") })
    #expect(problems.contains { $0.contains("/dev/../etc/shadow is not a serial device path") })
    #expect(!problems.contains { $0.contains("usb-FTDI") })
    #expect(problems.contains { $0.contains("Baud rate 12345") })
    #expect(!problems.contains { $0.hasPrefix("Baud rate 76800") })
  }

  @Test func storeWritesOnlyValidConfigurations() async throws {
    let folder = NSTemporaryDirectory() + "optigo-config-\(UUID().uuidString)"
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let store = ConfigurationStore(path: folder + "/config/capture.json")
    #expect(try await store.current() == .initial)
    var c = CaptureConfiguration.initial
    c.interfaces = ["eth9"]
    #expect(try await store.replace(with: c, availableInterfaces: ["eth0"]) == ["Interface eth9 does not exist on this system."])
    #expect(!FileManager.default.fileExists(atPath: folder + "/config/capture.json"))
    c.interfaces = ["eth0"]
    #expect(try await store.replace(with: c, availableInterfaces: ["eth0"]).isEmpty)
    #expect(try await ConfigurationStore(path: folder + "/config/capture.json").current() == c)
  }

  @Test func spoolFiguresComeFromPcapKit() async throws {
    let folder = NSTemporaryDirectory() + "optigo-spool-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let bytes = twoPacketCapture()
    _ = FileManager.default.createFile(atPath: folder + "/a.pcap", contents: Data(bytes))
    _ = FileManager.default.createFile(atPath: folder + "/cut.pcap", contents: Data(bytes.dropLast(10)))
    let catalog = SpoolCatalog(directory: folder)
    let files = await catalog.list()
    let a = try #require(files.first { $0.name == "a.pcap" })
    #expect(a.packets == 2)
    #expect(a.size == bytes.count)
    #expect(a.firstPacket == Date(timeIntervalSince1970: 1_800_000_000))
    #expect(a.lastPacket == Date(timeIntervalSince1970: 1_800_000_001.5))
    #expect(a.damage == nil)
    let cut = try #require(files.first { $0.name == "cut.pcap" })
    #expect(cut.packets == 1)
    #expect(cut.damage != nil)
    #expect(await catalog.path(of: "../a.pcap") == nil)
    #expect(try await catalog.delete("a.pcap"))
    #expect(try await !catalog.delete("a.pcap"))
  }

  @Test(arguments: ["a.pcap", "site_1-2024.pcapng", "x.pcap.gz"])
  func captureNamesAccepted(_ name: String) { #expect(SpoolCatalog.isCaptureName(name)) }

  @Test(arguments: [".a.pcap", "a/b.pcap", "a.txt", "a b.pcap", "a\".pcap", "", "ä.pcap"])
  func captureNamesRefused(_ name: String) { #expect(!SpoolCatalog.isCaptureName(name)) }
}
