/// An indexed binary min-heap of usable accounts ordered by (requests in flight, quota used,
/// id): the least-used account is at the top, and an account's key changes in O(log n) when
/// a request starts or ends — selection never scans the pool.
struct LeastUsedIndex: Sendable {
    struct Entry: Sendable {
        var id: String
        var inFlight: Int
        var quotaUsedPercent: Double

        static func precedes(_ a: Entry, _ b: Entry) -> Bool {
            if a.inFlight != b.inFlight { return a.inFlight < b.inFlight }
            if a.quotaUsedPercent != b.quotaUsedPercent { return a.quotaUsedPercent < b.quotaUsedPercent }
            return a.id < b.id
        }
    }

    private var heap: [Entry] = []
    private var positions: [String: Int] = [:]

    var count: Int { heap.count }
    var top: Entry? { heap.first }

    func contains(_ id: String) -> Bool { positions[id] != nil }

    /// Inserts the account, or updates its key when it is already here.
    mutating func upsert(_ entry: Entry) {
        if let position = positions[entry.id] {
            heap[position] = entry
            restore(at: position)
        } else {
            heap.append(entry)
            positions[entry.id] = heap.count - 1
            siftUp(from: heap.count - 1)
        }
    }

    mutating func remove(_ id: String) {
        guard let position = positions.removeValue(forKey: id) else { return }
        let last = heap.count - 1
        if position != last {
            heap[position] = heap[last]
            positions[heap[position].id] = position
        }
        heap.removeLast()
        if position < heap.count { restore(at: position) }
    }

    /// Removes and returns the top entry.
    mutating func popTop() -> Entry? {
        guard let first = heap.first else { return nil }
        remove(first.id)
        return first
    }

    private mutating func restore(at position: Int) {
        if position > 0 && Entry.precedes(heap[position], heap[(position - 1) / 2]) {
            siftUp(from: position)
        } else {
            siftDown(from: position)
        }
    }

    private mutating func swapEntries(_ i: Int, _ j: Int) {
        heap.swapAt(i, j)
        positions[heap[i].id] = i
        positions[heap[j].id] = j
    }

    private mutating func siftUp(from start: Int) {
        var child = start
        while child > 0 {
            let parent = (child - 1) / 2
            guard Entry.precedes(heap[child], heap[parent]) else { return }
            swapEntries(child, parent)
            child = parent
        }
    }

    private mutating func siftDown(from start: Int) {
        var parent = start
        while true {
            let left = 2 * parent + 1
            guard left < heap.count else { return }
            let right = left + 1
            let smaller = right < heap.count && Entry.precedes(heap[right], heap[left]) ? right : left
            guard Entry.precedes(heap[smaller], heap[parent]) else { return }
            swapEntries(parent, smaller)
            parent = smaller
        }
    }
}
