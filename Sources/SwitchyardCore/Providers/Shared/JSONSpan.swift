import Foundation

/// Finds where a member's value sits in a JSON object's bytes, without decoding the document:
/// the data path rewraps bodies (Gemini's Code Assist envelope) by splicing bytes, so a
/// client's request or an upstream's answer is never decoded and re-encoded (slow, and it
/// would reorder keys and reformat numbers the client sent).
///
/// Only the top level is walked member by member; nested values are skipped by matching
/// brackets outside strings. Invalid JSON gives nil, never a wrong span.
enum JSONSpan {
    /// The byte range of the value of top-level member `key` in the object `bytes`.
    /// Keys are compared as raw bytes (a key written with escapes does not match).
    static func valueRange(ofMember key: String, in bytes: [UInt8]) -> Range<Int>? {
        valueRange(ofMember: key, in: bytes[...])
    }

    /// The same within a slice (an event's data inside a stream buffer); the range is in the
    /// slice's indices.
    static func valueRange(ofMember key: String, in bytes: ArraySlice<UInt8>) -> Range<Int>? {
        var found: Range<Int>?
        _ = walkMembers(of: bytes) { name, value in
            guard name.elementsEqual(key.utf8) else { return true }
            found = value
            return false
        }
        return found
    }

    /// Every top-level member of the object `bytes` as (key without quotes, value range), or
    /// nil when `bytes` is not one object (nothing but white space may follow it). One pass.
    static func members(of bytes: [UInt8]) -> [(key: ArraySlice<UInt8>, value: Range<Int>)]? {
        var found: [(key: ArraySlice<UInt8>, value: Range<Int>)] = []
        found.reserveCapacity(8)  // a usual request's members, without growing the array
        let complete = walkMembers(of: bytes[...]) { name, value in
            found.append((name, value))
            return true
        }
        return complete ? found : nil
    }

    /// Calls `visit` with each top-level member of the object `bytes` until it returns false.
    /// Returns true only when the whole input was one valid object walked to its end.
    private static func walkMembers(
        of bytes: ArraySlice<UInt8>, _ visit: (ArraySlice<UInt8>, Range<Int>) -> Bool
    ) -> Bool {
        var index = skipSpace(bytes, bytes.startIndex)
        guard index < bytes.endIndex, bytes[index] == UInt8(ascii: "{") else { return false }
        index = skipSpace(bytes, index + 1)
        if index < bytes.endIndex, bytes[index] == UInt8(ascii: "}") {
            return skipSpace(bytes, index + 1) == bytes.endIndex
        }
        while index < bytes.endIndex {
            guard bytes[index] == UInt8(ascii: "\""), let keyEnd = stringEnd(bytes, index) else { return false }
            let key = bytes[(index + 1)..<(keyEnd - 1)]
            index = skipSpace(bytes, keyEnd)
            guard index < bytes.endIndex, bytes[index] == UInt8(ascii: ":") else { return false }
            let valueStart = skipSpace(bytes, index + 1)
            guard let valueEnd = self.valueEnd(bytes, valueStart) else { return false }
            guard visit(key, valueStart..<valueEnd) else { return false }
            index = skipSpace(bytes, valueEnd)
            guard index < bytes.endIndex else { return false }
            if bytes[index] == UInt8(ascii: "}") { return skipSpace(bytes, index + 1) == bytes.endIndex }
            guard bytes[index] == UInt8(ascii: ",") else { return false }
            index = skipSpace(bytes, index + 1)
        }
        return false
    }

    /// The text of a JSON string literal (quotes included in `literal`), or nil when it is
    /// not a string. Literals without escapes are read directly; others through Foundation.
    static func string(_ literal: ArraySlice<UInt8>) -> String? {
        guard literal.count >= 2, literal.first == UInt8(ascii: "\""), literal.last == UInt8(ascii: "\"") else { return nil }
        let inner = literal.dropFirst().dropLast()
        if !inner.contains(UInt8(ascii: "\\")) { return String(decoding: inner, as: UTF8.self) }
        return (try? JSONSerialization.jsonObject(with: Data(literal), options: .fragmentsAllowed)) as? String
    }

    /// Whether `bytes` is a JSON object (first non-space byte `{`, last `}`): the cheap check
    /// the data path makes before splicing a client body into an envelope.
    static func looksLikeObject(_ bytes: [UInt8]) -> Bool {
        let start = skipSpace(bytes[...], 0)
        var end = bytes.endIndex
        while end > start, isSpace(bytes[end - 1]) { end -= 1 }
        return end - start >= 2 && bytes[start] == UInt8(ascii: "{") && bytes[end - 1] == UInt8(ascii: "}")
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09
    }

    private static func skipSpace(_ bytes: ArraySlice<UInt8>, _ start: Int) -> Int {
        var index = start
        while index < bytes.endIndex, isSpace(bytes[index]) { index += 1 }
        return index
    }

    /// Index just past the closing quote of the string opening at `start`.
    private static func stringEnd(_ bytes: ArraySlice<UInt8>, _ start: Int) -> Int? {
        var index = start + 1
        while index < bytes.endIndex {
            switch bytes[index] {
            case UInt8(ascii: "\\"): index += 2
            case UInt8(ascii: "\""): return index + 1
            default: index += 1
            }
        }
        return nil
    }

    /// Index just past the value starting at `start`.
    private static func valueEnd(_ bytes: ArraySlice<UInt8>, _ start: Int) -> Int? {
        guard start < bytes.endIndex else { return nil }
        switch bytes[start] {
        case UInt8(ascii: "\""):
            return stringEnd(bytes, start)
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            var depth = 0
            var index = start
            while index < bytes.endIndex {
                switch bytes[index] {
                case UInt8(ascii: "\""):
                    guard let end = stringEnd(bytes, index) else { return nil }
                    index = end
                    continue
                case UInt8(ascii: "{"), UInt8(ascii: "["):
                    depth += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    depth -= 1
                    if depth == 0 { return index + 1 }
                default:
                    break
                }
                index += 1
            }
            return nil
        default:
            // A number or a literal: up to the next delimiter.
            var index = start
            while index < bytes.endIndex {
                let byte = bytes[index]
                if byte == UInt8(ascii: ",") || byte == UInt8(ascii: "}") || byte == UInt8(ascii: "]") || isSpace(byte) { break }
                index += 1
            }
            return index > start ? index : nil
        }
    }
}
