//! The HTML of `naql diff` in a real browser: headless Chromium driven over WebDriver
//! (chromedriver), checked through the DOM, with a screenshot written for people to look at
//! (`target/browser/diff.png`).
//!
//! Needs the Debian packages `chromium` and `chromium-driver` (`.ci/run` installs them). Set
//! `NAQL_SKIP_BROWSER=1` to skip on a machine without them; otherwise their absence fails.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

mod common;

use base64::Engine as _;
use common::{naql_output, ok};
use serde_json::{Value, json};

const SAMPLE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/fixtures/saudinewsnet-sample.jsonl"
);

/// Article text that would run script if it were not escaped.
const EVIL: &str = "<script>document.body.setAttribute('data-pwned','script')</script>\
    <img src=x onerror=\"document.body.setAttribute('data-pwned','img')\"> \" onmouseover=\"x";

struct Driver {
    child: Child,
    port: u16,
    /// One chromedriver at a time: a port picked and released here could otherwise be taken
    /// by another test's Chromium before this chromedriver binds it (seen once in CI: one test
    /// refused, another reading a half-loaded page).
    _alone: MutexGuard<'static, ()>,
}

static ONE_BROWSER: Mutex<()> = Mutex::new(());

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One HTTP/1.1 request to chromedriver; returns the JSON body's `value`.
fn call(port: u16, method: &str, path: &str, body: Option<&Value>) -> Value {
    let body = body.map(|b| b.to_string()).unwrap_or_default();
    let mut s = TcpStream::connect(("127.0.0.1", port)).expect("connect to chromedriver");
    s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    // chromedriver may keep the connection open: read until the answer is complete.
    let mut raw = Vec::new();
    let mut buf = [0u8; 1 << 16];
    while !complete(&raw) {
        let n = s.read(&mut buf).expect("read chromedriver's answer");
        assert!(n > 0, "chromedriver closed the connection early");
        raw.extend_from_slice(&buf[..n]);
    }
    let raw = String::from_utf8(raw).expect("UTF-8 answer");
    let (head, rest) = raw.split_once("\r\n\r\n").expect("HTTP answer");
    let json = if head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        dechunk(rest)
    } else {
        rest.to_string()
    };
    let v: Value = serde_json::from_str(&json).unwrap_or_else(|e| panic!("{e}: {raw}"));
    assert!(
        head.starts_with("HTTP/1.1 200"),
        "{method} {path}: {head}\n{v}"
    );
    v["value"].clone()
}

fn complete(raw: &[u8]) -> bool {
    let Some(end) = raw.windows(4).position(|w| w == b"\r\n\r\n") else {
        return false;
    };
    let head = String::from_utf8_lossy(&raw[..end]).to_ascii_lowercase();
    let body = &raw[end + 4..];
    if let Some(len) = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse::<usize>().ok())
    {
        return body.len() >= len;
    }
    body.ends_with(b"0\r\n\r\n")
}

fn dechunk(mut s: &str) -> String {
    let mut out = String::new();
    loop {
        let (size, rest) = s.split_once("\r\n").expect("chunk size");
        let n = usize::from_str_radix(size.trim(), 16).expect("hex chunk size");
        if n == 0 {
            return out;
        }
        out.push_str(&rest[..n]);
        s = &rest[n + 2..];
    }
}

fn start_driver() -> Option<Driver> {
    // A test that failed holding the lock poisons it; the next one may still run.
    let alone = ONE_BROWSER.lock().unwrap_or_else(|e| e.into_inner());
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = match Command::new("chromedriver")
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
    {
        Ok(c) => c,
        Err(e) if std::env::var_os("NAQL_SKIP_BROWSER").is_some() => {
            eprintln!("skipped: chromedriver: {e}");
            return None;
        }
        Err(e) => panic!(
            "chromedriver: {e}. Install the Debian packages chromium and chromium-driver \
             (`.ci/run` does), or set NAQL_SKIP_BROWSER=1 to skip this test"
        ),
    };
    let mut driver = Driver {
        child,
        port,
        _alone: alone,
    };
    let start = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "chromedriver did not start"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    // Whatever answers on the port must be this chromedriver, still running.
    assert!(
        driver.child.try_wait().unwrap().is_none(),
        "chromedriver exited (port {port} taken?)"
    );
    Some(driver)
}

