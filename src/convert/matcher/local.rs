//! Replacing without searching at every position: keys only matter where they change the
//! output.
//!
//! Most keys of a conversion dictionary are phrases whose value is, character by
//! character, what each of their characters becomes alone (STPhrases' `发展` → `發展` is
//! `发` → `發` and `展` → `展`): they decide how the text is parsed, not what comes out.
//! A character is a *trigger* when some key changes it differently from its own
//! one-character value (`发` in `头发` → `頭髮`), or sits in a key whose value does not line
//! up with its characters. Every other character becomes its one-character value under any
//! parse. So the scan writes each of them as it comes and, at a trigger, finds the parse there
//! exactly: it steps back to the nearest position that no key can straddle (the pair of
//! characters around it is inside no key: a boundary of every parse, the true one
//! included), discards what it wrote from there, and runs the leftmost-longest search
//! forward until the trigger is covered — which ends on a boundary of the true parse. The
//! output is the same as [`Matcher::replace_scan`]'s (unit tests compare the two on random
//! dictionaries, and on the real ones); only ≈ 6 % of Chinese text's characters are
//! triggers of s2t, so most characters skip the search.

use super::{
    char_at, has_bit, pair_hash, set_bit, Key, Matcher, KIND_MORE, KIND_TRIGGER, KIND_VALUE,
    PAIR_BITS, VALUE,
};

