/// The transfers in a multi handle, for what libcurl cannot do for us: cancelling all of them
/// at shutdown and checking idle limits. O(1) insert and remove (each context remembers its
/// slot; a removal moves the last one into the gap). Loop thread only.
struct ActiveTransfers {
    private(set) var all: [MultiTransferContext] = []
    /// How many have an idle limit, so the loop skips idle checks when none has.
    private(set) var watchedCount = 0

    mutating func insert(_ context: MultiTransferContext) {
        context.activeIndex = all.count
        all.append(context)
        if context.watchesIdle { watchedCount += 1 }
    }

    mutating func remove(_ context: MultiTransferContext) {
        let index = context.activeIndex
        guard all.indices.contains(index), all[index] === context else { return }
        let last = all.removeLast()
        if last !== context {
            all[index] = last
            last.activeIndex = index
        }
        context.activeIndex = -1
        if context.watchesIdle { watchedCount -= 1 }
    }
}
