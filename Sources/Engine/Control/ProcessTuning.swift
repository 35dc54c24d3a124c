import CCurl

/// Process-wide settings made once at start.
public enum ProcessTuning {
    /// Keeps peak memory near what is in use: see `ls_tune_malloc` in the C shim.
    public static func apply() {
        ls_tune_malloc()
    }
}
