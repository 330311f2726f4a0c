//! Which side of a link is the likely source, and why.

/// Why a side was taken for the source, in the order the rules are tried.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// Its document is dated earlier.
    EarlierDate,
    /// Dates equal or missing: its passage is the longer one (by a tenth), so the other took a part.
    LongerPassage,
    /// Otherwise: its outlet is a wire agency (and the other's is not).
    Wire,
    /// Nothing tells: the document read first.
    InputOrder,
}

/// The source side of a link: `a_is_source` with the [`Reason`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Direction {
    /// A is the source (else B).
    pub a_is_source: bool,
    /// Why.
    pub reason: Reason,
}

/// What the direction rules read of one side: the date key, the outlet, the passage's words.
#[derive(Clone, Copy, Debug)]
pub struct Side<'a> {
    /// [`crate::date::sort_key`] of the document's date.
    pub date: Option<u64>,
    /// The outlet.
    pub source: Option<&'a str>,
    /// Words of the passage on this side.
    pub words: u32,
}

/// Tries the rules in turn: earlier date, longer passage, wire agency, input order (A is the
/// side read first).
pub fn decide(a: Side, b: Side, wire: &[String]) -> Direction {
    let pick = |a_is_source, reason| Direction {
        a_is_source,
        reason,
    };
    if let (Some(da), Some(db)) = (a.date, b.date)
        && da != db
    {
        return pick(da < db, Reason::EarlierDate);
    }
    let (wa, wb) = (u64::from(a.words), u64::from(b.words));
    if wa * 10 > wb * 11 || wb * 10 > wa * 11 {
        return pick(wa > wb, Reason::LongerPassage);
    }
    let is_wire =
        |s: Option<&str>| s.is_some_and(|s| wire.iter().any(|w| w.eq_ignore_ascii_case(s)));
    match (is_wire(a.source), is_wire(b.source)) {
        (true, false) => pick(true, Reason::Wire),
        (false, true) => pick(false, Reason::Wire),
        _ => pick(true, Reason::InputOrder),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn side(date: Option<u64>, source: Option<&str>, words: u32) -> Side<'_> {
        Side {
            date,
            source,
            words,
        }
    }

    #[test]
    fn rules_apply_in_order() {
        let wire = vec!["was".to_string()];
        let d = decide(side(Some(2), None, 50), side(Some(1), None, 10), &wire);
        assert_eq!((d.a_is_source, d.reason), (false, Reason::EarlierDate));
        let d = decide(side(Some(1), None, 10), side(Some(1), None, 50), &wire);
        assert_eq!((d.a_is_source, d.reason), (false, Reason::LongerPassage));
        let d = decide(
            side(None, Some("okaz"), 50),
            side(None, Some("WAS"), 52),
            &wire,
        );
        assert_eq!((d.a_is_source, d.reason), (false, Reason::Wire));
        let d = decide(side(None, None, 50), side(None, None, 50), &wire);
        assert_eq!((d.a_is_source, d.reason), (true, Reason::InputOrder));
    }
}
