import Foundation
import OptigoServerCore
import OptigoWebSecurity
import Testing

/// The upload API over real TLS on loopback, as a capture tool uses it, and the analysis that follows.
@Suite(.serialized) struct UploadLiveTests {
  @Test func interruptedPatchResumesAndTheCaptureIsStoredOnceAndAnalysedOnce() async throws {
    try await ServerFixture.with { fixture in
    let (org, site) = try await fixture.organisation("Acme", admin: "ops@acme.test", password: "Acme-pass-1")
    let (token, _) = try await fixture.directory.issueToken(name: "tool-1", site: site, by: "ops@acme.test")
    let capture = Captures.whoIs(packets: 3000)
    let digest = Captures.sha256(capture)
    try await fixture.run { ports in
      let tus = TusClient(port: try #require(ports["https"]), token: token)
      let created = try await tus.create(
        length: capture.count, metadata: TusClient.metadata(name: "plant-a_2027-01-15.pcap", sha256: digest))
      #expect(created.status == 201, "\(created.text)")
      let location = try #require(created.header("Location"))
      #expect(location.hasPrefix("/api/uploads/") && location.count == "/api/uploads/".count + 32)
      #expect(created.header("Tus-Resumable") == "1.0.0")

      // A PATCH announcing the whole file but cut off after a third of it.
      let third = capture.count / 3
      _ = try await tus.patch(location, offset: 0, bytes: capture[..<third], declaredLength: capture.count, cut: true)
      // HEAD tells how much arrived (the server may still be finishing the cut request: poll).
      var offset = 0
      for _ in 0..<300 {
        let head = try await tus.head(location)
        #expect(head.status == 200)
        #expect(head.header("Upload-Length") == "\(capture.count)")
        offset = Int(head.header("Upload-Offset") ?? "") ?? -1
        if offset > 0 { break }
        try await Task.sleep(for: .milliseconds(100))
      }
      #expect(offset > 0 && offset <= third, "offset after the cut: \(offset)")

      // A PATCH at a wrong offset is refused with 409 and the right offset.
      let wrong = try #require(try await tus.patch(location, offset: offset + 1, bytes: capture[(offset + 1)...]))
      #expect(wrong.status == 409, "\(wrong.text)")

      // A chunk whose checksum does not match is dropped (460) and the offset stays.
      let bad = try #require(try await tus.patch(
        location, offset: offset, bytes: capture[offset..<(offset + 1000)], checksum: Captures.sha256([1, 2, 3])))
      #expect(bad.status == 460, "\(bad.text)")
      #expect(try await tus.head(location).header("Upload-Offset") == "\(offset)")

      // Resume with a verified chunk, then the rest.
      let middle = offset + (capture.count - offset) / 2
      let good = try #require(try await tus.patch(
        location, offset: offset, bytes: capture[offset..<middle], checksum: Captures.sha256(Array(capture[offset..<middle]))))
      #expect(good.status == 204, "\(good.text)")
      #expect(good.header("Upload-Offset") == "\(middle)")
      let last = try #require(try await tus.patch(location, offset: middle, bytes: capture[middle...]))
      #expect(last.status == 204, "\(last.text)")
      let captureID = try #require(last.header("Optigo-Capture"))
      #expect(RandomIdentifier.isWellFormed(captureID))

      // Stored once, byte-identical (classic pcap has nothing to scrub), under a random object name.
      let listing = try #require(try await fixture.server.app.catalog.capture(captureID, organisation: org))
      #expect(listing.originalName == "plant-a_2027-01-15.pcap")
      #expect(listing.packets == 3000 && listing.status == "valid")
      let stored = try await fixture.server.app.blobs.readablePath(objectID: listing.objectID)
      #expect(FileManager.default.contents(atPath: stored).map(Array.init) == capture)
      #expect(!stored.contains("plant") && RandomIdentifier.isWellFormed(URL(fileURLWithPath: stored).lastPathComponent))