/// Marks the triggers of a replacer's `keys` (see the module docs) in its kinds.
pub(super) fn mark_triggers(m: &mut Matcher, keys: &[Key<'_>]) {
    // By code point in the Basic Multilingual Plane (beyond it, in `astral`): the
    // character's output alone, NUL when that is not one character. Only the plane is a
    // table: the dictionaries' keys reach far into the extension planes, and a table up to
    // the largest of them would cost more to fill than the keys there.
    let mut alone: Vec<char> = (0..0x10000u32).map(|c| char::from_u32(c).unwrap_or('\0')).collect();
    let mut astral = rustc_hash::FxHashMap::default();
    for (k, v) in keys.iter().filter(|k| k.0.len() == 1 && k.1 != 0) {
        let out = only_char(m.value(*v)).unwrap_or('\0');
        match alone.get_mut(k[0] as usize) {
            Some(a) => *a = out,
            None => {
                astral.insert(k[0], out);
            }
        }
    }
    let alone_of = |c: char| match alone.get(c as usize) {
        Some(&a) => a,
        None => astral.get(&c).copied().unwrap_or(c),
    };
    let mut triggers = Vec::new();
    let mut changing = vec![false; m.spans.len() + 1];
    let mut around = vec![0; 1 << (PAIR_BITS - 6)];
    for (k, v) in keys.iter().filter(|k| k.0.len() > 1) {
        let value = m.value(*v);
        let lined_up = value.chars().count() == k.len() && k.iter().all(|c| alone_of(*c) != '\0');
        let mut value = value.chars();
        let before = triggers.len();
        for (j, c) in k.iter().enumerate() {
            if !lined_up || value.next() != Some(alone_of(*c)) {
                triggers.push(*c);
                if j > 0 {
                    set_bit(&mut around, pair_hash(k[j - 1] as u32, *c as u32));
                }
                if let Some(&d) = k.get(j + 1) {
                    set_bit(&mut around, pair_hash(*c as u32, d as u32));
                }
            }
        }
        changing[(*v & VALUE) as usize] = triggers.len() > before;
    }
    m.changing = changing;
    m.around = around;
    for c in triggers {
        m.kinds[c as usize] |= KIND_TRIGGER;
    }
    m.alone = alone;
    m.fill_writes();
}

fn only_char(s: &str) -> Option<char> {
    let mut cs = s.chars();
    match (cs.next(), cs.next()) {
        (Some(c), None) => Some(c),
        _ => None,
    }
}

/// The character ending just before byte `i` of a valid UTF-8 string, and its length.
#[inline(always)]
fn char_before(b: &[u8], i: usize) -> (u32, usize) {
    let mut s = i - 1;
    while b[s] & 0xC0 == 0x80 {
        s -= 1;
    }
    (char_at(b, s).0, i - s)
}

impl Matcher {
    /// Fills `writes` from `alone` and the triggers' kinds.
    pub(super) fn fill_writes(&mut self) {
        let trigger = |c: usize| self.kinds.get(c).is_some_and(|k| k & KIND_TRIGGER != 0);
        self.writes = self
            .alone
            .iter()
            .enumerate()
            .map(|(c, &a)| if trigger(c) { '\0' } else { a })
            .collect();
    }

    /// [`Matcher::replace_into`] for a replacer: the search only around triggers.
    pub(super) fn replace_local(&self, text: &str, out: &mut String) {
        self.replace_around_triggers(text, out, |t, s, i, o| self.search_past(t, s, i, o));
    }

    /// [`Matcher::replace_local`] with the phrases that change the output checked as they are
    /// found: `cuts(start, end)` gives, for each match [`Matcher::for_each_changing_phrase`]
    /// reports, the offsets strictly inside it where the text must be cut (usually none).
    /// The output is that of converting the pieces between all those cuts separately, as
    /// searching the whole text for them first and then converting piece by piece does,
    /// without the separate search: the pieces only differ from the whole text's parse
    /// between a cut match and the next boundary of every parse after it, which is the only
    /// text converted again.
    pub fn replace_local_cut(
        &self,
        text: &str,
        out: &mut String,
        mut cuts: impl FnMut(usize, usize) -> Vec<usize>,
    ) {
        self.replace_around_triggers(text, out, |t, s, i, o| {
            match self.search_past_checked(t, s, i, o, &mut cuts) {
                Ok(end) => end,
                Err((start, end, first)) => self.cut_region(t, start, end, first, o, &mut cuts),
            }
        });
    }

    /// The scan both replacements share: each character is written as it comes, most of
    /// them with one load from `writes` (what the character becomes alone, the character
    /// itself when nothing changes it: no choice between copying and replacing to
    /// mispredict); at a trigger, the text from the true parse's last boundary before it
    /// (`rewind`) is handed to `past(text, start, trigger, out)`, which writes it and
    /// returns where the scan goes on (a boundary of the true parse).
    #[inline(always)]
    fn replace_around_triggers(
        &self,
        text: &str,
        out: &mut String,
        mut past: impl FnMut(&str, usize, usize, &mut String) -> usize,
    ) {
        let b = text.as_bytes();
        // Everything before `i` is written; `floor`: a boundary of the true parse.
        let (mut i, mut floor) = (0, 0);
        while i < b.len() {
            if b[i] < 0x80 && !self.ascii_keys {
                let s = i;
                i += 1;
                while i < b.len() && b[i] < 0x80 {
                    i += 1;
                }
                out.push_str(&text[s..i]);
                continue;
            }
            let (c, n) = char_at(b, i);
            match self.writes.get(c as usize) {
                Some(&w) if w != '\0' => out.push(w),
                _ if self.kind(c) & KIND_TRIGGER != 0 && self.may_change(b, i, n, c) => {
                    let s = self.rewind(text, floor, i, (i, c), out);
                    i = past(text, s, i, out);
                    floor = i;
                    continue;
                }
                _ if self.kind(c) & KIND_VALUE != 0 => {
                    out.push_str(self.value(self.first[c as usize]))
                }
                _ => out.push_str(&text[i..i + n]),
            }
            i += n;
        }
    }

    /// Whether the trigger `c` (`n` bytes at `i`) may be covered by a key that changes it
    /// from its own value: only a key holding the pair it forms with a neighbour in the text
    /// can (every key longer than one character holds one of them), and a common trigger
    /// (`发`: `头发` → `頭髮`) mostly stands next to characters no such key pairs it with
    /// (`发展`). Otherwise every parse writes its own value, as for any other character.
    #[inline(always)]
    fn may_change(&self, b: &[u8], i: usize, n: usize, c: u32) -> bool {
        (i > 0 && has_bit(&self.around, pair_hash(char_before(b, i).0, c)))
            || (i + n < b.len() && has_bit(&self.around, pair_hash(c, char_at(b, i + n).0)))
    }

    /// [`Matcher::search_past`], stopping before the first match of a phrase that changes the
    /// output which `cuts` cuts: `Err` with the match and its cuts (the output then ends at
    /// the match's start).
    fn search_past_checked(
        &self,
        text: &str,
        s: usize,
        at: usize,
        out: &mut String,
        cuts: &mut impl FnMut(usize, usize) -> Vec<usize>,
    ) -> Result<usize, (usize, usize, Vec<usize>)> {
        let b = text.as_bytes();
        let mut p = s;
        while p <= at {
            let (c, n) = char_at(b, p);
            match self.longest(b, p, n, c, self.kind(c)) {
                Some((end, v)) => {
                    let value = self.value(v);
                    if self.changing(v) {
                        let inside = cuts(p, end);
                        if !inside.is_empty() {
                            return Err((p, end, inside));
                        }
                    }
                    out.push_str(value);
                    p = end;
                }
                None => {
                    out.push_str(&text[p..p + n]);
                    p += n;
                }
            }
        }
        Ok(p)
    }

    /// For [`Matcher::replace_local_cut`]: the match `start..end`, a boundary of the whole
    /// text's parse at `start`, is cut at `first`. Follows the whole text's parse on to the
    /// next boundary of every parse, gathering the cuts of the phrases it meets, writes the
    /// pieces from `start` to there converted separately and returns where they end.
    fn cut_region(
        &self,
        text: &str,
        start: usize,
        end: usize,
        first: Vec<usize>,
        out: &mut String,
        cuts: &mut impl FnMut(usize, usize) -> Vec<usize>,
    ) -> usize {
        let b = text.as_bytes();
        let mut all = first;
        let mut p = end;
        while p < b.len() {
            let (next, n) = char_at(b, p);
            if !has_bit(&self.inner, pair_hash(char_before(b, p).0, next)) {
                break;
            }
            match self.longest(b, p, n, next, self.kind(next)) {
                Some((e, v)) => {
                    if self.changing(v) {
                        all.extend(cuts(p, e));
                    }
                    p = e;
                }
                None => p += n,
            }
        }
        let mut from = start;
        for cut in all {
            self.replace_local(&text[from..cut], out);
            from = cut;
        }
        self.replace_local(&text[from..p], out);
        p
    }

    /// Whether the match of `key` by `value` is one [`Matcher::for_each_changing_phrase`]
    /// reports: a phrase whose value is not what its characters become alone.
    fn changes(&self, key: &str, value: &str) -> bool {
        key.chars().nth(1).is_some() && !self.lines_up(key, value)
    }

    /// [`Matcher::changes`] for a match with info word `info`, from the table.
    #[inline(always)]
    fn changing(&self, info: u32) -> bool {
        self.changing[(info & VALUE) as usize]
    }

    /// Calls `f(start, end, value)` for every leftmost-longest match (those
    /// [`Matcher::for_each_span`] reports) that covers a character for which `marked`
    /// holds, in order, searching only around those characters: from the nearest boundary
    /// of every parse before one (as [`Matcher::replace_local`] does) until it is covered.
    /// Needs the inner-pair filter ([`Matcher::with_inner`]).
    pub fn for_each_match_covering(
        &self,
        text: &str,
        marked: impl Fn(char) -> bool,
        mut f: impl FnMut(usize, usize, &str),
    ) {
        debug_assert!(!self.inner.is_empty(), "built without the inner-pair filter");
        let b = text.as_bytes();
        // `floor`: a boundary of the true parse, everything before it searched.
        let (mut i, mut floor) = (0, 0);
        while i < b.len() {
            if b[i] < 0x80 && !self.ascii_keys {
                i += 1;
                continue;
            }
            let (c, n) = char_at(b, i);
            if !marked(char::from_u32(c).unwrap_or('\u{FFFD}')) {
                i += n;
                continue;
            }
            let (mut s, mut next) = (i, c);
            while s > floor {
                let (prev, m) = char_before(b, s);
                if !has_bit(&self.inner, pair_hash(prev, next)) {
                    break;
                }
                s -= m;
                next = prev;
            }
            let mut p = s;
            while p <= i {
                let (c, n) = char_at(b, p);
                match self.longest(b, p, n, c, self.kind(c) & (KIND_VALUE | KIND_MORE)) {
                    Some((end, v)) => {
                        f(p, end, self.value(v));
                        p = end;
                    }
                    None => p += n,
                }
            }
            (i, floor) = (p, p);
        }
    }

    /// For a replacer: calls `f(start, end, value)` for every leftmost-longest match of a key
    /// longer than one character whose value is not what its characters become alone (the
    /// phrases that change the output, `头发` → `頭髮`, not `发展` → `發展`), in order. Such a
    /// match covers a trigger, so only the text around triggers is searched
    /// ([`Matcher::for_each_match_covering`]).
    pub fn for_each_changing_phrase(&self, text: &str, mut f: impl FnMut(usize, usize, &str)) {
        debug_assert!(!self.alone.is_empty(), "not a replacer");
        let trigger = |c: char| self.kind(c as u32) & KIND_TRIGGER != 0;
        self.for_each_match_covering(text, trigger, |s, e, v| {
            if self.changes(&text[s..e], v) {
                f(s, e, v);
            }
        });
    }

    /// Whether `value` is, character by character, what the characters of `key` become alone.
    fn lines_up(&self, key: &str, value: &str) -> bool {
        let mut value = value.chars();
        key.chars().all(|c| {
            let alone = match self.alone.get(c as usize) {
                Some(&a) => a,
                None if self.kind(c as u32) & KIND_VALUE != 0 => {
                    only_char(self.value(self.first[c as usize])).unwrap_or('\0')
                }
                None => c,
            };
            alone != '\0' && value.next() == Some(alone)
        }) && value.next().is_none()
    }

    /// Steps back from the trigger `c` at `at` to the nearest boundary of every parse (not
    /// below `floor`) and leaves in `out` the output of the text before it. Returns it.
    #[inline(always)]
    fn rewind(
        &self,
        text: &str,
        floor: usize,
        last: usize,
        (at, c): (usize, u32),
        out: &mut String,
    ) -> usize {
        let b = text.as_bytes();
        let (mut s, mut next, mut written) = (at, c, 0);
        while s > floor {
            let (prev, m) = char_before(b, s);
            if !has_bit(&self.inner, pair_hash(prev, next)) {
                break;
            }
            s -= m;
            next = prev;
            if s < last {
                written += if self.kind(prev) & KIND_VALUE != 0 {
                    self.value(self.first[prev as usize]).len()
                } else {
                    m
                };
            }
        }
        if s >= last {
            out.push_str(&text[last..s]);
        } else {
            out.truncate(out.len() - written);
        }
        s
    }

    /// The leftmost-longest replacement from the parse boundary `s` until the match that
    /// covers byte `at` is written. Returns where it ends (a boundary of the parse).
    fn search_past(&self, text: &str, s: usize, at: usize, out: &mut String) -> usize {
        let b = text.as_bytes();
        let mut p = s;
        while p <= at {
            let (c, n) = char_at(b, p);
            match self.longest(b, p, n, c, self.kind(c)) {
                Some((end, v)) => {
                    out.push_str(self.value(v));
                    p = end;
                }
                None => {
                    out.push_str(&text[p..p + n]);
                    p += n;
                }
            }
        }
        p
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::Xorshift;

    /// A random string of 1 to `max` characters from a small alphabet, so keys overlap and
    /// run into each other.
    fn word(rng: &mut Xorshift, max: usize) -> String {
        const ALPHABET: [char; 7] = ['发', '头', '展', 'a', '后', '面', '干'];
        (0..1 + rng.below(max)).map(|_| ALPHABET[rng.below(ALPHABET.len())]).collect()
    }

    /// The characters a replacer marks as triggers, in code order.
    fn triggers(m: &Matcher) -> Vec<char> {
        let marked = |(c, k): (usize, &u8)| (k & KIND_TRIGGER != 0).then_some(c as u32);
        m.kinds.iter().enumerate().filter_map(marked).filter_map(char::from_u32).collect()
    }

    fn scan(m: &Matcher, text: &str) -> String {
        let mut out = String::new();
        m.replace_scan(text, &mut out);
        out
    }

    fn local(m: &Matcher, text: &str) -> String {
        let mut out = String::from("kept:");
        m.replace_local(text, &mut out);
        out.split_off(5)
    }

    /// A random dictionary of one to twelve keys; values are the key itself, a lined-up
    /// rewrite of some of its characters, or any word.
    fn random_pairs(rng: &mut Xorshift) -> Vec<(String, String)> {
        let mut pairs: Vec<(String, String)> = Vec::new();
        for _ in 0..1 + rng.below(12) {
            let key = word(rng, 4);
            if pairs.iter().any(|p| p.0 == key) {
                continue;
            }
            let value = match rng.below(3) {
                0 => key.clone(),
                1 => key.chars().map(|c| if rng.below(3) == 0 { 'X' } else { c }).collect(),
                _ => word(rng, 3),
            };
            pairs.push((key, value));
        }
        pairs
    }

    #[test]
    fn local_replacement_equals_the_search_at_every_position() {
        let mut rng = Xorshift::default();
        let mut triggered = 0;
        for _ in 0..3000 {
            let pairs = random_pairs(&mut rng);
            let m = Matcher::replacer(&pairs);
            assert!(!m.inner.is_empty());
            triggered += usize::from(!triggers(&m).is_empty());
            for _ in 0..10 {
                let text = word(&mut rng, 30);
                assert_eq!(local(&m, &text), scan(&m, &text), "{pairs:?} on {text:?}");
            }
        }
        assert!(triggered > 1000, "only {triggered} dictionaries had triggers");
    }

    /// Converting with the cuts found on the way equals finding every cut first (on the
    /// whole text's parse) and converting the pieces between them separately.
    fn cut_first(m: &Matcher, text: &str, cuts: &impl Fn(usize, usize) -> Vec<usize>) -> String {
        let mut all = Vec::new();
        m.for_each_changing_phrase(text, |s, e, _| all.extend(cuts(s, e)));
        let (mut out, mut from) = (String::new(), 0);
        for c in all {
            m.replace_local(&text[from..c], &mut out);
            from = c;
        }
        m.replace_local(&text[from..], &mut out);
        out
    }

    #[test]
    fn cutting_on_the_way_equals_cutting_first() {
        let mut rng = Xorshift::default();
        let mut cut = 0;
        for _ in 0..3000 {
            let pairs = random_pairs(&mut rng);
            let m = Matcher::replacer(&pairs);
            let seed = rng.below(1 << 20);
            for _ in 0..10 {
                let text = word(&mut rng, 30);
                // Cuts after some characters of some matches, fixed per match and dictionary.
                let cuts = |s: usize, e: usize| -> Vec<usize> {
                    let inner: Vec<usize> =
                        text[s..e].char_indices().skip(1).map(|(i, _)| s + i).collect();
                    inner
                        .into_iter()
                        .filter(|i| (i * 7 + e * 13 + seed).is_multiple_of(3))
                        .collect()
                };
                let want = cut_first(&m, &text, &cuts);
                let mut got = String::from("kept:");
                m.replace_local_cut(&text, &mut got, cuts);
                assert_eq!(got.split_off(5), want, "{pairs:?} on {text:?}");
                cut += usize::from(want != local(&m, &text));
            }
        }
        assert!(cut > 1000, "only {cut} texts were cut");
    }

    #[test]
    fn the_changing_table_agrees_with_the_characters() {
        let m = crate::convert::engine::s2t_replacer();
        let mut changing = 0;
        for (k, _) in crate::convert::DictId::StPhrasesAll.entries() {
            if k.chars().count() < 2 {
                continue;
            }
            let (c, n) = char_at(k.as_bytes(), 0);
            let kind = m.kind(c) & (KIND_VALUE | KIND_MORE);
            let (end, info) = m.longest(k.as_bytes(), 0, n, c, kind).expect("a key");
            if end == k.len() {
                assert_eq!(m.changing(info), m.changes(k, m.value(info)), "{k}");
                changing += usize::from(m.changing(info));
            }
        }
        assert!(changing > 1000, "{changing}");
    }

    #[test]
    fn covering_matches_are_the_full_scans_matches_over_marked_characters() {
        let mut rng = Xorshift::default();
        let mut reported = 0;
        for _ in 0..3000 {
            let pairs: Vec<(String, String)> =
                (0..1 + rng.below(12)).map(|_| (word(&mut rng, 4), String::new())).collect();
            let mut pairs: Vec<_> =
                pairs.into_iter().enumerate().map(|(i, (k, _))| (k, i.to_string())).collect();
            pairs.sort_by(|a, b| a.0.cmp(&b.0));
            pairs.dedup_by(|a, b| a.0 == b.0);
            let m = Matcher::with_inner(&pairs);
            let marked = |c: char| matches!(c, '发' | 'a');
            for _ in 0..10 {
                let text = word(&mut rng, 30);
                let mut want = Vec::new();
                m.for_each_span(&text, |s, e, v| {
                    if let Some(v) = v {
                        if text[s..e].chars().any(marked) {
                            want.push((s, e, v.to_string()));
                        }
                    }
                });
                let mut got = Vec::new();
                m.for_each_match_covering(&text, marked, |s, e, v| {
                    if text[s..e].chars().any(marked) {
                        got.push((s, e, v.to_string()));
                    }
                });
                assert_eq!(got, want, "{pairs:?} on {text:?}");
                reported += want.len();
            }
        }
        assert!(reported > 1000, "only {reported} matches compared");
    }

    #[test]
    fn phrases_that_line_up_trigger_only_where_they_differ() {
        let pairs = [
            ("发", "發"),
            ("头", "頭"),
            ("头发", "頭髮"),
            ("发展", "發展"),
            ("后", "後"),
            ("后面", "後面"),
            ("面", "麵"),
        ];
        // 发 is 發 alone but 髮 in 头发; 面 is 麵 alone but 面 in 后面; 头, 展, 后 are the same
        // alone as in every key.
        assert_eq!(triggers(&Matcher::replacer(&pairs)), ['发', '面']);
        // A value of another length makes every character of its key a trigger.
        let m = Matcher::replacer(&[("干", "幹"), ("干净", "乾淨了"), ("净", "淨")]);
        assert_eq!(triggers(&m), ['净', '干']);
    }

    #[test]
    fn real_dictionaries_replace_as_the_search_does() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
        let text: String = crate::input::files_under(&dir, &["txt"])
            .iter()
            .map(|p| String::from_utf8_lossy(&std::fs::read(p).unwrap()).into_owned())
            .collect();
        let mut checked = 0;
        for config in crate::convert::Config::ALL {
            let plan = crate::convert::engine::Plan::build(config, false);
            if let crate::convert::engine::Plan::Single(m) = &plan {
                assert_eq!(local(m, &text), scan(m, &text), "{config}");
                checked += 1;
            }
        }
        // s2t, t2s, t2tw, t2hk, tw2t, hk2t run as one pass.
        assert!(checked >= 6, "only {checked} configs run as one pass");
    }
}
