import Foundation
import HTTPServer
import Synchronization

/// Server-Sent Events (HTML Living Standard §9.2) as every streaming route writes them: the response head and the
/// `data:` framing, in one place.
enum ServerSentEvents {
    /// A 200 `text/event-stream` response whose body is `stream`.
    static func response(_ stream: HTTPBodyStream) -> HTTPResponse {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "text/event-stream; charset=utf-8")
        headers.add(name: "Cache-Control", value: "no-cache")
        return HTTPResponse(status: .ok, headers: headers, stream: stream)
    }

    /// One event carrying `payload` as its data.
    static func event(_ payload: Data) -> Data {
        Data("data: ".utf8) + payload + Data("\n\n".utf8)
    }

    /// The OpenAI-style end of a stream.
    static let done = Data("[DONE]".utf8)
}

/// A streamed answer that starts with its first event, so that a request refused before any output (overloaded, bad
/// values) still gets a plain JSON error with its status; a failure after that becomes an event.
final class LazyEventStream: Sendable {
    let body = HTTPBodyStream()
    private let started = Mutex(false)

    var hasStarted: Bool { started.withLock { $0 } }

    /// True once the client has gone (the stream was started and is closed): the producer should stop.
    var isAbandoned: Bool { hasStarted && !body.isOpen }

    /// Hands the 200 head to `respond` on the first call only; returns whether this call was the first.
    @discardableResult
    func start(_ respond: (HTTPResponse) -> Void) -> Bool {
        let first = started.withLock { value -> Bool in
            defer { value = true }
            return !value
        }
        if first { respond(ServerSentEvents.response(body)) }
        return first
    }

    /// A closed stream means the client left; the producer's cancellation check stops it at the next step.
    func send(_ payload: Data) {
        try? body.write(ServerSentEvents.event(payload))
    }

    /// `[DONE]` and the end of the body.
    func end() {
        send(ServerSentEvents.done)
        body.finish()
    }
}
