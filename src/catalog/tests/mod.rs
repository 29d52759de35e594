//! Tests for the catalog: the built-in fixtures, lookup and user directories.

mod builtin;
mod lookup;
mod stripe_github;
mod template;
mod user_dir;
mod wellformed;
