import AgentCore
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension SubprocessAgent {
    /// Runs the command once (see the type's documentation for how the outcome is decided).
    /// - Parameters:
    ///   - request: The request (its parameters are not passed to the command).
    ///   - context: Run id, clock and deadline, logging.
    /// - Returns: The outcome, with counters (`exitStatus` or `signal`, `stdoutBytes`, `stderrBytes`), the log
    ///   files as artifacts and the log directory as `outputsURI`.
    /// - Throws: ``SubprocessError`` when the command cannot be started, ``AgentCore/AgentFailure`` for a rate
    ///   limit with a retry-after, `CancellationError` when the run was cancelled before its deadline.
    public func run(_ request: AgentRunRequest, context: AgentRunContext) async throws -> AgentRunResult {
        try Task.checkCancellation()
        let redactor = SecretRedactor(secrets: secretValues)
        let environment = configuration.environment.resolved(parent: parentEnvironment)
        let directory = logDirectory(for: context.runID)
        let startedAt = context.clock.now
        var report = initialReport(redactor: redactor)
        var provisional = RunRecord(id: context.runID, request: request, status: .running, queuedAt: startedAt)
        provisional.startedAt = Timestamp.roundedToMilliseconds(startedAt)

        let launched: Launched
        do {
            launched = try await BlockingIO.perform { [configuration, report, provisional] () throws -> Launched in
                try Self.launch(
                    configuration: configuration, environment: environment, directory: directory, report: report,
                    provisional: provisional, redactor: redactor)
            }
        } catch let error as SubprocessError {
            let redacted = SubprocessError(
                error.code, redactor.redact(error.message), failureClass: error.failureClass)
            await recordLaunchFailure(redacted, provisional: provisional, report: report, redactor: redactor)
            throw redacted
        }
        report.command[0] = redactor.redact(launched.path)
        report.processID = launched.pid
        let startLine = redactor.redact(
            "started pid \(launched.pid): " + report.command.map(RunLogDirectory.shellQuoted).joined(separator: " "))
        context.log(startLine)

        let signals = SignalQueue<ProcessSignal>()
        ProcessExit.waitOnThread(for: launched.pid) { signals.deliver(.exited($0)) }
        OutputCapture.start(
            OutputCapture.Setup(
                stdoutPipe: launched.stdoutPipe, stderrPipe: launched.stderrPipe, stdoutFile: launched.stdoutFile,
                stderrFile: launched.stderrFile, control: launched.controlRead,
                limit: Int64(configuration.maximumOutputBytes), redactor: redactor, classifier: classifier,
                headLines: configuration.excerptHeadLines, tailLines: configuration.excerptTailLines,
                logHeadLine: { context.log($0) }, transcriptFile: launched.transcriptFile)
        ) { signals.deliver(.outputFinished($0)) }

        let supervision = await supervise(
            group: launched.pid, controlWrite: launched.controlWrite, signals: signals, context: context)
        ProcessLauncher.close(launched.controlRead)
        ProcessLauncher.close(launched.controlWrite)

        let endedAt = context.clock.now
        let output = supervision.output
        report.exitStatus = supervision.exit.exitStatus
        report.signal = supervision.exit.signal
        report.signalName = supervision.exit.signal.map(ProcessExit.name(ofSignal:))
        report.stoppedBecause = supervision.stopReason?.rawValue
        report.killedAfterGracePeriod = supervision.killed
        report.terminatedLeftoverProcesses = supervision.leftovers
        report.stdout = output.stdout
        report.stderr = output.stderr
        report.durationSeconds = (endedAt.timeIntervalSince(startedAt) * 1000).rounded() / 1000

        let timedOut = supervision.stopReason == .timeout
        var result = decide(
            supervision: supervision, report: &report, timedOut: timedOut,
            elapsed: endedAt.timeIntervalSince(startedAt))
        result.counters = counters(report)
        result.artifacts = [
            RunArtifact(name: RunLogDirectory.stdoutFileName, uri: directory.stdoutURL.absoluteString),
            RunArtifact(name: RunLogDirectory.stderrFileName, uri: directory.stderrURL.absoluteString),
            RunArtifact(name: RunLogDirectory.metadataFileName, uri: directory.metadataURL.absoluteString),
        ]
        if configuration.writesTranscript {
            result.artifacts.append(
                RunArtifact(name: RunLogDirectory.transcriptFileName, uri: directory.transcriptURL.absoluteString))
        }
        if result.outcome != .awaitingApproval { result.outputsURI = directory.url.absoluteString }
        result.warnings = output.warnings
        if supervision.leftovers {
            result.warnings.append(
                "the command left processes running in its process group; they were terminated (SIGTERM\(supervision.killed ? ", then SIGKILL" : ""))"
            )
        }

        var excerpt = [startLine] + output.headLines
        if output.omittedLines > 0 { excerpt.append("… \(output.omittedLines) line(s) omitted …") }
        excerpt += output.tailLines
        let endLine =
            "\(report.endDescription) after \(RunLogDirectory.seconds(endedAt.timeIntervalSince(startedAt))); stdout \(output.stdout.bytesReceived) bytes, stderr \(output.stderr.bytesReceived) bytes"
        for line in excerpt.dropFirst(1 + output.headLines.count) { context.log(line) }
        context.log(endLine, level: result.outcome == .succeeded ? "info" : "error")
        excerpt.append(endLine)

        var finished = provisional
        finished.logExcerpt = excerpt
        apply(result, to: &finished, endedAt: endedAt, cancelled: supervision.stopReason == .cancelled)
        let metadata = RunLogMetadata(record: finished, process: report, recordIsFinal: false)
        do {
            _ = try await BlockingIO.perform { try directory.write(metadata, redactor: redactor) }
        } catch {
            result.warnings.append("\(error)")
        }

        if supervision.stopReason == .cancelled { throw CancellationError() }
        return result
    }

    private func initialReport(redactor: SecretRedactor) -> SubprocessReport {
        var overrides: [String: String?] = [:]
        for (name, value) in configuration.environment.overrides {
            overrides[name] =
                configuration.environment.secretNames.contains(name)
                ? SubprocessEnvironment.redactionMarker : redactor.redact(value)
        }
        for name in configuration.environment.removals where configuration.environment.overrides[name] == nil {
            overrides[name] = .some(nil)
        }
        return SubprocessReport(
            command: ([configuration.executable] + configuration.arguments).map(redactor.redact),
            workingDirectory: configuration.workingDirectory?.path, environmentOverrides: overrides,
            inheritsEnvironment: configuration.environment.inheritsParent)
    }

    /// Leaves a failed `metadata.json` behind when the command could not be started (if the directory exists).
    private func recordLaunchFailure(
        _ error: any Error, provisional: RunRecord, report: SubprocessReport, redactor: SecretRedactor
    ) async {
        let directory = logDirectory(for: provisional.id)
        var record = provisional
        record.status = .failed
        record.errorClass = (error as? any ClassifiedError)?.failureClass ?? .transient
        record.errorMessage = redactor.redact(String(describing: error))
        let metadata = RunLogMetadata(record: record, process: report, recordIsFinal: false)
        _ = try? await BlockingIO.perform { () throws -> Bool in
            guard directory.exists else { return false }
            return try directory.write(metadata, redactor: redactor)
        }
    }

    private func counters(_ report: SubprocessReport) -> [String: Int64] {
        var counters: [String: Int64] = [
            "stdoutBytes": report.stdout.bytesReceived, "stderrBytes": report.stderr.bytesReceived,
        ]
        if let status = report.exitStatus { counters["exitStatus"] = Int64(status) }
        if let signal = report.signal { counters["signal"] = Int64(signal) }
        return counters
    }

    /// Fills the provisional record with the agent's view of the outcome.
    private func apply(_ result: AgentRunResult, to record: inout RunRecord, endedAt: Date, cancelled: Bool) {
        record.endedAt = Timestamp.roundedToMilliseconds(endedAt)
        record.apply(result)
        if cancelled {
            record.status = .cancelled
            record.errorClass = .cancelled
            record.errorMessage = "cancelled; the process group was stopped"
        }
    }
}

