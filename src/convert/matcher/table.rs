//! A replacer's tables as bytes, so that a process loads s2t's instead of building them.
//!
//! Building the s2t replacer (STPhrases and STCharacters: some 50 000 keys sorted, laid out
//! as a trie, their triggers marked) costs about 9 ms of CPU, most of a short conversion's
//! start-up; decoding the same tables from `data/s2t.mat` takes a fraction of that. The
//! dictionaries stay the source: the file is what `Matcher::to_bytes` (tests only) gives for the
//! replacer built from them, the test `s2t_table_is_current` fails when it is not
//! (regenerate with `UPDATE_CONVERT_TABLES=1 cargo test --lib convert::engine`), and a
//! process builds the replacer itself when the dictionaries' lengths differ from those the
//! file was made from.
//!
//! Layout (little-endian): `b"ZHMAT1\0\0"`, a u32 count of fingerprint words and the words,
//! then the fields in declaration order. The tables indexed by code point are mostly zero
//! and stored sparse (their length, then the entries that are not zero, or for `alone` not
//! the character itself); the others as a u32 count and their items.

use super::Matcher;

const MAGIC: &[u8; 8] = b"ZHMAT1\0\0";

/// What `alone` holds for a code point no key changes.
fn identity(c: u32) -> char {
    char::from_u32(c).unwrap_or('\0')
}

impl Matcher {
    /// The tables as bytes, after a `fingerprint` of what they were built from.
    #[cfg(test)]
    pub(crate) fn to_bytes(&self, fingerprint: &[u32]) -> Vec<u8> {
        let mut w = Writer(MAGIC.to_vec());
        w.u32s(fingerprint);
        let k: Vec<u32> = (0..self.kinds.len() as u32)
            .filter(|&c| self.kinds[c as usize] != 0)
            .flat_map(|c| [c, u32::from(self.kinds[c as usize])])
            .collect();
        w.u32(self.kinds.len() as u32);
        w.u32s(&k);
        let f: Vec<u32> = (0..self.first.len() as u32)
            .filter(|&c| self.first[c as usize] != 0 || self.first_kids[c as usize] != (0, 0))
            .flat_map(|c| {
                let (s, n) = self.first_kids[c as usize];
                [c, self.first[c as usize], s, n]
            })
            .collect();
        w.u32(self.first.len() as u32);
        w.u32s(&f);
        w.u32s(&self.chars);
        w.u32s(&self.info);
        w.pairs(&self.kids);
        w.u64s(&self.pairs);
        w.u64s(&self.inner);
        w.u64s(&self.around);
        w.u32(u32::from(self.ascii_keys));
        w.u32(self.buf.len() as u32);
        w.0.extend_from_slice(self.buf.as_bytes());
        w.pairs(&self.spans);
        let a: Vec<u32> = (0..self.alone.len() as u32)
            .filter(|&c| self.alone[c as usize] != identity(c))
            .flat_map(|c| [c, self.alone[c as usize] as u32])
            .collect();
        w.u32(self.alone.len() as u32);
        w.u32s(&a);
        w.u32(self.changing.len() as u32);
        w.0.extend(self.changing.iter().map(|&b| u8::from(b)));
        w.0
    }

    /// The tables [`Matcher::to_bytes`] wrote, when they were built from `fingerprint`.
    pub(crate) fn from_bytes(b: &[u8], fingerprint: &[u32]) -> Option<Matcher> {
        if b.get(..8) != Some(MAGIC) {
            return None;
        }
        let mut r = Reader { b, at: 8 };
        if r.u32s() != fingerprint {
            return None;
        }
        let mut m = Matcher { kinds: vec![0; r.u32() as usize], ..Matcher::default() };
        for e in r.u32s().chunks_exact(2) {
            m.kinds[e[0] as usize] = e[1] as u8;
        }
        let n = r.u32() as usize;
        (m.first, m.first_kids) = (vec![0; n], vec![(0, 0); n]);
        for e in r.u32s().chunks_exact(4) {
            m.first[e[0] as usize] = e[1];
            m.first_kids[e[0] as usize] = (e[2], e[3]);
        }
        m.chars = r.u32s();
        m.info = r.u32s();
        m.kids = r.pairs();
        m.pairs = r.u64s();
        m.inner = r.u64s();
        m.around = r.u64s();
        m.ascii_keys = r.u32() != 0;
        let n = r.u32() as usize;
        m.buf = std::str::from_utf8(r.take(n)).ok()?.to_owned();
        m.spans = r.pairs();
        m.alone = (0..r.u32()).map(identity).collect();
        for e in r.u32s().chunks_exact(2) {
            m.alone[e[0] as usize] = char::from_u32(e[1])?;
        }
        let n = r.u32() as usize;
        m.changing = r.take(n).iter().map(|&x| x != 0).collect();
        m.fill_writes();
        (r.at == b.len()).then_some(m)
    }
}

#[cfg(test)]
struct Writer(Vec<u8>);

#[cfg(test)]
impl Writer {
    fn u32(&mut self, x: u32) {
        self.0.extend_from_slice(&x.to_le_bytes());
    }
    fn u32s(&mut self, xs: &[u32]) {
        self.u32(xs.len() as u32);
        xs.iter().for_each(|x| self.0.extend_from_slice(&x.to_le_bytes()));
    }
    fn u64s(&mut self, xs: &[u64]) {
        self.u32(xs.len() as u32);
        xs.iter().for_each(|x| self.0.extend_from_slice(&x.to_le_bytes()));
    }
    fn pairs(&mut self, xs: &[(u32, u32)]) {
        let flat: Vec<u32> = xs.iter().flat_map(|&(a, b)| [a, b]).collect();
        self.u32s(&flat);
    }
}

/// Reads what [`Writer`] wrote; a short or damaged file panics (it is compiled in and
/// checked by a test).
struct Reader<'b> {
    b: &'b [u8],
    at: usize,
}

impl<'b> Reader<'b> {
    fn take(&mut self, n: usize) -> &'b [u8] {
        let s = &self.b[self.at..self.at + n];
        self.at += n;
        s
    }
    fn u32(&mut self) -> u32 {
        u32::from_le_bytes(self.take(4).try_into().expect("4 bytes"))
    }
    fn u32s(&mut self) -> Vec<u32> {
        let n = self.u32() as usize;
        let bytes = self.take(4 * n);
        bytes.chunks_exact(4).map(|c| u32::from_le_bytes(c.try_into().expect("4 bytes"))).collect()
    }
    fn u64s(&mut self) -> Vec<u64> {
        let n = self.u32() as usize;
        let bytes = self.take(8 * n);
        bytes.chunks_exact(8).map(|c| u64::from_le_bytes(c.try_into().expect("8 bytes"))).collect()
    }
    fn pairs(&mut self) -> Vec<(u32, u32)> {
        self.u32s().chunks_exact(2).map(|p| (p[0], p[1])).collect()
    }
}
