import SwitchyardCore
import SwitchyardProtocol
import XCTest

@testable import SwitchyardWorker

/// The worker's own holds outlive pool pushes computed before the outcome that set them.
final class RoutingTableTests: XCTestCase {
    private let later = RoutingTable.now() + 3600

    func testAModelCooledHereStaysCooledThroughAnOlderPush() {
        let table = RoutingTable()
        let account = PoolAccount(id: "gemini-000000000001", accessToken: "at", expiresAt: later)
        table.upsert([account])
        table.cool(account.id, until: RoutingTable.now() + 600, model: "gemini-2.5-pro")
        // The supervisor's push, computed before it heard of the 429, knows no model cooldown.
        table.upsert([account])
        guard case .none(.allCooling) = table.choose(model: "gemini-2.5-pro", session: nil, excluding: []) else {
            return XCTFail("the model must still cool on its only account")
        }
        guard case .account(let chosen) = table.choose(model: "gemini-2.5-flash", session: nil, excluding: []) else {
            return XCTFail("other models still use the account")
        }
        XCTAssertEqual(chosen.id, account.id)
        table.finished(chosen.id)
    }

    func testAnAccountCooledHereStaysCooledThroughAnOlderPush() {
        let table = RoutingTable()
        let account = PoolAccount(id: "codex-000000000001", accessToken: "at", expiresAt: later)
        table.upsert([account])
        table.cool(account.id, until: RoutingTable.now() + 600, model: nil)
        table.upsert([account])
        guard case .none(.allCooling) = table.choose(model: nil, session: nil, excluding: []) else {
            return XCTFail("the account must still cool")
        }
    }
}
