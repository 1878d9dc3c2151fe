import CCurl

/// A request's `CURLOPT_HTTPHEADER` list in one allocation: the `curl_slist` nodes, then their
/// NUL-terminated lines. libcurl only reads the list (it neither copies nor frees it), and
/// `curl_slist_append` costs two allocations per header (a node and a copy of the line) on
/// every proxied request.
///
/// Owns C memory: free it with `deallocate()` (never `curl_slist_free_all`) once libcurl no
/// longer reads it, after the transfer left the multi handle.
struct CurlHeaderList {
    /// The list's head for `CURLOPT_HTTPHEADER`; nil for no lines.
    let head: UnsafeMutablePointer<curl_slist>?

    init(_ lines: [CurlHeaderLines.Line]) {
        guard !lines.isEmpty else {
            head = nil
            return
        }
        let nodesSize = MemoryLayout<curl_slist>.stride * lines.count
        let textSize = lines.reduce(0) { $0 + $1.utf8Count + 1 }
        let block = UnsafeMutableRawPointer.allocate(byteCount: nodesSize + textSize, alignment: MemoryLayout<curl_slist>.alignment)
        let nodes = block.bindMemory(to: curl_slist.self, capacity: lines.count)
        var text = (block + nodesSize).bindMemory(to: CChar.self, capacity: textSize)
        for (index, line) in lines.enumerated() {
            let start = text
            text = Self.write(line.name, to: text)
            text = Self.write(line.separator, to: text)
            text = Self.write(line.value, to: text)
            text.pointee = 0
            text += 1
            let next = index + 1 < lines.count ? nodes + index + 1 : nil
            (nodes + index).initialize(to: curl_slist(data: start, next: next))
        }
        head = nodes
    }

    /// Frees the list; libcurl must no longer hold it.
    func deallocate() {
        head.map { UnsafeMutableRawPointer($0).deallocate() }
    }

    private static func write(_ string: String, to text: UnsafeMutablePointer<CChar>) -> UnsafeMutablePointer<CChar> {
        var string = string
        return string.withUTF8 { bytes in
            UnsafeMutableRawPointer(text).copyMemory(from: bytes.baseAddress!, byteCount: bytes.count)
            return text + bytes.count
        }
    }

    private static func write(_ string: StaticString, to text: UnsafeMutablePointer<CChar>) -> UnsafeMutablePointer<CChar> {
        UnsafeMutableRawPointer(text).copyMemory(from: string.utf8Start, byteCount: string.utf8CodeUnitCount)
        return text + string.utf8CodeUnitCount
    }
}
