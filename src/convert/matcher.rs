//! A leftmost-longest replacer specialised for conversion dictionaries.
//!
//! Leftmost-longest matching equals OpenCC's position-by-position longest-prefix scan: at
//! each position the longest key starting there is replaced, else one character is copied.
//! Most characters of a text start no key at all (ASCII, punctuation, characters both
//! scripts share), so the scan asks a per-code-point table first — one load says whether
//! the character is a key by itself and whether longer keys start with it — and copies runs
//! of untouched characters in bulk. Only characters that start longer keys walk a trie
//! whose nodes keep their children as a sorted, contiguous run of characters (searched by
//! bisection): the children of a common character stay in cache, where a hash table of
//! edges would cost a cache miss per probe.
//!
//! A replacer ([`Matcher::replacer`]) mostly avoids even that search: see [`local`].

mod local;
mod table;

/// Per code point: no key starts with it.
const NONE: u32 = 0;
/// Bit of an info word: longer keys continue from this node.
const MORE: u32 = 1 << 31;
/// Low bits of an info word: value index + 1 (0: the node ends no key, or for a
/// [`Matcher::replacer`] a one-character key that maps to itself).
const VALUE: u32 = MORE - 1;
/// Bits of a character's kind: it is a key that changes text; longer keys start with it;
/// (for a [`Matcher::replacer`]) its output may depend on which key covers it, see
/// [`local`].
const KIND_VALUE: u8 = 1;
const KIND_MORE: u8 = 2;
const KIND_TRIGGER: u8 = 4;

/// Decodes the character starting at byte `i` of a valid UTF-8 string: its code point and
/// length. A code point, not a `char`: the scan only indexes tables with it, and `char`'s
/// validity check costs as much as the decoding (the input is a `str`, so it always holds).
#[inline(always)]
fn char_at(b: &[u8], i: usize) -> (u32, usize) {
    let b0 = b[i];
    if b0 < 0x80 {
        (u32::from(b0), 1)
    } else if b0 < 0xE0 {
        ((u32::from(b0 & 0x1F) << 6) | u32::from(b[i + 1] & 0x3F), 2)
    } else if b0 < 0xF0 {
        let cp = (u32::from(b0 & 0x0F) << 12)
            | (u32::from(b[i + 1] & 0x3F) << 6)
            | u32::from(b[i + 2] & 0x3F);
        (cp, 3)
    } else {
        let cp = (u32::from(b0 & 0x07) << 18)
            | (u32::from(b[i + 1] & 0x3F) << 12)
            | (u32::from(b[i + 2] & 0x3F) << 6)
            | u32::from(b[i + 3] & 0x3F);
        (cp, 4)
    }
}

