//! Alerts: one per matching record per rule.
