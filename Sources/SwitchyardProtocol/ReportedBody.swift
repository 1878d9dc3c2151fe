/// An upstream body carried as text in a result line (`refresh_result`, `quota_result`).
///
/// The line must stay under `WireCodec.maxLineBytes` after JSON escaping, which can grow a
/// body six-fold (a control byte becomes `\u0001`) and an invalid UTF-8 byte three-fold (the
/// replacement character): a byte cap alone lets a hostile or broken upstream produce a line
/// the supervisor refuses, which closes the worker's connection. So the cut is made on the
/// escaped size. Token and usage answers are a few KiB; only pathological bodies are cut.
public enum ReportedBody {
    /// Half the line bound: the rest of the message fits in the other half with room to spare.
    public static let escapedLimit = WireCodec.maxLineBytes / 2

    /// `bytes` as UTF-8 (invalid bytes replaced), cut at a character so that its escaped
    /// form in a JSON string takes at most `escapedLimit` bytes.
    public static func text(_ bytes: some Collection<UInt8>, escapedLimit: Int = escapedLimit) -> String {
        let text = String(decoding: bytes, as: UTF8.self)
        var cost = 0
        for index in text.unicodeScalars.indices {
            cost += escapedSize(text.unicodeScalars[index])
            if cost > escapedLimit { return String(text.unicodeScalars[..<index]) }
        }
        return text
    }

    /// Bytes of `scalar` inside a JSON string, the most any encoder writes for it.
    static func escapedSize(_ scalar: Unicode.Scalar) -> Int {
        switch scalar.value {
        case 0x22, 0x5C, 0x2F: 2  // ", \ and / (which some encoders escape)
        case 0x08, 0x09, 0x0A, 0x0C, 0x0D: 2
        case 0..<0x20, 0x7F: 6
        case 0x2028, 0x2029: 6
        default: UTF8.width(scalar)
        }
    }
}
