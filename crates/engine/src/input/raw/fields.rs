//! The fields captured from a raw record, defined once: each field's path from the record's root
//! and what it must hold for the record to be well formed. The serde visitor, the fast path and
//! the fast ECS fields over parsed and raw records all work from this one table.
//!
//! Adding a field is a line in the table of `fields!` below (and a use of it); a nested field
//! names its whole path, after its parent (an [`Kind::Object`] field). The table is checked when
//! the crate compiles: a missing or later parent, a duplicate, too many fields fail the build.
//!
//! Depends on nothing else in the crate.

/// What a captured field must be for the record to be well formed, so that no ECS processor can
/// fail on its shape (absent and null always are).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Anything: the field tells what the record is, or one reader needs it for its own reasons.
    Any,
    /// A string.
    Str,
    /// An object. Its captured fields are read only when it is one.
    Object,
}

/// Declares [`Field`], the table behind it and [`Field::find`]: one line a field,
/// `Name = [path], Kind`.
macro_rules! fields {
    ($($name:ident = [$($key:literal),+], $kind:ident;)+) => {
        /// A captured field, named after its place in the record (`Identity*` are under
        /// `userIdentity`, `Issuer*` under its session issuer).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Field {
            $($name,)+
        }

        impl Field {
            /// Every field, in the table's order (a field's position is its index).
            pub const ALL: &[Field] = &[$(Field::$name,)+];

            /// An array with a value for each field, at its index: `make` is called once a field,
            /// in the table's order (an array written out, which the compiler builds in place).
            #[inline]
            pub(crate) fn array<T>(mut make: impl FnMut(Field) -> T) -> [T; Field::COUNT] {
                [$(make(Field::$name),)+]
            }

            /// Whether `test` holds for every field, tried in the table's order up to the first that
            /// fails (written out a field at a time, so that what is known of each field when the
            /// crate compiles, its kind, its path, is a constant in the test).
            #[inline(always)]
            pub fn all(mut test: impl FnMut(Field) -> bool) -> bool {
                true $(&& test(Field::$name))+
            }

            /// The field at `key` of the object at `level` (`None`: the record itself), if one
            /// is captured there. On the hot path: a `match` on the key, which the compiler
            /// turns into a jump on its length and a few word comparisons.
            #[inline(always)]
            pub(crate) fn find(level: Option<Field>, key: &str) -> Option<Field> {
                match key {
                    $(last!($($key),+) if level == const { Field::$name.parent() } => Some(Field::$name),)+
                    _ => None,
                }
            }
        }

        /// Each field's path and kind, in the order of [`Field`].
        const TABLE: &[(&[&str], Kind)] = &[$((&[$($key),+], Kind::$kind),)+];
    };
}

/// The last of a path's keys, as a pattern.
macro_rules! last {
    ($key:literal) => {
        $key
    };
    ($first:literal, $($rest:literal),+) => {
        last!($($rest),+)
    };
}

fields! {
    EventVersion = ["eventVersion"], Any;
    EventSource = ["eventSource"], Str;
    EventName = ["eventName"], Str;
    EventId = ["eventID"], Str;
    EventTime = ["eventTime"], Str;
    AwsRegion = ["awsRegion"], Str;
    // A string, for the outcome and the fast `aws.cloudtrail.error_code`; the message is checked
    // by the raw view's outcome itself (any value suits the document).
    ErrorCode = ["errorCode"], Str;
    ErrorMessage = ["errorMessage"], Any;
    SourceIpAddress = ["sourceIPAddress"], Str;
    UserAgent = ["userAgent"], Str;
    // `aws.cloudtrail.read_only` for the event index, when it is a boolean.
    ReadOnly = ["readOnly"], Any;
    // The three places `cloud.account.id` may come from, in the pipeline's order.
    RecipientAccountId = ["recipientAccountId"], Str;
    AwsAccountId = ["awsAccountId"], Str;
    RequestParameters = ["requestParameters"], Object;
    AdditionalEventData = ["additionalEventData"], Object;
    ServiceEventDetails = ["serviceEventDetails"], Object;
    TlsDetails = ["tlsDetails"], Object;
    ResponseElements = ["responseElements"], Object;
    ConsoleLogin = ["responseElements", "ConsoleLogin"], Str;
    UserIdentity = ["userIdentity"], Object;
    IdentityType = ["userIdentity", "type"], Str;
    IdentityUserName = ["userIdentity", "userName"], Str;
    IdentityArn = ["userIdentity", "arn"], Str;
    IdentityInvokedBy = ["userIdentity", "invokedBy"], Str;
    IdentityAccessKeyId = ["userIdentity", "accessKeyId"], Str;
    IdentityAccountId = ["userIdentity", "accountId"], Str;
    SessionContext = ["userIdentity", "sessionContext"], Object;
    SessionIssuer = ["userIdentity", "sessionContext", "sessionIssuer"], Object;
    IssuerArn = ["userIdentity", "sessionContext", "sessionIssuer", "arn"], Str;
    IssuerUserName = ["userIdentity", "sessionContext", "sessionIssuer", "userName"], Str;
    // Rules ask whether a call used an EC2 instance's role credentials.
    Ec2RoleDelivery = ["userIdentity", "sessionContext", "ec2RoleDelivery"], Any;
}

