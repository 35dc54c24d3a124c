import CMalloc

/// Process-wide settings made once at start.
public enum ProcessTuning {
    /// Keeps peak memory near what is in use: see `ls_tune_malloc` in the C shim.
    public static func apply() {
        ls_tune_malloc()
    }

    /// After a burst (a backfill window, a reconcile round) the heap keeps what it used for
    /// reuse; once the work is over, that memory goes back to the system.
    static func releaseFreeMemory() {
        ls_release_free_memory()
    }
}
