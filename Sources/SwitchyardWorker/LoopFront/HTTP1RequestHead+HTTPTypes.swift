import HTTPTypes
import SwitchyardHTTP1

extension HTTP1RequestHead {
    /// The head as the HTTP types the proxy's decisions read (`ProxyResponder`). Fields whose
    /// names HTTP types refuse are dropped, as NIO's conversion does.
    var httpRequest: HTTPRequest {
        var fields = HTTPFields()
        fields.reserveCapacity(fieldCount)
        for index in 0..<fieldCount {
            let (name, value) = field(at: index)
            guard let fieldName = HTTPField.Name(String(decoding: name, as: UTF8.self)) else { continue }
            fields.append(HTTPField(name: fieldName, value: String(decoding: value, as: UTF8.self)))
        }
        let method = HTTPRequest.Method(method) ?? .get  // a token, which HTTP types accept
        return HTTPRequest(method: method, scheme: nil, authority: nil, path: path, headerFields: fields)
    }

    /// What the sequencer needs beyond the decider's view.
    var facts: ClientRequestFacts {
        var announced: Int?
        if case .length(let length) = body, length > 0 || !values(of: "content-length").isEmpty { announced = length }
        return ClientRequestFacts(expectsContinue: expectsContinue, asksToClose: !keepAlive, announcedLength: announced,
                                  http10: version == .http10)
    }
}
