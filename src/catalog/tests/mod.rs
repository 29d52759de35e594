//! Tests for the catalog: the built-in fixtures, lookup and user directories.

mod builtin;
mod lookup;
mod template;
mod user_dir;
mod wellformed;