/// Two real reports of one wire story from the fixture, the second carrying hostile markup.
fn write_page(dir: &std::path::Path) -> std::path::PathBuf {
    let docs: Vec<Value> = std::fs::read_to_string(SAMPLE)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let find = |id: &str| {
        let matches =
            |d: &&Value| d["id"] == id || d["id"] == id.parse::<u64>().unwrap_or(u64::MAX);
        docs.iter().find(matches).unwrap().clone()
    };
    let (a, mut b) = (find("22910"), find("23485"));
    let text = b["content"].as_str().unwrap().to_string();
    b["content"] = json!(format!("{text}\n{EVIL}"));
    let corpus = dir.join("pair.jsonl");
    std::fs::write(&corpus, format!("{a}\n{b}\n")).unwrap();
    let page = dir.join("diff.html");
    ok(&naql_output(&[
        "diff",
        corpus.to_str().unwrap(),
        "22910",
        "23485",
        "--format",
        "html",
        "-o",
        page.to_str().unwrap(),
    ]));
    page
}

const PROBE: &str = r#"
const q = s => Array.from(document.querySelectorAll(s));
const table = document.querySelector('table.diff');
const a = q('td.a').find(td => td.textContent.trim().length > 20);
const b = q('td.b').find(td => td.textContent.trim().length > 20);
return {
  dir: document.documentElement.dir,
  direction: getComputedStyle(table).direction,
  a_cells: q('td.a').filter(td => td.textContent.trim()).length,
  b_cells: q('td.b').filter(td => td.textContent.trim()).length,
  a_right_of_b: a.getBoundingClientRect().left > b.getBoundingClientRect().left,
  changed_rows: q('tr.changed').length,
  dels: q('tr.changed del').map(e => e.textContent),
  inss: q('tr.changed ins').map(e => e.textContent),
  only_b: q('tr.only_b td.b').map(e => e.textContent),
  summary: document.querySelector('.summary').textContent,
  heads: q('th').map(e => e.textContent),
  scripts: document.scripts.length,
  images: document.images.length,
  pwned: document.body.getAttribute('data-pwned'),
  evil_text: document.body.textContent.includes("<script>document.body.setAttribute"),
};
"#;

/// Opens `page` in headless Chromium, runs `script` in it and returns its result, with a
/// screenshot saved as `target/browser/{shot}` (to look at after a run).
fn probe(driver: &Driver, page: &std::path::Path, script: &str, shot: &str) -> (Value, Vec<u8>) {
    let port = driver.port;
    let caps = json!({"capabilities": {"alwaysMatch": {"goog:chromeOptions": {
        "args": ["--headless", "--no-sandbox", "--disable-gpu", "--window-size=1400,1000"]
    }}}});
    let session = call(port, "POST", "/session", Some(&caps));
    let id = session["sessionId"].as_str().unwrap().to_string();
    let url = format!("file://{}", page.display());
    call(
        port,
        "POST",
        &format!("/session/{id}/url"),
        Some(&json!({"url": url})),
    );
    let v = call(
        port,
        "POST",
        &format!("/session/{id}/execute/sync"),
        Some(&json!({"script": script, "args": []})),
    );
    let shot_b64 = call(port, "GET", &format!("/session/{id}/screenshot"), None);
    let png = base64::engine::general_purpose::STANDARD
        .decode(shot_b64.as_str().unwrap())
        .unwrap();
    let out = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("../browser");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join(shot), &png).unwrap();
    call(port, "DELETE", &format!("/session/{id}"), None);
    (v, png)
}

