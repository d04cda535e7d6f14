internal import WireBytes

/// One node of a decoded tag tree: a primitive tag with its content, or a constructed value
/// (opening tag, children, closing tag).
public struct TagNode: Hashable, Sendable {
  /// The tag header (for a constructed value, the opening tag).
  public var header: TagHeader
  /// The content octets of a primitive tag (empty for constructed values), a view of the input.
  public var content: ArraySlice<UInt8>
  /// The decoded value of an application tag (nil for context tags, and when the content is invalid).
  public var value: BACnetValue?
  /// The enclosed nodes of a constructed value.
  public var children: [TagNode]

  /// Creates a node.
  public init(header: TagHeader, content: ArraySlice<UInt8>, value: BACnetValue?, children: [TagNode]) {
    self.header = header
    self.content = content
    self.value = value
    self.children = children
  }

  /// The content read as an Unsigned (context tags carry no type; the service's ASN.1 says which).
  public var unsignedContent: UInt64? { try? Primitive.unsigned(content, at: 0) }
}

/// A run of encoded tags kept as bytes and decoded on demand (a property value, an event's values …).
///
/// Keeping the bytes and decoding them only when asked keeps the per-packet cost low: most analyses only
/// need the header fields and the primary object.
public struct EncodedValues: Hashable, Sendable {
  /// The encoded tags, a view of the input.
  public var bytes: ArraySlice<UInt8>
  /// Absolute offset of `bytes.first`.
  public var offset: Int

  /// Creates a run of encoded tags.
  public init(bytes: ArraySlice<UInt8>, offset: Int) {
    self.bytes = bytes
    self.offset = offset
  }

  /// Decodes the tags into a tree; problems become diagnostics (layer `apdu`).
  public func decode() -> (nodes: [TagNode], diagnostics: [BACnetDiagnostic]) {
    var c = ByteCursor(bytes, baseOffset: offset)
    var nodes: [TagNode] = []
    var diags: [BACnetDiagnostic] = []
    _ = TagTree.walk(&c, depth: 0, closing: nil, collect: true, into: &nodes, diagnostics: &diags)
    return (nodes, diags)
  }

  /// The decoded tree, without its diagnostics.
  public var nodes: [TagNode] { decode().nodes }

  /// The first application-tagged value, if the run starts with one (the common single-value case).
  public var firstValue: BACnetValue? {
    var c = ByteCursor(bytes, baseOffset: offset)
    guard let h = try? TagHeader.read(&c), !h.isContext, let b = try? TagHeader.readContent(&c, h) else { return nil }
    return try? Primitive.application(h, b)
  }

  /// The values as short text: `72.5`, or `{…}` lists for several values.
  public var summary: String {
    let n = nodes
    if n.count == 1 { return TagTree.describe(n[0]) }
    return "{" + n.map(TagTree.describe).joined(separator: ", ") + "}"
  }
}

/// Generic tag-tree walking with a depth cap.
enum TagTree {
  /// Walks tags until the end of the cursor, or until the closing tag `closing` (which is consumed).
  /// Returns false when decoding had to stop early (a diagnostic was added).
  static func walk(_ c: inout ByteCursor, depth: Int, closing: UInt8?, collect: Bool,
                   into nodes: inout [TagNode], diagnostics: inout [BACnetDiagnostic]) -> Bool {
    while !c.isAtEnd {
      let h: TagHeader
      do { h = try TagHeader.read(&c) } catch {
        diagnostics.append(error.diagnostic(.apdu))
        return false
      }
      switch h.kind {
      case .closing:
        if let closing, closing == h.number { return true }
        let expected = closing.map { "closing tag \($0) was expected" } ?? "no constructed value is open"
        diagnostics.append(BACnetDiagnostic(code: .tagUnmatchedClosing, offset: h.offset,
                                            message: "closing tag \(h.number) does not match: \(expected)", layer: .apdu))
        return false
      case .opening:
        guard depth < BACnetDecoder.maxNestingDepth else {
          diagnostics.append(BACnetDiagnostic(code: .tagDepthExceeded, offset: h.offset,
                                              message: "constructed values nest deeper than \(BACnetDecoder.maxNestingDepth)", layer: .apdu))
          return false
        }
        var children: [TagNode] = []
        let ok = walk(&c, depth: depth + 1, closing: h.number, collect: collect, into: &children, diagnostics: &diagnostics)
        if collect { nodes.append(TagNode(header: h, content: [], value: nil, children: children)) }
        if !ok { return false }
      case .primitive:
        let content: ArraySlice<UInt8>
        do { content = try TagHeader.readContent(&c, h) } catch {
          diagnostics.append(error.diagnostic(.apdu))
          return false
        }
        var value: BACnetValue? = nil
        if !h.isContext {
          do { value = try Primitive.application(h, content) } catch { diagnostics.append(error.diagnostic(.apdu)) }
        }
        if collect { nodes.append(TagNode(header: h, content: content, value: value, children: [])) }
      }
    }
    if let closing {
      diagnostics.append(BACnetDiagnostic(code: .tagMissingClosing, offset: c.offset,
                                          message: "opening tag \(closing) is never closed", layer: .apdu))
      return false
    }
    return true
  }

  /// Checks that the tags are well formed without building a tree (no allocation unless a problem is found).
  static func validate(_ bytes: ArraySlice<UInt8>, offset: Int, diagnostics: inout [BACnetDiagnostic]) {
    var c = ByteCursor(bytes, baseOffset: offset)
    var none: [TagNode] = []
    _ = walk(&c, depth: 0, closing: nil, collect: false, into: &none, diagnostics: &diagnostics)
  }

  /// A one-line rendering of a node.
  static func describe(_ n: TagNode) -> String {
    if n.header.kind == .opening {
      return "[\(n.header.number)]{" + n.children.map(describe).joined(separator: ", ") + "}"
    }
    if let v = n.value { return v.description }
    if n.header.isContext { return "[\(n.header.number)]" + hexString(n.content) }
    return hexString(n.content)
  }
}
