/// The providers the simulator stands in for; raw values are the names used in paths and bodies.
enum Provider: String, Sendable, Decodable, CaseIterable {
    case claude, codex, gemini
}
