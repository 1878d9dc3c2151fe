import XCTest

@testable import SwitchyardWorker

/// The rules of one client connection's requests and answers, with a decider that answers by
/// path: `/local` at the head, `/small` reads up to 4 bytes, anything else up to 100; a body
/// `bad` is answered locally after it is read, any other goes upstream.
final class ClientRequestSequencerTests: XCTestCase {
    private struct Decider: ClientRequestDecider {
        func plan(_ head: String) -> ClientRequestPlan<String, String> {
            switch head {
            case "/local": .answer("local")
            case "/small": .readBody(head, limit: 4)
            default: .readBody(head, limit: 100)
            }
        }
        func tooLarge(limit: Int) -> String { "413 over \(limit)" }
        func prepare(_ target: String, body: [UInt8]) -> ClientRequestPreparation<String, String> {
            let text = String(decoding: body, as: UTF8.self)
            return text == "bad" ? .answer("400") : .proxy("\(target) \(text)")
        }
    }

    /// A sequencer and the actions it asked for, as text.
    private final class Connection {
        var actions: [String] = []
        lazy var sequencer = ClientRequestSequencer(decider: Decider()) { [unowned self] action in
            switch action {
            case .answer(let answer): actions.append("answer \(answer)")
            case .answerThenClose(let answer): actions.append("answer \(answer), then close")
            case .sendContinue: actions.append("100")
            case .refuse(let answer): actions.append("refuse \(answer)")
            case .proxy(let call): actions.append("proxy \(call)")
            case .close: actions.append("close")
            case .resumeReading: actions.append("read")
            }
        }

        func request(_ path: String, _ body: String = "", facts: ClientRequestFacts = .init()) {
            sequencer.receiveHead(path, facts: facts)
            if !body.isEmpty { sequencer.receiveBody(Array(body.utf8)) }
            sequencer.receiveEnd()
        }

        func take() -> [String] {
            defer { actions = [] }
            return actions
        }
    }

    func testAHeadThatDecidesIsAnsweredAtOnceAndItsBodyDropped() {
        let connection = Connection()
        connection.sequencer.receiveHead("/local", facts: .init())
        XCTAssertEqual(connection.take(), ["answer local"], "before the body")
        connection.sequencer.receiveBody(Array("ignored".utf8))
        connection.sequencer.receiveEnd()
        connection.request("/v1", "hi")
        XCTAssertEqual(connection.take(), ["proxy /v1 hi"])
    }

    func testABodyThatDecidesIsAnsweredLocally() {
        let connection = Connection()
        connection.request("/v1", "bad")
        connection.request("/v1", "ok")
        XCTAssertEqual(connection.take(), ["answer 400", "proxy /v1 ok"])
    }

    func testRequestsArrivingWhileOneIsProxiedWaitAndReadingIsHeld() {
        let connection = Connection()
        connection.request("/v1", "first")
        connection.request("/local")
        connection.request("/v1", "bad")
        connection.request("/v1", "third")
        XCTAssertEqual(connection.take(), ["proxy /v1 first"])
        XCTAssertFalse(connection.sequencer.requestRead(), "parts are queued: no more reading")
        connection.sequencer.answerEnded()
        XCTAssertEqual(connection.take(), ["answer local", "answer 400", "proxy /v1 third", "read"],
                       "the held read happens once the queue is served, while the last one is answered")
        XCTAssertTrue(connection.sequencer.answering)
        XCTAssertTrue(connection.sequencer.requestRead())
        connection.request("/local")
        connection.sequencer.answerEnded()
        XCTAssertEqual(connection.take(), ["answer local"])
    }

    func testThousandsOfQueuedRequestsAreServedWithoutRecursion() {
        let connection = Connection()
        connection.request("/v1", "first")
        for _ in 0..<20_000 { connection.request("/local") }
        _ = connection.take()
        connection.sequencer.answerEnded()
        let actions = connection.take()
        XCTAssertEqual(actions.count, 20_000)
        XCTAssertEqual(Set(actions), ["answer local"])
    }