      // The same bytes again (another upload, same organisation): not stored twice.
      let again = try await tus.create(length: capture.count, metadata: TusClient.metadata(name: "copy.pcap", sha256: digest))
      let againLocation = try #require(again.header("Location"))
      let second = try #require(try await tus.patch(againLocation, offset: 0, bytes: capture[...]))
      #expect(second.status == 204)
      #expect(second.header("Optigo-Capture") == captureID)
      let count = try await fixture.server.database.integer("SELECT count(*) FROM captures")
      #expect(count == 1)
      let objects = try FileManager.default.subpathsOfDirectory(atPath: fixture.server.paths.blobs)
        .filter { RandomIdentifier.isWellFormed(URL(fileURLWithPath: $0).lastPathComponent) }
      #expect(objects.count == 1)

      // Analysed exactly once: one attempt, one report, with the BACnet summary of the capture.
      let state = try await fixture.waitForAnalysis(captureID, organisation: org)
      #expect(state.state == .done && state.attempts == 1, "\(state)")
      let report = try #require(try await fixture.server.app.catalog.report(captureID, organisation: org))
      let json = try #require(try JSONSerialization.jsonObject(with: Data(report.utf8)) as? [String: Any])
      #expect((json["capture"] as? [String: Any])?["packets"] as? Int == 3000)
      let reports = try await fixture.server.database.integer("SELECT count(*) FROM reports")
      #expect(reports == 1)
      // The worker finds nothing more to do.
      #expect(try await fixture.server.worker.runOne() == false)

      // The activity log has the uploads (accepted, duplicate) under the organisation.
      let kinds = try await fixture.server.app.activity.entries(organisation: org, limit: 100).map(\.kind)
      #expect(kinds.contains("upload.accepted") && kinds.contains("upload.duplicate"))
    }
    }
  }

  @Test func wholeFileChecksumMismatchIsRefusedAndNothingIsStored() async throws {
    try await ServerFixture.with { fixture in
    let (org, site) = try await fixture.organisation("Acme", admin: "ops@acme.test", password: "Acme-pass-1")
    let (token, _) = try await fixture.directory.issueToken(name: "tool-1", site: site, by: "ops@acme.test")
    let capture = Captures.whoIs(packets: 50)
    try await fixture.run(withWorker: false) { ports in
      let tus = TusClient(port: try #require(ports["https"]), token: token)
      let created = try await tus.create(
        length: capture.count, metadata: TusClient.metadata(name: nil, sha256: Captures.sha256(capture + [0])))
      let location = try #require(created.header("Location"))
      let reply = try #require(try await tus.patch(location, offset: 0, bytes: capture[...]))
      #expect(reply.status == 460, "\(reply.text)")
      #expect(reply.text.contains("SHA-256"))
      #expect(reply.header("Optigo-Capture") == nil)
    }
    let captures = try await fixture.server.database.integer("SELECT count(*) FROM captures")
    #expect(captures == 0)
    let kinds = try await fixture.server.app.activity.entries(organisation: org, limit: 100).map(\.kind)
    #expect(kinds.contains("upload.refused"))
    #expect(try FileManager.default.contentsOfDirectory(atPath: fixture.server.paths.uploads).isEmpty)
    }
  }

  @Test func plainHTTPOnlyRedirects() async throws {
    try await ServerFixture.with(port: try freePort(), redirectPort: 0) { fixture in
    try await fixture.run(withWorker: false) { ports in
      let http = try #require(ports["http"])
      let https = try #require(ports["https"])
      for request in ["GET /sites HTTP/1.1", "POST /api/uploads HTTP/1.1", "GET /login?x=1 HTTP/1.1"] {
        let reply = try #require(try await RawHTTP.send(
          port: http, tls: false, head: "\(request)\r\nHost: localhost:\(http)\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"))
        #expect(reply.status == 308, "\(request): \(reply.status)")
        let path = request.split(separator: " ")[1].split(separator: "?")[0]
        #expect(reply.header("Location") == "https://localhost:\(https)\(path)")
        #expect(reply.body.isEmpty)
      }
      // HTTPS answers with HSTS.
      let page = try #require(try await RawHTTP.send(
        port: https, head: "GET /login HTTP/1.1\r\nHost: localhost:\(https)\r\nConnection: close\r\n\r\n"))
      #expect(page.status == 200)
      #expect(page.header("Strict-Transport-Security") == "max-age=31536000")
    }
    }
  }
}
