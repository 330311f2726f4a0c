//! MinHash statistics on real text, and golden signatures that pin the algorithm.
//!
//! The estimator must be unbiased with variance near J(1−J)/k: for pairs of real articles with
//! known exact Jaccard, signatures are made under many seeds (each seed is an independent hash
//! function), and the mean and variance of the estimates are compared with theory.

use naql::copy::{ALGORITHM, Overlap, Signer, token_hash};
use naql::corpus::{ReadOptions, read_all};
use naql::text::default_normalizer;

const SAMPLE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/fixtures/saudinewsnet-sample.jsonl"
);

fn article_units() -> Vec<Vec<u64>> {
    let (docs, _) = read_all(&[SAMPLE.to_string()], &ReadOptions::default()).expect("fixture");
    let n = default_normalizer();
    docs.into_iter()
        .map(|(d, _)| {
            let mut u = Vec::new();
            n.for_each_token(&d.text, |t, _| u.push(token_hash(t)));
            u
        })
        .filter(|u| u.len() >= 300)
        .collect()
}

/// Pairs of real texts spanning a range of Jaccard values: an article against itself with a
/// growing share of its words replaced by another article's words.
fn pairs() -> Vec<(Vec<u64>, Vec<u64>)> {
    let arts = article_units();
    assert!(arts.len() >= 6, "need long articles in the fixture");
    let mut out = Vec::new();
    for (i, frac) in [0.05, 0.15, 0.3, 0.5].iter().enumerate() {
        let a = &arts[i];
        let other = &arts[i + 1];
        let cut = (a.len() as f64 * (1.0 - frac)) as usize;
        let mut b = a[..cut].to_vec();
        b.extend_from_slice(&other[..(a.len() - cut).min(other.len())]);
        out.push((a.clone(), b));
    }
    out
}

#[test]
fn estimates_are_unbiased_with_variance_near_binomial() {
    let k = 128;
    let seeds = 400u64;
    for (a, b) in pairs() {
        let base = Signer::default();
        let j = Overlap::of(&base.shingle_set(&a), &base.shingle_set(&b)).jaccard;
        let est: Vec<f64> = (0..seeds)
            .map(|seed| {
                let s = Signer { seed, ..base };
                s.sign_units(&a).jaccard(&s.sign_units(&b))
            })
            .collect();
        let mean = est.iter().sum::<f64>() / seeds as f64;
        let var = est.iter().map(|e| (e - mean).powi(2)).sum::<f64>() / (seeds - 1) as f64;
        let theory = j * (1.0 - j) / k as f64;
        let z = (mean - j) / (theory / seeds as f64).sqrt();
        let ratio = var / theory;
        println!("J={j:.3} mean={mean:.4} z={z:+.2} var/theory={ratio:.2}");
        // Unbiased: the mean is within 4 standard errors of the exact value.
        assert!(z.abs() < 4.0, "biased: J={j} mean={mean} z={z}");
        // One-permutation hashing samples bins without replacement, so its variance is at or
        // somewhat below the binomial J(1−J)/k; never far above it.
        assert!(
            (0.5..1.3).contains(&ratio),
            "variance ratio {ratio} at J={j}"
        );
    }
}

#[test]
fn short_documents_are_estimated_without_bias_too() {
    // 40-word texts fill only a fraction of the 128 bins: densification does the rest.
    let arts = article_units();
    let a: Vec<u64> = arts[0][..44].to_vec();
    let mut b = a[..30].to_vec();
    b.extend_from_slice(&arts[1][..14]);
    let base = Signer::default();
    let j = Overlap::of(&base.shingle_set(&a), &base.shingle_set(&b)).jaccard;
    let seeds = 600u64;
    let mean = (0..seeds)
        .map(|seed| {
            let s = Signer { seed, ..base };
            s.sign_units(&a).jaccard(&s.sign_units(&b))
        })
        .sum::<f64>()
        / seeds as f64;
    // The variance of densified estimates on tiny sets is larger; allow a wider band.
    let se = (j * (1.0 - j) / 16.0 / seeds as f64).sqrt();
    assert!((mean - j).abs() < 4.0 * se, "J={j} mean={mean}");
}

/// FNV-1a over the signature values: a compact fingerprint for the golden vectors.
fn fingerprint(values: &[u32]) -> u64 {
    values.iter().fold(0xcbf2_9ce4_8422_2325, |h, v| {
        v.to_le_bytes().iter().fold(h, |h, &b| {
            (h ^ b as u64).wrapping_mul(0x0000_0100_0000_01b3)
        })
    })
}

/// Pins the signature algorithm: if any of these change, signatures persisted by an earlier
/// version would silently stop matching. Change them only together with [`ALGORITHM`].
#[test]
fn golden_signatures() {
    assert_eq!(ALGORITHM, "naql-oph-v2");
    let n = default_normalizer();
    let s = Signer::default();
    let cases: [(&str, [u32; 4], u64); 3] = [
        (
            "وقال نيد برايس المتحدث باسم وزارة الخارجية الأمريكية إن التحركات الدبلوماسية لواشنطن لن تنطوي على أي تنازلات",
            GOLDEN[0].0,
            GOLDEN[0].1,
        ),
        ("مُوسْكُو", GOLDEN[1].0, GOLDEN[1].1),
        (
            "NATO ٢٠٢٢ حلف الناتو يتوسّع شرقاً نحو أوكرانيا وجورجيا",
            GOLDEN[2].0,
            GOLDEN[2].1,
        ),
    ];
    for (text, head, fp) in cases {
        let sig = s.sign(n, text);
        assert_eq!(sig.0.len(), 128);
        assert_eq!(&sig.0[..4], &head, "{text}");
        assert_eq!(fingerprint(&sig.0), fp, "{text}");
    }
    assert_eq!(token_hash("موسكو"), GOLDEN_TOKEN);
}

const GOLDEN: [([u32; 4], u64); 3] = [
    (
        [4264097650, 3594271610, 4079844392, 4174678483],
        0xa787e915a9fb4505,
    ),
    (
        [203177767, 203177767, 203177767, 203177767],
        0x4073f0a0e9a6c025,
    ),
    // naql-oph-v2: normalization v2 folds شرقاً أوكرانيا وجورجيا to شرق اوكراني وجورجي (the
    // tanween alef rule), so the third text's shingles, and its signature, changed.
    (
        [606548205, 4126669379, 559422781, 239122641],
        0xf28e5a7a82a9c3e7,
    ),
];
const GOLDEN_TOKEN: u64 = 0xfbff5644d6fe8035;
