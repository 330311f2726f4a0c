//! One exception base, `naql.Error`, and a subclass per layer of the library, so that Python
//! code can catch what it can handle. Messages are the library's, as the CLI prints them.

use pyo3::create_exception;
use pyo3::exceptions::PyException;
use pyo3::prelude::*;

create_exception!(naql, Error, PyException, "Base of every error naql raises.");
create_exception!(
    naql,
    ConfigError,
    Error,
    "A parameter out of range or unknown."
);
create_exception!(
    naql,
    ReadError,
    Error,
    "Input that cannot be read: a bad record (with its file or `records` and line), an unreadable file."
);
create_exception!(
    naql,
    IndexFileError,
    Error,
    "The on-disk index cannot be used (missing, other version, other parameters, corrupt)."
);
create_exception!(
    naql,
    IndexBusyError,
    IndexFileError,
    "Another job held the index longer than the wait (the CLI's exit code 4)."
);
create_exception!(
    naql,
    TableError,
    Error,
    "An IDF/LSA table (`naql idf`) cannot be used."
);

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("Error", py.get_type::<Error>())?;
    m.add("ConfigError", py.get_type::<ConfigError>())?;
    m.add("ReadError", py.get_type::<ReadError>())?;
    m.add("IndexFileError", py.get_type::<IndexFileError>())?;
    m.add("IndexBusyError", py.get_type::<IndexBusyError>())?;
    m.add("TableError", py.get_type::<TableError>())?;
    Ok(())
}

/// A library error as its Python exception.
pub fn py_err(e: impl Into<naql::Error>) -> PyErr {
    let e = e.into();
    let message = e.to_string();
    match e {
        naql::Error::Input(_) => ReadError::new_err(message),
        naql::Error::Table(_) => TableError::new_err(message),
        naql::Error::Index(i) if i.is_busy() => IndexBusyError::new_err(message),
        naql::Error::Index(_) => IndexFileError::new_err(message),
        naql::Error::Config(_) => ConfigError::new_err(message),
        _ => Error::new_err(message),
    }
}

/// A parameter error worded by the binding itself.
pub fn config_err(message: impl Into<String>) -> PyErr {
    ConfigError::new_err(message.into())
}