#[test]
fn the_diff_page_renders_right_to_left_with_changes_highlighted_and_no_foreign_script() {
    let Some(driver) = start_driver() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let page = write_page(dir.path());
    let (v, png) = probe(&driver, &page, PROBE, "diff.png");

    assert_eq!(v["dir"], "rtl", "{v:#}");
    assert_eq!(v["direction"], "rtl");
    assert!(v["a_cells"].as_u64().unwrap() >= 3 && v["b_cells"].as_u64().unwrap() >= 3);
    assert_eq!(
        v["a_right_of_b"], true,
        "A is the first column of a right-to-left page"
    );
    // The copy rewords the wire story: changed rows carry highlighted words on both sides.
    assert!(v["changed_rows"].as_u64().unwrap() >= 1, "{v:#}");
    assert!(!v["dels"].as_array().unwrap().is_empty() || !v["inss"].as_array().unwrap().is_empty());
    assert!(v["heads"][0].as_str().unwrap().contains("22910"));
    assert!(v["summary"].as_str().unwrap().contains("Jaccard"));
    // The hostile markup arrived as text and did nothing.
    assert_eq!(v["scripts"], 0);
    assert_eq!(v["images"], 0);
    assert_eq!(v["pwned"], Value::Null);
    assert_eq!(v["evil_text"], true);
    assert!(
        v["only_b"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t.as_str().unwrap().contains("<script>"))
    );
    // A real PNG was written.
    assert_eq!(&png[1..4], b"PNG");
}

const STORY_PROBE: &str = r##"
const q = s => Array.from(document.querySelectorAll(s));
const links = q('a[href^="#"]').map(a => a.getAttribute('href').slice(1));
const heading = document.querySelector('h2.story bdi');
return {
  dir: document.documentElement.dir,
  stories: q('section.story').length,
  toc: q('nav.toc a').length,
  centres: q('tr.centre').length,
  links: links.length,
  dangling: links.filter(id => !document.getElementById(id)),
  diffs: q('table.diff').length,
  heading: heading.textContent,
  heading_direction: getComputedStyle(heading).direction,
  scripts: document.scripts.length,
};
"##;

#[test]
fn the_story_page_links_resolve_and_every_story_has_its_centre() {
    let Some(driver) = start_driver() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("stories.html");
    let root = env!("CARGO_MANIFEST_DIR");
    ok(&naql_output(&[
        "report",
        "--level",
        "story",
        "-q",
        "-o",
        page.to_str().unwrap(),
        &format!("{root}/fixtures/seeds"),
        &format!("{root}/fixtures/saudinewsnet-sample.jsonl"),
    ]));
    let (v, png) = probe(&driver, &page, STORY_PROBE, "stories.png");
    assert_eq!(v["dir"], "rtl", "{v:#}");
    let stories = v["stories"].as_u64().unwrap();
    assert!(stories >= 10, "{v:#}");
    // One contents entry and one highlighted centre article per story.
    assert_eq!(v["toc"].as_u64(), Some(stories));
    assert_eq!(v["centres"].as_u64(), Some(stories));
    // Every in-page link (contents, article → its diff, moved sentences) lands somewhere.
    assert!(v["links"].as_u64().unwrap() > stories);
    assert_eq!(v["dangling"], json!([]), "{v:#}");
    assert!(v["diffs"].as_u64().unwrap() >= stories);
    // English headings stay left to right inside the right-to-left page.
    assert!(
        v["heading"].as_str().unwrap().starts_with("Story 1"),
        "{v:#}"
    );
    assert_eq!(v["heading_direction"], "ltr");
    assert_eq!(v["scripts"], 0);
    assert_eq!(&png[1..4], b"PNG");
}

/// Where the characters of the A header's date land on screen, and whether any bidi control
/// is left in the page.
const BIDI_PROBE: &str = r#"
const th = document.querySelector('th.a');
const node = th.querySelector('.date').firstChild;
const s = node.textContent;
const at = s.indexOf('2020-01-01');
const left = i => { const r = document.createRange(); r.setStart(node, i); r.setEnd(node, i + 1);
  return r.getBoundingClientRect().left; };
return {
  head: s,
  at: at,
  first_left: at < 0 ? null : left(at),
  last_left: at < 0 ? null : left(at + 9),
  controls: /[\u202A-\u202E\u2066-\u2069]/.test(document.documentElement.innerHTML),
};
"#;

