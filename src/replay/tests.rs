//! Unit tests of the replay engine.
