import Foundation
import BACnetAnalysis

/// A small JSON Schema validator (the subset docs/summary.schema.json uses: type, required, properties,
/// additionalProperties, items, enum, const, oneOf, $ref to #/$defs, minimum, pattern) over a ``ReportValue``,
/// whose integer/number/boolean distinctions are exact.
struct SummarizeSchemaValidator {
  let root: [String: Any]

  init(schemaPath: String) throws {
    let data = try Data(contentsOf: URL(fileURLWithPath: schemaPath))
    root = try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
  }

  /// Every violation, as `path: problem`.
  func validate(_ v: ReportValue) -> [String] {
    var errors: [String] = []
    check(v, root, "$", &errors)
    return errors
  }

  func resolve(_ s: [String: Any]) -> [String: Any] {
    guard let ref = s["$ref"] as? String, ref.hasPrefix("#/$defs/") else { return s }
    let name = String(ref.dropFirst("#/$defs/".count))
    return ((root["$defs"] as? [String: Any])?[name] as? [String: Any]) ?? [:]
  }

  func typeName(_ v: ReportValue) -> [String] {
    switch v {
    case .null: ["null"]
    case .bool: ["boolean"]
    case .int: ["integer", "number"]
    case .double(let d): d == d.rounded() ? ["number", "integer"] : ["number"]
    case .string: ["string"]
    case .array: ["array"]
    case .object: ["object"]
    }
  }

  func check(_ v: ReportValue, _ schema: [String: Any], _ path: String, _ errors: inout [String]) {
    let s = resolve(schema)
    if let alternatives = s["oneOf"] as? [[String: Any]] {
      let passing = alternatives.filter { alt in
        var e: [String] = []
        check(v, alt, path, &e)
        return e.isEmpty
      }
      if passing.count != 1 { errors.append("\(path): matches \(passing.count) of the oneOf alternatives") }
      return
    }
    if let t = s["type"] {
      let allowed = (t as? [String]) ?? [(t as? String) ?? ""]
      if Set(allowed).isDisjoint(with: typeName(v)) {
        errors.append("\(path): \(typeName(v)[0]) where \(allowed) expected")
        return
      }
    }
    if let e = s["enum"] as? [String] {
      if case .string(let x) = v, e.contains(x) {} else { errors.append("\(path): \(v.json) not in \(e)") }
    }
    if let c = s["const"] as? Int {
      if case .int(let x) = v, x == Int64(c) {} else { errors.append("\(path): \(v.json) is not \(c)") }
    }
    if let m = s["minimum"] as? Int, case .int(let x) = v, x < Int64(m) { errors.append("\(path): \(x) < \(m)") }
    if let p = s["pattern"] as? String, case .string(let x) = v,
       x.range(of: p, options: .regularExpression) == nil {
      errors.append("\(path): '\(x)' does not match \(p)")
    }
    switch v {
    case .object(let kv):
      let keys = Set(kv.map(\.0))
      for r in (s["required"] as? [String]) ?? [] where !keys.contains(r) { errors.append("\(path): missing '\(r)'") }
      let props = (s["properties"] as? [String: Any]) ?? [:]
      for (k, x) in kv {
        if let ps = props[k] as? [String: Any] {
          check(x, ps, "\(path).\(k)", &errors)
        } else if let extra = s["additionalProperties"] as? [String: Any] {
          check(x, extra, "\(path).\(k)", &errors)
        } else if let allowed = s["additionalProperties"] as? Bool, !allowed {
          errors.append("\(path): unexpected key '\(k)'")
        }
      }
    case .array(let items):
      if let itemSchema = s["items"] as? [String: Any] {
        for (i, x) in items.enumerated() { check(x, itemSchema, "\(path)[\(i)]", &errors) }
      }
    default: break
    }
  }
}
