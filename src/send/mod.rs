//! The machinery behind `hooktap send`: building signed requests, sending them
//! once or under load, recording them, and reporting on them.

pub mod curl;
pub mod deliver;
pub mod edit;
pub mod input;
pub mod load;
pub mod record;
pub mod report;
pub mod request;
pub mod stats;
pub mod verbose;

pub use deliver::deliver;
pub use edit::{Edit, EditError};
pub use request::{BodySource, BuildError, Prepared, RequestPlan};

#[cfg(test)]
mod tests;
