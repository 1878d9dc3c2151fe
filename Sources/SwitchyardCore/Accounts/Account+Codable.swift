/// `Account` as a JSON object in the account-file form (tokens included), so messages that
/// carry accounts (e.g. the supervisor's pool updates) need no second format. Decoding
/// applies every rule of `AccountFileCodec.decode` (including "lacks tokens").
extension Account: Codable {
    public init(from decoder: any Decoder) throws {
        let value = try JSONValue(from: decoder)
        guard case .object(let members) = value else {
            throw DecodingError.dataCorrupted(.init(
                codingPath: decoder.codingPath, debugDescription: "account: not a JSON object"))
        }
        do {
            self = try AccountFileCodec.decode(object: members, fileName: "")
        } catch {
            throw DecodingError.dataCorrupted(.init(
                codingPath: decoder.codingPath, debugDescription: "account: \(error)"))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        try JSONValue.object(AccountFileCodec.jsonObject(for: self)).encode(to: encoder)
    }
}
