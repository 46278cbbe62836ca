//! What a database is given before anyone uses it: the bootstrap every deployment needs
//! (first legal documents, first admin) and the demo city of the local default run.

pub mod bootstrap;
pub mod demo;