/// Issue #12 item 10: an unclosed U+202E in a source must not reverse the date after it in
/// the diff page's header (it did: the date read 10-10-2020).
#[test]
fn an_unclosed_override_in_a_source_does_not_reverse_the_header() {
    let Some(driver) = start_driver() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let text = "قصفت الطائرات مواقع المسلحين شمال المدينة فجر الأحد وقال مسؤول إن الهجوم أسفر";
    let recs = [
        json!({"id": "a", "source": "\u{202E}okaz", "date": "2020-01-01", "text": text}),
        json!({"id": "b", "source": "sabq\u{2067}", "date": "2020-01-02", "text": text}),
    ];
    let corpus = dir.path().join("bidi.jsonl");
    std::fs::write(&corpus, format!("{}\n{}\n", recs[0], recs[1])).unwrap();
    let page = dir.path().join("bidi.html");
    ok(&naql_output(&[
        "diff",
        corpus.to_str().unwrap(),
        "a",
        "b",
        "--format",
        "html",
        "-o",
        page.to_str().unwrap(),
    ]));
    let (v, _) = probe(&driver, &page, BIDI_PROBE, "bidi.png");
    assert!(v["at"].as_i64().unwrap() >= 0, "{v:#}");
    assert_eq!(v["controls"], false, "{v:#}");
    // A date reads left to right even on a right-to-left page: its first digit is left of
    // its last.
    assert!(
        v["first_left"].as_f64().unwrap() < v["last_left"].as_f64().unwrap(),
        "{v:#}"
    );
}

const REUSE_PROBE: &str = r##"
const q = s => Array.from(document.querySelectorAll(s));
const refs = q('sup.refs a[href^="#"]');
const section = e => e.closest('section').id;
const plain = q('mark.reused:not(.boilerplate)')[0];
const muted = q('mark.reused.boilerplate')[0];
return {
  dir: document.documentElement.dir,
  text_direction: getComputedStyle(document.querySelector('div.text')).direction,
  docs: q('section.doc').length,
  marks: q('mark.reused').length,
  boilerplate: q('mark.reused.boilerplate').length,
  plain_background: getComputedStyle(plain).backgroundColor,
  muted_background: muted ? getComputedStyle(muted).backgroundColor : null,
  muted_color: muted ? getComputedStyle(muted).color : null,
  refs: refs.length,
  dangling: refs.map(a => a.getAttribute('href').slice(1)).filter(id => !document.getElementById(id)),
  same_doc: refs.filter(a => section(document.getElementById(a.getAttribute('href').slice(1))) === section(a)).length,
  single: q('mark.reused').filter(m => m.querySelectorAll('a[id]').length === 1)
    .map(m => [m.querySelector('a[id]').id, m.textContent]),
  evil_link: refs.filter(a => section(a) === 'dEVIL_DOC').length,
  rows: q('table.outlets tbody tr').length,
  cols: q('table.outlets thead th').length - 1,
  scripts: document.scripts.length,
  images: document.images.length,
  pwned: document.body.getAttribute('data-pwned'),
  evil_text: document.body.textContent.includes("<script>document.body.setAttribute"),
};
"##;

