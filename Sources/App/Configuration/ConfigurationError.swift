/// A setting that is missing or unusable; the message names the setting so the operator knows what to fix,
/// and never repeats its value (it may be a secret).
public struct ConfigurationError: Error, CustomStringConvertible, Equatable {
    /// The environment variable at fault, e.g. `HOLDFAST_WORKERS`.
    public let setting: String
    /// What is wrong with it, as the rest of a sentence that starts with the setting's name.
    public let problem: String
    /// "`setting` `problem`", the line an operator reads in the journal.
    public var description: String { "\(setting) \(problem)" }

    public init(setting: String, problem: String) {
        self.setting = setting
        self.problem = problem
    }
}
