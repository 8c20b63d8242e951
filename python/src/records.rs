//! Records to Python objects: the JSONL the pipeline wrote, parsed by serde_json straight
//! into `dict`, `list`, `str`, `int`, `float`, `bool` and `None` (what `json.loads` gives,
//! key order kept), through a [`DeserializeSeed`] with no intermediate tree.
//!
//! Parsing is a small part of the cost; making Python objects is most of it. So:
//! - keys (and short string values: `type`, `kind`, `lang`, speaker ids and names) come
//!   from a process-wide cache of `str` objects: a record's twenty-odd keys cost a lookup
//!   each instead of an allocation plus a hash (a cached `str` keeps its hash);
//! - lists are made at their final size (items are collected first);
//! - the cyclic garbage collector is paused while a batch of records is made: records
//!   hold no cycles, and a collection every 700 new containers would otherwise walk the
//!   young records again and again, and soon everything the caller keeps.

use std::collections::HashMap;
use std::fmt;
use std::marker::PhantomData;
use std::sync::{Mutex, MutexGuard};

use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyList, PyString};
use rustc_hash::FxBuildHasher;
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

use crate::ZhpipeError;

/// String values longer than this (in UTF-8 bytes) are not cached: long values (texts,
/// URLs, dates) rarely repeat. Keys are always cached.
const MAX_CACHED_VALUE: usize = 24;
/// The cache stops growing at this many strings (a few hundred KB), so a stream of
/// distinct short values cannot grow it without bound.
const MAX_CACHED: usize = 16_384;

type Cache = HashMap<Box<str>, Py<PyString>, FxBuildHasher>;

static CACHE: Mutex<Cache> = Mutex::new(HashMap::with_hasher(FxBuildHasher));

/// Makes Python records from JSONL; holds the GIL, the string cache and the paused
/// collector for as long as it lives.
pub struct Builder<'py> {
    py: Python<'py>,
    cache: MutexGuard<'static, Cache>,
    _gc: GcPause<'py>,
}

impl<'py> Builder<'py> {
    pub fn new(py: Python<'py>) -> Self {
        // Only ever locked with the GIL held, so never contended; a panic while it was
        // held leaves a cache of valid strings.
        let cache = CACHE.lock().unwrap_or_else(|e| e.into_inner());
        Builder { py, cache, _gc: GcPause::new(py) }
    }

    /// The records of `jsonl` (one JSON object per line) as a list.
    pub fn records(&mut self, jsonl: &str) -> PyResult<Bound<'py, PyList>> {
        let mut out = Vec::with_capacity(jsonl.bytes().filter(|&b| b == b'\n').count() + 1);
        for line in jsonl.lines().filter(|l| !l.is_empty()) {
            let mut de = serde_json::Deserializer::from_str(line);
            let value = Seed { py: self.py, cache: &mut self.cache, key: false }
                .deserialize(&mut de)
                .and_then(|v| de.end().map(|()| v))
                .map_err(|e| ZhpipeError::new_err(format!("record does not parse: {e}")))?;
            out.push(value);
        }
        PyList::new(self.py, out)
    }
}

/// One JSON value to make; `key` when it is an object's key (always cached).
struct Seed<'c, 'py> {
    py: Python<'py>,
    cache: &'c mut Cache,
    key: bool,
}

impl<'py> Seed<'_, 'py> {
    /// A seed for a value inside this one, borrowing the same cache.
    fn child(&mut self, key: bool) -> Seed<'_, 'py> {
        Seed { py: self.py, cache: &mut *self.cache, key }
    }
}

fn py_err<E: de::Error>(e: PyErr) -> E {
    E::custom(e)
}

impl<'de, 'py> DeserializeSeed<'de> for Seed<'_, 'py> {
    type Value = Bound<'py, PyAny>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de, 'py> Visitor<'de> for Seed<'_, 'py> {
    type Value = Bound<'py, PyAny>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(self.py.None().into_bound(self.py))
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        Ok(PyBool::new(self.py, v).to_owned().into_any())
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(v.into_pyobject(self.py).map_or_else(|e| match e {}, Bound::into_any))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(v.into_pyobject(self.py).map_or_else(|e| match e {}, Bound::into_any))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        Ok(PyFloat::new(self.py, v).into_any())
    }

    /// A `str`, from the cache when it is there or may be added (serde_json calls this for
    /// strings with escapes, `visit_borrowed_str` forwarding here for the rest).
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        if !self.key && v.len() > MAX_CACHED_VALUE {
            return Ok(PyString::new(self.py, v).into_any());
        }
        if let Some(hit) = self.cache.get(v) {
            return Ok(hit.bind(self.py).clone().into_any());
        }
        let new = PyString::new(self.py, v);
        if self.cache.len() < MAX_CACHED {
            self.cache.insert(v.into(), new.clone().unbind());
        }
        Ok(new.into_any())
    }

    fn visit_seq<A: SeqAccess<'de>>(mut self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(v) = seq.next_element_seed(self.child(false))? {
            items.push(v);
        }
        Ok(PyList::new(self.py, items).map_err(py_err)?.into_any())
    }

    fn visit_map<A: MapAccess<'de>>(mut self, mut map: A) -> Result<Self::Value, A::Error> {
        let dict = PyDict::new(self.py);
        while let Some(k) = map.next_key_seed(self.child(true))? {
            let v = map.next_value_seed(self.child(false))?;
            dict.set_item(k, v).map_err(py_err)?;
        }
        Ok(dict.into_any())
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