/// Issue #15: the `naql reuse --format html` page over the sample plus an article that copies
/// one of them and carries hostile markup. Every highlighted passage is the original text of
/// its span, every link lands on the other document's passage, boilerplate is muted.
#[test]
fn the_reuse_page_highlights_the_spans_and_links_each_passage_to_its_other_side() {
    let Some(driver) = start_driver() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let lines: Vec<String> = std::fs::read_to_string(SAMPLE)
        .unwrap()
        .lines()
        .map(String::from)
        .collect();
    let copied: Value = serde_json::from_str(&lines[2]).unwrap();
    let evil = json!({"id": "evil", "source": "hostile", "date_extracted": "2015-08-01 00:00:00",
        "content": format!("{EVIL}\n{}\n{EVIL}", copied["content"].as_str().unwrap())});
    let corpus = dir.path().join("reuse.jsonl");
    std::fs::write(&corpus, format!("{}\n{evil}\n", lines.join("\n"))).unwrap();
    let page = dir.path().join("reuse.html");
    let c = corpus.to_str().unwrap();
    ok(&naql_output(&[
        "reuse",
        c,
        "--format",
        "html",
        "-q",
        "-o",
        page.to_str().unwrap(),
    ]));
    let links: Vec<Value> = ok(&naql_output(&["reuse", c, "-q"]))
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let probe_js = REUSE_PROBE.replace("EVIL_DOC", &lines.len().to_string());
    let (v, png) = probe(&driver, &page, &probe_js, "reuse.png");
    assert_eq!(v["dir"], "rtl", "{v:#}");
    assert_eq!(v["text_direction"], "rtl");
    assert!(v["docs"].as_u64().unwrap() >= 100, "{v:#}");
    assert!(v["marks"].as_u64().unwrap() >= v["docs"].as_u64().unwrap());
    // Every end of every link is a link on the page, to a passage of another document.
    assert_eq!(v["refs"].as_u64().unwrap() as usize, 2 * links.len());
    assert_eq!(v["dangling"], json!([]), "{v:#}");
    assert_eq!(v["same_doc"], 0);
    assert!(v["evil_link"].as_u64().unwrap() >= 1, "{v:#}");
    // Boilerplate is there and shown muted, unlike the other passages.
    assert!(v["boilerplate"].as_u64().unwrap() >= 1);
    assert_ne!(v["muted_background"], v["plain_background"]);
    assert_eq!(v["muted_color"], "rgb(136, 136, 136)");
    // A passage that is one link end shows exactly the characters of its span.
    let single = v["single"].as_array().unwrap();
    assert!(single.len() >= 5, "{v:#}");
    let texts: std::collections::HashMap<String, String> = lines
        .iter()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .chain([evil.clone()])
        .map(|r| {
            let id = r["id"].to_string().trim_matches('"').to_string();
            (id, r["content"].as_str().unwrap().to_string())
        })
        .collect();
    for s in single {
        let (anchor, shown) = (s[0].as_str().unwrap(), s[1].as_str().unwrap());
        let (k, side) = anchor[1..].split_at(anchor.len() - 2);
        let l = &links[k.parse::<usize>().unwrap()];
        let (id, span) = (&l[side], &l[format!("{side}_span")]);
        let text = &texts[id.as_str().unwrap()];
        let (a, b) = (
            span[0].as_u64().unwrap() as usize,
            span[1].as_u64().unwrap() as usize,
        );
        let want: String = text.chars().skip(a).take(b - a).collect();
        assert_eq!(shown, want.replace(['\r', '\t'], " "), "{anchor}");
    }
    // The outlet table is square: every outlet is a row and a column.
    assert_eq!(v["rows"], v["cols"]);
    assert!(v["rows"].as_u64().unwrap() >= 10);
    // The hostile markup arrived as text and did nothing.
    assert_eq!(v["scripts"], 0);
    assert_eq!(v["images"], 0);
    assert_eq!(v["pwned"], Value::Null);
    assert_eq!(v["evil_text"], true);
    assert_eq!(&png[1..4], b"PNG");
}

/// The copy report's layout (#13 items 7–9): column widths, whole dates, isolated header
/// fields, and the contents and members tables.
const LAYOUT_PROBE: &str = r#"
const q = s => Array.from(document.querySelectorAll(s));
const w = e => e.getBoundingClientRect().width;
const th = s => document.querySelector('table.diff th.' + s);
const head = th('a');
const tag = document.createRange();
tag.setStart(head.firstChild, 0); tag.setEnd(head.firstChild, 1);
const id = head.querySelector('bdi');
const h1 = q('h1 bdi');
return {
  a: w(th('a')), m: w(th('m')), b: w(th('b')),
  dates: q('.date').length,
  broken_dates: q('.date').filter(e => e.getClientRects().length > 1).map(e => e.textContent),
  tag: head.firstChild.textContent.slice(0, 1),
  tag_left: tag.getBoundingClientRect().left,
  id_right: id.getBoundingClientRect().right,
  toc: q('nav.toc li').map(li => li.textContent),
  members: q('table.members').map(t => t.querySelectorAll('tbody tr').length),
  clusters: q('section.cluster').length,
  diff_links: q('table.members a').filter(a => document.getElementById(a.getAttribute('href').slice(1))).length,
  h1: h1.map(e => e.textContent),
};
"#;

