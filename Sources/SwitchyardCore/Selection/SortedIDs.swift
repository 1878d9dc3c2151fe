/// A sorted array of ids with binary-search membership: O(log n) lookup, O(1) access by
/// position (what round-robin and fill-first need per request), O(n) moves on insert and
/// remove — which happen only when an account's usability changes, never per request.
struct SortedIDs: Sendable {
    private(set) var ids: [String] = []

    var count: Int { ids.count }
    var isEmpty: Bool { ids.isEmpty }
    subscript(position: Int) -> String { ids[position] }

    func contains(_ id: String) -> Bool {
        let index = insertionIndex(of: id)
        return index < ids.count && ids[index] == id
    }

    mutating func insert(_ id: String) {
        let index = insertionIndex(of: id)
        if index < ids.count && ids[index] == id { return }
        ids.insert(id, at: index)
    }

    mutating func remove(_ id: String) {
        let index = insertionIndex(of: id)
        if index < ids.count && ids[index] == id { ids.remove(at: index) }
    }

    private func insertionIndex(of id: String) -> Int {
        var low = 0
        var high = ids.count
        while low < high {
            let middle = (low + high) / 2
            if ids[middle] < id { low = middle + 1 } else { high = middle }
        }
        return low
    }
}
