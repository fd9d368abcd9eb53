import Foundation
import Testing
@testable import Scoring

private func settingsDirectory(_ json: String) throws -> URL {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("rampart-settings-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    try Data(json.utf8).write(to: directory.appendingPathComponent("rampart.json"))
    return directory
}

@Test func guardSettings_readsBothThresholds() throws {
    let directory = try settingsDirectory(#"{"max_length": 128, "threshold": 0.99, "pair_threshold": 0.6}"#)
    defer { try? FileManager.default.removeItem(at: directory) }
    let settings = try GuardSettings.load(fromModelDirectory: directory)
    #expect(settings.threshold == 0.99)
    #expect(settings.pairThreshold == 0.6)
    #expect(settings.maxLength == 128)
}

@Test func guardSettings_pairThresholdOutsideTheUnitIntervalNamesTheFile() throws {
    let directory = try settingsDirectory(#"{"threshold": 0.5, "pair_threshold": 1.5}"#)
    defer { try? FileManager.default.removeItem(at: directory) }
    do {
        _ = try GuardSettings.load(fromModelDirectory: directory)
        Issue.record("a pair_threshold of 1.5 was accepted")
    } catch let ScoringError.invalidModel(file, reason) {
        #expect(file.hasSuffix("rampart.json"))
        #expect(reason.contains("pair_threshold"))
    }
}

@Test func guardSettings_missingFileMeansDefaults() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("rampart-settings-\(UUID().uuidString)")
    #expect(try GuardSettings.load(fromModelDirectory: directory) == GuardSettings())
}
