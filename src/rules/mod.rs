//! Detection rules in Elastic formats.
