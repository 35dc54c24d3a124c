/// RFC 3339 formatting and parsing in UTC, without Foundation's formatters, which are
/// slow and allocate on every call.
public enum Timestamp {
    /// `2024-05-01T12:34:56.789Z`: always millisecond precision, always UTC.
    public static func format(_ millis: EpochMillis) -> String {
        var text: [UInt8] = []
        var writer = DayCache()
        writer.append(millis, to: &text)
        return String(decoding: text, as: UTF8.self)
    }

    /// Writes timestamps that mostly fall on the same day, as a page's events do: the
    /// calendar date is worked out once per day instead of once per timestamp. The text
    /// is filled in place and appended once: two of these go into every document.
    struct DayCache {
        private var day: Int64 = .min
        /// The last timestamp written (24 bytes, held inline: no array to retain per
        /// call); its date part holds while the day does.
        private var text: (UInt64, UInt64, UInt64) = (0, 0, 0)

        mutating func append(_ millis: EpochMillis, to out: inout [UInt8]) {
            let days = floorDiv(millis, WallClock.millisPerDay)
            let msOfDay = millis - days * WallClock.millisPerDay
            let newDay = days != day
            day = days
            // Every offset written below is a fixed position in the 24-byte template (checked in debug builds).
            withUnsafeMutableBytes(of: &text) { text in
                func digits(_ value: Int64, _ width: Int, at offset: Int) {
                    var rest = max(0, value)
                    for position in stride(from: offset + width - 1, through: offset, by: -1) {
                        text[position] = UInt8(ascii: "0") + UInt8(rest % 10)
                        rest /= 10
                    }
                }
                if newDay {
                    let (year, month, day) = civil(fromDays: days)
                    digits(year, 4, at: 0)
                    text[4] = UInt8(ascii: "-")
                    digits(month, 2, at: 5)
                    text[7] = UInt8(ascii: "-")
                    digits(day, 2, at: 8)
                    text[10] = UInt8(ascii: "T")
                }
                digits(msOfDay / WallClock.millisPerHour, 2, at: 11)
                text[13] = UInt8(ascii: ":")
                digits(msOfDay / 60_000 % 60, 2, at: 14)
                text[16] = UInt8(ascii: ":")
                digits(msOfDay / 1000 % 60, 2, at: 17)
                text[19] = UInt8(ascii: ".")
                digits(msOfDay % 1000, 3, at: 20)
                text[23] = UInt8(ascii: "Z")
            }
            withUnsafeBytes(of: &text) { out.append(contentsOf: $0) }
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
    static func parse(_ text: String) -> EpochMillis? {
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
