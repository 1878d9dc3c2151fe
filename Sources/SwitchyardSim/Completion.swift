import Foundation

/// The text every simulated model answers with. It names the serving account so tests can see
/// which account a request went to (also in the `x-sim-account` response header).
struct Completion: Sendable {
    let words: [String]
    let inputTokens: Int

    init(account: SimAccount, requestBytes: Int) {
        let sentence = ["Hello ", "from ", "sim ", "account ", "\(account.id)."]
        if let count = account.settings.outputWords, count != sentence.count {
            words = (0..<count).map { sentence[$0 % sentence.count] }
        } else {
            words = sentence
        }
        inputTokens = max(1, requestBytes / 4)
    }

    var text: String { words.joined() }
    var outputTokens: Int { words.count }

    /// Headers every successful API response carries.
    static func headers(_ account: SimAccount) -> [(String, String)] {
        [("x-sim-account", account.id)]
    }
}
