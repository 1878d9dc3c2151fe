import Foundation
import Glibc
import SwitchyardStore
import XCTest

/// A fresh `/tmp/<prefix>-XXXXXX` directory holding an `accounts` directory ready for a store;
/// the caller removes it.
func makeTemporaryRoot(_ prefix: String) throws -> String {
    var template = Array("/tmp/\(prefix)-XXXXXX".utf8CString)
    let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
    let root = String(cString: try XCTUnwrap(made))
    try FileAccountStore.ensureDirectory(root + "/accounts")
    return root
}
