import SwitchyardCurl

/// A value that lives on one `CurlMultiClient` loop, carried through `Sendable` closures (a
/// task preferring the loop's executor) that only run on that loop. Checked where it is
/// opened, so a mistake traps instead of racing.
struct LoopBound<Value>: @unchecked Sendable {
    private let wrapped: Value

    init(_ value: Value) {
        precondition(CurlLoop.current != nil, "LoopBound made off its loop")
        wrapped = value
    }

    var value: Value {
        precondition(CurlLoop.current != nil, "LoopBound opened off its loop")
        return wrapped
    }
}
