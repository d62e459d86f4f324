import Foundation

/// The README's rule for `HOLDFAST_WORKERS`, checked at start against the host's nginx.
///
/// Each upstream connection nginx keeps open (`keepalive` in the `holdfast_fcgi` upstream, per nginx worker
/// process) pins one responder worker while it idles, and each request that calls an exchange holds one for
/// seconds (up to `HOLDFAST_EXCHANGE_CONCURRENCY` at once). With fewer workers than both together, requests
/// queue behind idle kept connections. `worker_processes auto` is one process per CPU, so a 6-core VPS keeps
/// 6 × 16 = 96 connections: every one of the default 96 workers. The responder only warns: it still serves,
/// and only the operator can choose between more workers and fewer nginx processes.
public enum WorkerCapacity {
    /// The upstream keepalive the shipped `holdfast-http.conf` sets, assumed when the file cannot be read.
    public static let shippedKeepalive = 16

    /// The smallest `HOLDFAST_WORKERS` the rule allows: more than `workerProcesses × keepalive` kept
    /// connections plus `exchangeConcurrency` requests in flight.
    public static func minimumWorkers(workerProcesses: Int, keepalive: Int, exchangeConcurrency: Int) -> Int {
        workerProcesses * keepalive + exchangeConcurrency + 1
    }

    /// nginx's worker process count from the text of its main configuration: the `worker_processes`
    /// directive (`auto` = `cpuCount`), 1 (nginx's default) when absent, nil when the value is not understood.
    /// Comments are not directives.
    public static func workerProcesses(mainConfiguration text: String, cpuCount: Int) -> Int? {
        guard let value = directive("worker_processes", in: text) else { return 1 }
        if value == "auto" { return max(1, cpuCount) }
        return Int(value).flatMap { $0 >= 1 ? $0 : nil }
    }

    /// The `keepalive` of the `holdfast_fcgi` upstream in the text of Holdfast's nginx http configuration, or
    /// nil when there is no such upstream or no keepalive in it.
    public static func keepalive(upstreamConfiguration text: String) -> Int? {
        let code = uncommented(text)
        guard let start = code.range(of: #"upstream\s+holdfast_fcgi\s*\{"#, options: .regularExpression),
              let end = code[start.upperBound...].firstIndex(of: "}") else { return nil }
        return directive("keepalive", in: String(code[start.upperBound..<end])).flatMap { Int($0) }
    }

    /// The warning to log when `workers` falls short of the rule, else nil. `mainConfiguration` nil (nginx's
    /// main file unreadable or missing) means nothing can be checked; `upstreamConfiguration` nil means the
    /// shipped keepalive is assumed.
    public static func advice(workers: Int, exchangeConcurrency: Int, mainConfiguration: String?, mainPath: String,
                              upstreamConfiguration: String?, cpuCount: Int) -> String? {
        guard let mainConfiguration,
              let processes = workerProcesses(mainConfiguration: mainConfiguration, cpuCount: cpuCount) else { return nil }
        let kept = upstreamConfiguration.flatMap { keepalive(upstreamConfiguration: $0) } ?? shippedKeepalive
        let minimum = minimumWorkers(workerProcesses: processes, keepalive: kept, exchangeConcurrency: exchangeConcurrency)
        guard workers < minimum else { return nil }
        return "HOLDFAST_WORKERS is \(workers), but nginx (\(mainPath)) runs \(processes) worker process"
            + "\(processes == 1 ? "" : "es") keeping up to \(kept) upstream connections each (\(processes * kept) in all) and "
            + "HOLDFAST_EXCHANGE_CONCURRENCY allows \(exchangeConcurrency) exchange requests at once: requests will queue. "
            + "Set HOLDFAST_WORKERS=\(minimum) or more in /etc/holdfast/holdfast.env (or lower worker_processes in "
            + "\(mainPath)), then restart holdfast-fcgi."
    }

    /// `advice` for this host: nginx's files from `configuration.nginx` (`HOLDFAST_NGINX_CONF`,
    /// `HOLDFAST_NGINX_UPSTREAM_CONF`).
    public static func advice(configuration: Configuration) -> String? {
        let mainPath = configuration.nginx.mainPath, upstreamPath = configuration.nginx.upstreamPath
        return advice(workers: configuration.workerCount, exchangeConcurrency: configuration.exchangeConcurrency,
                      mainConfiguration: try? String(contentsOfFile: mainPath, encoding: .utf8), mainPath: mainPath,
                      upstreamConfiguration: try? String(contentsOfFile: upstreamPath, encoding: .utf8),
                      cpuCount: ProcessInfo.processInfo.activeProcessorCount)
    }

    /// The value of the last `name value;` directive in `text` (outside comments), if any.
    static func directive(_ name: String, in text: String) -> String? {
        var value: String?
        for statement in uncommented(text).split(whereSeparator: { $0 == ";" || $0 == "{" || $0 == "}" }) {
            let words = statement.split(whereSeparator: \.isWhitespace)
            if words.count == 2, words[0] == name { value = String(words[1]) }
        }
        return value
    }

    /// `text` without `#` comments (nginx has no `#` inside the directives read here).
    static func uncommented(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false)
            .map { line in line.firstIndex(of: "#").map { line[..<$0] } ?? line }
            .joined(separator: "\n")
    }
}
