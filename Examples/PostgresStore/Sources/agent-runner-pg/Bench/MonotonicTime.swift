import Foundation

/// The system's monotonic clock, which every process of the machine reads alike: the benchmark's processes compare
/// their moments with it to microseconds, where the database's timestamps of a request keep milliseconds.
enum MonotonicTime {
    /// Nanoseconds since an arbitrary moment, the same in every process of the machine.
    static func nanoseconds() -> Int64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Int64(time.tv_sec) * 1_000_000_000 + Int64(time.tv_nsec)
    }
}
