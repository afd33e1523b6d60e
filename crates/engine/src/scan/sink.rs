//! Where a scan's alerts go as they are raised: the one interface between the scan and what its
//! caller does with alerts (render them at once, post them to a page in parts, keep them whole).

use super::AlertKey;
use crate::alert::Alert;

/// Takes each alert as it is raised, in record order, with its key for settling repeats across
/// files ([`super::Merge`]); `None` for a record without an `eventID`, whose alerts are always new.
pub trait Sink {
    fn alert(&mut self, alert: Alert, key: Option<AlertKey>);
}

/// Keeps the alerts whole, with their keys.
impl Sink for Vec<(Alert, Option<AlertKey>)> {
    fn alert(&mut self, alert: Alert, key: Option<AlertKey>) {
        self.push((alert, key));
    }
}

/// A sink made of a closure.
pub struct FnSink<F>(pub F);

impl<F: FnMut(Alert, Option<AlertKey>)> Sink for FnSink<F> {
    fn alert(&mut self, alert: Alert, key: Option<AlertKey>) {
        (self.0)(alert, key)
    }
}