/// A leftmost-longest replacer over a set of `(key, value)` pairs.
#[derive(Clone, Default)]
pub struct Matcher {
    /// Kind of each character ([`KIND_VALUE`], [`KIND_MORE`], [`KIND_TRIGGER`]), indexed
    /// by code point (up to the largest): a byte per character keeps the table of the
    /// characters a text uses in cache; the scan reads nothing else for a character no key
    /// starts with.
    kinds: Vec<u8>,
    /// Info word of each first character, indexed by code point.
    first: Vec<u32>,
    /// Children of each first character with [`MORE`]: a range of the trie arrays.
    first_kids: Vec<(u32, u32)>,
    /// Trie nodes below the first character, siblings contiguous and sorted: the
    /// character, the info word and the range of the node's own children.
    chars: Vec<u32>,
    info: Vec<u32>,
    kids: Vec<(u32, u32)>,
    /// A Bloom filter of the first two characters of keys longer than one character (one bit
    /// per hash, [`PAIR_BITS`] bits): most characters that start some longer key are not
    /// followed by a second character of one, and the filter (in L1/L2 cache) says so
    /// without searching the trie.
    pairs: Vec<u64>,
    /// For a [`Matcher::replacer`] or [`Matcher::with_inner`]: a Bloom filter of the
    /// adjacent character pairs inside keys longer than one character (same size and hash as `pairs`). Where a text's pair
    /// is not in it, no key can cover both characters: every parse has a boundary there.
    inner: Vec<u64>,
    /// For a [`Matcher::replacer`]: a Bloom filter (same size and hash as `pairs`) of the
    /// adjacent character pairs of keys that hold a trigger's changed character: the pair
    /// ending at it and the pair starting at it. A trigger whose pairs with both neighbours
    /// in the text are not in it is covered, under any parse, by no key that changes it (see
    /// [`local`]).
    around: Vec<u64>,
    /// Whether some key holds an ASCII character (else ASCII bytes are skipped).
    ascii_keys: bool,
    /// All values concatenated; `spans[i]` is value `i + 1`.
    buf: String,
    spans: Vec<(u32, u32)>,
    /// For a [`Matcher::replacer`]: by code point (the Basic Multilingual Plane), what the
    /// character becomes alone when that is one character, else NUL.
    alone: Vec<char>,
    /// For a [`Matcher::replacer`]: `alone` with NUL also at the triggers. The scan writes
    /// every character from it — changed or not — and looks closer only at a NUL (a
    /// trigger, or a character that does not become one character): one load from a table
    /// the text's characters keep in cache and no data-dependent choice between copying a
    /// run and replacing, which depends on the text and so is often mispredicted (one in six
    /// characters of Traditional text changes under t2s): ~30 % less CPU time for a t2s
    /// conversion than that choice, ~10 % for s2t.
    writes: Vec<char>,
    /// For a [`Matcher::replacer`]: by value index, whether the value is that of a key longer
    /// than one character and is not what its characters become alone (see
    /// [`Matcher::for_each_changing_phrase`]).
    changing: Vec<bool>,
}

/// Bits of the pair filter: 2^19 bits (64 KiB) keep false positives under ~10% with the
/// ~40 000 two-character prefixes of STPhrases. A 32 KiB filter was slower.
///
/// The scan is bound by memory latency (the pair-filter load and the trie's binary search),
/// not by instructions. Measured and slower or no faster in that search, so not worth
/// repeating: writing every character from a per-code-point table (no choice between
/// copying a run and replacing: fewer mispredictions, +19 % instructions, no wall-clock
/// gain; a replacer, which searches far less, does gain from it: see `writes`); classifying a
/// chunk of 128 characters first and walking only the listed ones (more instructions and
/// D1 misses); the first trie level as an open-addressing table of character pairs.
const PAIR_BITS: u32 = 19;

#[inline(always)]
fn pair_hash(a: u32, b: u32) -> usize {
    let h = (a.wrapping_mul(0x9E37_79B1) ^ b).wrapping_mul(0x85EB_CA77);
    (h >> (32 - PAIR_BITS)) as usize
}

fn set_bit(bits: &mut [u64], h: usize) {
    bits[h >> 6] |= 1 << (h & 63);
}

#[inline(always)]
fn has_bit(bits: &[u64], h: usize) -> bool {
    bits[h >> 6] & (1 << (h & 63)) != 0
}

/// A key as characters, and its info word's value part.
type Key<'a> = (&'a [char], u32);

impl Matcher {
    /// Builds from pairs whose keys are unique and non-empty.
    pub fn new<K: AsRef<str>, V: AsRef<str>>(pairs: &[(K, V)]) -> Matcher {
        Matcher::build(pairs, true, false)
    }

    /// Like [`Matcher::new`], with the filter of adjacent character pairs inside keys that
    /// [`Matcher::for_each_match_covering`] needs.
    #[cfg(test)]
    pub fn with_inner<K: AsRef<str>, V: AsRef<str>>(pairs: &[(K, V)]) -> Matcher {
        Matcher::build(pairs, true, true)
    }

    /// Like [`Matcher::new`], for [`Matcher::replace_into`] only: one-character keys that
    /// map to themselves are left out (replacing them changes nothing), so the scan copies
    /// those characters in bulk, and keys are only searched for around the characters
    /// whose output depends on them ([`local`]). [`Matcher::for_each_span`] would not
    /// report them.
    pub fn replacer<K: AsRef<str>, V: AsRef<str>>(pairs: &[(K, V)]) -> Matcher {
        Matcher::build(pairs, false, true)
    }

