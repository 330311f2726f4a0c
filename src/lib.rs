pub mod corpus;
pub mod sketch;
pub mod text;
