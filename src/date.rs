//! The one reader of dates, used by every stage that orders, windows or shows by date.
//!
//! What news data carries is read (the parsing is [`jiff`]'s wherever a standard defines the
//! form; only the lenient numeric fallback below is our own):
//!
//! - **ISO 8601**, with or without a time and a zone: `2015-07-21`, `2015-07-21 02:51:32`,
//!   `2015-08-01T00:00:00Z`, `2018-02-01T10:00:00+03:00`, `20150721`.
//! - **RFC 2822**, the RSS and e-mail form: `Sat, 12 Jan 2013 09:04:00 +0400`, `… GMT`
//!   (a weekday that does not match the date is ignored; without a zone the time is taken as
//!   written).
//! - **Numbers in order** year, month, day[, hour, minute, second] with any separators:
//!   `2015/07/21`, `2015.7.21 9:04` (a four-digit year first; a day 1–31 in any month and a
//!   time field up to 99 are taken as written, the numbers are only compared and subtracted).
//! - **Unix time** as a JSON number or a string of digits: 9–11 digits are seconds, 12–14
//!   digits milliseconds (both rules cover 1973-03-03 … 5138; a fraction is ignored). Other
//!   lengths are not a time: 8 digits are an ISO 8601 day (`20150721`), fewer or more are
//!   undated.
//! - **Arabic-Indic digits** (`٢٠٢٢-٠١-٢٥`, and the Persian forms `۰`–`۹`) in any of these.
//!
//! A time with a zone (an offset, `Z`, `GMT`…) and Unix time are converted to UTC, so that
//! windows and ordering compare instants; a date without a zone is taken as written. A date
//! must name a day: a year alone (`2022`) or a year and month (`2022-01`) is **not** a date:
//! it says too little to place an article in a window of days, so it reads as undated, as do
//! text dates (`25 يناير 2022`) and anything else.
//!
//! Undated articles sort after dated ones, pair with any date in a story window and match
//! nothing under `dedup --window`; each stage says so where it matters, and the commands warn
//! when a date is present but cannot be read.

use std::borrow::Cow;

use jiff::Timestamp;
use jiff::civil::DateTime;
use jiff::fmt::rfc2822::DateTimeParser;
use jiff::tz::Offset;

/// A date and time of day: in UTC when the date named a zone, else as written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Civil {
    /// Four-digit year.
    pub year: u16,
    /// 1–12.
    pub month: u8,
    /// 1–31.
    pub day: u8,
    /// 0–99 as written (0 when missing).
    pub hour: u8,
    /// 0–99 as written (0 when missing).
    pub minute: u8,
    /// 0–99 as written (0 when missing).
    pub second: u8,
}

/// Reads `date` by the rules in the [module docs](self); `None` when it names no day.
pub fn parse(date: &str) -> Option<Civil> {
    let date = western_digits(date.trim());
    let s = date.as_ref();
    if s.bytes().take(4).filter(u8::is_ascii_digit).count() == 4 {
        unix_time(s).or_else(|| iso_8601(s)).or_else(|| numbers(s))
    } else {
        rfc_2822(s).or_else(|| numbers(s))
    }
}

/// `date` with Arabic-Indic and Persian digits as ASCII ones (borrowed when it has none).
fn western_digits(date: &str) -> Cow<'_, str> {
    let arabic = |c: char| match c {
        '\u{0660}'..='\u{0669}' => Some(c as u32 - 0x0660),
        '\u{06F0}'..='\u{06F9}' => Some(c as u32 - 0x06F0),
        _ => None,
    };
    if !date.chars().any(|c| arabic(c).is_some()) {
        return Cow::Borrowed(date);
    }
    date.chars()
        .map(|c| arabic(c).map_or(c, |d| char::from(b'0' + d as u8)))
        .collect()
}

/// Unix seconds (9–11 digits) or milliseconds (12–14), a fraction ignored; in UTC.
fn unix_time(s: &str) -> Option<Civil> {
    let whole = match s.split_once('.') {
        Some((w, f)) if f.bytes().all(|b| b.is_ascii_digit()) => w,
        Some(_) => return None,
        None => s,
    };
    if !whole.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n: i64 = whole.parse().ok()?;
    let t = match whole.len() {
        9..=11 => Timestamp::from_second(n),
        12..=14 => Timestamp::from_millisecond(n),
        _ => return None,
    };
    from_timestamp(t.ok()?)
}