    fn build<K: AsRef<str>, V: AsRef<str>>(
        pairs: &[(K, V)],
        identity: bool,
        inner: bool,
    ) -> Matcher {
        let mut m = Matcher::default();
        // Every key's characters in one buffer (tens of thousands of keys: one allocation).
        let mut chars = Vec::with_capacity(pairs.iter().map(|(k, _)| k.as_ref().len()).sum());
        let mut spans = Vec::with_capacity(pairs.len());
        for (k, v) in pairs {
            let (k, v) = (k.as_ref(), v.as_ref());
            let start = chars.len();
            // Pushed one by one: `extend` from `Chars` reserves per key.
            for c in k.chars() {
                chars.push(c);
            }
            let len = chars.len() - start;
            assert!(len > 0, "dictionary keys are non-empty");
            let value = if !identity && len == 1 && k == v { 0 } else { m.push_value(v) };
            spans.push((start..chars.len(), value));
        }
        let mut keys: Vec<Key> = spans.into_iter().map(|(r, value)| (&chars[r], value)).collect();
        // OpenCC's files are sorted; a union of a few is a few sorted runs, which the stable
        // sort merges in about linear time (keys are unique, so the order is the same).
        keys.sort();
        let max = keys.iter().map(|k| k.0[0] as usize).max().map_or(0, |c| c + 1);
        let max_any = chars.iter().max().map_or(0, |c| *c as usize + 1);
        m.first = vec![NONE; max];
        m.kinds = vec![0; max_any];
        m.first_kids = vec![(0, 0); max];
        m.ascii_keys = keys.iter().any(|k| k.0.iter().any(char::is_ascii));
        m.pairs = vec![0; 1 << (PAIR_BITS - 6)];
        for (k, _) in keys.iter().filter(|k| k.0.len() > 1) {
            set_bit(&mut m.pairs, pair_hash(k[0] as u32, k[1] as u32));
        }
        if inner {
            m.inner = vec![0; 1 << (PAIR_BITS - 6)];
            for (k, _) in keys.iter().filter(|k| k.0.len() > 1) {
                k.windows(2)
                    .for_each(|w| set_bit(&mut m.inner, pair_hash(w[0] as u32, w[1] as u32)));
            }
        }
        // A node per distinct key prefix: at most one per key character.
        m.chars.reserve(chars.len());
        m.info.reserve(chars.len());
        m.kids.reserve(chars.len());
        for group in keys.chunk_by(|a, b| a.0[0] == b.0[0]) {
            let c = group[0].0[0] as usize;
            let (info, longer) = node_info(group, 1);
            m.first[c] = info;
            m.kinds[c] |=
                u8::from(info & VALUE != 0) * KIND_VALUE + u8::from(info & MORE != 0) * KIND_MORE;
            if !longer.is_empty() {
                m.first_kids[c] = m.layout(longer, 1);
            }
        }
        if !identity {
            local::mark_triggers(&mut m, &keys);
        }
        m
    }

