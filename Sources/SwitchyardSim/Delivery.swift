/// How a successful-looking API behaviour shapes delivery.
struct Delivery: Sendable {
    var gap: Duration = .zero
    var cut = false

    init(_ behaviour: ApiBehaviour, _ account: SimAccount) {
        if behaviour == .slowStream { gap = .milliseconds(account.settings.streamGapMs) }
        cut = behaviour == .streamCut
    }

    /// Non-streaming replies under `slow_stream` wait as long as the stream would have taken.
    func waitForNonStreaming(events: Int) async {
        if gap > .zero { try? await Task.sleep(for: gap * events) }
    }
}
