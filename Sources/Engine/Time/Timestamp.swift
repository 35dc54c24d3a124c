/// RFC 3339 formatting and parsing in UTC, without Foundation's formatters, which are
/// slow and allocate on every call.
public enum Timestamp {
    /// `2024-05-01T12:34:56.789Z`: always millisecond precision, always UTC.
    public static func format(_ millis: EpochMillis) -> String {
        var writer = JSONWriter(capacity: 24)
        append(millis, to: &writer.bytes)
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    public static func append(_ millis: EpochMillis, to out: inout [UInt8]) {
        let days = floorDiv(millis, 86_400_000)
        let msOfDay = millis - days * 86_400_000
        let (year, month, day) = civil(fromDays: days)
        // Filled in place and appended once: two of these go into every document.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 24) { text in
            func digits(_ value: Int64, _ width: Int, at offset: Int) {
                var rest = max(0, value)
                for position in stride(from: offset + width - 1, through: offset, by: -1) {
                    text[position] = UInt8(ascii: "0") + UInt8(rest % 10)
                    rest /= 10
                }
            }
            digits(year, 4, at: 0)
            text[4] = UInt8(ascii: "-")
            digits(month, 2, at: 5)
            text[7] = UInt8(ascii: "-")
            digits(day, 2, at: 8)
            text[10] = UInt8(ascii: "T")
            digits(msOfDay / 3_600_000, 2, at: 11)
            text[13] = UInt8(ascii: ":")
            digits(msOfDay / 60_000 % 60, 2, at: 14)
            text[16] = UInt8(ascii: ":")
            digits(msOfDay / 1000 % 60, 2, at: 17)
            text[19] = UInt8(ascii: ".")
            digits(msOfDay % 1000, 3, at: 20)
            text[23] = UInt8(ascii: "Z")
            out.append(contentsOf: UnsafeBufferPointer(text))
        }
    }

    /// Writes timestamps that mostly fall on the same day, as a page's events do: the
    /// calendar date is worked out once per day instead of once per timestamp.
    struct DayCache {
        private var day: Int64 = .min
        private var date: (UInt64, UInt16, UInt8) = (0, 0, 0)

        mutating func append(_ millis: EpochMillis, to out: inout [UInt8]) {
            let days = floorDiv(millis, 86_400_000)
            var msOfDay = millis - days * 86_400_000
            if days != day {
                var text: [UInt8] = []
                Timestamp.append(millis, to: &text)
                text.withUnsafeBytes { date = ($0.loadUnaligned(as: UInt64.self), $0.loadUnaligned(fromByteOffset: 8, as: UInt16.self), $0[10]) }
                day = days
            }
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 24) { text in
                let raw = UnsafeMutableRawPointer(text.baseAddress!)
                raw.storeBytes(of: date.0, as: UInt64.self)
                raw.storeBytes(of: date.1, toByteOffset: 8, as: UInt16.self)
                text[10] = date.2
                func two(_ value: Int64, at offset: Int) {
                    text[offset] = UInt8(ascii: "0") + UInt8(value / 10)
                    text[offset + 1] = UInt8(ascii: "0") + UInt8(value % 10)
                }
                let millisecond = msOfDay % 1000
                msOfDay /= 1000
                two(msOfDay / 3600, at: 11)
                text[13] = UInt8(ascii: ":")
                two(msOfDay / 60 % 60, at: 14)
                text[16] = UInt8(ascii: ":")
                two(msOfDay % 60, at: 17)
                text[19] = UInt8(ascii: ".")
                text[20] = UInt8(ascii: "0") + UInt8(millisecond / 100)
                two(millisecond % 100, at: 21)
                text[23] = UInt8(ascii: "Z")
                out.append(contentsOf: UnsafeBufferPointer(text))
            }
        }
    }

    private static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        a >= 0 ? a / b : (a - b + 1) / b
    }

    /// Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's algorithm).
    static func civil(fromDays days: Int64) -> (Int64, Int64, Int64) {
        let z = days + 719_468
        let era = floorDiv(z, 146_097)
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (year, month, day)
    }

    static func days(fromCivil year: Int64, _ month: Int64, _ day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = floorDiv(y, 400)
        let yearOfEra = y - era * 400
        let monthIndex = month > 2 ? month - 3 : month + 9
        let dayOfYear = (153 * monthIndex + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// Parses `2024-05-01`, `2024-05-01T12:00:00Z`, `2024-05-01T12:00:00.5+02:00` and similar.
    public static func parse(_ text: String) -> EpochMillis? {
        let chars = Array(text.utf8)
        var index = 0
        func number(_ width: Int) -> Int64? {
            guard index + width <= chars.count else { return nil }
            var value: Int64 = 0
            for offset in 0..<width {
                let c = chars[index + offset]
                guard c >= 48 && c <= 57 else { return nil }
                value = value * 10 + Int64(c - 48)
            }
            index += width
            return value
        }
        func expect(_ c: Character) -> Bool {
            guard index < chars.count, chars[index] == c.asciiValue! else { return false }
            index += 1
            return true
        }
        guard let year = number(4), expect("-"), let month = number(2), expect("-"), let day = number(2),
              (1...12).contains(month), (1...31).contains(day) else { return nil }
        var millis = days(fromCivil: year, month, day) * 86_400_000
        if index == chars.count { return millis }
        guard index < chars.count, chars[index] == UInt8(ascii: "T") || chars[index] == UInt8(ascii: "t") || chars[index] == UInt8(ascii: " ") else { return nil }
        index += 1
        guard let hour = number(2), expect(":"), let minute = number(2), hour < 24, minute < 60 else { return nil }
        var second: Int64 = 0
        if expect(":") {
            guard let s = number(2), s < 61 else { return nil }
            second = s
        }
        millis += hour * 3_600_000 + minute * 60_000 + second * 1000
        if expect(".") {
            var scale: Int64 = 100
            var digits = 0
            while index < chars.count, chars[index] >= 48, chars[index] <= 57 {
                millis += Int64(chars[index] - 48) * scale
                scale /= 10
                index += 1
                digits += 1
            }
            guard digits > 0 else { return nil }
        }
        guard index < chars.count else { return nil }
        if chars[index] == UInt8(ascii: "Z") || chars[index] == UInt8(ascii: "z") {
            index += 1
        } else if chars[index] == UInt8(ascii: "+") || chars[index] == UInt8(ascii: "-") {
            let sign: Int64 = chars[index] == UInt8(ascii: "+") ? 1 : -1
            index += 1
            guard let offsetHours = number(2), expect(":"), let offsetMinutes = number(2) else { return nil }
            millis -= sign * (offsetHours * 3_600_000 + offsetMinutes * 60_000)
        } else {
            return nil
        }
        return index == chars.count ? millis : nil
    }
}
