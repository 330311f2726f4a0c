pub mod corpus;
pub mod dedup;
pub mod report;
pub mod sketch;
pub mod text;
