//! Records to Python objects: the JSONL the pipeline wrote, parsed straight into `dict`,
//! `list`, `str`, `int`, `float`, `bool` and `None` (what `json.loads` gives, key order
//! kept), with no intermediate tree.
//!
//! Parsing is a small part of the cost; making Python objects is most of it. So:
//! - keys (and short string values: `type`, `kind`, `lang`, speaker ids and names) come
//!   from a process-wide cache of `str` objects: a record's twenty-odd keys cost a lookup
//!   each instead of an allocation plus a hash (a cached `str` keeps its hash);
//! - lists are made at their final size;
//! - the cyclic garbage collector is paused while a batch of records is made: records
//!   hold no cycles, and a collection every 700 new containers would otherwise walk the
//!   young records again and again, and soon everything the caller keeps.

use std::collections::HashMap;
use std::hash::BuildHasherDefault;
use std::marker::PhantomData;
use std::sync::Mutex;

use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyList, PyString};
use rustc_hash::FxHasher;

use crate::ZhpipeError;

/// Strings longer than this (in UTF-8 bytes) are not cached as values: long values
/// (texts, URLs, dates) rarely repeat.
const MAX_CACHED_VALUE: usize = 24;
/// The cache stops growing at this many strings (a few hundred KB), so a stream of
/// distinct short values cannot grow it without bound.
const MAX_CACHED: usize = 16_384;

type Cache = HashMap<Box<[u8]>, Py<PyString>, BuildHasherDefault<FxHasher>>;

static CACHE: Mutex<Option<Cache>> = Mutex::new(None);

/// Makes Python records from JSONL; holds the GIL, the string cache and the paused
/// collector for as long as it lives.
pub struct Builder<'py> {
    py: Python<'py>,
    cache: std::sync::MutexGuard<'static, Option<Cache>>,
    _gc: GcPause<'py>,
    scratch: String,
}

impl<'py> Builder<'py> {
    pub fn new(py: Python<'py>) -> Self {
        // Only ever locked with the GIL held, so never contended; a panic while it was
        // held leaves a cache of valid strings.
        let mut cache = CACHE.lock().unwrap_or_else(|e| e.into_inner());
        cache.get_or_insert_with(Cache::default);
        Builder { py, cache, _gc: GcPause::new(py), scratch: String::new() }
    }

    /// The records of `jsonl` (one JSON object per line) as a list.
    pub fn records(&mut self, jsonl: &str) -> PyResult<Bound<'py, PyList>> {
        let mut out = Vec::with_capacity(memchr::memchr_iter(b'\n', jsonl.as_bytes()).count());
        for line in jsonl.lines().filter(|l| !l.is_empty()) {
            let mut p = Parser { s: line, i: 0, b: self };
            let value = p.value().and_then(|v| match p.skip_ws() {
                None => Ok(v),
                Some(_) => Err(p.error("trailing characters")),
            });
            out.push(value.map_err(|e| {
                ZhpipeError::new_err(format!("record does not parse: {}", e.message))
            })?);
        }
        PyList::new(self.py, out)
    }

    /// A `str` for `s`, from the cache when it is there or may be added.
    fn string(&mut self, s: &str, cache: bool) -> Bound<'py, PyAny> {
        let py = self.py;
        let Some(map) = self.cache.as_mut() else { return PyString::new(py, s).into_any() };
        if let Some(hit) = map.get(s.as_bytes()) {
            return hit.bind(py).clone().into_any();
        }
        let new = PyString::new(py, s);
        if cache && map.len() < MAX_CACHED {
            map.insert(s.as_bytes().into(), new.clone().unbind());
        }
        new.into_any()
    }
}

/// Pauses the cyclic garbage collector while alive (if it was running); it runs again,
/// as before, when dropped. Tied to the GIL's lifetime: only changed with the GIL held.
struct GcPause<'py> {
    was_enabled: bool,
    _gil: PhantomData<Python<'py>>,
}