/// ISO 8601: an instant with its zone (in UTC), else a civil date and time as written.
fn iso_8601(s: &str) -> Option<Civil> {
    if let Ok(t) = s.parse::<Timestamp>() {
        return from_timestamp(t);
    }
    from_datetime(s.parse::<DateTime>().ok()?)
}

/// RFC 2822 (in UTC). A wrong weekday is dropped; without a zone, `-0000` ("local time,
/// zone unknown") is assumed, which reads the time as written.
fn rfc_2822(s: &str) -> Option<Civil> {
    static PARSER: DateTimeParser = DateTimeParser::new();
    let without_weekday = s.split_once(',').map(|(_, rest)| rest.trim_start());
    for text in [Some(s), without_weekday].into_iter().flatten() {
        for tail in ["", " -0000", " 00:00 -0000"] {
            let full: Cow<str> = if tail.is_empty() {
                text.into()
            } else {
                format!("{text}{tail}").into()
            };
            if let Ok(t) = PARSER.parse_timestamp(full.as_ref()) {
                return from_timestamp(t);
            }
        }
    }
    None
}

/// An instant's UTC date and time.
fn from_timestamp(t: Timestamp) -> Option<Civil> {
    from_datetime(Offset::UTC.to_datetime(t))
}

/// A civil date and time from jiff (years 0–9999).
fn from_datetime(dt: DateTime) -> Option<Civil> {
    Some(Civil {
        year: u16::try_from(dt.year()).ok().filter(|&y| y <= 9999)?,
        month: dt.month() as u8,
        day: dt.day() as u8,
        hour: dt.hour() as u8,
        minute: dt.minute() as u8,
        second: dt.second() as u8,
    })
}

/// Numbers in order (`2015/07/21`, `2015-07-21 02:51:32`): a four-digit year, a month 1–12,
/// a day 1–31, then hour, minute and second (0 when missing, at most 99), as written.
fn numbers(date: &str) -> Option<Civil> {
    let mut parts = date
        .split(|c: char| !c.is_ascii_digit())
        .filter(|p| !p.is_empty());
    let year: u16 = parts.next().filter(|p| p.len() == 4)?.parse().ok()?;
    let mut next = || -> u8 {
        parts
            .next()
            .and_then(|p| p.parse::<u64>().ok())
            .unwrap_or(0)
            .min(99) as u8
    };
    let (month, day) = (next(), next());
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    Some(Civil {
        year,
        month,
        day,
        hour: next(),
        minute: next(),
        second: next(),
    })
}

