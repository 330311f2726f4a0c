//! Laws the normalizer, shingler and estimators must keep for any input.

use naql::copy::{Overlap, Signer, token_hash};
use naql::text::{NormalizeOptions, Normalizer, default_normalizer};
use proptest::prelude::*;

/// Text drawn from what Arabic news really contains: letters of every fold, diacritics,
/// tatweel, digits, ligatures, invisible marks, Latin, punctuation and whitespace.
fn arabic_text() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "ا", "أ", "إ", "آ", "ٱ", "ب", "ت", "ة", "ه", "ى", "ي", "ئ", "ؤ", "و", "ء", "ل", "م", "ن",
        "ک", "ی", "ہ", "ك", "\u{064E}", "\u{0651}", "\u{0652}", "\u{064B}", "\u{0670}", "\u{0640}",
        "٢", "۴", "7", "\u{FEFB}", "\u{FDFA}", "\u{FE8D}", "\u{200F}", "\u{200C}", "\u{FEFF}",
        "\u{00AD}", "N", "a", "İ", " ", "  ", "\n", "\r\n", "،", "؛", "؟", "«", "»", ".", "-", ":",
    ]);
    prop::collection::vec(pieces, 0..60).prop_map(|v| v.concat())
}

proptest! {
    #[test]
    fn normalization_is_idempotent(text in arabic_text()) {
        // Normalized text is stored and signed again by data teams (naql.normalize): it must
        // be its own key, under the defaults and with any one rule switched off.
        let n = default_normalizer();
        let once = n.normalize(&text);
        prop_assert_eq!(n.normalize(&once), once);
        for rule in NormalizeOptions::RULES {
            let mut o = NormalizeOptions::default();
            o.set(rule, false);
            let n = Normalizer::new(o);
            let once = n.normalize(&text);
            prop_assert_eq!(n.normalize(&once), once, "with {} off", rule);
        }
    }

    #[test]
    fn normalization_is_idempotent_under_any_rules(text in arabic_text(), mask in 0u16..4096) {
        let mut o = NormalizeOptions::default();
        for (i, rule) in NormalizeOptions::RULES.iter().enumerate() {
            o.set(rule, mask & (1 << i) != 0);
        }
        let n = Normalizer::new(o);
        let once = n.normalize(&text);
        prop_assert_eq!(n.normalize(&once), once, "{:?}", o);
    }

    #[test]
    fn spans_are_ordered_in_bounds_and_point_at_the_token(text in arabic_text()) {
        let n = default_normalizer();
        let toks = n.tokens(&text);
        let mut last_end = 0;
        for t in &toks {
            prop_assert!(t.span.start <= t.span.end && t.span.end <= text.len());
            prop_assert!(text.is_char_boundary(t.span.start) && text.is_char_boundary(t.span.end));
            // Spans move forward without overlap; the words of a ligature after its first
            // (ﷺ is four words) get empty spans at its end (see text/tokens.rs).
            prop_assert!(t.span.start >= last_end);
            last_end = t.span.end;
            if t.span.is_empty() {
                continue;
            }
            // Normalizing what the span covers gives back this token (among its words), or a
            // word of it where a token runs across a ligature (ﷺﷺ, ﷺN), or nothing where the
            // span holds only the dropped marks after a ligature's last word (ﷺَ).
            // Or the tanween alef the token dropped, where a span holds only what trails a
            // ligature's last word (ﷺا gives وسلم, its span the ا).
            // Where the span continues a ligature's last word (ﷺىئا gives وسلمء: the word's end
            // rules saw the whole word), normalizing from the ligature on gives the token.
            let again = n.normalize(&text[t.span.clone()]);
            let with_alef = format!("{}ا", t.text);
            let across = text[..t.span.start].chars().next_back().is_some_and(|c| {
                let from = t.span.start - c.len_utf8();
                n.normalize(&c.to_string()).contains(' ')
                    && n.normalize(&text[from..t.span.end]).split(' ').any(|w| w == t.text)
            });
            prop_assert!(
                again.is_empty()
                    || across
                    || again.split(' ').any(|w| w == t.text || (!w.is_empty() && with_alef.contains(w))),
                "{:?} vs {:?}", again, t.text
            );
        }
    }

    #[test]
    fn diacritics_and_tatweel_never_change_the_signature(text in arabic_text()) {
        let n = default_normalizer();
        let decorated: String = text
            .chars()
            .flat_map(|c| {
                let extra = if ('\u{0628}'..='\u{064A}').contains(&c) { Some('\u{064E}') } else { None };
                std::iter::once(c).chain(extra)
            })
            .collect();
        let s = Signer::default();
        prop_assert_eq!(s.sign(n, &text), s.sign(n, &decorated));
    }

    #[test]
    fn estimates_and_overlaps_are_symmetric_and_bounded(a in arabic_text(), b in arabic_text()) {
        let n = default_normalizer();
        let s = Signer { shingling: naql::copy::Shingling::Words(2), ..Signer::default() };
        let (sa, sb) = (s.sign(n, &a), s.sign(n, &b));
        let e = sa.jaccard(&sb);
        prop_assert_eq!(e, sb.jaccard(&sa));
        prop_assert!((0.0..=1.0).contains(&e));
        let units = |t: &str| {
            let mut u = Vec::new();
            n.for_each_token(t, |w, _| u.push(token_hash(w)));
            s.shingle_set(&u)
        };
        let (ua, ub) = (units(&a), units(&b));
        let o = Overlap::of(&ua, &ub);
        let r = Overlap::of(&ub, &ua);
        prop_assert_eq!(o.jaccard, r.jaccard);
        prop_assert_eq!(o.containment_ab, r.containment_ba);
        prop_assert!(o.jaccard <= o.containment_ab.min(o.containment_ba) + 1e-12);
        if !ua.is_empty() && ua == ub {
            prop_assert_eq!(e, 1.0);
        }
    }

    #[test]
    fn sentences_cover_every_visible_character_once(text in arabic_text(), extra in "[ .!؟…»0-9a-zA-Z]{0,20}") {
        let text = format!("{text}{extra}");
        let spans = naql::text::sentences(&text);
        let mut last = 0;
        for r in &spans {
            prop_assert!(r.start >= last && r.start < r.end && r.end <= text.len());
            let s = &text[r.clone()];
            prop_assert_eq!(s, s.trim());
            prop_assert!(!s.contains('\n'));
            last = r.end;
        }
        // Nothing is lost: every non-whitespace character lies inside a sentence.
        for (i, c) in text.char_indices() {
            if !c.is_whitespace() {
                prop_assert!(spans.iter().any(|r| r.contains(&i)), "{:?} at {} lost", c, i);
            }
        }
    }

    #[test]
    fn the_story_level_counts_in_the_copy_levels_pass_what_it_counts_alone(
        lead in prop::sample::select(vec![
            "", "الرياض - واس:", "الرياض - واس\r\n", " \n\u{200F}\nجدة (رويترز) - ", "«", "\n",
        ]),
        text in arabic_text(),
        title in prop::option::of(arabic_text()),
    ) {
        use naql::story::{StoryConfig, StoryEngine};
        let engine = StoryEngine::new(naql::copy::Config::default(), StoryConfig::default(), None);
        // The defaults take the one-pass path this law is about.
        prop_assert!(engine.copy.shares_tokens(&StoryConfig::default().normalize));
        let text = format!("{lead}{text}");
        let doc = naql::corpus::Document {
            id: "a".into(),
            source: None,
            date: None,
            title,
            text: text.clone(),
        };
        let (prepared, story) = engine.prepare(doc.clone());
        prop_assert_eq!(&story.text, &text);
        prop_assert_eq!(&story.counts, &engine.model.counts(story.title.as_deref(), &text));
        let alone = engine.copy.prepare(doc);
        prop_assert_eq!((prepared.chars, &prepared.title), (alone.chars, &alone.title));
    }

    #[test]
    fn a_signature_alone_is_the_signature_prepare_makes(
        lead in prop::sample::select(vec![
            "", "الرياض - واس:", "الرياض - واس\r\n", " \n\u{200F}\nجدة (رويترز) - ", "«", "\n",
        ]),
        text in arabic_text(),
        shingling in prop::sample::select(vec![
            naql::copy::Shingling::Words(1),
            naql::copy::Shingling::Words(3),
            naql::copy::Shingling::Words(5),
            naql::copy::Shingling::Words(20),
            naql::copy::Shingling::Chars(4),
        ]),
        datelines in any::<bool>(),
    ) {
        let mut config = naql::copy::Config { datelines, ..naql::copy::Config::default() };
        config.signer.shingling = shingling;
        let engine = naql::copy::Engine::new(config);
        let text = format!("{lead}{text}");
        let doc = naql::corpus::Document { text: text.clone(), ..Default::default() };
        let items = naql::corpus::items_in_memory(vec![doc], |d| engine.prepare(d));
        let signed = engine.sign_all(items, &mut naql::copy::Stats::default());
        prop_assert_eq!(&engine.signature_of(&text), &signed[0].signature);
    }

    #[test]
    fn switching_every_rule_off_only_tokenizes(text in arabic_text()) {
        let raw = Normalizer::new(naql::text::NormalizeOptions::none());
        for t in raw.tokens(&text) {
            // With no folds, a token is exactly the original text it spans.
            prop_assert_eq!(&t.text, &text[t.span.clone()]);
        }
    }
}