impl<'py> GcPause<'py> {
    fn new(_py: Python<'py>) -> Self {
        // SAFETY: called with the GIL held (`_py`); `PyGC_Disable` only flips a flag.
        let was_enabled = unsafe { pyo3::ffi::PyGC_Disable() } != 0;
        GcPause { was_enabled, _gil: PhantomData }
    }
}

impl Drop for GcPause<'_> {
    fn drop(&mut self) {
        if self.was_enabled {
            // SAFETY: the guard lives no longer than the GIL it was made under.
            unsafe { pyo3::ffi::PyGC_Enable() };
        }
    }
}

struct ParseError {
    message: String,
}

impl From<PyErr> for ParseError {
    fn from(e: PyErr) -> Self {
        ParseError { message: e.to_string() }
    }
}

/// A JSON parser over one line, making Python objects as it goes.
struct Parser<'a, 'b, 'py> {
    s: &'a str,
    i: usize,
    b: &'b mut Builder<'py>,
}

type Parsed<'py> = Result<Bound<'py, PyAny>, ParseError>;

impl<'py> Parser<'_, '_, 'py> {
    fn error(&self, what: &str) -> ParseError {
        ParseError { message: format!("{what} at byte {}", self.i) }
    }

    /// Skips whitespace; the next byte, if any.
    fn skip_ws(&mut self) -> Option<u8> {
        let bytes = self.s.as_bytes();
        while let Some(&c) = bytes.get(self.i) {
            if !matches!(c, b' ' | b'\t' | b'\n' | b'\r') {
                return Some(c);
            }
            self.i += 1;
        }
        None
    }

    fn expect(&mut self, c: u8) -> Result<(), ParseError> {
        if self.skip_ws() == Some(c) {
            self.i += 1;
            Ok(())
        } else {
            Err(self.error(&format!("expected `{}`", char::from(c))))
        }
    }

