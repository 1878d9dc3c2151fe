/// Makes upstream error text safe to log, persist and show: one line, bounded, and without
/// anything that looks like a credential. Upstream messages and transport errors are not
/// ours — some echo the request (a URL with a token in its query, a "Bearer …" header) —
/// and SPEC forbids a token in any log or file other than the account's own token fields.
enum UpstreamErrorText {
    /// Longest text kept, in characters; the rest is cut and marked with "…".
    static let maxLength = 300
    static let redaction = "[redacted]"

    /// Control characters and runs of whitespace become one space; every word that looks
    /// like a secret is replaced by `[redacted]`.
    static func sanitize(_ text: String) -> String {
        var words: [String] = []
        var length = 0
        for word in text.split(whereSeparator: { $0.isWhitespace || $0.unicodeScalars.allSatisfy(isControl) }) {
            let kept = looksLikeSecret(word) ? redaction : String(word)
            words.append(kept)
            length += kept.count + 1
            if length > maxLength { break }
        }
        let joined = words.joined(separator: " ")
        guard joined.count > maxLength else { return joined }
        return String(joined.prefix(maxLength - 1)) + "…"
    }

    /// A word is secret-looking when one of its parts (split at `=&?:,;` quotes and
    /// brackets, so a token inside a URL query or a header echo is found) starts with a known
    /// token prefix (Anthropic `sk-ant-`, Google `ya29.` and `1//`, a JWT's `eyJ`), or holds
    /// a run of 24 or more token characters (letters, digits, `-_~+=`) mixing letters and
    /// digits. Prose, codes such as `refresh_token_invalidated` (no digit) and URLs (short
    /// runs between `.` and `/`) pass.
    static func looksLikeSecret(_ word: Substring) -> Bool {
        for part in word.split(whereSeparator: isSeparator) {
            for prefix in ["sk-ant-", "ya29.", "1//", "eyJ"] where part.hasPrefix(prefix) && part.count >= 12 {
                return true
            }
            if hasLongTokenRun(part) { return true }
        }
        return false
    }

    private static func hasLongTokenRun(_ text: Substring) -> Bool {
        var run = 0
        var hasDigit = false
        var hasLetter = false
        for scalar in text.unicodeScalars {
            guard isTokenScalar(scalar) else {
                run = 0
                hasDigit = false
                hasLetter = false
                continue
            }
            run += 1
            switch scalar {
            case "0"..."9": hasDigit = true
            case "a"..."z", "A"..."Z": hasLetter = true
            default: break
            }
            if run >= 24, hasDigit, hasLetter { return true }
        }
        return false
    }

    private static func isTokenScalar(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "a"..."z", "A"..."Z", "0"..."9", "-", "_", "~", "+", "=": true
        default: false
        }
    }

    private static func isSeparator(_ character: Character) -> Bool {
        "=&?:,;\"'`()[]{}<>".contains(character)
    }

    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.generalCategory == .control
    }
}
