//! One duration syntax for every flag that takes one (`cluster --window`, `dedup --window`,
//! `index prune --before`, `--wait`): a number and a unit, `90s`, `30m`, `12h`, `3d`, `2w`
//! (fractions too: `1.5d`). A bare number keeps the unit the flag always had: days for the
//! windows, seconds for `--wait`.

/// The unit of a bare number.
#[derive(Clone, Copy)]
pub enum Bare {
    Days,
    Seconds,
}

/// Seconds in `s`, or what is wrong with it, worded for `flag`.
pub fn seconds(flag: &str, s: &str, bare: Bare) -> Result<f64, String> {
    let t = s.trim();
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let n: f64 = num.parse().map_err(|_| {
        format!("{flag} {s:?}: expected a number and a unit (s, m, h, d, w), like 3d or 12h")
    })?;
    let unit = match (unit, bare) {
        ("s", _) | ("", Bare::Seconds) => 1.0,
        ("m", _) => 60.0,
        ("h", _) => 3600.0,
        ("d", _) | ("", Bare::Days) => 86_400.0,
        ("w", _) => 7.0 * 86_400.0,
        _ => return Err(format!("{flag} {s:?}: the unit must be s, m, h, d or w")),
    };
    Ok(n * unit)
}

/// A clap value parser for a window in days (the unit of a bare number).
pub fn days(s: &str) -> Result<f64, String> {
    seconds("window", s, Bare::Days).map(|secs| secs / 86_400.0)
}

/// A clap value parser for a window in whole seconds (a bare number is days).
pub fn window_seconds(s: &str) -> Result<i64, String> {
    seconds("window", s, Bare::Days).map(|secs| secs.round() as i64)
}

/// A clap value parser for `--wait` (a bare number is seconds).
pub fn wait(s: &str) -> Result<std::time::Duration, String> {
    let secs = seconds("wait", s, Bare::Seconds)?;
    std::time::Duration::try_from_secs_f64(secs).map_err(|_| format!("wait {s:?}: not a duration"))
}

/// A clap value parser for `index prune --before`: Unix seconds of a date, or of a duration
/// back from now (a bare number is days back, not a Unix time).
pub fn before(s: &str) -> Result<i64, String> {
    let Ok(ago) = seconds("before", s, Bare::Days) else {
        return naql::date::epoch_seconds(s).ok_or_else(|| {
            format!("before {s:?}: expected a date YYYY-MM-DD or a duration like 30d")
        });
    };
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    Ok(now - ago.round() as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_fractions_and_bare_numbers() {
        assert_eq!(seconds("--x", "12h", Bare::Days), Ok(43_200.0));
        assert_eq!(seconds("--x", "1.5d", Bare::Seconds), Ok(129_600.0));
        assert_eq!(seconds("--x", "3", Bare::Days), Ok(259_200.0));
        assert_eq!(seconds("--x", "60", Bare::Seconds), Ok(60.0));
        assert_eq!(days("2w"), Ok(14.0));
        assert!(
            seconds("--x", "7 days", Bare::Days)
                .unwrap_err()
                .contains("unit")
        );
        assert!(seconds("--x", "d", Bare::Days).is_err());
        assert!(seconds("--x", "", Bare::Days).is_err());
    }
}
