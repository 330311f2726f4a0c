//! The one reader of civil dates, used by every stage that orders or windows by date.
//!
//! A date is read as `YYYY-MM-DD[ hh:mm:ss]` with any separators between the numbers
//! (`2015-07-21 02:51:32`, `2015/07/21`, `2015-08-01T00:00:00Z`), as written, with no time
//! zone. It must name a day: a four-digit year first, then a month in 1–12 and a day in 1–31.
//! A year alone (`2022`) or a year and month (`2022-01`) is **not** a date: it says too
//! little to place an article in a window of days, so it reads as undated, as do text dates
//! (`25 يناير 2022`) and anything else. Missing time fields count as 0; a time field over 99
//! is taken as 99 (the numbers are only compared and subtracted, never shown).
//!
//! Undated articles sort after dated ones, pair with any date in a story window and match
//! nothing under `dedup --window`; each stage says so where it matters.

/// A date and time of day as written in a document (no time zone).
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

/// Reads `date` by the rule in the [module docs](self); `None` when it names no day.
pub fn parse(date: &str) -> Option<Civil> {
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
