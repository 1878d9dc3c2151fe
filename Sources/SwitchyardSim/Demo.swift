import Foundation

/// `--demo`: a few accounts per provider, some already revoked upstream, exported as
/// Switchyard account files so a supervisor can be pointed at the sim by hand.
enum Demo {
    /// (provider, name, refresh behaviour) of each demo account.
    static let accounts: [(Provider, String, RefreshBehaviour)] = [
        (.claude, "ok-1", .ok), (.claude, "ok-2", .ok), (.claude, "revoked", .invalidGrant),
        (.codex, "ok-1", .ok), (.codex, "ok-2", .ok), (.codex, "expired", .tokenExpired),
        (.codex, "reused", .refreshTokenReused),
        (.gemini, "ok-1", .ok), (.gemini, "no-project", .ok), (.gemini, "revoked", .invalidGrant),
    ]

    /// Registers the demo accounts and returns their Switchyard account files (JSON objects).
    /// The sim's own id for each is the Switchyard id, so `/_sim/accounts/{id}` matches the file.
    static func register(in state: SimState) async throws -> [JSON] {
        var files: [JSON] = []
        for (provider, name, behaviour) in accounts {
            let label = "\(provider.rawValue)-\(name)"
            var spec = try AccountSpec.decode(Data(#"{"refresh":"\#(behaviour.rawValue)"}"#.utf8))
            spec.provider = provider
            spec.email = "\(label)@sim.test"
            let identity: String
            switch provider {
            case .claude:
                spec.accountUuid = UUID().uuidString.lowercased()
                identity = spec.accountUuid!
            case .codex:
                spec.chatgptAccountId = UUID().uuidString.lowercased()
                spec.chatgptUserId = "user-sim-\(name)"
                identity = "\(spec.chatgptAccountId!):\(spec.chatgptUserId!)"
            case .gemini:
                spec.sub = "1" + (0..<20).map { _ in String(Int.random(in: 0...9)) }.joined()
                spec.project = name == "no-project" ? nil : "sim-project-\(name)"
                identity = spec.sub!
            }
            spec.id = "\(provider.rawValue)-\(SHA256.hex(identity).prefix(12))"
            let account = try await state.register(spec)
            files.append(accountFile(account, label: "sim demo \(name) (refresh: \(behaviour.rawValue))"))
        }
        return files
    }

    /// A Switchyard account file (SPEC §5), due for refresh within a minute.
    static func accountFile(_ account: SimAccount, label: String) -> JSON {
        var fields: [(String, JSON)] = [
            ("schema", 1), ("id", .string(account.id)), ("provider", .string(account.provider.rawValue)),
            ("label", .string(label)), ("access_token", .string(account.accessToken)),
            ("refresh_token", .string(account.refreshToken)),
            ("expires_at", .int(Int(Date().timeIntervalSince1970) + 60)),
        ]
        // `sub` and `plan_type` are the sim's, not account-file fields.
        fields += account.identity.json(for: account.provider).filter { $0.0 != "sub" && $0.0 != "plan_type" }
        if account.provider == .codex {
            fields.append(("id_token", .string(UnsignedJWT.codexIDToken(for: account))))
        }
        return .object(fields)
    }

    /// Writes `<id>.json` files, mode 0600, into `directory` (created 0700).
    static func write(_ files: [JSON], to directory: String) throws {
        let manager = FileManager.default
        try manager.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                    attributes: [.posixPermissions: 0o700])
        for file in files {
            guard case .string(let id)? = file["id"] else { continue }
            let path = (directory as NSString).appendingPathComponent("\(id).json")
            try Data((file.text + "\n").utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
            try manager.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
        }
    }
}