    func testABodyOverTheLimitIsRefusedAnnouncedOrAsItArrives() {
        let announced = Connection()
        announced.sequencer.receiveHead("/small", facts: .init(expectsContinue: true, announcedLength: 5))
        XCTAssertEqual(announced.take(), ["refuse 413 over 4"], "no go-ahead for a body that will be refused")
        announced.sequencer.receiveBody(Array("12345".utf8))
        XCTAssertEqual(announced.take(), [], "the rest is read and dropped")
        announced.sequencer.receiveEnd()
        XCTAssertEqual(announced.take(), ["close"], "closed once the body ended")

        let arriving = Connection()
        arriving.sequencer.receiveHead("/small", facts: .init())
        arriving.sequencer.receiveBody(Array("123".utf8))
        XCTAssertEqual(arriving.take(), [])
        arriving.sequencer.receiveBody(Array("45".utf8))
        XCTAssertEqual(arriving.take(), ["refuse 413 over 4"])
        arriving.sequencer.receiveHead("/local", facts: .init())
        arriving.sequencer.inputClosed()
        XCTAssertEqual(arriving.take(), ["close"], "nothing more is served; the client's close ends the linger")
    }

    func testExpectContinueGetsTheGoAheadOrAFinalAnswerAndTheClose() {
        let connection = Connection()
        connection.sequencer.receiveHead("/v1", facts: .init(expectsContinue: true, announcedLength: 2))
        XCTAssertEqual(connection.take(), ["100"])
        connection.sequencer.receiveBody(Array("ok".utf8))
        connection.sequencer.receiveEnd()
        XCTAssertEqual(connection.take(), ["proxy /v1 ok"])

        let refused = Connection()
        refused.sequencer.receiveHead("/local", facts: .init(expectsContinue: true))
        XCTAssertEqual(refused.take(), ["answer local, then close"])
        refused.sequencer.receiveHead("/v1", facts: .init())
        XCTAssertEqual(refused.take(), [], "nothing after it is served")
    }

    func testConnectionCloseEndsTheConnectionOnceTheRequestIsAnswered() {
        let local = Connection()
        local.request("/local", facts: .init(asksToClose: true))
        XCTAssertEqual(local.take(), ["answer local", "close"])

        let proxied = Connection()
        proxied.request("/v1", "x", facts: .init(asksToClose: true))
        proxied.request("/local")
        XCTAssertEqual(proxied.take(), ["proxy /v1 x"])
        proxied.sequencer.answerEnded()
        XCTAssertEqual(proxied.take(), ["close"], "the request queued behind it is not served")
    }

    func testTheClientsEndOfInputClosesOnceEverythingItSentIsAnswered() {
        let idle = Connection()
        idle.request("/local")
        idle.sequencer.inputClosed()
        XCTAssertEqual(idle.take(), ["answer local", "close"])

        let busy = Connection()
        busy.request("/v1", "x")
        busy.request("/local")
        busy.sequencer.inputClosed()
        XCTAssertEqual(busy.take(), ["proxy /v1 x"], "its answer and the queued one are still owed")
        busy.sequencer.answerEnded()
        XCTAssertEqual(busy.take(), ["answer local", "close"])
    }

    func testAFailedAnswerClosesTheConnectionOnce() {
        let connection = Connection()
        connection.request("/v1", "x")
        connection.request("/local")
        _ = connection.take()
        connection.sequencer.answerFailed()
        connection.sequencer.inputClosed()
        XCTAssertEqual(connection.take(), ["close"])
        XCTAssertTrue(connection.sequencer.closed)
    }

    func testPartsOutOfOrderCloseTheConnection() {
        let connection = Connection()
        connection.sequencer.receiveBody(Array("no head".utf8))
        XCTAssertEqual(connection.take(), ["close"])
    }
}
