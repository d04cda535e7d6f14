internal import CLibCrypto

/// AES-128 on single 16-byte blocks (ECB, no padding), from the system's libcrypto. The only file of
/// the target that touches pointers.
@safe final class AES128Block {
  private let context: OpaquePointer?

  /// A cipher for `key` (16 octets); nil when libcrypto refuses it.
  init?(key: [UInt8]) {
    guard key.count == 16, let ctx = unsafe EVP_CIPHER_CTX_new() else { return nil }
    let ok = unsafe key.withUnsafeBufferPointer { k in
      unsafe EVP_EncryptInit_ex(ctx, EVP_aes_128_ecb(), nil, k.baseAddress, nil)
    }
    guard ok == 1 else {
      unsafe EVP_CIPHER_CTX_free(ctx)
      return nil
    }
    unsafe EVP_CIPHER_CTX_set_padding(ctx, 0)
    unsafe context = ctx
  }

  deinit { unsafe EVP_CIPHER_CTX_free(context) }

  /// Encrypts the 16 octets of `block` in place (the array must hold exactly 16).
  func encrypt(_ block: inout [UInt8]) {
    guard block.count == 16, let context = unsafe context else { return }
    var out = [UInt8](repeating: 0, count: 32)
    var written: Int32 = 0
    let ok = unsafe block.withUnsafeBufferPointer { input in
      unsafe out.withUnsafeMutableBufferPointer { output in
        unsafe EVP_EncryptUpdate(context, output.baseAddress, &written, input.baseAddress, 16)
      }
    }
    if ok == 1 && written == 16 { block = Array(out[0..<16]) }
  }
}

@available(*, unavailable)
extension AES128Block: Sendable {}
