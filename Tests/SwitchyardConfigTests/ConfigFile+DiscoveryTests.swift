import Foundation
@testable import SwitchyardConfig
import SwitchyardCore
import XCTest

final class ConfigFileDiscoveryTests: XCTestCase {
    func testLocate() {
        let table: [(explicit: String?, environment: [String: String], expected: String)] = [
            ("/etc/sy.yaml", ["SWITCHYARD_CONFIG": "/env.yaml"], "/etc/sy.yaml"),
            ("conf/sy.yaml", [:], "/home/me/conf/sy.yaml"),
            (nil, ["SWITCHYARD_CONFIG": "/env.yaml"], "/env.yaml"),
            (nil, ["SWITCHYARD_CONFIG": "../env.yaml"], "/home/env.yaml"),
            (nil, ["SWITCHYARD_CONFIG": ""], "/home/me/etc/switchyard.yaml"),
            (nil, [:], "/home/me/etc/switchyard.yaml"),
            ("", [:], "/home/me/etc/switchyard.yaml"),
        ]
        for row in table {
            XCTAssertEqual(ConfigFile.locate(explicit: row.explicit, environment: row.environment,
                                             currentDirectory: "/home/me"), row.expected)
        }
    }

    func testStateDirValueForms() {
        let table: [(text: String, expected: String?)] = [
            ("state-dir: /srv/var\n", "/srv/var"),
            ("state-dir: ../run   # comment\n", "../run"),
            ("state-dir:\t../run\t# comment\n", "../run"),
            ("state-dir: \"/a b/#c\"  # comment\n", "/a b/#c"),
            ("state-dir: 'it''s'\n", "it's"),
            ("state-dir: a#b\n", "a#b"),
            ("state-dir:\n", nil),
            ("state-dir: ~\n", nil),
            ("state-dir: # nothing\n", nil),
            ("  state-dir: /nested\n", nil),
            ("management:\n  state-dir: /nested\n", nil),
            ("store: file\r\nstate-dir: /crlf\r\n", "/crlf"),
            ("state-dirs: /x\n", nil),
            ("", nil),
        ]
        for row in table {
            XCTAssertEqual(ConfigFile.stateDirValue(in: row.text), row.expected, row.text)
        }
    }

    func testSniffStateDirOnABrokenFile() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sy-sniff-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: folder + "/etc", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/etc/switchyard.yaml"

        // Unparseable YAML and an unknown key: the state-dir line is still found.
        try "refresh-leed: 5m\nstate-dir: \"../state\" # moved\nstore: [file\n".write(toFile: path, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try ConfigFile.load(path: path))
        XCTAssertEqual(ConfigFile.sniffStateDir(configPath: path), folder + "/state")

        try "state-dir: /abs/state\n:::\n".write(toFile: path, atomically: true, encoding: .utf8)
        XCTAssertEqual(ConfigFile.sniffStateDir(configPath: path), "/abs/state")

        try "store: file\n".write(toFile: path, atomically: true, encoding: .utf8)
        XCTAssertEqual(ConfigFile.sniffStateDir(configPath: path), folder + "/var")

        XCTAssertEqual(ConfigFile.sniffStateDir(configPath: folder + "/etc/missing.yaml"), folder + "/var")
    }

    func testSniffAgreesWithTheParser() throws {
        let yaml = "state-dir: ../s  # c\n"
        let parsed = try ConfigFile.parse(yaml: yaml, configDirectory: "/x/etc")
        XCTAssertEqual(ConfigPath.resolve(ConfigFile.stateDirValue(in: yaml) ?? "", against: "/x/etc"), parsed.stateDir)
    }
}
