import Foundation

/// The few request-body fields the simulator reads. A field of the wrong type reads as absent
/// rather than failing the request: the sim is not the place to validate client payloads.
struct BodyFields: Decodable {
    var model: String?
    var stream: Bool?
    var grantType: String?
    var refreshToken: String?
    var clientID: String?

    private enum CodingKeys: String, CodingKey {
        case model, stream
        case grantType = "grant_type", refreshToken = "refresh_token", clientID = "client_id"
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        model = try? container.decodeIfPresent(String.self, forKey: .model)
        stream = try? container.decodeIfPresent(Bool.self, forKey: .stream)
        grantType = try? container.decodeIfPresent(String.self, forKey: .grantType)
        refreshToken = try? container.decodeIfPresent(String.self, forKey: .refreshToken)
        clientID = try? container.decodeIfPresent(String.self, forKey: .clientID)
    }

    /// nil when the body is not a JSON object.
    static func parse(_ data: Data) -> BodyFields? {
        try? JSONDecoder().decode(BodyFields.self, from: data)
    }
}
