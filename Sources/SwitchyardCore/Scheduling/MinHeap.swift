/// A binary min-heap in an array: O(log n) insert and pop, O(1) peek, O(n) build.
///
/// Deliberately minimal (no removal of arbitrary elements): the planners delete lazily,
/// marking an entry stale and dropping it when it reaches the top, which keeps this
/// structure trivially correct.
struct MinHeap<Element: Comparable> {
    private(set) var elements: [Element] = []

    init() {}

    /// Builds a heap from any elements in O(n) (bottom-up sift-down).
    init(_ elements: [Element]) {
        self.elements = elements
        var index = elements.count / 2
        while index > 0 {
            index -= 1
            siftDown(from: index)
        }
    }

    var count: Int { elements.count }
    var isEmpty: Bool { elements.isEmpty }
    /// The smallest element, without removing it.
    var min: Element? { elements.first }

    mutating func insert(_ element: Element) {
        elements.append(element)
        siftUp(from: elements.count - 1)
    }

    @discardableResult
    mutating func popMin() -> Element? {
        guard !elements.isEmpty else { return nil }
        elements.swapAt(0, elements.count - 1)
        let smallest = elements.removeLast()
        if !elements.isEmpty { siftDown(from: 0) }
        return smallest
    }

    private mutating func siftUp(from start: Int) {
        var child = start
        while child > 0 {
            let parent = (child - 1) / 2
            guard elements[child] < elements[parent] else { return }
            elements.swapAt(child, parent)
            child = parent
        }
    }

    private mutating func siftDown(from start: Int) {
        var parent = start
        while true {
            let left = 2 * parent + 1
            guard left < elements.count else { return }
            let right = left + 1
            let smaller = right < elements.count && elements[right] < elements[left] ? right : left
            guard elements[smaller] < elements[parent] else { return }
            elements.swapAt(parent, smaller)
            parent = smaller
        }
    }
}

extension MinHeap: Sendable where Element: Sendable {}
