import Testing
@testable import App

/// The README's rule: workers > nginx worker processes × upstream keepalive + exchange requests in flight.
struct WorkerCapacityTests {
    let upstream = """
        upstream holdfast_fcgi {
            server unix:/run/holdfast/fcgi.sock;
            # keepalive 99; (a comment is not a setting)
            keepalive 16;
        }
        keepalive_timeout 15s;
        """

    func advice(workers: Int = 96, main: String?, upstream: String? = nil, cores: Int) -> String? {
        WorkerCapacity.advice(workers: workers, exchangeConcurrency: 32, mainConfiguration: main, mainPath: "/etc/nginx/nginx.conf",
                              upstreamConfiguration: upstream ?? self.upstream, cpuCount: cores)
    }

    @Test func autoOnSixCoresWarnsWithWhatToSet() throws {
        let warning = try #require(advice(main: "user www-data;\nworker_processes auto;\nevents { worker_connections 768; }\n", cores: 6))
        #expect(warning.contains("6 worker processes"))
        #expect(warning.contains("HOLDFAST_WORKERS=129"))  // 6 × 16 + 32 + 1
        #expect(advice(workers: 129, main: "worker_processes auto;", cores: 6) == nil)
    }

    @Test func autoOnTwoCoresWithTheDefaultsIsFine() {
        #expect(advice(main: "worker_processes auto;", cores: 2) == nil)
    }

    @Test func explicitNumbersWinOverTheCPUCount() {
        #expect(advice(main: "worker_processes 2;", cores: 64) == nil)
        #expect(advice(main: "worker_processes 8;", cores: 1)?.contains("HOLDFAST_WORKERS=161") == true)
    }

    @Test func commentsAreNotSettings() {
        #expect(advice(main: "# worker_processes 32;\nworker_processes 1;  # was auto\n", cores: 64) == nil)
        #expect(WorkerCapacity.workerProcesses(mainConfiguration: "#worker_processes 9;", cpuCount: 4) == 1)
    }

    @Test func theUpstreamKeepaliveIsRead() {
        #expect(WorkerCapacity.keepalive(upstreamConfiguration: upstream) == 16)
        let bigger = upstream.replacingOccurrences(of: "keepalive 16;", with: "keepalive 64;")
        #expect(advice(main: "worker_processes 2;", upstream: bigger, cores: 2)?.contains("HOLDFAST_WORKERS=161") == true)
        #expect(WorkerCapacity.keepalive(upstreamConfiguration: "keepalive 8;") == nil)  // not in the upstream
    }

    @Test func missingOrUnreadableFilesCheckNothingOrAssumeTheShippedKeepalive() {
        #expect(advice(main: nil, cores: 64) == nil)
        #expect(WorkerCapacity.advice(workers: 96, exchangeConcurrency: 32, mainConfiguration: "worker_processes 6;",
                                      mainPath: "x", upstreamConfiguration: nil, cpuCount: 1)?.contains("HOLDFAST_WORKERS=129") == true)
        #expect(advice(main: "worker_processes lots;", cores: 64) == nil)
    }
}
