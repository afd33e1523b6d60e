//! Alert output formats.