extension SubprocessAgent {
    /// A started process and the descriptors that belong to it.
    struct Launched: Sendable {
        let pid: pid_t
        let path: String
        let stdoutPipe: Int32
        let stderrPipe: Int32
        let stdoutFile: Int32
        let stderrFile: Int32
        let controlRead: Int32
        let controlWrite: Int32
        /// The transcript file, or -1 when none is written.
        var transcriptFile: Int32 = -1
    }

    /// Creates the log directory and files, writes the first `metadata.json`, and starts the command.
    /// Runs on the blocking-I/O queue. Every descriptor is closed again if anything fails.
    static func launch(
        configuration: SubprocessConfiguration, environment: [String: String], directory: RunLogDirectory,
        report: SubprocessReport, provisional: RunRecord, redactor: SecretRedactor
    ) throws(SubprocessError) -> Launched {
        let workingDirectory = configuration.workingDirectory?.path
        if let workingDirectory {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: workingDirectory, isDirectory: &isDirectory),
                isDirectory.boolValue
            else {
                throw SubprocessError(
                    .workingDirectoryNotFound,
                    "the working directory \(workingDirectory) does not exist or is not a directory; create it or fix workingDirectory"
                )
            }
        }
        try directory.create()
        var opened: [Int32] = []
        func track(_ descriptor: Int32) -> Int32 {
            opened.append(descriptor)
            return descriptor
        }
        do throws(SubprocessError) {
            let stdoutFile = track(try directory.openLogFile(RunLogDirectory.stdoutFileName))
            let stderrFile = track(try directory.openLogFile(RunLogDirectory.stderrFileName))
            let transcriptFile =
                configuration.writesTranscript
                ? track(try directory.openLogFile(RunLogDirectory.transcriptFileName)) : -1
            var standardInput: Int32?
            if let input = configuration.standardInput {
                let descriptor = open(input.path, O_RDONLY | O_CLOEXEC)
                guard descriptor >= 0 else {
                    throw SubprocessError(
                        .invalidConfiguration,
                        "cannot open \(input.path) for the command's standard input: \(String(cString: strerror(errno)))"
                    )
                }
                standardInput = track(descriptor)
            }
            _ = try directory.write(
                RunLogMetadata(record: provisional, process: report, recordIsFinal: false), redactor: redactor)
            let path = try ProcessLauncher.resolveExecutable(
                configuration.executable, environment: environment, workingDirectory: workingDirectory)
            let stdoutPipe = try ProcessLauncher.makePipe()
            _ = track(stdoutPipe.read)
            _ = track(stdoutPipe.write)
            let stderrPipe = try ProcessLauncher.makePipe()
            _ = track(stderrPipe.read)
            _ = track(stderrPipe.write)
            let control = try ProcessLauncher.makePipe()
            _ = track(control.read)
            _ = track(control.write)
            let pid = try ProcessLauncher.spawn(
                path: path, arguments: [configuration.executable] + configuration.arguments,
                environment: environment, workingDirectory: workingDirectory, stdin: standardInput,
                stdout: stdoutPipe.write, stderr: stderrPipe.write)
            if let standardInput { ProcessLauncher.close(standardInput) }
            ProcessLauncher.close(stdoutPipe.write)
            ProcessLauncher.close(stderrPipe.write)
            return Launched(
                pid: pid, path: path, stdoutPipe: stdoutPipe.read, stderrPipe: stderrPipe.read, stdoutFile: stdoutFile,
                stderrFile: stderrFile, controlRead: control.read, controlWrite: control.write,
                transcriptFile: transcriptFile)
        } catch {
            for descriptor in opened { ProcessLauncher.close(descriptor) }
            throw error
        }
    }
}
