import SwitchyardHTTP1

extension HTTP1RequestHead {
    /// What the sequencer needs beyond the decider's view.
    var facts: ClientRequestFacts {
        var announced: Int?
        if case .length(let length) = body, length > 0 || !values(of: "content-length").isEmpty { announced = length }
        return ClientRequestFacts(expectsContinue: expectsContinue, asksToClose: !keepAlive, announcedLength: announced,
                                  http10: version == .http10)
    }
}