    /// Lays out the children of a node at `depth` whose longer keys are `keys` (sorted):
    /// siblings first, contiguous, then each child's own children. Returns their range.
    fn layout(&mut self, keys: &[Key<'_>], depth: usize) -> (u32, u32) {
        let start = self.chars.len();
        // Two passes over the groups (siblings first, then their children), no list of them.
        let groups = || keys.chunk_by(|a, b| a.0[depth] == b.0[depth]);
        for g in groups() {
            self.chars.push(g[0].0[depth] as u32);
            self.info.push(node_info(g, depth + 1).0);
            self.kids.push((0, 0));
        }
        let count = self.chars.len() - start;
        for (i, g) in groups().enumerate() {
            let longer = node_info(g, depth + 1).1;
            if !longer.is_empty() {
                self.kids[start + i] = self.layout(longer, depth + 1);
            }
        }
        (start as u32, count as u32)
    }

    fn push_value(&mut self, v: &str) -> u32 {
        let start = self.buf.len() as u32;
        self.buf.push_str(v);
        self.spans.push((start, self.buf.len() as u32));
        self.spans.len() as u32
    }

    #[inline]
    fn value(&self, info: u32) -> &str {
        let (s, e) = self.spans[(info & VALUE) as usize - 1];
        &self.buf[s as usize..e as usize]
    }

    /// The longest key starting at byte `i`, whose character `c` is `n` bytes long and has
    /// kind `kind`: its end and info word, if it changes text.
    #[inline]
    fn longest(&self, b: &[u8], i: usize, n: usize, c: u32, kind: u8) -> Option<(usize, u32)> {
        let single = || (kind & KIND_VALUE != 0).then(|| (i + n, self.first[c as usize]));
        let mut j = i + n;
        if kind & KIND_MORE == 0 || j >= b.len() {
            return single();
        }
        if !has_bit(&self.pairs, pair_hash(c, char_at(b, j).0)) {
            return single();
        }
        let mut best = None;
        let (mut start, mut len) = self.first_kids[c as usize];
        while j < b.len() {
            let (d, m) = char_at(b, j);
            let (s, e) = (start as usize, (start + len) as usize);
            let Ok(k) = self.chars[s..e].binary_search(&d) else { break };
            j += m;
            let info = self.info[s + k];
            if info & VALUE != 0 {
                best = Some((j, info));
            }
            if info & MORE == 0 {
                break;
            }
            (start, len) = self.kids[s + k];
        }
        best.or_else(single)
    }

    /// Calls `f(start, end, value)` for every leftmost-longest match of `text`, in order.
    #[inline]
    fn for_each_match(&self, text: &str, mut f: impl FnMut(usize, usize, &str)) {
        let b = text.as_bytes();
        let mut i = 0;
        while i < b.len() {
            if b[i] < 0x80 && !self.ascii_keys {
                i += 1;
                continue;
            }
            let (c, n) = char_at(b, i);
            let kind = self.kind(c) & (KIND_VALUE | KIND_MORE);
            if kind == 0 {
                i += n;
                continue;
            }
            match self.longest(b, i, n, c, kind) {
                Some((end, v)) => {
                    f(i, end, self.value(v));
                    i = end;
                }
                None => i += n,
            }
        }
    }

    /// Whether some key occurs in `text`.
    pub fn finds_any(&self, text: &str) -> bool {
        let mut found = false;
        self.for_each_match(text, |_, _, _| found = true);
        found
    }

    /// The character kind of `c`.
    #[inline(always)]
    fn kind(&self, c: u32) -> u8 {
        self.kinds.get(c as usize).copied().unwrap_or(0)
    }

    /// Appends `text` to `out` with every leftmost-longest match replaced by its value.
    pub fn replace_into(&self, text: &str, out: &mut String) {
        // Only a replacer has its triggers marked (and its `alone` table).
        if self.alone.is_empty() {
            self.replace_scan(text, out)
        } else {
            self.replace_local(text, out)
        }
    }

    /// [`Matcher::replace_into`] by searching for the longest key at every position that
    /// starts one.
    fn replace_scan(&self, text: &str, out: &mut String) {
        let mut last = 0;
        self.for_each_match(text, |s, e, v| {
            out.push_str(&text[last..s]);
            out.push_str(v);
            last = e;
        });
        out.push_str(&text[last..]);
    }

    /// Calls `f(start, end, Some(value))` for each match and `f(start, end, None)` for each
    /// non-empty gap between matches, in order.
    pub fn for_each_span(&self, text: &str, mut f: impl FnMut(usize, usize, Option<&str>)) {
        let mut last = 0;
        self.for_each_match(text, |s, e, v| {
            if s > last {
                f(last, s, None);
            }
            f(s, e, Some(v));
            last = e;
        });
        if text.len() > last {
            f(last, text.len(), None);
        }
    }
}

/// The info word of the node that `keys` (sorted, sharing their first `depth` characters)
/// lead to, and those of them that are longer than `depth`.
fn node_info<'k, 'a>(keys: &'k [Key<'a>], depth: usize) -> (u32, &'k [Key<'a>]) {
    let (value, longer) = match keys.first() {
        Some((k, v)) if k.len() == depth => (*v, &keys[1..]),
        _ => (0, keys),
    };
    (value | if longer.is_empty() { 0 } else { MORE }, longer)
}