/// What the diff page's title looks like: its isolated fields in the order they appear.
const TITLE_PROBE: &str = r#"
const parts = Array.from(document.querySelectorAll('h1 bdi'));
return parts.map(e => ({text: e.textContent, left: e.getBoundingClientRect().left,
                        right: e.getBoundingClientRect().right,
                        lines: e.getClientRects().length}));
"#;

#[test]
fn the_copy_report_gives_the_texts_the_width_and_keeps_header_fields_apart() {
    let Some(driver) = start_driver() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("report.html");
    ok(&naql_output(&[
        "report",
        "-q",
        "-o",
        page.to_str().unwrap(),
        SAMPLE,
    ]));
    let (v, png) = probe(&driver, &page, LAYOUT_PROBE, "report.png");
    // The marker column is a marker's width: the two texts share the page (at 1,400 px it
    // took about a third, ~450 px).
    let (a, m, b) = (
        v["a"].as_f64().unwrap(),
        v["m"].as_f64().unwrap(),
        v["b"].as_f64().unwrap(),
    );
    assert!(m < 60.0, "marker column {m} px: {v:#}");
    assert!((a - b).abs() < 2.0 && a > 600.0, "{v:#}");
    // Every date is on one line.
    assert!(v["dates"].as_u64().unwrap() > 100, "{v:#}");
    assert_eq!(v["broken_dates"], json!([]), "{v:#}");
    // "A:" stands right of the id that follows it (a right-to-left header reads A first).
    assert_eq!(v["tag"], "A");
    assert!(
        v["tag_left"].as_f64().unwrap() >= v["id_right"].as_f64().unwrap() - 1.0,
        "{v:#}"
    );
    // The contents name each cluster's outlets, dates and representative headline; each
    // cluster has its members table, representative included, every B linked to its diff.
    let toc = v["toc"].as_array().unwrap();
    assert_eq!(toc.len() as u64, v["clusters"].as_u64().unwrap());
    let first = toc[0].as_str().unwrap();
    assert!(first.contains("9 reports, 7 outlets: 3alyoum"), "{first}");
    assert!(first.contains("2015-08-06 … 2015-08-07"), "{first}");
    assert!(first.contains("مفتي عام المملكة"), "{first}");
    let members: Vec<u64> = v["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_u64().unwrap())
        .collect();
    assert_eq!(members.len(), toc.len());
    assert_eq!(members[0], 9);
    let diffs: u64 = members.iter().map(|n| n - 1).sum();
    assert_eq!(v["diff_links"].as_u64(), Some(diffs));
    assert_eq!(&png[1..4], b"PNG");
}

#[test]
fn the_diff_title_keeps_its_fields_in_order() {
    let Some(driver) = start_driver() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("title.html");
    ok(&naql_output(&[
        "diff",
        SAMPLE,
        "24008",
        "22911",
        "--format",
        "html",
        "-o",
        page.to_str().unwrap(),
    ]));
    let (v, _) = probe(&driver, &page, TITLE_PROBE, "title.png");
    let parts = v.as_array().unwrap();
    let text: Vec<&str> = parts.iter().map(|p| p["text"].as_str().unwrap()).collect();
    assert_eq!(text[0], "naql diff", "{v:#}");
    assert_eq!(text[1], "24008", "{v:#}");
    // "naql diff" then the id, left to right, on the first line: not "24008 :naql diff".
    assert!(
        parts[0]["right"].as_f64().unwrap() <= parts[1]["left"].as_f64().unwrap(),
        "{v:#}"
    );
}
