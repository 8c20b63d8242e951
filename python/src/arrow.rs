//! Records to Arrow: the JSONL the pipeline wrote, decoded by arrow-json into one record
//! batch per chunk, and handed to Python through the Arrow C data interface (the
//! `__arrow_c_array__` protocol that `pyarrow.record_batch` reads), so no pyarrow is linked.

use std::ffi::CStr;
use std::sync::{Arc, Mutex};

use arrow_array::ffi::{FFI_ArrowArray, FFI_ArrowSchema};
use arrow_array::{Array, RecordBatch, StructArray};
use arrow_schema::Schema;
use pyo3::prelude::*;
use pyo3::types::{PyCapsule, PyTuple};

use crate::{Done, ZhpipeError};
use zhpipe::DocError;

const SCHEMA_CAPSULE: &CStr = c"arrow_schema";
const ARRAY_CAPSULE: &CStr = c"arrow_array";

/// The schema of a `pyarrow.Schema` (or any object with `__arrow_c_schema__`).
pub fn import_schema(obj: &Bound<'_, PyAny>) -> PyResult<Arc<Schema>> {
    let capsule = obj.call_method0("__arrow_c_schema__")?;
    let capsule = capsule.cast::<PyCapsule>()?;
    let ptr = capsule.pointer_checked(Some(SCHEMA_CAPSULE))?;
    // SAFETY: a capsule named `arrow_schema` holds an `ArrowSchema` (the PyCapsule
    // protocol); it is only read here, and the capsule outlives the borrow.
    let ffi = unsafe { ptr.cast::<FFI_ArrowSchema>().as_ref() };
    let schema = Schema::try_from(ffi)
        .map_err(|e| ZhpipeError::new_err(format!("cannot read the Arrow schema: {e}")))?;
    Ok(Arc::new(schema))
}

/// A chunk's records as one batch, and the documents that failed.
pub struct Decoded {
    pub batch: Result<RecordBatch, String>,
    pub errors: Vec<(String, DocError)>,
}

/// Decodes the records of a chunk's documents into one batch of `schema`.
pub fn decode(schema: Arc<Schema>, done: Vec<Done>) -> Decoded {
    let mut errors = Vec::new();
    let rows: usize = done.iter().map(|(_, r)| r.as_ref().map_or(0, |j| j.lines().count())).sum();
    let batch = (|| {
        let mut decoder = arrow_json::ReaderBuilder::new(Arc::clone(&schema))
            .with_batch_size(rows.max(1))
            .with_strict_mode(true)
            .build_decoder()
            .map_err(|e| e.to_string())?;
        for (id, res) in done {
            match res {
                Ok(jsonl) => {
                    let mut rest = jsonl.as_bytes();
                    while !rest.is_empty() {
                        let n = decoder.decode(rest).map_err(|e| format!("{id}: {e}"))?;
                        if n == 0 {
                            return Err(format!("{id}: the decoder took no bytes"));
                        }
                        rest = &rest[n..];
                    }
                }
                Err(e) => errors.push((id, e)),
            }
        }
        Ok(decoder
            .flush()
            .map_err(|e| e.to_string())?
            .unwrap_or_else(|| RecordBatch::new_empty(schema)))
    })();
    Decoded { batch, errors }
}

/// One record batch, exported once through `__arrow_c_array__`.
#[pyclass(frozen, module = "zhpipe._zhpipe")]
pub struct Batch {
    pub batch: Mutex<Option<RecordBatch>>,
}

#[pymethods]
impl Batch {
    /// The Arrow PyCapsule protocol: `(schema capsule, array capsule)`.
    #[pyo3(signature = (requested_schema=None))]
    fn __arrow_c_array__<'py>(
        &self,
        py: Python<'py>,
        requested_schema: Option<Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyTuple>> {
        let _ = requested_schema;
        let batch = self
            .batch
            .lock()
            .map_err(|_| ZhpipeError::new_err("batch lock poisoned"))?
            .take()
            .ok_or_else(|| ZhpipeError::new_err("the batch was already exported"))?;
        let schema = FFI_ArrowSchema::try_from(batch.schema().as_ref())
            .map_err(|e| ZhpipeError::new_err(e.to_string()))?;
        let array = FFI_ArrowArray::new(&StructArray::from(batch).to_data());
        let schema = PyCapsule::new_with_value(py, schema, SCHEMA_CAPSULE)?;
        let array = PyCapsule::new_with_value(py, array, ARRAY_CAPSULE)?;
        PyTuple::new(py, [schema.into_any(), array.into_any()])
    }
}
