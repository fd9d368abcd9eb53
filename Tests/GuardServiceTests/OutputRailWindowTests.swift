import Testing
@testable import GuardService

@Suite struct OutputRailWindowTests {
    @Test func window_isDueEveryIntervalCharacters() {
        var window = OutputRailWindow(interval: 10, overlap: 4)
        window.append("12345")
        #expect(!window.isDue(atEnd: false))
        window.append("67890")
        #expect(window.isDue(atEnd: false))
        let first = window.begin()
        #expect(first == .init(text: "1234567890", start: 0, end: 10))
        #expect(!window.isDue(atEnd: false))
    }

    @Test func window_repeatsTheOverlap_beforeTheNewText() {
        var window = OutputRailWindow(interval: 5, overlap: 3)
        window.append("abcde")
        _ = window.begin()
        window.append("fghij")
        #expect(window.begin() == .init(text: "cdefghij", start: 2, end: 10))
    }

    @Test func window_atTheEnd_anyUncheckedTextIsDue_butNothingTwice() {
        var window = OutputRailWindow(interval: 100, overlap: 2)
        #expect(!window.isDue(atEnd: true)) // an empty answer needs no check
        window.append("short")
        #expect(!window.isDue(atEnd: false))
        #expect(window.isDue(atEnd: true))
        #expect(window.begin() == .init(text: "short", start: 0, end: 5))
        #expect(!window.isDue(atEnd: true))
        #expect(window.checks == 1)
    }

    @Test func window_aLateCheckTakesEverythingThatArrived() {
        // A slow scorer: text keeps arriving while a check runs; the next check takes all of it at once.
        var window = OutputRailWindow(interval: 4, overlap: 1)
        window.append("aaaa")
        _ = window.begin()
        for _ in 0 ..< 5 { window.append("bbbb") }
        let next = window.begin()
        #expect(next.start == 3 && next.end == 24)
        #expect(next.text == "a" + String(repeating: "bbbb", count: 5))
    }

    @Test func window_countsUnicodeScalars_andNeverSplitsOne() {
        var window = OutputRailWindow(interval: 3, overlap: 2)
        window.append("héé")
        _ = window.begin()
        window.append("🙂x👍")
        #expect(window.begin() == .init(text: "éé🙂x👍", start: 1, end: 6))
    }

    @Test func window_overlapLongerThanTheText_startsAtZero() {
        var window = OutputRailWindow(interval: 2, overlap: 50)
        window.append("ab")
        _ = window.begin()
        window.append("cd")
        #expect(window.begin() == .init(text: "abcd", start: 0, end: 4))
    }
}

@Suite struct OutputRailSegmentsTests {
    @Test func segments_cutAWholeAnswerLikeAStream() {
        let segments = OutputRailWindow.segments(of: "abcdefghij", interval: 4, overlap: 2, limit: 10)
        #expect(segments.map(\.text) == ["abcd", "cdefgh", "ghij"])
        #expect(segments.map(\.start) == [0, 2, 6])
        #expect(segments.last?.end == 10)
    }

    @Test func segments_pastTheLimit_theLastTakesTheRest() {
        let segments = OutputRailWindow.segments(of: String(repeating: "x", count: 100), interval: 10, overlap: 5, limit: 3)
        #expect(segments.count == 3)
        #expect(segments[2].start == 15 && segments[2].end == 100)
    }

    @Test func segments_ofNothingAreNone() {
        #expect(OutputRailWindow.segments(of: "", interval: 10, overlap: 5, limit: 3).isEmpty)
    }
}
