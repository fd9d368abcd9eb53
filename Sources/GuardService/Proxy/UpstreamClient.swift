import Dispatch
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Synchronization

/// Why an upstream exchange failed before it completed.
enum UpstreamFailure: Error, Sendable, Equatable {
    /// DNS, a refused or reset connection (502).
    case unreachable(String)
    /// The connect timeout or the silence timeout passed (504).
    case timedOut(String)
    /// We cancelled it (the client left, or the output rail blocked).
    case cancelled
}

/// What one upstream exchange reports, in order, on the client's serial delegate queue: the response head, body
/// bytes as they arrive, then exactly one completion.
struct UpstreamHandler: Sendable {
    var onResponse: @Sendable (_ status: Int, _ contentType: String?) -> Void
    var onData: @Sendable (Data) -> Void
    var onComplete: @Sendable (UpstreamFailure?) -> Void
}

/// The HTTP client of proxy mode: FoundationNetworking's URLSession (libcurl's multi interface on its own thread)
/// with a data delegate, so bytes stream in as they arrive and nothing blocks an event loop. Timeouts are kept
/// here rather than by URLSession, whose request timeout counts whole seconds and is not a connect timeout:
/// the connect timer stops once the request body has been handed to the socket (which needs a connection), the
/// silence timer restarts with every received chunk.
final class UpstreamClient: Sendable {
    private let session: URLSession
    private let router: UpstreamRouter

    init() {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = 24 * 3600 // our own timers decide
        configuration.timeoutIntervalForResource = 24 * 3600
        configuration.httpMaximumConnectionsPerHost = 256
        configuration.urlCache = nil
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        configuration.httpShouldSetCookies = false
        configuration.httpCookieStorage = nil
        let queue = OperationQueue()
        queue.name = "rampart.upstream"
        queue.maxConcurrentOperationCount = 1 // one task's callbacks must not overtake each other
        router = UpstreamRouter()
        session = URLSession(configuration: configuration, delegate: router, delegateQueue: queue)
    }

    /// Starts `request`; the returned call cancels it.
    func start(_ request: URLRequest, connectTimeout: Duration, silenceTimeout: Duration,
               handler: UpstreamHandler) -> UpstreamCall {
        let task = session.dataTask(with: request)
        let call = UpstreamCall(task: task, handler: handler, silenceTimeout: silenceTimeout)
        router.register(call, for: task.taskIdentifier)
        call.arm(connectTimeout: connectTimeout)
        task.resume()
        return call
    }
}

/// One upstream exchange in flight.
final class UpstreamCall: @unchecked Sendable {
    // @unchecked: `task` (URLSessionTask) and the Dispatch timers are thread-safe to cancel and reschedule; all
    // other mutable state is in `state`.
    private struct State {
        var failure: UpstreamFailure?
        var isCompleted = false
    }

    private let task: URLSessionTask
    let handler: UpstreamHandler
    private let silenceTimeout: Duration
    private let state = Mutex(State())
    private let connectTimer = DispatchSource.makeTimerSource(queue: .global())
    private let silenceTimer = DispatchSource.makeTimerSource(queue: .global())

    fileprivate init(task: URLSessionTask, handler: UpstreamHandler, silenceTimeout: Duration) {
        self.task = task
        self.handler = handler
        self.silenceTimeout = silenceTimeout
    }

    /// Cancels the exchange (the connection is closed); the completion reports `cancelled`.
    func cancel() { fail(.cancelled) }

    fileprivate func arm(connectTimeout: Duration) {
        let silenceTimeout = silenceTimeout
        connectTimer.setEventHandler { [weak self] in
            self?.fail(.timedOut("no connection to the upstream within \(Self.seconds(connectTimeout)) s"))
        }
        silenceTimer.setEventHandler { [weak self] in
            self?.fail(.timedOut("the upstream sent nothing for \(Self.seconds(silenceTimeout)) s"))
        }
        connectTimer.schedule(deadline: .now() + Self.dispatchInterval(connectTimeout))
        silenceTimer.schedule(deadline: .now() + Self.dispatchInterval(silenceTimeout))
        connectTimer.resume()
        silenceTimer.resume()
    }

    /// The request went out, so the connection is up.
    fileprivate func didConnect() { connectTimer.cancel() }

    /// Something arrived: the silence timer starts over.
    fileprivate func didHear() {
        connectTimer.cancel()
        silenceTimer.schedule(deadline: .now() + Self.dispatchInterval(silenceTimeout))
    }

    private func fail(_ failure: UpstreamFailure) {
        let first = state.withLock { state -> Bool in
            guard state.failure == nil, !state.isCompleted else { return false }
            state.failure = failure
            return true
        }
        if first { task.cancel() }
    }

    /// URLSession finished the task: report once, with our own reason when we ended it.
    fileprivate func complete(error: (any Error)?) {
        connectTimer.cancel()
        silenceTimer.cancel()
        let failure = state.withLock { state -> UpstreamFailure? in
            state.isCompleted = true
            if let failure = state.failure { return failure }
            return error.map { .unreachable(Self.describe($0)) }
        }
        handler.onComplete(failure)
    }

    private static func describe(_ error: any Error) -> String {
        if let url = error as? URLError {
            switch url.code {
            case .cannotConnectToHost: return "connection refused"
            case .cannotFindHost, .dnsLookupFailed: return "cannot resolve the upstream host"
            case .networkConnectionLost: return "the upstream closed the connection"
            case .timedOut: return "timed out"
            default: return "\(url.code.rawValue): \(url.localizedDescription)"
            }
        }
        return "\(error)"
    }

    private static func dispatchInterval(_ duration: Duration) -> DispatchTimeInterval {
        .nanoseconds(Int(duration.components.seconds) * 1_000_000_000 + Int(duration.components.attoseconds / 1_000_000_000))
    }

    private static func seconds(_ duration: Duration) -> String {
        let value = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        return String(format: "%g", value)
    }
}

/// URLSession's delegate: routes each task's callbacks to its call.
private final class UpstreamRouter: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    // @unchecked: NSObject subclass; the only state is the Mutex-protected table.
    private let calls = Mutex<[Int: UpstreamCall]>([:])

    func register(_ call: UpstreamCall, for identifier: Int) {
        calls.withLock { $0[identifier] = call }
    }

    private func call(_ task: URLSessionTask) -> UpstreamCall? { calls.withLock { $0[task.taskIdentifier] } }

    func urlSession(_ session: URLSession, task: URLSessionTask, didSendBodyData bytesSent: Int64,
                    totalBytesSent: Int64, totalBytesExpectedToSend: Int64) {
        call(task)?.didConnect()
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
                    completionHandler: @escaping (URLSession.ResponseDisposition) -> Void) {
        if let call = call(dataTask) {
            call.didHear()
            let http = response as? HTTPURLResponse
            call.handler.onResponse(http?.statusCode ?? 0, http?.value(forHTTPHeaderField: "Content-Type"))
        }
        completionHandler(.allow)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        guard let call = call(dataTask) else { return }
        call.didHear()
        call.handler.onData(data)
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?) {
        let call = calls.withLock { $0.removeValue(forKey: task.taskIdentifier) }
        call?.complete(error: error)
    }
}
