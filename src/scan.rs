//! The scan loop.
