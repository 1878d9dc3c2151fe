import SwitchyardCore
import XCTest

final class ConfigPathTests: XCTestCase {
    func testResolve() {
        let table: [(path: String, directory: String, expected: String)] = [
            ("../var", "/opt/sy/etc", "/opt/sy/var"),
            ("../var/accounts", "/opt/sy/etc", "/opt/sy/var/accounts"),
            ("/abs/dir", "/opt/sy/etc", "/abs/dir"),
            ("./a//b/./c/", "/x", "/x/a/b/c"),
            ("../../../..", "/a/b", "/"),
            ("state", "/", "/state"),
        ]
        for row in table {
            XCTAssertEqual(ConfigPath.resolve(row.path, against: row.directory), row.expected, row.path)
        }
    }

    func testNormalizeKeepsLeadingParentOfRelativePath() {
        XCTAssertEqual(ConfigPath.normalize("../a/./b/.."), "../a")
        XCTAssertEqual(ConfigPath.normalize("a/.."), ".")
    }

    func testDirectory() {
        XCTAssertEqual(ConfigPath.directory(of: "/etc/switchyard.yaml"), "/etc")
        XCTAssertEqual(ConfigPath.directory(of: "/switchyard.yaml"), "/")
        XCTAssertEqual(ConfigPath.directory(of: "/a/b/../c.yaml"), "/a")
    }
}