    fn value(&mut self) -> Parsed<'py> {
        let py = self.b.py;
        match self.skip_ws() {
            Some(b'{') => self.object(),
            Some(b'[') => self.array(),
            Some(b'"') => self.string(false),
            Some(b't') => self.literal("true", || PyBool::new(py, true).to_owned().into_any()),
            Some(b'f') => self.literal("false", || PyBool::new(py, false).to_owned().into_any()),
            Some(b'n') => self.literal("null", || py.None().into_bound(py)),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(_) => Err(self.error("unexpected character")),
            None => Err(self.error("unexpected end")),
        }
    }

    fn literal(&mut self, word: &str, make: impl FnOnce() -> Bound<'py, PyAny>) -> Parsed<'py> {
        if self.s[self.i..].starts_with(word) {
            self.i += word.len();
            Ok(make())
        } else {
            Err(self.error("unexpected word"))
        }
    }

    fn object(&mut self) -> Parsed<'py> {
        self.i += 1; // `{`
        let dict = PyDict::new(self.b.py);
        if self.skip_ws() == Some(b'}') {
            self.i += 1;
            return Ok(dict.into_any());
        }
        loop {
            if self.skip_ws() != Some(b'"') {
                return Err(self.error("expected a key"));
            }
            let key = self.string(true)?;
            self.expect(b':')?;
            let value = self.value()?;
            dict.set_item(key, value)?;
            match self.skip_ws() {
                Some(b',') => self.i += 1,
                Some(b'}') => {
                    self.i += 1;
                    return Ok(dict.into_any());
                }
                _ => return Err(self.error("expected `,` or `}`")),
            }
        }
    }

    fn array(&mut self) -> Parsed<'py> {
        self.i += 1; // `[`
        let mut items = Vec::new();
        if self.skip_ws() == Some(b']') {
            self.i += 1;
        } else {
            loop {
                items.push(self.value()?);
                match self.skip_ws() {
                    Some(b',') => self.i += 1,
                    Some(b']') => {
                        self.i += 1;
                        break;
                    }
                    _ => return Err(self.error("expected `,` or `]`")),
                }
            }
        }
        Ok(PyList::new(self.b.py, items)?.into_any())
    }

    /// A string at `self.i` (its opening quote). Keys are always cached; values when short.
    fn string(&mut self, key: bool) -> Parsed<'py> {
        let start = self.i + 1;
        let bytes = self.s.as_bytes();
        let Some(end) = memchr::memchr2(b'"', b'\\', &bytes[start..]).map(|n| start + n) else {
            return Err(self.error("unterminated string"));
        };
        if bytes[end] == b'"' {
            // No escapes: the text as it is (both ends are ASCII, so char boundaries).
            self.i = end + 1;
            let text = &self.s[start..end];
            return Ok(self.b.string(text, key || text.len() <= MAX_CACHED_VALUE));
        }
        let mut text = std::mem::take(&mut self.b.scratch);
        text.clear();
        self.i = start;
        let res = self.unescape(&mut text);
        let out = res.map(|()| self.b.string(&text, key));
        self.b.scratch = text;
        out
    }

    /// Reads the string's text from `self.i` to its closing quote, escapes resolved.
    fn unescape(&mut self, out: &mut String) -> Result<(), ParseError> {
        let bytes = self.s.as_bytes();
        loop {
            let Some(n) = memchr::memchr2(b'"', b'\\', &bytes[self.i..]) else {
                return Err(self.error("unterminated string"));
            };
            out.push_str(&self.s[self.i..self.i + n]);
            self.i += n + 1;
            if bytes[self.i - 1] == b'"' {
                return Ok(());
            }
            let c = match bytes.get(self.i) {
                Some(b'"') => '"',
                Some(b'\\') => '\\',
                Some(b'/') => '/',
                Some(b'b') => '\u{8}',
                Some(b'f') => '\u{c}',
                Some(b'n') => '\n',
                Some(b'r') => '\r',
                Some(b't') => '\t',
                Some(b'u') => {
                    self.i += 1;
                    let hi = self.hex4()?;
                    let c = if (0xD800..0xDC00).contains(&hi) && self.s[self.i..].starts_with("\\u")
                    {
                        self.i += 2;
                        let lo = self.hex4()?;
                        if !(0xDC00..0xE000).contains(&lo) {
                            return Err(self.error("unpaired surrogate"));
                        }
                        char::from_u32(0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00))
                    } else {
                        char::from_u32(hi)
                    };
                    out.push(c.ok_or_else(|| self.error("unpaired surrogate"))?);
                    continue;
                }
                _ => return Err(self.error("bad escape")),
            };
            out.push(c);
            self.i += 1;
        }
    }

    fn hex4(&mut self) -> Result<u32, ParseError> {
        let digits = self.s.get(self.i..self.i + 4).ok_or_else(|| self.error("bad \\u escape"))?;
        let n = u32::from_str_radix(digits, 16).map_err(|_| self.error("bad \\u escape"))?;
        self.i += 4;
        Ok(n)
    }

    /// An integer as `int`, anything with a fraction or exponent as `float` (correctly
    /// rounded, as `json.loads` reads it).
    fn number(&mut self) -> Parsed<'py> {
        let py = self.b.py;
        let bytes = self.s.as_bytes();
        let start = self.i;
        let mut float = false;
        while let Some(&c) = bytes.get(self.i) {
            match c {
                b'0'..=b'9' | b'-' | b'+' => {}
                b'.' | b'e' | b'E' => float = true,
                _ => break,
            }
            self.i += 1;
        }
        let text = &self.s[start..self.i];
        let bad = || ParseError { message: format!("bad number `{text}` at byte {start}") };
        if float {
            let v: f64 = text.parse().map_err(|_| bad())?;
            return Ok(PyFloat::new(py, v).into_any());
        }
        let int = match text.parse::<i64>() {
            Ok(v) => v.into_pyobject(py),
            Err(_) => text.parse::<u64>().map_err(|_| bad())?.into_pyobject(py),
        };
        Ok(int.map_or_else(|e| match e {}, Bound::into_any))
    }
}
