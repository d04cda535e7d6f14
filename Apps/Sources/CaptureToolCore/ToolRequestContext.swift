public import Hummingbird
public import OptigoWebSecurity

/// The request context of the Capture Tool's routes.
public struct ToolRequestContext: SecureRequestContext {
  public var coreContext: CoreRequestContextStorage
  public var session: Session?
  public var form = FormFields()
  public let clientAddress: String?

  public init(source: ApplicationRequestContextSource) {
    coreContext = .init(source: source)
    clientAddress = source.channel.remoteAddress?.ipAddress
  }
}
