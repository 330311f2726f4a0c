//! How scores are written: rounded to four decimals. Similarities are sums of floating-point
//! terms whose last bits can depend on the order of summation; four decimals are what a reader
//! needs, and they keep output bytes identical across runs, thread counts and machines.

/// `x` rounded to four decimals (halves away from zero).
#[inline]
pub(crate) fn round4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

#[cfg(test)]
mod tests {
    #[test]
    fn rounds_to_four_decimals() {
        assert_eq!(super::round4(0.123_45), 0.1235);
        assert_eq!(super::round4(0.009_501_187_648), 0.0095);
        assert_eq!(super::round4(1.0), 1.0);
    }
}
