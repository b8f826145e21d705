//! A crate that uses the generated `msgraph` crate the way a user's crate would. Its doc tests
//! are the project README's examples, so the README cannot drift from the generated API.
#![doc = include_str!("../../../README.md")]