impl Civil {
    /// Days from 1970-01-01 to this date (proleptic Gregorian; Howard Hinnant's
    /// days-from-civil algorithm).
    pub fn epoch_day(&self) -> i64 {
        let (month, day) = (self.month as i64, self.day as i64);
        let y = self.year as i64 - (month <= 2) as i64;
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let mp = (month + 9) % 12;
        let doy = (153 * mp + 2) / 5 + day - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// Seconds into the day.
    fn seconds_of_day(&self) -> i64 {
        self.hour as i64 * 3600 + self.minute as i64 * 60 + self.second as i64
    }

    /// Seconds since 1970-01-01 00:00:00.
    pub fn epoch_seconds(&self) -> i64 {
        self.epoch_day() * 86_400 + self.seconds_of_day()
    }

    /// Days since 1970-01-01, with the time of day as a fraction.
    pub fn epoch_days(&self) -> f64 {
        self.epoch_day() as f64 + self.seconds_of_day() as f64 / 86_400.0
    }

    /// The day as `YYYY-MM-DD`, for listings.
    pub fn ymd(&self) -> String {
        format!("{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }

    /// A number that sorts as the dates do: `YYYYMMDDhhmmss`.
    pub fn sort_key(&self) -> u64 {
        [self.month, self.day, self.hour, self.minute, self.second]
            .iter()
            .fold(self.year as u64, |k, &v| k * 100 + v as u64)
    }
}

/// [`Civil::epoch_seconds`] of a date string; `None` when it names no day.
pub fn epoch_seconds(date: &str) -> Option<i64> {
    parse(date).map(|c| c.epoch_seconds())
}

/// [`Civil::epoch_days`] of a date string; `None` when it names no day.
pub fn epoch_days(date: &str) -> Option<f64> {
    parse(date).map(|c| c.epoch_days())
}

/// [`Civil::sort_key`] of a date string; `None` when it names no day.
pub fn sort_key(date: &str) -> Option<u64> {
    parse(date).map(|c| c.sort_key())
}

/// How a listing shows a date in its day column: `YYYY-MM-DD` when it reads, else its first
/// ten bytes as written (all of it when that would cut a character).
pub fn shown_day(date: &str) -> Cow<'_, str> {
    match parse(date) {
        Some(c) => Cow::Owned(c.ymd()),
        None => Cow::Borrowed(date.get(..10).unwrap_or(date)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_usual_forms() {
        assert_eq!(epoch_seconds("1970-01-01"), Some(0));
        assert_eq!(epoch_seconds("2015-07-21 02:51:32"), Some(1_437_447_092));
        assert_eq!(epoch_seconds("2000-03-01T00:00:00Z"), Some(951_868_800));
        assert_eq!(epoch_days("2015-07-21"), Some(16_637.0));
        assert_eq!(epoch_days("2000-03-01 12:00:00"), Some(11_017.5));
        assert_eq!(epoch_seconds("2015/07/21"), epoch_seconds("2015-07-21"));
    }

    #[test]
    fn a_year_or_a_month_alone_is_no_date() {
        // The case the two old readers disagreed on: one took 2022 as 2022-01-01.
        assert_eq!(parse("2022"), None);
        assert_eq!(parse("2022-01"), None);
        assert_eq!(parse("2015-13-01"), None);
        assert_eq!(parse("2015-00-10"), None);
        assert_eq!(parse("2015-01-32"), None);
        assert_eq!(parse("25 يناير 2022"), None);
        assert_eq!(parse("أمس"), None);
        assert_eq!(parse("22-01-2015"), None);
        assert_eq!(parse("Jan 2013"), None);
        assert_eq!(parse(""), None);
        assert_eq!(parse("   "), None);
    }

    #[test]
    fn iso_8601_with_a_zone_is_read_in_utc() {
        assert_eq!(
            epoch_seconds("2018-02-01T10:00:00+03:00"),
            epoch_seconds("2018-02-01 07:00:00")
        );
        assert_eq!(
            epoch_seconds("2015-08-01T00:00:00Z"),
            epoch_seconds("2015-08-01")
        );
        assert_eq!(
            epoch_seconds("2015-07-21T23:30:00-02:00").map(|s| s.div_euclid(86_400)),
            epoch_seconds("2015-07-22").map(|s| s / 86_400)
        );
        assert_eq!(shown_day("2015-07-21T23:30:00-02:00"), "2015-07-22");
        assert_eq!(
            epoch_seconds("2015-07-21T02:51:32.250Z"),
            Some(1_437_447_092)
        );
    }

    #[test]
    fn iso_8601_without_a_zone_is_taken_as_written() {
        assert_eq!(epoch_seconds("2015-07-21T02:51:32"), Some(1_437_447_092));
        assert_eq!(epoch_seconds("2015-07-21 02:51"), Some(1_437_447_060));
        assert_eq!(epoch_seconds("20150721"), epoch_seconds("2015-07-21"));
        assert_eq!(epoch_seconds(" 2015-07-21\n"), epoch_seconds("2015-07-21"));
    }

    #[test]
    fn rfc_2822_as_in_rss() {
        // ANT's `time` field: both forms it has.
        assert_eq!(
            epoch_seconds("Sat, 12 Jan 2013 09:04:00 +0400"),
            epoch_seconds("2013-01-12 05:04:00")
        );
        assert_eq!(
            epoch_seconds("Sun, 18 Feb 2018 17:21:49 GMT"),
            epoch_seconds("2018-02-18 17:21:49")
        );
        assert_eq!(shown_day("Sat, 12 Jan 2013 09:04:00 +0400"), "2013-01-12");
        assert_eq!(shown_day("Sun, 18 Feb 2018 02:00:00 +0400"), "2018-02-17");
        // No weekday, a wrong weekday, no seconds, no zone (taken as written), no time.
        let want = epoch_seconds("2013-01-12 05:04:00");
        assert_eq!(epoch_seconds("12 Jan 2013 09:04:00 +0400"), want);
        assert_eq!(epoch_seconds("Mon, 12 Jan 2013 09:04:00 +0400"), want);
        assert_eq!(epoch_seconds("Sat, 12 Jan 2013 09:04 +0400"), want);
        assert_eq!(epoch_seconds("Sat, 12 Jan 2013 05:04:00"), want);
        assert_eq!(epoch_seconds("12 Jan 2013"), epoch_seconds("2013-01-12"));
        assert_eq!(parse("Sat, 32 Jan 2013 09:04:00 +0400"), None);
    }

    #[test]
    fn numbers_with_any_separators() {
        assert_eq!(epoch_seconds("2015/07/21"), epoch_seconds("2015-07-21"));
        assert_eq!(epoch_seconds("2015.7.21 2:51:32"), Some(1_437_447_092));
        assert_eq!(epoch_seconds("on 2015-07-21"), epoch_seconds("2015-07-21"));
        // As before: a day 1–31 in any month is taken as written.
        assert_eq!(
            epoch_days("2015-02-30").unwrap() - epoch_days("2015-02-28").unwrap(),
            2.0
        );
    }

    #[test]
    fn unix_seconds_and_milliseconds() {
        // 9–11 digits: seconds; 12–14: milliseconds; as a JSON number or a string.
        assert_eq!(epoch_seconds("1437447092"), Some(1_437_447_092));
        assert_eq!(epoch_seconds("1437447092000"), Some(1_437_447_092));
        assert_eq!(epoch_seconds("1437447092.75"), Some(1_437_447_092));
        assert_eq!(epoch_seconds("1437447092999"), Some(1_437_447_092));
        assert_eq!(shown_day("1437447092"), "2015-07-21");
        assert_eq!(
            epoch_seconds("100000000"),
            epoch_seconds("1973-03-03 09:46:40")
        );
        assert_eq!(epoch_seconds("100000000000"), epoch_seconds("100000000"));
        assert_eq!(parse("99999999999"), parse("5138-11-16 09:46:39"));
        assert_eq!(parse("12345"), None);
        assert_eq!(parse("123456789012345"), None);
        assert_eq!(parse("1437447092x"), None);
    }

    #[test]
    fn arabic_indic_digits() {
        assert_eq!(epoch_seconds("٢٠٢٢-٠١-٢٥"), epoch_seconds("2022-01-25"));
        assert_eq!(epoch_seconds("۲۰۲۲/۰۱/۲۵"), epoch_seconds("2022-01-25"));
        assert_eq!(
            epoch_seconds("٢٠٢٢-٠١-٢٥T١٠:٠٠:٠٠+٠٣:٠٠"),
            epoch_seconds("2022-01-25 07:00")
        );
        assert_eq!(epoch_seconds("١٤٣٧٤٤٧٠٩٢"), Some(1_437_447_092));
        assert_eq!(parse("٢٠٢٢"), None);
    }

    #[test]
    fn listings_show_the_day_read() {
        assert_eq!(shown_day("2015-07-21 02:51:32"), "2015-07-21");
        assert_eq!(shown_day("2015/7/1"), "2015-07-01");
        // Unreadable: as before, the first ten bytes (or all, rather than cut a letter).
        assert_eq!(shown_day("yesterday at noon"), "yesterday ");
        assert_eq!(shown_day("أمس"), "أمس");
    }

    #[test]
    fn keys_sort_chronologically() {
        assert!(sort_key("2015-07-21 02:51:32") < sort_key("2015-07-21 10:00:00"));
        assert!(sort_key("2015-07-21") < sort_key("2015-08-01T00:00:00Z"));
        assert_eq!(sort_key("2015-07-21 02:51:32"), Some(20150721025132));
    }

    #[test]
    fn epoch_days_and_seconds_agree_across_leap_years() {
        for date in [
            "1999-12-31",
            "2000-02-29",
            "2016-03-01 23:59:59",
            "2100-03-01",
        ] {
            let c = parse(date).unwrap();
            assert_eq!(
                c.epoch_days().floor() as i64 * 86_400,
                c.epoch_day() * 86_400
            );
            assert_eq!(c.epoch_seconds() / 86_400, c.epoch_day());
        }
        assert_eq!(
            epoch_days("2000-03-01").unwrap() - epoch_days("2000-02-28").unwrap(),
            2.0
        );
        assert_eq!(
            epoch_days("2100-03-01").unwrap() - epoch_days("2100-02-28").unwrap(),
            1.0
        );
    }
}
