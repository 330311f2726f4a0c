//! Field names: the ones given, or detected per record from lists of common names.

use std::collections::HashMap;

use super::record::Scalar;

/// Field names to read. `None` means: detect from the candidates below, per record.
#[derive(Clone, Debug, Default)]
pub struct FieldMap {
    /// The id field (else one of [`ID_FIELDS`]; else `file:line`).
    pub id: Option<String>,
    /// The text field (else one of [`TEXT_FIELDS`]).
    pub text: Option<String>,
    /// The outlet field (else one of [`SOURCE_FIELDS`]).
    pub source: Option<String>,
    /// The date field (else one of [`DATE_FIELDS`]).
    pub date: Option<String>,
    /// The headline field (else one of [`TITLE_FIELDS`]).
    pub title: Option<String>,
}

/// Field names detected for ids, in order of preference (the first present wins).
pub const ID_FIELDS: &[&str] = &["id", "doc_id", "docid", "docno", "_id", "uuid", "guid"];
/// Field names detected for texts, in order of preference (the first present wins).
pub const TEXT_FIELDS: &[&str] = &[
    "text",
    "content",
    "body",
    "article",
    "full_text",
    "fulltext",
];
/// Field names detected for outlets, in order of preference (the first present wins).
pub const SOURCE_FIELDS: &[&str] = &["source", "outlet", "src", "site", "publisher", "domain"];
/// Field names detected for dates, in order of preference (the first present wins).
pub const DATE_FIELDS: &[&str] = &[
    "date",
    "published",
    "published_at",
    "pubdate",
    "date_published",
    "datetime",
    "time",
    "timestamp",
    "date_extracted",
    "created_at",
];
/// Field names detected for headlines, in order of preference (the first present wins).
pub const TITLE_FIELDS: &[&str] = &["title", "headline"];

/// The fields a record can fill.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Role {
    Id,
    Text,
    Source,
    Date,
    Title,
}

const ROLES: [(Role, &[&str]); 5] = [
    (Role::Id, ID_FIELDS),
    (Role::Text, TEXT_FIELDS),
    (Role::Source, SOURCE_FIELDS),
    (Role::Date, DATE_FIELDS),
    (Role::Title, TITLE_FIELDS),
];

/// Per role: the value found so far, with the role, its rank among the candidates and the value.
#[derive(Default)]
pub(super) struct Found {
    pub(super) values: [Option<(Role, usize, Scalar)>; 5],
}

/// Which roles each field name fills (and at which rank among the candidates), built once per
/// chunk so that each key of a record costs one hash lookup.
pub(super) struct FieldLookup<'a> {
    pub(super) fields: &'a FieldMap,
    pub(super) roles: HashMap<&'a str, Vec<(Role, usize)>>,
}

impl<'a> FieldLookup<'a> {
    /// The lookup for these field names: given names, or every candidate of each role.
    pub(super) fn new(fields: &'a FieldMap) -> Self {
        let mut roles: HashMap<&'a str, Vec<(Role, usize)>> = HashMap::new();
        for (role, candidates) in ROLES {
            match fields.given(role) {
                Some(name) => roles.entry(name).or_default().push((role, 0)),
                None => {
                    for (rank, c) in candidates.iter().enumerate() {
                        roles.entry(c).or_default().push((role, rank));
                    }
                }
            }
        }
        FieldLookup { fields, roles }
    }

    /// The field name behind a role's value, for messages.
    pub(super) fn name(&self, role: Role, rank: usize) -> String {
        match self.fields.given(role) {
            Some(name) => name.to_string(),
            None => ROLES[role as usize].1[rank].to_string(),
        }
    }
}

impl FieldMap {
    /// The name given for a role, if any.
    fn given(&self, role: Role) -> Option<&str> {
        match role {
            Role::Id => self.id.as_deref(),
            Role::Text => self.text.as_deref(),
            Role::Source => self.source.as_deref(),
            Role::Date => self.date.as_deref(),
            Role::Title => self.title.as_deref(),
        }
    }
}