/// A set of fields, a bit each (at their index).
type Set = u64;

impl Field {
    /// How many fields there are.
    pub const COUNT: usize = Field::ALL.len();

    /// The field's position in the table, from 0 to [`Field::COUNT`].
    pub const fn index(self) -> usize {
        self as usize
    }

    /// The keys from the record's root to the field.
    pub const fn path(self) -> &'static [&'static str] {
        TABLE[self.index()].0
    }

    /// The field's own key, in its parent object.
    pub const fn key(self) -> &'static str {
        let path = self.path();
        path[path.len() - 1]
    }

    pub const fn kind(self) -> Kind {
        TABLE[self.index()].1
    }

    /// The object field it is in, `None` at the top level.
    pub const fn parent(self) -> Option<Field> {
        PARENTS[self.index()]
    }

    /// Whether fields are captured inside it.
    pub const fn has_fields(self) -> bool {
        DESCENDANTS[self.index()] != 0
    }

    /// The fields captured inside it, however deep.
    pub(crate) fn descendants(self) -> impl Iterator<Item = Field> {
        members(DESCENDANTS[self.index()])
    }
}

/// The fields of a set, in the table's order.
fn members(mut set: Set) -> impl Iterator<Item = Field> {
    std::iter::from_fn(move || {
        let field = Field::ALL.get(set.trailing_zeros() as usize).copied()?;
        set &= set - 1;
        Some(field)
    })
}

const fn same_key(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

const fn same_path(a: &[&str], b: &[&str]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if !same_key(a[i], b[i]) {
            return false;
        }
        i += 1;
    }
    true
}

/// Whether `inner` is under `outer` (a longer path through it).
const fn is_under(inner: &[&str], outer: &[&str]) -> bool {
    if inner.len() <= outer.len() {
        return false;
    }
    let mut i = 0;
    while i < outer.len() {
        if !same_key(inner[i], outer[i]) {
            return false;
        }
        i += 1;
    }
    true
}

/// Each field's parent, with the table's rules checked.
const PARENTS: [Option<Field>; Field::COUNT] = {
    assert!(Field::COUNT <= Set::BITS as usize, "more fields than a set holds");
    let mut parents = [None; Field::COUNT];
    let mut i = 0;
    while i < Field::COUNT {
        let path = TABLE[i].0;
        let mut j = 0;
        while j < Field::COUNT {
            let other = TABLE[j].0;
            assert!(i == j || !same_path(path, other), "a field twice");
            if other.len() + 1 == path.len() && is_under(path, other) {
                assert!(j < i, "a field before its parent");
                assert!(matches!(TABLE[j].1, Kind::Object), "fields inside a field that is not an object");
                parents[i] = Some(Field::ALL[j]);
            }
            j += 1;
        }
        assert!(path.len() == 1 || parents[i].is_some(), "a field without its parent");
        i += 1;
    }
    parents
};

/// The fields under each field, however deep.
const DESCENDANTS: [Set; Field::COUNT] = {
    let mut descendants = [0; Field::COUNT];
    let mut i = 0;
    while i < Field::COUNT {
        let mut j = 0;
        while j < Field::COUNT {
            if is_under(TABLE[j].0, TABLE[i].0) {
                descendants[i] |= 1 << j;
            }
            j += 1;
        }
        i += 1;
    }
    descendants
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_found_under_their_parent_only() {
        for &field in Field::ALL {
            assert_eq!(Field::ALL[field.index()], field);
            assert_eq!(Field::find(field.parent(), field.key()), Some(field), "{field:?}");
            let path: Vec<_> = field.parent().map_or(&[][..], Field::path).iter().chain([&field.key()]).copied().collect();
            assert_eq!(path, field.path());
        }
        assert_eq!(Field::find(None, "arn"), None);
        assert_eq!(Field::find(Some(Field::UserIdentity), "arn"), Some(Field::IdentityArn));
        assert_eq!(Field::find(Some(Field::SessionIssuer), "arn"), Some(Field::IssuerArn));
        assert_eq!(Field::find(Some(Field::SessionContext), "arn"), None);
        assert_eq!(Field::find(None, "eventname"), None);
        assert_eq!(Field::find(None, &"x".repeat(100)), None);
        assert_eq!(Field::find(Some(Field::EventName), "type"), None);
    }

    #[test]
    fn nested_fields_are_inside_objects() {
        let under = |f: Field| f.descendants().collect::<Vec<_>>();
        use Field::*;
        assert_eq!(under(SessionContext), [SessionIssuer, IssuerArn, IssuerUserName, Ec2RoleDelivery]);
        assert_eq!(under(ResponseElements), [ConsoleLogin]);
        assert_eq!(under(EventName), []);
        assert_eq!(under(UserIdentity).len(), 11);
        for &field in Field::ALL {
            assert_eq!(field.has_fields(), field.descendants().next().is_some());
            assert!(!field.has_fields() || field.kind() == Kind::Object);
        }
    }
}
